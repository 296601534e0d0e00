import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectSnapshot } from '../../../src/ingest/snapshot/index.js';

const KICS_ARM = fileURLToPath(new URL('../../../../shared/corpus/kics/arm/', import.meta.url));
const ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa';

describe('detectSnapshot', () => {
  it('recognises snapshot shapes from a head cut mid-value', () => {
    const heads: [string, string][] = [
      [
        'az list',
        `[\n  {\n    "id": "${ID}",\n    "name": "sa",\n    "type": "Microsoft.Storage/storageAccounts", "prop`,
      ],
      ['ARG objectArray', `{"totalRecords": 3, "count": 3, "data": [{"id": "${ID}", "na`],
      ['ARG data only', `{"data": [{"id": "${ID}"`],
      ['ARG table', '{"totalRecords": 3, "count": 3, "data": {"columns": [{"name": "id"'],
      ['REST list', `{"value": [{"id": "${ID}", "type": "x"`],
      [
        'REST GET',
        `{"properties": {"minimumTlsVersion": "TLS1_2"}, "id": "${ID}", "type": "Microsoft.Storage/storageAccounts"}`,
      ],
      ['NDJSON', `{"id": "${ID}", "type": "microsoft.storage/storageaccounts"}\n{"id": "${ID}2", "ty`],
      ['envelope', '{"phiguard": {"version": 1}, "resources": [{"id'],
      ['x-ms-examples', '{"parameters": {"api-version": "2025-06-01"}, "responses": {"200": {"body": {"id'],
      ['Graph page', '{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": [{"bus'],
      ['Graph object', '{"accountEnabled": true, "appId": "x", "id": "00af5dfb-85da-4b41-a677-0c6b86dd34f8", "disp'],
      ['az ad app list', '[{"appId": "a", "id": "0000", "displayName": "x"}]'],
      ['BOM', `\uFEFF[{"id": "${ID}", "type": "t"}]`],
    ];
    for (const [label, head] of heads) assert.equal(detectSnapshot(head, 'x.json'), true, label);
  });

  it('does not take templates, parameter files and other JSON for snapshots', () => {
    const heads: [string, string][] = [
      [
        'ARM template',
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": [{"id": "x", "type": "y"}]}',
      ],
      [
        'parameter file',
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {"a": {"value": [1]}}}',
      ],
      ['package.json', '{"name": "phiguard", "version": "0.1.0", "type": "module"}'],
      ['terraform plan', '{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": {'],
      ['empty array', '[]'],
      ['array of strings', '["a", "b"]'],
      ['not JSON', 'resource "azurerm_storage_account" "sa" {'],
      ['string value with id', '{"note": "{\\"id\\": \\"/subscriptions/x\\", \\"type\\": \\"t\\"}"}'],
    ];
    for (const [label, head] of heads) assert.equal(detectSnapshot(head, 'x.json'), false, label);
  });

  it('rejects every JSON file of the KICS ARM corpus (templates and expected results)', () => {
    let checked = 0;
    for (const query of readdirSync(KICS_ARM)) {
      for (const file of readdirSync(join(KICS_ARM, query)).filter((f) => f.endsWith('.json'))) {
        const head = readFileSync(join(KICS_ARM, query, file), 'utf8').slice(0, 4096);
        assert.equal(detectSnapshot(head, file), false, `${query}/${file}`);
        checked++;
      }
    }
    assert.ok(checked > 50);
  });

  it('accepts gzip data by name only', () => {
    const magic = '\u001f\u008b\u0008\u0000';
    assert.equal(detectSnapshot(magic, 'estate.json.gz'), true);
    assert.equal(detectSnapshot(magic, 'estate.ndjson.gz'), true);
    assert.equal(detectSnapshot(magic, 'archive.tar.gz'), false);
  });
});

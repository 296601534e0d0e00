// `terraform show -json` plans and states: detection, exact values, unknown (after apply) values, patches and
// references resolved through the configuration, deletions and data sources left out, file:line from the .tf files
// beside the plan, and the streaming scanner under arbitrary chunk boundaries.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import { lookup } from '../../../src/core/path.js';
import type { Resource } from '../../../src/core/types.js';
import { detectTerraformPlan, readTerraformPlan } from '../../../src/ingest/terraform/index.js';
import { type CapturedValue, JsonScanner, type PathSegment } from '../../../src/ingest/terraform/json-stream.js';
import type { IngestDiagnostic } from '../../../src/ingest/types.js';
import { findRule } from '../../../src/rules/catalog/index.js';
import type { Rule } from '../../../src/rules/define.js';
import { Engine } from '../../../src/rules/engine.js';

const FIXTURE = fileURLToPath(new URL('fixtures/plan/', import.meta.url));
const PLAN = join(FIXTURE, 'plan.json');

async function read(file: string): Promise<{ resources: Resource[]; diagnostics: IngestDiagnostic[] }> {
  const diagnostics: IngestDiagnostic[] = [];
  const resources: Resource[] = [];
  for await (const resource of readTerraformPlan(file, (d) => diagnostics.push(d))) resources.push(resource);
  return { resources, diagnostics };
}

function byName(resources: Resource[], name: string): Resource {
  const found = resources.find((r) => r.name === name);
  assert.ok(found, `no ${name}; have ${resources.map((r) => r.name).join(', ')}`);
  return found;
}

function rule(id: string): Rule {
  const found = findRule(id);
  assert.ok(found);
  return found;
}

describe('Terraform plan JSON', () => {
  it('detects plans and states, not ARM templates or snapshots', () => {
    assert.ok(detectTerraformPlan(readFileSync(PLAN, 'utf8').slice(0, 200)));
    assert.ok(
      detectTerraformPlan('\uFEFF{\n  "format_version": "1.0",\n  "terraform_version": "1.9.0",\n  "values": {'),
    );
    assert.ok(
      !detectTerraformPlan(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}',
      ),
    );
    assert.ok(!detectTerraformPlan('{"totalRecords": 1, "data": []}'));
    assert.ok(!detectTerraformPlan('[{"format_version": "1.0"}]'));
  });

  it('maps planned resources with exact values, skipping deletions and data sources', async () => {
    const { resources, diagnostics } = await read(PLAN);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(resources.map((r) => r.name).sort(), ['nsg-dmz/ssh', 'pe-stfresh-blob', 'stexisting', 'stfresh']);
    const existing = byName(resources, 'stexisting');
    // The plan's own id (real subscription) is kept; values are the provider's, defaults included.
    assert.equal(
      existing.id,
      '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-phi/providers/Microsoft.Storage/storageAccounts/stexisting',
    );
    assert.equal(existing.origin, 'terraform');
    assert.equal(existing.address, 'azurerm_storage_account.existing');
    assert.equal(lookup(existing, 'properties.allowBlobPublicAccess').kind, 'present');
    // A new resource's id is built from its arguments with the subscription the plan's other ids use.
    const rule = byName(resources, 'nsg-dmz/ssh');
    assert.match(rule.id, /^\/subscriptions\/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90\/resourceGroups\/rg-net\//);
  });

  it('applies patches and resolves references to resources created by the same plan', async () => {
    const { resources } = await read(PLAN);
    const fresh = byName(resources, 'stfresh');
    assert.equal((lookup(fresh, 'properties.encryption.keySource') as { value: unknown }).value, 'Microsoft.Keyvault');
    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory.privateEndpointsTo(fresh).map((link) => link.endpoint.name),
      ['pe-stfresh-blob'],
    );
  });

  it('locates resources and attributes in the .tf files beside the plan', async () => {
    const { resources } = await read(PLAN);
    const existing = byName(resources, 'stexisting');
    assert.equal(existing.file, join(FIXTURE, 'main.tf'));
    assert.equal(existing.at?.line, 1);
    assert.equal(existing.locations?.get('properties.minimumtlsversion')?.line, 7);
    const engine = new Engine([rule('PHI-STG-004')], { config: defaultConfig() });
    const findings = engine.evaluate(new Inventory(resources)).filter((f) => f.status === 'fail');
    assert.deepEqual(
      findings.map((f) => [f.resource.name, f.location?.line]),
      [['stexisting', 7]],
    );
  });

  it('locates values in the plan itself when no .tf files are beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-plan-'));
    const pretty = join(dir, 'pretty.json');
    copyFileSync(PLAN, pretty);
    const fromPretty = byName((await read(pretty)).resources, 'stexisting');
    assert.equal(fromPretty.file, pretty);
    // The resource is located at its resource change object in the plan.
    const lines = readFileSync(PLAN, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('"address": "azurerm_storage_account.existing"'));
    assert.deepEqual(fromPretty.at, { file: pretty, line, column: lines[line - 1].indexOf('{') + 1 });
    // `terraform show -json` writes one line: the column is the byte offset.
    const minified = join(dir, 'plan.json');
    writeFileSync(minified, JSON.stringify(JSON.parse(readFileSync(PLAN, 'utf8'))));
    const fromMinified = byName((await read(minified)).resources, 'stexisting');
    assert.equal(fromMinified.at?.line, 1);
    assert.ok((fromMinified.at?.column ?? 0) > 100);
  });

  it('marks attributes known only after apply as unknown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-plan-'));
    const file = join(dir, 'plan.json');
    const plan = JSON.parse(readFileSync(PLAN, 'utf8')) as {
      resource_changes: {
        address: string;
        change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
      }[];
    };
    const fresh = plan.resource_changes.find((c) => c.address === 'azurerm_storage_account.fresh');
    assert.ok(fresh);
    delete fresh.change.after.min_tls_version;
    fresh.change.after_unknown.min_tls_version = true;
    writeFileSync(file, JSON.stringify(plan));
    const { resources } = await read(file);
    const found = lookup(byName(resources, 'stfresh'), 'properties.minimumTlsVersion');
    assert.equal(found.kind, 'unresolved');
    assert.match(
      found.kind === 'unresolved' ? found.expression : '',
      /azurerm_storage_account\.fresh\.min_tls_version \(known after apply\)/,
    );
  });

  it('reads state JSON (values.root_module with child modules)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-state-'));
    const file = join(dir, 'state.json');
    const account = (name: string) => ({
      name,
      resource_group_name: 'rg',
      location: 'eastus',
      account_tier: 'Standard',
      account_replication_type: 'LRS',
      min_tls_version: 'TLS1_2',
      network_rules: [],
      id: `/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
    });
    writeFileSync(
      file,
      JSON.stringify({
        format_version: '1.0',
        terraform_version: '1.9.0',
        values: {
          root_module: {
            resources: [
              {
                address: 'azurerm_storage_account.a',
                mode: 'managed',
                type: 'azurerm_storage_account',
                name: 'a',
                values: account('sta'),
              },
            ],
            child_modules: [
              {
                address: 'module.m',
                resources: [
                  {
                    address: 'module.m.azurerm_storage_account.b',
                    mode: 'managed',
                    type: 'azurerm_storage_account',
                    name: 'b',
                    values: account('stb'),
                  },
                ],
              },
            ],
          },
        },
      }),
    );
    const { resources, diagnostics } = await read(file);
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      resources.map((r) => r.address),
      ['azurerm_storage_account.a', 'module.m.azurerm_storage_account.b'],
    );
  });

  it('reports malformed JSON at its line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-plan-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, '{\n  "format_version": "1.2",\n  "resource_changes": [ {"address": "x", } ]\n}\n');
    const { diagnostics } = await read(file);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].kind, 'parse-error');
    assert.equal(diagnostics[0].line, 3);
  });
});

describe('streaming JSON scanner', () => {
  const text = readFileSync(PLAN, 'utf8').replace('"stexisting"', '"st\\\\exi\\"sting \\u00e9"');
  const bytes = Buffer.from(text);
  const expected = (JSON.parse(text) as { resource_changes: unknown[] }).resource_changes;
  const decide = (path: readonly PathSegment[]) =>
    path[0] !== 'resource_changes'
      ? ('skip' as const)
      : path.length === 1
        ? ('descend' as const)
        : ('capture' as const);

  for (const size of [1, 2, 3, 7, 64, 4096]) {
    it(`captures the same values with ${size}-byte chunks`, () => {
      const captured: CapturedValue[] = [];
      const scanner = new JsonScanner(decide, (value) => captured.push(value));
      for (let i = 0; i < bytes.length; i += size) scanner.write(bytes.subarray(i, i + size));
      scanner.end();
      assert.deepEqual(
        captured.map((c) => JSON.parse(c.text)),
        expected,
      );
      // Pretty-printed: each change starts on its own line, at column 5.
      assert.equal(captured[0].column, 5);
      assert.equal(captured[1].line, text.slice(0, captured[1].offset).split('\n').length);
    });
  }
});

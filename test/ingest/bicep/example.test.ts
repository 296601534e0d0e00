// examples/contoso-health/bicep: the Bicep edition of the estate's network, storage and databases must show the same seeded
// STG/NET failures as the ARM templates (examples/contoso-health/README.md), each at the line it originates.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import { bicepEntryPoints, loadBicepParams } from '../../../src/ingest/bicep/index.js';
import { RULES } from '../../../src/rules/catalog/index.js';
import { Engine } from '../../../src/rules/engine.js';
import { lineOf } from './helpers.js';

const ESTATE = fileURLToPath(new URL('../../../examples/contoso-health/', import.meta.url));
const BICEP = join(ESTATE, 'bicep');

/**
 * [rule, resource name, status, file (relative to bicep/), text on the expected line, which occurrence of that text
 * (module blocks come in order in main.bicep; default 1)].
 */
const EXPECTED: [string, string, 'fail' | 'unknown', string, string, number?][] = [
  ['PHI-STG-001', 'stcontosoportalupl', 'fail', 'main.bicep', 'allowBlobPublicAccess: true'],
  ['PHI-STG-002', 'stcontosoportalupl/default/patient-uploads', 'fail', 'main.bicep', "publicAccess: 'Blob'"],
  ['PHI-STG-003', 'stcontosoportalupl', 'fail', 'main.bicep', 'httpsOnly: false'],
  ['PHI-STG-004', 'stcontosoportalupl', 'fail', 'main.bicepparam', "param uploadsMinimumTlsVersion = 'TLS1_0'"],
  ['PHI-STG-005', 'stcontosoportalupl', 'fail', 'main.bicep', "networkDefaultAction: 'Allow'"],
  ['PHI-STG-006', 'stcontosoportalupl', 'fail', 'modules/storage-account.bicep', "resource account '"],
  ['PHI-STG-007', 'stcontosoportalupl', 'fail', 'main.bicep', "keySource: 'Microsoft.Storage'"],
  ['PHI-STG-008', 'stcontosoportalupl', 'fail', 'main.bicep', 'encryption: {'],
  [
    'PHI-STG-009',
    'stcontosoportalupl',
    'fail',
    'modules/storage-account.bicep',
    'allowSharedKeyAccess: allowSharedKeyAccess',
  ],
  ['PHI-STG-005', 'stcontosoimaging', 'fail', 'main.bicepparam', "param imagingNetworkDefaultAction = 'Allow'"],
  ['PHI-STG-006', 'stcontosoimaging', 'fail', 'modules/storage-account.bicep', "resource account '"],
  ['PHI-STG-007', 'stcontosoimaging', 'fail', 'main.bicep', "keySource: 'Microsoft.Storage'", 2],
  ['PHI-STG-008', 'stcontosoimaging', 'fail', 'main.bicep', 'requireInfrastructureEncryption: false'],
  ['PHI-STG-009', 'stcontosoimaging', 'fail', 'main.bicep', 'allowSharedKeyAccess: true'],
  [
    'PHI-STG-001',
    'stcontosoclaimsdrop',
    'fail',
    'modules/storage-account.bicep',
    'allowBlobPublicAccess: allowBlobPublicAccess',
  ],
  ['PHI-STG-005', 'stcontosoclaimsdrop', 'unknown', 'modules/network.bicep', 'output natPublicIp'],
  ['PHI-STG-006', 'stcontosoclaimsdrop', 'fail', 'modules/storage-account.bicep', "resource account '"],
  ['PHI-STG-007', 'stcontosoclaimsdrop', 'fail', 'modules/storage-account.bicep', 'encryption: encryption'],
  ['PHI-STG-008', 'stcontosoclaimsdrop', 'fail', 'modules/storage-account.bicep', 'encryption: encryption'],
  ['PHI-STG-009', 'stcontosoclaimsdrop', 'fail', 'main.bicep', 'allowSharedKeyAccess: true', 2],
  ['PHI-STG-007', 'stcontosoanalytics', 'fail', 'main.bicep', "keySource: 'Microsoft.Storage'", 3],
  ['PHI-STG-005', 'stcontosomktweb', 'fail', 'main.bicep', "networkDefaultAction: 'Allow'", 2],
  [
    'PHI-NET-001',
    'nsg-contoso-legacy-dmz/Allow-SQL-Vendor-Replication',
    'fail',
    'main.bicepparam',
    "param vendorReplicationSourcePrefix = '0.0.0.0/0'",
  ],
  ['PHI-NET-002', 'nsg-contoso-legacy-dmz', 'fail', 'modules/network.bicep', "inboundRule('Allow-SSH-Any'"],
  ['PHI-NET-003', 'nsg-contoso-legacy-dmz', 'fail', 'modules/network.bicep', "inboundRule('Allow-RDP-Internet'"],
  [
    'PHI-NET-004',
    'sql-contoso-ehr-prod/AllowAll-Temp-Migration',
    'fail',
    'main.bicep',
    "{ name: 'AllowAll-Temp-Migration'",
  ],
  [
    'PHI-NET-005',
    'sql-contoso-ehr-prod/AllowAllWindowsAzureIps',
    'fail',
    'main.bicep',
    "{ name: 'AllowAllWindowsAzureIps'",
  ],
  [
    'PHI-NET-005',
    'psql-contoso-claims-prod/AllowAllAzureServicesAndResourcesWithinAzureIps_2023-9-14_8-12-3',
    'fail',
    'modules/flexible-servers.bicep',
    "startIpAddress: '0.0.0.0'",
  ],
  ['PHI-NET-006', 'sql-contoso-ehr-prod', 'fail', 'main.bicepparam', "param sqlPublicNetworkAccess = 'Enabled'"],
  ['PHI-NET-006', 'cosmos-contoso-portal-prod', 'fail', 'main.bicep', "publicNetworkAccess: 'Enabled'", 3],
  ['PHI-NET-007', 'cosmos-contoso-portal-prod', 'fail', 'main.bicep', "publicNetworkAccess: 'Enabled'", 3],
  [
    'PHI-NET-006',
    'psql-contoso-claims-prod',
    'fail',
    'modules/flexible-servers.bicep',
    "publicNetworkAccess: 'Enabled'",
  ],
  ['PHI-NET-008', 'sql-contoso-ehr-prod', 'fail', 'modules/sql-server.bicep', 'properties: {'],
  ['PHI-NET-008', 'cosmos-contoso-portal-prod', 'fail', 'modules/cosmos-account.bicep', 'properties: {'],
  ['PHI-NET-008', 'psql-contoso-claims-prod', 'fail', 'modules/flexible-servers.bicep', 'properties: {'],
  [
    'PHI-NET-009',
    'sql-contoso-ehr-prod/sqldb-ehr-reporting/current',
    'fail',
    'main.bicepparam',
    "transparentDataEncryption: 'Disabled'",
  ],
  ['PHI-NET-010', 'sql-contoso-ehr-prod/current', 'fail', 'modules/sql-server.bicep', 'serverKeyType: tdeKey == null'],
  ['PHI-NET-010', 'psql-contoso-claims-prod', 'fail', 'modules/flexible-servers.bicep', "type: 'SystemManaged'"],
];

describe('examples/contoso-health/bicep', () => {
  it('shows the seeded STG/NET failures at the lines they originate, and nothing else fails', async () => {
    const configFile = join(ESTATE, '.phiguard.yaml');
    const config = parseConfig(readFileSync(configFile, 'utf8'), configFile);
    const result = await loadBicepParams(join(BICEP, 'main.bicepparam'));
    assert.deepEqual(result.diagnostics, []);
    const rules = RULES.filter((rule) => /^PHI-(STG|NET)-/.test(rule.id));
    const findings = new Engine(rules, { config }).evaluate(new Inventory(result.resources));
    const actual = findings
      .filter((f) => f.status !== 'pass')
      .map((f) => `${f.ruleId} ${f.resource.name} ${f.status} ${f.location?.file}:${f.location?.line}`)
      .sort();
    const expected = EXPECTED.map(([rule, name, status, file, needle, occurrence]) => {
      const line = lineOf(readFileSync(join(BICEP, file), 'utf8'), needle, occurrence);
      return `${rule} ${name} ${status} ${join(BICEP, file)}:${line}`;
    }).sort();
    assert.deepEqual(actual, expected);
  });

  it('is loaded through its .bicepparam file only: modules, shared imports and the using target are not entries', async () => {
    const files = [
      'main.bicep',
      'main.bicepparam',
      'modules/cosmos-account.bicep',
      'modules/ehr-keys.bicep',
      'modules/flexible-servers.bicep',
      'modules/network.bicep',
      'modules/sql-server.bicep',
      'modules/storage-account.bicep',
      'shared/conventions.bicep',
    ];
    const entries = await bicepEntryPoints(files.map((file) => join(BICEP, file)));
    assert.deepEqual(entries, [{ file: join(BICEP, 'main.bicepparam'), kind: 'params' }]);
    // Without the parameter file, the template itself is the entry.
    const withoutParams = await bicepEntryPoints(
      files.filter((f) => f !== 'main.bicepparam').map((file) => join(BICEP, file)),
    );
    assert.deepEqual(withoutParams, [{ file: join(BICEP, 'main.bicep'), kind: 'template' }]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-012.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, nonPhi, PAYLOADS, res } from './support.js';

const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const SQL_DB = 'Microsoft.Sql/servers/databases';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';

const flexible = (type: string, backup?: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  res(
    type,
    'phidb',
    { version: '16', ...(backup ? { backup } : {}), ...extra },
    { sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' } },
  );
const database = (properties: Record<string, unknown> = {}, name = 'phisql/phidb') =>
  res(SQL_DB, name, { collation: 'SQL_Latin1_General_CP1_CI_AS', ...properties });
const cosmos = (
  backupPolicy?: Record<string, unknown>,
  locations = [{ locationName: 'eastus', failoverPriority: 0 }],
) =>
  res(COSMOS, 'phicosmos', {
    databaseAccountOfferType: 'Standard',
    locations,
    ...(backupPolicy ? { backupPolicy } : {}),
  });
const geo = parameterCases((expression) => [flexible(PG, { geoRedundantBackup: expression })], 'string', 'Disabled');

ruleCases(rule, {
  pass: [
    payload(PAYLOADS.postgres),
    payload(PAYLOADS.cosmos),
    resourcesCase([flexible(MYSQL, { geoRedundantBackup: 'Enabled' })], 'MySQL Enabled'),
    resourcesCase([flexible(PG, { geoRedundantBackup: true })], 'boolean true'),
    resourcesCase([flexible(PG, undefined, { createMode: 'Replica' })], 'read replica without geo backup'),
    resourcesCase([database()], 'SQL database without requestedBackupStorageRedundancy (Geo)'),
    resourcesCase([database({ requestedBackupStorageRedundancy: 'GeoZone' })], 'SQL GeoZone'),
    resourcesCase(
      [database({ createMode: 'Secondary', requestedBackupStorageRedundancy: 'Local' })],
      'SQL geo-secondary',
    ),
    resourcesCase([cosmos()], 'Cosmos DB without backupPolicy (periodic, Geo)'),
    resourcesCase(
      [
        cosmos({ type: 'Continuous' }, [
          { locationName: 'eastus', failoverPriority: 0 },
          { locationName: 'westus', failoverPriority: 1 },
        ]),
      ],
      'Cosmos DB continuous backup in two regions',
    ),
    resourcesCase(
      [res('Microsoft.DBforPostgreSQL/servers', 'legacypg', { storageProfile: { geoRedundantBackup: 'Enabled' } })],
      'legacy single server Enabled',
    ),
  ],
  fail: [
    payload(PAYLOADS.mysql),
    resourcesCase([flexible(PG)], 'PostgreSQL without backup settings (Disabled)'),
    resourcesCase([flexible(MYSQL, { geoRedundantBackup: 'Disabled' })], 'MySQL Disabled', {
      needle: '"geoRedundantBackup": "Disabled"',
    }),
    geo.fromDefault,
    geo.fromFile,
    resourcesCase([database({ requestedBackupStorageRedundancy: 'Local' })], 'SQL Local', {
      needle: '"requestedBackupStorageRedundancy": "Local"',
    }),
    liveCase([body(SQL_DB, 'phisql/phidb', { requestedBackupStorageRedundancy: 'Zone' })], 'SQL Zone'),
    resourcesCase(
      [cosmos({ type: 'Periodic', periodicModeProperties: { backupStorageRedundancy: 'Local' } })],
      'Cosmos DB periodic Local',
    ),
    resourcesCase([cosmos({ type: 'Continuous' })], 'Cosmos DB continuous backup in one region'),
    resourcesCase(
      [res('Microsoft.DBforMySQL/servers', 'legacymysql', { version: '5.7' })],
      'legacy single server without storageProfile',
    ),
    payload(PAYLOADS.postgres, (b) => {
      (b.properties as { backup: Record<string, unknown> }).backup.geoRedundantBackup = 'Disabled';
    }),
  ],
  unknown: [geo.missing],
  notApplicable: [
    resourcesCase([database({ requestedBackupStorageRedundancy: 'Local' }, 'phisql/master')], 'master'),
    nonPhi(payload(PAYLOADS.mysql)),
  ],
});

describe('PHI-BAK-012 messages', () => {
  it('names the redundancy and the single region', () => {
    const [finding] = run(rule, payload(PAYLOADS.mysql)).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /Geo-redundant backup is "Disabled"/);
    assert.match(finding.message, /one region/);
  });
});

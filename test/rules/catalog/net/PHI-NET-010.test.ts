import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-010.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { type Case, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { body, live, liveMany, res } from './support.js';

const SQL = 'Microsoft.Sql/servers';
const PROTECTOR = 'Microsoft.Sql/servers/encryptionProtector';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const KEY_URI = 'https://phi-kv.vault.azure.net/keys/tde/0123456789abcdef';

const sql = (others: Record<string, unknown>[], label: string, properties: Record<string, unknown> = {}) =>
  templateCase(
    template([res(SQL, 'phisql', { administratorLogin: 'admin', ...properties }), ...others]),
    `sql ${label}`,
  );
const protector = (serverKeyType: string) =>
  res(PROTECTOR, 'phisql/current', { serverKeyType, serverKeyName: 'phi-kv_tde_0123456789abcdef' });
const one = (type: string, properties: Record<string, unknown>, label: string, needle?: string) =>
  templateCase(template([res(type, 'phidb', properties)]), `${type} ${label}`, needle ? { needle } : undefined);
const flexType = parameterCases(
  (expression) => [res(PG, 'phipg', { dataEncryption: { type: expression } })],
  'string',
  'SystemManaged',
);

ruleCases(rule, {
  pass: [
    sql([protector('AzureKeyVault')], 'protector AzureKeyVault'),
    sql([], 'server keyId', { keyId: KEY_URI }),
    one(COSMOS, { keyVaultKeyUri: KEY_URI }, 'keyVaultKeyUri'),
    templateCase(
      template([res(COSMOS, 'phicosmos', { keyVaultKeyUri: "[parameters('key')]" })], { key: { type: 'string' } }),
      'cosmos key URI from an unresolved parameter counts as configured',
    ),
    one(PG, { dataEncryption: { type: 'AzureKeyVault', primaryKeyURI: KEY_URI } }, 'AzureKeyVault'),
    one(MYSQL, { dataEncryption: { primaryKeyURI: KEY_URI } }, 'key URI without a type (older API versions)'),
    templateCase(
      template([
        res('Microsoft.DBforMySQL/servers', 'phimy', { version: '8.0' }),
        res('Microsoft.DBforMySQL/servers/keys', 'phimy/phi-kv_tde_1', {
          serverKeyType: 'AzureKeyVault',
          uri: KEY_URI,
        }),
      ]),
      'single server with a Key Vault key',
    ),
    live(body('Microsoft.DBforPostgreSQL/servers', 'phipgs', { byokEnforcement: 'Enabled' })),
    live(body(PROTECTOR, 'phisql/current', { serverKeyType: 'AzureKeyVault', serverKeyName: 'k' })),
  ],
  fail: [
    sql([], 'no protector'),
    sql([protector('ServiceManaged')], 'protector ServiceManaged'),
    one(COSMOS, { databaseAccountOfferType: 'Standard' }, 'no keyVaultKeyUri'),
    one(PG, { dataEncryption: { type: 'SystemManaged' } }, 'SystemManaged', '"type": "SystemManaged"'),
    one(MYSQL, { version: '8.0.21' }, 'no dataEncryption'),
    one('Microsoft.DBforPostgreSQL/servers', { version: '11' }, 'single server without keys'),
    flexType.fromDefault,
    flexType.fromFile,
    payload('postgresql_flexible_server_get_2025-08-01.json'),
    payload('mysql_flexible_server_get_2024-12-30.json'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    live(body('Microsoft.DBforMySQL/servers', 'phimys', { byokEnforcement: 'Disabled' })),
    liveMany(
      [
        body(SQL, 'phisql', {}),
        body(PROTECTOR, 'phisql/current', { serverKeyType: 'ServiceManaged', serverKeyName: 'ServiceManaged' }),
      ],
      'live server with a ServiceManaged protector',
    ),
  ],
  unknown: [
    flexType.missing,
    payload('sql_server_get_2025-01-01.json'),
    templateCase(
      template(
        [
          res('Microsoft.DBforMySQL/servers', 'phimy', {}),
          res('Microsoft.DBforMySQL/servers/keys', 'phimy/k', { serverKeyType: "[parameters('t')]" }),
        ],
        { t: { type: 'string' } },
      ),
      'single server key type unresolved',
    ),
  ],
  notApplicable: [
    withConfig(sql([], 'non-PHI'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-NET-010 wording', () => {
  const failing: Case[] = [
    payload('postgresql_flexible_server_get_2025-08-01.json'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    live(body('Microsoft.DBforMySQL/servers', 'phimys', { byokEnforcement: 'Disabled' })),
    liveMany([body(PROTECTOR, 'phisql/current', { serverKeyType: 'ServiceManaged' })], 'protector ServiceManaged'),
  ];
  for (const testCase of failing) {
    it(`says "service-managed key", never "unencrypted": ${testCase.name}`, () => {
      const failures = run(rule, testCase).findings.filter((f) => f.status === 'fail');
      assert.ok(failures.length > 0);
      for (const failure of failures) {
        assert.match(failure.message, /service-managed key/);
        assert.doesNotMatch(failure.message, /unencrypted/i);
      }
    });
  }
});

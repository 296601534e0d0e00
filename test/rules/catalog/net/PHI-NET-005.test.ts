import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-005.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, res } from './support.js';

const SQL_RULE = 'Microsoft.Sql/servers/firewallRules';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';

function range(start: string, end: string, type = SQL_RULE) {
  return templateCase(
    template([res(type, 'phidb/rule', { startIpAddress: start, endIpAddress: end })]),
    `${type} ${start} - ${end}`,
    { needle: `"startIpAddress": "${start}"` },
  );
}

const cosmos = (properties: Record<string, unknown>, label: string, needle?: string) =>
  templateCase(
    template([
      res(COSMOS, 'phicosmos', { databaseAccountOfferType: 'Standard', ...properties }, { apiVersion: '2025-10-15' }),
    ]),
    `cosmos ${label}`,
    needle ? { needle } : undefined,
  );

const entry = parameterCases(
  (expression) => [
    res(COSMOS, 'phicosmos', { ipRules: [{ ipAddressOrRange: expression }] }, { apiVersion: '2025-10-15' }),
  ],
  'string',
  '0.0.0.0',
);

ruleCases(rule, {
  pass: [
    range('10.0.0.1', '10.0.0.1'),
    range('0.0.0.0', '255.255.255.255'),
    templateCase(
      template([res(SQL_RULE, 'phisql/r', { startIpAddress: "[parameters('p')]", endIpAddress: '10.0.0.9' })], {
        p: { type: 'string' },
      }),
      'unresolved start with a known non-zero end',
    ),
    cosmos({ ipRules: [{ ipAddressOrRange: '203.0.113.10' }] }, 'explicit client address'),
    cosmos({}, 'no IP rules'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    live(
      body('Microsoft.DBforMySQL/flexibleServers/firewallRules', 'phimy/office', {
        startIpAddress: '203.0.113.1',
        endIpAddress: '203.0.113.1',
      }),
    ),
  ],
  fail: [
    range('0.0.0.0', '0.0.0.0'),
    range('0.0.0.0', '0.0.0.0', 'Microsoft.DBforMySQL/flexibleServers/firewallRules'),
    range('0.0.0.0', '0.0.0.0', 'Microsoft.DBforPostgreSQL/servers/firewallRules'),
    templateCase(
      template([
        {
          ...res('Microsoft.Sql/servers', 'phisql', { administratorLogin: 'admin' }),
          resources: [
            res('firewallRules', 'AllowAllWindowsAzureIps', { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }),
          ],
        },
      ]),
      'nested AllowAllWindowsAzureIps',
      { needle: '"startIpAddress": "0.0.0.0"' },
    ),
    cosmos(
      { ipRules: [{ ipAddressOrRange: '203.0.113.10' }, { ipAddressOrRange: '0.0.0.0' }] },
      'ipRules entry 0.0.0.0',
      '"ipAddressOrRange": "0.0.0.0"',
    ),
    cosmos({ ipRangeFilter: '104.42.195.92, 0.0.0.0' }, 'legacy ipRangeFilter', '"ipRangeFilter"'),
    entry.fromDefault,
    entry.fromFile,
    payload('sql_firewall_rules_list_2023-08-01.json'),
    payload('cosmosdb_account_get_2025-10-15.json', (account) => {
      (account.properties as Record<string, unknown>).ipRules = [{ ipAddressOrRange: '0.0.0.0' }];
    }),
  ],
  unknown: [
    entry.missing,
    templateCase(
      template([res(SQL_RULE, 'phisql/r', { startIpAddress: '0.0.0.0', endIpAddress: "[parameters('p')]" })], {
        p: { type: 'string' },
      }),
      'start 0.0.0.0, end unresolved',
    ),
    templateCase(
      template([res(COSMOS, 'phicosmos', { ipRules: "[parameters('rules')]" }, { apiVersion: '2025-10-15' })], {
        rules: { type: 'array' },
      }),
      'cosmos ipRules unresolved',
    ),
  ],
});

describe('PHI-NET-005 subjects', () => {
  it('reports each payload firewall rule separately: only the 0.0.0.0 - 0.0.0.0 one fails', () => {
    const { findings } = run(rule, payload('sql_firewall_rules_list_2023-08-01.json'));
    assert.deepEqual(
      findings.map((f) => [f.resource.name.split('/').pop(), f.status]),
      [
        ['firewallrulecrudtest-2304', 'fail'],
        ['firewallrulecrudtest-3927', 'pass'],
        ['firewallrulecrudtest-5370', 'pass'],
        ['firewallrulecrudtest-5767', 'pass'],
      ],
    );
  });

  it('labels a Cosmos 0.0.0.0 entry "latent" when public network access is disabled', () => {
    const account = body(COSMOS, 'phicosmos', {
      publicNetworkAccess: 'Disabled',
      ipRules: [{ ipAddressOrRange: '0.0.0.0' }],
    });
    const { findings } = run(rule, live(account));
    assert.deepEqual(
      findings.map((f) => [f.status, f.labels, f.evidence.path]),
      [['fail', ['latent'], 'properties.ipRules.0.ipAddressOrRange']],
    );
  });
});

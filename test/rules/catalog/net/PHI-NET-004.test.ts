import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-004.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { body, live, liveMany, res } from './support.js';

const SQL_RULE = 'Microsoft.Sql/servers/firewallRules';
const START_ZERO = '"startIpAddress": "0.0.0.0"';

function range(start: string, end: string, type = SQL_RULE, name = 'phisql/clients') {
  return templateCase(
    template([res(type, name, { startIpAddress: start, endIpAddress: end })]),
    `${type} ${start} - ${end}`,
    {
      needle: `"startIpAddress": "${start}"`,
    },
  );
}

const start = parameterCases(
  (expression) => [res(SQL_RULE, 'phisql/all', { startIpAddress: expression, endIpAddress: '255.255.255.255' })],
  'string',
  '0.0.0.0',
);

const ipv6 = (start: string, finish: string) =>
  templateCase(
    template([
      res('Microsoft.Sql/servers/ipv6FirewallRules', 'phisql/v6', { startIPv6Address: start, endIPv6Address: finish }),
    ]),
    `ipv6 ${start} - ${finish}`,
  );

ruleCases(rule, {
  pass: [
    range('10.0.0.1', '10.0.0.255'),
    range('0.0.0.0', '0.0.0.0'),
    range('192.168.1.254', '192.168.1.2'),
    range('1.0.0.0', '1.255.255.254'),
    withConfig(range('10.0.0.0', '10.255.255.255'), (config) => {
      config.network.wideRangeMinAddresses = 2 ** 25;
    }),
    templateCase(
      template([res(SQL_RULE, 'phisql/low', { startIpAddress: "[parameters('p')]", endIpAddress: '0.0.255.255' })], {
        p: { type: 'string' },
      }),
      'unresolved start, but the known end bounds the range below a /8',
    ),
    ipv6('2001:db8::1', '2001:db8::ffff'),
    payload('sql_firewall_rules_list_2023-08-01.json'),
    live(
      body('Microsoft.DBforPostgreSQL/flexibleServers/firewallRules', 'phipg/office', {
        startIpAddress: '203.0.113.0',
        endIpAddress: '203.0.113.255',
      }),
    ),
  ],
  fail: [
    templateCase(
      template([
        {
          ...res('Microsoft.Sql/servers', 'sqlServer1', { administratorLogin: 'admin' }),
          resources: [
            res('firewallRules', 'AllowAllWindowsAzureIps', {
              endIpAddress: '255.255.255.255',
              startIpAddress: '0.0.0.0',
            }),
          ],
        },
      ]),
      'nested firewall rule 0.0.0.0 - 255.255.255.255 (KICS positive1)',
      { needle: START_ZERO },
    ),
    range('0.0.0.0/0', '255.255.255.255'),
    range('10.0.0.0', '10.255.255.255'),
    withConfig(range('172.16.0.0', '172.16.255.255'), (config) => {
      config.network.wideRangeMinAddresses = 65536;
    }),
    ...[
      'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
      'Microsoft.DBforMySQL/flexibleServers/firewallRules',
      'Microsoft.DBforPostgreSQL/servers/firewallRules',
      'Microsoft.DBforMySQL/servers/firewallRules',
    ].map((type) => range('0.0.0.0', '255.255.255.255', type, 'phidb/all')),
    ipv6('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
    start.fromDefault,
    start.fromFile,
    live(body(SQL_RULE, 'phisql/all', { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' })),
    payload('sql_firewall_rules_list_2023-08-01.json', (list) => {
      const rules = list.value as { properties: Record<string, string> }[];
      rules[1].properties.endIpAddress = '255.255.255.255';
    }),
  ],
  unknown: [
    start.missing,
    templateCase(template([res(SQL_RULE, 'phisql/r', { endIpAddress: '255.255.255.255' })]), 'start absent'),
    templateCase(
      template([res(SQL_RULE, 'phisql/r', { startIpAddress: "[parameters('p')]", endIpAddress: '10.0.0.5' })], {
        p: { type: 'string' },
      }),
      'unresolved start with an end that does not bound the range',
    ),
    templateCase(
      template([res(SQL_RULE, 'phisql/r', { startIpAddress: 'any', endIpAddress: '255.255.255.255' })]),
      'start not an address',
    ),
  ],
  notApplicable: [
    named(
      templateCase(
        template([
          res('Microsoft.DBforPostgreSQL/flexibleServers', 'phipg', {
            network: {
              delegatedSubnetResourceId:
                '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v/subnets/pg',
            },
          }),
          res('Microsoft.DBforPostgreSQL/flexibleServers/firewallRules', 'phipg/all', {
            startIpAddress: '0.0.0.0',
            endIpAddress: '255.255.255.255',
          }),
        ]),
        'VNet-injected',
      ),
      'firewall rule of a VNet-injected flexible server',
      { subject: 'firewallRules' },
    ),
  ],
});

describe('PHI-NET-004 labels', () => {
  it('labels a rule "latent" when its server has public network access disabled', () => {
    const server = body('Microsoft.Sql/servers', 'phisql', { publicNetworkAccess: 'Disabled' });
    const all = body(SQL_RULE, 'phisql/all', { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' });
    const latent = run(rule, liveMany([server, all], 'disabled server')).findings;
    assert.deepEqual(
      latent.map((f) => [f.status, f.labels]),
      [['fail', ['latent']]],
    );
    assert.match(latent[0].message, /latent/);
    const open = run(
      rule,
      liveMany([{ ...server, properties: { publicNetworkAccess: 'Enabled' } }, all], 'open'),
    ).findings;
    assert.deepEqual(
      open.map((f) => [f.status, f.labels]),
      [['fail', undefined]],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-006.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, res } from './support.js';

const SQL = 'Microsoft.Sql/servers';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const MI = 'Microsoft.Sql/managedInstances';
const SUBNET = '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v/subnets/db';

const server = (type: string, properties: Record<string, unknown>, label: string, needle?: string) =>
  templateCase(template([res(type, 'phidb', properties)]), `${type} ${label}`, needle ? { needle } : undefined);

const sqlAccess = parameterCases(
  (expression) => [res(SQL, 'phisql', { publicNetworkAccess: expression })],
  'string',
  'Enabled',
);
const flexAccess = parameterCases(
  (expression) => [res(PG, 'phipg', { network: { publicNetworkAccess: expression } })],
  'string',
  'Enabled',
);

ruleCases(rule, {
  pass: [
    server(SQL, { publicNetworkAccess: 'Disabled' }, 'Disabled'),
    server(COSMOS, { publicNetworkAccess: 'disabled' }, 'disabled in lower case'),
    server(PG, { network: { publicNetworkAccess: 'Disabled' } }, 'network.publicNetworkAccess Disabled'),
    server(PG, { network: { delegatedSubnetResourceId: SUBNET } }, 'VNet-injected, access absent'),
    templateCase(
      template([res(MYSQL, 'phimy', { network: { delegatedSubnetResourceId: "[parameters('subnet')]" } })], {
        subnet: { type: 'string' },
      }),
      'MySQL flexible with an unresolved delegated subnet (presence counts)',
    ),
    server(MI, { publicDataEndpointEnabled: false }, 'public data endpoint off'),
    server(MI, {}, 'public data endpoint absent'),
    server('Microsoft.DBforPostgreSQL/servers', { publicNetworkAccess: 'Disabled' }, 'single server Disabled'),
    live(body(SQL, 'phisql', { publicNetworkAccess: 'Disabled' })),
    payload('postgresql_flexible_server_get_2025-08-01.json', (flex) => {
      (flex.properties as { network: Record<string, unknown> }).network.publicNetworkAccess = 'Disabled';
    }),
  ],
  fail: [
    server(SQL, { publicNetworkAccess: 'Enabled' }, 'Enabled', '"publicNetworkAccess": "Enabled"'),
    server(SQL, { administratorLogin: 'admin' }, 'absent'),
    server(SQL, { publicNetworkAccess: 'SecuredByPerimeter' }, 'SecuredByPerimeter'),
    server(COSMOS, { databaseAccountOfferType: 'Standard' }, 'absent'),
    server(PG, { version: '17' }, 'absent, not VNet-injected'),
    server(
      MYSQL,
      { network: { publicNetworkAccess: 'Enabled', delegatedSubnetResourceId: SUBNET } },
      'Enabled on a VNet-injected server',
    ),
    server(MI, { publicDataEndpointEnabled: true }, 'public data endpoint on', '"publicDataEndpointEnabled": true'),
    server('Microsoft.DBforMySQL/servers', {}, 'single server absent'),
    sqlAccess.fromDefault,
    sqlAccess.fromFile,
    flexAccess.fromDefault,
    payload('sql_server_get_2025-01-01.json'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    payload('postgresql_flexible_server_get_2025-08-01.json'),
    payload('mysql_flexible_server_get_2024-12-30.json'),
  ],
  unknown: [
    sqlAccess.missing,
    flexAccess.missing,
    templateCase(
      template(
        [
          res(PG, 'phipg', {
            network: { delegatedSubnetResourceId: SUBNET, publicNetworkAccess: "[parameters('access')]" },
          }),
        ],
        { access: { type: 'string' } },
      ),
      'VNet-injected with an unresolved access value',
    ),
  ],
});

describe('PHI-NET-006 messages', () => {
  it('says why an absent value fails (the service default)', () => {
    const [finding] = run(rule, payload('cosmosdb_account_get_2025-10-15.json')).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /enabled unless disabled/);
    assert.equal(finding.evidence.path, 'properties.publicNetworkAccess');
  });
});

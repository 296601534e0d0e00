import { DEFAULT_DEPLOYMENT_CONTEXT as CONTEXT } from '../../../../src/ingest/types.js';
import rule from '../../../../src/rules/catalog/net/PHI-NET-008.js';
import { template, templateCase } from '../../../helpers/arm-cases.js';
import { named, payload, ruleCases, withConfig } from '../../../helpers/rule-cases.js';
import { body, connection, live, privateEndpoint, res } from './support.js';

const SQL = 'Microsoft.Sql/servers';
const SQL_REF = "[resourceId('Microsoft.Sql/servers', 'phisql')]";
const SUBNET = '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v/subnets/db';

const sql = (
  properties: Record<string, unknown>,
  label: string,
  others: Record<string, unknown>[] = [],
  parameters?: Record<string, unknown>,
) =>
  templateCase(
    template([res(SQL, 'phisql', { administratorLogin: 'admin', ...properties }), ...others], parameters),
    `sql ${label}`,
  );

ruleCases(rule, {
  pass: [
    sql({}, 'with a private endpoint (sqlServer)', [privateEndpoint(SQL_REF, ['sqlServer'])]),
    sql(
      {},
      'private endpoint target from a parameter default',
      [privateEndpoint("[parameters('target')]", ['sqlServer'])],
      {
        target: {
          type: 'string',
          defaultValue: `/subscriptions/${CONTEXT.subscriptionId}/resourceGroups/${CONTEXT.resourceGroup}/providers/Microsoft.Sql/servers/phisql`,
        },
      },
    ),
    templateCase(
      template([
        res(
          'Microsoft.DocumentDB/databaseAccounts',
          'phicosmos',
          { databaseAccountOfferType: 'Standard' },
          { apiVersion: '2025-10-15' },
        ),
        privateEndpoint("[resourceId('Microsoft.DocumentDB/databaseAccounts', 'phicosmos')]", ['MongoDB']),
      ]),
      'cosmos with a MongoDB private endpoint',
    ),
    templateCase(
      template([
        res('Microsoft.DBforPostgreSQL/flexibleServers', 'phipg', { network: { delegatedSubnetResourceId: SUBNET } }),
      ]),
      'VNet-injected PostgreSQL flexible server',
    ),
    payload('sql_server_get_2025-01-01.json'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    live(
      body('Microsoft.DBforMySQL/flexibleServers', 'phimy', { privateEndpointConnections: [connection('Approved')] }),
    ),
  ],
  fail: [
    sql({}, 'no private endpoint'),
    sql({ publicNetworkAccess: 'Disabled' }, 'public access Disabled but no private endpoint'),
    sql({}, 'a private endpoint with another group id', [privateEndpoint(SQL_REF, ['blob'])]),
    sql({}, 'group id from a parameter default', [privateEndpoint(SQL_REF, "[parameters('groups')]")], {
      groups: { type: 'array', defaultValue: ['sqlServerReplica'] },
    }),
    payload('postgresql_flexible_server_get_2025-08-01.json'),
    payload('mysql_flexible_server_get_2024-12-30.json'),
    payload('sql_server_get_2025-01-01.json', (server) => {
      (server.properties as Record<string, unknown>).privateEndpointConnections = [connection('Rejected')];
    }),
    live(body(SQL, 'phisql', { publicNetworkAccess: 'Enabled' })),
  ],
  unknown: [
    sql({}, 'manual private endpoint connection', [privateEndpoint(SQL_REF, ['sqlServer'], { manual: true })]),
    sql({}, 'private endpoint with an unresolved target', [privateEndpoint("[parameters('target')]", ['sqlServer'])], {
      target: { type: 'string' },
    }),
    sql({}, 'private endpoint with unresolved group ids', [privateEndpoint(SQL_REF, "[parameters('groups')]")], {
      groups: { type: 'array' },
    }),
  ],
  notApplicable: [
    named(sql({}, 'pe', [privateEndpoint(SQL_REF, ['sqlServer'])]), 'the private endpoint resource itself', {
      subject: 'privateEndpoints',
    }),
    withConfig(sql({}, 'non-PHI server'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

import rule from '../../../../src/rules/catalog/net/PHI-NET-007.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases } from '../../../helpers/rule-cases.js';
import { body, connection, live, privateEndpoint, res } from './support.js';

const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const ACCOUNT_REF = "[resourceId('Microsoft.DocumentDB/databaseAccounts', 'phicosmos')]";
const PAYLOAD = 'cosmosdb_account_get_2025-10-15.json';

const account = (properties: Record<string, unknown>) =>
  res(COSMOS, 'phicosmos', { databaseAccountOfferType: 'Standard', ...properties }, { apiVersion: '2025-10-15' });
const cosmos = (
  properties: Record<string, unknown>,
  label: string,
  others: Record<string, unknown>[] = [],
  needle?: string,
) => templateCase(template([account(properties), ...others]), `cosmos ${label}`, needle ? { needle } : undefined);

const access = parameterCases((expression) => [account({ publicNetworkAccess: expression })], 'string', 'Enabled');

ruleCases(rule, {
  pass: [
    cosmos({ publicNetworkAccess: 'Disabled' }, 'public network access Disabled'),
    cosmos({ isVirtualNetworkFilterEnabled: true }, 'VNet filter on, no VNet rules'),
    cosmos({ ipRules: [{ ipAddressOrRange: '203.0.113.10' }] }, 'explicit IP rule'),
    cosmos({ ipRangeFilter: '203.0.113.10' }, 'legacy ipRangeFilter'),
    cosmos({}, 'a private endpoint of the template targets it', [privateEndpoint(ACCOUNT_REF, ['Sql'])]),
    templateCase(
      template([account({ publicNetworkAccess: "[parameters('p')]", isVirtualNetworkFilterEnabled: true })], {
        p: { type: 'string' },
      }),
      'unresolved access, but the VNet filter decides',
    ),
    payload(PAYLOAD),
    live(body(COSMOS, 'phicosmos', { ipRules: [], privateEndpointConnections: [connection('Approved')] })),
  ],
  fail: [
    cosmos({}, 'nothing set'),
    cosmos({ ipRules: [{ ipAddressOrRange: '0.0.0.0' }] }, 'only the all-Azure entry'),
    cosmos(
      { isVirtualNetworkFilterEnabled: true, ipRules: [{ ipAddressOrRange: '0.0.0.0/0' }] },
      'an IP rule covering 0.0.0.0/0',
      [],
      '"ipAddressOrRange": "0.0.0.0/0"',
    ),
    cosmos({}, 'a private endpoint to another sub-resource group', [privateEndpoint(ACCOUNT_REF, ['blob'])]),
    access.fromDefault,
    access.fromFile,
    live(
      body(COSMOS, 'phicosmos', { publicNetworkAccess: 'Enabled', ipRules: [], isVirtualNetworkFilterEnabled: false }),
    ),
    payload(PAYLOAD, (body) => {
      (body.properties as Record<string, unknown>).privateEndpointConnections = [connection('Pending')];
    }),
  ],
  unknown: [
    access.missing,
    cosmos({}, 'manual private endpoint connection', [privateEndpoint(ACCOUNT_REF, ['Sql'], { manual: true })]),
    templateCase(
      template([account({}), privateEndpoint("[parameters('target')]", ['Sql'])], { target: { type: 'string' } }),
      'private endpoint with an unresolved target',
    ),
  ],
});

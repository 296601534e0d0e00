import { asBoolean } from '../../../core/path.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { isType, publicAccessPath, SQL_MANAGED_INSTANCE, vnetInjected } from './db.js';
import { COSMOS_SWAGGER, MYSQL_FLEXIBLE_SWAGGER, PG_FLEXIBLE_SWAGGER, SQL_SWAGGER } from './refs.js';

export default defineRule({
  id: 'PHI-NET-006',
  title: 'Database server public network access is enabled',
  severity: 'high',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
  ],
  phiScoped: false,
  types: [
    'Microsoft.Sql/servers',
    'Microsoft.Sql/managedInstances',
    'Microsoft.DocumentDB/databaseAccounts',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforMySQL/flexibleServers',
    'Microsoft.DBforPostgreSQL/servers',
    'Microsoft.DBforMySQL/servers',
  ],
  policies: [
    {
      id: '1b8ca024-1d5c-4dec-8995-b1a932b41780',
      name: 'Public network access on Azure SQL Database should be disabled',
      relation: 'equivalent',
    },
    {
      id: '797b37f7-06b8-444c-b1ad-fc62867f335a',
      name: 'Azure Cosmos DB should disable public network access',
      relation: 'equivalent',
    },
    {
      id: '5e1de0e3-42cb-4ebc-a86d-61d0c619ca48',
      name: 'Public network access should be disabled for PostgreSQL flexible servers',
      relation: 'equivalent',
    },
    {
      id: 'c9299215-ae47-4f50-9c54-8a392f68a052',
      name: 'Public network access should be disabled for MySQL flexible servers',
      relation: 'equivalent',
    },
    {
      id: 'b52376f7-9612-48a1-81cd-1ffe4b61032c',
      name: 'Public network access should be disabled for PostgreSQL servers',
      relation: 'equivalent (legacy)',
    },
    {
      id: 'd9844e8a-1437-4aeb-a32c-0c992f056095',
      name: 'Public network access should be disabled for MySQL servers',
      relation: 'equivalent (legacy)',
    },
  ],
  remediation: {
    az: 'az sql server update -g "$RG" -n "$SERVER" --enable-public-network false\naz cosmosdb update -g "$RG" -n "$ACCOUNT" --public-network-access Disabled\naz resource update --ids "$FLEX_SERVER_ID" --set properties.network.publicNetworkAccess=Disabled',
    arm: '{"properties": {"publicNetworkAccess": "Disabled"}}\n{"properties": {"network": {"publicNetworkAccess": "Disabled"}}}',
    bicep:
      "// SQL logical server, Cosmos DB, single servers\nproperties: {\n  publicNetworkAccess: 'Disabled'\n}\n// PostgreSQL / MySQL flexible servers\nproperties: {\n  network: {\n    publicNetworkAccess: 'Disabled'\n  }\n}\n// SQL Managed Instance\nproperties: {\n  publicDataEndpointEnabled: false\n}",
    terraform:
      'public_network_access_enabled = false      # azurerm_mysql_flexible_server 5.x: public_network_access = "Disabled"',
    note: 'Clients must already reach the server through a private endpoint (PHI-NET-008) or VNet injection. Switching a public-access PostgreSQL/MySQL flexible server to VNet injection is not possible in place (new server + migration); disabling public access with a private endpoint is.',
  },
  docs: {
    evaluation:
      'SQL logical server, Cosmos DB and PostgreSQL/MySQL single servers: properties.publicNetworkAccess. PostgreSQL/MySQL flexible servers: properties.network.publicNetworkAccess together with network.delegatedSubnetResourceId. SQL Managed Instance: properties.publicDataEndpointEnabled. Disabled (case-insensitive) passes, as does a Managed Instance whose public data endpoint is false. Enabled fails; SecuredByPerimeter fails too, like Azure Policy\'s "notEquals Disabled" (access is then governed by the Network Security Perimeter, whose inbound rules need review). An explicit Enabled on a VNet-injected flexible server still fails (contradictory template).',
    absent:
      'publicNetworkAccess absent = Enabled (service default) -> fail, except flexible servers with network.delegatedSubnetResourceId set (VNet-injected servers cannot have a public endpoint) -> pass. publicDataEndpointEnabled absent = false -> pass. The Cosmos DB example GET body has no publicNetworkAccess key at all, and is Enabled.',
    unresolvable:
      'An unresolved publicNetworkAccess -> unknown (even on a VNet-injected server, where an explicit Enabled would fail). An unresolved delegatedSubnetResourceId counts as set: its presence is the test.',
    crossResource: 'Firewall rules and private endpoints are evaluated by PHI-NET-004/005/007/008.',
    references: [
      `${SQL_SWAGGER} ServerProperties.publicNetworkAccess (Enabled | Disabled | SecuredByPerimeter); ManagedInstanceProperties.publicDataEndpointEnabled`,
      `${COSMOS_SWAGGER} DatabaseAccountGetProperties.publicNetworkAccess`,
      `${PG_FLEXIBLE_SWAGGER} Network.publicNetworkAccess, delegatedSubnetResourceId; ${MYSQL_FLEXIBLE_SWAGGER} Network`,
      'Azure Policy 1b8ca024, 797b37f7, 5e1de0e3, c9299215, b52376f7, d9844e8a (publicNetworkAccess notEquals Disabled)',
      'controls.md B2, B3, B4; payloads sql_server_get_2025-01-01.json (Enabled), cosmosdb_account_get_2025-10-15.json (absent), postgresql_flexible_server_get_2025-08-01.json and mysql_flexible_server_get_2024-12-30.json (network.publicNetworkAccess Enabled)',
    ],
  },
  fix(server, { path }) {
    const note =
      'clients must already reach the server through a private endpoint (PHI-NET-008) or VNet integration: public clients lose access at once';
    if (isType(server, SQL_MANAGED_INSTANCE)) return [set(path, false, note)];
    return [set(path, 'Disabled', note)];
  },
  check(server, context) {
    const { read } = context;
    if (isType(server, SQL_MANAGED_INSTANCE)) {
      const endpoint = read(server, 'properties.publicDataEndpointEnabled');
      if (endpoint.state === 'unknown') return unknown(endpoint);
      const enabled = asBoolean(endpoint.value);
      if (enabled === false) return pass(endpoint.path, endpoint.value);
      if (enabled === undefined) {
        return unknown(
          { path: endpoint.path, expression: JSON.stringify(endpoint.value), at: endpoint.at },
          `${endpoint.path} is not a boolean`,
        );
      }
      return fail(endpoint, {
        expected: 'false',
        message:
          'The Managed Instance public data endpoint is enabled: the instance accepts connections from public networks on port 3342',
      });
    }
    const access = read(server, publicAccessPath(server));
    if (access.state === 'unknown') return unknown(access);
    const value = typeof access.value === 'string' ? access.value : undefined;
    if (value?.toLowerCase() === 'disabled') return pass(access.path, access.value);
    const injected = vnetInjected(server, context);
    if (injected && access.state === 'default') {
      return pass(injected.path, injected.state === 'unknown' ? injected.expression : injected.value);
    }
    const perimeter = value?.toLowerCase() === 'securedbyperimeter';
    return fail(access, {
      expected: 'Disabled',
      message: perimeter
        ? 'Public network access is SecuredByPerimeter: the public endpoint is governed by a Network Security Perimeter, whose inbound rules need review'
        : injected
          ? 'Public network access is explicitly Enabled on a VNet-injected server (contradictory template)'
          : `Public network access is ${value ?? 'not disabled'}: the endpoint accepts connections from public networks`,
    });
  },
});

import { defineRule, failAt, notApplicable, pass, unknown } from '../../define.js';
import { privateEndpoint } from '../fixes.js';
import { approvedPrivateEndpoint, isType, privateLinkTarget, publicAccessOff, vnetInjected } from './db.js';
import { COSMOS_SWAGGER, MYSQL_FLEXIBLE_SWAGGER, PG_FLEXIBLE_SWAGGER, SQL_SWAGGER } from './refs.js';
import { blockerMessage } from './tri.js';

const PRIVATE_ENDPOINT = 'Microsoft.Network/privateEndpoints';

export default defineRule({
  id: 'PHI-NET-008',
  title: 'PHI database has no approved private endpoint',
  severity: 'medium',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
  ],
  phiScoped: true,
  types: [
    'Microsoft.Sql/servers',
    'Microsoft.DocumentDB/databaseAccounts',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforMySQL/flexibleServers',
    'Microsoft.DBforPostgreSQL/servers',
    'Microsoft.DBforMySQL/servers',
    'Microsoft.Network/privateEndpoints',
  ],
  policies: [
    {
      id: '7698e800-9299-47a6-b3b6-5a0fee576eed',
      name: 'Private endpoint connections on Azure SQL Database should be enabled',
      relation: 'equivalent',
    },
    {
      id: '58440f8a-10c5-4151-bdce-dfbaad4a20b7',
      name: 'CosmosDB accounts should use private link',
      relation: 'equivalent',
    },
    {
      id: '5375a5bb-22c6-46d7-8a43-83417cfb4460',
      name: 'Private endpoint should be enabled for PostgreSQL flexible servers',
      relation: 'equivalent',
    },
    {
      id: 'ae5d2f14-d830-42b6-9899-df6cfe9c71a3',
      name: 'SQL Server should use a virtual network service endpoint',
      relation: 'related',
    },
    {
      id: 'e0a2b1a3-f7f9-4569-807f-2a9edebdf4d9',
      name: 'Cosmos DB should use a virtual network service endpoint',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az network private-endpoint create -g "$RG" -n "pe-$SERVER" --vnet-name "$VNET" --subnet "$SUBNET" \\\n  --private-connection-resource-id "$SERVER_ID" --group-id sqlServer --connection-name "$SERVER"',
    arm: '{"type": "Microsoft.Network/privateEndpoints", "properties": {"subnet": {"id": "<subnetId>"}, "privateLinkServiceConnections": [{"name": "db", "properties": {"privateLinkServiceId": "<serverId>", "groupIds": ["sqlServer"]}}]}}',
    bicep:
      "resource pe 'Microsoft.Network/privateEndpoints@2025-07-01' = {\n  name: 'pe-phi-sql'\n  location: location\n  properties: {\n    subnet: { id: privateEndpointSubnetId }\n    privateLinkServiceConnections: [\n      {\n        name: 'db'\n        properties: {\n          privateLinkServiceId: sqlServer.id\n          groupIds: [ 'sqlServer' ]   // Cosmos: 'Sql' | 'MongoDB' ...; PostgreSQL: 'postgresqlServer'; MySQL: 'mysqlServer'\n        }\n      }\n    ]\n  }\n}",
    terraform:
      'resource "azurerm_private_endpoint" "db" { ... private_service_connection { private_connection_resource_id = azurerm_mssql_server.phi.id subresource_names = ["sqlServer"] is_manual_connection = false } }',
    note: 'Add the privatelink DNS zone (privatelink.database.windows.net, privatelink.documents.azure.com, privatelink.postgres.database.azure.com, privatelink.mysql.database.azure.com).',
  },
  docs: {
    evaluation:
      'A PHI database (SQL logical server, Cosmos DB, PostgreSQL/MySQL flexible and single servers) passes with at least one approved private endpoint connection: properties.privateEndpointConnections[].properties.privateLinkServiceConnectionState.status Approved (live GET), or a Microsoft.Network/privateEndpoints resource of the scan whose privateLinkServiceConnections[] target the server with a matching group id (sqlServer | Sql/MongoDB/Cassandra/Gremlin/Table | postgresqlServer | mysqlServer). A VNet-injected flexible server (network.delegatedSubnetResourceId) passes. Anything else fails, including a server whose publicNetworkAccess is Disabled (it is then unreachable or reached by unmanaged paths). SQL Managed Instance is VNet-native and out of scope. Private endpoint resources themselves are evidence, not subjects (not applicable).',
    absent: 'No connections and no private endpoint in the scan -> fail.',
    unresolvable:
      'A manual connection (manualPrivateLinkServiceConnections, approved out of band), an endpoint whose target id or group ids cannot be resolved, or an unresolved connection status -> unknown, unless an approved connection already decides.',
    crossResource:
      'Microsoft.Network/privateEndpoints privateLinkServiceConnections[].properties.privateLinkServiceId referencing the server (Inventory.privateEndpointsTo); live private endpoints are counted only while their connection status is Approved.',
    references: [
      'controls.md B5 (count only Approved; group ids per service)',
      `${SQL_SWAGGER} PrivateEndpointConnectionProperties; ${COSMOS_SWAGGER}; ${PG_FLEXIBLE_SWAGGER}; ${MYSQL_FLEXIBLE_SWAGGER}`,
      'Azure Policy 7698e800, 58440f8a, 5375a5bb',
      'payloads: sql_server_get_2025-01-01.json and cosmosdb_account_get_2025-10-15.json (Approved: pass), postgresql_flexible_server_get_2025-08-01.json (privateEndpointConnections []: fail), mysql_flexible_server_get_2024-12-30.json (none: fail)',
    ],
  },
  fix(resource) {
    const [groupId, zone] = privateLinkTarget(resource);
    return [privateEndpoint(groupId, zone)];
  },
  check(resource, context) {
    if (isType(resource, PRIVATE_ENDPOINT)) {
      return notApplicable('a private endpoint is evidence for the database it targets, which is the subject');
    }
    const injected = vnetInjected(resource, context);
    if (injected) return pass(injected.path, injected.state === 'unknown' ? injected.expression : injected.value);
    const endpoint = approvedPrivateEndpoint(resource, context);
    if (endpoint.state === 'approved') return pass(endpoint.path, endpoint.evidence);
    if (endpoint.state === 'unknown') return unknown(endpoint.blocker, blockerMessage(endpoint.blocker));
    const connections = context.read(resource, 'properties.privateEndpointConnections');
    return failAt(connections.path, {
      actual: connections.state === 'unknown' ? undefined : connections.value,
      at: connections.at,
      expected: 'an Approved private endpoint connection',
      message: `No approved private endpoint reaches this PHI database${
        publicAccessOff(resource, context)
          ? ' (public network access is Disabled: clients reach it through unmanaged paths or not at all)'
          : ''
      }`,
    });
  },
});

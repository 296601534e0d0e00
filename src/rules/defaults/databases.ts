// What absent database and network properties mean (PHI-NET-*). Quotes and sources: controls.md section B.
import type { DefaultEntry } from '../defaults.js';

export const DATABASE_DEFAULTS: DefaultEntry[] = [
  {
    type: 'Microsoft.Sql/servers',
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; the public endpoint is enabled unless disabled',
    source:
      "azure-rest-api-specs sql 2025-01-01 ServerProperties.publicNetworkAccess (\"Value is optional but if passed in, must be 'Enabled' or 'Disabled'\"); Azure Policy 1b8ca024 (notEquals Disabled); controls.md B2",
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; public network access is enabled unless disabled',
    source:
      'controls.md B3 (payload cosmosdb_account_get_2025-10-15.json has no publicNetworkAccess); Azure Policy 797b37f7',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.isVirtualNetworkFilterEnabled',
    value: false,
    because: 'absent; the virtual network filter is off',
    source: 'controls.md B3; Azure Policy 862e97cf; azurerm is_virtual_network_filter_enabled default false',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.ipRules',
    value: [],
    because: 'absent; no IP firewall rules',
    source: 'controls.md B3; Azure Policy 862e97cf (ipRules count 0)',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.keyVaultKeyUri',
    value: null,
    because: 'absent; data is encrypted with a service-managed key',
    source: 'controls.md B3 CMK (keyVaultKeyUri); Azure Policy 1f905d99 (keyVaultKeyUri exists false is non-compliant)',
  },
  {
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    path: 'properties.network.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; a server without VNet injection has a public endpoint',
    source:
      'controls.md B4 ("Absent network.publicNetworkAccess on a non-VNet server => treat as Enabled"); Azure Policy 5e1de0e3',
  },
  {
    type: 'Microsoft.DBforMySQL/flexibleServers',
    path: 'properties.network.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; a server without VNet injection has a public endpoint',
    source: 'controls.md B4; Azure Policy c9299215 (notEquals Disabled)',
  },
  {
    type: 'Microsoft.DBforPostgreSQL/servers',
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; public network access is enabled unless disabled',
    source:
      'Azure Policy b52376f7 (notEquals Disabled); azurerm_postgresql_server public_network_access_enabled default true',
  },
  {
    type: 'Microsoft.DBforMySQL/servers',
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; public network access is enabled unless disabled',
    source:
      'Azure Policy d9844e8a (notEquals Disabled); azurerm_mysql_server public_network_access_enabled default true',
  },
  {
    type: 'Microsoft.Sql/managedInstances',
    path: 'properties.publicDataEndpointEnabled',
    value: false,
    because: 'absent; the public data endpoint is off unless enabled',
    source:
      'rules.yaml PHI-NET-006 ("publicDataEndpointEnabled false/absent"); azurerm_mssql_managed_instance public_data_endpoint_enabled default false',
  },
  {
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    path: 'properties.dataEncryption.type',
    value: 'SystemManaged',
    because: 'absent; data is encrypted with a service-managed key',
    source:
      'postgresql_flexible_server_get_2025-08-01.json (dataEncryption.type SystemManaged); learn.microsoft.com flexible-server concepts-data-encryption ("by default using Microsoft-managed keys")',
  },
  {
    type: 'Microsoft.DBforMySQL/flexibleServers',
    path: 'properties.dataEncryption.type',
    value: 'SystemManaged',
    because: 'absent; data is encrypted with a service-managed key',
    source:
      'rules.yaml PHI-NET-010 ("absent: service-managed"); MySQL flexible swagger DataEncryption.type (AzureKeyVault | SystemManaged)',
  },
];

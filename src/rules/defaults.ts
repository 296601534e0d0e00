// What an absent property means, per resource type, input kind and API version. Rules never guess a default:
// `read()` consults this table (ARCHITECTURE.md "Values carry provenance"). Each entry cites its source;
// ../shared/reference/controls.md has the quotes.
import { lookup } from '../core/path.js';
import { LIVE_ORIGINS, type Origin, type Resource, type Value } from '../core/types.js';
import type { PathRead } from './define.js';

export interface DefaultEntry {
  type: string;
  /** Dotted path as rules read it (case-insensitive). */
  path: string;
  /** `template`: ARM, Bicep and Terraform attributes the adapter left absent; `live`: GET/Resource Graph bodies. */
  applies?: 'template' | 'live';
  /** Inclusive lower and exclusive upper bound on the resource's apiVersion (ISO dates compare as strings). */
  apiVersion?: { from?: string; before?: string };
  /** The effective value; `undefined` means "not pinned": the outcome depends on history we cannot see. */
  value: Value | undefined;
  because: string;
  source: string;
}

const STORAGE = 'Microsoft.Storage/storageAccounts';
const STORAGE_SWAGGER = 'azure-rest-api-specs storage.json 2025-06-01 (controls.md A)';

export const DEFAULTS: DefaultEntry[] = [
  {
    type: STORAGE,
    path: 'properties.supportsHttpsTrafficOnly',
    apiVersion: { from: '2019-04-01' },
    value: true,
    because: 'absent; HTTPS-only is the default since API version 2019-04-01',
    source: `${STORAGE_SWAGGER}: "The default value is true since API version 2019-04-01"`,
  },
  {
    type: STORAGE,
    path: 'properties.supportsHttpsTrafficOnly',
    apiVersion: { before: '2019-04-01' },
    value: false,
    because: 'absent; API versions before 2019-04-01 default to accepting HTTP',
    source: `${STORAGE_SWAGGER}; Azure Policy 404c3081 (requestContext().apiVersion less 2019-04-01)`,
  },
  {
    type: STORAGE,
    path: 'properties.minimumTlsVersion',
    value: 'TLS1_0',
    because: 'absent; the service default interpretation is TLS 1.0',
    source: `${STORAGE_SWAGGER}: "The default interpretation is TLS 1.0"; Azure Policy fe83a0eb treats absent as non-compliant`,
  },
  {
    type: STORAGE,
    path: 'properties.allowBlobPublicAccess',
    applies: 'template',
    value: undefined,
    because:
      'not pinned in template; the default differs by API version and an existing account keeps its current value',
    source: `${STORAGE_SWAGGER} vs 2021-04-01 ("default true"); Azure Policy 4fa4b6c0 ("not equals false" is non-compliant)`,
  },
  {
    type: STORAGE,
    path: 'properties.allowBlobPublicAccess',
    applies: 'live',
    value: true,
    because: 'not returned; accounts created before the 2023 default change permit anonymous access at account level',
    source: 'controls.md A7; Azure Policy 4fa4b6c0',
  },
  {
    type: STORAGE,
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; public network access is enabled unless disabled',
    source: `${STORAGE_SWAGGER} (controls.md A8)`,
  },
  {
    type: STORAGE,
    path: 'properties.networkAcls.defaultAction',
    value: 'Allow',
    because: 'absent; the storage firewall default action is Allow',
    source: `${STORAGE_SWAGGER} NetworkRuleSet.defaultAction default "Allow" (controls.md A9)`,
  },
  {
    type: STORAGE,
    path: 'properties.encryption.keySource',
    value: 'Microsoft.Storage',
    because: 'absent; data is encrypted with a platform-managed key (Microsoft.Storage)',
    source: `${STORAGE_SWAGGER} Encryption.keySource default "Microsoft.Storage" (controls.md A1)`,
  },
  {
    type: STORAGE,
    path: 'properties.encryption.requireInfrastructureEncryption',
    value: false,
    because: 'absent; infrastructure encryption is off unless requested at creation',
    source: `${STORAGE_SWAGGER} Encryption.requireInfrastructureEncryption default false (controls.md A4)`,
  },
  {
    type: STORAGE,
    path: 'properties.allowSharedKeyAccess',
    value: true,
    because: 'absent; "the default value is null, which is equivalent to true"',
    source: `${STORAGE_SWAGGER} allowSharedKeyAccess (controls.md A12)`,
  },
  {
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    path: 'properties.publicAccess',
    value: 'None',
    because: 'absent; containers are private by default',
    source: `${STORAGE_SWAGGER} ContainerProperties.publicAccess (rules.yaml PHI-STG-002)`,
  },
  // NET: database exposure and encryption (controls.md B2-B4; rules.yaml PHI-NET-006/007/010 "absent").
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

const API_VERSION = /^\d{4}-\d{2}-\d{2}/;

function appliesTo(entry: DefaultEntry, origin: Origin): boolean {
  if (!entry.applies) return true;
  return entry.applies === 'live' ? LIVE_ORIGINS.has(origin) : !LIVE_ORIGINS.has(origin);
}

/** Reads a property with provenance: set, unknown, or absent resolved through DEFAULTS. */
export function readWithDefaults(
  resource: Resource,
  path: string,
  table: readonly DefaultEntry[] = DEFAULTS,
): PathRead {
  const found = lookup(resource, path);
  if (found.kind === 'present') return { state: 'set', value: found.value, at: found.at, via: found.via, path };
  if (found.kind === 'unresolved') return { state: 'unknown', expression: found.expression, at: found.at, path };
  const type = resource.type.toLowerCase();
  const lowerPath = path.toLowerCase();
  const candidates = table.filter(
    (entry) =>
      entry.type.toLowerCase() === type && entry.path.toLowerCase() === lowerPath && appliesTo(entry, resource.origin),
  );
  if (candidates.length === 0) {
    return { state: 'default', value: undefined, because: 'absent; no documented default', at: found.at, path };
  }
  const versioned = candidates.some((entry) => entry.apiVersion);
  const apiVersion = resource.apiVersion;
  if (versioned && !LIVE_ORIGINS.has(resource.origin) && (!apiVersion || !API_VERSION.test(apiVersion))) {
    return {
      state: 'unknown',
      expression: `apiVersion ${apiVersion ?? '(absent)'}: the default of ${path} depends on the API version`,
      at: found.at,
      path,
    };
  }
  const version = apiVersion?.slice(0, 10) ?? '';
  const entry = candidates.find(
    (candidate) =>
      !candidate.apiVersion ||
      LIVE_ORIGINS.has(resource.origin) ||
      ((!candidate.apiVersion.from || version >= candidate.apiVersion.from) &&
        (!candidate.apiVersion.before || version < candidate.apiVersion.before)),
  );
  if (!entry)
    return { state: 'default', value: undefined, because: 'absent; no documented default', at: found.at, path };
  return { state: 'default', value: entry.value, because: entry.because, at: found.at, path };
}

// What the script needs to know about an Azure resource id: the api-version to read and write it with, its
// resource group, subscription and name, and for Entra objects the Microsoft Graph URL.

/**
 * api-versions per type (lower case), the versions whose example GET bodies are in the shared payloads and whose
 * property names the rules read (controls.md section 3). Types not listed get no --api-version: `az resource`
 * then picks the provider's newest stable version itself.
 */
const API_VERSIONS: Record<string, string> = {
  'microsoft.storage/storageaccounts': '2025-06-01',
  'microsoft.storage/storageaccounts/blobservices': '2025-06-01',
  'microsoft.storage/storageaccounts/blobservices/containers': '2025-06-01',
  'microsoft.storage/storageaccounts/managementpolicies': '2025-06-01',
  'microsoft.network/networksecuritygroups': '2025-07-01',
  'microsoft.network/networksecuritygroups/securityrules': '2025-07-01',
  'microsoft.network/privateendpoints': '2025-07-01',
  'microsoft.network/privateendpoints/privatednszonegroups': '2025-07-01',
  'microsoft.network/applicationgateways': '2025-07-01',
  // 2023-08-01 is the version of the auditing-settings example and the one azurerm uses for every SQL child.
  'microsoft.sql/servers': '2023-08-01',
  'microsoft.sql/servers/firewallrules': '2023-08-01',
  'microsoft.sql/servers/auditingsettings': '2023-08-01',
  'microsoft.sql/servers/databases': '2023-08-01',
  'microsoft.sql/servers/databases/transparentdataencryption': '2023-08-01',
  'microsoft.documentdb/databaseaccounts': '2025-10-15',
  'microsoft.dbforpostgresql/flexibleservers': '2025-08-01',
  'microsoft.dbforpostgresql/flexibleservers/firewallrules': '2025-08-01',
  'microsoft.dbforpostgresql/flexibleservers/configurations': '2025-08-01',
  'microsoft.dbformysql/flexibleservers': '2024-12-30',
  'microsoft.dbformysql/flexibleservers/firewallrules': '2024-12-30',
  'microsoft.dbformysql/flexibleservers/configurations': '2024-12-30',
  'microsoft.apimanagement/service': '2024-05-01',
  'microsoft.apimanagement/service/apis': '2024-05-01',
  'microsoft.apimanagement/service/backends': '2024-05-01',
  'microsoft.web/sites': '2024-11-01',
  'microsoft.web/sites/config': '2024-11-01',
  'microsoft.keyvault/vaults': '2025-05-01',
  'microsoft.operationalinsights/workspaces': '2025-02-01',
  'microsoft.operationalinsights/workspaces/tables': '2025-02-01',
  'microsoft.insights/diagnosticsettings': '2021-05-01-preview',
  'microsoft.recoveryservices/vaults': '2025-08-01',
  'microsoft.dataprotection/backupvaults': '2025-07-01',
  'microsoft.authorization/roleassignments': '2022-04-01',
  'microsoft.authorization/roledefinitions': '2022-04-01',
  'microsoft.authorization/locks': '2020-05-01',
  'microsoft.security/pricings': '2024-01-01',
  'microsoft.securityinsights/onboardingstates': '2024-09-01',
  'microsoft.healthcareapis/workspaces': '2024-03-31',
  'microsoft.healthcareapis/workspaces/fhirservices': '2024-03-31',
};

export function apiVersionFor(type: string): string | undefined {
  return API_VERSIONS[type.toLowerCase()];
}

/** The ARM type of an id (`/…/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default` -> `Microsoft.Storage/storageAccounts/blobServices`). */
export function typeOfId(id: string): string | undefined {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) return undefined;
  const parts = id.slice(at + '/providers/'.length).split('/');
  if (parts.length < 3) return undefined;
  const types = [parts[0], parts[1]];
  for (let i = 3; i < parts.length; i += 2) types.push(parts[i]);
  return `${types[0]}/${types.slice(1).join('/')}`;
}

export interface ArmId {
  subscription: string;
  resourceGroup?: string;
  /** The last name segment. */
  name: string;
}

export function parseArmId(id: string): ArmId | undefined {
  const match = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(id);
  if (!match) return undefined;
  const parts = id.split('/').filter(Boolean);
  return { subscription: match[1], resourceGroup: match[2], name: parts[parts.length - 1] };
}

/**
 * True for an id the script can act on: a real ARM id (a deployed resource), not a template's placeholder
 * (`[resourceId(...)]`, `${var.x}`, `<subscription>`, the adapters' `00000000-…` deployment context).
 */
export function isDeployedArmId(id: string): boolean {
  return (
    /^\/subscriptions\/[0-9a-f-]{36}(\/|$)/i.test(id) &&
    !/^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}/i.test(id) &&
    !/[[\]{}$<>'"`\s]/.test(id)
  );
}

const GRAPH = 'https://graph.microsoft.com/v1.0';

/** The Graph URL of an Entra object the script may PATCH, by its `microsoft.graph/<entity>` type. */
export function graphUrl(type: string, id: string): string | undefined {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  switch (type.toLowerCase()) {
    case 'microsoft.graph/conditionalaccesspolicy':
      return `${GRAPH}/identity/conditionalAccess/policies/${id}`;
    case 'microsoft.graph/application':
      return `${GRAPH}/applications/${id}`;
    case 'microsoft.graph/serviceprincipal':
      return `${GRAPH}/servicePrincipals/${id}`;
    default:
      return undefined;
  }
}

/** Private Link group ids per target type (controls.md B5; the subresource a private endpoint connects to). */
const PRIVATE_LINK_GROUPS: Record<string, string> = {
  'microsoft.storage/storageaccounts': 'blob',
  'microsoft.sql/servers': 'sqlServer',
  'microsoft.documentdb/databaseaccounts': 'Sql',
  'microsoft.dbforpostgresql/flexibleservers': 'postgresqlServer',
  'microsoft.dbformysql/flexibleservers': 'mysqlServer',
  'microsoft.keyvault/vaults': 'vault',
  'microsoft.apimanagement/service': 'Gateway',
  'microsoft.recoveryservices/vaults': 'AzureBackup',
  'microsoft.healthcareapis/workspaces': 'healthcareworkspace',
  'microsoft.web/sites': 'sites',
};

export function privateLinkGroup(type: string): string | undefined {
  return PRIVATE_LINK_GROUPS[type.toLowerCase()];
}

// What live collection asks Azure for beyond Resource Graph: the child and extension resources the rules read
// (see `types`/`children`/`related` in src/rules/catalog) that Resource Graph does not return. API versions follow
// ../shared/payloads where a payload exists for the type, so snapshots parse to the shapes the rules are tested on.
// Credentials and keys are never requested: no listKeys, listConnectionStrings, config/appsettings or
// config/connectionstrings, publishingcredentials or secrets.

export const API = {
  subscriptions: '2022-12-01',
  managementGroups: '2020-05-01',
  diagnosticSettings: '2021-05-01-preview',
  sql: '2023-08-01',
  storage: '2025-06-01',
  web: '2024-11-01',
  operationalInsights: '2025-02-01',
  securityInsights: '2024-09-01',
  pricings: '2024-01-01',
  defenderForStorage: '2022-12-01-preview',
  authorization: '2022-04-01',
  dataProtection: '2025-07-01',
  recoveryServicesBackup: '2023-04-01',
  postgresFlexible: '2025-08-01',
  mysqlFlexible: '2024-12-30',
  keyVault: '2025-05-01',
  apiManagement: '2024-05-01',
  cdn: '2024-02-01',
  graph: 'v1.0',
} as const;

export interface ChildRequest {
  /** Appended to the parent's id. */
  path: string;
  apiVersion: string;
  /** A list body (`value[]`, paged by nextLink) or a single GET body. */
  list: boolean;
  /** Types the answer holds: a failed request makes the rules that read them unknown. */
  types: string[];
  /** Only for children whose parent record says they exist (blob containers with an immutability policy). */
  when?: (parent: ParentRecord) => boolean;
}

export interface ParentRecord {
  id: string;
  type: string;
  properties?: Record<string, unknown>;
}

const DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';

function diagnostics(prefix = ''): ChildRequest {
  return {
    path: `${prefix}/providers/Microsoft.Insights/diagnosticSettings`,
    apiVersion: API.diagnosticSettings,
    list: true,
    types: [DIAGNOSTIC_SETTINGS],
  };
}

function list(path: string, apiVersion: string, type: string): ChildRequest {
  return { path: `/${path}`, apiVersion, list: true, types: [type] };
}

function get(path: string, apiVersion: string, type: string): ChildRequest {
  return { path: `/${path}`, apiVersion, list: false, types: [type] };
}

const SQL = API.sql;
const STORAGE = API.storage;

/** Child requests by parent type (lower case). */
export const CHILD_PLAN: Readonly<Record<string, readonly ChildRequest[]>> = {
  'microsoft.storage/storageaccounts': [
    diagnostics(),
    diagnostics('/blobServices/default'),
    get('blobServices/default', STORAGE, 'Microsoft.Storage/storageAccounts/blobServices'),
    get('managementPolicies/default', STORAGE, 'Microsoft.Storage/storageAccounts/managementPolicies'),
    list('objectReplicationPolicies', STORAGE, 'Microsoft.Storage/storageAccounts/objectReplicationPolicies'),
    list('blobServices/default/containers', STORAGE, 'Microsoft.Storage/storageAccounts/blobServices/containers'),
    get(
      'providers/Microsoft.Security/defenderForStorageSettings/current',
      API.defenderForStorage,
      'Microsoft.Security/defenderForStorageSettings',
    ),
  ],
  'microsoft.storage/storageaccounts/blobservices/containers': [
    {
      ...get(
        'immutabilityPolicies/default',
        STORAGE,
        'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies',
      ),
      when: (container) => container.properties?.hasImmutabilityPolicy === true,
    },
  ],
  'microsoft.sql/servers': [
    get('auditingSettings/default', SQL, 'Microsoft.Sql/servers/auditingSettings'),
    get('extendedAuditingSettings/default', SQL, 'Microsoft.Sql/servers/extendedAuditingSettings'),
    list('firewallRules', SQL, 'Microsoft.Sql/servers/firewallRules'),
    list('ipv6FirewallRules', SQL, 'Microsoft.Sql/servers/ipv6FirewallRules'),
    list('encryptionProtector', SQL, 'Microsoft.Sql/servers/encryptionProtector'),
  ],
  'microsoft.sql/servers/databases': [
    list('transparentDataEncryption', SQL, 'Microsoft.Sql/servers/databases/transparentDataEncryption'),
    get('auditingSettings/default', SQL, 'Microsoft.Sql/servers/databases/auditingSettings'),
    get('extendedAuditingSettings/default', SQL, 'Microsoft.Sql/servers/databases/extendedAuditingSettings'),
    list('backupLongTermRetentionPolicies', SQL, 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies'),
  ],
  'microsoft.dbforpostgresql/flexibleservers': [
    diagnostics(),
    list('firewallRules', API.postgresFlexible, 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules'),
    // Only the parameters PHI-TLS-010/011 read: the full list is ~400 records per server.
    get(
      'configurations/ssl_min_protocol_version',
      API.postgresFlexible,
      'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
    ),
    get(
      'configurations/require_secure_transport',
      API.postgresFlexible,
      'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
    ),
  ],
  'microsoft.dbformysql/flexibleservers': [
    diagnostics(),
    list('firewallRules', API.mysqlFlexible, 'Microsoft.DBforMySQL/flexibleServers/firewallRules'),
    get('configurations/tls_version', API.mysqlFlexible, 'Microsoft.DBforMySQL/flexibleServers/configurations'),
    get(
      'configurations/require_secure_transport',
      API.mysqlFlexible,
      'Microsoft.DBforMySQL/flexibleServers/configurations',
    ),
  ],
  'microsoft.web/sites': [
    diagnostics(),
    get('config/web', API.web, 'Microsoft.Web/sites/config'),
    list('basicPublishingCredentialsPolicies', API.web, 'Microsoft.Web/sites/basicPublishingCredentialsPolicies'),
  ],
  'microsoft.web/sites/slots': [
    get('config/web', API.web, 'Microsoft.Web/sites/slots/config'),
    list('basicPublishingCredentialsPolicies', API.web, 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies'),
  ],
  'microsoft.operationalinsights/workspaces': [
    list('tables', API.operationalInsights, 'Microsoft.OperationalInsights/workspaces/tables'),
    list('dataExports', API.operationalInsights, 'Microsoft.OperationalInsights/workspaces/dataExports'),
    list(
      'providers/Microsoft.SecurityInsights/onboardingStates',
      API.securityInsights,
      'Microsoft.SecurityInsights/onboardingStates',
    ),
    list(
      'providers/Microsoft.SecurityInsights/alertRules',
      API.securityInsights,
      'Microsoft.SecurityInsights/alertRules',
    ),
  ],
  'microsoft.keyvault/vaults': [diagnostics(), list('keys', API.keyVault, 'Microsoft.KeyVault/vaults/keys')],
  'microsoft.keyvault/managedhsms': [diagnostics(), list('keys', API.keyVault, 'Microsoft.KeyVault/managedHSMs/keys')],
  'microsoft.documentdb/databaseaccounts': [diagnostics()],
  'microsoft.healthcareapis/services': [diagnostics()],
  'microsoft.healthcareapis/workspaces/fhirservices': [diagnostics()],
  'microsoft.apimanagement/service': [
    diagnostics(),
    list('apis', API.apiManagement, 'Microsoft.ApiManagement/service/apis'),
    list('backends', API.apiManagement, 'Microsoft.ApiManagement/service/backends'),
    list('policies', API.apiManagement, 'Microsoft.ApiManagement/service/policies'),
  ],
  'microsoft.recoveryservices/vaults': [
    diagnostics(),
    list('backupPolicies', API.recoveryServicesBackup, 'Microsoft.RecoveryServices/vaults/backupPolicies'),
    get(
      'backupstorageconfig/vaultstorageconfig',
      API.recoveryServicesBackup,
      'Microsoft.RecoveryServices/vaults/backupstorageconfig',
    ),
  ],
  'microsoft.dataprotection/backupvaults': [
    diagnostics(),
    list('backupPolicies', API.dataProtection, 'Microsoft.DataProtection/backupVaults/backupPolicies'),
  ],
  'microsoft.network/applicationgateways': [diagnostics()],
  'microsoft.cdn/profiles': [diagnostics(), list('customDomains', API.cdn, 'Microsoft.Cdn/profiles/customDomains')],
};

/** Requests made once per subscription (ARM), with the types they hold. */
export function subscriptionRequests(subscriptionId: string): { url: string; types: string[]; list: true }[] {
  const base = `/subscriptions/${subscriptionId}/providers`;
  return [
    {
      url: `${base}/Microsoft.Insights/diagnosticSettings?api-version=${API.diagnosticSettings}`,
      types: [DIAGNOSTIC_SETTINGS],
      list: true,
    },
    {
      url: `${base}/Microsoft.Security/pricings?api-version=${API.pricings}`,
      types: ['Microsoft.Security/pricings'],
      list: true,
    },
    {
      url: `${base}/Microsoft.Authorization/roleAssignments?api-version=${API.authorization}`,
      types: ['Microsoft.Authorization/roleAssignments'],
      list: true,
    },
    {
      url: `${base}/Microsoft.Authorization/roleDefinitions?$filter=${encodeURIComponent("type eq 'CustomRole'")}&api-version=${API.authorization}`,
      types: ['Microsoft.Authorization/roleDefinitions'],
      list: true,
    },
  ];
}

/** Microsoft Graph sources: path (v1.0), the entity type of its records, the least permission it needs. */
export const GRAPH_SOURCES: readonly { name: string; path: string; entity: string; permission: string }[] = [
  {
    name: 'applications',
    path: '/applications?$select=id,appId,displayName,signInAudience,requiredResourceAccess&$top=999',
    entity: 'application',
    permission: 'Application.Read.All',
  },
  {
    name: 'servicePrincipals',
    path: '/servicePrincipals?$expand=appRoleAssignments',
    entity: 'servicePrincipal',
    permission: 'Application.Read.All',
  },
  {
    name: 'oauth2PermissionGrants',
    path: '/oauth2PermissionGrants',
    entity: 'oAuth2PermissionGrant',
    permission: 'Directory.Read.All',
  },
  {
    name: 'conditionalAccessPolicies',
    path: '/identity/conditionalAccess/policies',
    entity: 'conditionalAccessPolicy',
    permission: 'Policy.Read.All',
  },
  {
    name: 'directoryRoleAssignments',
    path: '/roleManagement/directory/roleAssignments?$expand=principal',
    entity: 'unifiedRoleAssignment',
    permission: 'RoleManagement.Read.Directory',
  },
];

/** Graph returns at most this many items of an expanded navigation collection (`$expand=appRoleAssignments`). */
export const GRAPH_EXPAND_LIMIT = 20;

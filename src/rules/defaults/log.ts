// What absent audit-logging properties mean (PHI-LOG-*). Quotes and sources: controls.md section E.
import type { DefaultEntry } from '../defaults.js';

const WORKSPACE = 'Microsoft.OperationalInsights/workspaces';
const DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';
const PRICINGS = 'Microsoft.Security/pricings';
const LA_SWAGGER =
  'azure-rest-api-specs operationalinsights 2025-02-01 Workspaces.json / Tables.json (controls.md E1; payloads log_analytics_*_2025-02-01.json)';
const SQL_AUDIT_SWAGGER =
  'azure-rest-api-specs sql 2023-08-01 BlobAuditing.json (controls.md E4; payload sql_server_auditing_settings_get_2023-08-01.json)';

/** Auditing settings children share one schema: retentionDays and isAzureMonitorTargetEnabled mean the same on each. */
const SQL_AUDITING_TYPES = [
  'Microsoft.Sql/servers/auditingSettings',
  'Microsoft.Sql/servers/extendedAuditingSettings',
  'Microsoft.Sql/servers/databases/auditingSettings',
  'Microsoft.Sql/servers/databases/extendedAuditingSettings',
];

/**
 * A Free-tier workspace keeps data 7 days whatever retentionInDays says; a tier fact rather than an absent-value
 * default, so it lives here with its source instead of inside PHI-LOG-001.
 */
export const FREE_TIER_RETENTION = {
  days: 7,
  because: 'the Free pricing tier keeps data for 7 days',
  source:
    'learn.microsoft.com azure-monitor/logs/data-retention-configure (legacy Free tier: 7 days); rules.yaml PHI-LOG-001 absent',
};

export const LOG_DEFAULTS: DefaultEntry[] = [
  {
    type: WORKSPACE,
    path: 'properties.retentionInDays',
    value: 30,
    because: 'absent; a PerGB2018 workspace keeps data 30 days by default',
    source: `${LA_SWAGGER}; rules.yaml PHI-LOG-001 ("workspace retentionInDays absent -> 30"); azurerm_log_analytics_workspace retention_in_days default 30`,
  },
  {
    type: WORKSPACE,
    path: 'properties.sku.name',
    value: 'PerGB2018',
    because: 'absent; new workspaces use the PerGB2018 pricing tier',
    source: `${LA_SWAGGER} (WorkspaceSku); azurerm_log_analytics_workspace sku default PerGB2018`,
  },
  {
    type: DIAGNOSTIC_SETTINGS,
    path: 'properties.logAnalyticsDestinationType',
    value: 'AzureDiagnostics',
    because: 'absent; logs go to the legacy AzureDiagnostics table',
    source:
      'controls.md E2 ("logAnalyticsDestinationType (Dedicated = resource-specific tables; null = AzureDiagnostics)"); azure-rest-api-specs monitor 2021-05-01-preview diagnosticsSettings_API.json',
  },
  ...SQL_AUDITING_TYPES.flatMap((type): DefaultEntry[] => [
    {
      type,
      path: 'properties.retentionDays',
      value: 0,
      because: 'absent; 0 means the storage destination keeps audit records without limit',
      source: `${SQL_AUDIT_SWAGGER} ("retentionDays: Specifies the number of days to keep in the audit logs in the storage account"; 0 = unlimited per controls.md E4); azurerm retention_in_days default 0`,
    },
    {
      type,
      path: 'properties.isAzureMonitorTargetEnabled',
      value: false,
      because: 'absent; audit records are not sent to Azure Monitor',
      source: `${SQL_AUDIT_SWAGGER} (isAzureMonitorTargetEnabled, optional boolean)`,
    },
  ]),
  {
    type: PRICINGS,
    path: 'properties.extensions',
    applies: 'template',
    value: undefined,
    because: 'not pinned in template; which plan extensions are on depends on the plan state Azure already holds',
    source:
      'azure-rest-api-specs security 2024-01-01 pricings.json (extensions optional); Azure Policy 640d2586 requires OnUploadMalwareScanning and SensitiveDataDiscovery enabled',
  },
  {
    type: PRICINGS,
    path: 'properties.extensions',
    applies: 'live',
    value: [],
    because: 'absent; the GET lists no enabled plan extension',
    source:
      'azure-rest-api-specs security 2024-01-01 pricings.json; payload defender_pricing_get_virtualmachines_2024-01-01.json (extensions listed when present)',
  },
];

/**
 * MySQL flexible server parameter audit_log_enabled when no configurations/audit_log_enabled resource sets it (a
 * child resource, not a property, so it is not a DEFAULTS entry).
 */
export const MYSQL_AUDIT_LOG_DEFAULT = {
  value: 'OFF',
  because: 'no audit_log_enabled configuration; the server parameter defaults to OFF',
  source:
    'learn.microsoft.com mysql/flexible-server/concepts-audit-logs ("By default, audit logs are disabled"); the configurations GET returns defaultValue "OFF"',
};

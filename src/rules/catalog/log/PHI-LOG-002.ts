import { sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { MYSQL_AUDIT_LOG_DEFAULT } from '../../defaults/log.js';
import { defineRule, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { manual, setOn } from '../fixes.js';
import {
  AZURERM_DIAGNOSTIC,
  auditLoggingFix,
  auditLoggingOutcome,
  CONTROLS_E2,
  DIAGNOSTIC_PAYLOAD,
  DIAGNOSTIC_SETTINGS,
  DIAGNOSTIC_SWAGGER,
  isType,
  type LogNeed,
} from './shared.js';

const MYSQL_FLEXIBLE = 'Microsoft.DBforMySQL/flexibleServers';
const MYSQL_CONFIGURATION = 'Microsoft.DBforMySQL/flexibleServers/configurations';

const SUBJECT_TYPES = [
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  MYSQL_FLEXIBLE,
  'Microsoft.HealthcareApis/workspaces/fhirservices',
  'Microsoft.HealthcareApis/services',
  'Microsoft.ApiManagement/service',
  'Microsoft.Web/sites',
  'Microsoft.RecoveryServices/vaults',
  'Microsoft.DataProtection/backupVaults',
  'Microsoft.Network/applicationGateways',
  'Microsoft.Cdn/profiles',
];

/**
 * Audit categories that together stand for the "audit" group, where a source names them: API Management
 * GatewayLogs (controls.md E2), MySQL flexible MySqlAuditLogs (rules.yaml PHI-LOG-002). Other types' category
 * names are UNVERIFIED, so a setting listing categories only needs review there.
 */
const AUDIT_CATEGORIES: Record<string, readonly string[]> = {
  'microsoft.apimanagement/service': ['GatewayLogs'],
  'microsoft.dbformysql/flexibleservers': ['MySqlAuditLogs'],
};

const NEEDS = new Map<string, LogNeed>();

/** One need per type, so judgements of settings can be remembered per need. */
function need(resource: Resource): LogNeed {
  const type = resource.type.toLowerCase();
  let found = NEEDS.get(type);
  if (!found) {
    const categories = AUDIT_CATEGORIES[type];
    found = {
      expected: `audit logs (categoryGroup "audit" or "allLogs"${categories ? `, or ${categories.join(' + ')}` : ''})`,
      groups: ['audit', 'allLogs'],
      allOf: categories,
    };
    NEEDS.set(type, found);
  }
  return found;
}

/** MySQL flexible writes MySqlAuditLogs only with the server parameter audit_log_enabled = ON. */
function mysqlAuditLog(server: Resource, context: RuleContext): Outcome | undefined {
  const configuration = context.inventory
    .related(server, 'children')
    .find((child) => isType(child, MYSQL_CONFIGURATION) && sameText(child.name.split('/').pop(), 'audit_log_enabled'));
  const path = 'configurations/audit_log_enabled.properties.value';
  const expected = 'audit_log_enabled = ON';
  const message = `MySQL server parameter audit_log_enabled is OFF, so MySqlAuditLogs carries no audit records whatever the diagnostic setting says`;
  if (!configuration) {
    return failAt(path, {
      expected,
      actual: MYSQL_AUDIT_LOG_DEFAULT.value,
      because: MYSQL_AUDIT_LOG_DEFAULT.because,
      message: `${message} (${MYSQL_AUDIT_LOG_DEFAULT.because})`,
    });
  }
  const value = context.read(configuration, 'properties.value');
  if (value.state === 'unknown') return unknown({ ...value, path });
  const effective = value.value ?? MYSQL_AUDIT_LOG_DEFAULT.value;
  if (sameText(effective, 'ON')) return undefined;
  return failAt(path, {
    expected,
    actual: effective,
    at: value.at ?? configuration.at,
    because: value.value === undefined ? MYSQL_AUDIT_LOG_DEFAULT.because : undefined,
    message,
  });
}

export default defineRule({
  id: 'PHI-LOG-002',
  title: 'PHI resource has no diagnostic setting exporting its audit logs',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.308(a)(6)(ii)', type: 'R' },
  ],
  phiScoped: true,
  types: [DIAGNOSTIC_SETTINGS, ...SUBJECT_TYPES],
  children: [MYSQL_CONFIGURATION],
  related: { types: [DIAGNOSTIC_SETTINGS], keep: [] },
  policies: [
    {
      id: '7f89b1eb-583c-429a-8828-af049802c1d9',
      name: 'Audit diagnostic setting for selected resource types',
      relation: 'equivalent (type list is a parameter)',
    },
    {
      id: '91a78b24-f231-4a8a-8da9-02c35b2b6510',
      name: 'App Service apps should have resource logs enabled',
      relation: 'related',
    },
    {
      id: 'eb2fea88-fa7b-4531-a4c1-428c618fbcc8',
      name: 'Enable logging by category group for FHIR service to Log Analytics (DINE; exact display name not re-verified)',
      relation: 'remediation',
    },
    {
      id: '68ba9fc9-71b9-4e6f-9cf5-ecc07722324c',
      name: 'Enable logging by category group for Azure Cosmos DB accounts (microsoft.documentdb/databaseaccounts) to Log Analytics',
      relation: 'remediation',
    },
  ],
  remediation: {
    az: 'az monitor diagnostic-settings create -n phi-audit --resource "$RESOURCE_ID" --workspace "$WS_ID" \\\n  --logs \'[{"categoryGroup":"audit","enabled":true}]\' --export-to-resource-specific true   # last flag UNVERIFIED',
    arm: '{"type": "Microsoft.Insights/diagnosticSettings", "scope": "<resourceId>", "name": "phi-audit", "properties": {"workspaceId": "<wsId>", "logAnalyticsDestinationType": "Dedicated", "logs": [{"categoryGroup": "audit", "enabled": true}]}}',
    bicep:
      "resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  scope: phiResource\n  name: 'phi-audit'\n  properties: {\n    workspaceId: workspace.id\n    logAnalyticsDestinationType: 'Dedicated'\n    logs: [ { categoryGroup: 'audit', enabled: true } ]\n  }\n}",
    terraform:
      'resource "azurerm_monitor_diagnostic_setting" "phi" { name = "phi-audit" target_resource_id = azurerm_cosmosdb_account.phi.id\n  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id  enabled_log { category_group = "audit" } }',
    note: 'Logs flow only from the time of creation; earlier activity cannot be reconstructed. MySQL flexible servers also need the server parameter audit_log_enabled = ON.',
  },
  docs: {
    evaluation:
      'Subject: a PHI resource of the listed types (storage accounts, Key Vaults and Azure SQL have PHI-LOG-004, -003 and -005; a diagnostic setting resource itself is evaluated through the resource it extends). Passes when at least one Microsoft.Insights/diagnosticSettings extending it names a destination (workspaceId, storageAccountId, eventHubAuthorizationRuleId or marketplacePartnerId) and enables a log entry with categoryGroup "audit" or "allLogs", or every audit category of the type where phiguard knows them (API Management GatewayLogs, MySQL MySqlAuditLogs; other category names are UNVERIFIED, so a categories-only setting there needs review). Fails with no setting, a setting without destination, metrics only, or audit logs disabled. logs[].retentionPolicy is ignored (retired 2025-09-30); retention is judged at the destination (PHI-LOG-001). MySQL flexible servers additionally need the server parameter audit_log_enabled = ON (configurations/audit_log_enabled), reported as a second outcome.',
    absent: `Templates: no diagnostic setting on the resource -> fail, or needs review when logging.diagnostics_managed_by_policy is true (a DeployIfNotExists policy deploys them). Live: none -> fail. MySQL: no audit_log_enabled configuration -> ${MYSQL_AUDIT_LOG_DEFAULT.because}.`,
    unresolvable:
      'A destination, log entry or destination type given by an unresolved expression -> needs review. A setting whose target (scope) is unresolved may extend this resource -> needs review unless another setting passes.',
    crossResource: 'The destination workspace feeds PHI-LOG-001 (retention) and PHI-LOG-009 (Sentinel).',
    references: [
      `${DIAGNOSTIC_SWAGGER} (DiagnosticSettings: workspaceId, storageAccountId, eventHubAuthorizationRuleId, marketplacePartnerId; LogSettings.category/categoryGroup/enabled)`,
      DIAGNOSTIC_PAYLOAD,
      CONTROLS_E2,
      'Azure/azure-policy built-in 7f89b1eb-583c-429a-8828-af049802c1d9 (AuditIfNotExists), 91a78b24-f231-4a8a-8da9-02c35b2b6510',
      `${AZURERM_DIAGNOSTIC}; MySQL audit_log_enabled: ${MYSQL_AUDIT_LOG_DEFAULT.source}`,
    ],
  },
  fix(resource, fixContext) {
    const { path, inventory } = fixContext;
    if (path.startsWith('configurations/audit_log_enabled')) {
      const configuration = inventory
        .related(resource, 'children')
        .find(
          (child) => isType(child, MYSQL_CONFIGURATION) && sameText(child.name.split('/').pop(), 'audit_log_enabled'),
        );
      if (configuration) {
        return [
          setOn(configuration, 'properties.value', 'ON', 'a dynamic parameter: no restart'),
          setOn(configuration, 'properties.source', 'user-override'),
        ];
      }
      return [
        manual(
          `Set the server parameter audit_log_enabled to ON on MySQL flexible server '${resource.name}' (a configurations/audit_log_enabled child, value ON, source user-override; dynamic, no restart), otherwise the audit log category carries no events.`,
        ),
      ];
    }
    return auditLoggingFix([resource.id], fixContext, need(resource), {
      name: 'phi-audit',
      logs: [{ categoryGroup: 'audit' }],
    });
  },
  check(resource, context) {
    if (isType(resource, DIAGNOSTIC_SETTINGS)) return notApplicable('evaluated on the resource it extends');
    const what = `${resource.type} '${resource.name}'`;
    const logging = auditLoggingOutcome({
      subject: resource,
      targets: [resource.id],
      need: need(resource),
      what,
      context,
    });
    if (!isType(resource, MYSQL_FLEXIBLE)) return logging;
    const parameter = mysqlAuditLog(resource, context);
    return parameter ? [logging, parameter] : logging;
  },
});

import { defineRule, notApplicable } from '../../define.js';
import {
  AZURERM_DIAGNOSTIC,
  auditLoggingFix,
  auditLoggingOutcome,
  CONTROLS_E2,
  DIAGNOSTIC_PAYLOAD,
  DIAGNOSTIC_SETTINGS,
  DIAGNOSTIC_SWAGGER,
  isType,
  KEY_VAULT,
  type LogNeed,
  MANAGED_HSM,
} from './shared.js';

const NEED: LogNeed = {
  expected: 'AuditEvent logs (category "AuditEvent" or categoryGroup "audit" / "allLogs")',
  groups: ['audit', 'allLogs'],
  allOf: ['AuditEvent'],
};

export default defineRule({
  id: 'PHI-LOG-003',
  title: 'Key Vault audit logging is not enabled',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.312(a)(2)(iv)', type: 'A' },
  ],
  phiScoped: false,
  types: [KEY_VAULT, MANAGED_HSM, DIAGNOSTIC_SETTINGS],
  related: { types: [DIAGNOSTIC_SETTINGS], keep: [] },
  policies: [
    {
      id: 'cf820ca0-f99e-4f3e-84fb-66e913812d21',
      name: 'Resource logs in Key Vault should be enabled',
      relation: 'equivalent (its rule still inspects legacy retentionPolicy; requiredRetentionDays default 365)',
    },
    {
      id: 'a2a5b911-5617-447e-a49e-59dbe0e0434b',
      name: 'Resource logs in Azure Key Vault Managed HSM should be enabled',
      relation: 'equivalent (HSM)',
    },
  ],
  remediation: {
    az: 'az monitor diagnostic-settings create -n kv-audit --resource "$KV_ID" --workspace "$WS_ID" --logs \'[{"categoryGroup":"audit","enabled":true}]\'',
    arm: '{"type": "Microsoft.Insights/diagnosticSettings", "scope": "<vaultId>", "name": "kv-audit", "properties": {"workspaceId": "<wsId>", "logs": [{"categoryGroup": "audit", "enabled": true}]}}',
    bicep:
      "resource kvAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  scope: vault\n  name: 'kv-audit'\n  properties: {\n    workspaceId: workspace.id\n    logs: [ { categoryGroup: 'audit', enabled: true } ]\n  }\n}",
    terraform:
      'resource "azurerm_monitor_diagnostic_setting" "kv" { name = "kv-audit" target_resource_id = azurerm_key_vault.cmk.id\n  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id enabled_log { category_group = "audit" } }',
    note: 'Non-disruptive.',
  },
  docs: {
    evaluation:
      'Subject: every Key Vault and Managed HSM (not PHI-scoped: a vault holding keys or secrets of PHI systems is an access path to PHI whatever its tags). Passes when a diagnostic setting extending the vault names a destination and enables category AuditEvent or categoryGroup "audit" or "allLogs". Fails when there is none, the entry is disabled, or the setting has no destination. logs[].retentionPolicy is ignored (retired 2025-09-30).',
    absent:
      'As PHI-LOG-002: templates without a setting -> fail, or needs review when logging.diagnostics_managed_by_policy is true; live -> fail.',
    unresolvable:
      'A setting whose target (scope) is an unresolved expression cannot be linked: a vault without a passing setting then needs review, never passes. Unresolved destinations or log entries -> needs review.',
    crossResource:
      'Which PHI resources use the vault for customer-managed keys is PHI-KV-001/-004 context; it does not change this verdict.',
    references: [
      `${DIAGNOSTIC_SWAGGER}; ${DIAGNOSTIC_PAYLOAD}`,
      'controls.md E5 (category AuditEvent / categoryGroup audit)',
      CONTROLS_E2,
      'Azure/azure-policy built-in cf820ca0-f99e-4f3e-84fb-66e913812d21, a2a5b911-5617-447e-a49e-59dbe0e0434b (AuditIfNotExists)',
      `${AZURERM_DIAGNOSTIC} (enabled_log { category = "AuditEvent" | category_group = "audit" })`,
    ],
  },
  fix: (vault, fixContext) =>
    auditLoggingFix([vault.id], fixContext, NEED, { name: 'kv-audit', logs: [{ categoryGroup: 'audit' }] }),
  check(resource, context) {
    if (isType(resource, DIAGNOSTIC_SETTINGS)) return notApplicable('evaluated on the vault it extends');
    const kind = isType(resource, MANAGED_HSM) ? 'Managed HSM' : 'Key Vault';
    return auditLoggingOutcome({
      subject: resource,
      targets: [resource.id],
      need: NEED,
      what: `${kind} '${resource.name}'`,
      context,
    });
  },
});

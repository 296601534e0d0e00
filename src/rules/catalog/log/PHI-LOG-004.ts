import { sameText } from '../../../core/path.js';
import { defineRule, notApplicable } from '../../define.js';
import {
  AZURERM_DIAGNOSTIC,
  auditLoggingFix,
  auditLoggingOutcome,
  BLOB_SERVICE,
  CONTROLS_E2,
  DIAGNOSTIC_SETTINGS,
  DIAGNOSTIC_SWAGGER,
  isType,
  type LogNeed,
  STORAGE_ACCOUNT,
  settingsOn,
} from './shared.js';

const NEED: LogNeed = {
  expected:
    'blob read, write and delete logs (StorageRead, StorageWrite and StorageDelete, or categoryGroup "allLogs")',
  groups: ['allLogs'],
  allOf: ['StorageRead', 'StorageWrite', 'StorageDelete'],
  groupCaveat: 'whether categoryGroup "audit" covers StorageRead is UNVERIFIED, and reads of PHI must be logged',
};

export default defineRule({
  id: 'PHI-LOG-004',
  title: 'PHI blob storage read/write/delete logging is not enabled',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.312(c)(2)', type: 'A' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT, BLOB_SERVICE, DIAGNOSTIC_SETTINGS],
  related: { types: [DIAGNOSTIC_SETTINGS], keep: [] },
  policies: [
    {
      id: 'b4fe1a3b-0715-4c6c-a5ea-ffc33cf823cb',
      name: 'Configure diagnostic settings for Blob Services to Log Analytics workspace',
      relation: 'equivalent (AINE mode)',
    },
  ],
  remediation: {
    az: 'az monitor diagnostic-settings create -n phi-blob-audit --resource "$SA_ID/blobServices/default" --workspace "$WS_ID" \\\n  --logs \'[{"category":"StorageRead","enabled":true},{"category":"StorageWrite","enabled":true},{"category":"StorageDelete","enabled":true}]\'',
    arm: '{"type": "Microsoft.Storage/storageAccounts/blobServices/providers/diagnosticSettings", "name": "<sa>/default/Microsoft.Insights/phi-blob-audit", "properties": {"workspaceId": "<wsId>", "logs": [{"category": "StorageRead", "enabled": true}, {"category": "StorageWrite", "enabled": true}, {"category": "StorageDelete", "enabled": true}]}}',
    bicep:
      "resource blobAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  scope: blobService\n  name: 'phi-blob-audit'\n  properties: {\n    workspaceId: workspace.id\n    logs: [\n      { category: 'StorageRead', enabled: true }\n      { category: 'StorageWrite', enabled: true }\n      { category: 'StorageDelete', enabled: true }\n    ]\n  }\n}",
    terraform: `resource "azurerm_monitor_diagnostic_setting" "blob" { name = "phi-blob-audit" target_resource_id = "\${azurerm_storage_account.phi.id}/blobServices/default"\n  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id  enabled_log { category_group = "allLogs" } }`,
    note: 'Read logging on busy accounts is voluminous; size the workspace or use a storage destination with lifecycle rules (PHI-BAK-009/010).',
  },
  docs: {
    evaluation:
      'Subject: a PHI storage account (its blobServices resource and diagnostic settings are evaluated through it). Counts the diagnostic settings extending {account}/blobServices/default (template type Microsoft.Storage/storageAccounts/blobServices/providers/diagnosticSettings or scope on the blob service; live id .../blobServices/default/providers/microsoft.insights/diagnosticSettings/{name}). Passes when one names a destination and enables StorageRead, StorageWrite and StorageDelete, or categoryGroup "allLogs". categoryGroup "audit" alone fails: its coverage of StorageRead is UNVERIFIED and reads of PHI must be logged. Settings on the account itself only carry metrics and do not count. Data Lake (dfs) traffic is logged by the same blob service logs. Accounts of kind FileStorage have no blob service -> not applicable.',
    absent:
      'As PHI-LOG-002: no setting on the blob service -> fail (templates: needs review when logging.diagnostics_managed_by_policy is true). Classic Storage Analytics logging ($logs) is not read.',
    unresolvable: 'As PHI-LOG-002.',
    crossResource:
      'The destination feeds PHI-LOG-001 (StorageBlobLogs retention), PHI-BAK-004 and the Sentinel PHI-download analytic.',
    references: [
      `${DIAGNOSTIC_SWAGGER}`,
      `${CONTROLS_E2}; controls.md E2 "storage diagnostics go on the service sub-resource ({storageId}/blobServices/default) -> StorageBlobLogs (StorageRead/StorageWrite/StorageDelete)"`,
      'Azure/azure-policy built-in b4fe1a3b-0715-4c6c-a5ea-ffc33cf823cb (DeployIfNotExists, AuditIfNotExists)',
      `${AZURERM_DIAGNOSTIC} (target_resource_id = "<account id>/blobServices/default")`,
    ],
  },
  fix: (account, fixContext) =>
    auditLoggingFix([`${account.id}/blobServices/default`], fixContext, NEED, {
      name: 'phi-blob-audit',
      logs: (NEED.allOf ?? []).map((category) => ({ category })),
      target: 'blobServices/default',
    }),
  check(resource, context) {
    if (!isType(resource, STORAGE_ACCOUNT)) return notApplicable('evaluated on its storage account');
    const kind = context.read(resource, 'kind');
    if (kind.state !== 'unknown' && sameText(kind.value, 'FileStorage')) {
      return notApplicable('a FileStorage account has no blob service');
    }
    const onAccount = settingsOn(resource.id, context.inventory).length;
    return auditLoggingOutcome({
      subject: resource,
      targets: [`${resource.id}/blobServices/default`],
      need: NEED,
      what: `the blob service of storage account '${resource.name}'`,
      context,
      absentNote: onAccount
        ? `${onAccount} setting(s) on the account itself carry metrics only; blob logs need a setting on blobServices/default`
        : undefined,
    });
  },
});

// The LOG rules on Terraform sources: the adapter maps azurerm_monitor_diagnostic_setting, the Log Analytics,
// SQL auditing, Defender and Sentinel resources to the canonical shapes, so the same rule modules judge them.
import rule1 from '../../../../src/rules/catalog/log/PHI-LOG-001.js';
import rule2 from '../../../../src/rules/catalog/log/PHI-LOG-002.js';
import rule3 from '../../../../src/rules/catalog/log/PHI-LOG-003.js';
import rule4 from '../../../../src/rules/catalog/log/PHI-LOG-004.js';
import rule5 from '../../../../src/rules/catalog/log/PHI-LOG-005.js';
import rule6 from '../../../../src/rules/catalog/log/PHI-LOG-006.js';
import rule8 from '../../../../src/rules/catalog/log/PHI-LOG-008.js';
import rule9 from '../../../../src/rules/catalog/log/PHI-LOG-009.js';
import { ruleCases, terraform } from '../../../helpers/rule-cases.js';

const GROUP = 'resource_group_name = "rg-phi"\n  location = "eastus"';
const account = `resource "azurerm_storage_account" "phi" {
  name = "phistore"
  ${GROUP}
  account_tier = "Standard"
  account_replication_type = "GRS"
  tags = { data-classification = "phi" }
}`;
const workspace = (retention?: number) => `resource "azurerm_log_analytics_workspace" "audit" {
  name = "law-audit"
  ${GROUP}
  sku = "PerGB2018"
  ${retention === undefined ? '' : `retention_in_days = ${retention}`}
}`;
const blobSetting = (logs: string) => `resource "azurerm_monitor_diagnostic_setting" "blob" {
  name = "blob-audit"
  target_resource_id = "\${azurerm_storage_account.phi.id}/blobServices/default"
  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id
  ${logs}
}`;
const BLOB_LOGS =
  'enabled_log { category = "StorageRead" }\n  enabled_log { category = "StorageWrite" }\n  enabled_log { category = "StorageDelete" }';
const table = (total: number) => `resource "azurerm_log_analytics_workspace_table" "blob" {
  workspace_id = azurerm_log_analytics_workspace.audit.id
  name = "StorageBlobLogs"
  retention_in_days = 730
  total_retention_in_days = ${total}
}`;
const tf = (...blocks: string[]) => terraform(blocks.join('\n'));

ruleCases(rule1, {
  pass: [tf(account, workspace(730), blobSetting(BLOB_LOGS), table(2191))],
  fail: [
    tf(account, workspace(90), blobSetting(BLOB_LOGS)),
    tf(account, workspace(), blobSetting(BLOB_LOGS)),
    tf(account, workspace(730), blobSetting(BLOB_LOGS), table(1826)),
  ],
  notApplicable: [tf(workspace(90))],
});

ruleCases(rule4, {
  pass: [
    tf(account, workspace(90), blobSetting(BLOB_LOGS)),
    tf(account, workspace(90), blobSetting('enabled_log { category_group = "allLogs" }')),
  ],
  fail: [tf(account), tf(account, workspace(90), blobSetting('enabled_log { category_group = "audit" }'))],
});

const cosmos = `resource "azurerm_cosmosdb_account" "phi" {
  name = "cosmos-phi"
  ${GROUP}
  offer_type = "Standard"
  consistency_policy { consistency_level = "Session" }
  geo_location {
    location = "eastus"
    failover_priority = 0
  }
}`;
const cosmosSetting = (log: string) => `resource "azurerm_monitor_diagnostic_setting" "cosmos" {
  name = "cosmos-audit"
  target_resource_id = azurerm_cosmosdb_account.phi.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id
  ${log}
}`;
ruleCases(rule2, {
  pass: [tf(cosmos, workspace(90), cosmosSetting('enabled_log { category_group = "audit" }'))],
  fail: [tf(cosmos), tf(cosmos, workspace(90), cosmosSetting('enabled_metric { category = "Requests" }'))],
});

const vault = `resource "azurerm_key_vault" "kv" {
  name = "kv-cmk"
  ${GROUP}
  tenant_id = "00000000-0000-0000-0000-000000000000"
  sku_name = "standard"
}`;
const vaultSetting = (target: string, log: string) => `resource "azurerm_monitor_diagnostic_setting" "kv" {
  name = "kv-audit"
  target_resource_id = ${target}
  log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id
  ${log}
}`;
ruleCases(rule3, {
  pass: [
    tf(vault, workspace(90), vaultSetting('azurerm_key_vault.kv.id', 'enabled_log { category = "AuditEvent" }')),
    tf(
      vault,
      workspace(90),
      vaultSetting('azurerm_key_vault.kv.id', 'log {\n    category = "AuditEvent"\n    enabled = true\n  }'),
    ),
  ],
  fail: [
    tf(vault),
    tf(
      vault,
      workspace(90),
      vaultSetting('azurerm_key_vault.kv.id', 'log {\n    category = "AuditEvent"\n    enabled = false\n  }'),
    ),
  ],
  unknown: [
    tf(
      'variable "vault_id" { type = string }',
      vault,
      workspace(90),
      vaultSetting('var.vault_id', 'enabled_log { category = "AuditEvent" }'),
    ),
  ],
});

const server = `resource "azurerm_mssql_server" "phi" {
  name = "sql-phi"
  ${GROUP}
  version = "12.0"
}`;
const auditing = (extra: string) => `resource "azurerm_mssql_server_extended_auditing_policy" "phi" {
  server_id = azurerm_mssql_server.phi.id
  ${extra}
}`;
ruleCases(rule5, {
  pass: [tf(server, auditing('storage_endpoint = "https://staudit.blob.core.windows.net/"'))],
  fail: [tf(server), tf(server, auditing('enabled = false'))],
});
ruleCases(rule6, {
  pass: [tf(server, auditing('storage_endpoint = "https://staudit.blob.core.windows.net/"'))],
  fail: [
    tf(server, auditing('storage_endpoint = "https://staudit.blob.core.windows.net/"\n  retention_in_days = 90')),
    tf(server),
  ],
});

const pricing = (tier: string) => `resource "azurerm_security_center_subscription_pricing" "storage" {
  tier = "${tier}"
  resource_type = "StorageAccounts"
  subplan = "DefenderForStorageV2"
  extension { name = "OnUploadMalwareScanning" }
  extension { name = "SensitiveDataDiscovery" }
}`;
ruleCases(rule8, {
  pass: [tf(account, pricing('Standard'))],
  fail: [tf(account, pricing('Free'))],
  notApplicable: [tf(pricing('Free'))],
});

const onboarding = `resource "azurerm_sentinel_log_analytics_workspace_onboarding" "s" {
  workspace_id = azurerm_log_analytics_workspace.audit.id
}`;
ruleCases(rule9, {
  pass: [tf(account, workspace(730), blobSetting(BLOB_LOGS), onboarding)],
  fail: [tf(account, workspace(730), blobSetting(BLOB_LOGS))],
});

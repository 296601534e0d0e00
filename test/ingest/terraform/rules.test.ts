// The STG and NET rules on Terraform input, through the terraform() case builder: provider defaults per major,
// values from tfvars (the finding points there), unknown variables (needs review), and separate resources.
import { describe } from 'node:test';
import { findRule } from '../../../src/rules/catalog/index.js';
import type { Rule } from '../../../src/rules/define.js';
import { named, ruleCases, terraform } from '../../helpers/rule-cases.js';

function rule(id: string): Rule {
  const found = findRule(id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

const NSG_RULE = (source: string, port: string) => `resource "azurerm_network_security_rule" "r" {
  name                        = "r"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "${port}"
  source_address_prefix       = ${source}
  destination_address_prefix  = "*"
}
`;

describe('STG and NET rules on Terraform', () => {
  ruleCases(rule('PHI-STG-001'), {
    pass: [
      terraform('allow_nested_items_to_be_public = false'),
      named(terraform('', { azurermMajor: 5 }), 'absent with azurerm 5.x (default false)'),
    ],
    fail: [
      terraform('allow_nested_items_to_be_public = true'),
      named(terraform('', { azurermMajor: 4 }), 'absent with azurerm 4.x (default true)'),
      named(terraform(''), 'absent, major unknown: least secure default'),
      named(terraform('allow_blob_public_access = true'), 'legacy 2.x attribute'),
    ],
    unknown: [
      terraform({
        'main.tf':
          'variable "public" {}\nresource "azurerm_storage_account" "s" {\n  name = "s"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n  allow_nested_items_to_be_public = var.public\n}\n',
      }),
    ],
  });

  ruleCases(rule('PHI-STG-004'), {
    pass: [
      terraform('min_tls_version = "TLS1_2"'),
      named(terraform(''), 'absent: azurerm default TLS1_2 in every major'),
    ],
    fail: [
      { ...terraform('min_tls_version = "TLS1_0"'), line: 7 },
      {
        ...terraform({
          'variables.tf': 'variable "tls" {\n  default = "TLS1_2"\n}\n',
          'main.tf':
            'resource "azurerm_storage_account" "s" {\n  name = "s"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n  min_tls_version = var.tls\n}\n',
          'terraform.tfvars': '\ntls = "TLS1_1"\n',
        }),
        name: 'failing value set in terraform.tfvars: the finding points there',
        file: 'terraform.tfvars',
        line: 2,
      },
    ],
  });

  ruleCases(rule('PHI-STG-005'), {
    pass: [
      terraform('network_rules {\n  default_action = "Deny"\n  ip_rules = ["203.0.113.10"]\n}'),
      terraform('public_network_access_enabled = false'),
    ],
    fail: [
      named(terraform(''), 'no network_rules block: Allow'),
      terraform('network_rules {\n  default_action = "Deny"\n  ip_rules = ["0.0.0.0/0"]\n}'),
      named(
        terraform(
          'resource "azurerm_storage_account" "s" {\n  name = "s"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n}\nresource "azurerm_storage_account_network_rules" "n" {\n  storage_account_id = azurerm_storage_account.s.id\n  default_action = "Allow"\n}\n',
        ),
        'separate azurerm_storage_account_network_rules',
        { line: 10 },
      ),
    ],
  });

  ruleCases(rule('PHI-STG-007'), {
    pass: [
      terraform(
        'customer_managed_key {\n  key_vault_key_id = "https://kv.vault.azure.net/keys/cmk"\n  user_assigned_identity_id = "/x/id"\n}',
      ),
      named(
        terraform(
          'resource "azurerm_storage_account" "s" {\n  name = "s"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n}\nresource "azurerm_storage_account_customer_managed_key" "k" {\n  storage_account_id = azurerm_storage_account.s.id\n  key_vault_id = "/x/vaults/kv"\n  key_name = "cmk"\n}\n',
        ),
        'separate azurerm_storage_account_customer_managed_key',
      ),
    ],
    fail: [named(terraform(''), 'platform-managed key')],
  });

  ruleCases(rule('PHI-STG-009'), {
    pass: [terraform('shared_access_key_enabled = false')],
    fail: [named(terraform(''), 'absent: true in every major')],
  });

  ruleCases(rule('PHI-STG-002'), {
    pass: [terraform('resource "azurerm_storage_container" "c" {\n  name = "c"\n  storage_account_name = "s"\n}\n')],
    fail: [
      {
        ...terraform(
          'resource "azurerm_storage_container" "c" {\n  name = "c"\n  storage_account_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa"\n  container_access_type = "blob"\n}\n',
        ),
        line: 4,
      },
    ],
  });

  ruleCases(rule('PHI-NET-002'), {
    pass: [terraform(NSG_RULE('"10.0.0.0/8"', '22'))],
    fail: [{ ...terraform(NSG_RULE('"*"', '20-25')), line: 11 }],
    unknown: [terraform({ 'main.tf': `variable "src" {}\n${NSG_RULE('var.src', '22')}` })],
  });

  ruleCases(rule('PHI-NET-001'), {
    pass: [terraform(NSG_RULE('"Internet"', '443'))],
    fail: [terraform(NSG_RULE('"0.0.0.0/0"', '0-65535'))],
  });

  ruleCases(rule('PHI-NET-006'), {
    pass: [terraform('public_network_access_enabled = false', { type: 'azurerm_mssql_server', name: 'sql' })],
    fail: [
      named(
        terraform('version = "12.0"', { type: 'azurerm_mssql_server', name: 'sql' }),
        'absent: Enabled in every major',
      ),
    ],
  });

  ruleCases(rule('PHI-NET-009'), {
    pass: [
      terraform(
        'resource "azurerm_mssql_database" "d" {\n  name = "d"\n  server_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"\n}\n',
      ),
    ],
    fail: [
      {
        ...terraform(
          'resource "azurerm_mssql_database" "d" {\n  name = "d"\n  server_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql"\n  transparent_data_encryption_enabled = false\n}\n',
        ),
        line: 4,
      },
    ],
  });
});

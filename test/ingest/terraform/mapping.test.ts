// azurerm/azuread -> canonical ARM shape: per resource type, separate resources patched onto or linked to their
// parents, provider defaults per azurerm major (lock file, constraints, least secure when unknown).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory } from '../../../src/core/inventory.js';
import { lookup } from '../../../src/core/path.js';
import { type Resource, Unresolved } from '../../../src/core/types.js';
import { parseHcl } from '../../../src/ingest/terraform/hcl.js';
import { loadTerraformFiles, type Major } from '../../../src/ingest/terraform/index.js';
import { MAPPINGS } from '../../../src/ingest/terraform/map/index.js';
import { azurermVersion, majorsAdmitted } from '../../../src/ingest/terraform/providers.js';
import { readWithDefaults } from '../../../src/rules/defaults.js';

function load(main: string, extra: Record<string, string> = {}, azurermMajor?: Major): Resource[] {
  const result = loadTerraformFiles({ 'main.tf': main, ...extra }, { azurermMajor });
  assert.deepEqual(
    result.diagnostics.filter((d) => d.kind === 'parse-error'),
    [],
  );
  return result.resources;
}

function find(resources: Resource[], type: string, name?: string): Resource {
  const found = resources.find((r) => r.type === type && (name === undefined || r.name === name));
  assert.ok(found, `no ${type} ${name ?? ''}; have ${resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
  return found;
}

/** The value of a read that is not unknown. */
function known(read: ReturnType<typeof readWithDefaults>): unknown {
  return read.state === 'unknown' ? read.expression : read.value;
}

function value(resource: Resource, path: string): unknown {
  const found = lookup(resource, path);
  return found.kind === 'present'
    ? found.value
    : found.kind === 'unresolved'
      ? new Unresolved(found.expression)
      : undefined;
}

const RG = 'resource_group_name = "rg-phi"\n  location = "eastus"';
const STORAGE = (body: string, name = 'stphi') =>
  `resource "azurerm_storage_account" "${name}" {\n  name = "${name}"\n  ${RG}\n  account_tier = "Standard"\n  account_replication_type = "LRS"\n${body}\n}\n`;

describe('azurerm storage mapping', () => {
  it('maps a storage account to Microsoft.Storage/storageAccounts with sku, kind, properties and locations', () => {
    const [account] = load(
      STORAGE(`  min_tls_version = "TLS1_1"
  https_traffic_only_enabled = false
  allow_nested_items_to_be_public = true
  shared_access_key_enabled = false
  public_network_access_enabled = false
  infrastructure_encryption_enabled = true
  tags = { data-classification = "phi" }
  network_rules {
    default_action = "Deny"
    bypass = ["AzureServices", "Logging"]
    ip_rules = ["203.0.113.0/24"]
    virtual_network_subnet_ids = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a"]
  }
  identity {
    type = "UserAssigned"
    identity_ids = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1"]
  }`),
    );
    assert.equal(account.type, 'Microsoft.Storage/storageAccounts');
    assert.equal(
      account.id,
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phi/providers/Microsoft.Storage/storageAccounts/stphi',
    );
    assert.equal(account.origin, 'terraform');
    assert.equal(account.address, 'azurerm_storage_account.stphi');
    assert.deepEqual(account.sku, { name: 'Standard_LRS', tier: 'Standard' });
    assert.deepEqual(account.tags, { 'data-classification': 'phi' });
    assert.deepEqual(account.properties, {
      minimumTlsVersion: 'TLS1_1',
      supportsHttpsTrafficOnly: false,
      allowBlobPublicAccess: true,
      allowSharedKeyAccess: false,
      publicNetworkAccess: 'Disabled',
      encryption: { requireInfrastructureEncryption: true },
      networkAcls: {
        defaultAction: 'Deny',
        bypass: 'AzureServices, Logging',
        ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }],
        virtualNetworkRules: [
          {
            id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a',
            action: 'Allow',
          },
        ],
      },
    });
    assert.equal(value(account, 'identity.type'), 'UserAssigned');
    assert.equal(account.locations?.get('properties.minimumtlsversion')?.line, 7);
    assert.equal(account.locations?.get('properties.networkacls.iprules.0.value')?.line, 17);
  });

  it('reads legacy attribute names (3.x enable_https_traffic_only, 2.x allow_blob_public_access)', () => {
    const [account] = load(STORAGE('  enable_https_traffic_only = false\n  allow_blob_public_access = true'));
    assert.equal(value(account, 'properties.supportsHttpsTrafficOnly'), false);
    assert.equal(value(account, 'properties.allowBlobPublicAccess'), true);
  });

  it('sets keySource Microsoft.Keyvault from an inline customer_managed_key or a separate azurerm_storage_account_customer_managed_key', () => {
    const inline = find(
      load(
        STORAGE(
          '  customer_managed_key {\n    key_vault_key_id = "https://kv1.vault.azure.net/keys/cmk"\n    user_assigned_identity_id = "/x/id1"\n  }',
        ),
      ),
      'Microsoft.Storage/storageAccounts',
    );
    assert.deepEqual(value(inline, 'properties.encryption'), {
      keySource: 'Microsoft.Keyvault',
      keyvaultproperties: { keyvaulturi: 'https://kv1.vault.azure.net/', keyname: 'cmk', keyversion: '' },
      identity: { userAssignedIdentity: '/x/id1' },
    });
    const resources = load(`${STORAGE('')}
resource "azurerm_key_vault" "kv" {
  name = "kv-phi"
  ${RG}
  tenant_id = "t"
  sku_name = "standard"
}
resource "azurerm_key_vault_key" "cmk" {
  name = "cmk"
  key_vault_id = azurerm_key_vault.kv.id
  key_type = "RSA"
  key_size = 2048
  key_opts = ["wrapKey", "unwrapKey"]
}
resource "azurerm_storage_account_customer_managed_key" "cmk" {
  storage_account_id = azurerm_storage_account.stphi.id
  key_vault_key_id   = azurerm_key_vault_key.cmk.versionless_id
}
`);
    const account = find(resources, 'Microsoft.Storage/storageAccounts');
    assert.equal(value(account, 'properties.encryption.keySource'), 'Microsoft.Keyvault');
    assert.equal(
      value(account, 'properties.encryption.keyvaultproperties.keyvaulturi'),
      'https://kv-phi.vault.azure.net/',
    );
    assert.equal(value(account, 'properties.encryption.keyvaultproperties.keyname'), 'cmk');
    // The value originates in the separate resource, which is where a fix edits.
    assert.equal(account.locations?.get('properties.encryption.keysource')?.line, 24);
    assert.ok(
      !resources.some((r) => r.address.includes('customer_managed_key')),
      'the CMK resource is not a resource of its own',
    );
    assert.equal(readWithDefaults(account, 'properties.encryption.keySource').state, 'set');
    const key = find(resources, 'Microsoft.KeyVault/vaults/keys');
    assert.equal(key.id, `${find(resources, 'Microsoft.KeyVault/vaults').id}/keys/cmk`);
  });

  it('applies azurerm_storage_account_network_rules to its account and warns when the account is not in the scan', () => {
    const resources = load(`${STORAGE('')}
resource "azurerm_storage_account_network_rules" "rules" {
  storage_account_id = azurerm_storage_account.stphi.id
  default_action     = "Deny"
  ip_rules           = ["198.51.100.7"]
}
resource "azurerm_storage_account_network_rules" "orphan" {
  storage_account_id = "/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/elsewhere"
  default_action     = "Deny"
}
`);
    const account = find(resources, 'Microsoft.Storage/storageAccounts');
    assert.equal(value(account, 'properties.networkAcls.defaultAction'), 'Deny');
    assert.equal(value(account, 'properties.networkAcls.ipRules.0.value'), '198.51.100.7');
    const result = loadTerraformFiles({
      'main.tf': `resource "azurerm_storage_account_network_rules" "orphan" {\n  storage_account_id = "/x/elsewhere"\n  default_action = "Deny"\n}\n`,
    });
    assert.ok(result.diagnostics.some((d) => d.kind === 'warning' && /not in the scan/.test(d.message)));
  });

  it('maps containers (by account id or legacy account name), blob properties, lifecycle and immutability', () => {
    const resources = load(`${STORAGE(`  blob_properties {
    versioning_enabled = true
    delete_retention_policy {
      days = 14
    }
  }`)}
resource "azurerm_storage_container" "byname" {
  name                  = "scans"
  storage_account_name  = azurerm_storage_account.stphi.name
  container_access_type = "container"
}
resource "azurerm_storage_container" "private" {
  name               = "private"
  storage_account_id = azurerm_storage_account.stphi.id
}
resource "azurerm_storage_management_policy" "lc" {
  storage_account_id = azurerm_storage_account.stphi.id
  rule {
    name    = "expire"
    enabled = true
    filters {
      blob_types   = ["blockBlob"]
      prefix_match = ["scans/"]
    }
    actions {
      base_blob {
        delete_after_days_since_modification_greater_than = 1825
        tier_to_cool_after_days_since_modification_greater_than = -1
      }
    }
  }
}
resource "azurerm_storage_container_immutability_policy" "worm" {
  storage_container_resource_manager_id = azurerm_storage_container.private.id
  immutability_period_in_days           = 2191
  locked                                = true
}
`);
    const account = find(resources, 'Microsoft.Storage/storageAccounts');
    const byName = find(resources, 'Microsoft.Storage/storageAccounts/blobServices/containers', 'stphi/default/scans');
    assert.equal(byName.id, `${account.id}/blobServices/default/containers/scans`);
    assert.equal(value(byName, 'properties.publicAccess'), 'Container');
    const privateContainer = find(
      resources,
      'Microsoft.Storage/storageAccounts/blobServices/containers',
      'stphi/default/private',
    );
    assert.equal(known(readWithDefaults(privateContainer, 'properties.publicAccess')), 'None');
    const service = find(resources, 'Microsoft.Storage/storageAccounts/blobServices');
    assert.equal(service.id, `${account.id}/blobServices/default`);
    assert.deepEqual(value(service, 'properties.deleteRetentionPolicy'), { enabled: true, days: 14 });
    assert.equal(value(service, 'properties.isVersioningEnabled'), true);
    const policy = find(resources, 'Microsoft.Storage/storageAccounts/managementPolicies');
    assert.equal(policy.id, `${account.id}/managementPolicies/default`);
    assert.deepEqual(value(policy, 'properties.policy.rules.0.definition'), {
      filters: { prefixMatch: ['scans/'], blobTypes: ['blockBlob'] },
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1825 } } },
    });
    const worm = find(resources, 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies');
    assert.equal(worm.id, `${privateContainer.id}/immutabilityPolicies/default`);
    assert.equal(value(worm, 'properties.state'), 'Locked');
    const inventory = new Inventory(resources);
    assert.ok(inventory.related(account, 'children').includes(service));
  });
});

describe('azurerm network and database mapping', () => {
  it('maps NSGs with inline rules, standalone rules as children, and attachments', () => {
    const resources = load(`resource "azurerm_network_security_group" "dmz" {
  name = "nsg-dmz"
  ${RG}
  security_rule {
    name = "ssh"
    priority = 100
    direction = "Inbound"
    access = "Allow"
    protocol = "Tcp"
    source_port_range = "*"
    destination_port_ranges = ["22", "3389"]
    source_address_prefixes = ["0.0.0.0/0"]
    destination_address_prefix = "*"
  }
}
resource "azurerm_network_security_rule" "sql" {
  name = "sql"
  resource_group_name = "rg-phi"
  network_security_group_name = azurerm_network_security_group.dmz.name
  priority = 200
  direction = "Inbound"
  access = "Allow"
  protocol = "Tcp"
  source_port_range = "*"
  destination_port_range = "1433"
  source_address_prefix = "Internet"
  destination_address_prefix = "*"
}
resource "azurerm_subnet_network_security_group_association" "a" {
  subnet_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db"
  network_security_group_id = azurerm_network_security_group.dmz.id
}
`);
    const nsg = find(resources, 'Microsoft.Network/networkSecurityGroups');
    assert.deepEqual(value(nsg, 'properties.securityRules.0'), {
      name: 'ssh',
      properties: {
        priority: 100,
        direction: 'Inbound',
        access: 'Allow',
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRanges: ['22', '3389'],
        sourceAddressPrefixes: ['0.0.0.0/0'],
        destinationAddressPrefix: '*',
      },
    });
    assert.equal(
      value(nsg, 'properties.subnets.0.id'),
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db',
    );
    const rule = find(resources, 'Microsoft.Network/networkSecurityGroups/securityRules');
    assert.equal(rule.id, `${nsg.id}/securityRules/sql`);
    assert.equal(rule.name, 'nsg-dmz/sql');
    assert.deepEqual(new Inventory(resources).related(rule, 'parent'), [nsg]);
  });

  it('links a private endpoint to the resource it targets', () => {
    const resources = load(`${STORAGE('')}
resource "azurerm_private_endpoint" "pe" {
  name = "pe-blob"
  ${RG}
  subnet_id = "/s/subnets/pe"
  private_service_connection {
    name = "blob"
    private_connection_resource_id = azurerm_storage_account.stphi.id
    subresource_names = ["blob"]
    is_manual_connection = false
  }
}
resource "azurerm_private_endpoint" "manual" {
  name = "pe-manual"
  ${RG}
  subnet_id = "/s/subnets/pe"
  private_service_connection {
    name = "m"
    private_connection_resource_id = azurerm_storage_account.stphi.id
    subresource_names = ["blob"]
    is_manual_connection = true
    request_message = "please"
  }
}
`);
    const account = find(resources, 'Microsoft.Storage/storageAccounts');
    const links = new Inventory(resources).privateEndpointsTo(account);
    assert.deepEqual(
      links.map((l) => [l.endpoint.name, l.manual]),
      [
        ['pe-blob', false],
        ['pe-manual', true],
      ],
    );
  });

  it('maps SQL servers, firewall rules, databases with TDE children and the TDE protector', () => {
    const resources = load(`resource "azurerm_mssql_server" "sql" {
  name = "sql-phi"
  ${RG}
  version = "12.0"
  minimum_tls_version = "1.0"
}
resource "azurerm_mssql_firewall_rule" "all" {
  name = "AllowAll"
  server_id = azurerm_mssql_server.sql.id
  start_ip_address = "0.0.0.0"
  end_ip_address = "255.255.255.255"
}
resource "azurerm_sql_firewall_rule" "legacy" {
  name = "Legacy"
  resource_group_name = "rg-phi"
  server_name = "sql-phi"
  start_ip_address = "0.0.0.0"
  end_ip_address = "0.0.0.0"
}
resource "azurerm_mssql_database" "db" {
  name = "db1"
  server_id = azurerm_mssql_server.sql.id
  transparent_data_encryption_enabled = false
  storage_account_type = "Local"
}
resource "azurerm_mssql_server_transparent_data_encryption" "tde" {
  server_id = azurerm_mssql_server.sql.id
  key_vault_key_id = "https://kv.vault.azure.net/keys/k/1"
}
`);
    const server = find(resources, 'Microsoft.Sql/servers');
    assert.equal(known(readWithDefaults(server, 'properties.publicNetworkAccess')), 'Enabled');
    assert.equal(value(server, 'properties.minimalTlsVersion'), '1.0');
    const inventory = new Inventory(resources);
    const children = inventory.related(server, 'children').map((c) => c.type);
    assert.deepEqual(children.sort(), [
      'Microsoft.Sql/servers/databases',
      'Microsoft.Sql/servers/encryptionProtector',
      'Microsoft.Sql/servers/firewallRules',
      'Microsoft.Sql/servers/firewallRules',
    ]);
    const tde = find(resources, 'Microsoft.Sql/servers/databases/transparentDataEncryption');
    assert.equal(tde.name, 'sql-phi/db1/current');
    assert.equal(value(tde, 'properties.state'), 'Disabled');
    assert.equal(
      value(find(resources, 'Microsoft.Sql/servers/databases'), 'properties.requestedBackupStorageRedundancy'),
      'Local',
    );
    assert.equal(
      value(find(resources, 'Microsoft.Sql/servers/encryptionProtector'), 'properties.serverKeyType'),
      'AzureKeyVault',
    );
  });

  it('maps Cosmos DB ip_range_filter in both the 3.x string and 4.x/5.x set forms, and local auth in both names', () => {
    const cosmos = (body: string) =>
      find(
        load(
          `resource "azurerm_cosmosdb_account" "c" {\n  name = "cosmos"\n  ${RG}\n  offer_type = "Standard"\n${body}\n}\n`,
        ),
        'Microsoft.DocumentDB/databaseAccounts',
      );
    assert.deepEqual(value(cosmos('  ip_range_filter = "0.0.0.0,10.0.0.0/8"'), 'properties.ipRules'), [
      { ipAddressOrRange: '0.0.0.0' },
      { ipAddressOrRange: '10.0.0.0/8' },
    ]);
    assert.deepEqual(value(cosmos('  ip_range_filter = ["203.0.113.4"]'), 'properties.ipRules'), [
      { ipAddressOrRange: '203.0.113.4' },
    ]);
    assert.equal(value(cosmos('  local_authentication_enabled = false'), 'properties.disableLocalAuth'), true);
    assert.equal(value(cosmos('  local_authentication_disabled = true'), 'properties.disableLocalAuth'), true);
    const bare = cosmos('');
    assert.equal(known(readWithDefaults(bare, 'properties.disableLocalAuth')), false);
    assert.equal(known(readWithDefaults(bare, 'properties.publicNetworkAccess')), 'Enabled');
  });

  it('maps flexible servers: VNet delegation decides absent public access; CMK and geo backups', () => {
    const server = (body: string, type = 'azurerm_postgresql_flexible_server') =>
      load(`resource "${type}" "s" {\n  name = "psql"\n  ${RG}\n${body}\n}\n`)[0];
    assert.equal(known(readWithDefaults(server(''), 'properties.network.publicNetworkAccess')), 'Enabled');
    assert.equal(
      known(
        readWithDefaults(server('  delegated_subnet_id = "/s/subnets/db"'), 'properties.network.publicNetworkAccess'),
      ),
      'Disabled',
    );
    const cmk = server(
      '  geo_redundant_backup_enabled = true\n  customer_managed_key {\n    key_vault_key_id = "https://kv.vault.azure.net/keys/k"\n  }',
    );
    assert.equal(value(cmk, 'properties.dataEncryption.type'), 'AzureKeyVault');
    assert.equal(value(cmk, 'properties.backup.geoRedundantBackup'), 'Enabled');
    assert.equal(
      value(
        server('  public_network_access = "Disabled"', 'azurerm_mysql_flexible_server'),
        'properties.network.publicNetworkAccess',
      ),
      'Disabled',
    );
    assert.equal(
      value(
        server('  public_network_access_enabled = false', 'azurerm_mysql_flexible_server'),
        'properties.network.publicNetworkAccess',
      ),
      'Disabled',
    );
  });
});

describe('azurerm provider defaults per major', () => {
  const bare = STORAGE('');
  const cases: [Major | undefined, string, unknown, RegExp][] = [
    [3, 'properties.allowBlobPublicAccess', true, /azurerm 3\.x default for allow_nested_items_to_be_public is true/],
    [4, 'properties.allowBlobPublicAccess', true, /azurerm 4\.x default/],
    [5, 'properties.allowBlobPublicAccess', false, /azurerm 5\.x default .* is false/],
    [undefined, 'properties.allowBlobPublicAccess', true, /least secure provider default/],
    [
      undefined,
      'properties.minimumTlsVersion',
      'TLS1_2',
      /azurerm 3\.x\/4\.x\/5\.x default for min_tls_version is "TLS1_2"/,
    ],
    [undefined, 'properties.supportsHttpsTrafficOnly', true, /https_traffic_only_enabled/],
    [undefined, 'properties.allowSharedKeyAccess', true, /shared_access_key_enabled/],
    [undefined, 'properties.networkAcls.defaultAction', 'Allow', /network_rules/],
    [undefined, 'properties.encryption.keySource', 'Microsoft.Storage', /customer_managed_key/],
  ];
  for (const [major, path, expected, because] of cases) {
    it(`${path} absent with azurerm ${major ?? 'unknown'} -> ${JSON.stringify(expected)}`, () => {
      const [account] = load(bare, {}, major);
      const read = readWithDefaults(account, path);
      assert.equal(read.state, 'default');
      assert.deepEqual(read.state === 'default' && read.value, expected);
      assert.match(read.state === 'default' ? read.because : '', because);
    });
  }

  it('takes the major from .terraform.lock.hcl before version constraints', () => {
    const lock =
      'provider "registry.terraform.io/hashicorp/azurerm" {\n  version     = "5.2.0"\n  constraints = ">= 3.0.0"\n}\n';
    const constraint =
      'terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "~> 3.100"\n    }\n  }\n}\n';
    const locked = load(`${constraint}${bare}`, { '.terraform.lock.hcl': lock })[0];
    const lockedRead = readWithDefaults(locked, 'properties.allowBlobPublicAccess');
    assert.deepEqual(lockedRead.state === 'default' && [lockedRead.value, /5\.2\.0/.test(lockedRead.because)], [
      false,
      true,
    ]);
    const constrained = load(`${constraint}${bare}`)[0];
    const constrainedRead = readWithDefaults(constrained, 'properties.allowBlobPublicAccess');
    assert.match(
      constrainedRead.state === 'default' ? constrainedRead.because : '',
      /azurerm 3\.x default .*~> 3\.100/,
    );
  });

  it('narrows candidate majors from constraints', () => {
    assert.deepEqual(majorsAdmitted('~> 3.0'), [3]);
    assert.deepEqual(majorsAdmitted('~> 4.10.0'), [4]);
    assert.deepEqual(majorsAdmitted('>= 3.50, < 5.0'), [3, 4]);
    assert.deepEqual(majorsAdmitted('>= 4.0'), [4, 5]);
    assert.deepEqual(majorsAdmitted('= 2.99.0'), [3]);
    assert.deepEqual(majorsAdmitted('~> 5'), [5]);
    const files = [parseHcl('v.tf', 'terraform {\n  required_providers {\n    azurerm = "~> 2.0"\n  }\n}\n')];
    assert.deepEqual(azurermVersion(files).candidates, [3]);
    assert.deepEqual(azurermVersion([]).candidates, [3, 4, 5]);
    assert.deepEqual(azurermVersion([], undefined, 4).candidates, [4]);
  });
});

describe('azurerm mapping of the other areas', () => {
  it('covers every resource type rules.yaml lists for Terraform', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const spec = parse(readFileSync(new URL('../../../../shared/spec/rules.yaml', import.meta.url), 'utf8')) as {
      rules: { id: string; terraform?: { resources?: string[] } }[];
    };
    const listed = new Set(spec.rules.flatMap((rule) => rule.terraform?.resources ?? []));
    const missing = [...listed].filter((type) => !MAPPINGS[type]).sort();
    assert.deepEqual(missing, []);
  });

  it('maps role assignments by built-in role name, custom role definitions and diagnostic settings as extensions', () => {
    const resources = load(`resource "azurerm_role_assignment" "owner" {
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "Owner"
  principal_id = "11111111-1111-1111-1111-111111111111"
  principal_type = "ServicePrincipal"
}
resource "azurerm_role_definition" "custom" {
  name = "phi-reader"
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  permissions {
    actions = ["*"]
  }
}
resource "azurerm_role_assignment" "custom" {
  scope = "/subscriptions/00000000-0000-0000-0000-000000000000"
  role_definition_name = "phi-reader"
  principal_id = "2"
}
resource "azurerm_key_vault" "kv" {
  name = "kv1"
  ${RG}
  tenant_id = "t"
  sku_name = "standard"
}
resource "azurerm_monitor_diagnostic_setting" "kv" {
  name = "audit"
  target_resource_id = azurerm_key_vault.kv.id
  log_analytics_workspace_id = "/x/workspaces/log"
  enabled_log {
    category_group = "audit"
  }
  enabled_metric {
    category = "AllMetrics"
  }
}
`);
    const [owner, custom] = resources.filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
    assert.match(
      String(value(owner, 'properties.roleDefinitionId')),
      /roleDefinitions\/8e3af657-a8ff-443c-a75c-2fe8c4bcb635$/,
    );
    assert.equal(owner.scope, '/subscriptions/00000000-0000-0000-0000-000000000000');
    const definition = find(resources, 'Microsoft.Authorization/roleDefinitions');
    assert.equal(value(custom, 'properties.roleDefinitionId'), definition.id);
    assert.deepEqual(value(definition, 'properties.assignableScopes'), [
      '/subscriptions/00000000-0000-0000-0000-000000000000',
    ]);
    const vault = find(resources, 'Microsoft.KeyVault/vaults');
    const settings = new Inventory(resources).related(vault, 'diagnosticSettings');
    assert.equal(settings.length, 1);
    assert.deepEqual(value(settings[0], 'properties.logs'), [{ categoryGroup: 'audit', enabled: true }]);
  });

  it('maps API Management security settings to customProperties and web apps to sites with auth config', () => {
    const resources = load(`resource "azurerm_api_management" "apim" {
  name = "apim1"
  ${RG}
  publisher_name = "p"
  publisher_email = "p@example.com"
  sku_name = "Developer_1"
  security {
    enable_frontend_tls10 = true
  }
}
resource "azurerm_linux_web_app" "app" {
  name = "app1"
  ${RG}
  service_plan_id = "/x/plan"
  site_config {
    minimum_tls_version = "1.1"
  }
  auth_settings_v2 {
    require_https = false
  }
}
`);
    const apim = find(resources, 'Microsoft.ApiManagement/service');
    const custom = value(apim, 'properties.customProperties') as Record<string, string>;
    assert.equal(custom['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10'], 'True');
    assert.equal(custom['Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11'], 'False');
    const site = find(resources, 'Microsoft.Web/sites');
    assert.equal(value(site, 'properties.siteConfig.minTlsVersion'), '1.1');
    assert.equal(known(readWithDefaults(site, 'properties.httpsOnly')), false);
    assert.equal(known(readWithDefaults(site, 'properties.siteConfig.ftpsState')), 'Disabled');
    const auth = find(resources, 'Microsoft.Web/sites/config');
    assert.equal(auth.name, 'app1/authsettingsV2');
    assert.equal(value(auth, 'properties.httpSettings.requireHttps'), false);
  });

  it('maps Entra ID (azuread) objects into Graph shapes', () => {
    const resources = load(`resource "azuread_application" "app" {
  display_name = "phi-app"
  required_resource_access {
    resource_app_id = "00000003-0000-0000-c000-000000000000"
    resource_access {
      id   = "19dbc75e-c2e2-444c-a770-ec69d8559fc7"
      type = "Role"
    }
  }
}
resource "azuread_service_principal_delegated_permission_grant" "g" {
  service_principal_object_id          = "a"
  resource_service_principal_object_id = "b"
  claim_values                         = ["openid", "Directory.ReadWrite.All"]
}
`);
    const app = find(resources, 'microsoft.graph/application');
    assert.deepEqual(value(app, 'properties.requiredResourceAccess'), [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        resourceAccess: [{ id: '19dbc75e-c2e2-444c-a770-ec69d8559fc7', type: 'Role' }],
      },
    ]);
    const grant = find(resources, 'microsoft.graph/oAuth2PermissionGrant');
    assert.equal(value(grant, 'properties.consentType'), 'AllPrincipals');
    assert.equal(value(grant, 'properties.scope'), 'openid Directory.ReadWrite.All');
  });
});

// Loading a module: variables (defaults, tfvars precedence, var files), locals, count/for_each/dynamic, local
// child modules with inputs and outputs, remote modules, parse errors, and provenance of every value.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lookup } from '../../../src/core/path.js';
import { type Resource, Unresolved } from '../../../src/core/types.js';
import { loadTerraformFiles, loadTerraformModule } from '../../../src/ingest/terraform/index.js';

function load(files: Record<string, string>, options: { varFiles?: string[] } = {}) {
  return loadTerraformFiles(files, options);
}

function byAddress(resources: Resource[], address: string): Resource {
  const found = resources.find((r) => r.address === address);
  assert.ok(found, `no resource ${address}; have ${resources.map((r) => r.address).join(', ')}`);
  return found;
}

function value(resource: Resource, path: string): unknown {
  const found = lookup(resource, path);
  if (found.kind === 'present') return found.value;
  if (found.kind === 'unresolved') return new Unresolved(found.expression);
  return undefined;
}

const ACCOUNT = (name: string, extra = '') => `resource "azurerm_storage_account" "${name}" {
  name                     = "${name}"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
${extra}}
`;

describe('Terraform modules', () => {
  it('applies variable defaults, terraform.tfvars, *.auto.tfvars and var files in precedence order', () => {
    const files = {
      'variables.tf':
        'variable "tls" {\n  default = "TLS1_0"\n}\nvariable "kind" {\n  default = "StorageV2"\n}\nvariable "tier" {}\n',
      'main.tf': ACCOUNT('sa', '  min_tls_version = var.tls\n  account_kind = var.kind\n  access_tier = var.tier\n'),
      'terraform.tfvars': 'tls = "TLS1_1"\n',
      'b.auto.tfvars': 'tls = "TLS1_2"\n',
      'a.auto.tfvars.json': '{\n  "tls": "TLS1_3",\n  "kind": "BlobStorage"\n}\n',
      'extra.tfvars': 'kind = "FileStorage"\n',
    };
    const account = byAddress(load(files).resources, 'azurerm_storage_account.sa');
    // b.auto.tfvars sorts after a.auto.tfvars.json, so it wins.
    assert.equal(value(account, 'properties.minimumTlsVersion'), 'TLS1_2');
    assert.deepEqual(account.locations?.get('properties.minimumtlsversion'), {
      file: 'b.auto.tfvars',
      line: 1,
      column: 7,
    });
    assert.equal(account.via?.get('properties.minimumtlsversion'), 'tfvars file');
    assert.equal(value(account, 'kind'), 'BlobStorage');
    assert.deepEqual(account.locations?.get('kind'), { file: 'a.auto.tfvars.json', line: 3, column: 11 });
    const withVarFile = byAddress(load(files, { varFiles: ['extra.tfvars'] }).resources, 'azurerm_storage_account.sa');
    assert.equal(value(withVarFile, 'kind'), 'FileStorage');
    // A variable without default or value stays unknown, naming the variable.
    assert.ok(value(account, 'properties.accessTier') instanceof Unresolved);
    assert.equal((value(account, 'properties.accessTier') as Unresolved).expression, 'var.tier');
  });

  it('points a value from a variable default at the default, with via', () => {
    const files = {
      'variables.tf': 'variable "public" {\n  type    = bool\n  default = true\n}\n',
      'main.tf': ACCOUNT('sa', '  public_network_access_enabled = var.public\n'),
    };
    const account = byAddress(load(files).resources, 'azurerm_storage_account.sa');
    assert.equal(value(account, 'properties.publicNetworkAccess'), 'Enabled');
    assert.deepEqual(account.locations?.get('properties.publicnetworkaccess'), {
      file: 'variables.tf',
      line: 3,
      column: 13,
    });
    assert.equal(account.via?.get('properties.publicnetworkaccess'), 'variable default');
  });

  it('evaluates locals (including each other) and optional() object attribute defaults', () => {
    const files = {
      'main.tf': `variable "settings" {
  type = object({
    tls    = optional(string, "TLS1_2")
    shared = optional(bool)
  })
  default = {}
}
locals {
  prefix = "st"
  name   = "\${local.prefix}phi\${lower("X")}"
}
${ACCOUNT('sa', '  min_tls_version = var.settings.tls\n').replace('name                     = "sa"', 'name = local.name')}`,
    };
    const account = byAddress(load(files).resources, 'azurerm_storage_account.sa');
    assert.equal(account.name, 'stphix');
    assert.match(account.id, /storageAccounts\/stphix$/);
    assert.equal(value(account, 'properties.minimumTlsVersion'), 'TLS1_2');
  });

  it('expands count and for_each with count.index and each.key/each.value', () => {
    const files = {
      'main.tf': `variable "accounts" {
  default = { alpha = "TLS1_0", beta = "TLS1_2" }
}
resource "azurerm_storage_account" "each" {
  for_each                 = var.accounts
  name                     = "st\${each.key}"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version          = each.value
}
resource "azurerm_storage_account" "counted" {
  count                    = 2
  name                     = "stcount\${count.index}"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
resource "azurerm_storage_account" "set" {
  for_each                 = toset(["x", "y"])
  name                     = "stset\${each.value}"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
resource "azurerm_storage_account" "none" {
  count                    = 0
  name                     = "never"
  resource_group_name      = "rg"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}
`,
    };
    const { resources } = load(files);
    const alpha = byAddress(resources, 'azurerm_storage_account.each["alpha"]');
    assert.equal(alpha.name, 'stalpha');
    assert.equal(value(alpha, 'properties.minimumTlsVersion'), 'TLS1_0');
    // each.value came from the variable default: the location says so.
    assert.deepEqual(alpha.locations?.get('properties.minimumtlsversion')?.line, 2);
    assert.equal(byAddress(resources, 'azurerm_storage_account.counted[1]').name, 'stcount1');
    assert.equal(byAddress(resources, 'azurerm_storage_account.set["y"]').name, 'stsety');
    assert.ok(!resources.some((r) => r.address.startsWith('azurerm_storage_account.none')));
  });

  it('evaluates one representative instance when count/for_each is unknown, with a warning', () => {
    const files = {
      'main.tf': `variable "n" {}
${ACCOUNT('sa', '  count = var.n\n  min_tls_version = "TLS1_0"\n')}`,
    };
    const result = load(files);
    const account = byAddress(result.resources, 'azurerm_storage_account.sa[*]');
    assert.equal(value(account, 'properties.minimumTlsVersion'), 'TLS1_0');
    assert.ok(result.diagnostics.some((d) => d.kind === 'warning' && /count depends on var\.n/.test(d.message)));
  });

  it('expands dynamic blocks, with iterator names and unknown collections', () => {
    const files = {
      'main.tf': `variable "rules" {
  default = [
    { name = "ssh", port = "22", priority = 100 },
    { name = "web", port = "443", priority = 110 },
  ]
}
variable "unknown_rules" {}
resource "azurerm_network_security_group" "nsg" {
  name                = "nsg"
  resource_group_name = "rg"
  location            = "eastus"
  security_rule {
    name                       = "static"
    priority                   = 90
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
  dynamic "security_rule" {
    for_each = var.rules
    iterator = rule
    content {
      name                       = rule.value.name
      priority                   = rule.value.priority
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = rule.value.port
      source_address_prefix      = "Internet"
      destination_address_prefix = "*"
    }
  }
}
resource "azurerm_network_security_group" "unknown" {
  name                = "nsg2"
  resource_group_name = "rg"
  location            = "eastus"
  dynamic "security_rule" {
    for_each = var.unknown_rules
    content {
      name = security_rule.value.name
    }
  }
}
`,
    };
    const { resources } = load(files);
    const nsg = byAddress(resources, 'azurerm_network_security_group.nsg');
    const rules = value(nsg, 'properties.securityRules') as {
      name: string;
      properties: { destinationPortRange: string };
    }[];
    assert.deepEqual(
      rules.map((r) => `${r.name}:${r.properties.destinationPortRange}`),
      ['static:*', 'ssh:22', 'web:443'],
    );
    // The port came from the variable default (line 3 for ssh).
    assert.equal(nsg.locations?.get('properties.securityrules.1.properties.destinationportrange')?.line, 3);
    const unknown = byAddress(resources, 'azurerm_network_security_group.unknown');
    assert.ok(value(unknown, 'properties.securityRules') instanceof Unresolved);
  });

  it('loads local child modules with inputs, outputs, count and nested addresses', () => {
    const files = {
      'main.tf': `module "storage" {
  source = "./modules/storage"
  count  = 2
  name   = "stmod\${count.index}"
  tls    = var.tls
}
variable "tls" {
  default = "TLS1_2"
}
resource "azurerm_private_endpoint" "pe" {
  name                = "pe"
  resource_group_name = "rg"
  location            = "eastus"
  subnet_id           = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"
  private_service_connection {
    name                           = "blob"
    private_connection_resource_id = module.storage[0].account_id
    subresource_names              = ["blob"]
    is_manual_connection           = false
  }
}
`,
      'terraform.tfvars': 'tls = "TLS1_1"\n',
      'modules/storage/main.tf': `variable "name" {}
variable "tls" {}
${ACCOUNT('this', '  min_tls_version = var.tls\n').replace('name                     = "this"', 'name = var.name')}
output "account_id" {
  value = azurerm_storage_account.this.id
}
`,
    };
    const { resources } = load(files);
    const first = byAddress(resources, 'module.storage[0].azurerm_storage_account.this');
    assert.equal(first.name, 'stmod0');
    assert.equal(first.file, 'modules/storage/main.tf');
    assert.equal(value(first, 'properties.minimumTlsVersion'), 'TLS1_1');
    // The value passed through the module input from terraform.tfvars: it points there.
    assert.equal(first.locations?.get('properties.minimumtlsversion')?.file, 'terraform.tfvars');
    assert.equal(first.via?.get('properties.minimumtlsversion'), 'tfvars file');
    byAddress(resources, 'module.storage[1].azurerm_storage_account.this');
    const pe = byAddress(resources, 'azurerm_private_endpoint.pe');
    assert.equal(value(pe, 'properties.privateLinkServiceConnections.0.properties.privateLinkServiceId'), first.id);
  });

  it('reports remote module sources as not scanned and their outputs as unknown', () => {
    const files = {
      'main.tf': `module "remote" {
  source  = "Azure/avm-res-storage-storageaccount/azurerm"
  version = "0.2.0"
}
${ACCOUNT('sa', '  min_tls_version = module.remote.tls\n')}`,
    };
    const result = load(files);
    const notScanned = result.diagnostics.filter((d) => d.kind === 'not-scanned');
    assert.equal(notScanned.length, 1);
    assert.equal(notScanned[0].file, 'main.tf');
    assert.equal(notScanned[0].line, 2);
    const account = byAddress(result.resources, 'azurerm_storage_account.sa');
    assert.ok(value(account, 'properties.minimumTlsVersion') instanceof Unresolved);
  });

  it('reports a malformed file at file:line:column and still loads the rest of the module', () => {
    const files = {
      'broken.tf': 'resource "azurerm_storage_account" "bad" {\n  name = "x\n}\n',
      'main.tf': ACCOUNT('good'),
    };
    const result = load(files);
    const errors = result.diagnostics.filter((d) => d.kind === 'parse-error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].file, 'broken.tf');
    assert.equal(errors[0].line, 2);
    assert.ok(errors[0].column);
    byAddress(result.resources, 'azurerm_storage_account.good');
  });

  it('resolves references between resources, including computed ids and unknown computed attributes', () => {
    const files = {
      'main.tf': `resource "azurerm_resource_group" "rg" {
  name     = "rg-phi"
  location = "eastus"
}
${ACCOUNT('sa').replace('resource_group_name      = "rg"', 'resource_group_name = azurerm_resource_group.rg.name')}
resource "azurerm_storage_container" "c" {
  name                  = "data"
  storage_account_id    = azurerm_storage_account.sa.id
  container_access_type = "blob"
  metadata = { principal = azurerm_storage_account.sa.identity[0].principal_id }
}
`,
    };
    const { resources } = load(files);
    const account = byAddress(resources, 'azurerm_storage_account.sa');
    assert.equal(
      account.id,
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phi/providers/Microsoft.Storage/storageAccounts/sa',
    );
    const container = byAddress(resources, 'azurerm_storage_container.c');
    assert.equal(container.id, `${account.id}/blobServices/default/containers/data`);
    assert.equal(container.name, 'sa/default/data');
    assert.ok(value(container, 'properties.metadata.principal') instanceof Unresolved);
  });

  it('reads a module from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-tf-'));
    writeFileSync(join(dir, 'main.tf'), ACCOUNT('disk', '  min_tls_version = var.tls\n'));
    writeFileSync(join(dir, 'variables.tf'), 'variable "tls" {}\n');
    writeFileSync(join(dir, 'terraform.tfvars'), 'tls = "TLS1_0"\n');
    const result = await loadTerraformModule(dir);
    const account = byAddress(result.resources, 'azurerm_storage_account.disk');
    assert.equal(value(account, 'properties.minimumTlsVersion'), 'TLS1_0');
    assert.equal(account.locations?.get('properties.minimumtlsversion')?.file, join(dir, 'terraform.tfvars'));
    const missing = await loadTerraformModule(join(dir, 'nope'));
    assert.equal(missing.resources.length, 0);
    assert.equal(missing.diagnostics[0]?.kind, 'read-error');
  });
});

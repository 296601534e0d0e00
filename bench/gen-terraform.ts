// Deterministic generators for the Terraform benchmarks: a configuration of many local modules (W5), a large
// `terraform show -json` plan (W6), and the expansion stress case (W8). Seeded PRNG: same bytes on every machine.
//
//   npx tsx bench/gen-terraform.ts modules bench/data/tf-w5 [--files 700 --modules 60]
//   npx tsx bench/gen-terraform.ts plan bench/data/tf-plan-100.json [--mb 100]
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

let seed = 7;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}
function int(max: number): number {
  return Math.floor(random() * max);
}

const TLS = ['TLS1_0', 'TLS1_1', 'TLS1_2', 'TLS1_2', 'TLS1_2'];
const PORTS = ['22', '443', '1433', '3389', '5432', '8080-8090', '*'];
const SOURCES = ['"*"', '"Internet"', '"10.0.0.0/8"', '"203.0.113.0/24"', 'var.admin_prefix'];

function storageFile(m: number, f: number): string {
  const parts: string[] = [`# module ${m}, file ${f}: storage\n`];
  for (let r = 0; r < 3; r++) {
    const name = `sa_${f}_${r}`;
    parts.push(`resource "azurerm_storage_account" "${name}" {
  for_each                        = var.instances
  name                            = lower(format("st%s%02d%02d%d", each.key, ${m}, ${f}, ${r}))
  resource_group_name             = var.resource_group_name
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "${pick(['LRS', 'GRS', 'RAGZRS'])}"
  min_tls_version                 = "${pick(TLS)}"
  https_traffic_only_enabled      = ${pick(['true', 'true', 'false'])}
  allow_nested_items_to_be_public = ${pick(['true', 'false', 'false'])}
  shared_access_key_enabled       = each.value.shared_key
  public_network_access_enabled   = var.public
  tags                            = merge(local.tags, { index = each.key })

  network_rules {
    default_action             = ${pick(['"Deny"', '"Allow"', 'var.default_action'])}
    bypass                     = ["AzureServices"]
    ip_rules                   = [for p in var.allowed_prefixes : p if p != "0.0.0.0/0"]
    virtual_network_subnet_ids = var.subnet_ids
  }

  blob_properties {
    versioning_enabled = ${pick(['true', 'false'])}
    delete_retention_policy {
      days = ${7 + int(30)}
    }
  }
}

resource "azurerm_storage_container" "${name}_data" {
  for_each              = var.instances
  name                  = "data-\${each.key}"
  storage_account_id    = azurerm_storage_account.${name}[each.key].id
  container_access_type = "${pick(['private', 'private', 'blob'])}"
}
`);
  }
  return parts.join('\n');
}

function networkFile(m: number, f: number): string {
  const rules = Array.from(
    { length: 6 },
    (_, i) => `    {
      name     = "rule-${i}"
      priority = ${100 + i * 10}
      port     = "${pick(PORTS)}"
      source   = ${pick(SOURCES)}
      access   = "${pick(['Allow', 'Allow', 'Deny'])}"
    },`,
  ).join('\n');
  return `# module ${m}, file ${f}: network
locals {
  rules_${f} = [
${rules}
  ]
}

resource "azurerm_network_security_group" "nsg_${f}" {
  count               = var.nsg_count
  name                = "nsg-${m}-${f}-\${count.index}"
  resource_group_name = var.resource_group_name
  location            = var.location

  dynamic "security_rule" {
    for_each = local.rules_${f}
    iterator = rule
    content {
      name                       = rule.value.name
      priority                   = rule.value.priority
      direction                  = "Inbound"
      access                     = rule.value.access
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = rule.value.port
      source_address_prefix      = rule.value.source
      destination_address_prefix = "*"
    }
  }
}

resource "azurerm_network_security_rule" "extra_${f}" {
  count                       = var.nsg_count
  name                        = "extra-\${count.index}"
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.nsg_${f}[count.index].name
  priority                    = 4000
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "${pick(PORTS)}"
  source_address_prefix       = ${pick(SOURCES)}
  destination_address_prefix  = "*"
}
`;
}

function databaseFile(m: number, f: number): string {
  return `# module ${m}, file ${f}: databases
resource "azurerm_mssql_server" "sql_${f}" {
  name                          = "sql-${m}-${f}"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  version                       = "12.0"
  administrator_login           = "sqladmin"
  minimum_tls_version           = "${pick(['1.0', '1.2', '1.2'])}"
  public_network_access_enabled = var.public
}

resource "azurerm_mssql_firewall_rule" "fw_${f}" {
  for_each         = { for i, prefix in var.allowed_prefixes : "r\${i}" => prefix }
  name             = each.key
  server_id        = azurerm_mssql_server.sql_${f}.id
  start_ip_address = cidrhost(each.value, 0)
  end_ip_address   = cidrhost(each.value, -1)
}

resource "azurerm_mssql_database" "db_${f}" {
  count                               = 2
  name                                = "db-\${count.index}"
  server_id                           = azurerm_mssql_server.sql_${f}.id
  transparent_data_encryption_enabled = ${pick(['true', 'false', 'true'])}
  storage_account_type                = "${pick(['Geo', 'Local'])}"
}

resource "azurerm_key_vault" "kv_${f}" {
  name                       = "kv-${m}-${f}"
  resource_group_name        = var.resource_group_name
  location                   = var.location
  tenant_id                  = var.tenant_id
  sku_name                   = "standard"
  purge_protection_enabled   = ${pick(['true', 'false'])}
  soft_delete_retention_days = 90
}
`;
}

const VARIABLES = `variable "resource_group_name" {
  type = string
}

variable "location" {
  type    = string
  default = "eastus2"
}

variable "tenant_id" {
  type    = string
  default = "00000000-0000-0000-0000-000000000000"
}

variable "instances" {
  type = map(object({
    shared_key = optional(bool, true)
  }))
}

variable "nsg_count" {
  type    = number
  default = 1
}

variable "public" {
  type    = bool
  default = true
}

variable "default_action" {
  type    = string
  default = "Deny"
}

variable "admin_prefix" {
  type    = string
  default = "198.51.100.0/24"
}

variable "allowed_prefixes" {
  type    = list(string)
  default = ["203.0.113.0/28", "198.51.100.64/26"]
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

locals {
  tags = {
    env        = "bench"
    managed-by = "terraform"
  }
}
`;

/** W5: `files` .tf files spread over `modules` local modules plus a root module that calls each one. */
export function generateModules(dir: string, files = 700, modules = 60): number {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  seed = 7;
  let bytes = 0;
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    bytes += Buffer.byteLength(text);
  };
  const root: string[] = [
    'terraform {\n  required_providers {\n    azurerm = {\n      source  = "hashicorp/azurerm"\n      version = "~> 4.0"\n    }\n  }\n}\n',
  ];
  const perModule = Math.max(2, Math.floor((files - 2) / modules));
  let written = 0;
  for (let m = 0; m < modules; m++) {
    const moduleDir = join(dir, 'modules', `m${String(m).padStart(2, '0')}`);
    mkdirSync(moduleDir, { recursive: true });
    write(join(moduleDir, 'variables.tf'), VARIABLES);
    written++;
    const count = m === modules - 1 ? Math.max(1, files - 2 - written) : perModule - 1;
    for (let f = 0; f < count; f++) {
      const kind = f % 3;
      write(
        join(moduleDir, `f${f}.tf`),
        kind === 0 ? storageFile(m, f) : kind === 1 ? networkFile(m, f) : databaseFile(m, f),
      );
      written++;
    }
    const repeat =
      m % 2 === 0
        ? `  for_each = toset(["a", "b"])\n  resource_group_name = "rg-\${each.key}-${m}"\n`
        : `  count = 2\n  resource_group_name = "rg-\${count.index}-${m}"\n`;
    root.push(`module "m${m}" {
  source    = "./modules/m${String(m).padStart(2, '0')}"
${repeat}  instances = { x${m} = {}, y${m} = { shared_key = false } }
  public    = var.public
}
`);
  }
  write(join(dir, 'main.tf'), root.join('\n'));
  write(join(dir, 'variables.tf'), 'variable "public" {\n  type    = bool\n  default = false\n}\n');
  write(join(dir, 'terraform.tfvars'), 'public = true\n');
  return bytes;
}

/** W8: one resource with 10,000 for_each instances, and NSG rules over the whole 0-65535 port range. */
export function generateExpansion(dir: string, instances = 10_000): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const side = Math.ceil(Math.sqrt(instances));
  writeFileSync(
    join(dir, 'main.tf'),
    `locals {
  # setproduct of two ranges: ${side} x ${side} = ${side * side} instances (range() alone stops at 1024).
  pairs = { for p in setproduct(range(${side}), range(${side})) : format("%03d%03d", p[0], p[1]) => p }
}

resource "azurerm_storage_account" "many" {
  for_each                 = local.pairs
  name                     = "st\${each.key}"
  resource_group_name      = "rg-w8"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = each.value[0] % 2 == 0 ? "TLS1_2" : "TLS1_0"
}

resource "azurerm_network_security_group" "wide" {
  name                = "nsg-wide"
  resource_group_name = "rg-w8"
  location            = "eastus"

  security_rule {
    name                       = "all-ports"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "*"
    source_port_range          = "0-65535"
    destination_port_range     = "0-65535"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  dynamic "security_rule" {
    for_each = range(200)
    content {
      name                       = "r\${security_rule.value}"
      priority                   = 200 + security_rule.value
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_ranges    = ["\${security_rule.value * 300}-65535", "0-\${security_rule.value}"]
      source_address_prefix      = "0.0.0.0/0"
      destination_address_prefix = "*"
    }
  }
}
`,
  );
}

/**
 * W6: a `terraform show -json` plan of about `mb` megabytes: resource_changes for storage accounts, NSGs with
 * rules, SQL servers and firewall rules, key vaults, private endpoints and CMK resources (80% existing no-op
 * changes with known ids, 20% creates with unknown ids), then prior_state and configuration, written in pieces.
 */
export async function generatePlan(file: string, mb = 100): Promise<number> {
  seed = 11;
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  const sub = '3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90';
  const target = mb * 1e6;
  await write(
    '{"format_version":"1.2","terraform_version":"1.9.5","variables":{"env":{"value":"prod"}},"planned_values":{"root_module":{"resources":[]}},"resource_changes":[',
  );
  let i = 0;
  const config: string[] = [];
  // resource_changes ~ 85% of the bytes, prior_state the rest.
  while (bytes < target * 0.85) {
    const existing = random() < 0.8;
    const rg = `rg-${i % 50}`;
    const kind = i % 5;
    let type: string;
    let after: Record<string, unknown>;
    let unknown: Record<string, unknown> = existing ? {} : { id: true };
    const name = `r${i}`;
    if (kind === 0) {
      type = 'azurerm_storage_account';
      after = {
        name: `st${i}`,
        resource_group_name: rg,
        location: 'eastus2',
        account_kind: 'StorageV2',
        account_tier: 'Standard',
        account_replication_type: pick(['LRS', 'GRS', 'RAGZRS']),
        min_tls_version: pick(TLS),
        https_traffic_only_enabled: random() < 0.9,
        allow_nested_items_to_be_public: random() < 0.3,
        shared_access_key_enabled: true,
        public_network_access_enabled: random() < 0.6,
        infrastructure_encryption_enabled: false,
        network_rules: [
          {
            default_action: pick(['Allow', 'Deny']),
            bypass: ['AzureServices'],
            ip_rules: ['203.0.113.0/24'],
            virtual_network_subnet_ids: [],
            private_link_access: [],
          },
        ],
        blob_properties: [
          {
            versioning_enabled: random() < 0.5,
            change_feed_enabled: false,
            delete_retention_policy: [{ days: 7, permanent_delete_enabled: false }],
            container_delete_retention_policy: [],
            cors_rule: [],
            restore_policy: [],
          },
        ],
        customer_managed_key: [],
        identity: [],
        tags: { env: 'prod', app: `app-${i % 97}`, 'data-classification': pick(['phi', 'public', 'internal']) },
        primary_blob_endpoint: `https://st${i}.blob.core.windows.net/`,
      };
      unknown = existing ? {} : { id: true, primary_blob_endpoint: true, identity: [] };
    } else if (kind === 1) {
      type = 'azurerm_network_security_group';
      after = {
        name: `nsg-${i}`,
        resource_group_name: rg,
        location: 'eastus2',
        security_rule: Array.from({ length: 8 }, (_, r) => ({
          name: `rule-${r}`,
          priority: 100 + r * 10,
          direction: 'Inbound',
          access: pick(['Allow', 'Deny']),
          protocol: 'Tcp',
          source_port_range: '*',
          source_port_ranges: [],
          destination_port_range: pick(PORTS),
          destination_port_ranges: [],
          source_address_prefix: pick(['*', 'Internet', '10.0.0.0/8', 'VirtualNetwork']),
          source_address_prefixes: [],
          destination_address_prefix: '*',
          destination_address_prefixes: [],
          description: '',
          source_application_security_group_ids: [],
          destination_application_security_group_ids: [],
        })),
        tags: { env: 'prod' },
      };
    } else if (kind === 2) {
      type = 'azurerm_mssql_server';
      after = {
        name: `sql-${i}`,
        resource_group_name: rg,
        location: 'eastus2',
        version: '12.0',
        administrator_login: 'admin',
        minimum_tls_version: pick(['1.0', '1.2']),
        public_network_access_enabled: random() < 0.5,
        tags: {},
      };
    } else if (kind === 3) {
      type = 'azurerm_mssql_firewall_rule';
      const serverIndex = i - 1;
      after = {
        name: `fw-${i}`,
        start_ip_address: '0.0.0.0',
        end_ip_address: pick(['0.0.0.0', '255.255.255.255', '0.0.0.255']),
      };
      if (existing)
        after.server_id = `/subscriptions/${sub}/resourceGroups/rg-${serverIndex % 50}/providers/Microsoft.Sql/servers/sql-${serverIndex}`;
      else unknown = { id: true, server_id: true };
      config.push(
        `{"address":"azurerm_mssql_firewall_rule.${name}","mode":"managed","type":"azurerm_mssql_firewall_rule","name":"${name}","expressions":{"server_id":{"references":["azurerm_mssql_server.r${serverIndex}.id","azurerm_mssql_server.r${serverIndex}"]}}}`,
      );
    } else {
      type = 'azurerm_key_vault';
      after = {
        name: `kv-${i}`,
        resource_group_name: rg,
        location: 'eastus2',
        tenant_id: '00000000-0000-0000-0000-000000000000',
        sku_name: 'standard',
        purge_protection_enabled: random() < 0.5,
        soft_delete_retention_days: 90,
        public_network_access_enabled: true,
        network_acls: [],
        tags: {},
      };
    }
    const typePath: Record<string, string> = {
      azurerm_storage_account: `Microsoft.Storage/storageAccounts/st${i}`,
      azurerm_network_security_group: `Microsoft.Network/networkSecurityGroups/nsg-${i}`,
      azurerm_mssql_server: `Microsoft.Sql/servers/sql-${i}`,
      azurerm_mssql_firewall_rule: `Microsoft.Sql/servers/sql-${i - 1}/firewallRules/fw-${i}`,
      azurerm_key_vault: `Microsoft.KeyVault/vaults/kv-${i}`,
    };
    if (existing) after.id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${typePath[type]}`;
    const change = {
      address: `${type}.${name}`,
      mode: 'managed',
      type,
      name,
      provider_name: 'registry.terraform.io/hashicorp/azurerm',
      change: {
        actions: [existing ? 'no-op' : 'create'],
        before: existing ? after : null,
        after,
        after_unknown: unknown,
        before_sensitive: existing ? {} : false,
        after_sensitive: {},
      },
    };
    await write(`${i === 0 ? '' : ','}${JSON.stringify(change)}`);
    i++;
  }
  await write(
    '],"prior_state":{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[',
  );
  let k = 0;
  while (bytes < target) {
    await write(
      `${k === 0 ? '' : ','}{"address":"azurerm_resource_group.rg${k}","mode":"managed","type":"azurerm_resource_group","name":"rg${k}","values":{"id":"/subscriptions/${sub}/resourceGroups/rg-${k}","location":"eastus2","name":"rg-${k}","tags":{"env":"prod","owner":"platform-${k % 13}@contoso-health.example"}}}`,
    );
    k++;
  }
  await write(
    `]}}},"configuration":{"provider_config":{"azurerm":{"name":"azurerm","full_name":"registry.terraform.io/hashicorp/azurerm","version_constraint":"~> 4.0"}},"root_module":{"resources":[${config.join(',')}]}},"timestamp":"2026-01-01T00:00:00Z","applyable":true,"complete":true,"errored":false}\n`,
  );
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return bytes;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const [what, target, ...rest] = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = rest.indexOf(`--${name}`);
    return at >= 0 ? Number(rest[at + 1]) : fallback;
  };
  if (what === 'modules' && target)
    console.log(`${(generateModules(target, option('files', 700), option('modules', 60)) / 1e6).toFixed(2)} MB`);
  else if (what === 'plan' && target)
    console.log(`${((await generatePlan(target, option('mb', 100))) / 1e6).toFixed(1)} MB`);
  else if (what === 'expansion' && target) generateExpansion(target, option('instances', 10_000));
  else {
    console.error(
      'usage: gen-terraform.ts modules DIR [--files N --modules N] | plan FILE [--mb N] | expansion DIR [--instances N]',
    );
    process.exit(2);
  }
}

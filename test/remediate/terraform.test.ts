// The Terraform writer through the real pipeline pieces: scan a module in a temp dir, plan the fixes (the rule's own
// `fix` or hand-made steps), apply the writer's edits and new files, then check the bytes that changed, that the
// module still parses, and that a rescan shows the rule passing for the subject.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Finding, Resource } from '../../src/core/types.js';
import { parseHcl } from '../../src/ingest/terraform/hcl.js';
import { applyEdits } from '../../src/remediate/edits.js';
import { attributeFor, terraformValue, throughCurrent } from '../../src/remediate/terraform/attributes.js';
import { parseAddress, terraformWriter } from '../../src/remediate/terraform.js';
import { INPUT_PREFIX } from '../../src/remediate/types.js';
import type { FixStep } from '../../src/rules/define.js';
import { assertOnlyEdited, planFixes, scanFor, tempFolders, writeFixes } from '../helpers/remediate-harness.js';

const module = tempFolders('phiguard-tf-fix-');

type Steps = FixStep[] | 'rule';

/** Scans, plans the fixes of `ruleId`'s failing findings, writes them, and returns what changed. */
async function fixModule(dir: string, ruleId: string, steps: Steps = 'rule', mustFail = true) {
  const before = await scanFor(dir, ruleId);
  let failing = before.subjects.filter((s) => s.finding.status === 'fail');
  if (mustFail) assert.ok(failing.length > 0, `${ruleId} should fail before the fix`);
  else if (failing.length === 0) {
    // Hand-made steps on a compliant resource: plan them for every resource of the rule's types.
    const types = new Set(before.rule.types.map((t) => t.toLowerCase()));
    failing = before.resources
      .filter((r) => types.has(r.type.toLowerCase()))
      .map((resource) => ({ resource, finding: { fingerprint: resource.address, ruleId } as Finding }));
  }
  return { ...writeFixes(terraformWriter, planFixes(before, failing, steps), before), failing };
}

/** The rule's verdicts per subject address after the fix. */
async function rescan(dir: string, ruleId: string) {
  const after = await scanFor(dir, ruleId);
  assert.deepEqual(
    after.stats.diagnostics.filter((d) => d.kind === 'parse-error'),
    [],
    'the module still parses',
  );
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.tf')))
    parseHcl(name, readFileSync(join(dir, name), 'utf8'));
  return after.subjects;
}

/** Findings of the rescan for one subject: none means the rule passes for it (passes are not reported). */
function statusOf(subjects: { finding: Finding }[], address: string): string[] {
  const statuses = subjects.filter((s) => s.finding.resource.address === address).map((s) => s.finding.status);
  return statuses.length === 0 ? ['pass'] : statuses;
}

const STORAGE = (extra: string) => `terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

# The PHI document store.
resource "azurerm_storage_account" "main" {
  name                     = "phidocs"
  resource_group_name      = "rg-phi"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
${extra}}
`;

describe('terraform writer: values at their origin', () => {
  it('replaces an attribute in the resource block, leaving every other byte alone', async () => {
    const dir = module({ 'main.tf': STORAGE('  min_tls_version          = "TLS1_0" # legacy clients\n') });
    const { result, originals } = await fixModule(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(text, /min_tls_version {10}= "TLS1_2" # legacy clients\n/);
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-004'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('edits the variable default, not the resource, and flags a variable another resource uses', async () => {
    const main = `${STORAGE('  min_tls_version          = var.tls\n')}
resource "azurerm_storage_account" "logs" {
  name                     = "philogs"
  resource_group_name      = "rg-phi"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version          = var.tls
}
`;
    const variables = 'variable "tls" {\n  type    = string\n  default = "TLS1_1"\n}\n';
    const dir = module({ 'main.tf': main, 'variables.tf': variables });
    const { result, originals } = await fixModule(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals);
    assert.equal(readFileSync(join(dir, 'main.tf'), 'utf8'), main, 'the resource keeps var.tls');
    assert.equal(readFileSync(join(dir, 'variables.tf'), 'utf8'), variables.replace('"TLS1_1"', '"TLS1_2"'));
    const shared = result.notes.filter((n) => n.kind === 'shared-value');
    assert.ok(shared.length > 0);
    assert.match(shared[0].message, /variable tls .*azurerm_storage_account\.(logs|main)/);
    const subjects = await rescan(dir, 'PHI-STG-004');
    assert.deepEqual(statusOf(subjects, 'azurerm_storage_account.main'), ['pass']);
    assert.deepEqual(statusOf(subjects, 'azurerm_storage_account.logs'), ['pass']);
  });

  it('edits the tfvars line that supplied the value', async () => {
    const dir = module({
      'main.tf': STORAGE('  min_tls_version          = var.tls\n'),
      'variables.tf': 'variable "tls" {\n  default = "TLS1_2"\n}\n',
      'terraform.tfvars': '# per environment\ntls = "TLS1_0"\n',
    });
    await fixModule(dir, 'PHI-STG-004');
    assert.equal(readFileSync(join(dir, 'terraform.tfvars'), 'utf8'), '# per environment\ntls = "TLS1_2"\n');
    assert.equal(readFileSync(join(dir, 'variables.tf'), 'utf8'), 'variable "tls" {\n  default = "TLS1_2"\n}\n');
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-004'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('edits a terraform.tfvars.json value', async () => {
    const dir = module({
      'main.tf': STORAGE('  min_tls_version          = var.tls\n'),
      'variables.tf': 'variable "tls" {}\n',
      'terraform.tfvars.json': '{\n  "tls": "TLS1_0"\n}\n',
    });
    await fixModule(dir, 'PHI-STG-004');
    assert.equal(readFileSync(join(dir, 'terraform.tfvars.json'), 'utf8'), '{\n  "tls": "TLS1_2"\n}\n');
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-004'), 'azurerm_storage_account.main'), ['pass']);
  });
});

describe('terraform writer: values composed from several arguments', () => {
  it('sets only the replication part of sku.name (account_tier stays), in the resource and through a variable', async () => {
    const main = STORAGE('').replace('"GRS"', '"LRS"');
    const direct = module({ 'main.tf': main });
    const { result, originals } = await fixModule(direct, 'PHI-BAK-001');
    assertOnlyEdited(result, originals);
    const text = readFileSync(join(direct, 'main.tf'), 'utf8');
    assert.match(text, /account_tier {13}= "Standard"\n {2}account_replication_type = "(RA)?GRS"\n/);
    assert.deepEqual(statusOf(await rescan(direct, 'PHI-BAK-001'), 'azurerm_storage_account.main'), ['pass']);

    const viaVariable = module({
      'main.tf': STORAGE('').replace('"GRS"', 'var.replication'),
      'variables.tf': 'variable "replication" {\n  default = "ZRS"\n}\n',
    });
    await fixModule(viaVariable, 'PHI-BAK-001');
    assert.match(readFileSync(join(viaVariable, 'variables.tf'), 'utf8'), /default = "(RA)?G?ZRS"\n/);
    assert.doesNotMatch(readFileSync(join(viaVariable, 'variables.tf'), 'utf8'), /Standard_/);
    assert.deepEqual(statusOf(await rescan(viaVariable, 'PHI-BAK-001'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('writes a negated argument the estate uses instead of the probed one (local_authentication_disabled)', async () => {
    const cosmos = `resource "azurerm_cosmosdb_account" "main" {
  name                          = "cosmos-phi"
  location                      = "eastus"
  resource_group_name           = "rg-phi"
  offer_type                    = "Standard"
  local_authentication_disabled = false
  consistency_policy {
    consistency_level = "Session"
  }
  geo_location {
    location          = "eastus"
    failover_priority = 0
  }
}
`;
    const dir = module({ 'main.tf': cosmos });
    const { result, originals } = await fixModule(dir, 'PHI-IAM-008');
    assertOnlyEdited(result, originals);
    assert.equal(
      readFileSync(join(dir, 'main.tf'), 'utf8'),
      cosmos.replace('local_authentication_disabled = false', 'local_authentication_disabled = true'),
    );
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-IAM-008'), 'azurerm_cosmosdb_account.main'), ['pass']);
  });

  it('reads the composition off the current pair (prefix and suffix), and declines what does not fit it', () => {
    const present = (value: string) => ({ kind: 'present', value }) as const;
    assert.equal(throughCurrent(present('Standard_LRS'), 'LRS', 'Standard_RAGRS'), 'RAGRS');
    assert.equal(throughCurrent(present('x-core-y'), 'core', 'x-other-y'), 'other');
    assert.equal(throughCurrent(present('Standard_LRS'), 'LRS', 'Premium_ZRS'), undefined, 'another prefix');
    assert.equal(throughCurrent(present('TLS1_0'), 'TLS1_0', 'TLS1_2'), undefined, 'not composed');
    assert.equal(throughCurrent(present('Standard_LRS'), 'Standard', 'Standard_GRS'), undefined, 'suffix differs');
    const flag = (value: boolean) => ({ kind: 'present', value }) as const;
    assert.equal(throughCurrent(flag(false), true, true), false, 'a negated boolean argument');
    assert.equal(throughCurrent(flag(false), false, true), true, 'a boolean argument saying the same');
  });
});

describe('terraform writer: absent values are inserted', () => {
  it('inserts an argument after the last one, in the file indentation, with the 4.x name', async () => {
    const dir = module({ 'main.tf': STORAGE('') });
    const { result, originals } = await fixModule(
      dir,
      'PHI-STG-003',
      [
        { kind: 'set', path: 'properties.supportsHttpsTrafficOnly', value: true },
        { kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' },
      ],
      false,
    );
    assertOnlyEdited(result, originals);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(
      text,
      /account_replication_type = "GRS"\n {2}https_traffic_only_enabled = true\n {2}min_tls_version = "TLS1_2"\n\}/,
    );
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-003'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('uses enable_https_traffic_only when the lock file pins azurerm 3.x', async () => {
    const dir = module({
      'main.tf': STORAGE('').replace(/terraform \{[\s\S]*?\n\}\n\n/, ''),
      '.terraform.lock.hcl': 'provider "registry.terraform.io/hashicorp/azurerm" {\n  version = "3.117.0"\n}\n',
    });
    await fixModule(
      dir,
      'PHI-STG-003',
      [{ kind: 'set', path: 'properties.supportsHttpsTrafficOnly', value: true }],
      false,
    );
    assert.match(readFileSync(join(dir, 'main.tf'), 'utf8'), /\n {2}enable_https_traffic_only = true\n\}/);
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-003'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('creates nested blocks (network_rules) and converts ARM enums to provider values', async () => {
    const dir = module({ 'main.tf': STORAGE('') });
    const { result, originals } = await fixModule(dir, 'PHI-STG-005', [
      { kind: 'set', path: 'properties.networkAcls.defaultAction', value: 'Deny' },
      { kind: 'set', path: 'properties.publicNetworkAccess', value: 'Disabled' },
    ]);
    assertOnlyEdited(result, originals);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(text, /public_network_access_enabled = false\n/);
    assert.match(text, /\n {2}network_rules \{\n {4}default_action = "Deny"\n {2}\}\n\}\n$/);
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-STG-005'), 'azurerm_storage_account.main'), ['pass']);
  });

  it('sets the value in a separate azurerm_storage_account_network_rules resource when one carries it', async () => {
    const dir = module({
      'main.tf': `${STORAGE('')}
resource "azurerm_storage_account_network_rules" "main" {
  storage_account_id = azurerm_storage_account.main.id
  default_action     = "Allow"
  bypass             = ["AzureServices"]
}
`,
    });
    await fixModule(dir, 'PHI-STG-005', [{ kind: 'set', path: 'properties.networkAcls.defaultAction', value: 'Deny' }]);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(text, /default_action {5}= "Deny"/);
    assert.doesNotMatch(text, /network_rules \{/);
  });

  it('opens a one-line block to add a second argument', async () => {
    const dir = module({ 'main.tf': STORAGE('  network_rules { bypass = ["AzureServices"] }\n') });
    await fixModule(dir, 'PHI-STG-005', [{ kind: 'set', path: 'properties.networkAcls.defaultAction', value: 'Deny' }]);
    const text = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(text, /network_rules \{\n {4}bypass = \["AzureServices"\]\n {4}default_action = "Deny"\n {2}\}/);
  });
});

describe('terraform writer: removals', () => {
  it('deletes an allow-all firewall rule resource with its lines', async () => {
    const server = `resource "azurerm_mssql_server" "db" {
  name                          = "phi-sql"
  resource_group_name           = "rg"
  location                      = "eastus"
  version                       = "12.0"
  public_network_access_enabled = true
}
`;
    const rule = `
resource "azurerm_mssql_firewall_rule" "all" {
  name             = "all"
  server_id        = azurerm_mssql_server.db.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}
`;
    const dir = module({ 'main.tf': server + rule });
    await fixModule(dir, 'PHI-NET-004', [{ kind: 'delete-resource', note: 'allow-all' }]);
    assert.equal(readFileSync(join(dir, 'main.tf'), 'utf8'), server);
  });

  it('removes an inline security_rule block and a list element', async () => {
    const nsg = (rules: string) => `resource "azurerm_network_security_group" "nsg" {
  name                = "nsg"
  resource_group_name = "rg"
  location            = "eastus"
${rules}}
`;
    const ssh = `  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
`;
    const dir = module({ 'main.tf': nsg(ssh) });
    await fixModule(dir, 'PHI-NET-002', [{ kind: 'remove', path: 'properties.securityRules.0' }]);
    assert.equal(readFileSync(join(dir, 'main.tf'), 'utf8'), nsg(''));

    const list = module({
      'main.tf': STORAGE(
        '  network_rules {\n    default_action = "Deny"\n    ip_rules       = ["0.0.0.0/0", "10.0.0.0/8"]\n  }\n',
      ),
    });
    const before = await scanFor(list, 'PHI-STG-005');
    const account = before.resources.find((r) => r.address === 'azurerm_storage_account.main');
    assert.ok(account?.locations?.get('properties.networkacls.iprules.0.value'));
    const result = terraformWriter.write(
      [
        {
          finding: { fingerprint: 'f', ruleId: 'PHI-STG-005' } as Finding,
          resource: account as Resource,
          steps: [{ kind: 'remove', path: 'properties.networkAcls.ipRules.0.value' }],
        },
      ],
      (file) => readFileSync(file, 'utf8'),
    );
    const file = join(list, 'main.tf');
    assert.match(applyEdits(readFileSync(file, 'utf8'), result.edits), /ip_rules {7}= \["10\.0\.0\.0\/8"\]/);
  });
});

describe('terraform writer: new resources', () => {
  it('writes a private endpoint into phiguard-remediation.tf with an input variable', async () => {
    const dir = module({ 'main.tf': STORAGE('') });
    const { result } = await fixModule(
      dir,
      'PHI-STG-005',
      [
        {
          kind: 'create',
          resource: 'private-endpoint',
          settings: { groupId: 'blob', privateDnsZone: 'privatelink.blob.core.windows.net' },
          inputs: [{ name: 'subnetId', why: 'the subnet the endpoint gets its address in' }],
        },
      ],
      false,
    );
    assert.equal(result.newFiles.length, 1);
    const created = result.newFiles[0];
    assert.equal(created.file, join(dir, 'phiguard-remediation.tf'));
    assert.match(
      created.text,
      /variable "phiguard_input_subnetId" \{\n {2}description = "the subnet[^"]*"\n {2}type {8}= string\n\}/,
    );
    assert.match(created.text, /private_connection_resource_id = azurerm_storage_account\.main\.id/);
    assert.match(created.text, /subnet_id {11}= var\.phiguard_input_subnetId/);
    assert.deepEqual(
      result.notes.filter((n) => n.kind === 'needs-input').map((n) => n.message.split(' ')[0]),
      ['phiguard_input_subnetId'],
    );
    // The rescan sees the endpoint linked to the account, and the missing input as unresolved.
    const after = await scanFor(dir, 'PHI-STG-005');
    const endpoint = after.resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints');
    assert.ok(endpoint);
    const connection = JSON.stringify(endpoint.properties);
    assert.ok(connection.includes('/providers/Microsoft.Storage/storageAccounts/phidocs'), connection);
    assert.ok(connection.includes('var.phiguard_input_subnetId'), connection);
  });

  it('appends to an existing phiguard-remediation.tf and declares each input once', () => {
    const resource = {
      id: 'x',
      type: 'Microsoft.Storage/storageAccounts',
      name: 'phidocs',
      origin: 'terraform',
      address: 'azurerm_storage_account.main',
      file: '/m/main.tf',
      at: { file: '/m/main.tf', line: 1, column: 1 },
    } as Resource;
    const step: FixStep = {
      kind: 'create',
      resource: 'diagnostic-setting',
      settings: { name: 'audit', logs: [{ categoryGroup: 'audit' }] },
      inputs: [{ name: 'workspaceId', why: 'the audit workspace' }],
    };
    const files: Record<string, string> = {
      '/m/main.tf': 'resource "azurerm_storage_account" "main" {\n  name = "phidocs"\n}\n',
      '/m/phiguard-remediation.tf': '# earlier fixes\n',
    };
    const result = terraformWriter.write(
      [
        { finding: { fingerprint: 'a', ruleId: 'PHI-LOG-004' } as Finding, resource, steps: [step] },
        {
          finding: { fingerprint: 'b', ruleId: 'PHI-LOG-004' } as Finding,
          resource,
          steps: [
            {
              ...step,
              settings: { name: 'audit2', target: 'blobServices/default', logs: [{ category: 'StorageRead' }] },
            },
          ],
        },
      ],
      (file) => {
        if (!(file in files)) throw new Error('ENOENT');
        return files[file];
      },
    );
    assert.equal(result.newFiles.length, 0);
    const append = result.edits.find((e) => e.file === '/m/phiguard-remediation.tf');
    assert.ok(append);
    assert.equal(append.start, files['/m/phiguard-remediation.tf'].length);
    assert.equal(append.text.match(/variable "phiguard_input_workspaceId"/g)?.length, 1);
    assert.match(
      append.text,
      /target_resource_id {9}= "\$\{azurerm_storage_account\.main\.id\}\/blobServices\/default"/,
    );
    assert.match(append.text, /log_analytics_workspace_id = var\.phiguard_input_workspaceId/);
    parseHcl('phiguard-remediation.tf', files['/m/phiguard-remediation.tf'] + append.text);
    assert.deepEqual(
      result.notes.filter((n) => n.kind === 'needs-input').map((n) => n.fingerprint),
      ['a'],
    );
    assert.ok(result.notes.every((n) => !n.message.includes('undefined')));
    assert.ok(INPUT_PREFIX === 'phiguard_input_');
  });
});

describe('terraform writer: reverse attribute mapping', () => {
  const cases: [string, string, unknown, string, unknown][] = [
    ['azurerm_storage_account', 'properties.publicNetworkAccess', 'Disabled', 'public_network_access_enabled', false],
    ['azurerm_storage_container', 'properties.publicAccess', 'None', 'container_access_type', 'private'],
    ['azurerm_cosmosdb_account', 'properties.disableLocalAuth', true, 'local_authentication_enabled', false],
    ['azurerm_postgresql_server', 'properties.sslEnforcement', 'Enabled', 'ssl_enforcement_enabled', true],
    ['azurerm_key_vault', 'properties.networkAcls.defaultAction', 'Deny', 'network_acls.default_action', 'Deny'],
    [
      'azurerm_network_security_group',
      'properties.securityRules.3.properties.access',
      'Deny',
      'security_rule.access',
      'Deny',
    ],
  ];
  for (const [tfType, path, wanted, tfPath, tfValue] of cases)
    it(`${tfType} ${path} = ${JSON.stringify(wanted)} -> ${tfPath} = ${JSON.stringify(tfValue)}`, () => {
      const attribute = attributeFor(tfType, path);
      assert.ok(attribute);
      assert.equal(attribute.path.map((s) => s.name).join('.'), tfPath);
      assert.deepEqual(terraformValue(tfType, attribute, path, wanted as never), tfValue);
    });

  it('children map into the parent block (blob_properties for blobServices)', () => {
    const attribute = attributeFor('azurerm_storage_account', 'properties.deleteRetentionPolicy.days', 'blobServices');
    assert.deepEqual(
      attribute?.path.map((s) => `${s.name}${s.block ? '{}' : ''}`),
      ['blob_properties{}', 'delete_retention_policy{}', 'days'],
    );
  });

  it('parses addresses with modules, indexes and children', () => {
    assert.deepEqual(parseAddress('module.db["a"].azurerm_mssql_server.main[0]#extendedAuditingSettings'), {
      tfType: 'azurerm_mssql_server',
      local: 'azurerm_mssql_server.main[0]',
      inModule: 'main',
      child: 'extendedAuditingSettings',
    });
  });
});

describe('terraform writer: customer-managed keys', () => {
  it('wires a Recovery Services vault to a new key: encryption block and the identity added to its own', async () => {
    const vault = `resource "azurerm_recovery_services_vault" "phi" {
  name                = "rsv-phi"
  location            = "eastus"
  resource_group_name = "rg-phi"
  sku                 = "Standard"

  identity {
    type = "SystemAssigned"
  }
}
`;
    const dir = module({ 'main.tf': vault });
    const { result, originals } = await fixModule(dir, 'PHI-BAK-007');
    assertOnlyEdited(result, originals);
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(
      main,
      /type = "SystemAssigned, UserAssigned"\n\s+identity_ids = \[azurerm_user_assigned_identity\.phiguard_phi\.id\]/,
    );
    assert.match(main, /encryption \{\n\s+key_id\s+= azurerm_key_vault_key\.phiguard_phi\.id/);
    const created = readFileSync(join(dir, 'phiguard-remediation.tf'), 'utf8');
    assert.match(created, /resource "azurerm_key_vault_key" "phiguard_phi" \{[\s\S]*rotation_policy \{/);
    assert.deepEqual(
      result.notes.filter((n) => n.kind === 'manual'),
      [],
    );
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-BAK-007'), 'azurerm_recovery_services_vault.phi'), ['pass']);
  });

  it('wires a SQL server: TDE resource on the key, identity block and primary identity argument', async () => {
    const server = `resource "azurerm_mssql_server" "phi" {
  name                = "sql-phi"
  location            = "eastus"
  resource_group_name = "rg-phi"
  version             = "12.0"
  minimum_tls_version = "1.2"
}
`;
    const dir = module({ 'main.tf': server });
    const { result, originals } = await fixModule(dir, 'PHI-NET-010');
    assertOnlyEdited(result, originals);
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    assert.match(main, /primary_user_assigned_identity_id = azurerm_user_assigned_identity\.phiguard_phi\.id\n/);
    assert.match(main, /identity \{\n\s+type\s+= "UserAssigned"/);
    assert.deepEqual(
      result.notes.filter((n) => n.kind === 'manual'),
      [],
    );
    assert.deepEqual(statusOf(await rescan(dir, 'PHI-NET-010'), 'azurerm_mssql_server.phi'), ['pass']);
  });

  it('targets the subscription itself for the activity-log setting', async () => {
    const dir = module({ 'main.tf': STORAGE('  min_tls_version          = "TLS1_2"\n') });
    await fixModule(
      dir,
      'PHI-STG-004',
      [
        {
          kind: 'create',
          resource: 'diagnostic-setting',
          settings: { name: 'activity-to-law', target: 'subscription', logs: [{ category: 'Administrative' }] },
          inputs: [{ name: 'workspaceId', why: 'the audit workspace' }],
        },
      ],
      false,
    );
    const created = readFileSync(join(dir, 'phiguard-remediation.tf'), 'utf8');
    assert.match(created, /data "azurerm_subscription" "phiguard_current" \{/);
    assert.match(
      created,
      /resource "azurerm_monitor_diagnostic_setting" "phiguard_subscription_activity" \{\n\s+name\s+= "activity-to-law"\n\s+target_resource_id\s+= data\.azurerm_subscription\.phiguard_current\.id/,
    );
    await rescan(dir, 'PHI-STG-004');
  });
});

// Every example payload in ../shared/payloads loads as a snapshot (the real Azure REST and Graph shapes).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detectSnapshot, parseSnapshotText } from '../../../src/ingest/snapshot/index.js';

const PAYLOADS = fileURLToPath(new URL('../../../../shared/payloads/', import.meta.url));

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return entry.endsWith('.json') ? [path] : [];
  });
}

function load(name: string) {
  return parseSnapshotText(readFileSync(join(PAYLOADS, name), 'utf8'), name);
}

describe('snapshot payloads', () => {
  const files = jsonFiles(PAYLOADS);

  it('finds the payload corpus', () => {
    assert.ok(files.length >= 40, `expected the shared payloads, found ${files.length}`);
  });

  for (const path of files) {
    const name = relative(PAYLOADS, path);
    it(`loads ${name}`, () => {
      const text = readFileSync(path, 'utf8');
      const result = parseSnapshotText(text, name);
      assert.ok(result.resources.length >= 1, 'at least one resource');
      for (const resource of result.resources) {
        assert.equal(resource.origin, 'snapshot');
        assert.equal(resource.file, name);
        assert.equal(resource.address, resource.id);
        assert.ok(resource.id.length > 0 && resource.name.length > 0);
        assert.match(resource.type, /^(Microsoft\.[A-Za-z]+(\/[A-Za-z0-9]+)+|microsoft\.graph\/[a-zA-Z0-9]+)$/);
        assert.ok(resource.at && resource.at.line >= 1 && resource.at.column >= 1);
      }
      assert.ok(detectSnapshot(text.slice(0, 4096), name), 'recognised as a snapshot from its head');
    });
  }

  it('takes the GET body of an x-ms-examples file with its api-version', () => {
    const [account] = load('storage_account_get_2025-06-01.json').resources;
    assert.equal(account.type, 'Microsoft.Storage/storageAccounts');
    assert.equal(account.name, 'sto8596');
    assert.equal(account.apiVersion, '2025-06-01');
    assert.deepEqual(account.sku, { name: 'Standard_GRS', tier: 'Standard' });
    assert.equal((account.properties as Record<string, unknown>).supportsHttpsTrafficOnly, false);
  });

  it('reads list bodies with one resource per element and its line', () => {
    const rules = load('sql_firewall_rules_list_2023-08-01.json').resources;
    assert.equal(rules.length, 4);
    assert.ok(rules.every((r) => r.type === 'Microsoft.Sql/servers/firewallRules'));
    assert.equal(rules[0].name, 'firewallrulecrudtest-6285/firewallrulecrudtest-2304');
    assert.deepEqual(
      rules.map((r) => r.at?.line),
      [12, 21, 30, 39],
    );
  });

  it('sets the scope of extension resources to the resource they extend', () => {
    const [setting] = load('diagnostic_setting_get_2021-05-01-preview.json').resources;
    assert.equal(setting.type, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(setting.name, 'mysetting');
    assert.equal(
      setting.scope,
      '/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6',
    );
    const [rule] = load('sentinel_scheduled_alert_rule_get_2024-09-01.json').resources;
    assert.match(rule.scope ?? '', /\/providers\/Microsoft\.OperationalInsights\/workspaces\/myWorkspace$/);
    const [assignment] = load('role_assignment_get_2022-04-01-folder.json').resources;
    assert.equal(assignment.scope, '/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2');
    assert.equal(assignment.apiVersion, '2020-10-01-preview', 'the api-version the example itself states');
  });

  it('canonicalises type casing and derives a missing type from the id', () => {
    assert.equal(
      load('backup_vault_get_with_cmk_2025-07-01.json').resources[0].type,
      'Microsoft.DataProtection/backupVaults',
    );
    const [table] = load('log_analytics_table_get_2025-02-01.json').resources;
    assert.equal(table.type, 'Microsoft.OperationalInsights/workspaces/tables');
    assert.equal(table.name, 'oiautorest6685/table1_SRCH');
  });

  it('reads Resource Graph results in both formats, without the query api-version', () => {
    const rows = load('arg/2024-04-01_ResourcesBasicQuery.json');
    const table = load('arg/2019-04-01_ResourcesBasicQuery_tableFormat.json');
    assert.deepEqual(
      table.resources.map((r) => [r.id, r.type, r.name, r.location, r.tags]),
      rows.resources.map((r) => [r.id, r.type, r.name, r.location, r.tags]),
    );
    assert.equal(rows.resources[0].type, 'Microsoft.Network/networkInterfaces', 'ARG lower-case type canonicalised');
    assert.equal(rows.resources[0].apiVersion, undefined);
    assert.equal(table.resources[0].apiVersion, undefined);
    assert.match(rows.diagnostics[0].message, /3 of 3 resources have no properties/);
  });

  it('reads the flattened built-in role shape into properties', () => {
    const [owner] = load('rbac/owner-builtin_azure-docs-privileged.json').resources;
    assert.equal(owner.type, 'Microsoft.Authorization/roleDefinitions');
    assert.equal(owner.scope, undefined, 'a tenant-level role definition extends nothing');
    const properties = owner.properties as Record<string, unknown>;
    assert.equal(properties.roleName, 'Owner');
    assert.deepEqual((properties.permissions as { actions: string[] }[])[0].actions, ['*']);
  });

  it('maps Microsoft Graph objects to microsoft.graph types, keeping the Graph JSON as properties', () => {
    const cases: [string, string, number][] = [
      ['graph/application-get.json', 'microsoft.graph/application', 1],
      ['graph/application-list.json', 'microsoft.graph/application', 1],
      ['graph/serviceprincipal-get.json', 'microsoft.graph/servicePrincipal', 1],
      ['graph/serviceprincipal-list.json', 'microsoft.graph/servicePrincipal', 1],
      ['graph/serviceprincipal-get-select-appRoles.json', 'microsoft.graph/servicePrincipal', 1],
      ['graph/conditionalaccesspolicy-get.json', 'microsoft.graph/conditionalAccessPolicy', 1],
      ['graph/conditionalaccessroot-list-policies.json', 'microsoft.graph/conditionalAccessPolicy', 2],
      ['graph/oauth2permissiongrant-list.json', 'microsoft.graph/oAuth2PermissionGrant', 2],
      ['graph/serviceprincipal-list-approleassignments.json', 'microsoft.graph/appRoleAssignment', 1],
      ['graph/rbacapplication-list-roleassignments-expand-principal.json', 'microsoft.graph/unifiedRoleAssignment', 3],
      ['graph/user-list.json', 'microsoft.graph/user', 2],
    ];
    for (const [file, type, count] of cases) {
      const { resources } = load(file);
      assert.equal(resources.length, count, file);
      for (const resource of resources) assert.equal(resource.type, type, file);
    }
    const [policy] = load('graph/conditionalaccesspolicy-get.json').resources;
    assert.equal(policy.id, '6b5e999b-0ba8-4186-a106-e0296c1c4358');
    assert.equal(policy.name, 'Demo app for documentation');
    assert.equal((policy.properties as Record<string, unknown>).state, 'disabled');
    const [app] = load('graph/application-list.json').resources;
    assert.equal(app.id, '00000000-0000-0000-0000-000000000000', 'appId stands in for a $select-ed away id');
  });
});

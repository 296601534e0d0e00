// Estates for the loopback Azure: one replayed from ../shared/payloads (x-ms-examples bodies under
// responses.200.body, Graph response bodies), re-homed into test subscriptions, and a generated one of any size.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Estate } from './loopback-azure.js';

const PAYLOADS = resolve(import.meta.dirname, '../../../shared/payloads');

export const TENANT = '72f988bf-0000-4000-8000-00000000beef';
export const SUB_A = '11111111-1111-4111-8111-111111111111';
export const SUB_B = '22222222-2222-4222-8222-222222222222';

function example(file: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(PAYLOADS, file), 'utf8')) as { responses: { '200': { body: unknown } } };
  return json.responses['200'].body as Record<string, unknown>;
}

function graphBody(file: string): { value?: Record<string, unknown>[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(PAYLOADS, 'graph', file), 'utf8'));
}

/** The body with every occurrence of `from` (an id prefix) replaced by `to`, case-insensitively. */
function rehome<T>(body: T, from: string, to: string): T {
  const pattern = new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  return JSON.parse(JSON.stringify(body).replace(pattern, to)) as T;
}

function rg(subscription: string, group: string, provider: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${group}/providers/${provider}`;
}

/** A Resource Graph row for a GET body: ARG lower-cases `type` and adds subscriptionId/resourceGroup/tenantId. */
function row(body: Record<string, unknown>, subscriptionId: string): Record<string, unknown> {
  const id = String(body.id);
  return {
    ...body,
    type: String(body.type).toLowerCase(),
    subscriptionId,
    resourceGroup: /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '',
    tenantId: TENANT,
  };
}

export interface PayloadIds {
  storage: string;
  storageB: string;
  sql: string;
  workspace: string;
  site: string;
  vault: string;
}

/**
 * Two subscriptions with the same display name ("Contoso Health Production"). A holds the payload resources:
 * storage account (supportsHttpsTrafficOnly false), SQL server (publicNetworkAccess Enabled) with its firewall
 * rules (0.0.0.0 allow-Azure) and auditing (Disabled), Log Analytics workspace (30-day retention) and a table,
 * web app (httpsOnly false), key vault; B holds a second storage account. Graph: the docs' example tenant.
 */
export function payloadEstate(): { estate: Estate; ids: PayloadIds } {
  const storageBody = example('storage_account_get_2025-06-01.json');
  const storage = rg(SUB_A, 'rg-phi', 'Microsoft.Storage/storageAccounts/phirecords');
  const storageB = rg(SUB_B, 'rg-phi', 'Microsoft.Storage/storageAccounts/phiarchive');
  const sqlBody = example('sql_server_get_2025-01-01.json');
  const sql = rg(SUB_A, 'rg-phi', 'Microsoft.Sql/servers/phisql');
  const workspaceBody = example('log_analytics_workspace_get_2025-02-01.json');
  const workspace = rg(SUB_A, 'rg-logs', 'Microsoft.OperationalInsights/workspaces/phi-logs');
  const siteBody = example('web_site_get_2024-11-01.json');
  const site = rg(SUB_A, 'rg-phi', 'Microsoft.Web/sites/phiportal');
  const vaultBody = example('keyvault_get_2025-05-01.json');
  const vault = rg(SUB_A, 'rg-phi', 'Microsoft.KeyVault/vaults/phikeys');

  const resources = [
    row(rehome(storageBody, String(storageBody.id), storage), SUB_A),
    row(rehome(storageBody, String(storageBody.id), storageB), SUB_B),
    row(rehome(sqlBody, String(sqlBody.id), sql), SUB_A),
    row(rehome(workspaceBody, String(workspaceBody.id), workspace), SUB_A),
    row(rehome(siteBody, String(siteBody.id), site), SUB_A),
    row(rehome(vaultBody, String(vaultBody.id), vault), SUB_A),
  ];

  const gets = new Map<string, unknown>();
  const lists = new Map<string, unknown[]>();
  const managementPolicy = example('storage_management_policy_get_2025-06-01.json');
  gets.set(
    `${storage}/managementPolicies/default`.toLowerCase(),
    rehome(managementPolicy, String(managementPolicy.id).replace(/\/managementPolicies\/default$/, ''), storage),
  );
  const auditing = example('sql_server_auditing_settings_get_2023-08-01.json');
  gets.set(
    `${sql}/auditingSettings/default`.toLowerCase(),
    rehome(auditing, String(auditing.id).replace(/\/auditingSettings\/default$/, ''), sql),
  );
  const firewall = example('sql_firewall_rules_list_2023-08-01.json') as { value: Record<string, unknown>[] };
  const firewallParent = String(firewall.value[0].id).replace(/\/firewallRules\/[^/]+$/, '');
  lists.set(`${sql}/firewallRules`.toLowerCase(), rehome(firewall.value, firewallParent, sql));
  const table = example('log_analytics_table_get_2025-02-01.json');
  const tableParent = String(table.id).replace(/\/tables\/[^/]+$/, '');
  lists.set(`${workspace}/tables`.toLowerCase(), [
    { ...rehome(table, tableParent, workspace), type: 'Microsoft.OperationalInsights/workspaces/tables' },
  ]);
  const pricing = example('defender_pricing_get_virtualmachines_2024-01-01.json');
  lists.set(`/subscriptions/${SUB_A}/providers/Microsoft.Security/pricings`.toLowerCase(), [
    rehome(pricing, String(pricing.id).replace(/\/providers\/.*$/, ''), `/subscriptions/${SUB_A}`),
  ]);
  const assignments = example('role_assignments_list_for_scope_2022-04-01.json') as {
    value: Record<string, unknown>[];
  };
  const assignmentSub = /^\/subscriptions\/[^/]+/.exec(String(assignments.value[0].id))?.[0] ?? '';
  lists.set(
    `/subscriptions/${SUB_A}/providers/Microsoft.Authorization/roleAssignments`.toLowerCase(),
    rehome(assignments.value, assignmentSub, `/subscriptions/${SUB_A}`),
  );
  // A site whose config/web the loopback serves: the payload's siteConfig as a config resource.
  gets.set(`${site}/config/web`.toLowerCase(), {
    id: `${site}/config/web`,
    name: 'web',
    type: 'Microsoft.Web/sites/config',
    properties: { ...(rehome(siteBody, String(siteBody.id), site).properties as { siteConfig?: object }).siteConfig },
  });

  const graph = new Map<string, unknown[]>();
  graph.set('/applications', graphBody('application-list.json').value ?? []);
  graph.set('/serviceprincipals', graphBody('serviceprincipal-list.json').value ?? []);
  graph.set('/oauth2permissiongrants', graphBody('oauth2permissiongrant-list.json').value ?? []);
  graph.set('/identity/conditionalaccess/policies', graphBody('conditionalaccessroot-list-policies.json').value ?? []);
  graph.set(
    '/rolemanagement/directory/roleassignments',
    graphBody('rbacapplication-list-roleassignments-expand-principal.json').value ?? [],
  );
  const users: Record<string, unknown>[] = (graphBody('user-list.json').value ?? []).map((u) => ({
    '@odata.type': '#microsoft.graph.user',
    ...u,
  }));
  // The payload's role assignment names a user principal: let getByIds find it as a guest.
  const principalId = String((assignments.value[0].properties as { principalId?: string }).principalId);
  users.push({
    '@odata.type': '#microsoft.graph.user',
    id: principalId,
    displayName: 'Guest Auditor',
    userPrincipalName: 'auditor_example.com#EXT#@contoso.onmicrosoft.com',
    userType: 'Guest',
  });

  return {
    estate: {
      tenantId: TENANT,
      clientId: '5d9a1f4e-0000-4000-8000-0000000c11e7',
      clientSecret: 'loopback-secret-not-real',
      subscriptions: [
        { id: SUB_A, displayName: 'Contoso Health Production' },
        { id: SUB_B, displayName: 'Contoso Health Production' },
      ],
      managementGroups: { 'mg-health': [SUB_A, SUB_B] },
      resources,
      gets,
      lists,
      graph,
      directoryObjects: users,
    },
    ids: { storage, storageB, sql, workspace, site, vault },
  };
}

/**
 * A generated estate: `subscriptions` x `perSubscription` resources, cycling through storage accounts, SQL servers,
 * key vaults, web apps and network security groups (a realistic mix of parents with and without child requests).
 * Only the parents are served: their children answer 404 (absent), which still costs one request each.
 */
export function generatedEstate(subscriptions: number, perSubscription: number, pageSize = 1000): Estate {
  const subs = Array.from({ length: subscriptions }, (_, i) => ({
    id: `${(i + 1).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    displayName: `Subscription ${i % 5}`,
  }));
  const kinds = [
    ['Microsoft.Storage/storageAccounts', 'st'],
    ['Microsoft.Sql/servers', 'sql'],
    ['Microsoft.KeyVault/vaults', 'kv'],
    ['Microsoft.Web/sites', 'app'],
    ['Microsoft.Network/networkSecurityGroups', 'nsg'],
  ] as const;
  const resources: Record<string, unknown>[] = [];
  for (const sub of subs) {
    for (let n = 0; n < perSubscription; n++) {
      const [type, prefix] = kinds[n % kinds.length];
      const id = rg(sub.id, `rg-${n % 10}`, `${type}/${prefix}${n}`);
      resources.push({
        id,
        name: `${prefix}${n}`,
        type: type.toLowerCase(),
        location: 'eastus',
        subscriptionId: sub.id,
        resourceGroup: `rg-${n % 10}`,
        tenantId: TENANT,
        tags: { env: 'prod' },
        properties: { publicNetworkAccess: n % 2 === 0 ? 'Enabled' : 'Disabled', supportsHttpsTrafficOnly: true },
      });
    }
  }
  return {
    tenantId: TENANT,
    clientId: '5d9a1f4e-0000-4000-8000-0000000c11e7',
    clientSecret: 'loopback-secret-not-real',
    subscriptions: subs,
    resources,
    gets: new Map(),
    lists: new Map(),
    graph: new Map(),
    directoryObjects: [],
    pageSize,
  };
}

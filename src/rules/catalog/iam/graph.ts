// Microsoft Graph objects as the snapshot adapter stores them (type `microsoft.graph/<kind>`, Graph JSON as
// `properties`; docs/entra-snapshot.md): permission ids, the tenant's Microsoft Graph service principal, PHI apps
// and the app role assignments of a service principal.
import type { Config } from '../../../core/config.js';
import type { Inventory } from '../../../core/inventory.js';
import { getKey, isObject, sameText } from '../../../core/path.js';
import type { Resource, Value, ValueObject } from '../../../core/types.js';

export const APPLICATION = 'microsoft.graph/application';
export const SERVICE_PRINCIPAL = 'microsoft.graph/servicePrincipal';
export const PERMISSION_GRANT = 'microsoft.graph/oAuth2PermissionGrant';
export const APP_ROLE_ASSIGNMENT = 'microsoft.graph/appRoleAssignment';
export const CONDITIONAL_ACCESS_POLICY = 'microsoft.graph/conditionalAccessPolicy';
export const USER = 'microsoft.graph/user';

/** appId of Microsoft Graph, the same in every tenant (its service principal's object id differs per tenant). */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface GraphPermission {
  name: string;
  /** Application permission (`type: Role`, an appRoleId). */
  application?: string;
  /** Delegated permission (`type: Scope`, an oauth2PermissionScope id). */
  delegated?: string;
  /** Reported as advisories only, never failures (rules.yaml PHI-IAM-001). */
  advisory?: boolean;
}

/**
 * The default high-risk list of rules.yaml PHI-IAM-001 plus its advisories. GUIDs from controls.md C1, which read them
 * in microsoft-graph-devx-content permissions-descriptions.json and provisioningInfo.json.
 */
export const GRAPH_PERMISSIONS: readonly GraphPermission[] = [
  {
    name: 'Directory.ReadWrite.All',
    application: '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
    delegated: 'c5366453-9fb0-48a5-a156-24f0c49a4b84',
  },
  {
    name: 'Application.ReadWrite.All',
    application: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
    delegated: 'bdfbf15f-ee85-4955-8675-146e8e5296b5',
  },
  {
    name: 'RoleManagement.ReadWrite.Directory',
    application: '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    delegated: 'd01b97e9-cbc0-49fe-810a-750afd5527a3',
  },
  {
    name: 'AppRoleAssignment.ReadWrite.All',
    application: '06b708a9-e830-4db3-a914-8e69da51d44f',
    delegated: '84bccea3-f856-4a8a-967b-dbe0a3d53a64',
  },
  {
    name: 'Policy.ReadWrite.ConditionalAccess',
    application: '01c0a623-fc9b-48e9-b794-0756f8e8f067',
    delegated: 'ad902697-1014-4ef5-81ef-2b4301988e8c',
  },
  {
    name: 'DelegatedPermissionGrant.ReadWrite.All',
    application: '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
    delegated: '41ce6ca6-6826-4807-84f1-1c82854f7ee5',
  },
  {
    name: 'User.ReadWrite.All',
    application: '741f803b-c850-494e-b5df-cde7c675a1ca',
    delegated: '204e0828-b5ca-4ad8-b9f3-f32a958e7cc4',
  },
  {
    name: 'Group.ReadWrite.All',
    application: '62a82d76-70ea-41e2-9197-370581804d09',
    delegated: '4e46008b-f24c-477d-8fff-7bb4ec7aafe0',
  },
  {
    name: 'GroupMember.ReadWrite.All',
    application: 'dbaae8cf-10b5-4b86-a4a1-f871c94c6695',
    delegated: 'f81125ac-d3b7-4573-a3b2-7099cc39df9e',
  },
  {
    name: 'Mail.Read',
    application: '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
    delegated: '570282fd-fa5c-430d-a7fd-fc8dc98a9dca',
  },
  {
    name: 'Mail.ReadWrite',
    application: 'e2a3a72e-5f79-4c64-b1b1-878b674786c9',
    delegated: '024d486e-b451-40bb-833d-3e66d98c5c73',
  },
  {
    name: 'Mail.Send',
    application: 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
    delegated: 'e383f46e-2787-4529-855e-0e479a3ffac0',
  },
  {
    name: 'Files.ReadWrite.All',
    application: '75359482-378d-4052-8f01-80520e7db3cd',
    delegated: '863451e7-0667-486c-a5d6-d135439485f0',
  },
  {
    name: 'Files.Read.All',
    application: '01d4889c-1287-42c6-ac1f-5d1e02578ef6',
    delegated: 'df85f4d6-205c-4ac5-a5ea-6bf408dba283',
  },
  {
    name: 'Sites.ReadWrite.All',
    application: '9492366f-7969-46a4-8d15-ed1a20078fff',
    delegated: '89fe6a52-be36-487e-b7d8-d061c450a026',
  },
  {
    name: 'Sites.Read.All',
    application: '332a536c-c7ef-4017-ab91-336970924f0d',
    delegated: '205e70e5-aba6-4c52-a976-6d2d46c48043',
  },
  {
    name: 'Sites.FullControl.All',
    application: 'a82116e5-55eb-4c41-a434-62fe8a61c773',
    delegated: '5a54b8b3-347c-476d-8f8e-42d5c7424d29',
  },
  {
    name: 'User.Read.All',
    application: 'df021288-bdef-4463-88db-98f22de89214',
    delegated: 'a154be20-db9c-4678-8ab7-66f6cc099a59',
    advisory: true,
  },
  {
    name: 'Directory.Read.All',
    application: '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    delegated: '06da0dbc-49e2-44d2-8312-53f166ab848a',
    advisory: true,
  },
  { name: 'Application.ReadWrite.OwnedBy', application: '18a4783c-866b-4cc7-a460-3d5e5662c884', advisory: true },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function str(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A Graph object's own JSON (the adapter keeps it unchanged as `properties`). */
export function body(resource: Resource): ValueObject {
  return isObject(resource.properties) ? resource.properties : {};
}

export function field(resource: Resource, key: string): Value | undefined {
  return getKey(body(resource), key);
}

export function strings(value: Value | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function hasText(list: readonly string[], wanted: string): boolean {
  return list.some((item) => item.toLowerCase() === wanted.toLowerCase());
}

/**
 * Per-inventory lookup tables. A streamed scan grows its inventory while rules run, so an index is rebuilt when
 * the inventory has grown since it was built.
 */
function memo<T>(cache: WeakMap<Inventory, { size: number; value: T }>, inventory: Inventory, build: () => T): T {
  const hit = cache.get(inventory);
  if (hit && hit.size === inventory.size) return hit.value;
  const value = build();
  cache.set(inventory, { size: inventory.size, value });
  return value;
}

const principalsByAppId = new WeakMap<Inventory, { size: number; value: Map<string, Resource> }>();

/** The service principal of an application (by appId) in this tenant's snapshot. */
export function servicePrincipalOf(appId: string, inventory: Inventory): Resource | undefined {
  const index = memo(principalsByAppId, inventory, () => {
    const map = new Map<string, Resource>();
    for (const sp of inventory.byType(SERVICE_PRINCIPAL)) {
      const id = str(field(sp, 'appId'));
      if (id && !map.has(id.toLowerCase())) map.set(id.toLowerCase(), sp);
    }
    return map;
  });
  return index.get(appId.toLowerCase());
}

/** The tenant's Microsoft Graph service principal, when the snapshot holds it. */
export function graphServicePrincipal(inventory: Inventory): Resource | undefined {
  return servicePrincipalOf(GRAPH_APP_ID, inventory);
}

const assignmentsByResource = new WeakMap<Inventory, { size: number; value: Map<string, Resource[]> }>();

/** appRoleAssignment records granted ON a service principal (`/servicePrincipals/{id}/appRoleAssignedTo`). */
export function assignmentRecordsTo(resourceId: string, inventory: Inventory): Resource[] {
  const index = memo(assignmentsByResource, inventory, () => {
    const map = new Map<string, Resource[]>();
    for (const assignment of inventory.byType(APP_ROLE_ASSIGNMENT)) {
      const target = str(field(assignment, 'resourceId'))?.toLowerCase();
      if (!target) continue;
      map.set(target, [...(map.get(target) ?? []), assignment]);
    }
    return map;
  });
  return index.get(resourceId.toLowerCase()) ?? [];
}

/** One app role assignment, inline in its service principal (`$expand`) or a record of its own. */
export interface Assignment {
  id?: string;
  appRoleId?: string;
  principalId?: string;
  principalType?: string;
  resourceId?: string;
  resourceDisplayName?: string;
  /** Path of the inline entry in the subject, or undefined for a separate record. */
  path?: string;
  record?: Resource;
}

function toAssignment(value: Value, path?: string, record?: Resource): Assignment | undefined {
  if (!isObject(value)) return undefined;
  return {
    id: str(getKey(value, 'id')),
    appRoleId: str(getKey(value, 'appRoleId')),
    principalId: str(getKey(value, 'principalId')),
    principalType: str(getKey(value, 'principalType')),
    resourceId: str(getKey(value, 'resourceId')),
    resourceDisplayName: str(getKey(value, 'resourceDisplayName')),
    path,
    record,
  };
}

/**
 * App roles granted TO a service principal (its application permissions): the inline `appRoleAssignments` of
 * `GET /servicePrincipals?$expand=appRoleAssignments`, plus separate appRoleAssignment records, which the snapshot
 * adapter links to their principal (`scope` = principalId). Duplicates (same assignment id) count once.
 */
export function assignmentsOf(sp: Resource, inventory: Inventory): Assignment[] {
  const found: Assignment[] = [];
  const seen = new Set<string>();
  const add = (assignment: Assignment | undefined) => {
    if (!assignment) return;
    const key = assignment.id?.toLowerCase();
    if (key && seen.has(key)) return;
    if (key) seen.add(key);
    found.push(assignment);
  };
  const inline = field(sp, 'appRoleAssignments');
  if (Array.isArray(inline)) {
    inline.forEach((entry, k) => {
      add(toAssignment(entry, `properties.appRoleAssignments.${k}`));
    });
  }
  for (const record of inventory.related(sp, 'extensions')) {
    if (sameText(record.type, APP_ROLE_ASSIGNMENT)) add(toAssignment(body(record), undefined, record));
  }
  return found;
}

/**
 * Principals assigned to a service principal (`appRoleAssignedTo`, inline or as records), or undefined when the
 * snapshot shows no assignment data for it at all (not collected, as opposed to none).
 */
export function assignedPrincipals(sp: Resource, inventory: Inventory): Assignment[] | undefined {
  const inline = field(sp, 'appRoleAssignedTo');
  const records = assignmentRecordsTo(sp.id, inventory).map((record) => toAssignment(body(record), undefined, record));
  if (!Array.isArray(inline) && records.length === 0) return undefined;
  const list = [...(Array.isArray(inline) ? inline.map((entry) => toAssignment(entry)) : []), ...records];
  return list.filter((entry): entry is Assignment => entry !== undefined);
}

/** The high-risk Graph permissions in effect (iam.graph_high_risk_permissions), as GUIDs and names. */
export interface HighRiskSet {
  ids: Set<string>;
  names: Set<string>;
  /** Configured names that resolve to no known GUID (neither the built-in table nor the Graph SP's roles). */
  unresolvedNames: string[];
}

const NAME_BY_ID = new Map<string, string>();
for (const permission of GRAPH_PERMISSIONS) {
  if (permission.application) NAME_BY_ID.set(permission.application, permission.name);
  if (permission.delegated) NAME_BY_ID.set(permission.delegated, permission.name);
}

/** Name -> ids from the Graph service principal's published appRoles and oauth2PermissionScopes. */
function publishedPermissions(graphSp: Resource | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (!graphSp) return map;
  for (const key of ['appRoles', 'oauth2PermissionScopes', 'publishedPermissionScopes']) {
    const list = field(graphSp, key);
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isObject(entry)) continue;
      const id = str(getKey(entry, 'id'));
      const value = str(getKey(entry, 'value'));
      if (id && value) map.set(value.toLowerCase(), [...(map.get(value.toLowerCase()) ?? []), id.toLowerCase()]);
    }
  }
  return map;
}

/** The permission name of a Graph app role / scope id, if known. */
export function permissionName(id: string, inventory: Inventory): string | undefined {
  const known = NAME_BY_ID.get(id.toLowerCase());
  if (known) return known;
  for (const [name, ids] of publishedPermissions(graphServicePrincipal(inventory))) {
    if (ids.includes(id.toLowerCase())) {
      return GRAPH_PERMISSIONS.find((p) => p.name.toLowerCase() === name)?.name ?? name;
    }
  }
  return undefined;
}

export function highRiskSet(config: Config, inventory: Inventory): HighRiskSet {
  const setting = config.iam.graphHighRiskPermissions;
  const ids = new Set<string>();
  const names = new Set<string>();
  const unresolvedNames: string[] = [];
  if (setting === 'default') {
    for (const permission of GRAPH_PERMISSIONS) {
      if (permission.advisory) continue;
      names.add(permission.name.toLowerCase());
      if (permission.application) ids.add(permission.application);
      if (permission.delegated) ids.add(permission.delegated);
    }
    return { ids, names, unresolvedNames };
  }
  const published = publishedPermissions(graphServicePrincipal(inventory));
  for (const entry of setting) {
    if (isGuid(entry)) {
      ids.add(entry.toLowerCase());
      const name = NAME_BY_ID.get(entry.toLowerCase());
      if (name) names.add(name.toLowerCase());
      continue;
    }
    names.add(entry.toLowerCase());
    const known = GRAPH_PERMISSIONS.find((p) => p.name.toLowerCase() === entry.toLowerCase());
    const resolved = [known?.application, known?.delegated, ...(published.get(entry.toLowerCase()) ?? [])].filter(
      (id): id is string => id !== undefined,
    );
    for (const id of resolved) ids.add(id);
    if (resolved.length === 0) unresolvedNames.push(entry);
  }
  return { ids, names, unresolvedNames };
}

/** Advisory permissions (never failures) by id and name. */
export function advisoryName(idOrName: string): string | undefined {
  const lower = idOrName.toLowerCase();
  return GRAPH_PERMISSIONS.find(
    (p) => p.advisory && (p.application === lower || p.delegated === lower || p.name.toLowerCase() === lower),
  )?.name;
}

/** The classification.phi_apps entry of an appId. */
export function phiApp(appId: string | undefined, config: Config): { appId: string; name?: string } | undefined {
  if (!appId) return undefined;
  return config.classification.phiApps.find((app) => app.appId.toLowerCase() === appId.toLowerCase());
}

/** "Contoso EHR (appId 9b8a…)" plus its PHI relevance, for messages. */
export function describeApp(name: string | undefined, appId: string | undefined, config: Config): string {
  const label = name ? `"${name}"` : 'application';
  const id = appId ? ` (appId ${appId})` : '';
  return `${label}${id}${phiApp(appId, config) ? ', a PHI application (classification.phi_apps)' : ''}`;
}

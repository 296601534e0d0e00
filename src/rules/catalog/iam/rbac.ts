// Azure RBAC role assignments and definitions (controls.md C2): built-in role GUIDs, the scope an assignment applies
// at, the role it grants and the kind of principal holding it.
import type { Inventory } from '../../../core/inventory.js';
import { isObject, sameText } from '../../../core/path.js';
import { type Resource, Unresolved, type Value } from '../../../core/types.js';
import type { PathRead, RuleContext } from '../../define.js';
import { field, isGuid, SERVICE_PRINCIPAL, str, USER } from './graph.js';

export const ROLE_ASSIGNMENT = 'Microsoft.Authorization/roleAssignments';
export const ROLE_DEFINITION = 'Microsoft.Authorization/roleDefinitions';

/** What role assignment rules look up: Graph principals (kind, userType) and custom role definitions (names). */
export const PRINCIPAL_TYPES = [SERVICE_PRINCIPAL, USER, 'microsoft.graph/group', ROLE_DEFINITION];

/** Built-in roles by GUID (controls.md C2 and the RBAC built-in roles pages). */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': 'Storage Blob Data Reader',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
  '14b46e9e-c2b7-41b4-b07b-48a6ebf60603': 'Key Vault Crypto Officer',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  'e147488a-f6f5-4113-8e2d-b22465e65bf6': 'Key Vault Crypto Service Encryption User',
  'f25e0fa2-a7c8-4377-a976-54943a77a395': 'Key Vault Contributor',
  '5a1fc7df-4bf1-4951-a576-89034ee01acd': 'FHIR Data Contributor',
  // The other FHIR roles: MicrosoftDocs/azure-docs built-in-roles/integration.md (ms.date 12/12/2024), JSON blocks.
  'a1705bd2-3a8f-45a5-8683-466fcfd5cc24': 'FHIR Data Converter',
  '3db33094-8700-4567-8da5-1501d4e7e843': 'FHIR Data Exporter',
  '4465e953-8ced-4406-a58e-0f6e3f3b530b': 'FHIR Data Importer',
  '4c8d0bbc-75d3-4935-991f-5f3c56d81508': 'FHIR Data Reader',
  '3f88fce4-5892-4214-ae73-ba5294559913': 'FHIR Data Writer',
  '4ba50f17-9666-485c-a643-ff00808643f0': 'FHIR SMART User',
};

const GUID_AT_END = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/** The role GUID of a roleDefinitionId (`/subscriptions/{s}/providers/.../roleDefinitions/{guid}` or `/providers/...`). */
export function roleGuid(roleDefinitionId: string): string | undefined {
  return GUID_AT_END.exec(roleDefinitionId.trim())?.[1]?.toLowerCase();
}

/** The name of a role: built-in table, else a role definition in the scan (custom roles). */
export function roleName(guid: string, inventory: Inventory): string | undefined {
  const builtIn = BUILT_IN_ROLES[guid];
  if (builtIn) return builtIn;
  for (const definition of inventory.byType(ROLE_DEFINITION)) {
    if (roleGuid(definition.id) !== guid && definition.name.toLowerCase() !== guid) continue;
    const props = definition.properties;
    const name = isObject(props) ? str(props.roleName) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** GUIDs of the roles named (or given as GUIDs) in a config list such as iam.privileged_roles. */
export function roleGuids(names: readonly string[], inventory: Inventory): Set<string> {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const guids = new Set<string>();
  for (const name of wanted) if (isGuid(name)) guids.add(name);
  for (const [guid, name] of Object.entries(BUILT_IN_ROLES)) if (wanted.has(name.toLowerCase())) guids.add(guid);
  for (const definition of inventory.byType(ROLE_DEFINITION)) {
    const props = definition.properties;
    const name = isObject(props) ? str(props.roleName) : undefined;
    const guid = roleGuid(definition.id) ?? (isGuid(definition.name) ? definition.name.toLowerCase() : undefined);
    if (name && guid && wanted.has(name.toLowerCase())) guids.add(guid);
  }
  return guids;
}

export type ScopeKind = 'root' | 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource';

export function scopeKind(scope: string): ScopeKind {
  const trimmed = scope.replace(/\/+$/, '');
  if (trimmed === '') return 'root';
  if (/^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i.test(trimmed)) return 'managementGroup';
  if (/^\/subscriptions\/[^/]+$/i.test(trimmed)) return 'subscription';
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(trimmed)) return 'resourceGroup';
  return 'resource';
}

export const BROAD_SCOPES: ReadonlySet<ScopeKind> = new Set(['root', 'managementGroup', 'subscription']);

export function describeScope(kind: ScopeKind, scope: string): string {
  switch (kind) {
    case 'root':
      return 'the root scope "/" (every management group and subscription of the tenant)';
    case 'managementGroup':
      return `management group scope ${scope}`;
    case 'subscription':
      return `subscription scope ${scope}`;
    case 'resourceGroup':
      return `resource group scope ${scope}`;
    case 'resource':
      return `resource scope ${scope}`;
  }
}

const ASSIGNMENT_SEGMENT = /\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i;

/**
 * Where an assignment applies: `properties.scope` (live GET and Resource Graph rows), else the resource it extends
 * (templates with `scope`), else the part of its id before `/providers/Microsoft.Authorization/roleAssignments/`.
 */
export function assignmentScope(assignment: Resource, { read }: RuleContext): PathRead {
  const declared = read(assignment, 'properties.scope');
  if (declared.state === 'unknown' || typeof declared.value === 'string') return declared;
  if (assignment.scope) {
    // The ARM adapter keeps an unresolvable `scope` as its expression text (`[parameters('scope')]`).
    if (!assignment.scope.startsWith('/')) {
      return { state: 'unknown', expression: assignment.scope, at: assignment.at, path: 'scope' };
    }
    return { state: 'set', value: assignment.scope, at: assignment.at, path: 'scope' };
  }
  const match = ASSIGNMENT_SEGMENT.exec(assignment.id);
  if (match) return { state: 'set', value: assignment.id.slice(0, match.index) || '/', at: assignment.at, path: 'id' };
  return { state: 'unknown', expression: assignment.id, at: assignment.at, path: 'id' };
}

export type PrincipalKind = 'servicePrincipal' | 'guest' | 'member' | 'group' | 'other';

export interface Principal {
  kind: PrincipalKind | 'unknown';
  /** How it was decided, for messages. */
  how: string;
  expression?: string;
}

/** A principalId expression that names a managed identity or a service principal (templates). */
const IDENTITY_REFERENCE =
  /userAssignedIdentities|\.identity\.principalId|identity\.principalid|azuread_service_principal\.[\w-]+\.object_id|azurerm_user_assigned_identity\.[\w-]+\.principal_id/i;

/**
 * The kind of principal holding an assignment: `principalType`, else (templates) the principalId expression, else
 * (live) the Graph object with that id in the scan. Users are guests when their Graph record says userType Guest.
 */
export function principalOf(assignment: Resource, context: RuleContext): Principal {
  const { read, inventory } = context;
  const type = read(assignment, 'properties.principalType');
  const id = read(assignment, 'properties.principalId');
  const principalId = id.state !== 'unknown' ? str(id.value) : undefined;
  const graph = principalId ? inventory.byId(principalId) : undefined;
  if (type.state === 'unknown') return { kind: 'unknown', how: 'principalType', expression: type.expression };
  const declared = str(type.value);
  if (declared) {
    if (sameText(declared, 'ServicePrincipal'))
      return { kind: 'servicePrincipal', how: 'principalType ServicePrincipal' };
    if (sameText(declared, 'Group') || sameText(declared, 'ForeignGroup')) {
      return { kind: 'group', how: `principalType ${declared}` };
    }
    if (sameText(declared, 'User')) return userKind(graph, 'principalType User');
    return { kind: 'other', how: `principalType ${declared}` };
  }
  if (id.state === 'unknown') {
    if (IDENTITY_REFERENCE.test(id.expression)) {
      return { kind: 'servicePrincipal', how: `principalId is a managed identity / service principal reference` };
    }
    return { kind: 'unknown', how: 'principalId', expression: id.expression };
  }
  if (graph && sameText(graph.type, SERVICE_PRINCIPAL)) {
    return { kind: 'servicePrincipal', how: 'principalId is a service principal in the Graph snapshot' };
  }
  if (graph && sameText(graph.type, USER)) return userKind(graph, 'principalId is a user in the Graph snapshot');
  if (graph && sameText(graph.type, 'microsoft.graph/group')) {
    return { kind: 'group', how: 'principalId is a group in the Graph snapshot' };
  }
  return {
    kind: 'unknown',
    how: 'principalId',
    expression: `principalType absent and principal ${principalId ?? JSON.stringify(id.value ?? null)} not in the scan`,
  };
}

function userKind(graph: Resource | undefined, how: string): Principal {
  if (graph && sameText(graph.type, USER) && sameText(field(graph, 'userType'), 'Guest')) {
    return { kind: 'guest', how: `${how}, userType Guest` };
  }
  return { kind: 'member', how };
}

/** The role GUID an assignment grants, or the read that blocks it. */
export function assignedRole(
  assignment: Resource,
  { read }: RuleContext,
): { guid: string; read: PathRead } | { read: PathRead; guid?: undefined } {
  const definition = read(assignment, 'properties.roleDefinitionId');
  if (definition.state === 'unknown') return { read: definition };
  const text = str(definition.value);
  const guid = text ? roleGuid(text) : undefined;
  return guid ? { guid, read: definition } : { read: definition };
}

/** The value of a read, or its expression when unresolved (for evidence and messages). */
export function readText(read: PathRead): string {
  return read.state === 'unknown' ? read.expression : plain(read.value);
}

export function plain(value: Value | undefined): string {
  if (value instanceof Unresolved) return value.expression;
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

// Microsoft Graph objects (Entra ID) in snapshots. They have no ARM id or type, so the type is taken from, in
// order: the object's `@odata.type` (`#microsoft.graph.user`), the collection named by the page's `@odata.context`
// (`$metadata#servicePrincipals`, `$metadata#identity/conditionalAccess/policies/$entity`), or, for bodies saved
// without either (some documented examples, `az ad sp show`), properties only that kind of object has. The type is
// `microsoft.graph/<entity>` and the Graph JSON is kept unchanged as `properties` (ARCHITECTURE.md).
import type { ValueObject } from '../../core/types.js';
import { knownType } from './known-types.js';

/** Graph collection paths (last segments of an `@odata.context`) and the entity type of their members. */
const COLLECTIONS: readonly [string, string][] = [
  ['conditionalaccess/policies', 'conditionalAccessPolicy'],
  ['conditionalaccess/namedlocations', 'namedLocation'],
  ['rolemanagement/directory/roleassignments', 'unifiedRoleAssignment'],
  ['rolemanagement/directory/roledefinitions', 'unifiedRoleDefinition'],
  ['rolemanagement/directory/roleeligibilityschedules', 'unifiedRoleEligibilitySchedule'],
  ['rolemanagement/directory/roleassignmentschedules', 'unifiedRoleAssignmentSchedule'],
  ['policies/authorizationpolicy', 'authorizationPolicy'],
  ['policies/identitysecuritydefaultsenforcementpolicy', 'identitySecurityDefaultsEnforcementPolicy'],
  ['applications', 'application'],
  ['serviceprincipals', 'servicePrincipal'],
  ['users', 'user'],
  ['groups', 'group'],
  ['devices', 'device'],
  ['directoryroles', 'directoryRole'],
  ['oauth2permissiongrants', 'oAuth2PermissionGrant'],
  ['approleassignments', 'appRoleAssignment'],
  ['approleassignedto', 'appRoleAssignment'],
  ['members', 'directoryObject'],
  ['owners', 'directoryObject'],
];

/** True for an OData context URL of Microsoft Graph (`https://graph.microsoft.com/v1.0/$metadata#users`). */
export function isGraphContext(context: string): boolean {
  return /graph\.microsoft\.com|^\$metadata#/i.test(context);
}

/** The entity kind of the members of the collection an `@odata.context` names, if recognisable. */
export function graphKindFromContext(context: string): string | undefined {
  const hash = context.indexOf('#');
  if (hash < 0) return undefined;
  let path = context.slice(hash + 1);
  // `#applications(id,appId)/$entity`, `#roleManagement/directory/roleAssignments(principal())`: drop the
  // projections (balanced parentheses) and the `$entity`/`$delta` suffixes.
  let depth = 0;
  let plain = '';
  for (const ch of path) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0) plain += ch;
  }
  path = plain
    .split('/')
    .filter((segment) => segment && !segment.startsWith('$'))
    .join('/');
  const lower = path.toLowerCase();
  if (lower.startsWith('microsoft.graph.')) return path.slice('microsoft.graph.'.length);
  for (const [suffix, kind] of COLLECTIONS) {
    if (lower === suffix || lower.endsWith(`/${suffix}`)) return kind;
  }
  const last = path.split('/').pop();
  // An unlisted collection: its members are named by the singular (`namedLocations` -> `namedLocation`).
  return last ? last.replace(/s$/, '') : undefined;
}

/** Properties only one kind of Graph object has, for objects saved without any OData annotation. */
const SIGNATURES: readonly [string, readonly string[]][] = [
  ['servicePrincipal', ['servicePrincipalNames']],
  ['servicePrincipal', ['servicePrincipalType']],
  ['servicePrincipal', ['appOwnerOrganizationId']],
  ['oAuth2PermissionGrant', ['consentType', 'clientId']],
  ['appRoleAssignment', ['appRoleId', 'principalId', 'resourceId']],
  ['conditionalAccessPolicy', ['conditions', 'grantControls']],
  ['unifiedRoleAssignment', ['roleDefinitionId', 'directoryScopeId']],
  ['user', ['userPrincipalName']],
  ['application', ['appId', 'signInAudience']],
  ['application', ['appId', 'requiredResourceAccess']],
  ['group', ['securityEnabled', 'mailEnabled']],
];

/**
 * The `microsoft.graph/<entity>` type of a record without an ARM id, or undefined when it is not recognisably a
 * Graph object.
 */
export function graphTypeOf(record: ValueObject, context: { graph?: boolean; graphKind?: string }): string | undefined {
  const odataType = record['@odata.type'];
  if (typeof odataType === 'string' && /^#?microsoft\.graph\./i.test(odataType)) {
    return graphType(odataType.replace(/^#?microsoft\.graph\./i, ''));
  }
  if (context.graphKind) return graphType(context.graphKind);
  for (const [kind, keys] of SIGNATURES) {
    if (keys.every((key) => Object.hasOwn(record, key))) return graphType(kind);
  }
  return context.graph ? graphType('directoryObject') : undefined;
}

function graphType(kind: string): string {
  const type = `microsoft.graph/${kind}`;
  return knownType(type) ?? `microsoft.graph/${kind.charAt(0).toLowerCase()}${kind.slice(1)}`;
}

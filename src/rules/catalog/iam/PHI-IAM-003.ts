import type { Inventory } from '../../../core/inventory.js';
import { getKey, isObject, sameText } from '../../../core/path.js';
import { type Outcome, type Resource, Unresolved, type Value } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, pass, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import { plain, ROLE_ASSIGNMENT, ROLE_DEFINITION, roleGuid } from './rbac.js';
import { AUTHORIZATION_SWAGGER, CONTROLS_C2, RBAC_DOCS } from './refs.js';

/** Operations that let a principal raise its own access (grant roles, rewrite roles, elevate to root). */
const ESCALATION = [
  'Microsoft.Authorization/roleAssignments/write',
  'Microsoft.Authorization/roleDefinitions/write',
  'Microsoft.Authorization/elevateAccess/action',
];
/** Wildcards over every provider: broad whatever notActions remove from them. */
const GLOBAL_WILDCARDS = ['*', '*/write'];

/** Azure RBAC action patterns: `*` matches any characters, comparison is case-insensitive. */
function pattern(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

function covers(glob: string, operation: string): boolean {
  return pattern(glob).test(operation);
}

function assignmentsOfRole(definition: Resource, inventory: Inventory): Resource[] {
  const guid = roleGuid(definition.id) ?? definition.name.toLowerCase();
  return inventory.byType(ROLE_ASSIGNMENT).filter((assignment) => {
    const id = isObject(assignment.properties) ? getKey(assignment.properties, 'roleDefinitionId') : undefined;
    return typeof id === 'string' && roleGuid(id) === guid;
  });
}

export default defineRule({
  id: 'PHI-IAM-003',
  title: 'Custom RBAC role grants wildcard or privilege-escalation actions',
  severity: 'high',
  pattern: 3,
  hipaa: [
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(3)(ii)(B)', type: 'A' },
    { cite: '164.312(a)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [ROLE_DEFINITION],
  // Assignments of the role are counted as evidence.
  related: { types: [ROLE_ASSIGNMENT] },
  policies: [
    {
      id: 'a451c1ef-c6ca-483d-87ed-f49761e3ffb5',
      name: 'Audit usage of custom RBAC roles',
      relation: 'related (flags every custom role)',
    },
  ],
  remediation: {
    az: 'az role definition update --role-definition @role-narrowed.json',
    arm: '{"properties": {"permissions": [{"actions": ["<explicit actions>"], "notActions": ["Microsoft.Authorization/*/Write", "Microsoft.Authorization/*/Delete"]}]}}',
    bicep:
      "resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {\n  name: roleGuid\n  properties: {\n    roleName: 'EHR operator'\n    permissions: [\n      {\n        actions: [\n          'Microsoft.Web/sites/restart/action'   // explicit actions, no '*'\n        ]\n        notActions: [\n          'Microsoft.Authorization/*/Write'\n          'Microsoft.Authorization/*/Delete'\n        ]\n      }\n    ]\n    assignableScopes: [ resourceGroup().id ]\n  }\n}",
    terraform: 'permissions { actions = ["<explicit actions>"] not_actions = ["Microsoft.Authorization/*/Write"] }',
    note: 'Narrowing a role affects every assignment of it immediately; prefer a built-in role where one fits.',
  },
  docs: {
    evaluation:
      'Each actions entry of properties.permissions[] of a custom role is matched as an Azure RBAC pattern (`*` = any characters, case-insensitive). It fails when it is "*" or "*/write" (a wildcard over every provider; only a notActions entry covering the whole wildcard removes it), or when it covers Microsoft.Authorization/roleAssignments/write, roleDefinitions/write or elevateAccess/action and notActions do not remove each covered operation. This includes the exact entries of rules.yaml ("Microsoft.Authorization/*", "Microsoft.Authorization/*/write", the three operations themselves) and broader ones such as "Microsoft.Authorization/roleAssignments/*" (a deliberate superset). Provider wildcards that are not authorization writes ("Microsoft.Support/*") and read wildcards ("Microsoft.Authorization/*/read", "*/read") pass. dataActions are not evaluated. Built-in roles (type/roleType BuiltInRole) are not applicable.',
    absent: 'No permissions or no actions -> pass. assignableScopes do not change the verdict; they are reported.',
    unresolvable:
      'An unresolved permissions, actions or notActions value, or an actions element that stays an expression after resolution, -> unknown.',
    crossResource: 'Assignments of the role found in the scan are counted in the message.',
    references: [
      CONTROLS_C2,
      `${AUTHORIZATION_SWAGGER} RoleDefinitionProperties (permissions[].actions, notActions, assignableScopes)`,
      `${RBAC_DOCS} (Owner actions ["*"]; Contributor notActions Microsoft.Authorization/*/Write, */Delete, elevateAccess/Action)`,
      'payloads/rbac/custom-role-list-rest_azure-docs.json (Billing Reader Plus: Microsoft.Authorization/*/read -> pass); owner-builtin_azure-docs-privileged.json and reader-builtin-rest-get_azure-docs.json (built-in -> not applicable)',
      'KICS arm/role_definitions_allow_custom_subscription_role_creation',
    ],
  },
  fix: (definition, { path, actual }) => [
    manual(
      `Custom role ${definition.name} grants ${JSON.stringify(actual ?? null)} at ${path}: replace it with the explicit, provider-scoped actions its holders need, or add notActions for Microsoft.Authorization/*/Write and */Delete, or use a built-in role. Narrowing a role changes every assignment of it at once, so the role owner decides which actions stay.`,
    ),
  ],
  check(definition, context) {
    const { read, inventory } = context;
    for (const path of ['properties.type', 'properties.roleType']) {
      const type = read(definition, path);
      if (type.state !== 'unknown' && sameText(type.value, 'BuiltInRole')) {
        return notApplicable('built-in role (not a custom role definition)');
      }
    }
    const permissions = read(definition, 'properties.permissions');
    if (permissions.state === 'unknown') return unknown(permissions);
    const blocks = Array.isArray(permissions.value) ? permissions.value : [];
    const scopes = read(definition, 'properties.assignableScopes');
    const scopeText =
      scopes.state !== 'unknown' && Array.isArray(scopes.value)
        ? ` (assignable at ${scopes.value.map((s) => plain(s)).join(', ')})`
        : '';
    const assigned = assignmentsOfRole(definition, inventory).length;
    const usage = assigned > 0 ? ` It has ${assigned} assignment${assigned > 1 ? 's' : ''} in this scan.` : '';
    const outcomes: Outcome[] = [];
    blocks.forEach((_, b) => {
      const actions = read(definition, `properties.permissions.${b}.actions`);
      const notActions = read(definition, `properties.permissions.${b}.notActions`);
      if (actions.state === 'unknown') {
        outcomes.push(unknown(actions));
        return;
      }
      if (notActions.state === 'unknown') {
        outcomes.push(unknown(notActions));
        return;
      }
      const removed = strings(notActions.value);
      if (removed instanceof Unresolved) {
        outcomes.push(
          unknown({ path: notActions.path, expression: removed.expression, at: removed.at ?? notActions.at }),
        );
        return;
      }
      const list: Value[] = Array.isArray(actions.value) ? actions.value : [];
      list.forEach((action, a) => {
        const path = `${actions.path}.${a}`;
        const entry = read(definition, path);
        if (entry.state === 'unknown' || action instanceof Unresolved) {
          outcomes.push(unknown(entry.state === 'unknown' ? entry : { path, expression: plain(action), at: entry.at }));
          return;
        }
        if (typeof action !== 'string') return;
        const wildcard = GLOBAL_WILDCARDS.find((w) => w === action.trim().toLowerCase());
        const escalations = ESCALATION.filter(
          (operation) => covers(action, operation) && !removed.some((not) => covers(not, operation)),
        );
        if (wildcard && !removed.some((not) => covers(not, action))) {
          outcomes.push(
            failAt(path, {
              actual: action,
              expected: 'explicit, provider-scoped actions',
              at: entry.at,
              message: `Custom role "${roleLabel(definition)}" grants "${action}": every ${wildcard === '*' ? 'action' : 'write'} on every resource provider${escalations.length ? `, including ${escalations.join(', ')}` : ''}${scopeText}.${usage}`,
            }),
          );
        } else if (escalations.length > 0) {
          outcomes.push(
            failAt(path, {
              actual: action,
              expected: 'no Microsoft.Authorization write/elevate actions (or remove them with notActions)',
              at: entry.at,
              message: `Custom role "${roleLabel(definition)}" grants "${action}", which allows privilege escalation (${escalations.join(', ')})${scopeText}.${usage}`,
            }),
          );
        }
      });
    });
    return outcomes.length > 0 ? outcomes : pass(permissions.path);
  },
});

function roleLabel(definition: Resource): string {
  const name = isObject(definition.properties) ? getKey(definition.properties, 'roleName') : undefined;
  return typeof name === 'string' ? name : definition.name;
}

/** notActions as strings; an unresolved element blocks the decision. */
function strings(value: Value | undefined): string[] | Unresolved {
  if (value instanceof Unresolved) return value;
  const list: string[] = [];
  for (const item of Array.isArray(value) ? value : []) {
    if (item instanceof Unresolved) return item;
    if (typeof item === 'string') list.push(item);
  }
  return list;
}

import { defineRule, failAt, pass, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import {
  assignedRole,
  assignmentScope,
  BROAD_SCOPES,
  describeScope,
  PRINCIPAL_TYPES,
  plain,
  principalOf,
  ROLE_ASSIGNMENT,
  readText,
  roleGuids,
  roleName,
  scopeKind,
} from './rbac.js';
import { AUTHORIZATION_SWAGGER, CONTROLS_C2, RBAC_DOCS } from './refs.js';

/** What each built-in privileged role lets its holder do (RBAC built-in roles pages). */
const POWER: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635':
    'it can change every resource below, PHI stores included, and grant anyone access to them',
  'b24988ac-6180-42a0-ab88-20f7382dd24c':
    'it can change or delete every resource below, PHI stores included, and read their keys',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'it can grant any role, Owner included, on every resource below',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'it can grant roles on every resource below',
};

export default defineRule({
  id: 'PHI-IAM-002',
  title: 'Service principal holds a privileged Azure role at subscription or management-group scope',
  severity: 'high',
  pattern: 3,
  hipaa: [
    { cite: '164.308(a)(3)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(4)(ii)(C)', type: 'A' },
    { cite: '164.312(a)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [ROLE_ASSIGNMENT],
  // Principals are resolved through the Graph objects; custom role names through their definitions.
  related: { types: PRINCIPAL_TYPES },
  policies: [
    {
      id: '339353f6-2387-4a45-abe4-7f529d121046',
      name: 'Guest accounts with owner permissions on Azure resources should be removed',
      relation: 'related (guests only)',
    },
    {
      id: '4f11b553-d42e-4e3a-89be-32ca364cad4c',
      name: 'A maximum of 3 owners should be designated for your subscription',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az role assignment create --assignee-object-id "$SP_OBJECT_ID" --assignee-principal-type ServicePrincipal \\\n  --role "<narrow role>" --scope "$RESOURCE_GROUP_OR_RESOURCE_ID"\naz role assignment delete --ids "$ASSIGNMENT_ID"',
    arm: '{"properties": {"roleDefinitionId": "/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<narrow role guid>", "principalId": "<spObjectId>", "principalType": "ServicePrincipal"}, "scope": "/subscriptions/<sub>/resourceGroups/<rg>"}',
    bicep:
      "// deploy at resource-group scope (targetScope = 'resourceGroup'), not at the subscription\nresource narrow 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(resourceGroup().id, principalId, roleDefinitionGuid)\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionGuid) // a narrow built-in role\n    principalId: principalId\n    principalType: 'ServicePrincipal'\n  }\n}",
    terraform: 'scope = azurerm_resource_group.app.id\nrole_definition_name = "<narrow built-in role>"',
    note: 'Create the narrower assignment before deleting the broad one (deployment pipelines break otherwise). Deleting Owner from a pipeline identity may stop IaC applies; document the change in the CAP. Accepted exceptions are recorded in iam.exceptions; the rule itself does not read them (they are waivers, with expiry).',
  },
  docs: {
    evaluation:
      'A role assignment fails when its role is in iam.privileged_roles (default Owner 8e3af657-a8ff-443c-a75c-2fe8c4bcb635, Contributor b24988ac-6180-42a0-ab88-20f7382dd24c, User Access Administrator 18d7d88d-d35e-4fb5-a5c3-7773c20a72d9, Role Based Access Control Administrator f58310d9-a9f6-439a-9e8d-f62e7b41a168; names resolve to GUIDs through the built-in table and custom role definitions in the scan, GUIDs are accepted as they are), its scope is "/", a management group or a subscription, and its principal is a service principal (including managed identities) or a guest user. roleDefinitionId is compared on its trailing GUID ("/subscriptions/{s}/providers/..." and "/providers/..." forms). An ABAC condition does not exempt the assignment. Resource-group or resource scope, a non-privileged role, a member user or a group pass.',
    absent:
      'principalType is optional in templates: a principalId that references a managed identity or service principal (userAssignedIdentities, .identity.principalId, azuread_service_principal.*.object_id, azurerm_user_assigned_identity.*.principal_id) counts as a service principal; in snapshots the principalId is looked up among the Graph objects. A user is a guest when the Graph user record in the scan has userType Guest; without it the user counts as a member.',
    unresolvable:
      'An unresolved scope or role -> unknown unless the other one already makes the assignment compliant; an unresolved principal with a privileged role at a broad scope -> unknown.',
    crossResource:
      'Scope comes from properties.scope (live), the resource the assignment extends (templates), or the assignment id. Inherited assignments are evaluated once, at their own scope. Guest detection needs the Graph user in the same scan (declared in `related`, so streamed snapshots hold users). iam.exceptions are not read by the rule (waivers with expiry belong to governance).',
    references: [
      CONTROLS_C2,
      `${AUTHORIZATION_SWAGGER} RoleAssignmentProperties (roleDefinitionId, principalId, principalType, scope, condition)`,
      `${RBAC_DOCS} (privileged role GUIDs)`,
      'payloads/role_assignments_list_for_scope_2022-04-01.json and role_assignment_get_2022-04-01-folder.json (role 0b5fe924 at subscription scope held by a User: pass)',
    ],
  },
  fix: (assignment, { actual }) => [
    manual(
      `The service principal of role assignment ${assignment.name} holds ${typeof actual === 'string' ? actual : 'a privileged role'} at subscription or management-group scope: with its owner, choose the narrowest built-in role and the resource group or resource it needs, create that assignment first, then delete this one (deployment pipelines break otherwise). Accepted exceptions go to iam.exceptions with an expiry.`,
    ),
  ],
  check(assignment, context) {
    const scope = assignmentScope(assignment, context);
    const scopeText = scope.state === 'unknown' ? undefined : typeof scope.value === 'string' ? scope.value : undefined;
    const kind = scopeText !== undefined ? scopeKind(scopeText) : undefined;
    if (kind && !BROAD_SCOPES.has(kind)) return pass(scope.path, scopeText);
    const role = assignedRole(assignment, context);
    const privileged = roleGuids(context.config.iam.privilegedRoles, context.inventory);
    if (role.guid && !privileged.has(role.guid)) return pass(role.read.path, readText(role.read));
    if (scope.state === 'unknown') return unknown(scope);
    if (!kind || !scopeText) {
      return unknown(
        { path: scope.path, expression: plain(scope.value), at: scope.at },
        'the assignment scope is not a string',
      );
    }
    if (!role.guid) {
      if (role.read.state === 'unknown') return unknown(role.read);
      return unknown(
        { path: role.read.path, expression: plain(role.read.value), at: role.read.at },
        `roleDefinitionId ${plain(role.read.value)} names no role GUID`,
      );
    }
    const name = roleName(role.guid, context.inventory) ?? 'a privileged role';
    const principal = principalOf(assignment, context);
    const where = describeScope(kind, scopeText);
    if (principal.kind === 'unknown') {
      return unknown(
        { path: `properties.${principal.how}`, expression: principal.expression ?? '', at: assignment.at },
        `${name} (${role.guid}) at ${where} is held by a principal whose type cannot be determined (${principal.expression})`,
      );
    }
    if (principal.kind !== 'servicePrincipal' && principal.kind !== 'guest') {
      return {
        verdict: 'pass',
        path: 'properties.principalType',
        message: `${name} at ${where} is held by a ${principal.kind} (${principal.how})`,
      };
    }
    const holder = principal.kind === 'guest' ? 'A guest user' : 'A service principal';
    const condition = context.read(assignment, 'properties.condition');
    const abac = condition.state === 'set' ? ' Its ABAC condition does not narrow the role.' : '';
    return failAt(role.read.path, {
      actual: `${name} (${role.guid})`,
      expected: 'a narrower role at resource-group or resource scope',
      at: role.read.at,
      message: `${holder} (${principal.how}) holds ${name} at ${where}: ${POWER[role.guid] ?? 'a privileged role over every resource below, including PHI stores'}.${abac}`,
    });
  },
});

import type { Inventory } from '../../../core/inventory.js';
import { defineRule, failAt, pass, type RuleContext, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import {
  assignedRole,
  assignmentScope,
  BROAD_SCOPES,
  BUILT_IN_ROLES,
  describeScope,
  PRINCIPAL_TYPES,
  plain,
  principalOf,
  ROLE_ASSIGNMENT,
  readText,
  roleName,
  type ScopeKind,
  scopeKind,
} from './rbac.js';
import { AUTHORIZATION_SWAGGER, CONTROLS_C2, RBAC_DOCS } from './refs.js';

/** Data-plane roles over PHI stores (rules.yaml PHI-IAM-004); "FHIR Data *" roles are also matched by name. */
const DATA_PLANE = new Set([
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  '4633458b-17de-408a-b874-0445c86b69e6',
  ...Object.entries(BUILT_IN_ROLES)
    .filter(([, name]) => /^FHIR /.test(name))
    .map(([guid]) => guid),
]);

function isDataPlane(guid: string, inventory: Inventory): boolean {
  if (DATA_PLANE.has(guid)) return true;
  return /^FHIR Data /i.test(roleName(guid, inventory) ?? '');
}

const phiSubscriptions = new WeakMap<Inventory, { size: number; subscriptions: Set<string>; any: boolean }>();

/** Subscriptions (lower-cased ids) holding a PHI resource in this scan. */
function phiContent(context: RuleContext): { subscriptions: Set<string>; any: boolean } {
  const { inventory } = context;
  const hit = phiSubscriptions.get(inventory);
  if (hit && hit.size === inventory.size) return hit;
  const subscriptions = new Set<string>();
  let any = false;
  for (const resource of inventory.resources) {
    if (resource.type.toLowerCase() === ROLE_ASSIGNMENT.toLowerCase() || resource.type.startsWith('microsoft.graph/')) {
      continue;
    }
    if (!context.isPhi(resource)) continue;
    any = true;
    const sub = /^\/subscriptions\/[^/]+/i.exec(resource.id)?.[0];
    if (sub) subscriptions.add(sub.toLowerCase());
  }
  const entry = { size: inventory.size, subscriptions, any };
  phiSubscriptions.set(inventory, entry);
  return entry;
}

/** Whether a broad scope contains PHI: everything does in emergency mode; otherwise a PHI resource below it. */
function holdsPhi(kind: ScopeKind, scope: string, context: RuleContext): boolean {
  if (context.config.classification.default === 'phi') return true;
  const content = phiContent(context);
  // Management groups cannot be mapped to their subscriptions offline: any PHI resource in the scan counts.
  if (kind !== 'subscription') return content.any;
  return content.subscriptions.has(scope.replace(/\/+$/, '').toLowerCase());
}

export default defineRule({
  id: 'PHI-IAM-004',
  title: 'PHI data-plane role assigned at subscription or management-group scope or to a guest',
  severity: 'medium',
  pattern: 3,
  hipaa: [
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(3)(ii)(A)', type: 'A' },
  ],
  phiScoped: true,
  types: [ROLE_ASSIGNMENT],
  // Principals and custom role names as PHI-IAM-002; whether a subscription holds PHI.
  related: { types: PRINCIPAL_TYPES, phiCensus: true },
  policies: [],
  remediation: {
    az: 'az role assignment create --assignee-object-id "$PRINCIPAL" --role "Storage Blob Data Reader" --scope "$SA_ID/blobServices/default/containers/$C"\naz role assignment delete --ids "$BROAD_ASSIGNMENT_ID"',
    arm: '{"properties": {"roleDefinitionId": "<role>", "principalId": "<principal>"}, "scope": "<storage account or container id>"}',
    bicep:
      "resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {\n  name: guid(container.id, principalId, storageBlobDataReader)\n  scope: container // the PHI container, account or FHIR service, not the subscription\n  properties: {\n    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataReader)\n    principalId: principalId\n  }\n}",
    terraform:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Terraform interpolation, not a JavaScript template
      'scope = "${azurerm_storage_account.phi.id}/blobServices/default/containers/${azurerm_storage_container.c.name}"',
    note: 'Data-plane role changes can take up to ~10 minutes to propagate.',
  },
  docs: {
    evaluation:
      'Role assignments of PHI data-plane roles: Storage Blob Data Owner/Contributor/Reader, Key Vault Administrator, Crypto Officer, Secrets Officer, Secrets User, and the FHIR roles (FHIR Data Contributor, Converter, Exporter, Importer, Reader, Writer, SMART User by GUID; any other role named "FHIR Data *" by its definition in the scan). Such an assignment fails when its scope is "/", a management group, or a subscription that holds PHI resources, or when its principal is a guest user (Graph user with userType Guest). A PHI resource-group, resource or container scope held by a member principal passes. Other roles pass.',
    absent:
      'principalType as PHI-IAM-002: resolved from the principalId reference (templates) or the Graph objects in the scan (snapshots); a user without a Graph record counts as a member.',
    unresolvable: 'An unresolved role, scope or principal that decides the verdict -> unknown.',
    crossResource:
      'A subscription holds PHI when a resource in it is classified PHI (in emergency mode, classification.default phi, every subscription does); a management group or "/" when any resource in the scan is PHI, since management-group membership is not in the scan. The rule is PHI-scoped: an assignment reaches it when it or the resource it extends is PHI. Deviation: the FHIR role GUIDs beyond FHIR Data Contributor (UNVERIFIED in rules.yaml) were read in the built-in roles page and are matched by GUID as well as by name.',
    references: [
      CONTROLS_C2,
      `${AUTHORIZATION_SWAGGER} RoleAssignmentProperties`,
      `${RBAC_DOCS} (Storage Blob Data *, Key Vault *, FHIR roles)`,
    ],
  },
  fix: (assignment, { path }) => [
    manual(
      path === 'properties.principalId'
        ? `Role assignment ${assignment.name} gives a guest user data-plane access to PHI: confirm with the data owner whether the external identity still needs it (a business associate agreement applies), then delete the assignment or replace it with a member identity.`
        : `Role assignment ${assignment.name} grants a PHI data-plane role at subscription or management-group scope: create the same role at the PHI resource group, storage account or container the principal needs, then delete this assignment. Data-plane role changes take up to ~10 minutes to propagate; the data owner decides the narrower scope.`,
    ),
  ],
  check(assignment, context) {
    const role = assignedRole(assignment, context);
    if (role.guid && !isDataPlane(role.guid, context.inventory)) return pass(role.read.path, readText(role.read));
    const scope = assignmentScope(assignment, context);
    if (scope.state === 'unknown') return unknown(scope);
    if (typeof scope.value !== 'string') {
      return unknown(
        { path: scope.path, expression: plain(scope.value), at: scope.at },
        'the assignment scope is not a string',
      );
    }
    const kind = scopeKind(scope.value);
    const principal = principalOf(assignment, context);
    if (!role.guid) {
      if (!BROAD_SCOPES.has(kind) && principal.kind !== 'guest' && principal.kind !== 'unknown') {
        return pass(scope.path, scope.value);
      }
      if (role.read.state === 'unknown') return unknown(role.read);
      return unknown(
        { path: role.read.path, expression: plain(role.read.value), at: role.read.at },
        `roleDefinitionId ${plain(role.read.value)} names no role GUID`,
      );
    }
    const name = roleName(role.guid, context.inventory) ?? role.guid;
    const where = describeScope(kind, scope.value);
    if (BROAD_SCOPES.has(kind) && holdsPhi(kind, scope.value, context)) {
      return failAt(scope.path, {
        actual: scope.value,
        expected: 'the PHI resource group, resource or container',
        at: scope.at,
        message: `${name} is assigned at ${where}, which holds PHI: the principal can read or change PHI in every store below it, present and future`,
      });
    }
    if (principal.kind === 'guest') {
      return failAt('properties.principalId', {
        actual: readText(context.read(assignment, 'properties.principalId')),
        expected: 'a member principal of this tenant',
        at: assignment.at,
        message: `${name} at ${where} is held by a guest user (${principal.how}): an external identity has data-plane access to PHI`,
      });
    }
    if (principal.kind === 'unknown') {
      return unknown(
        { path: `properties.${principal.how}`, expression: principal.expression ?? '', at: assignment.at },
        `${name} at ${where}: whether its principal is a guest user cannot be determined (${principal.expression})`,
      );
    }
    return {
      verdict: 'pass',
      path: scope.path,
      actual: scope.value,
      message: `${name} at ${where} held by a ${principal.kind}`,
    };
  },
});

import { containsUnresolved, getKey, isObject, sameText } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource } from '../../../core/types.js';
import { defineRule, failAt, pass, type RuleContext, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import {
  APP_ROLE_ASSIGNMENT,
  APPLICATION,
  type Assignment,
  advisoryName,
  assignmentsOf,
  describeApp,
  field,
  GRAPH_APP_ID,
  GRAPH_PERMISSIONS,
  graphServicePrincipal,
  highRiskSet,
  PERMISSION_GRANT,
  permissionName,
  SERVICE_PRINCIPAL,
  str,
} from './graph.js';
import { CONTROLS_C1, ENTRA_SNAPSHOT, GRAPH_DOCS } from './refs.js';

const EXPECTED = 'no high-risk Microsoft Graph permission (grant a least-privileged one, e.g. Sites.Selected)';
const KNOWN_GRAPH_IDS = new Set(
  GRAPH_PERMISSIONS.flatMap((p) => [p.application, p.delegated]).filter((id): id is string => id !== undefined),
);

function label(id: string, context: RuleContext): string {
  const name = permissionName(id, context.inventory);
  return name ? `${name} (${id})` : id;
}

/** Application permissions granted to a service principal through app role assignments on Microsoft Graph. */
function checkServicePrincipal(sp: Resource, context: RuleContext): Outcome[] {
  const { inventory, config } = context;
  if (sameText(field(sp, 'appId'), GRAPH_APP_ID)) return [pass('properties.appId', GRAPH_APP_ID)];
  const graphSp = graphServicePrincipal(inventory);
  const high = highRiskSet(config, inventory);
  const who = `Service principal ${describeApp(str(field(sp, 'displayName')) ?? sp.name, str(field(sp, 'appId')), config)}`;
  // With the Graph SP in the scan the resource is compared by object id; without it, by the permission GUID (app role
  // ids are GUIDs Microsoft Graph publishes, so another API cannot be mistaken for it in practice).
  const onGraph = (a: Assignment): boolean | undefined => {
    if (graphSp) return a.resourceId !== undefined && a.resourceId.toLowerCase() === graphSp.id.toLowerCase();
    const id = a.appRoleId?.toLowerCase();
    if (id && (KNOWN_GRAPH_IDS.has(id) || high.ids.has(id))) return true;
    return sameText(a.resourceDisplayName, 'Microsoft Graph') ? true : undefined;
  };
  const outcomes: Outcome[] = [];
  const advisories: string[] = [];
  for (const assignment of assignmentsOf(sp, inventory)) {
    const id = assignment.appRoleId?.toLowerCase();
    if (!id) continue;
    const graph = onGraph(assignment);
    if (graph === false) continue;
    const where = assignment.path
      ? { path: `${assignment.path}.appRoleId`, at: sp.at }
      : { path: `appRoleAssignments[${assignment.id ?? id}].appRoleId`, at: assignment.record?.at ?? sp.at };
    if (high.ids.has(id)) {
      const matched = graphSp
        ? ''
        : ' (the Microsoft Graph service principal is not in the scan: matched by permission id)';
      outcomes.push(
        failAt(where.path, {
          actual: label(id, context),
          expected: EXPECTED,
          at: where.at,
          message: `${who} is granted the Microsoft Graph application permission ${label(id, context)}: it acts without a signed-in user, across the whole tenant${assignment.id ? ` (app role assignment ${assignment.id})` : ''}${matched}`,
        }),
      );
      continue;
    }
    const advisory = advisoryName(id);
    if (advisory) advisories.push(advisory);
    if (high.unresolvedNames.length > 0 && graph !== undefined && !permissionName(id, inventory)) {
      outcomes.push(
        unknown(
          { path: where.path, expression: id, at: where.at },
          `${who} holds Graph app role ${id}, which cannot be compared with the configured high-risk permissions ${high.unresolvedNames.join(', ')} (names without a known id; add the Microsoft Graph service principal with its appRoles to the snapshot, or configure GUIDs)`,
        ),
      );
    }
  }
  if (outcomes.length > 0) return outcomes;
  return [
    {
      verdict: 'pass',
      path: 'properties.appRoleAssignments',
      message: advisories.length
        ? `${who} holds no high-risk Microsoft Graph application permission; advisory: ${[...new Set(advisories)].join(', ')}`
        : `${who} holds no high-risk Microsoft Graph application permission`,
    },
  ];
}

/** Tenant-wide (admin-consented for all users) delegated grants of high-risk scopes on Microsoft Graph. */
function checkGrant(grant: Resource, context: RuleContext): Outcome {
  const { read, inventory, config } = context;
  const consent = read(grant, 'properties.consentType');
  if (consent.state === 'unknown') return unknown(consent);
  if (!sameText(consent.value, 'AllPrincipals')) {
    return pass(consent.path, consent.value);
  }
  const graphSp = graphServicePrincipal(inventory);
  const resourceId = str(field(grant, 'resourceId'));
  if (graphSp && !sameText(resourceId, graphSp.id)) return pass('properties.resourceId', resourceId ?? null);
  const scope = read(grant, 'properties.scope');
  if (scope.state === 'unknown') return unknown(scope);
  const scopes = typeof scope.value === 'string' ? scope.value.split(/\s+/).filter(Boolean) : [];
  const high = highRiskSet(config, inventory);
  const risky = scopes.filter((name) => high.names.has(name.toLowerCase()));
  const clientId = str(field(grant, 'clientId'));
  const client = clientId ? inventory.byId(clientId) : undefined;
  const who = client
    ? `service principal ${describeApp(str(field(client, 'displayName')) ?? client.name, str(field(client, 'appId')), config)}`
    : `client service principal ${clientId ?? '(no clientId)'}`;
  if (risky.length === 0) {
    const advisory = scopes.map((name) => advisoryName(name)).filter((name): name is string => name !== undefined);
    return {
      verdict: 'pass',
      path: scope.path,
      actual: scope.value ?? null,
      message: `Tenant-wide delegated grant to ${who} has no high-risk Microsoft Graph scope${advisory.length ? `; advisory: ${advisory.join(', ')}` : ''}`,
    };
  }
  const matched = graphSp
    ? ''
    : ` (resource ${resourceId ?? 'unknown'}; the Microsoft Graph service principal is not in the scan: matched by permission name)`;
  return failAt(scope.path, {
    actual: scope.value ?? null,
    expected: EXPECTED,
    at: scope.at,
    message: `Administrator consent for all users (consentType AllPrincipals) grants ${who} the high-risk Microsoft Graph delegated permission${risky.length > 1 ? 's' : ''} ${risky.join(', ')}: every user's sign-in to the app carries them${matched}`,
  });
}

/**
 * Requested permissions are evidence, not grants. Templates (Terraform azuread) have no service principal state:
 * a requested high-risk application permission fails when an app role assignment of it is declared, and needs
 * review when none is (consent may be granted out of band).
 */
function checkApplication(app: Resource, context: RuleContext): Outcome {
  const { read, inventory, config } = context;
  const requested = read(app, 'properties.requiredResourceAccess');
  if (requested.state === 'unknown') return unknown(requested);
  const blocked = containsUnresolved(requested.value);
  if (blocked) return unknown({ path: requested.path, expression: blocked.expression, at: blocked.at ?? requested.at });
  const high = highRiskSet(config, inventory);
  const roles: string[] = [];
  const scopes: string[] = [];
  for (const resource of Array.isArray(requested.value) ? requested.value : []) {
    if (!isObject(resource) || !sameText(getKey(resource, 'resourceAppId'), GRAPH_APP_ID)) continue;
    const access = getKey(resource, 'resourceAccess');
    for (const entry of Array.isArray(access) ? access : []) {
      if (!isObject(entry)) continue;
      const id = str(getKey(entry, 'id'))?.toLowerCase();
      if (!id || !high.ids.has(id)) continue;
      (sameText(getKey(entry, 'type'), 'Role') ? roles : scopes).push(id);
    }
  }
  const appId = str(field(app, 'appId'));
  const who = `Application ${describeApp(str(field(app, 'displayName')) ?? app.name, appId, config)}`;
  if (roles.length === 0 && scopes.length === 0) {
    return {
      verdict: 'pass',
      path: requested.path,
      message: `${who} requests no high-risk Microsoft Graph permission`,
    };
  }
  const listed = [
    ...roles.map((id) => `${label(id, context)} (application)`),
    ...scopes.map((id) => `${label(id, context)} (delegated)`),
  ];
  if (LIVE_ORIGINS.has(app.origin) || roles.length === 0) {
    return {
      verdict: 'pass',
      path: requested.path,
      message: `${who} requests ${listed.join(', ')}; advisory only: a request is not a grant, granted permissions are evaluated on the app's service principal and delegated grants`,
    };
  }
  const declared = inventory
    .byType(APP_ROLE_ASSIGNMENT)
    .filter((assignment) => roles.includes(str(field(assignment, 'appRoleId'))?.toLowerCase() ?? ''));
  if (declared.length > 0) {
    const granted = [...new Set(declared.map((a) => str(field(a, 'appRoleId'))?.toLowerCase() ?? ''))];
    return failAt(requested.path, {
      actual: granted.map((id) => label(id, context)).join(', '),
      expected: EXPECTED,
      at: declared[0].at ?? requested.at,
      message: `${who} requests and is granted (app role assignment ${declared.map((a) => a.address).join(', ')}) the high-risk Microsoft Graph application permission${granted.length > 1 ? 's' : ''} ${granted.map((id) => label(id, context)).join(', ')}`,
    });
  }
  return unknown(
    { path: requested.path, expression: roles.map((id) => label(id, context)).join(', '), at: requested.at },
    `${who} requests the high-risk Microsoft Graph application permission${roles.length > 1 ? 's' : ''} ${roles.map((id) => label(id, context)).join(', ')}; no app role assignment of it is declared, so whether administrator consent was granted (out of band) cannot be seen`,
  );
}

export default defineRule({
  id: 'PHI-IAM-001',
  title: 'Application granted high-risk Microsoft Graph permissions',
  severity: 'high',
  pattern: 3,
  hipaa: [
    { cite: '164.308(a)(3)(ii)(A)', type: 'A' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(4)(ii)(C)', type: 'A' },
    { cite: '164.312(a)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [SERVICE_PRINCIPAL, APPLICATION, PERMISSION_GRANT],
  // Separate assignment records, the Microsoft Graph service principal and grant clients are looked up by id.
  related: { types: [APP_ROLE_ASSIGNMENT, SERVICE_PRINCIPAL] },
  policies: [],
  remediation: {
    az: 'az rest --method delete --url "https://graph.microsoft.com/v1.0/servicePrincipals/$SP_OBJECT_ID/appRoleAssignments/$ASSIGNMENT_ID"\naz ad app permission delete --id "$APP_ID" --api 00000003-0000-0000-c000-000000000000 --api-permissions "$PERMISSION_GUID"',
    arm: '{"note": "Entra objects are not ARM resources; use Graph: DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}, DELETE /oauth2PermissionGrants/{id} or PATCH it with a reduced scope"}',
    terraform: '# remove the resource_access { id = "<guid>" type = "Role" } entry and the azuread_app_role_assignment',
    note: 'Revoking the grant takes effect at the next token issuance (existing app-only tokens live up to ~1 h). Grant the least-privileged replacement (e.g. User.Read.All or Sites.Selected) first. Azure Policy cannot evaluate Entra objects. Accepted exceptions are recorded in iam.exceptions; the rule itself does not read them (they are waivers, with expiry).',
  },
  docs: {
    evaluation:
      "Service principals: the app role assignments granted to them (inline `appRoleAssignments` of `GET /servicePrincipals?$expand=appRoleAssignments`, or separate records of `GET /servicePrincipals/{id}/appRoleAssignments`, linked by principalId) whose resourceId is the tenant's Microsoft Graph service principal (appId 00000003-0000-0000-c000-000000000000) and whose appRoleId is in iam.graph_high_risk_permissions fail, one finding per permission. OAuth2 permission grants with consentType AllPrincipals on Microsoft Graph fail when their space-separated scope holds a high-risk delegated permission; per-user grants (consentType Principal) pass. Applications: requiredResourceAccess is evidence only (a request is not a grant) and passes with an advisory in live snapshots. Default list (application / delegated ids): Directory.ReadWrite.All, Application.ReadWrite.All, RoleManagement.ReadWrite.Directory, AppRoleAssignment.ReadWrite.All, Policy.ReadWrite.ConditionalAccess, DelegatedPermissionGrant.ReadWrite.All, User.ReadWrite.All, Group.ReadWrite.All, GroupMember.ReadWrite.All, Mail.Read, Mail.ReadWrite, Mail.Send, Files.ReadWrite.All, Files.Read.All, Sites.ReadWrite.All, Sites.Read.All, Sites.FullControl.All; User.Read.All, Directory.Read.All and Application.ReadWrite.OwnedBy are advisories. Permissions are matched by GUID, so display names do not matter; a finding names the application and whether it is a PHI application (classification.phi_apps).",
    absent:
      'No app role assignments and no grants -> pass. A service principal exported without its assignments cannot be told apart from one without any (see docs/entra-snapshot.md).',
    unresolvable:
      "Templates (Terraform azuread): a requested high-risk application permission with no declared app role assignment of it -> unknown (consent may be granted out of band); with one -> fail. A configured permission name that resolves to no GUID (neither the built-in table nor the Graph service principal's appRoles in the snapshot) makes unidentified Graph app roles unknown. A snapshot collected without Application.Read.All/Directory.Read.All simply lacks these objects. iam.exceptions are not read by the rule (waivers with expiry belong to governance).",
    crossResource:
      'Separate appRoleAssignment records are linked to their principal by the snapshot adapter. Without the Microsoft Graph service principal in the snapshot, assignments are matched by the permission GUID and delegated grants by permission name, and the message says so. Streamed scans hold assignment records and service principals (`related`) and evaluate the subjects at the end.',
    references: [
      CONTROLS_C1,
      `${GRAPH_DOCS}/resources/approleassignment.md; api/serviceprincipal-list-approleassignments.md; api/oauth2permissiongrant-list.md; api/application-get.md (requiredResourceAccess)`,
      'payloads/graph/serviceprincipal-list-approleassignments.json (Mail.ReadWrite e2a3a72e -> fail), oauth2permissiongrant-list.json (AllPrincipals grants with Group.ReadWrite.All, Directory.ReadWrite.All... -> fail), application-get-requiredResourceAccess.json (requests Policy.ReadWrite.ConditionalAccess as Scope -> advisory)',
      ENTRA_SNAPSHOT,
    ],
  },
  fix: (resource, { path, actual }) => [
    manual(
      `Decide with the owner of ${resource.name} whether it needs the Microsoft Graph permission at ${path}${actual === undefined || actual === null ? '' : ` (${JSON.stringify(actual)})`}: grant the least-privileged replacement first (e.g. User.Read.All or Sites.Selected), then remove the app role assignment / delegated grant (Graph DELETE /servicePrincipals/{id}/appRoleAssignments/{id} or /oauth2PermissionGrants/{id}) and the requiredResourceAccess entry. Entra objects are not IaC resources phiguard edits, and revoking access can break the application.`,
    ),
  ],
  check(resource, context) {
    if (sameText(resource.type, SERVICE_PRINCIPAL)) return checkServicePrincipal(resource, context);
    if (sameText(resource.type, PERMISSION_GRANT)) return checkGrant(resource, context);
    return checkApplication(resource, context);
  },
});

import { getKey, isObject } from '../../../core/path.js';
import { defineRule } from '../../define.js';
import { manual } from '../fixes.js';
import { CA_RELATED, evaluatePolicy, type Requirement } from './ca.js';
import { CONDITIONAL_ACCESS_POLICY, field, hasText, str, strings } from './graph.js';
import { CONTROLS_C3, ENTRA_SNAPSHOT, GRAPH_DOCS } from './refs.js';

/** Grant controls that require MFA: "mfa" or an authentication strength, not one alternative among others. */
const requiresMfa: Requirement = (policy, { config }) => {
  const grant = field(policy, 'grantControls');
  if (!isObject(grant)) {
    return {
      ok: false,
      path: 'properties.grantControls',
      actual: grant ?? null,
      gap: 'it has no grant controls (no MFA)',
    };
  }
  const builtIn = strings(getKey(grant, 'builtInControls'));
  const strength = getKey(grant, 'authenticationStrength');
  const hasStrength = isObject(strength);
  if (!hasText(builtIn, 'mfa') && !hasStrength) {
    return {
      ok: false,
      path: 'properties.grantControls.builtInControls',
      actual: getKey(grant, 'builtInControls') ?? null,
      gap: `its grant controls ${JSON.stringify(builtIn)} do not require MFA`,
    };
  }
  const operator = str(getKey(grant, 'operator')) ?? 'AND';
  if (operator.toUpperCase() === 'OR') {
    const alternatives = [
      ...builtIn.filter(
        (control) =>
          control.toLowerCase() !== 'mfa' && !(config.iam.acceptCompliantDeviceAsMfa && control === 'compliantDevice'),
      ),
      ...strings(getKey(grant, 'customAuthenticationFactors')).map((id) => `custom factor ${id}`),
      ...strings(getKey(grant, 'termsOfUse')).map((id) => `terms of use ${id}`),
    ];
    if (alternatives.length > 0) {
      return {
        ok: false,
        path: 'properties.grantControls.operator',
        actual: operator,
        gap: `MFA is one alternative among ${alternatives.join(', ')} (operator OR): a user can satisfy the policy without MFA`,
      };
    }
  }
  return {
    ok: true,
    detail: `enabled policy "${str(field(policy, 'displayName')) ?? policy.name}" requires ${hasText(builtIn, 'mfa') ? 'mfa' : 'an authentication strength'}`,
  };
};

export default defineRule({
  id: 'PHI-IAM-005',
  title: 'No enforced Conditional Access policy requires MFA for PHI application access',
  severity: 'high',
  pattern: 3,
  hipaa: [
    { cite: '164.312(d)', type: 'R' },
    { cite: '164.312(a)(2)(i)', type: 'R' },
    { cite: '164.308(a)(5)(ii)(D)', type: 'A' },
  ],
  phiScoped: true,
  types: [CONDITIONAL_ACCESS_POLICY],
  // The verdict needs every policy of the tenant, and the PHI apps' service principals and assignments.
  related: { types: CA_RELATED },
  policies: [],
  remediation: {
    az: 'az rest --method post --url https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies --body @ca-phi-mfa.json\naz rest --method patch --url "https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/$POLICY_ID" --body \'{"state":"enabled"}\'',
    arm: '{"displayName": "PHI app - require MFA", "state": "enabledForReportingButNotEnforced", "conditions": {"clientAppTypes": ["all"], "users": {"includeUsers": ["All"], "excludeUsers": ["<break-glass-object-id>"]}, "applications": {"includeApplications": ["<phi-app-appId>"]}}, "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}}',
    terraform:
      'resource "azuread_conditional_access_policy" "phi_mfa" { state = "enabled" ... grant_controls { operator = "OR" built_in_controls = ["mfa"] } }',
    note: 'Start in report-only, check sign-in logs for impact, then enable; always exclude break-glass accounts (iam.break_glass_object_ids). Requires Entra ID P1. Writing needs Policy.ReadWrite.ConditionalAccess. The body above is the Graph JSON (Conditional Access is not an ARM resource).',
  },
  docs: {
    evaluation:
      'For each classification.phi_apps entry, across all Conditional Access policies of the tenant: the app is covered when one policy has state "enabled"; includes the app\'s appId or "All" in conditions.applications.includeApplications and does not exclude it; includes "All" users with excludeUsers/excludeGroups limited to iam.break_glass_object_ids (no excluded roles or guest types); has clientAppTypes "all" (or "browser" + "mobileAppsAndDesktopClients" with an enabled policy blocking exchangeActiveSync/other for the app); has no narrowing locations, platforms, risk levels, device filter or authentication flows; and requires "mfa" (or an authenticationStrength) with operator AND, or OR with no other alternative (compliantDevice is accepted as an alternative only with iam.accept_compliant_device_as_mfa). Report-only ("enabledForReportingButNotEnforced") and disabled policies do not count. The verdict is per app and is reported on policies: the covering policy passes; otherwise each policy that includes the app fails with its gaps; if none includes it, the policy with the lowest id carries the failure. Policies that decide nothing for any PHI app are not applicable.',
    absent:
      'No policy includes the app -> fail (carried by the lowest-id policy). A snapshot with no Conditional Access policy at all has no subject for this rule and reports nothing: collect /identity/conditionalAccess/policies (Policy.Read.All) so that absence is visible. clientAppTypes absent (Graph requires it) -> unknown.',
    unresolvable:
      'classification.phi_apps empty -> unknown (on one policy). Users scoped to groups, users or roles instead of "All" -> covered only when the app\'s service principal requires assignment (appRoleAssignmentRequired true) and every assigned principal (appRoleAssignedTo) is included; appRoleAssignmentRequired false -> fail; service principal or its assignments not in the scan -> unknown. An inventory that does not hold the tenant policies together (the subject itself missing from it) -> unknown rather than a guess; streamed scans hold them (`related`) and evaluate the policies at the end.',
    crossResource:
      'Needs every Conditional Access policy of the tenant plus the PHI apps\' service principals and their appRoleAssignedTo. Security Defaults alone (MFA only "when necessary") does not count. Policies are in PHI scope when classification.phi_apps is not empty.',
    references: [
      CONTROLS_C3,
      `${GRAPH_DOCS}/resources/conditionalaccesspolicy.md, conditionalaccessgrantcontrols.md, conditionalaccessconditionset.md (clientAppTypes required)`,
      'payloads/graph/conditionalaccessroot-list-policies.json (two disabled policies for no app -> fail) and conditionalaccesspolicy-get.json (disabled, narrowed, MFA OR compliantDevice/... -> fail)',
      ENTRA_SNAPSHOT,
    ],
  },
  fix: () => [
    manual(
      'Conditional Access is Microsoft Graph state, not IaC: run `phiguard guardrails conditional-access` for a policy requiring MFA on the PHI applications of .phiguard.yaml (report-only, break-glass accounts excluded), review its sign-in impact, then enable it. Entra ID P1 and Policy.ReadWrite.ConditionalAccess are required.',
    ),
  ],
  check(policy, context) {
    return evaluatePolicy(policy, context, {
      control: 'an enforced Conditional Access policy requiring MFA',
      expected: 'an enabled policy requiring MFA for the app and all users (break-glass excluded)',
      requirement: requiresMfa,
    });
  },
});

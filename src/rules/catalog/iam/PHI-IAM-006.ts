import { asBoolean, getKey, isObject, sameText } from '../../../core/path.js';
import { defineRule } from '../../define.js';
import { manual } from '../fixes.js';
import { CA_RELATED, evaluatePolicy, type Requirement } from './ca.js';
import { CONDITIONAL_ACCESS_POLICY, str } from './graph.js';
import { CONTROLS_C3, ENTRA_SNAPSHOT, GRAPH_DOCS } from './refs.js';

/** sessionControls.signInFrequency at most iam.max_sign_in_frequency_hours, or every time. */
const limitsSession: Requirement = (policy, { read, config }) => {
  const max = config.iam.maxSignInFrequencyHours;
  const frequency = read(policy, 'properties.sessionControls.signInFrequency');
  if (frequency.state === 'unknown') {
    return {
      unknown: true,
      path: frequency.path,
      expression: frequency.expression,
      reason: `${frequency.path} is unresolved`,
    };
  }
  const value = frequency.value;
  if (!isObject(value)) {
    const why = frequency.state === 'default' ? frequency.because : 'no sign-in frequency';
    return { ok: false, path: frequency.path, actual: value ?? null, gap: `it sets no sign-in frequency (${why})` };
  }
  if (asBoolean(getKey(value, 'isEnabled')) !== true) {
    return {
      ok: false,
      path: `${frequency.path}.isEnabled`,
      actual: getKey(value, 'isEnabled') ?? null,
      gap: 'its sign-in frequency is not enabled',
    };
  }
  if (sameText(getKey(value, 'frequencyInterval'), 'everyTime')) {
    return { ok: true, detail: 'sign-in frequency every time' };
  }
  const type = str(getKey(value, 'type'));
  const amount = getKey(value, 'value');
  const hours =
    typeof amount === 'number'
      ? sameText(type, 'days')
        ? amount * 24
        : sameText(type, 'hours')
          ? amount
          : undefined
      : undefined;
  if (hours === undefined) {
    return {
      ok: false,
      path: `${frequency.path}.value`,
      actual: amount ?? null,
      gap: `its sign-in frequency has no interval (type ${JSON.stringify(type ?? null)}, value ${JSON.stringify(amount ?? null)})`,
    };
  }
  if (hours > max) {
    return {
      ok: false,
      path: `${frequency.path}.value`,
      actual: amount ?? null,
      gap: `its sign-in frequency is ${amount} ${type} (${hours} hours, more than iam.max_sign_in_frequency_hours ${max})`,
    };
  }
  return {
    ok: true,
    detail: `sign-in frequency ${amount} ${type} in policy "${str(getKey(isObject(policy.properties) ? policy.properties : {}, 'displayName')) ?? policy.name}"`,
  };
};

export default defineRule({
  id: 'PHI-IAM-006',
  title: 'No sign-in frequency (session lifetime) limit for PHI application access',
  severity: 'medium',
  pattern: 3,
  hipaa: [
    { cite: '164.312(a)(2)(iii)', type: 'A' },
    { cite: '164.312(d)', type: 'R' },
  ],
  phiScoped: true,
  types: [CONDITIONAL_ACCESS_POLICY],
  // The verdict needs every policy of the tenant, and the PHI apps' service principals and assignments.
  related: { types: CA_RELATED },
  policies: [],
  remediation: {
    az: 'az rest --method patch --url "https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/$POLICY_ID" \\\n  --body \'{"sessionControls":{"signInFrequency":{"isEnabled":true,"type":"hours","value":8,"authenticationType":"primaryAndSecondaryAuthentication","frequencyInterval":"timeBased"}}}\'',
    arm: '{"sessionControls": {"signInFrequency": {"isEnabled": true, "type": "hours", "value": 8, "authenticationType": "primaryAndSecondaryAuthentication", "frequencyInterval": "timeBased"}}}',
    terraform: 'session_controls { sign_in_frequency = 8  sign_in_frequency_period = "hours" }',
    note: 'Users re-authenticate at the next token refresh after the interval; announce before enabling. The body above is the Graph JSON (Conditional Access is not an ARM resource).',
  },
  docs: {
    evaluation:
      'For each classification.phi_apps entry: covered when one Conditional Access policy passes the coverage test of PHI-IAM-005 (enabled, includes the app or "All" without excluding it, all users except break-glass accounts, all client app types, no narrowing conditions; grant controls are not required here, a session-only policy counts) and has sessionControls.signInFrequency with isEnabled true and either frequencyInterval "everyTime", or type "hours" and value <= iam.max_sign_in_frequency_hours (default 12), or type "days" and value*24 <= that maximum. Outcomes are placed on policies as in PHI-IAM-005.',
    absent:
      'sessionControls or signInFrequency absent (or null) -> the Entra default session lifetime applies (rolling window, up to 90 days) -> the policy does not limit the session.',
    unresolvable:
      'As PHI-IAM-005 (empty classification.phi_apps, group-scoped users, an inventory without the tenant policies -> unknown).',
    crossResource:
      'Application idle timeouts (App Service / EHR front end) are the primary automatic-logoff control and are not visible here; this rule covers re-authentication only.',
    references: [
      CONTROLS_C3,
      `${GRAPH_DOCS}/resources/signinfrequencysessioncontrol.md, conditionalaccesssessioncontrols.md`,
      'payloads/graph/conditionalaccesspolicy-get.json (signInFrequency 4 hours, but the policy is disabled -> fail)',
      ENTRA_SNAPSHOT,
    ],
  },
  fix: (_policy, { config }) => [
    manual(
      `Conditional Access is Microsoft Graph state, not IaC: run \`phiguard guardrails conditional-access\` for a policy with a sign-in frequency of at most ${config.iam.maxSignInFrequencyHours} hours on the PHI applications (report-only first), announce it, then enable it.`,
    ),
  ],
  check(policy, context) {
    const max = context.config.iam.maxSignInFrequencyHours;
    return evaluatePolicy(policy, context, {
      control: `an enforced sign-in frequency of at most ${max} hours`,
      expected: `an enabled policy for the app and all users with sessionControls.signInFrequency at most ${max} hours (or everyTime)`,
      requirement: limitsSession,
    });
  },
});

import { asBoolean, sameText } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { refersTo } from '../../propagate.js';
import { manual } from '../fixes.js';
import { ALERT_RULE, DIAGNOSTIC_SETTINGS, isLive, isType, ONBOARDING_STATE, SOLUTION, WORKSPACE } from './shared.js';
import { isAuditWorkspace } from './workspace.js';

/** Tables the PHI analytics query (controls.md H3a/H3b). */
const PHI_ANALYTIC_TABLES = ['StorageBlobLogs', 'SigninLogs'];

/** The legacy Sentinel solution for a workspace: SecurityInsights(<workspace>), or a SecurityInsights solution linked by workspaceResourceId. */
function legacySolution(workspace: Resource, context: RuleContext): Resource | undefined {
  const wanted = `securityinsights(${workspace.name.toLowerCase()})`;
  return context.inventory.byType(SOLUTION).find((solution) => {
    const name = solution.name.split('/').pop()?.toLowerCase() ?? '';
    if (name === wanted) return true;
    if (!name.startsWith('securityinsights')) return false;
    const linked = context.read(solution, 'properties.workspaceResourceId');
    return linked.state !== 'unknown' && typeof linked.value === 'string' && refersTo(linked.value, workspace);
  });
}

/** Advisory: enabled Scheduled analytics rules on the workspace that query the PHI tables. */
function phiAnalytics(workspace: Resource, context: RuleContext): string {
  const rules = context.inventory
    .related(workspace, 'extensions')
    .filter((rule) => isType(rule, ALERT_RULE) && sameText(rule.kind, 'Scheduled'))
    .filter((rule) => {
      const enabled = context.read(rule, 'properties.enabled');
      const query = context.read(rule, 'properties.query');
      if (enabled.state === 'unknown' || asBoolean(enabled.value) !== true) return false;
      const text = query.state === 'unknown' ? undefined : query.value;
      return typeof text === 'string' && PHI_ANALYTIC_TABLES.some((table) => text.includes(table));
    });
  return rules.length > 0
    ? `; ${rules.length} enabled scheduled analytics rule(s) query ${PHI_ANALYTIC_TABLES.join('/')}`
    : `; advisory: no enabled scheduled analytics rule queries ${PHI_ANALYTIC_TABLES.join(' or ')} (phiguard can emit the PHI download and sign-in analytics)`;
}

export default defineRule({
  id: 'PHI-LOG-009',
  title: 'Microsoft Sentinel is not enabled on the PHI audit-log workspace',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.308(a)(6)(ii)', type: 'R' },
    { cite: '164.312(b)', type: 'R' },
  ],
  phiScoped: true,
  types: [WORKSPACE, ONBOARDING_STATE, SOLUTION, ALERT_RULE],
  related: { types: [DIAGNOSTIC_SETTINGS, ONBOARDING_STATE, SOLUTION, ALERT_RULE], phiCensus: true, keep: [] },
  policies: [],
  remediation: {
    az: `az rest --method put --url "https://management.azure.com\${WS_ID}/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version=2024-09-01" --body '{"properties":{}}'`,
    arm: '{"type": "Microsoft.SecurityInsights/onboardingStates", "scope": "<workspaceId>", "name": "default", "properties": {}}',
    bicep:
      "resource sentinel 'Microsoft.SecurityInsights/onboardingStates@2024-09-01' = {\n  scope: workspace\n  name: 'default'\n  properties: {}\n}",
    terraform:
      'resource "azurerm_sentinel_log_analytics_workspace_onboarding" "s" { workspace_id = azurerm_log_analytics_workspace.audit.id }',
    note: 'Sentinel is billed on ingested data; onboarding is non-disruptive.',
  },
  docs: {
    evaluation:
      'Subject: each PHI audit-log workspace, chosen as in PHI-LOG-001 (listed in logging.audit_workspace_ids, or receiving audit logs of PHI resources); onboarding states, solutions and analytics rules are evaluated through their workspace. Passes when the extension resource {workspaceId}/providers/Microsoft.SecurityInsights/onboardingStates/default exists (template: scope on the workspace, or the legacy workspaces/providers/onboardingStates form), or the legacy solution Microsoft.OperationsManagement/solutions "SecurityInsights(<workspace>)" is linked to it. Advisory, not part of the verdict: whether an enabled Scheduled analytics rule queries StorageBlobLogs or SigninLogs (controls.md H3).',
    absent:
      'Live: no onboarding state -> fail. Templates: the workspace is declared in the scanned scope (it is the subject), so no onboarding resource -> fail. Workspaces that receive no PHI audit logs are not applicable.',
    unresolvable: "An onboarding state whose workspace (scope) is unresolved may be this workspace's -> needs review.",
    crossResource:
      'Workspace linkage from diagnostic settings (PHI-LOG-001); Entra sign-in log export (advisory) for the sign-in analytic.',
    references: [
      'Azure/azure-rest-api-specs securityinsights 2024-09-01 OnboardingStates.json, AlertRules.json',
      'payloads/sentinel_scheduled_alert_rule_get_2024-09-01.json (Scheduled rule on a workspace)',
      'controls.md H3 (Sentinel analytics rules as workspace extensions)',
      'hashicorp/terraform-provider-azurerm sentinel_log_analytics_workspace_onboarding, log_analytics_solution (solution_name SecurityInsights)',
    ],
  },
  fix: (workspace) => [
    manual(
      `Onboard Microsoft Sentinel on workspace '${workspace.name}': deploy Microsoft.SecurityInsights/onboardingStates/default with the workspace as scope (Terraform azurerm_sentinel_log_analytics_workspace_onboarding), then add the PHI analytics from phiguard guardrails sentinel. Sentinel bills on ingested data, so the workspace owner decides.`,
    ),
  ],
  check(resource, context) {
    if (!isType(resource, WORKSPACE)) return notApplicable('evaluated on its workspace');
    if (!isAuditWorkspace(resource, context))
      return notApplicable('the workspace receives no audit logs of PHI resources');
    const onboarded = context.inventory.related(resource, 'extensions').find((e) => isType(e, ONBOARDING_STATE));
    const advisory = phiAnalytics(resource, context);
    if (onboarded) {
      return {
        verdict: 'pass',
        path: 'onboardingStates/default',
        message: `Microsoft Sentinel is onboarded on workspace '${resource.name}'${advisory}`,
      };
    }
    const solution = legacySolution(resource, context);
    if (solution) {
      return {
        verdict: 'pass',
        path: `solutions/${solution.name}`,
        message: `Microsoft Sentinel (legacy solution ${solution.name}) is enabled on workspace '${resource.name}'${advisory}`,
      };
    }
    const unlinked = context.inventory
      .byType(ONBOARDING_STATE)
      .find((state) => state.scope !== undefined && !state.scope.startsWith('/'));
    if (unlinked) {
      return unknown(
        { path: 'onboardingStates/default', expression: unlinked.scope ?? '', at: unlinked.at },
        `onboarding state ${unlinked.name} extends ${unlinked.scope}, which cannot be resolved; it may onboard workspace '${resource.name}'`,
      );
    }
    return failAt('onboardingStates/default', {
      expected: 'Microsoft.SecurityInsights/onboardingStates/default on the workspace',
      at: resource.at,
      message: `Microsoft Sentinel is not onboarded on PHI audit-log workspace '${resource.name}': no detection or incident response runs on the PHI audit logs${isLive(resource) ? '' : ' (no onboarding state or SecurityInsights solution in the templates)'}${advisory}`,
    });
  },
});

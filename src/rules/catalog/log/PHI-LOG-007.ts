import type { Inventory } from '../../../core/inventory.js';
import { getKey, isObject, lookup, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { isSubscriptionId, phiCensus, subscriptionOf } from '../../propagate.js';
import { diagnosticSetting, manual, set } from '../fixes.js';
import { blockerMessage } from '../net/tri.js';
import {
  DIAGNOSTIC_SETTINGS,
  isLive,
  isType,
  judgeSetting,
  LOG_PROFILE,
  type LogNeed,
  type SettingJudgement,
  settingLabel,
  settingTarget,
} from './shared.js';

const NEED: LogNeed = {
  expected: 'the activity log categories Administrative, Security, Alert and Policy (or categoryGroup "allLogs")',
  groups: ['allLogs'],
  allOf: ['Administrative', 'Security', 'Alert', 'Policy'],
};
const RETIRED =
  'legacy log profiles stopped being accepted on 2026-09-30 (activity log export moved to diagnostic settings)';
const EXPECTED = 'a subscription diagnostic setting with a destination and Administrative, Security, Alert and Policy';

interface SubscriptionFacts {
  /** Subscription-scope diagnostic settings. */
  settings: Resource[];
  /** The first (by id) resource-level setting: where a missing subscription setting is reported. */
  anchor?: Resource;
  profiles: number;
}

const factsCache = new WeakMap<Inventory, { size: number; bySubscription: Map<string, SubscriptionFacts> }>();

/** Settings and log profiles per subscription, computed once per inventory (every setting is a subject). */
function factsOf(subscription: string, inventory: Inventory): SubscriptionFacts {
  let cached = factsCache.get(inventory);
  if (!cached || cached.size !== inventory.size) {
    const bySubscription = new Map<string, SubscriptionFacts>();
    const entry = (sub: string) => {
      let facts = bySubscription.get(sub);
      if (!facts) {
        facts = { settings: [], profiles: 0 };
        bySubscription.set(sub, facts);
      }
      return facts;
    };
    for (const setting of inventory.byType(DIAGNOSTIC_SETTINGS)) {
      const target = settingTarget(setting);
      if (target !== undefined && isSubscriptionId(target)) {
        const sub = subscriptionOf(target);
        if (sub) entry(sub).settings.push(setting);
        continue;
      }
      const sub = subscriptionOf(setting.id);
      if (!sub) continue;
      const facts = entry(sub);
      if (!facts.anchor || setting.id.toLowerCase() < facts.anchor.id.toLowerCase()) facts.anchor = setting;
    }
    for (const profile of inventory.byType(LOG_PROFILE)) {
      const sub = subscriptionOf(profile.id);
      if (sub) entry(sub).profiles++;
    }
    cached = { size: inventory.size, bySubscription };
    factsCache.set(inventory, cached);
  }
  return cached.bySubscription.get(subscription) ?? { settings: [], profiles: 0 };
}

/**
 * Templates rarely hold subscription settings (they live in a platform repository): a missing one fails only when
 * the scan deploys something at that subscription's scope.
 */
function hasSubscriptionDeployment(subscription: string, inventory: Inventory): boolean {
  const prefix = `/subscriptions/${subscription}/providers/`;
  return inventory.resources.some(
    (r) =>
      !isLive(r) &&
      (r.id.toLowerCase().startsWith(prefix) ||
        (r.scope !== undefined && isSubscriptionId(r.scope) && subscriptionOf(r.scope) === subscription)),
  );
}

function sameId(a: Resource, b: Resource): boolean {
  return a.id.toLowerCase() === b.id.toLowerCase();
}

function judged(judgement: SettingJudgement): Outcome {
  const name = settingLabel(judgement.setting);
  if (judgement.state === 'ok') {
    return {
      verdict: 'pass',
      path: judgement.path,
      message: `Diagnostic setting '${name}' exports the subscription activity log`,
    };
  }
  if (judgement.state === 'unknown') return unknown(judgement.blocker, blockerMessage(judgement.blocker));
  return failAt(judgement.path, {
    expected: EXPECTED,
    actual: judgement.actual,
    at: judgement.at ?? judgement.setting.at,
    message: `Subscription diagnostic setting '${name}' does not export the activity log: ${judgement.reason} (the platform keeps the activity log only 90 days)`,
  });
}

export default defineRule({
  id: 'PHI-LOG-007',
  title: 'Subscription activity log is not exported',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.308(a)(6)(ii)', type: 'R' },
  ],
  phiScoped: false,
  types: [DIAGNOSTIC_SETTINGS, LOG_PROFILE],
  related: { types: [DIAGNOSTIC_SETTINGS, LOG_PROFILE], phiCensus: true, keep: [] },
  policies: [
    {
      id: '2465583e-4e78-4c15-b6be-a36cbc7c8b0f',
      name: 'Configure Azure Activity logs to stream to specified Log Analytics workspace',
      relation: 'remediation',
    },
    {
      id: '7796937f-307b-4598-941c-67d3a05ebfe7',
      name: 'Azure subscriptions should have a log profile for Activity Log',
      relation: 'related (legacy mechanism)',
    },
  ],
  remediation: {
    az: 'az monitor diagnostic-settings subscription create -n activity-to-law --location "$LOC" --workspace "$WS_ID" \\\n  --logs \'[{"category":"Administrative","enabled":true},{"category":"Security","enabled":true},{"category":"Policy","enabled":true},{"category":"Alert","enabled":true}]\'',
    arm: '{"type": "Microsoft.Insights/diagnosticSettings", "name": "activity-to-law", "properties": {"workspaceId": "<wsId>", "logs": [{"category": "Administrative", "enabled": true}, {"category": "Security", "enabled": true}, {"category": "Policy", "enabled": true}, {"category": "Alert", "enabled": true}]}}',
    bicep:
      "targetScope = 'subscription'\nresource activity 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {\n  name: 'activity-to-law'\n  properties: {\n    workspaceId: workspaceId\n    logs: [\n      { category: 'Administrative', enabled: true }\n      { category: 'Security', enabled: true }\n      { category: 'Policy', enabled: true }\n      { category: 'Alert', enabled: true }\n    ]\n  }\n}",
    terraform:
      'resource "azurerm_monitor_diagnostic_setting" "activity" { name = "activity-to-law" target_resource_id = data.azurerm_subscription.current.id log_analytics_workspace_id = azurerm_log_analytics_workspace.audit.id\n  enabled_log { category = "Administrative" } enabled_log { category = "Security" } enabled_log { category = "Policy" } enabled_log { category = "Alert" } }',
    note: 'Also export Entra sign-in/audit logs (microsoft.aadiam/diagnosticSettings, azurerm_monitor_aad_diagnostic_setting) to the same workspace for PHI-IAM-005 monitoring (advisory).',
  },
  docs: {
    evaluation: `Subscriptions holding PHI resources must export their activity log through a subscription-scope diagnostic setting (scope /subscriptions/{id}; in templates a Microsoft.Insights/diagnosticSettings deployed at subscription scope) that names a destination and enables Administrative, Security, Alert and Policy, or categoryGroup "allLogs". Subjects: the subscription's diagnostic settings and log profiles. When one setting passes, it passes and the others of the subscription are not applicable; otherwise each fails (or needs review) on its own. A legacy log profile (Microsoft.Insights/logProfiles) no longer counts: ${RETIRED}. A subscription with no subscription setting and no log profile has no resource of its own in the scan, so its verdict is reported on its first diagnostic setting by id (a resource-level one), and the message names the subscription. Subscriptions without PHI resources are not applicable.`,
    absent:
      "Live: no subscription setting -> fail. Templates: needs review, unless the scanned templates deploy something at that subscription's scope (then a missing setting fails): subscription settings usually live in a platform repository. A subscription with no diagnostic setting at all has no subject to report on.",
    unresolvable: 'An unresolved destination or category -> needs review.',
    crossResource: "The destination workspace's AzureActivity retention is PHI-LOG-001.",
    references: [
      'controls.md E3 (activity log = subscription-scope diagnostic setting; categories; 90-day platform retention; log profiles retire 30 Sep 2026)',
      'Azure/azure-rest-api-specs monitor 2021-05-01-preview subscriptionDiagnosticsSettings_API.json',
      'Azure/azure-policy built-in 2465583e-4e78-4c15-b6be-a36cbc7c8b0f (DeployIfNotExists), 7796937f-307b-4598-941c-67d3a05ebfe7 (legacy log profile)',
      'hashicorp/terraform-provider-azurerm monitor_diagnostic_setting (target_resource_id = subscription id), monitor_log_profile (retirement note, PR #23146)',
    ],
  },
  fix(resource, { path, config }) {
    const categories = NEED.allOf ?? [];
    if (isType(resource, DIAGNOSTIC_SETTINGS) && path === 'properties.logs') {
      const current = lookup(resource, path);
      const kept = (current.kind === 'present' && Array.isArray(current.value) ? current.value : []).filter((entry) => {
        const category = isObject(entry) ? getKey(entry, 'category') : undefined;
        return !categories.some((wanted) => sameText(category, wanted));
      });
      return [set(path, [...kept, ...categories.map((category) => ({ category, enabled: true }))])];
    }
    if (isType(resource, DIAGNOSTIC_SETTINGS) && path === 'properties.workspaceId') {
      const workspaceId = config.logging.auditWorkspaceIds[0];
      if (workspaceId) return [set(path, workspaceId)];
      return [
        manual(
          `Diagnostic setting '${settingLabel(resource)}' names no destination: set workspaceId to the audit Log Analytics workspace (or list it in logging.audit_workspace_ids of .phiguard.yaml and run phiguard fix again).`,
        ),
      ];
    }
    return [
      diagnosticSetting(
        config,
        'activity-to-law',
        categories.map((category) => ({ category })),
        { target: 'subscription' },
      ),
    ];
  },
  check(resource, context: RuleContext) {
    const subscription = subscriptionOf(resource.id);
    if (!subscription) return notApplicable('not in a subscription');
    if (!(phiCensus(context).get(subscription)?.size ?? 0)) {
      return notApplicable('the subscription holds no PHI resource');
    }
    const facts = factsOf(subscription, context.inventory);
    const settings = facts.settings.map((s) => judgeSetting(s, context, NEED));
    const passing = settings.find((j) => j.state === 'ok');
    const target = isType(resource, DIAGNOSTIC_SETTINGS) ? settingTarget(resource) : undefined;
    const isSubscriptionSetting = target !== undefined && isSubscriptionId(target);
    if (isSubscriptionSetting) {
      // Compare ids: a streamed scan hands the rule a copy of the resource its inventory holds.
      const own = settings.find((j) => sameId(j.setting, resource));
      if (!own || (passing && !sameId(passing.setting, resource))) {
        return notApplicable('another subscription setting exports the activity log');
      }
      return judged(own);
    }
    if (isType(resource, LOG_PROFILE)) {
      if (passing) return notApplicable('a subscription diagnostic setting exports the activity log');
      return failAt('properties', {
        expected: EXPECTED,
        at: resource.at,
        message: `Log profile '${resource.name}' no longer exports the activity log of subscription ${subscription}: ${RETIRED}`,
      });
    }
    if (settings.length > 0 || facts.profiles > 0 || !facts.anchor || !sameId(facts.anchor, resource)) {
      return notApplicable('not a subscription setting');
    }
    const message = `Subscription ${subscription} holds PHI resources but no subscription diagnostic setting exports its activity log (the platform keeps it only 90 days); reported on diagnostic setting '${settingLabel(resource)}' because the subscription itself is not a scanned resource`;
    if (!isLive(resource) && !hasSubscriptionDeployment(subscription, context.inventory)) {
      return unknown(
        {
          path: 'subscription diagnosticSettings',
          expression: `/subscriptions/${subscription}: no subscription-scope deployment scanned`,
          at: resource.at,
        },
        `${message}; the templates deploy nothing at subscription scope, so the setting may live in another repository`,
      );
    }
    return failAt('subscription diagnosticSettings', { expected: EXPECTED, at: resource.at, message });
  },
});

import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, notApplicable, unknown } from '../../define.js';
import { ruleContext, set } from '../fixes.js';
import { type DeleteAction, describeFilter, filtersOf, readLifecycle } from './lifecycle.js';
import {
  type BlobScope,
  blobScopes,
  describeDays,
  describeScope,
  prefixIntersects,
  SCHEDULE,
  storageAccountName,
  yearsToDays,
} from './schedule.js';
import { ancestorOf, MANAGEMENT_POLICY, STORAGE_ACCOUNT, STORAGE_SWAGGER, shortName } from './shared.js';

function describeAction(action: DeleteAction): string {
  return action.basis === 'daysAfterLastAccessTimeGreaterThan'
    ? `${action.days} days without access`
    : `${action.days} days (${action.basis})`;
}

export default defineRule({
  id: 'PHI-BAK-009',
  title: 'Lifecycle management deletes PHI before the retention minimum',
  severity: 'high',
  pattern: 6,
  hipaa: [
    { cite: '164.316(b)(2)(i)', type: 'R' },
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.312(c)(1)', type: 'R' },
  ],
  phiScoped: true,
  types: [MANAGEMENT_POLICY],
  policies: [],
  remediation: {
    az: 'az storage account management-policy update -g "$RG" --account-name "$SA" --set "policy.rules[$RULE_INDEX].enabled=false"   # emergency stop\naz storage account management-policy create -g "$RG" --account-name "$SA" --policy @policy-fixed.json         # corrected thresholds',
    arm: '{"properties": {"policy": {"rules": [{"name": "<rule>", "enabled": true, "type": "Lifecycle", "definition": {"filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["<container>/"]}, "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": 2191}}}}}]}}}',
    terraform: 'actions { base_blob { delete_after_days_since_modification_greater_than = 2191 } }',
    note: 'Emergency containment: disable the rule (enabled = false) immediately -- lifecycle runs once a day. Deleted blobs may still be recoverable through soft delete / versions (PHI-BAK-002/003) for their retention window.',
  },
  docs: {
    evaluation:
      'Reads managementPolicies/default properties.policy.rules[] of a PHI storage account: enabled (absent = true) rules of type Lifecycle, their filters (prefixMatch, blobIndexMatch) and definition.actions.baseBlob.delete.{daysAfterModificationGreaterThan, daysAfterCreationGreaterThan, daysAfterLastAccessTimeGreaterThan}. The data classes come from .phiguard.yaml: a class whose match.tags the account carries covers the whole account, match.containers entries "<account>/<container>[/<prefix>]" cover those paths, and a PHI account no class matches holds retention.default_phi_class. A rule whose filter intersects a class (no prefixMatch = whole account) and deletes base blobs after N days with N < days_for(min_years) fails (years convert with the Log Analytics table: 6 years = 2191 days). Messages cite the conflict with the retention schedule in .phiguard.yaml; HIPAA itself sets no retention period for PHI.',
    absent: 'No management policy, or no base-blob delete action -> nothing is deleted -> pass.',
    unresolvable:
      'An unresolved threshold, filter, enabled flag or rules list -> needs review. A rule that also filters on blob index tags (blobIndexMatch) -> needs review: which PHI blobs carry the tags is data, not configuration.',
    crossResource:
      'tierToCool/Cold/Archive actions do not delete; snapshot and version deletes do not remove the current record. Deletions by application code or scripts are not visible; an immutability policy (PHI-BAK-004) would block them.',
    references: [
      `${STORAGE_SWAGGER} ManagementPolicyRule.{enabled,type,definition}; ManagementPolicyFilter.{prefixMatch,blobIndexMatch}; DateAfterModification`,
      'hashicorp/terraform-provider-azurerm storage_management_policy (actions.base_blob.delete_after_days_since_*; -1 = unset)',
      'controls.md F4; payloads/storage_management_policy_get_2025-06-01.json (base blobs deleted after 1000 days)',
      'rules.yaml conventions.years_to_days; 45 CFR 164.316(b)(2)(i) concerns documentation, not PHI retention',
    ],
  },
  fix(policy, fixContext) {
    const context = ruleContext(fixContext);
    const account = ancestorOf(policy, STORAGE_ACCOUNT, context.inventory);
    const name = storageAccountName(policy.id) ?? shortName(policy);
    // The strictest minimum of the classes the account holds: the action may reach any of them.
    const years = Math.max(...blobScopes(account, name, context.config, true).map((scope) => scope.dataClass.minYears));
    return [
      set(
        fixContext.path,
        yearsToDays(years),
        'blobs this rule would have deleted earlier are kept (and billed) until the retention minimum; if PHI is being deleted now, disable the rule first (lifecycle runs daily)',
      ),
    ];
  },
  check(policy, context) {
    const account = ancestorOf(policy, STORAGE_ACCOUNT, context.inventory);
    const name = storageAccountName(policy.id) ?? shortName(policy);
    const scopes = blobScopes(account, name, context.config, true);
    if (scopes.length === 0) return notApplicable('no retention data class applies to this account');
    const lifecycle = readLifecycle(policy, context.read);
    if (lifecycle.unresolved) return unknown(lifecycle.unresolved);
    const outcomes: Outcome[] = [];
    for (const rule of lifecycle.rules) {
      const hits = scopes.filter((scope) => filtersOf(rule).some((prefix) => prefixIntersects(prefix, scope)));
      if (hits.length === 0) continue;
      if (rule.unresolved) {
        outcomes.push(
          unknown(
            rule.unresolved,
            `lifecycle rule '${rule.name}' may delete PHI, but ${rule.unresolved.path} depends on ${rule.unresolved.expression}, which cannot be resolved statically`,
          ),
        );
        continue;
      }
      for (const action of rule.base) {
        // The strictest class the rule reaches decides.
        const strictest = hits.reduce<BlobScope | undefined>(
          (worst, scope) =>
            action.days < yearsToDays(scope.dataClass.minYears) &&
            (!worst || scope.dataClass.minYears > worst.dataClass.minYears)
              ? scope
              : worst,
          undefined,
        );
        if (!strictest) continue;
        const { dataClass } = strictest;
        const what = `Lifecycle rule '${rule.name}' (${describeFilter(rule)}) deletes base blobs after ${describeAction(action)}, before the ${dataClass.name} minimum of ${describeDays(dataClass.minYears)} for ${describeScope(strictest, name)} (${strictest.via})`;
        if (rule.indexTags) {
          outcomes.push(
            unknown(
              { path: action.read.path, expression: `blobIndexMatch ${rule.indexTags}`, at: action.read.at },
              `${what}, for blobs carrying the index tags ${rule.indexTags}; whether PHI records carry them is not visible in configuration`,
            ),
          );
          continue;
        }
        outcomes.push(
          fail(action.read, {
            expected: `no base-blob delete before ${yearsToDays(dataClass.minYears)} days`,
            message: `${what}: this conflicts with ${SCHEDULE}`,
          }),
        );
      }
    }
    if (outcomes.length > 0) return outcomes;
    return {
      verdict: 'pass',
      path: 'properties.policy.rules',
      message: `No enabled lifecycle rule deletes base blobs of ${[...new Set(scopes.map((s) => s.dataClass.name))].join(', ')} before the retention minimum`,
    };
  },
});

import type { DataClass } from '../../../core/config.js';
import { parentId } from '../../../core/inventory.js';
import { asBoolean, lookup, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { lifecyclePolicy, manual, ruleContext, set, setOn } from '../fixes.js';
import { type DeleteAction, type Lifecycle, type LifecycleRule, readLifecycle } from './lifecycle.js';
import {
  type BlobScope,
  blobScopes,
  describeDays,
  describeScope,
  formatDays,
  prefixCovers,
  prefixIntersects,
  SCHEDULE,
  scopePath,
  storageAccountName,
  yearsToDays,
} from './schedule.js';
import {
  ancestorOf,
  BLOB_SERVICE,
  childrenOf,
  containersOfAccount,
  IMMUTABILITY_POLICY,
  isType,
  MANAGEMENT_POLICY,
  OBJECT_REPLICATION,
  STORAGE_ACCOUNT,
  STORAGE_SWAGGER,
  shortName,
} from './shared.js';

type Bounded = BlobScope & { dataClass: DataClass & { maxYears: number } };

function bounded(scopes: BlobScope[]): Bounded[] {
  return scopes.filter((scope): scope is Bounded => scope.dataClass.maxYears !== null);
}

function maxDays(scope: Bounded): number {
  return yearsToDays(scope.dataClass.maxYears);
}

function limit(scope: Bounded): string {
  return `the ${scope.dataClass.name} maximum of ${describeDays(scope.dataClass.maxYears)}`;
}

/** Lifecycle deletes that bound persistence: last-access deletes do not (every read restarts the clock). */
function bounding(actions: DeleteAction[]): DeleteAction | undefined {
  return actions
    .filter((action) => action.basis !== 'daysAfterLastAccessTimeGreaterThan')
    .reduce<DeleteAction | undefined>((best, action) => (!best || action.days < best.days ? action : best), undefined);
}

/** The earliest delete of `kind` among rules that cover every blob of `path` ('' = the whole account). */
function earliest(
  rules: LifecycleRule[],
  path: string,
  kind: 'base' | 'version' | 'snapshot',
): { action?: DeleteAction; rule?: LifecycleRule; blocked?: LifecycleRule } {
  let found: { action: DeleteAction; rule: LifecycleRule } | undefined;
  let blocked: LifecycleRule | undefined;
  for (const rule of rules) {
    const prefixes = rule.prefixes.length > 0 ? rule.prefixes : [''];
    const covers = prefixes.some((prefix) => (path === '' ? prefix === '' : prefixCovers(prefix, path)));
    // An unresolved filter or threshold might cover the path: it blocks a verdict only when nothing else does.
    if (rule.unresolved) {
      blocked ??= rule;
      continue;
    }
    // Index-tag filters reach only tagged blobs, so they bound nothing for the class as a whole.
    if (!covers || rule.indexTags) continue;
    const action = bounding(rule[kind]);
    if (action && (!found || action.days < found.action.days)) found = { action, rule };
  }
  return { ...found, blocked };
}

interface StorageFacts {
  accountName: string;
  account?: Resource;
  policy?: Resource;
  lifecycle?: Lifecycle;
  softDeleteDays: number;
  versioning: boolean;
  containers: string[];
}

function facts(
  account: Resource | undefined,
  accountId: string,
  context: RuleContext,
  outcomes: Outcome[],
  policyOverride?: Resource,
): StorageFacts {
  const { inventory, read } = context;
  const find = (type: string, name: string): Resource | undefined =>
    account ? childrenOf(account, type, inventory)[0] : inventory.byId(`${accountId}/${name}`);
  const policy = policyOverride ?? find(MANAGEMENT_POLICY, 'managementPolicies/default');
  const service = find(BLOB_SERVICE, 'blobServices/default');
  let softDeleteDays = 0;
  let versioning = false;
  if (service) {
    const enabled = read(service, 'properties.deleteRetentionPolicy.enabled');
    if (enabled.state === 'unknown') outcomes.push(unknown(enabled));
    else if (asBoolean(enabled.value) === true) {
      const days = read(service, 'properties.deleteRetentionPolicy.days');
      if (days.state === 'unknown') outcomes.push(unknown(days));
      else if (typeof days.value === 'number') softDeleteDays = days.value;
    }
    const versions = read(service, 'properties.isVersioningEnabled');
    if (versions.state === 'unknown') outcomes.push(unknown(versions));
    else versioning = asBoolean(versions.value) === true;
  }
  const containers = account
    ? containersOfAccount(account, inventory).map((container) => shortName(container).toLowerCase())
    : [];
  return {
    accountName: storageAccountName(accountId) ?? accountId,
    account,
    policy,
    lifecycle: policy ? readLifecycle(policy, read) : undefined,
    softDeleteDays,
    versioning,
    containers,
  };
}

/** The `container/prefix` paths whose blobs a scope holds; undefined when the containers are not known. */
function pathsOf(scope: Bounded, facts: StorageFacts, rules: LifecycleRule[]): string[] | undefined {
  if (scope.container !== undefined) return [scopePath(scope.container, scope.prefix)];
  const usable = rules.filter((rule) => !rule.indexTags && !rule.unresolved);
  // With no usable rule, or one without a prefix filter, the account's container list does not matter.
  if (usable.length === 0 || usable.some((rule) => rule.prefixes.length === 0)) return [''];
  const paths = facts.containers
    .map((container) => scopePath(container))
    .filter((path) => prefixIntersects(path, scope));
  return paths.length > 0 ? paths : undefined;
}

function checkLifecycle(scope: Bounded, facts: StorageFacts): Outcome[] {
  const { lifecycle, policy, accountName } = facts;
  const where = describeScope(scope, accountName);
  const max = maxDays(scope);
  const expected = `lifecycle delete actions within ${max} days (including ${facts.softDeleteDays} days of soft delete)`;
  if (!policy || !lifecycle) {
    return [
      failAt('managementPolicies/default', {
        expected,
        at: facts.account?.at,
        message: `No lifecycle management policy deletes PHI in ${where}: it is kept indefinitely, beyond ${limit(scope)} (${scope.via}); this conflicts with ${SCHEDULE}`,
      }),
    ];
  }
  if (lifecycle.unresolved) return [unknown(lifecycle.unresolved)];
  const paths = pathsOf(scope, facts, lifecycle.rules);
  if (!paths) {
    return [
      unknown(
        { path: 'properties.policy.rules', expression: 'containers of the account not in the scan', at: policy.at },
        `the lifecycle rules of ${accountName} filter by prefix, and which containers hold ${scope.dataClass.name} data is not visible in the scan, so whether every PHI blob is deleted within ${max} days cannot be determined`,
      ),
    ];
  }
  const outcomes: Outcome[] = [];
  const kinds: ('base' | 'version')[] = facts.versioning ? ['base', 'version'] : ['base'];
  for (const kind of kinds) {
    const label = kind === 'base' ? 'base blobs' : 'previous blob versions (versioning is on)';
    const uncovered: string[] = [];
    for (const path of paths) {
      const { action, rule, blocked } = earliest(lifecycle.rules, path, kind);
      const display = path === '' ? where : `${accountName}/${path}`;
      if (!action || !rule) {
        if (blocked?.unresolved) {
          outcomes.push(
            unknown(
              blocked.unresolved,
              `lifecycle rule '${blocked.name}' may delete ${label} in ${display}, but ${blocked.unresolved.path} depends on ${blocked.unresolved.expression}`,
            ),
          );
        } else uncovered.push(display);
        continue;
      }
      const total = action.days + facts.softDeleteDays;
      if (total <= max) continue;
      const soft =
        facts.softDeleteDays > 0
          ? ` plus ${formatDays(facts.softDeleteDays)} of blob soft delete (${formatDays(total)} in all)`
          : '';
      outcomes.push(
        fail(action.read, {
          expected,
          message: `Lifecycle rule '${rule.name}' deletes ${label} in ${display} after ${action.days} days${soft}, later than ${limit(scope)} (${scope.via}); this conflicts with ${SCHEDULE}`,
        }),
      );
    }
    if (uncovered.length > 0) {
      outcomes.push(
        failAt('managementPolicies/default: properties.policy.rules', {
          expected,
          at: policy.at,
          message: `No enabled lifecycle rule deletes ${label} in ${uncovered.join(', ')}: they are kept indefinitely, beyond ${limit(scope)} (${scope.via}); this conflicts with ${SCHEDULE}`,
        }),
      );
    }
  }
  return outcomes;
}

/** A Locked account-level (version-level) immutability period longer than the maximum blocks deletion. */
function checkAccountImmutability(account: Resource, scopes: Bounded[], context: RuleContext): Outcome[] {
  const base = 'properties.immutableStorageWithVersioning';
  const enabled = context.read(account, `${base}.enabled`);
  if (enabled.state === 'unknown') return [unknown(enabled)];
  if (asBoolean(enabled.value) !== true) return [];
  return lockedPeriod(account, `${base}.immutabilityPolicy`, scopes, context, `account ${shortName(account)}`);
}

function lockedPeriod(
  resource: Resource,
  base: string,
  scopes: Bounded[],
  context: RuleContext,
  subject: string,
): Outcome[] {
  const state = context.read(resource, `${base}.state`);
  if (state.state === 'unknown') return [unknown(state)];
  if (!sameText(state.value, 'Locked')) return [];
  const period = context.read(resource, `${base}.immutabilityPeriodSinceCreationInDays`);
  if (period.state === 'unknown') return [unknown(period)];
  if (typeof period.value !== 'number') return [];
  const tightest = scopes.reduce((a, b) => (b.dataClass.maxYears < a.dataClass.maxYears ? b : a));
  const max = maxDays(tightest);
  if (period.value <= max) return [];
  return [
    fail(period, {
      expected: `a Locked immutability period of at most ${max} days`,
      message: `A Locked immutability policy keeps blobs of ${subject} for ${period.value} days, longer than ${limit(tightest)} (${tightest.via}): they cannot be deleted on schedule, and a Locked period can only be extended; this conflicts with ${SCHEDULE}`,
    }),
  ];
}

function legalHolds(account: Resource, scopes: Bounded[], context: RuleContext): { held: string[] } {
  const held: string[] = [];
  for (const container of containersOfAccount(account, context.inventory)) {
    const name = shortName(container).toLowerCase();
    if (!scopes.some((scope) => prefixIntersects(scopePath(name), scope))) continue;
    const hold = ['properties.legalHold.hasLegalHold', 'properties.hasLegalHold'].some((path) => {
      const read = context.read(container, path);
      return read.state !== 'unknown' && asBoolean(read.value) === true;
    });
    if (hold) held.push(name);
  }
  return { held };
}

function findAccount(reference: string, context: RuleContext): Resource | undefined {
  return (
    context.inventory.byId(reference) ??
    context.inventory
      .byType(STORAGE_ACCOUNT)
      .find((account) => shortName(account).toLowerCase() === reference.toLowerCase())
  );
}

/** Object replication copies PHI to a destination account that must delete it on the same schedule. */
function checkReplication(account: Resource, scopes: Bounded[], context: RuleContext): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const policy of childrenOf(account, OBJECT_REPLICATION, context.inventory)) {
    const source = lookup(policy, 'properties.sourceAccount');
    if (source.kind !== 'present' || typeof source.value !== 'string') continue;
    const ref = source.value.toLowerCase();
    if (ref !== account.id.toLowerCase() && ref !== shortName(account).toLowerCase()) continue;
    const destination = context.read(policy, 'properties.destinationAccount');
    if (destination.state === 'unknown') {
      outcomes.push(unknown(destination));
      continue;
    }
    if (typeof destination.value !== 'string') continue;
    const target = findAccount(destination.value, context);
    if (!target) {
      outcomes.push(
        unknown(
          { path: destination.path, expression: destination.value, at: destination.at },
          `object replication copies PHI to ${destination.value}, which is not in the scan, so whether it deletes the copies within the retention maximum cannot be determined`,
        ),
      );
      continue;
    }
    const rules = context.read(policy, 'properties.rules');
    const count = rules.state !== 'unknown' && Array.isArray(rules.value) ? rules.value.length : 0;
    const containers: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = context.read(policy, `properties.rules.${i}.destinationContainer`);
      if (name.state !== 'unknown' && typeof name.value === 'string') containers.push(name.value.toLowerCase());
    }
    const tightest = scopes.reduce((a, b) => (b.dataClass.maxYears < a.dataClass.maxYears ? b : a));
    const copy: Bounded = { ...tightest, container: undefined, prefix: undefined, except: [] };
    const targetFacts = facts(target, target.id, context, outcomes);
    targetFacts.containers = containers.length > 0 ? containers : targetFacts.containers;
    const found = checkLifecycle(copy, targetFacts);
    for (const outcome of found) {
      outcomes.push(
        outcome.verdict === 'fail'
          ? {
              ...outcome,
              message: `Object replication copies PHI of ${shortName(account)} to ${shortName(target)}, where: ${outcome.message}`,
            }
          : outcome,
      );
    }
  }
  return outcomes;
}

function checkStorage(
  account: Resource | undefined,
  accountId: string,
  context: RuleContext,
  policyOverride?: Resource,
): Outcome | Outcome[] {
  const name = storageAccountName(accountId) ?? accountId;
  const scopes = bounded(blobScopes(account, name, context.config, true));
  if (scopes.length === 0) return notApplicable('no data class of this account sets max_years');
  const outcomes: Outcome[] = [];
  const storage = facts(account, accountId, context, outcomes, policyOverride);
  for (const scope of scopes) outcomes.push(...checkLifecycle(scope, storage));
  const notes: string[] = [];
  if (account) {
    outcomes.push(...checkAccountImmutability(account, scopes, context));
    const { held } = legalHolds(account, scopes, context);
    if (held.length > 0) {
      if (context.config.retention.legalHoldOverridesMax) {
        notes.push(`legal hold on ${held.join(', ')} is a documented exception (retention.legal_hold_overrides_max)`);
      } else {
        outcomes.push(
          failAt('properties.legalHold', {
            expected: 'no legal hold past the retention maximum (retention.legal_hold_overrides_max is false)',
            at: account.at,
            message: `A legal hold on ${held.join(', ')} keeps PHI until the hold is cleared, past the retention maximum; your retention schedule (.phiguard.yaml) does not accept legal holds as exceptions`,
          }),
        );
      }
    }
    outcomes.push(...checkReplication(account, scopes, context));
  }
  if (outcomes.length > 0) return outcomes;
  const classes = [...new Set(scopes.map((scope) => scope.dataClass.name))].join(', ');
  notes.push('snapshots, if any, need a snapshot delete action too (their use is not visible in configuration)');
  return {
    verdict: 'pass',
    path: 'managementPolicies/default',
    message: `Lifecycle rules delete ${classes} data within the retention maximum; ${notes.join('; ')}`,
  };
}

/** A container policy: Locked with a period longer than the maximum of the container's class. */
function checkImmutabilityPolicy(policy: Resource, context: RuleContext): Outcome | Outcome[] {
  const containerId = parentId(policy.id) ?? '';
  const container = (/\/containers\/([^/]+)/i.exec(containerId)?.[1] ?? '').toLowerCase();
  const name = storageAccountName(policy.id) ?? '';
  const account = ancestorOf(policy, STORAGE_ACCOUNT, context.inventory);
  const scopes = bounded(blobScopes(account, name, context.config, true)).filter((scope) =>
    prefixIntersects(scopePath(container), scope),
  );
  if (scopes.length === 0) return notApplicable('no data class of this container sets max_years');
  const found = lockedPeriod(policy, 'properties', scopes, context, `container ${container}`);
  if (found.length > 0) return found;
  const state = context.read(policy, 'properties.state');
  return {
    verdict: 'pass',
    path: 'properties.state',
    actual: state.state === 'unknown' ? undefined : (state.value ?? undefined),
    message: sameText(state.state === 'unknown' ? undefined : state.value, 'Locked')
      ? 'The Locked immutability period ends within the retention maximum'
      : 'The policy is not Locked, so it does not prevent deletion on schedule',
  };
}

export default defineRule({
  id: 'PHI-BAK-010',
  title: 'PHI retained beyond the retention maximum',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.310(d)(2)(i)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: true,
  types: [MANAGEMENT_POLICY, BLOB_SERVICE, IMMUTABILITY_POLICY, STORAGE_ACCOUNT, OBJECT_REPLICATION],
  children: [MANAGEMENT_POLICY, BLOB_SERVICE, OBJECT_REPLICATION],
  policies: [],
  remediation: {
    az: 'az storage account management-policy create -g "$RG" --account-name "$SA" --policy @phi-lifecycle.json',
    arm: '{"properties": {"policy": {"rules": [{"name": "phi-max-retention", "enabled": true, "type": "Lifecycle", "definition": {"filters": {"blobTypes": ["blockBlob"], "prefixMatch": ["<container>/"]}, "actions": {"baseBlob": {"delete": {"daysAfterCreationGreaterThan": 3653}}, "version": {"delete": {"daysAfterCreationGreaterThan": 3653}}, "snapshot": {"delete": {"daysAfterCreationGreaterThan": 3653}}}}}]}}}',
    terraform:
      'rule { name = "phi-max-retention" enabled = true filters { blob_types = ["blockBlob"] prefix_match = ["<container>/"] }\n  actions { base_blob { delete_after_days_since_creation_greater_than = 3653 } version { delete_after_days_since_creation = 3653 } snapshot { delete_after_days_since_creation_greater_than = 3653 } } }',
    note: 'Deleting PHI is irreversible -- run a dry run (list blobs the rule would match) and get records-management sign-off; a Locked immutability period cannot be shortened (only a new container/account fixes it).',
  },
  docs: {
    evaluation:
      "For each data class of a PHI storage account with max_years set (classes as in PHI-BAK-009): an enabled lifecycle rule without a blob index filter must cover every blob of the class (no prefixMatch, or a prefix that contains the container/prefix; a whole-account class is checked container by container) and delete base blobs (daysAfterModificationGreaterThan or daysAfterCreationGreaterThan; last-access deletes do not bound persistence) after N days with N + blob soft-delete days <= days_for(max_years). With versioning on, version.delete.daysAfterCreationGreaterThan + soft-delete days must meet the same bound. A Locked immutability period (container immutabilityPolicies or account immutableStorageWithVersioning) longer than the maximum fails: the data cannot be deleted on schedule. Object replication destinations must delete the copies on the same schedule. Legal holds on the class containers pass with a note while retention.legal_hold_overrides_max is true, and fail otherwise. Messages cite the conflict with the retention schedule in .phiguard.yaml; the maximum comes from the organisation's records schedule, not from HIPAA (164.310(d)(2)(i) covers disposal).",
    absent:
      'Classes without max_years -> not applicable. No management policy -> fail (no deletion mechanism). No blobServices resource -> soft delete and versioning off.',
    unresolvable:
      "An unresolved threshold, filter, soft-delete setting or immutability value -> needs review. A whole-account class whose rules only filter by prefix while the account's containers are not in the scan -> needs review. Replication to an account outside the scan -> needs review.",
    crossResource:
      'The subject is the storage account (its managementPolicies, blobServices and objectReplicationPolicies children are evidence); container immutabilityPolicies are evaluated on their own. Snapshot use is not visible in configuration, so a missing snapshot delete action is an advisory, not a failure (deviation from rules.yaml). Backup copies are PHI-BAK-011.',
    references: [
      `${STORAGE_SWAGGER} ManagementPolicyBaseBlob/ManagementPolicyVersion/ManagementPolicySnapShot delete actions; DeleteRetentionPolicy.days; ImmutabilityPolicyProperty; ImmutableStorageAccount; ObjectReplicationPolicyProperties`,
      'controls.md F4; payloads/storage_management_policy_get_2025-06-01.json, payloads/storage_container_immutability_policy_get_2025-06-01.json',
      'rules.yaml conventions.years_to_days; 45 CFR 164.310(d)(2)(i) (disposal)',
    ],
  },
  fix(resource, fixContext) {
    const { path } = fixContext;
    const irreversible =
      'deleting PHI is irreversible: list the blobs the rule would match (dry run) and get records-management sign-off before applying';
    const lifecyclePath = path.startsWith('managementPolicies/default');
    const actionPath = /^properties\.policy\.rules\.\d+\.definition\.actions\./.test(path);
    if (isType(resource, IMMUTABILITY_POLICY) || !(lifecyclePath || actionPath)) {
      return [
        manual(
          `PHI is kept past the retention maximum by ${path} of ${shortName(resource)} (an immutability period, legal hold or replication copy): a Locked immutability period cannot be shortened (only a new container or account ends it), and legal holds and replicas are business decisions. Decide with the records owner (${irreversible}).`,
        ),
      ];
    }
    const context = ruleContext(fixContext);
    const accountId = isType(resource, STORAGE_ACCOUNT) ? resource.id : (parentId(resource.id) ?? resource.id);
    const account = isType(resource, STORAGE_ACCOUNT) ? resource : undefined;
    const name = storageAccountName(accountId) ?? accountId;
    const scopes = bounded(blobScopes(account, name, context.config, true));
    const { softDeleteDays } = facts(account, accountId, context, []);
    // Soft delete keeps a deleted blob that much longer, so the delete action fires that much earlier.
    const within = (scope: Bounded) => Math.max(1, maxDays(scope) - softDeleteDays);
    if (actionPath) {
      // An account's findings are read from its managementPolicies/default child: the step edits that child.
      const policy = isType(resource, STORAGE_ACCOUNT) ? facts(account, accountId, context, []).policy : undefined;
      const days = Math.min(...scopes.map(within));
      return [policy ? setOn(policy, path, days, irreversible) : set(path, days, irreversible)];
    }
    return [
      lifecyclePolicy(
        scopes.map((scope, index) => {
          const days = within(scope);
          const prefix = scope.container === undefined ? undefined : scopePath(scope.container, scope.prefix);
          return {
            name: `phi-max-retention-${index + 1}`,
            enabled: true,
            type: 'Lifecycle',
            definition: {
              filters: { blobTypes: ['blockBlob'], ...(prefix ? { prefixMatch: [prefix] } : {}) },
              actions: {
                baseBlob: { delete: { daysAfterCreationGreaterThan: days } },
                version: { delete: { daysAfterCreationGreaterThan: days } },
                snapshot: { delete: { daysAfterCreationGreaterThan: days } },
              },
            },
          };
        }),
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, IMMUTABILITY_POLICY)) return checkImmutabilityPolicy(resource, context);
    if (isType(resource, STORAGE_ACCOUNT)) return checkStorage(resource, resource.id, context);
    const account = ancestorOf(resource, STORAGE_ACCOUNT, context.inventory);
    if (account) return notApplicable('evaluated on its storage account');
    // A management policy deployed to an account outside the scan is still checked against the schedule.
    const accountId = parentId(resource.id);
    if (isType(resource, MANAGEMENT_POLICY) && accountId) return checkStorage(undefined, accountId, context, resource);
    return notApplicable('evaluated with its storage account, which is not in the scan');
  },
});

import type { DataClass } from '../../../core/config.js';
import { lookup, sameText } from '../../../core/path.js';
import { type Outcome, type Resource, Unresolved } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type RuleContext, unknown } from '../../define.js';
import { manual } from '../fixes.js';
import {
  BV_POLICY,
  COSMOS,
  MYSQL_FLEXIBLE,
  PG_FLEXIBLE,
  type Retention,
  RSV_POLICY,
  retentionsOf,
  SQL_LTR,
} from './retention.js';
import { classesOfResource, describeDays, formatDays, SCHEDULE, yearsToDays } from './schedule.js';
import { ancestorOf, BACKUP_VAULT, BV_SWAGGER, isType, RSV, RSV_SWAGGER, shortName } from './shared.js';

const PROTECTED_ITEM = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems';
const BACKUP_INSTANCE = 'Microsoft.DataProtection/backupVaults/backupInstances';

interface ClassUse {
  dataClass: DataClass;
  via: string;
}

type Linkage = { classes: ClassUse[] } | { outcome: Outcome };

function idOf(resource: Resource, paths: string[]): string | Unresolved | undefined {
  for (const path of paths) {
    const found = lookup(resource, path);
    if (found.kind === 'unresolved') return new Unresolved(found.expression, found.at);
    if (found.kind === 'present' && typeof found.value === 'string') return found.value;
  }
  return undefined;
}

/**
 * The data classes a vault backup policy protects: the classes of the PHI datasources of the protected items /
 * backup instances linked to it. With no item of the vault in the scan (live snapshots list them separately), the
 * vault's own classification stands in.
 */
function vaultPolicyClasses(policy: Resource, context: RuleContext): Linkage {
  const rsv = isType(policy, RSV_POLICY);
  const vault = ancestorOf(policy, rsv ? RSV : BACKUP_VAULT, context.inventory);
  const vaultPrefix = `${(vault?.id ?? policy.id.slice(0, policy.id.toLowerCase().lastIndexOf('/backuppolicies/'))).toLowerCase()}/`;
  const items = context.inventory
    .byType(rsv ? PROTECTED_ITEM : BACKUP_INSTANCE)
    .filter((item) => item.id.toLowerCase().startsWith(vaultPrefix));
  if (items.length === 0) {
    const count = lookup(policy, 'properties.protectedItemsCount');
    if (count.kind === 'present' && count.value === 0) return { outcome: notApplicable('the policy protects no item') };
    return {
      classes: classesOfResource(vault, context.config).map(({ dataClass, via }) => ({
        dataClass,
        via: `vault ${vault ? shortName(vault) : '(not in scan)'}: ${via}`,
      })),
    };
  }
  const policyPaths = rsv ? ['properties.policyId'] : ['properties.policyInfo.policyId'];
  const sourcePaths = rsv
    ? ['properties.sourceResourceId', 'properties.virtualMachineId']
    : ['properties.dataSourceInfo.resourceID'];
  const classes: ClassUse[] = [];
  let unresolvedLink: Unresolved | undefined;
  let linked = 0;
  for (const item of items) {
    const policyId = idOf(item, policyPaths);
    if (policyId instanceof Unresolved) {
      unresolvedLink ??= policyId;
      continue;
    }
    if (policyId?.toLowerCase() !== policy.id.toLowerCase()) continue;
    linked++;
    const sourceId = idOf(item, sourcePaths);
    const source = typeof sourceId === 'string' ? context.inventory.byId(sourceId) : undefined;
    if (source) {
      if (!context.isPhi(source)) continue;
      for (const use of classesOfResource(source, context.config)) {
        classes.push({ dataClass: use.dataClass, via: `protects ${shortName(source)}: ${use.via}` });
      }
    } else if (context.isPhi(item)) {
      for (const use of classesOfResource(vault, context.config)) {
        classes.push({
          dataClass: use.dataClass,
          via: `protects ${shortName(item)} (datasource not in scan): ${use.via}`,
        });
      }
    }
  }
  if (classes.length > 0) return { classes };
  if (unresolvedLink) {
    return {
      outcome: unknown(
        { path: policyPaths[0], expression: unresolvedLink.expression, at: unresolvedLink.at },
        'which items this policy protects depends on an unresolved policy id',
      ),
    };
  }
  return {
    outcome: notApplicable(
      linked === 0 ? 'the policy protects no item in the scan' : 'the policy protects no PHI item',
    ),
  };
}

function classesOf(resource: Resource, context: RuleContext): Linkage {
  if (isType(resource, RSV_POLICY) || isType(resource, BV_POLICY)) return vaultPolicyClasses(resource, context);
  const holder = isType(resource, SQL_LTR)
    ? ancestorOf(resource, 'Microsoft.Sql/servers/databases', context.inventory)
    : resource;
  return { classes: classesOfResource(holder, context.config) };
}

function lockedNote(resource: Resource, context: RuleContext): string {
  const vault = ancestorOf(resource, RSV, context.inventory) ?? ancestorOf(resource, BACKUP_VAULT, context.inventory);
  if (!vault) return '';
  const state = context.read(vault, 'properties.securitySettings.immutabilitySettings.state');
  return state.state !== 'unknown' && sameText(state.value, 'Locked')
    ? `. Vault ${shortName(vault)} has Locked immutability (PHI-BAK-006): these recovery points cannot be deleted before they expire`
    : '';
}

function describeHolder(resource: Resource): string {
  if (isType(resource, RSV_POLICY) || isType(resource, BV_POLICY)) return `Backup policy '${shortName(resource)}'`;
  if (isType(resource, SQL_LTR))
    return `Long-term retention of database '${resource.name.split('/')[1] ?? resource.name}'`;
  return `Backups of '${shortName(resource)}'`;
}

export default defineRule({
  id: 'PHI-BAK-011',
  title: 'Backup retention conflicts with the PHI retention schedule',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.310(d)(2)(iv)', type: 'A' },
    { cite: '164.316(b)(2)(i)', type: 'R' },
  ],
  phiScoped: true,
  types: [RSV_POLICY, BV_POLICY, SQL_LTR, PG_FLEXIBLE, MYSQL_FLEXIBLE, COSMOS],
  policies: [],
  remediation: {
    az: 'az backup policy set -g "$RG" -v "$RSV" --policy @policy-within-schedule.json\naz sql db ltr-policy set -g "$RG" -s "$SERVER" -n "$DB" --weekly-retention P12W --monthly-retention P12M --yearly-retention P10Y --week-of-year 1',
    arm: '{"properties": {"retentionPolicy": {"retentionPolicyType": "LongTermRetentionPolicy", "yearlySchedule": {"retentionDuration": {"count": 10, "durationType": "Years"}}}}}',
    terraform: 'retention_yearly { count = 10 weekdays = ["Sunday"] weeks = ["First"] months = ["January"] }',
    note: 'Shortening retention deletes existing recovery points past the new limit (not possible under Locked immutability); lengthening applies to new recovery points only.',
  },
  docs: {
    evaluation:
      'Effective retention = the longest duration a backup resource keeps recovery points: Recovery Services backupPolicies properties.retentionPolicy (and subProtectionPolicy[].retentionPolicy, vaultRetentionPolicy.vaultRetention) daily/weekly/monthly/yearlySchedule.retentionDuration or retentionDuration {count, durationType}, plus instantRpRetentionRangeInDays; Data Protection backupPolicies policyRules[objectType AzureRetentionRule].lifecycles[].deleteAfter.duration (ISO 8601, longest across VaultStore/ArchiveStore); SQL backupLongTermRetentionPolicies weekly/monthly/yearlyRetention (ISO 8601); PostgreSQL/MySQL flexible properties.backup.backupRetentionDays; Cosmos DB periodic backupRetentionIntervalInHours or continuous tier. Years convert with the Log Analytics table (10 years = 3653 days), months consistently (120 months = 3653 days). Fails (a) when the longest retention exceeds days_for(max_years) + retention.backups.max_grace_days (unauthorized persistence), or (b) with retention.backups.role archive, when it is shorter than days_for(min_years). Messages cite the conflict with the retention schedule in .phiguard.yaml; HIPAA sets no retention period for PHI.',
    absent:
      'A vault policy linked to no item in the scan (its vault has items, none linked; or a live protectedItemsCount of 0) -> not applicable; one that protects only non-PHI datasources -> not applicable. A class without max_years is only checked for (b); with the operational role it is not applicable. Absent durations use the service defaults (PostgreSQL/MySQL 7 days, Cosmos DB periodic 8 hours / continuous 30 days, SQL LTR none).',
    unresolvable:
      'An unresolved duration, policy-to-item link (protectedItems policyId, backupInstances policyInfo.policyId) -> needs review.',
    crossResource:
      "PHI-ness and the data class come from the protected datasource (protectedItems sourceResourceId, backupInstances dataSourceInfo.resourceID, the database of an LTR policy); when the vault has no item in the scan (live snapshots list items separately), the vault's classification and tags stand in. A Locked vault immutability (PHI-BAK-006) makes a too-long retention irreversible and is reported in the same message.",
    references: [
      `${RSV_SWAGGER} LongTermRetentionPolicy / SimpleRetentionPolicy RetentionDuration.{count,durationType}`,
      `${BV_SWAGGER} AzureRetentionRule.lifecycles[].deleteAfter (AbsoluteDeleteOption.duration)`,
      'controls.md F3; payloads/backup_policy_get_2025-07-01.json (P1W / P12W)',
      'rules.yaml conventions.years_to_days; 45 CFR 164.316(b)(2)(i) concerns documentation, not PHI retention',
    ],
  },
  fix: (resource, { path, config }) => [
    manual(
      `Change the retention at ${path} of ${describeHolder(resource)} to fit the data-class schedule (${config.retention.dataClasses.map((c) => `${c.name}: ${c.minYears}-${c.maxYears ?? 'no max'} years`).join('; ')}). Shortening deletes existing recovery points past the new limit (impossible under Locked immutability) and lengthening applies only to new ones, so the records owner decides.`,
    ),
  ],
  check(resource, context) {
    const linkage = classesOf(resource, context);
    if ('outcome' in linkage) return linkage.outcome;
    const { retention } = context.config;
    const archive = retention.backups.role === 'archive';
    const uses = new Map<string, ClassUse>();
    for (const use of linkage.classes) if (!uses.has(use.dataClass.name)) uses.set(use.dataClass.name, use);
    const relevant = [...uses.values()].filter((use) => use.dataClass.maxYears !== null || archive);
    if (relevant.length === 0) {
      return notApplicable(
        `data class ${[...uses.keys()].join(', ') || '(none)'} sets no max_years and retention.backups.role is operational`,
      );
    }
    const found = retentionsOf(resource, context);
    if ('blocked' in found) return found.blocked;
    const longest = found.retentions.reduce<Retention | undefined>(
      (best, r) => (!best || r.days > best.days ? r : best),
      undefined,
    );
    if (!longest) {
      return unknown(
        { path: 'properties', expression: 'no retention duration', at: resource.at },
        'no retention duration was found, so how long recovery points are kept cannot be determined',
      );
    }
    const holder = describeHolder(resource);
    const outcomes: Outcome[] = [];
    for (const { dataClass, via } of relevant) {
      if (dataClass.maxYears !== null) {
        const limit = yearsToDays(dataClass.maxYears) + retention.backups.maxGraceDays;
        if (longest.days > limit) {
          const grace = retention.backups.maxGraceDays > 0 ? ` plus ${retention.backups.maxGraceDays} grace days` : '';
          outcomes.push(
            fail(longest.read, {
              expected: `at most ${limit} days`,
              message: `${holder} keeps recovery points up to ${formatDays(longest.days)} (${longest.label}), longer than the ${dataClass.name} maximum of ${describeDays(dataClass.maxYears)}${grace} (${via}): PHI copies persist past the schedule; this conflicts with ${SCHEDULE}${lockedNote(resource, context)}`,
            }),
          );
        }
      }
      if (archive) {
        const minimum = yearsToDays(dataClass.minYears);
        if (longest.days < minimum) {
          outcomes.push(
            fail(longest.read, {
              expected: `at least ${minimum} days (retention.backups.role archive)`,
              message: `${holder} keeps recovery points at most ${formatDays(longest.days)} (${longest.label}), less than the ${dataClass.name} minimum of ${describeDays(dataClass.minYears)} (${via}), while retention.backups.role is archive (backups must also meet the minimum); this conflicts with ${SCHEDULE}`,
            }),
          );
        }
      }
    }
    if (outcomes.length > 0) return outcomes;
    return {
      verdict: 'pass',
      path: longest.read.path,
      actual: longest.days,
      message: `${holder} keeps recovery points up to ${formatDays(longest.days)} (${longest.label}), within the schedule of ${relevant.map((use) => use.dataClass.name).join(', ')}`,
    };
  },
});

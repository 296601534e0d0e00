// How long each backup format keeps recovery points (controls.md F3): Recovery Services retention schedules, Data
// Protection retention rules (ISO 8601), SQL long-term retention, PostgreSQL/MySQL flexible server and Cosmos DB
// backup policies. The effective retention of a policy is its longest duration.
import { sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { type PathRead, type RuleContext, unknown } from '../../define.js';
import { countDurationDays, isoDurationDays } from './schedule.js';
import { describeValue, isType, type KnownRead } from './shared.js';

export const RSV_POLICY = 'Microsoft.RecoveryServices/vaults/backupPolicies';
export const BV_POLICY = 'Microsoft.DataProtection/backupVaults/backupPolicies';
export const SQL_LTR = 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies';
export const PG_FLEXIBLE = 'Microsoft.DBforPostgreSQL/flexibleServers';
export const MYSQL_FLEXIBLE = 'Microsoft.DBforMySQL/flexibleServers';
export const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';

export interface Retention {
  days: number;
  /** What keeps the data that long (e.g. "yearlySchedule 10 Years"). */
  label: string;
  read: KnownRead;
}

export type Retentions = { retentions: Retention[] } | { blocked: Outcome };

function notADuration(read: KnownRead, what: string): Outcome {
  return unknown(
    { path: read.path, expression: describeValue(read.value), at: read.at },
    `${read.path} (${describeValue(read.value)}) is not a ${what}`,
  );
}

function numeric(read: PathRead): number | undefined {
  if (read.state === 'unknown') return undefined;
  if (typeof read.value === 'number') return read.value;
  if (typeof read.value === 'string' && read.value.trim() !== '' && Number.isFinite(Number(read.value))) {
    return Number(read.value);
  }
  return undefined;
}

/** One `retentionDuration { count, durationType }`; undefined when absent. */
function countDuration(
  resource: Resource,
  path: string,
  label: string,
  context: RuleContext,
): Retention | Outcome | undefined {
  const count = context.read(resource, `${path}.count`);
  const type = context.read(resource, `${path}.durationType`);
  if (count.state === 'unknown') return unknown(count);
  if (type.state === 'unknown') return unknown(type);
  if (count.value === undefined) return undefined;
  const n = numeric(count);
  if (n === undefined) return notADuration(count, 'number');
  const days = typeof type.value === 'string' ? countDurationDays(n, type.value) : undefined;
  if (days === undefined) return notADuration(type, 'duration type (Days, Weeks, Months, Years)');
  return { days, label: `${label} ${n} ${String(type.value)}`, read: count };
}

function isOutcome(value: Retention | Outcome): value is Outcome {
  return 'verdict' in value;
}

function recoveryServices(policy: Resource, context: RuleContext): Retentions {
  const bases = ['properties.retentionPolicy', 'properties.vaultRetentionPolicy.vaultRetention'];
  const subPolicies = context.read(policy, 'properties.subProtectionPolicy');
  if (subPolicies.state === 'unknown') return { blocked: unknown(subPolicies) };
  if (Array.isArray(subPolicies.value)) {
    subPolicies.value.forEach((_, i) => {
      bases.push(`properties.subProtectionPolicy.${i}.retentionPolicy`);
    });
  }
  const retentions: Retention[] = [];
  for (const base of bases) {
    const candidates: [string, string][] = [
      [`${base}.retentionDuration`, 'retentionDuration'],
      ...['daily', 'weekly', 'monthly', 'yearly'].map((s): [string, string] => [
        `${base}.${s}Schedule.retentionDuration`,
        `${s}Schedule`,
      ]),
    ];
    for (const [path, label] of candidates) {
      const found = countDuration(policy, path, label, context);
      if (!found) continue;
      if (isOutcome(found)) return { blocked: found };
      retentions.push(found);
    }
  }
  const instant = context.read(policy, 'properties.instantRpRetentionRangeInDays');
  if (instant.state === 'unknown') return { blocked: unknown(instant) };
  const instantDays = numeric(instant);
  if (instantDays !== undefined) {
    retentions.push({ days: instantDays, label: `instant restore snapshots ${instantDays} days`, read: instant });
  }
  return { retentions };
}

function dataProtection(policy: Resource, context: RuleContext): Retentions {
  const rules = context.read(policy, 'properties.policyRules');
  if (rules.state === 'unknown') return { blocked: unknown(rules) };
  const retentions: Retention[] = [];
  const count = Array.isArray(rules.value) ? rules.value.length : 0;
  for (let i = 0; i < count; i++) {
    const base = `properties.policyRules.${i}`;
    const kind = context.read(policy, `${base}.objectType`);
    if (kind.state === 'unknown') return { blocked: unknown(kind) };
    if (!sameText(kind.value, 'AzureRetentionRule')) continue;
    const name = context.read(policy, `${base}.name`);
    const ruleName = name.state !== 'unknown' && typeof name.value === 'string' ? name.value : `policyRules[${i}]`;
    const lifecycles = context.read(policy, `${base}.lifecycles`);
    if (lifecycles.state === 'unknown') return { blocked: unknown(lifecycles) };
    const n = Array.isArray(lifecycles.value) ? lifecycles.value.length : 0;
    for (let j = 0; j < n; j++) {
      const duration = context.read(policy, `${base}.lifecycles.${j}.deleteAfter.duration`);
      if (duration.state === 'unknown') return { blocked: unknown(duration) };
      if (duration.value === undefined) continue;
      const days = typeof duration.value === 'string' ? isoDurationDays(duration.value) : undefined;
      if (days === undefined) return { blocked: notADuration(duration, 'ISO 8601 duration') };
      const store = context.read(policy, `${base}.lifecycles.${j}.sourceDataStore.dataStoreType`);
      const where = store.state !== 'unknown' && typeof store.value === 'string' ? ` in ${store.value}` : '';
      retentions.push({ days, label: `retention rule ${ruleName} ${duration.value}${where}`, read: duration });
    }
  }
  return { retentions };
}

function isoFields(resource: Resource, fields: string[], context: RuleContext): Retentions {
  const retentions: Retention[] = [];
  for (const field of fields) {
    const value = context.read(resource, `properties.${field}`);
    if (value.state === 'unknown') return { blocked: unknown(value) };
    if (value.value === undefined) continue;
    const days = typeof value.value === 'string' ? isoDurationDays(value.value) : undefined;
    if (days === undefined) return { blocked: notADuration(value, 'ISO 8601 duration') };
    retentions.push({ days, label: `${field} ${value.value}`, read: value });
  }
  return { retentions };
}

function single(
  resource: Resource,
  path: string,
  context: RuleContext,
  toDays: (n: number) => number,
  unit: string,
): Retentions {
  const value = context.read(resource, path);
  if (value.state === 'unknown') return { blocked: unknown(value) };
  if (value.value === undefined) return { retentions: [] };
  const n = numeric(value);
  if (n === undefined) return { blocked: notADuration(value, 'number') };
  return { retentions: [{ days: toDays(n), label: `${path.split('.').pop()} ${n} ${unit}`, read: value }] };
}

function cosmos(account: Resource, context: RuleContext): Retentions {
  const type = context.read(account, 'properties.backupPolicy.type');
  if (type.state === 'unknown') return { blocked: unknown(type) };
  if (sameText(type.value, 'Continuous')) {
    const tier = context.read(account, 'properties.backupPolicy.continuousModeProperties.tier');
    if (tier.state === 'unknown') return { blocked: unknown(tier) };
    const days = typeof tier.value === 'string' ? Number(/^Continuous(\d+)Days$/i.exec(tier.value)?.[1]) : Number.NaN;
    if (!Number.isFinite(days)) return { blocked: notADuration(tier, 'continuous backup tier') };
    return { retentions: [{ days, label: `continuous backup tier ${String(tier.value)}`, read: tier }] };
  }
  return single(
    account,
    'properties.backupPolicy.periodicModeProperties.backupRetentionIntervalInHours',
    context,
    (hours) => hours / 24,
    'hours',
  );
}

/** Every duration a backup resource keeps recovery points for; the caller takes the longest. */
export function retentionsOf(resource: Resource, context: RuleContext): Retentions {
  if (isType(resource, RSV_POLICY)) return recoveryServices(resource, context);
  if (isType(resource, BV_POLICY)) return dataProtection(resource, context);
  if (isType(resource, SQL_LTR)) {
    return isoFields(resource, ['weeklyRetention', 'monthlyRetention', 'yearlyRetention'], context);
  }
  if (isType(resource, PG_FLEXIBLE) || isType(resource, MYSQL_FLEXIBLE)) {
    return single(resource, 'properties.backup.backupRetentionDays', context, (n) => n, 'days');
  }
  return cosmos(resource, context);
}

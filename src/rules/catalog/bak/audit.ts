// Which storage accounts and containers hold audit logs (PHI-BAK-004), and whether a time-based immutability policy
// keeps them for the audit-log retention period.

import type { Inventory } from '../../../core/inventory.js';
import { asBoolean, lookup, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { fail, type RuleContext, unknown } from '../../define.js';
import { storageAccountName } from './schedule.js';
import { containersOfAccount, describeValue, type KnownRead, shortName } from './shared.js';

/** Containers Azure Monitor, SQL auditing and Log Analytics data export create for audit data. */
const AUDIT_CONTAINERS = [/^insights-logs-/, /^insights-activity-logs$/, /^sqldbauditlogs$/, /^am-/];

export function isAuditContainerName(name: string): boolean {
  return AUDIT_CONTAINERS.some((pattern) => pattern.test(name.toLowerCase()));
}

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/[^/]+\/?$/i;

function configured(accountId: string, context: RuleContext): boolean {
  const name = storageAccountName(accountId)?.toLowerCase();
  return context.config.logging.auditStorageAccounts.some(
    (entry) => entry.toLowerCase() === accountId.toLowerCase() || entry.toLowerCase() === name,
  );
}

function stringAt(resource: Resource, path: string): string | undefined {
  const found = lookup(resource, path);
  return found.kind === 'present' && typeof found.value === 'string' ? found.value : undefined;
}

const SQL_AUDIT_TYPES = [
  'Microsoft.Sql/servers/auditingSettings',
  'Microsoft.Sql/servers/extendedAuditingSettings',
  'Microsoft.Sql/servers/databases/auditingSettings',
  'Microsoft.Sql/servers/databases/extendedAuditingSettings',
];
const DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';
const DATA_EXPORTS = 'Microsoft.OperationalInsights/workspaces/dataExports';

/** Audit-log writers by destination: storage account id for diagnostic settings and data exports, account name for SQL auditing. */
interface WriterIndex {
  seen: Map<string, number>;
  byDestination: Map<string, Resource[]>;
}

const writerIndexes = new WeakMap<Inventory, WriterIndex>();

/**
 * Every audit-log writer in the inventory by destination, extended with what arrived since the last call (Inventory
 * type lists only grow): asking every account to scan every setting was quadratic on large estates.
 */
function writersOf(inventory: Inventory): WriterIndex {
  let index = writerIndexes.get(inventory);
  if (!index) {
    index = { seen: new Map(), byDestination: new Map() };
    writerIndexes.set(inventory, index);
  }
  for (const type of [DIAGNOSTIC_SETTINGS, DATA_EXPORTS, ...SQL_AUDIT_TYPES]) {
    const resources = inventory.byType(type);
    for (let i = index.seen.get(type) ?? 0; i < resources.length; i++) {
      const writer = resources[i];
      let destination: string | undefined;
      if (type === DIAGNOSTIC_SETTINGS) destination = stringAt(writer, 'properties.storageAccountId');
      else if (type === DATA_EXPORTS) destination = stringAt(writer, 'properties.destination.resourceId');
      else {
        const endpoint = stringAt(writer, 'properties.storageEndpoint');
        destination = endpoint ? /^https?:\/\/([^./]+)\./i.exec(endpoint)?.[1] : undefined;
      }
      if (!destination) continue;
      const key = destination.toLowerCase();
      const list = index.byDestination.get(key);
      if (list) list.push(writer);
      else index.byDestination.set(key, [writer]);
    }
    index.seen.set(type, resources.length);
  }
  return index;
}

/** Why the account holds audit logs, or undefined when nothing in the scan or the config says it does. */
export function auditDestination(account: Resource, context: RuleContext): string | undefined {
  const id = account.id.toLowerCase();
  const name = storageAccountName(account.id)?.toLowerCase() ?? shortName(account).toLowerCase();
  if (configured(account.id, context)) return 'listed in logging.audit_storage_accounts';
  const { inventory } = context;
  const writers = writersOf(inventory).byDestination;
  for (const setting of writers.get(id) ?? []) {
    if (!sameText(setting.type, DIAGNOSTIC_SETTINGS)) continue;
    const scope = setting.scope;
    const source = scope ? inventory.byId(scope) : undefined;
    // Audit logs of PHI resources and the activity log (subscription scope) must be kept; others are not audit trails of PHI.
    if ((scope && SUBSCRIPTION_SCOPE.test(scope)) || (source && context.isPhi(source))) {
      return `diagnostic setting ${shortName(setting)} sends ${source ? `${shortName(source)} ` : 'activity '}logs here`;
    }
  }
  for (const setting of writers.get(name) ?? []) {
    if (
      SQL_AUDIT_TYPES.some((type) => sameText(setting.type, type)) &&
      !sameText(stringAt(setting, 'properties.state'), 'Disabled')
    ) {
      return `SQL auditing (${setting.name}) writes audit records here`;
    }
  }
  for (const exported of writers.get(id) ?? []) {
    if (sameText(exported.type, DATA_EXPORTS)) return `Log Analytics data export ${exported.name} writes here`;
  }
  const containers = containersOfAccount(account, inventory).filter((c) => isAuditContainerName(shortName(c)));
  if (containers.length > 0) return `it holds audit container(s) ${containers.map(shortName).join(', ')}`;
  return undefined;
}

/** A container holds audit logs: an audit container name, or any container of a configured audit account. */
export function isAuditContainer(containerId: string, context: RuleContext): boolean {
  const name = /\/containers\/([^/]+)/i.exec(containerId)?.[1] ?? '';
  return isAuditContainerName(name) || configured(containerId, context);
}

/**
 * Problems of a time-based immutability policy at `base` (container `properties`, or account
 * `properties.immutableStorageWithVersioning.immutabilityPolicy`) against retention.audit_logs: fail and unknown
 * outcomes; none = compliant.
 */
export function policyProblems(
  resource: Resource,
  base: string,
  context: RuleContext,
  appendPaths: string[],
): Outcome[] {
  const { minDays, requireLockedImmutability } = context.config.retention.auditLogs;
  const expected = `immutability period >= ${minDays} days, state Locked, protected append writes allowed`;
  const problems: Outcome[] = [];
  const period = context.read(resource, `${base}.immutabilityPeriodSinceCreationInDays`);
  if (period.state === 'unknown') problems.push(unknown(period));
  else if (typeof period.value !== 'number') {
    problems.push(fail(period, { expected, message: 'The immutability policy sets no retention period' }));
  } else if (period.value < minDays) {
    problems.push(
      fail(period, {
        expected,
        message: `Audit logs are immutable for ${period.value} day(s) only, less than retention.audit_logs.min_days (${minDays}) in your retention schedule (.phiguard.yaml): they can be deleted or altered before then`,
      }),
    );
  }
  const state = context.read(resource, `${base}.state`);
  if (state.state === 'unknown') problems.push(unknown(state));
  else if (sameText(state.value, 'Unlocked')) {
    if (requireLockedImmutability) {
      problems.push(
        fail(state, {
          expected,
          message:
            'The immutability policy is Unlocked: an administrator can shorten or delete it, so the audit trail is not tamper-proof (retention.audit_logs.require_locked_immutability)',
        }),
      );
    }
  } else if (!sameText(state.value, 'Locked')) {
    problems.push(
      fail(state, {
        expected,
        message: `The immutability policy state is ${describeValue(state.value)}, so it does not protect the audit logs`,
      }),
    );
  }
  const appends = appendPaths.map((path) => context.read(resource, `${base}.${path}`));
  const blocked = appends.find((read) => read.state === 'unknown');
  if (appends.some((read) => read.state !== 'unknown' && asBoolean(read.value) === true)) {
    // Appends allowed by one of the flags.
  } else if (blocked) {
    problems.push(unknown(blocked));
  } else {
    problems.push(
      fail(appends[0], {
        expected,
        message:
          'Protected append writes are not allowed: diagnostic logs are append blobs, so log delivery into the immutable container fails',
      }),
    );
  }
  return problems;
}

export const ACCOUNT_POLICY = 'properties.immutableStorageWithVersioning.immutabilityPolicy';

/**
 * The account-level (version-level) default policy: `compliant`, `problems` when enabled but short or unlocked (or
 * `enabled` is unresolved), or `off` with the read of `enabled`.
 */
export function accountPolicy(
  account: Resource,
  context: RuleContext,
): { kind: 'compliant' } | { kind: 'problems'; outcomes: Outcome[] } | { kind: 'off'; enabled: KnownRead } {
  const enabled = context.read(account, 'properties.immutableStorageWithVersioning.enabled');
  if (enabled.state === 'unknown') return { kind: 'problems', outcomes: [unknown(enabled)] };
  if (asBoolean(enabled.value) !== true) return { kind: 'off', enabled };
  const outcomes = policyProblems(account, ACCOUNT_POLICY, context, ['allowProtectedAppendWrites']);
  return outcomes.length === 0 ? { kind: 'compliant' } : { kind: 'problems', outcomes };
}

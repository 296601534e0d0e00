// Log Analytics as an audit-log store (controls.md E1): which PHI audit logs a workspace receives, which tables they
// land in, how long each table keeps them, and whether an immutable storage copy makes up for a short retention.
// PHI-LOG-001 judges every audit table of a workspace; PHI-LOG-006 judges the table SQL auditing writes to.
import { sameText } from '../../../core/path.js';
import type { Resource, SourceLocation } from '../../../core/types.js';
import { FREE_TIER_RETENTION } from '../../defaults/log.js';
import type { PathRead, RuleContext } from '../../define.js';
import {
  isConfiguredAuditWorkspace,
  isSubscriptionId,
  providerKey,
  refersTo,
  settingsSendingTo,
  sourceIsPhi,
  typeFromId,
} from '../../propagate.js';
import { type Blocker, blockerOf } from '../net/tri.js';
import {
  DATA_EXPORT,
  describeDays,
  enabledLogs,
  IMMUTABILITY_POLICY,
  isLive,
  isType,
  numberOf,
  settingLabel,
  settingTarget,
  WORKSPACE,
  WORKSPACE_TABLE,
} from './shared.js';

/**
 * Resource-specific ("Dedicated") tables per source type, where the name is documented. Storage services always
 * write resource-specific tables (controls.md E2: blobServices -> StorageBlobLogs). Other types' table names are
 * UNVERIFIED in controls.md, so their logs count as "resource-specific tables phiguard cannot name".
 */
const STORAGE_SERVICE_TABLES: Record<string, string> = {
  'microsoft.storage/storageaccounts/blobservices': 'StorageBlobLogs',
  'microsoft.storage/storageaccounts/fileservices': 'StorageFileLogs',
  'microsoft.storage/storageaccounts/queueservices': 'StorageQueueLogs',
  'microsoft.storage/storageaccounts/tableservices': 'StorageTableLogs',
};
const DEDICATED_TABLES: Record<string, string> = {
  'microsoft.keyvault/vaults': 'AZKVAuditLogs',
  'microsoft.sql/servers/databases': 'SQLSecurityAuditEvents',
};

/** One diagnostic setting that sends logs of a PHI resource (or PHI subscription) to a workspace. */
export interface AuditFeed {
  setting: Resource;
  /** The logged resource or subscription. */
  source: string;
  /** Tables it writes: named, unnamed resource-specific tables (undefined), or unknown (blocker). */
  tables: string[] | undefined | Blocker;
}

function isBlocker(value: unknown): value is Blocker {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'expression' in value;
}

/** The workspace tables a setting's logs land in (controls.md E2, E3). */
export function tablesOf(setting: Resource, context: RuleContext): string[] | undefined | Blocker {
  const source = settingTarget(setting);
  if (!source) return undefined;
  if (isSubscriptionId(source)) return ['AzureActivity'];
  const type = typeFromId(source);
  const storage = STORAGE_SERVICE_TABLES[type];
  if (storage) return [storage];
  const destination = context.read(setting, 'properties.logAnalyticsDestinationType');
  if (destination.state === 'unknown') return blockerOf(destination);
  if (!sameText(destination.value, 'Dedicated')) return ['AzureDiagnostics'];
  const dedicated = DEDICATED_TABLES[type];
  return dedicated ? [dedicated] : undefined;
}

/** Settings that send logs of PHI resources to this workspace (settings with metrics only write no audit table). */
export function auditFeeds(workspace: Resource, context: RuleContext): AuditFeed[] {
  const feeds: AuditFeed[] = [];
  for (const setting of settingsSendingTo(context.inventory, workspace, 'workspaceId')) {
    const logs = enabledLogs(setting, context);
    if (!logs.blocker && logs.groups.size === 0 && logs.categories.size === 0) continue;
    if (!sourceIsPhi(setting, context)) continue;
    feeds.push({ setting, source: settingTarget(setting) ?? setting.id, tables: tablesOf(setting, context) });
  }
  return feeds;
}

/** A workspace holds PHI audit logs when it is configured as such or PHI resources log to it. */
export function isAuditWorkspace(workspace: Resource, context: RuleContext): boolean {
  return isConfiguredAuditWorkspace(workspace, context.config) || auditFeeds(workspace, context).length > 0;
}

/** How long a table keeps its data, and which property decided it. */
export interface Retention {
  days: number;
  /** The read that decided (its line is where a fix goes). */
  read: PathRead;
  /** "table totalRetentionInDays", "workspace retentionInDays"... */
  via: string;
  table?: Resource;
}

export function tableResource(workspace: Resource, name: string, context: RuleContext): Resource | undefined {
  return context.inventory
    .related(workspace, 'children')
    .find((child) => isType(child, WORKSPACE_TABLE) && sameText(child.name.split('/').pop(), name));
}

export function declaredTables(workspace: Resource, context: RuleContext): Resource[] {
  return context.inventory.related(workspace, 'children').filter((child) => isType(child, WORKSPACE_TABLE));
}

/** Workspace retention: the Free tier keeps 7 days; otherwise retentionInDays (absent -> 30, defaults table). */
export function workspaceRetention(workspace: Resource, context: RuleContext): Retention | Blocker {
  const sku = context.read(workspace, 'properties.sku.name');
  if (sku.state === 'unknown') return blockerOf(sku);
  const days = context.read(workspace, 'properties.retentionInDays');
  if (sameText(sku.value, 'Free')) {
    return { days: FREE_TIER_RETENTION.days, read: sku, via: `workspace sku Free (${FREE_TIER_RETENTION.because})` };
  }
  if (days.state === 'unknown') return blockerOf(days);
  const value = numberOf(days.value);
  if (value === undefined) {
    return { path: days.path, expression: String(days.value), at: days.at, message: `${days.path} is not a number` };
  }
  return { days: value, read: days, via: 'workspace retentionInDays' };
}

/**
 * Effective total retention of one table: table totalRetentionInDays, else table retentionInDays, else the
 * workspace retention (rules.yaml PHI-LOG-001). -1 on a table means "use the default" (Tables.json 2025-02-01).
 */
export function tableRetention(workspace: Resource, name: string, context: RuleContext): Retention | Blocker {
  const table = tableResource(workspace, name, context);
  if (table) {
    for (const [path, via] of [
      ['properties.totalRetentionInDays', 'table totalRetentionInDays'],
      ['properties.retentionInDays', 'table retentionInDays'],
    ] as const) {
      const read = context.read(table, path);
      if (read.state === 'unknown') return blockerOf(read);
      const days = numberOf(read.value);
      if (days !== undefined && days >= 0) return { days, read, via: `${via} of ${name}`, table };
    }
  }
  return workspaceRetention(workspace, context);
}

const STORAGE_ACCOUNT_PREFIX = /^(.*\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)/i;

/**
 * A time-based immutability policy of at least `minDays` on a container of the account whose name starts with
 * `prefix`: diagnostic settings write to insights-logs-<category> containers, data exports to am-<table>
 * (platform naming; UNVERIFIED in controls.md). Whether the policy is locked is PHI-BAK-004's question.
 */
export function immutableArchive(
  account: string,
  prefix: string,
  context: RuleContext,
): { container: string; days: number } | Blocker | undefined {
  const accountKey = providerKey(account);
  let blocker: Blocker | undefined;
  for (const policy of context.inventory.byType(IMMUTABILITY_POLICY)) {
    const owner = STORAGE_ACCOUNT_PREFIX.exec(policy.id)?.[1];
    if (!owner) continue;
    const sameAccount = isLive(policy) ? sameText(owner, account) : providerKey(owner) === accountKey;
    if (!sameAccount) continue;
    const container = policy.id.split('/').slice(-3)[0] ?? '';
    if (!container.toLowerCase().startsWith(prefix)) continue;
    const period = context.read(policy, 'properties.immutabilityPeriodSinceCreationInDays');
    if (period.state === 'unknown') {
      blocker ??= blockerOf(period);
      continue;
    }
    const days = numberOf(period.value);
    if (days !== undefined && days >= context.config.retention.auditLogs.minDays) return { container, days };
  }
  return blocker;
}

export type TableVerdict =
  | { state: 'ok'; table: string; message: string; path: string; days?: number }
  | { state: 'short'; table: string; retention: Retention; message: string }
  | { state: 'unknown'; table: string; blocker: Blocker };

/**
 * One audit table: kept long enough in the workspace, or also copied to storage under an immutability policy
 * (every feed's setting sends to such an account, or an enabled data export of the table does).
 */
export function judgeTable(workspace: Resource, table: string, feeds: AuditFeed[], context: RuleContext): TableVerdict {
  const minDays = context.config.retention.auditLogs.minDays;
  const retention = tableRetention(workspace, table, context);
  if (isBlocker(retention)) return { state: 'unknown', table, blocker: retention };
  if (retention.days >= minDays) {
    return {
      state: 'ok',
      table,
      path: retention.read.path,
      days: retention.days,
      message: `${table} keeps audit logs ${describeDays(retention.days)} (${retention.via})`,
    };
  }
  const archive = archivedImmutably(workspace, table, feeds, context);
  if (archive !== undefined && !isBlocker(archive)) {
    return {
      state: 'ok',
      table,
      path: archive.path,
      message: `${table} is kept ${describeDays(retention.days)} in the workspace and ${archive.message}`,
    };
  }
  if (archive !== undefined) return { state: 'unknown', table, blocker: archive };
  return {
    state: 'short',
    table,
    retention,
    message: `${table} keeps PHI audit logs ${describeDays(retention.days)} (${retention.via}), less than retention.audit_logs.min_days ${describeDays(minDays)}, and no copy goes to storage under a time-based immutability policy of that length`,
  };
}

function archivedImmutably(
  workspace: Resource,
  table: string,
  feeds: AuditFeed[],
  context: RuleContext,
): { path: string; message: string } | Blocker | undefined {
  let blocker: Blocker | undefined;
  // Every setting writing the table also sends to immutable storage.
  const writers = feeds.filter((feed) => Array.isArray(feed.tables) && feed.tables.some((t) => sameText(t, table)));
  if (writers.length > 0) {
    const archives = writers.map((feed) => {
      const account = context.read(feed.setting, 'properties.storageAccountId');
      if (account.state === 'unknown') return blockerOf(account);
      return typeof account.value === 'string' && account.value !== ''
        ? immutableArchive(account.value, 'insights-logs-', context)
        : undefined;
    });
    if (archives.every((a) => a !== undefined && !isBlocker(a))) {
      return {
        path: `diagnosticSettings/${settingLabel(writers[0].setting)}.properties.storageAccountId`,
        message: 'every diagnostic setting writing it also sends to storage under a time-based immutability policy',
      };
    }
    blocker = archives.find(isBlocker);
  }
  for (const exported of context.inventory.related(workspace, 'children').filter((c) => isType(c, DATA_EXPORT))) {
    const names = context.read(exported, 'properties.tableNames');
    if (names.state === 'unknown') {
      blocker ??= blockerOf(names);
      continue;
    }
    if (!Array.isArray(names.value) || !names.value.some((n) => typeof n === 'string' && sameText(n, table))) continue;
    const enabled = context.read(exported, 'properties.enable');
    if (enabled.state === 'unknown') {
      blocker ??= blockerOf(enabled);
      continue;
    }
    // azurerm_log_analytics_data_export_rule `enabled` defaults to false: only an explicit true exports.
    if (enabled.value !== true && !sameText(enabled.value, 'true')) continue;
    const destination = context.read(exported, 'properties.destination.resourceId');
    if (destination.state === 'unknown') {
      blocker ??= blockerOf(destination);
      continue;
    }
    if (typeof destination.value !== 'string') continue;
    const archive = immutableArchive(destination.value, 'am-', context);
    if (isBlocker(archive)) blocker ??= archive;
    else if (archive) {
      return {
        path: `dataExports/${exported.name.split('/').pop()}.properties.destination.resourceId`,
        message: `is exported by ${exported.name.split('/').pop()} to container ${archive.container} (immutable ${describeDays(archive.days)})`,
      };
    }
  }
  return blocker;
}

/** The workspace a reference names, among those in the scan. */
export function findWorkspace(reference: string, context: RuleContext): Resource | undefined {
  return context.inventory.byType(WORKSPACE).find((workspace) => refersTo(reference, workspace));
}

export function locationOf(verdict: { retention: Retention }): SourceLocation | undefined {
  return verdict.retention.read.at;
}

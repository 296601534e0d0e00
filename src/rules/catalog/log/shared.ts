// What the PHI-LOG rules share: resource types, sources, and the judgement of a diagnostic setting ("does it send
// these logs somewhere?") on which PHI-LOG-002/003/004/006/007 all rest.
import type { Inventory } from '../../../core/inventory.js';
import { asBoolean, getKey, isObject, lookup, sameText, toPlain } from '../../../core/path.js';
import type { Outcome, Resource, SourceLocation, Value } from '../../../core/types.js';
import { type FixContext, type FixStep, failAt, type PathRead, type RuleContext, unknown } from '../../define.js';
import { DIAGNOSTIC_SETTINGS, isLive, settingTarget } from '../../propagate.js';
import { diagnosticSetting, type LogSelector, setOn } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf } from '../net/tri.js';

export {
  DIAGNOSTIC_SETTINGS,
  isLive,
  isType,
  PRICING,
  STORAGE_ACCOUNT,
  settingTarget,
  WORKSPACE,
} from '../../propagate.js';
export type { Blocker } from '../net/tri.js';

export const WORKSPACE_TABLE = 'Microsoft.OperationalInsights/workspaces/tables';
export const DATA_EXPORT = 'Microsoft.OperationalInsights/workspaces/dataExports';
export const IMMUTABILITY_POLICY = 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies';
export const BLOB_SERVICE = 'Microsoft.Storage/storageAccounts/blobServices';
export const KEY_VAULT = 'Microsoft.KeyVault/vaults';
export const MANAGED_HSM = 'Microsoft.KeyVault/managedHSMs';
export const SQL_SERVER = 'Microsoft.Sql/servers';
export const SQL_DATABASE = 'Microsoft.Sql/servers/databases';
export const SERVER_AUDITING = 'Microsoft.Sql/servers/auditingSettings';
export const SERVER_EXTENDED_AUDITING = 'Microsoft.Sql/servers/extendedAuditingSettings';
export const DATABASE_AUDITING = 'Microsoft.Sql/servers/databases/auditingSettings';
export const DATABASE_EXTENDED_AUDITING = 'Microsoft.Sql/servers/databases/extendedAuditingSettings';
export const LOG_PROFILE = 'Microsoft.Insights/logProfiles';
export const ONBOARDING_STATE = 'Microsoft.SecurityInsights/onboardingStates';
export const SOLUTION = 'Microsoft.OperationsManagement/solutions';
export const ALERT_RULE = 'Microsoft.SecurityInsights/alertRules';
export const STORAGE_DEFENDER_SETTINGS = 'Microsoft.Security/defenderForStorageSettings';

export const DIAGNOSTIC_SWAGGER =
  'Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json';
export const DIAGNOSTIC_PAYLOAD = 'payloads/diagnostic_setting_get_2021-05-01-preview.json';
export const CONTROLS_E2 = 'controls.md E2 (diagnostic settings: categoryGroup audit/allLogs, retentionPolicy retired)';
export const AZURERM_DIAGNOSTIC =
  'hashicorp/terraform-provider-azurerm website/docs/r/monitor_diagnostic_setting.html.markdown (v5.2.0)';
export const SIX_YEARS_NOTE =
  'HIPAA 164.316(b)(2)(i) fixes 6 years for documentation; 6-year audit-log retention is a configurable conservative practice (retention.audit_logs.min_days), not a HIPAA text requirement for logs';

/** Where a finding about a setting points: the setting's own line, or its name in the path. */
export function settingLabel(setting: Resource): string {
  return setting.name.split('/').pop() ?? setting.name;
}

/** What an enabled log entry of a diagnostic setting must cover. Names compare case-insensitively. */
export interface LogNeed {
  /** For messages and `expected`. */
  expected: string;
  /** Category groups that suffice alone (audit, allLogs). */
  groups: readonly string[];
  /**
   * Categories that suffice together; undefined when the type's audit categories are not known, so a setting
   * listing categories only cannot be judged.
   */
  allOf?: readonly string[];
  /** Why a group that does not count falls short (e.g. "audit" for blob reads). */
  groupCaveat?: string;
}

export type SettingJudgement =
  | { state: 'ok'; setting: Resource; path: string; value: Value | undefined }
  | { state: 'bad'; setting: Resource; reason: string; path: string; at?: SourceLocation; actual?: Value }
  | { state: 'unknown'; setting: Resource; blocker: Blocker };

const DESTINATIONS = ['workspaceId', 'storageAccountId', 'eventHubAuthorizationRuleId', 'marketplacePartnerId'];

function text(read: PathRead): string | undefined {
  return read.state !== 'unknown' && typeof read.value === 'string' && read.value !== '' ? read.value : undefined;
}

/** Enabled categories and groups (lower-cased), disabled entries, and the first entry that cannot be read. */
export function enabledLogs(
  setting: Resource,
  context: RuleContext,
): {
  categories: Set<string>;
  groups: Set<string>;
  disabled: string[];
  entries: number;
  blocker?: Blocker;
  logs: PathRead;
} {
  const { read } = context;
  const logs = read(setting, 'properties.logs');
  const result = {
    categories: new Set<string>(),
    groups: new Set<string>(),
    disabled: [] as string[],
    entries: 0,
    logs,
  };
  if (logs.state === 'unknown') return { ...result, blocker: blockerOf(logs) };
  if (!Array.isArray(logs.value)) return result;
  result.entries = logs.value.length;
  let blocker: Blocker | undefined;
  for (let i = 0; i < logs.value.length; i++) {
    const base = `properties.logs.${i}`;
    const enabled = read(setting, `${base}.enabled`);
    const category = read(setting, `${base}.category`);
    const group = read(setting, `${base}.categoryGroup`);
    const names = [category, group];
    const unresolved = [enabled, ...names].find((r) => r.state === 'unknown');
    if (unresolved?.state === 'unknown') {
      blocker ??= blockerOf(unresolved);
      continue;
    }
    const label = text(group) ?? text(category) ?? `entry ${i}`;
    if (asBoolean(enabled.state === 'unknown' ? undefined : enabled.value) !== true) {
      result.disabled.push(label);
      continue;
    }
    const categoryName = text(category);
    const groupName = text(group);
    if (categoryName) result.categories.add(categoryName.toLowerCase());
    if (groupName) result.groups.add(groupName.toLowerCase());
  }
  return { ...result, blocker };
}

/** Whether any destination is named: a workspace, storage account, event hub or partner solution. */
function destination(setting: Resource, context: RuleContext): true | false | Blocker {
  let blocker: Blocker | undefined;
  for (const property of DESTINATIONS) {
    const read = context.read(setting, `properties.${property}`);
    if (read.state === 'unknown') blocker ??= blockerOf(read);
    else if (typeof read.value === 'string' && read.value.trim() !== '') return true;
  }
  return blocker ?? false;
}

/**
 * Whether one diagnostic setting sends the logs `need` asks for to a destination. logs[].retentionPolicy is
 * ignored: the feature was retired on 2025-09-30 and retention is judged at the destination.
 */
export function judgeSetting(setting: Resource, context: RuleContext, need: LogNeed): SettingJudgement {
  const logs = enabledLogs(setting, context);
  const covered =
    need.groups.some((group) => logs.groups.has(group.toLowerCase())) ||
    need.allOf?.every((category) => logs.categories.has(category.toLowerCase())) === true;
  const path = 'properties.logs';
  if (!covered) {
    if (logs.blocker) return { state: 'unknown', setting, blocker: logs.blocker };
    if (need.allOf === undefined && logs.categories.size > 0) {
      return {
        state: 'unknown',
        setting,
        blocker: {
          path,
          expression: [...logs.categories].join(', '),
          at: logs.logs.at,
          message: `diagnostic setting '${settingLabel(setting)}' enables categories ${[...logs.categories].join(', ')} only; phiguard cannot confirm they are the audit categories of this type (use categoryGroup "audit" or "allLogs")`,
        },
      };
    }
    return {
      state: 'bad',
      setting,
      path,
      at: logs.logs.at,
      actual: logs.logs.state === 'unknown' ? undefined : toPlain(logs.logs.value),
      reason: uncoveredReason(setting, context, logs, need),
    };
  }
  const sent = destination(setting, context);
  if (sent === true)
    return { state: 'ok', setting, path, value: logs.logs.state === 'unknown' ? undefined : logs.logs.value };
  if (sent === false) {
    return {
      state: 'bad',
      setting,
      path: 'properties.workspaceId',
      reason: 'it names no destination (workspace, storage account, event hub or partner)',
    };
  }
  return { state: 'unknown', setting, blocker: sent };
}

function uncoveredReason(
  setting: Resource,
  context: RuleContext,
  logs: ReturnType<typeof enabledLogs>,
  need: LogNeed,
): string {
  const enabled = [...logs.groups, ...logs.categories];
  if (enabled.length === 0) {
    if (logs.disabled.length > 0) return `its log entries are disabled (${logs.disabled.join(', ')})`;
    const metrics = context.read(setting, 'properties.metrics');
    const hasMetrics = metrics.state !== 'unknown' && Array.isArray(metrics.value) && metrics.value.length > 0;
    return hasMetrics ? 'it exports metrics only, no logs' : 'it enables no logs';
  }
  const caveat =
    need.groupCaveat && need.groups.every((g) => !logs.groups.has(g.toLowerCase())) && logs.groups.size > 0
      ? `; ${need.groupCaveat}`
      : '';
  return `it enables ${enabled.join(', ')}, not ${need.expected}${caveat}`;
}

/** Diagnostic settings extending the resource with this id (`related` takes a resource; only its id matters). */
export function settingsOn(id: string, inventory: Inventory): Resource[] {
  const stand: Resource = { id, type: '', name: '', origin: 'live', address: id };
  return inventory.related(stand, 'diagnosticSettings');
}

interface UnlinkedIndex {
  indexed: number;
  settings: Resource[];
}
const unlinkedIndexes = new WeakMap<Inventory, UnlinkedIndex>();

/** Diagnostic settings whose target is an unresolved expression: any resource may be the one they extend. */
export function unlinkedSettings(inventory: Inventory): Resource[] {
  let index = unlinkedIndexes.get(inventory);
  if (!index) {
    index = { indexed: 0, settings: [] };
    unlinkedIndexes.set(inventory, index);
  }
  const all = inventory.byType(DIAGNOSTIC_SETTINGS);
  for (; index.indexed < all.length; index.indexed++) {
    const setting = all[index.indexed];
    if (setting.scope !== undefined && !settingTarget(setting)) index.settings.push(setting);
  }
  return index.settings;
}

const unlinkedVerdicts = new WeakMap<Resource, Map<LogNeed, boolean>>();

/** Judged once per setting and need: every subject without a passing setting asks about every unlinked one. */
function couldNotPass(setting: Resource, context: RuleContext, need: LogNeed): boolean {
  let verdicts = unlinkedVerdicts.get(setting);
  if (!verdicts) {
    verdicts = new Map();
    unlinkedVerdicts.set(setting, verdicts);
  }
  let bad = verdicts.get(need);
  if (bad === undefined) {
    bad = judgeSetting(setting, context, need).state === 'bad';
    verdicts.set(need, bad);
  }
  return bad;
}

export interface AuditLoggingCheck {
  subject: Resource;
  /** Ids whose diagnostic settings count (the resource, or its blob service). */
  targets: string[];
  need: LogNeed;
  /** "Key Vault 'kv'" etc., for messages. */
  what: string;
  context: RuleContext;
  /** Added to a failure when no setting is on a target (e.g. "settings on the account itself carry metrics only"). */
  absentNote?: string;
}

/**
 * The shared verdict of "this resource has a diagnostic setting sending its audit logs": pass on the first setting
 * that does; needs review when a setting cannot be judged or one with an unresolved target may be this resource's;
 * fail when settings exist and none does, or when there is none (IaC: needs review when
 * logging.diagnostics_managed_by_policy says a policy deploys them).
 */
export function auditLoggingOutcome(check: AuditLoggingCheck): Outcome {
  const { subject, context, need, what } = check;
  const settings = check.targets.flatMap((id) => settingsOn(id, context.inventory));
  const judgements = settings.map((setting) => judgeSetting(setting, context, need));
  const ok = judgements.find((j) => j.state === 'ok');
  if (ok) {
    return {
      verdict: 'pass',
      path: `diagnosticSettings/${settingLabel(ok.setting)}.${ok.path}`,
      actual: toPlain(ok.value),
      message: `Diagnostic setting '${settingLabel(ok.setting)}' sends ${need.expected} of ${what}`,
    };
  }
  const undecided = judgements.find((j) => j.state === 'unknown');
  if (undecided?.state === 'unknown') {
    return unknown(
      { ...undecided.blocker, path: `diagnosticSettings/${settingLabel(undecided.setting)}.${undecided.blocker.path}` },
      blockerMessage(undecided.blocker),
    );
  }
  for (const setting of unlinkedSettings(context.inventory)) {
    if (couldNotPass(setting, context, need)) continue;
    return unknown(
      { path: `diagnosticSettings/${settingLabel(setting)}.scope`, expression: setting.scope ?? '', at: setting.at },
      `diagnostic setting '${settingLabel(setting)}' extends ${setting.scope}, which cannot be resolved; it may be the one of ${what}`,
    );
  }
  const bad = judgements.filter((j) => j.state === 'bad');
  if (bad.length > 0) {
    const first = bad[0];
    return failAt(`diagnosticSettings/${settingLabel(first.setting)}.${first.path}`, {
      expected: need.expected,
      actual: first.actual,
      at: first.at ?? first.setting.at,
      message: `No diagnostic setting sends ${need.expected} of ${what}: ${bad.map((j) => `'${settingLabel(j.setting)}' ${j.reason}`).join('; ')}`,
    });
  }
  if (!isLive(subject) && context.config.logging.diagnosticsManagedByPolicy) {
    return unknown(
      { path: 'diagnosticSettings', expression: 'logging.diagnostics_managed_by_policy: true', at: subject.at },
      `no diagnostic setting of ${what} is declared, and logging.diagnostics_managed_by_policy says a policy deploys them`,
    );
  }
  return failAt('diagnosticSettings', {
    expected: `a diagnostic setting with ${need.expected} and a destination`,
    message: `No diagnostic setting sends the audit logs of ${what}${check.absentNote ? ` (${check.absentNote})` : ''}`,
  });
}

/** Reads a number that ARM may also give as a numeric string. */
export function numberOf(value: Value | undefined): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Whole years as Log Analytics accepts them (rules.yaml conventions.years_to_days). */
const YEAR_DAYS = [365, 730, 1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383];
/** Table total retention accepts 4-730 or exactly these (controls.md E1). */
export const LONG_TERM_VALUES = YEAR_DAYS.slice(2);
export const MAX_TOTAL_RETENTION = 4383;

/** The smallest total retention Log Analytics accepts that is at least `minDays` (undefined beyond 12 years). */
export function acceptedTotalRetention(minDays: number): number | undefined {
  if (minDays <= 730) return Math.max(4, minDays);
  return LONG_TERM_VALUES.find((value) => value >= minDays);
}

/** "2191 days (6 years)" */
export function describeDays(days: number): string {
  const years = YEAR_DAYS.indexOf(days);
  return years >= 0 ? `${days} days (${years + 1} year${years === 0 ? '' : 's'})` : `${days} days`;
}

/**
 * The fix of an audit-logging finding (PHI-LOG-002/003/004): a setting on the target that falls short is completed
 * in place (its logs gain what `need` asks for, or it gets the configured audit workspace), since a second setting
 * beside it would duplicate its name and destination; without one, a new setting with `logs` is created.
 */
export function auditLoggingFix(
  targets: string[],
  fixContext: FixContext,
  need: LogNeed,
  create: { name: string; logs: LogSelector[]; target?: string },
): FixStep[] {
  const { path, config, inventory } = fixContext;
  const failing = /^diagnosticSettings\/([^.]+)\.(.+)$/.exec(path);
  const setting = failing
    ? targets.flatMap((id) => settingsOn(id, inventory)).find((candidate) => settingLabel(candidate) === failing[1])
    : undefined;
  if (setting && failing?.[2] === 'properties.logs') {
    const current = lookup(setting, 'properties.logs');
    return [
      setOn(setting, 'properties.logs', completedLogs(current.kind === 'present' ? current.value : undefined, need)),
    ];
  }
  const workspaceId = config.logging.auditWorkspaceIds[0];
  if (setting && failing?.[2] === 'properties.workspaceId' && workspaceId) {
    return [setOn(setting, 'properties.workspaceId', workspaceId)];
  }
  return [diagnosticSetting(config, create.name, create.logs, { target: create.target })];
}

/**
 * A setting's log entries with `need` met. Azure rejects a setting that mixes categories and category groups
 * ("Diagnostic setting does not support mix of log category and log category group", Azure/azure-rest-api-specs
 * #22719), so the entries keep the form the setting already uses: its groups gain the group, or its categories the
 * categories; a categories-only setting whose audit categories phiguard does not know switches to the group.
 */
function completedLogs(logs: Value | undefined, need: LogNeed): Value[] {
  const entries = (Array.isArray(logs) ? logs : []).filter(isObject);
  const group = need.groups[0];
  const usesGroups = entries.some((entry) => getKey(entry, 'categoryGroup') !== undefined);
  const usesCategories = entries.some((entry) => getKey(entry, 'category') !== undefined);
  if (usesCategories && !usesGroups && need.allOf) {
    const wanted = need.allOf;
    const kept = entries.filter((entry) => !wanted.some((category) => sameText(getKey(entry, 'category'), category)));
    return [...kept, ...wanted.map((category) => ({ category, enabled: true }))];
  }
  const kept = usesGroups ? entries.filter((entry) => !sameText(getKey(entry, 'categoryGroup'), group)) : [];
  return [...kept, { categoryGroup: group, enabled: true }];
}

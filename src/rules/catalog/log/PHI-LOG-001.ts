import { sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, type FixStep, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { isConfiguredAuditWorkspace, typeFromId } from '../../propagate.js';
import { logTableRetention, manual, ruleContext, set, setOn } from '../fixes.js';
import { type Blocker, blockerMessage } from '../net/tri.js';
import {
  acceptedTotalRetention,
  DATA_EXPORT,
  DIAGNOSTIC_SETTINGS,
  describeDays,
  IMMUTABILITY_POLICY,
  isType,
  MAX_TOTAL_RETENTION,
  SIX_YEARS_NOTE,
  settingLabel,
  WORKSPACE,
  WORKSPACE_TABLE,
} from './shared.js';
import {
  type AuditFeed,
  auditFeeds,
  declaredTables,
  immutableArchive,
  judgeTable,
  type Retention,
  type TableVerdict,
  tableResource,
  workspaceRetention,
} from './workspace.js';

function isBlocker(value: unknown): value is Blocker {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'expression' in value;
}

function expected(minDays: number): string {
  const accepted = acceptedTotalRetention(minDays);
  return accepted
    ? `table total retention >= ${minDays} days (totalRetentionInDays ${accepted}; accepted: 4-730, 1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383), or an immutable storage copy`
    : `an immutable storage copy of at least ${minDays} days (Log Analytics keeps at most 4383 days)`;
}

function shortfall(retention: Retention, tables: string[], minDays: number, extra = ''): Outcome {
  const read = retention.read;
  return failAt(retention.table ? `tables/${tables[0]}.${read.path}` : read.path, {
    expected: expected(minDays),
    actual: read.state === 'unknown' ? undefined : (read.value ?? retention.days),
    at: read.at,
    because: read.state === 'default' ? read.because : undefined,
    message: `PHI audit logs in ${tables.join(', ')}${extra} are kept ${describeDays(retention.days)} (${retention.via}${read.state === 'default' ? `, ${read.because}` : ''}), less than retention.audit_logs.min_days ${describeDays(minDays)}, and no copy goes to storage under a time-based immutability policy of that length`,
  });
}

function blocked(blocker: Blocker, table: string): Outcome {
  return unknown(blocker, `${blockerMessage(blocker)} (retention of audit table ${table})`);
}

/** Sources whose resource-specific tables phiguard cannot name inherit the workspace retention unless overridden. */
function unnamedOutcome(
  workspace: Resource,
  feeds: AuditFeed[],
  named: Set<string>,
  context: RuleContext,
): { outcome?: Outcome; inherits?: string } {
  const minDays = context.config.retention.auditLogs.minDays;
  const retention = workspaceRetention(workspace, context);
  const what = feeds.length
    ? `resource-specific tables of ${[...new Set(feeds.map((f) => context.inventory.byId(f.source)?.type ?? typeFromId(f.source)))].join(', ')}`
    : 'tables without their own retention (workspace listed in logging.audit_workspace_ids)';
  if (isBlocker(retention)) return { outcome: blocked(retention, what) };
  if (retention.days >= minDays) return {};
  const archived =
    feeds.length > 0 &&
    feeds.every((feed) => {
      const account = context.read(feed.setting, 'properties.storageAccountId');
      if (account.state === 'unknown' || typeof account.value !== 'string' || account.value === '') return false;
      const archive = immutableArchive(account.value, 'insights-logs-', context);
      return archive !== undefined && !isBlocker(archive);
    });
  if (archived) return {};
  const overridden = declaredTables(workspace, context)
    .map((table) => table.name.split('/').pop() ?? table.name)
    .filter((name) => ![...named].some((n) => sameText(n, name)));
  if (overridden.length > 0) {
    return {
      outcome: unknown(
        { path: retention.read.path, expression: `tables ${overridden.join(', ')}`, at: retention.read.at },
        `${what} inherit the workspace retention of ${describeDays(retention.days)} unless a table overrides it; tables ${overridden.join(', ')} are declared, and phiguard cannot tell whether they hold these logs`,
      ),
    };
  }
  return { inherits: what };
}

export default defineRule({
  id: 'PHI-LOG-001',
  title: 'Log Analytics retention shorter than the PHI audit-log retention period',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.316(b)(2)(i)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
  ],
  phiScoped: true,
  types: [WORKSPACE, WORKSPACE_TABLE, DATA_EXPORT],
  children: [WORKSPACE_TABLE, DATA_EXPORT],
  related: { types: [DIAGNOSTIC_SETTINGS, IMMUTABILITY_POLICY], phiCensus: true, keep: ['sku', 'retentionInDays'] },
  policies: [],
  remediation: {
    az: 'az monitor log-analytics workspace update -g "$RG" -n "$WS" --retention-time 730\naz monitor log-analytics workspace table update -g "$RG" --workspace-name "$WS" -n StorageBlobLogs --retention-time 730 --total-retention-time 2191',
    arm: '{"type": "Microsoft.OperationalInsights/workspaces/tables", "name": "<ws>/StorageBlobLogs", "properties": {"retentionInDays": 730, "totalRetentionInDays": 2191}}',
    bicep:
      "resource blobLogs 'Microsoft.OperationalInsights/workspaces/tables@2025-02-01' = {\n  parent: workspace\n  name: 'StorageBlobLogs'\n  properties: {\n    retentionInDays: 730\n    totalRetentionInDays: 2191\n  }\n}",
    terraform:
      'resource "azurerm_log_analytics_workspace_table" "blob" { workspace_id = azurerm_log_analytics_workspace.audit.id\n  name = "StorageBlobLogs" retention_in_days = 730 total_retention_in_days = 2191 }',
    note: '"6 years" must be 2191 (2190 is rejected). Extending retention is immediate and billed; reducing it deletes data after a 30-day grace period -- never reduce during an incident. Log Analytics is not WORM (purge API): for a tamper-evident trail also export to storage under a locked time-based immutability policy (PHI-BAK-004).',
  },
  docs: {
    evaluation: `Subject: a Log Analytics workspace that receives PHI audit logs: one listed in logging.audit_workspace_ids, or the workspaceId of diagnostic settings (with at least one enabled log) on PHI resources or on subscriptions holding PHI (activity log; SQL auditing to Azure Monitor arrives the same way through the master database's setting). Other workspaces are not applicable; table and data-export resources are evaluated through their workspace. For each audit table those settings write (storage services: StorageBlobLogs/StorageFileLogs/StorageQueueLogs/StorageTableLogs; subscription: AzureActivity; logAnalyticsDestinationType other than Dedicated: AzureDiagnostics; Dedicated Key Vault: AZKVAuditLogs; Dedicated SQL database: SQLSecurityAuditEvents) the effective total retention is the table's totalRetentionInDays, else its retentionInDays, else the workspace retentionInDays (a Free-tier workspace keeps 7 days). It must reach retention.audit_logs.min_days (default 2191 = 6 years as Log Analytics accepts it; ${SIX_YEARS_NOTE}). A shorter table still passes when its data is also copied to storage under a time-based immutability policy of at least that length: every setting writing it also sends to a storage account with such a policy on an insights-logs-* container, or an enabled data export of the table targets an account with such a policy on an am-* container. Tables inheriting the workspace retention are reported together on the workspace's retentionInDays; tables with their own retention each on their own property. Resource-specific tables of other types (names UNVERIFIED) inherit the workspace retention; if the workspace declares table overrides phiguard cannot attribute, that case needs review.`,
    absent:
      'Workspace retentionInDays absent -> 30 days (PerGB2018 default); table totalRetentionInDays/retentionInDays absent or -1 -> inherited from the workspace. Data older than the interactive retention (at most 730 days) is long-term retention: kept, but reachable only through search jobs or restore.',
    unresolvable:
      'A retention value from an unresolved parameter -> needs review; a diagnostic setting whose logAnalyticsDestinationType is unresolved leaves its tables unknown -> needs review. Settings whose workspaceId is unresolved cannot be linked to a workspace.',
    crossResource:
      'Diagnostic settings -> workspace linkage (template ids that differ only by the placeholder resource group are matched by type and name); workspaces/tables and workspaces/dataExports children; container immutabilityPolicies of the export destinations (whether they are locked is PHI-BAK-004).',
    references: [
      'Azure/azure-rest-api-specs operationalinsights 2025-02-01 Workspaces.json (retentionInDays), Tables.json (retentionInDays, totalRetentionInDays: 4-730 or 1095..4383; -1 = default)',
      'payloads/log_analytics_workspace_get_2025-02-01.json (retentionInDays 30), payloads/log_analytics_table_get_2025-02-01.json',
      'learn.microsoft.com azure-monitor/logs/data-retention-configure (interactive up to 730 days, total up to 12 years)',
      'hashicorp/terraform-provider-azurerm log_analytics_workspace (retention_in_days 30-730), log_analytics_workspace_table (total_retention_in_days accepted values)',
      'controls.md E1 (accepted values; 6 years = 2191), E2 (StorageBlobLogs), E3 (activity log); rules.yaml conventions.years_to_days',
    ],
  },
  fix(workspace, fixContext) {
    const minDays = fixContext.config.retention.auditLogs.minDays;
    const total = acceptedTotalRetention(minDays);
    if (total === undefined) {
      return [
        manual(
          `retention.audit_logs.min_days is ${minDays}, beyond the ${MAX_TOTAL_RETENTION}-day maximum Log Analytics keeps: export the audit tables to storage under a locked time-based immutability policy of that length (PHI-BAK-004), or lower min_days.`,
        ),
      ];
    }
    const declared = /^tables\/([^.]+)\./.exec(fixContext.path);
    const context = ruleContext(fixContext);
    if (declared) {
      const table = tableResource(workspace, declared[1], context);
      return [
        table
          ? setOn(table, 'properties.totalRetentionInDays', total, 'extending retention is immediate and billed')
          : logTableRetention(declared[1], total),
      ];
    }
    const steps: FixStep[] = [];
    if (fixContext.path === 'properties.sku.name') {
      steps.push(
        set(
          'properties.sku.name',
          'PerGB2018',
          'the Free tier keeps 7 days whatever the retention settings; PerGB2018 bills per GB ingested',
        ),
      );
    }
    const feeds = auditFeeds(workspace, context);
    const named = new Set<string>();
    for (const feed of feeds) if (Array.isArray(feed.tables)) for (const table of feed.tables) named.add(table);
    for (const table of [...named].sort()) {
      const verdict = judgeTable(workspace, table, feeds, context);
      if (verdict.state === 'short' && !verdict.retention.table) steps.push(logTableRetention(table, total));
    }
    if (feeds.length === 0 || feeds.some((feed) => feed.tables === undefined)) {
      steps.push(
        manual(
          `Some audit logs land in tables phiguard cannot name (resource-specific tables, or sources outside the scan), which inherit the workspace retention; a workspace keeps data at most 730 days interactively. Give each such table a total retention of ${describeDays(total)} (workspaces/tables totalRetentionInDays), or archive the logs to storage under a locked immutability policy (PHI-BAK-004).`,
        ),
      );
    }
    return steps;
  },
  check(resource, context) {
    if (!isType(resource, WORKSPACE)) return notApplicable('evaluated on its workspace');
    const feeds = auditFeeds(resource, context);
    const listed = isConfiguredAuditWorkspace(resource, context.config);
    if (feeds.length === 0 && !listed) return notApplicable('the workspace receives no audit logs of PHI resources');
    const minDays = context.config.retention.auditLogs.minDays;
    const outcomes: Outcome[] = [];
    const named = new Set<string>();
    for (const feed of feeds) if (Array.isArray(feed.tables)) for (const t of feed.tables) named.add(t);
    const verdicts: TableVerdict[] = [...named].sort().map((table) => judgeTable(resource, table, feeds, context));
    const inherited: string[] = [];
    let inheritedRetention: Retention | undefined;
    for (const verdict of verdicts) {
      if (verdict.state === 'unknown') outcomes.push(blocked(verdict.blocker, verdict.table));
      else if (verdict.state === 'short') {
        if (verdict.retention.table) outcomes.push(shortfall(verdict.retention, [verdict.table], minDays));
        else {
          inherited.push(verdict.table);
          inheritedRetention = verdict.retention;
        }
      }
    }
    for (const feed of feeds) {
      if (!isBlocker(feed.tables)) continue;
      outcomes.push(
        unknown(
          { ...feed.tables, path: `diagnosticSettings/${settingLabel(feed.setting)}.${feed.tables.path}` },
          `${blockerMessage(feed.tables)}: the tables its logs land in are unknown`,
        ),
      );
    }
    const unnamed = feeds.filter((feed) => feed.tables === undefined);
    if (unnamed.length > 0 || (listed && feeds.length === 0)) {
      const result = unnamedOutcome(resource, unnamed, named, context);
      if (result.outcome) outcomes.push(result.outcome);
      if (result.inherits) {
        const retention = workspaceRetention(resource, context);
        if (!isBlocker(retention)) {
          inheritedRetention = retention;
          inherited.push(result.inherits);
        }
      }
    }
    if (inheritedRetention && inherited.length > 0) outcomes.push(shortfall(inheritedRetention, inherited, minDays));
    if (outcomes.length > 0) return outcomes;
    const kept = verdicts.filter((v) => v.state === 'ok').map((v) => v.message);
    return {
      verdict: 'pass',
      path: 'properties.retentionInDays',
      message: `PHI audit logs are kept at least ${describeDays(minDays)}: ${kept.length ? kept.join('; ') : 'every table inherits a sufficient workspace retention'}`,
    };
  },
});

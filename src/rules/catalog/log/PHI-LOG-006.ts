import { lookup, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, failAt, notApplicable, type PathRead, type RuleContext, unknown } from '../../define.js';
import { manual, ruleContext, set, setOn, sqlAuditing } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf, isBlocker } from '../net/tri.js';
import {
  DATA_EXPORT,
  DATABASE_AUDITING,
  DIAGNOSTIC_SETTINGS,
  describeDays,
  IMMUTABILITY_POLICY,
  isLive,
  isType,
  judgeSetting,
  type LogNeed,
  numberOf,
  SERVER_AUDITING,
  SIX_YEARS_NOTE,
  SQL_SERVER,
  settingLabel,
  settingsOn,
  WORKSPACE,
  WORKSPACE_TABLE,
} from './shared.js';
import { auditState, databasesOf, SQL_AUDIT_PAYLOAD, SQL_AUDIT_SWAGGER, SQL_CHILDREN } from './sql.js';
import { findWorkspace, judgeTable } from './workspace.js';

const NEED: LogNeed = {
  expected: 'SQL audit events (category SQLSecurityAuditEvents or categoryGroup "audit" / "allLogs")',
  groups: ['audit', 'allLogs'],
  allOf: ['SQLSecurityAuditEvents'],
};

type Destination =
  | { ok: true; message: string; path: string }
  | { ok: false; message: string; read?: PathRead }
  | Blocker;

/** Storage destination: retentionDays, 0 = unlimited (absent -> 0, defaults table). */
function storageRetention(setting: Resource, context: RuleContext): Destination | undefined {
  const endpoint = context.read(setting, 'properties.storageEndpoint');
  // Presence is the test: an unresolved endpoint still names a storage destination.
  const set = endpoint.state === 'unknown' || (typeof endpoint.value === 'string' && endpoint.value.trim() !== '');
  if (!set) return undefined;
  const days = context.read(setting, 'properties.retentionDays');
  if (days.state === 'unknown') return blockerOf(days);
  const value = numberOf(days.value);
  if (value === undefined)
    return { path: days.path, expression: String(days.value), at: days.at, message: `${days.path} is not a number` };
  const minDays = context.config.retention.auditLogs.minDays;
  if (value === 0)
    return {
      ok: true,
      path: days.path,
      message: 'the storage destination keeps audit records without limit (retentionDays 0)',
    };
  if (value >= minDays)
    return { ok: true, path: days.path, message: `the storage destination keeps audit records ${describeDays(value)}` };
  return {
    ok: false,
    read: days,
    message: `the storage destination keeps audit records ${describeDays(value)} (retentionDays)`,
  };
}

/** Azure Monitor destination: the diagnostic setting on the audited database (master for server auditing). */
function monitorRetention(databaseId: string, origin: Resource, context: RuleContext): Destination[] {
  const name = databaseId.split('/').pop();
  const judged = settingsOn(databaseId, context.inventory).map((s) => judgeSetting(s, context, NEED));
  const results: Destination[] = [];
  for (const judgement of judged) {
    if (judgement.state === 'unknown') results.push(judgement.blocker);
    if (judgement.state !== 'ok') continue;
    const setting = judgement.setting;
    const label = `diagnostic setting '${settingLabel(setting)}'`;
    const workspaceId = context.read(setting, 'properties.workspaceId');
    if (workspaceId.state === 'unknown') {
      results.push(blockerOf(workspaceId));
      continue;
    }
    if (typeof workspaceId.value === 'string' && workspaceId.value !== '') {
      const workspace = findWorkspace(workspaceId.value, context);
      if (!workspace) {
        results.push({
          path: workspaceId.path,
          expression: workspaceId.value,
          at: workspaceId.at,
          message: `${label} sends SQL audit records to workspace ${workspaceId.value}, which is not in the scan`,
        });
        continue;
      }
      const destinationType = context.read(setting, 'properties.logAnalyticsDestinationType');
      if (destinationType.state === 'unknown') {
        results.push(blockerOf(destinationType));
        continue;
      }
      const table = sameText(destinationType.value, 'Dedicated') ? 'SQLSecurityAuditEvents' : 'AzureDiagnostics';
      const verdict = judgeTable(workspace, table, [{ setting, source: databaseId, tables: [table] }], context);
      if (verdict.state === 'unknown') results.push(verdict.blocker);
      else if (verdict.state === 'ok')
        results.push({ ok: true, path: verdict.path, message: `workspace ${workspace.name}: ${verdict.message}` });
      else
        results.push({
          ok: false,
          read: verdict.retention.read,
          message: `workspace ${workspace.name}: ${verdict.message}`,
        });
      continue;
    }
    const others = [
      'properties.storageAccountId',
      'properties.eventHubAuthorizationRuleId',
      'properties.marketplacePartnerId',
    ]
      .map((path) => context.read(setting, path))
      .find((read) => read.state === 'unknown' || (typeof read.value === 'string' && read.value !== ''));
    if (others) {
      results.push({
        path: others.path,
        expression: others.state === 'unknown' ? others.expression : String(others.value),
        at: others.at,
        message: `${label} sends SQL audit records to ${others.path.split('.').pop()}, whose retention is set outside the setting (event hub consumer, partner, or storage lifecycle rules)`,
      });
    }
  }
  if (results.length > 0) return results;
  if (!isLive(origin) && context.config.logging.diagnosticsManagedByPolicy) {
    return [
      {
        path: 'isAzureMonitorTargetEnabled',
        expression: 'logging.diagnostics_managed_by_policy: true',
        at: origin.at,
        message: `no diagnostic setting on database ${name} is declared, and logging.diagnostics_managed_by_policy says a policy deploys them`,
      },
    ];
  }
  return [
    {
      ok: false,
      message: `isAzureMonitorTargetEnabled is true but no diagnostic setting on database ${name} sends SQLSecurityAuditEvents, so no audit records reach Azure Monitor`,
    },
  ];
}

function retentionOutcome(setting: Resource, databaseId: string, context: RuleContext, what: string): Outcome {
  const destinations: Destination[] = [];
  const storage = storageRetention(setting, context);
  if (storage) destinations.push(storage);
  const monitor = context.read(setting, 'properties.isAzureMonitorTargetEnabled');
  if (monitor.state === 'unknown') destinations.push(blockerOf(monitor));
  else if (monitor.value === true || sameText(monitor.value, 'true'))
    destinations.push(...monitorRetention(databaseId, setting, context));
  const minDays = context.config.retention.auditLogs.minDays;
  const ok = destinations.find((d): d is Extract<Destination, { ok: true }> => !isBlocker(d) && d.ok);
  if (ok)
    return {
      verdict: 'pass',
      path: ok.path,
      message: `Audit records of ${what} are retained long enough: ${ok.message}`,
    };
  const blocker = destinations.find(isBlocker);
  if (blocker) return unknown(blocker, blockerMessage(blocker));
  const bad = destinations.filter((d): d is Extract<Destination, { ok: false }> => !isBlocker(d) && !d.ok);
  const expected = `a destination keeping audit records >= ${minDays} days (storage retentionDays 0 or >= ${minDays}, or a workspace table that long)`;
  if (bad.length === 0) {
    return failAt('properties.storageEndpoint', {
      expected,
      at: setting.at,
      message: `Auditing of ${what} is enabled but names no destination (no storageEndpoint, isAzureMonitorTargetEnabled false), so no audit record is retained`,
    });
  }
  const message = `Audit records of ${what} are kept less than retention.audit_logs.min_days ${describeDays(minDays)}: ${bad.map((b) => b.message).join('; ')}`;
  const read = bad.find((b) => b.read)?.read;
  return read && read.state !== 'unknown'
    ? fail(read, { expected, message })
    : failAt('properties.isAzureMonitorTargetEnabled', { expected, at: setting.at, message });
}

export default defineRule({
  id: 'PHI-LOG-006',
  title: 'Azure SQL audit trail retained for less than the required period',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.316(b)(2)(i)', type: 'R' },
  ],
  phiScoped: false,
  types: [SERVER_AUDITING, DATABASE_AUDITING, SQL_SERVER],
  children: SQL_CHILDREN,
  related: {
    types: [DIAGNOSTIC_SETTINGS, WORKSPACE, WORKSPACE_TABLE, DATA_EXPORT, IMMUTABILITY_POLICY],
    keep: ['state', 'storageEndpoint', 'retentionDays', 'isAzureMonitorTargetEnabled'],
  },
  policies: [
    {
      id: '89099bee-89e0-4b26-a5f4-165451757743',
      name: 'SQL servers with auditing to storage account destination should be configured with 90 days retention or higher',
      relation: 'related (90-day threshold, storage destination only)',
    },
  ],
  remediation: {
    az: 'az sql server audit-policy update -g "$RG" -n "$SERVER" --state Enabled --bsts Enabled --storage-account "$SA" --retention-days 0   # short flags UNVERIFIED',
    arm: '{"properties": {"state": "Enabled", "storageEndpoint": "https://<sa>.blob.core.windows.net/", "retentionDays": 0}}',
    bicep:
      "resource auditing 'Microsoft.Sql/servers/auditingSettings@2023-08-01' = {\n  parent: server\n  name: 'default'\n  properties: {\n    state: 'Enabled'\n    storageEndpoint: auditStorage.properties.primaryEndpoints.blob\n    retentionDays: 0\n  }\n}",
    terraform: 'retention_in_days = 0   # or >= 2191',
    note: 'Pair an unlimited storage retention with a lifecycle rule that deletes after the documented maximum (PHI-BAK-010) and a locked immutability policy (PHI-BAK-004).',
  },
  docs: {
    evaluation: `Subjects: each SQL server (server-level auditing) and each database-level auditingSettings that is Enabled. Destinations of an enabled auditing setting: storage (storageEndpoint set, including an unresolved expression) keeps records retentionDays days, 0 = unlimited; Azure Monitor (isAzureMonitorTargetEnabled) keeps them as long as the workspace table receiving SQLSecurityAuditEvents (SQLSecurityAuditEvents with logAnalyticsDestinationType Dedicated, else AzureDiagnostics) does, following the diagnostic setting on the master database (server auditing) or on the database (PHI-LOG-001 logic, including an immutable storage copy); event hub, partner and diagnostic-setting storage destinations keep records outside the setting's control -> needs review. Passes when any destination keeps records at least retention.audit_logs.min_days (default 2191; ${SIX_YEARS_NOTE}). A server without server-level auditing fails (an absent audit trail has zero retention; root cause PHI-LOG-005), unless all its user databases audit themselves (then their settings are the subjects).`,
    absent:
      'retentionDays absent with a storage destination -> 0 (unlimited) -> pass; isAzureMonitorTargetEnabled absent -> false; no auditing settings -> fail. isAzureMonitorTargetEnabled without a diagnostic setting on the database -> fail (templates: needs review when logging.diagnostics_managed_by_policy is true).',
    unresolvable:
      'retentionDays unresolved, or an Azure-Monitor-only destination whose workspace or table is unresolved or not in the scan -> needs review.',
    crossResource: 'Diagnostic setting on the master database -> workspace -> tables (PHI-LOG-001).',
    references: [
      SQL_AUDIT_SWAGGER,
      SQL_AUDIT_PAYLOAD,
      'controls.md E4 (retentionDays 0 = unlimited; Azure Monitor via the master database, category SQLSecurityAuditEvents)',
      'Azure/azure-policy built-in 89099bee-89e0-4b26-a5f4-165451757743 (accepts 0 or >= 90 days; storage only)',
      'hashicorp/terraform-provider-azurerm mssql_server_extended_auditing_policy (retention_in_days default 0)',
    ],
  },
  fix(resource, fixContext) {
    const { path, config } = fixContext;
    const minDays = config.retention.auditLogs.minDays;
    if (isType(resource, DATABASE_AUDITING) && path === 'properties.retentionDays') {
      return [
        set(
          path,
          0,
          'the storage destination keeps audit records forever: pair it with a lifecycle rule deleting after the retention maximum (PHI-BAK-010) and a locked immutability policy (PHI-BAK-004)',
        ),
      ];
    }
    if (isType(resource, SQL_SERVER) && path === 'auditingSettings') return [sqlAuditing(config, 0)];
    const setting = isType(resource, SQL_SERVER) ? auditState(resource, ruleContext(fixContext)).setting : undefined;
    if (
      setting &&
      path === 'properties.retentionDays' &&
      lookup(setting, 'properties.storageEndpoint').kind !== 'absent'
    ) {
      return [
        setOn(
          setting,
          path,
          0,
          'the storage destination keeps audit records forever: pair it with a lifecycle rule deleting after the retention maximum (PHI-BAK-010) and a locked immutability policy (PHI-BAK-004)',
        ),
      ];
    }
    return [
      manual(
        `The audit records of ${resource.name} are kept less than ${describeDays(minDays)}: on a storage destination set the auditing retentionDays to 0 (forever) or at least ${minDays}; on a Log Analytics destination give the SQLSecurityAuditEvents (or AzureDiagnostics) table that total retention (PHI-LOG-001). The value lives in ${path} of a related resource, which phiguard does not edit from here.`,
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, SERVER_AUDITING)) return notApplicable('evaluated on its server');
    if (isType(resource, DATABASE_AUDITING)) {
      const state = context.read(resource, 'properties.state');
      if (state.state === 'unknown') return unknown(state);
      if (!sameText(state.value, 'Enabled'))
        return notApplicable("database-level auditing is off; the server's audit trail applies");
      const databaseId = resource.id.split('/').slice(0, -2).join('/');
      return retentionOutcome(resource, databaseId, context, `database '${databaseId.split('/').pop()}'`);
    }
    const what = `SQL server '${resource.name}'`;
    const server = auditState(resource, context);
    if (isBlocker(server.enabled)) return unknown(server.enabled, blockerMessage(server.enabled));
    if (server.enabled === true && server.setting) {
      return retentionOutcome(server.setting, `${resource.id}/databases/master`, context, what);
    }
    const databases = databasesOf(resource, context);
    if (databases.length > 0 && databases.every((db) => auditState(db, context).enabled === true)) {
      return notApplicable('every database audits itself; evaluated on their auditingSettings');
    }
    return failAt('auditingSettings', {
      expected: 'an enabled audit trail retained >= min_days',
      at: server.state?.at ?? resource.at,
      message: `${what} has no enabled server-level auditing, so no audit trail is retained (zero retention; root cause PHI-LOG-005)`,
    });
  },
});

import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, failAt, notApplicable, pass, type RuleContext, unknown } from '../../define.js';
import { sqlAuditing } from '../fixes.js';
import { and, type Blocker, blockerMessage, isBlocker, or, type Tri } from '../net/tri.js';
import {
  DATABASE_AUDITING,
  isType,
  SERVER_AUDITING,
  SERVER_EXTENDED_AUDITING,
  SQL_DATABASE,
  SQL_SERVER,
} from './shared.js';
import {
  type AuditState,
  auditState,
  databasesOf,
  isMaster,
  SQL_AUDIT_PAYLOAD,
  SQL_AUDIT_SWAGGER,
  SQL_CHILDREN,
  serverOf,
} from './sql.js';

const EXPECTED = 'auditingSettings state Enabled';

/** Server verdict: server-level auditing, or every (user) database audits itself. */
export function serverAudited(server: Resource, context: RuleContext): { audited: Tri; own: AuditState } {
  const own = auditState(server, context);
  if (own.enabled === true) return { audited: true, own };
  const databases = databasesOf(server, context);
  const everyDatabase: Tri =
    databases.length === 0 ? false : and(...databases.map((db) => auditState(db, context).enabled));
  return { audited: or(own.enabled, everyDatabase), own };
}

function failure(resource: Resource, state: AuditState, what: string, why: string): Outcome {
  if (state.setting && state.state && state.state.state !== 'unknown') {
    if (state.state.value === undefined) {
      return failAt(state.state.path, {
        expected: EXPECTED,
        at: state.state.at ?? state.setting.at,
        because: 'absent; state is required, so these settings do not turn auditing on',
        message: `${what} declares auditing settings without a state (required), so auditing is off${why}`,
      });
    }
    return fail(state.state, {
      expected: EXPECTED,
      message: `Auditing is ${String(state.state.value)} on ${what}${why}`,
    });
  }
  return failAt('auditingSettings', {
    expected: EXPECTED,
    at: resource.at,
    message: `${what} has no auditingSettings, so auditing is Disabled${why}`,
  });
}

function blocked(blocker: Blocker): Outcome {
  return unknown(blocker, blockerMessage(blocker));
}

export default defineRule({
  id: 'PHI-LOG-005',
  title: 'Azure SQL auditing is not enabled',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.308(a)(5)(ii)(C)', type: 'A' },
  ],
  phiScoped: false,
  types: [SQL_SERVER, SERVER_AUDITING, SERVER_EXTENDED_AUDITING, SQL_DATABASE, DATABASE_AUDITING],
  children: SQL_CHILDREN,
  policies: [
    {
      id: 'a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9',
      name: 'Auditing on SQL server should be enabled',
      relation: 'equivalent',
    },
    {
      id: '25da7dfb-0666-4a15-a8f5-402127efd8bb',
      name: 'Configure SQL servers to have auditing enabled to Log Analytics workspace',
      relation: 'remediation',
    },
  ],
  remediation: {
    az: 'az sql server audit-policy update -g "$RG" -n "$SERVER" --state Enabled --lats Enabled --lawri "$WS_ID"   # short flags UNVERIFIED',
    arm: '{"type": "Microsoft.Sql/servers/auditingSettings", "name": "<server>/default", "properties": {"state": "Enabled", "isAzureMonitorTargetEnabled": true, "auditActionsAndGroups": ["SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP", "FAILED_DATABASE_AUTHENTICATION_GROUP", "BATCH_COMPLETED_GROUP"]}}',
    bicep:
      "resource auditing 'Microsoft.Sql/servers/auditingSettings@2023-08-01' = {\n  parent: server\n  name: 'default'\n  properties: {\n    state: 'Enabled'\n    isAzureMonitorTargetEnabled: true\n  }\n}",
    terraform:
      'resource "azurerm_mssql_server_extended_auditing_policy" "a" { server_id = azurerm_mssql_server.phi.id log_monitoring_enabled = true }\n# plus azurerm_monitor_diagnostic_setting on the master database with SQLSecurityAuditEvents',
    note: 'For Log Analytics targets also create the diagnostic setting on the master database (category SQLSecurityAuditEvents), otherwise no audit records arrive.',
  },
  docs: {
    evaluation:
      'Subjects: each SQL server and each declared database (auditing settings resources are evaluated through them; the master system database is excluded: server-level auditing covers it). A server passes when its auditingSettings/default or extendedAuditingSettings/default has state Enabled, or when it has user databases and every one of them has database-level auditing Enabled. A database passes when its own auditing (databases/auditingSettings or extendedAuditingSettings) is Enabled or its server passes. Legacy databases/auditingPolicies (table auditing, retired) do not count. Destination and retention are PHI-LOG-006.',
    absent:
      'No auditing settings resource -> Disabled -> fail (live GETs always return auditingSettings/Default). A declared settings resource without state -> fail (state is required).',
    unresolvable:
      'An unresolved state -> needs review, unless the other level already decides. A database whose server is not in the scan and that has no enabled database-level auditing -> needs review.',
    crossResource:
      'Server and database verdicts depend on each other as described; the Azure Monitor destination needs a diagnostic setting on the master database (PHI-LOG-006).',
    references: [
      SQL_AUDIT_SWAGGER,
      SQL_AUDIT_PAYLOAD,
      'controls.md E4',
      'Azure/azure-policy built-in a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9 (AuditIfNotExists)',
      'KICS arm/sql_server_database_without_auditing (crosswalk)',
    ],
  },
  fix: (_resource, { config }) => [sqlAuditing(config, 0)],
  check(resource, context) {
    if (!isType(resource, SQL_SERVER) && !isType(resource, SQL_DATABASE)) {
      return notApplicable('evaluated on the server or database it configures');
    }
    if (isType(resource, SQL_SERVER)) {
      const { audited, own } = serverAudited(resource, context);
      if (audited === true) {
        return own.enabled === true
          ? pass(own.state?.path, own.state?.state === 'unknown' ? undefined : own.state?.value)
          : { verdict: 'pass', path: 'databases', message: 'Every database of the server audits itself' };
      }
      if (isBlocker(audited)) return blocked(audited);
      return failure(resource, own, `SQL server '${resource.name}'`, ' and not every database audits itself');
    }
    if (isMaster(resource)) return notApplicable('the master database is covered by server-level auditing');
    const own = auditState(resource, context);
    if (own.enabled === true)
      return pass(own.state?.path, own.state?.state === 'unknown' ? undefined : own.state?.value);
    const server = serverOf(resource, context);
    const what = `database '${resource.name}'`;
    if (!server) {
      if (isBlocker(own.enabled)) return blocked(own.enabled);
      return unknown(
        { path: 'auditingSettings', expression: `server of ${resource.name} not in the scan`, at: resource.at },
        `${what} has no enabled database-level auditing and its server is not in the scan, so server-level auditing cannot be checked`,
      );
    }
    const audited = or(own.enabled, serverAudited(server, context).audited);
    if (audited === true)
      return { verdict: 'pass', path: 'auditingSettings', message: `Server '${server.name}' audits ${what}` };
    if (isBlocker(audited)) return blocked(audited);
    return failure(resource, own, what, `, and server '${server.name}' does not audit it`);
  },
});

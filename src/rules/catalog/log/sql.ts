// Azure SQL auditing (controls.md E4): server- and database-level auditingSettings / extendedAuditingSettings
// children, whether they are enabled, and where their records go. Shared by PHI-LOG-005 and PHI-LOG-006.
import { sameText } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';
import type { PathRead, RuleContext } from '../../define.js';
import { type Blocker, blockerOf } from '../net/tri.js';
import {
  DATABASE_AUDITING,
  DATABASE_EXTENDED_AUDITING,
  isType,
  SERVER_AUDITING,
  SERVER_EXTENDED_AUDITING,
  SQL_DATABASE,
  SQL_SERVER,
} from './shared.js';

export const AUDITING_TYPES = [
  SERVER_AUDITING,
  SERVER_EXTENDED_AUDITING,
  DATABASE_AUDITING,
  DATABASE_EXTENDED_AUDITING,
];
/** What a streamed snapshot must hold for a server's verdict: its auditing children, databases and theirs. */
export const SQL_CHILDREN = [...AUDITING_TYPES, SQL_DATABASE];

export const SQL_AUDIT_SWAGGER =
  'Azure/azure-rest-api-specs specification/sql/resource-manager/Microsoft.Sql/stable/2023-08-01 BlobAuditing.json (ServerBlobAuditingPolicyProperties.state required: Enabled | Disabled; retentionDays; isAzureMonitorTargetEnabled)';
export const SQL_AUDIT_PAYLOAD = 'payloads/sql_server_auditing_settings_get_2023-08-01.json (state Disabled)';

export function isMaster(database: Resource): boolean {
  return sameText(database.name.split('/').pop(), 'master');
}

/** Auditing settings children (auditingSettings/default, extendedAuditingSettings/default) of a server or database. */
export function auditingOf(resource: Resource, context: RuleContext): Resource[] {
  const types = isType(resource, SQL_SERVER)
    ? [SERVER_AUDITING, SERVER_EXTENDED_AUDITING]
    : [DATABASE_AUDITING, DATABASE_EXTENDED_AUDITING];
  return context.inventory.related(resource, 'children').filter((child) => types.some((t) => isType(child, t)));
}

export function databasesOf(server: Resource, context: RuleContext): Resource[] {
  return context.inventory
    .related(server, 'children')
    .filter((child) => isType(child, SQL_DATABASE) && !isMaster(child));
}

export interface AuditState {
  /** true: an auditing setting is Enabled; false: none is; blocker: a state is unresolved. */
  enabled: boolean | Blocker;
  /** The Enabled setting, or the declared one that is not (its state read points the fix). */
  setting?: Resource;
  state?: PathRead;
}

/** Whether auditing is on at this level (a server or one database). `state` is required, so absent is not Enabled. */
export function auditState(resource: Resource, context: RuleContext): AuditState {
  const settings = auditingOf(resource, context);
  let blocker: Blocker | undefined;
  let off: { setting: Resource; state: PathRead } | undefined;
  for (const setting of settings) {
    const state = context.read(setting, 'properties.state');
    if (state.state === 'unknown') blocker ??= blockerOf(state);
    else if (sameText(state.value, 'Enabled')) return { enabled: true, setting, state };
    else off ??= { setting, state };
  }
  if (blocker) return { enabled: blocker };
  return { enabled: false, ...off };
}

/** The server a database belongs to, when the scan holds it. */
export function serverOf(database: Resource, context: RuleContext): Resource | undefined {
  return context.inventory.related(database, 'parent').find((parent) => isType(parent, SQL_SERVER));
}

// Table types for Kysely and the migrations that create them, one schema for SQLite and PostgreSQL. Portable column
// types only (integer, text): JSON is stored as text, booleans as 0/1, times as ISO 8601 UTC text (sortable), so both
// dialects return the same values. Migrations are in code (not files) so they run from the esbuild bundle.
import { type Generated, type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { Dialect } from './types.js';

export interface ScansTable {
  id: Generated<number>;
  scope: string;
  started_at: string;
  finished_at: string;
  actor: string;
  tool_version: string;
  catalog_version: string;
  inputs: string;
  status: string;
  fail_count: number;
  unknown_count: number;
  waived_count: number;
  new_count: number;
  open_count: number;
  reopened_count: number;
  fixed_count: number;
  ledger_seq: number;
}

export interface FindingsTable {
  scan_id: number;
  subject_key: string;
  fingerprint: string;
  rule_id: string;
  status: string;
  lifecycle: string;
  severity: string;
  phi: number;
  baselined: number;
  resource_id: string;
  resource_type: string;
  resource_name: string;
  resource_address: string;
  file: string | null;
  line: number | null;
  col: number | null;
  message: string;
  evidence: string;
  hipaa: string;
  labels: string | null;
  waiver: string | null;
}

export interface SubjectsTable {
  id: Generated<number>;
  scope: string;
  subject_key: string;
  rule_id: string;
  resource_id: string;
  resource_type: string;
  resource_name: string;
  resource_address: string;
  file: string | null;
  severity: string;
  state: string;
  first_seen_scan: number;
  opened_scan: number;
  fixed_in_scan: number | null;
  fixed_reason: string | null;
  reopen_count: number;
  waiver: string | null;
}

export interface SnapshotsTable {
  id: Generated<number>;
  scan_id: number;
  scope: string;
  subject_key: string;
  kind: string;
  resource_id: string;
  config: string;
  excerpt_file: string | null;
  excerpt_line: number | null;
  excerpt: string | null;
  sha256: string;
  at: string;
}

export interface LedgerTable {
  seq: number;
  prev_hash: string;
  hash: string;
  event: string;
  at: string;
}

export interface CheckpointsTable {
  id: Generated<number>;
  tree_size: number;
  head_hash: string;
  root_hash: string | null;
  key_id: string;
  signature: string;
  at: string;
}

export interface Database {
  scans: ScansTable;
  findings: FindingsTable;
  subjects: SubjectsTable;
  snapshots: SnapshotsTable;
  ledger: LedgerTable;
  ledger_checkpoints: CheckpointsTable;
}

/** Column order and PostgreSQL array types for the bulk insert paths (src/store/bulk.ts). */
export const FINDING_COLUMNS = [
  ['scan_id', 'int4'],
  ['subject_key', 'text'],
  ['fingerprint', 'text'],
  ['rule_id', 'text'],
  ['status', 'text'],
  ['lifecycle', 'text'],
  ['severity', 'text'],
  ['phi', 'int4'],
  ['baselined', 'int4'],
  ['resource_id', 'text'],
  ['resource_type', 'text'],
  ['resource_name', 'text'],
  ['resource_address', 'text'],
  ['file', 'text'],
  ['line', 'int4'],
  ['col', 'int4'],
  ['message', 'text'],
  ['evidence', 'text'],
  ['hipaa', 'text'],
  ['labels', 'text'],
  ['waiver', 'text'],
] as const satisfies readonly (readonly [keyof FindingsTable, string])[];

export const SUBJECT_COLUMNS = [
  ['scope', 'text'],
  ['subject_key', 'text'],
  ['rule_id', 'text'],
  ['resource_id', 'text'],
  ['resource_type', 'text'],
  ['resource_name', 'text'],
  ['resource_address', 'text'],
  ['file', 'text'],
  ['severity', 'text'],
  ['state', 'text'],
  ['first_seen_scan', 'int4'],
  ['opened_scan', 'int4'],
  ['fixed_in_scan', 'int4'],
  ['fixed_reason', 'text'],
  ['reopen_count', 'int4'],
  ['waiver', 'text'],
] as const satisfies readonly (readonly [keyof SubjectsTable, string])[];

export const LEDGER_COLUMNS = [
  ['seq', 'int4'],
  ['prev_hash', 'text'],
  ['hash', 'text'],
  ['event', 'text'],
  ['at', 'text'],
] as const satisfies readonly (readonly [keyof LedgerTable, string])[];

function initial(dialect: Dialect): Migration {
  // The one dialect difference: how an integer key is generated.
  const id = (table: ReturnType<Kysely<unknown>['schema']['createTable']>) =>
    dialect === 'postgres'
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await id(db.schema.createTable('scans'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('tool_version', 'text', (c) => c.notNull())
        .addColumn('catalog_version', 'text', (c) => c.notNull())
        .addColumn('inputs', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fail_count', 'integer', (c) => c.notNull())
        .addColumn('unknown_count', 'integer', (c) => c.notNull())
        .addColumn('waived_count', 'integer', (c) => c.notNull())
        .addColumn('new_count', 'integer', (c) => c.notNull())
        .addColumn('open_count', 'integer', (c) => c.notNull())
        .addColumn('reopened_count', 'integer', (c) => c.notNull())
        .addColumn('fixed_count', 'integer', (c) => c.notNull())
        .addColumn('ledger_seq', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('scans_scope').on('scans').columns(['scope', 'id']).execute();
      await db.schema.createIndex('scans_started').on('scans').column('started_at').execute();

      await db.schema
        .createTable('findings')
        .addColumn('scan_id', 'integer', (c) => c.notNull().references('scans.id'))
        .addColumn('subject_key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('lifecycle', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('phi', 'integer', (c) => c.notNull())
        .addColumn('baselined', 'integer', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_name', 'text', (c) => c.notNull())
        .addColumn('resource_address', 'text', (c) => c.notNull())
        .addColumn('file', 'text')
        .addColumn('line', 'integer')
        .addColumn('col', 'integer')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('hipaa', 'text', (c) => c.notNull())
        .addColumn('labels', 'text')
        .addColumn('waiver', 'text')
        .execute();
      await db.schema.createIndex('findings_scan').on('findings').columns(['scan_id', 'subject_key']).execute();

      await id(db.schema.createTable('subjects'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('subject_key', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('resource_type', 'text', (c) => c.notNull())
        .addColumn('resource_name', 'text', (c) => c.notNull())
        .addColumn('resource_address', 'text', (c) => c.notNull())
        .addColumn('file', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('first_seen_scan', 'integer', (c) => c.notNull())
        .addColumn('opened_scan', 'integer', (c) => c.notNull())
        .addColumn('fixed_in_scan', 'integer')
        .addColumn('fixed_reason', 'text')
        .addColumn('reopen_count', 'integer', (c) => c.notNull())
        .addColumn('waiver', 'text')
        .addUniqueConstraint('subjects_scope_key', ['scope', 'subject_key'])
        .execute();

      await id(db.schema.createTable('snapshots'))
        .addColumn('scan_id', 'integer', (c) => c.notNull().references('scans.id'))
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('subject_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('excerpt_file', 'text')
        .addColumn('excerpt_line', 'integer')
        .addColumn('excerpt', 'text')
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('snapshots_subject').on('snapshots').columns(['scope', 'subject_key']).execute();

      await db.schema
        .createTable('ledger')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();

      await id(db.schema.createTable('ledger_checkpoints'))
        .addColumn('tree_size', 'integer', (c) => c.notNull())
        .addColumn('head_hash', 'text', (c) => c.notNull())
        .addColumn('root_hash', 'text')
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      // Append-only by construction: no code path updates or deletes ledger rows; these triggers make an accidental
      // one fail loudly on SQLite (on PostgreSQL, grant INSERT/SELECT only to the phiguard role).
      if (dialect === 'sqlite') {
        for (const op of ['UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER ledger_no_${op.toLowerCase()} BEFORE ${op} ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END`,
            )
            .execute(db);
        }
      }
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => ({ '0001_initial': initial(dialect) }) };
}

// The Kysely-backed store: opening (SQLite file or PostgreSQL URL), migrations, transactions and the read side of
// the repository API. The scan recorder (recorder.ts) writes through the same transaction helper.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { ConfigError } from '../core/errors.js';
import type { FindingWaiver, Severity } from '../core/types.js';
import { entryHash, GENESIS_HASH, type LedgerEntry, type LedgerEvent } from '../evidence/ledger.js';
import { type BulkWriter, postgresBulk, sqliteBulk } from './bulk.js';
import { canonicalJsonFast } from './canonical.js';
import { redactUrl, StoreUnavailableError } from './errors.js';
import { beginScan } from './recorder.js';
import { type Database, LEDGER_COLUMNS, migrationProvider } from './schema.js';
import type {
  Dialect,
  EvidenceSnapshot,
  LedgerCheckpoint,
  ReadSubjectsOptions,
  ScanDiff,
  ScanFilter,
  ScanRecord,
  ScanRecorder,
  ScanStart,
  Store,
  StoredFinding,
  StoreReader,
  StoreWriter,
  Subject,
  SubjectState,
} from './types.js';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** How long a writer waits for another process's scan to commit (SQLite busy timeout). */
const SQLITE_BUSY_TIMEOUT_MS = 30_000;
/** pg_advisory_xact_lock key that serialises ledger appends across team members ("phiguard" in ASCII). */
const LEDGER_LOCK = 0x7068696775617264n;

/**
 * A scan of a large estate writes hundreds of thousands of rows in one transaction: with SQLite's default 2 MB page
 * cache, hot index pages are spilled to the WAL again and again. NORMAL sync is the usual pairing with WAL: a power
 * cut may lose the last commit, never consistency, and an app crash loses nothing.
 */
export const SQLITE_PRAGMAS = ['cache_size = -65536', 'synchronous = NORMAL'];

export interface OpenOptions {
  /** PostgreSQL only: a schema to use (created if missing) instead of the connection's default search_path. */
  schema?: string;
}

/** Opens (creating and migrating as needed) the SQLite file at `target`, or the PostgreSQL database it names. */
export async function openStore(target: string, options: OpenOptions = {}): Promise<Store> {
  if (POSTGRES_URL.test(target)) return openPostgres(target, options);
  if (ANY_URL.test(target)) {
    throw new ConfigError(
      `unsupported store URL "${redactUrl(target)}"`,
      undefined,
      'use a SQLite file path or postgres://user@host:port/database',
    );
  }
  return openSqlite(target);
}

async function openSqlite(path: string): Promise<Store> {
  const file = resolve(path);
  let database: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
    // WAL: readers (history, a dashboard) never block the scan that is writing, and a crash mid-write leaves the
    // last committed state.
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    for (const pragma of SQLITE_PRAGMAS) database.pragma(pragma);
  } catch (error) {
    throw new ConfigError(`cannot open the store (${describe(error)})`, { file: path }, 'check --db or PHIGUARD_DB');
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const writer = sqliteBulk(database);
  const store = new SqlStore('sqlite', path, db, () => writer);
  try {
    if (!(await store.migrated())) {
      // BEGIN IMMEDIATE takes the write lock first, so two processes opening a new file migrate one after the other
      // instead of failing on a stale read snapshot.
      database.exec('BEGIN IMMEDIATE');
      try {
        await migrate(db, 'sqlite', true);
        database.exec('COMMIT');
      } catch (error) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw error;
      }
    }
  } catch (error) {
    await db.destroy();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`cannot open the store (${describe(error)})`, { file: path }, 'check --db or PHIGUARD_DB');
  }
  return store;
}

async function openPostgres(url: string, options: OpenOptions): Promise<Store> {
  const shown = redactUrl(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (!parsed.hostname && !parsed.searchParams.get('host')) throw new Error('no host');
  } catch {
    throw new ConfigError(
      `invalid PostgreSQL URL "${shown}"`,
      undefined,
      'expected postgres://user@host:port/database',
    );
  }
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new ConfigError(`invalid schema name "${options.schema}"`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    max: 4,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw new StoreUnavailableError(
      `cannot reach PostgreSQL at ${parsed.host || parsed.searchParams.get('host')} (${describe(error)})`,
      undefined,
      'is the server running? check --db or PHIGUARD_DB',
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const store = new SqlStore('postgres', shown, db, (conn) => postgresBulk(conn));
  try {
    if (!(await store.migrated())) await migrate(db, 'postgres', false);
  } catch (error) {
    await db.destroy();
    throw new StoreUnavailableError(`cannot prepare the store at ${shown} (${describe(error)})`);
  }
  return store;
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

async function migrate(db: Kysely<Database>, dialect: Dialect, disableTransactions: boolean): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), disableTransactions });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** One transaction on one connection: everything in `work` commits together or not at all. */
async function inTransaction<T>(
  db: Kysely<Database>,
  dialect: Dialect,
  work: (conn: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (conn) => {
    // SQLite: IMMEDIATE takes the write lock up front, so a concurrent scan waits (busy timeout) rather than failing
    // when it upgrades a read. PostgreSQL: an advisory lock serialises ledger appends of every team member.
    await sql.raw(dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN').execute(conn);
    try {
      if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${LEDGER_LOCK})`.execute(conn);
      const result = await work(conn);
      await sql.raw('COMMIT').execute(conn);
      return result;
    } catch (error) {
      await sql
        .raw('ROLLBACK')
        .execute(conn)
        .catch(() => {});
      throw error;
    }
  });
}

type ScanRow = Database['scans'] & { id: number };

function toScan(row: ScanRow): ScanRecord {
  return {
    id: Number(row.id),
    scope: row.scope,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    actor: row.actor,
    toolVersion: row.tool_version,
    catalogVersion: row.catalog_version,
    inputs: JSON.parse(row.inputs),
    status: row.status as ScanRecord['status'],
    counts: {
      fail: row.fail_count,
      unknown: row.unknown_count,
      waived: row.waived_count,
      new: row.new_count,
      open: row.open_count,
      reopened: row.reopened_count,
      fixed: row.fixed_count,
    },
    ledgerSeq: row.ledger_seq,
  };
}

function toFinding(row: Database['findings']): StoredFinding {
  return {
    scanId: row.scan_id,
    subjectKey: row.subject_key,
    fingerprint: row.fingerprint,
    ruleId: row.rule_id,
    status: row.status as StoredFinding['status'],
    lifecycle: row.lifecycle as StoredFinding['lifecycle'],
    severity: row.severity as Severity,
    phi: row.phi === 1,
    baselined: row.baselined === 1,
    resource: { id: row.resource_id, type: row.resource_type, name: row.resource_name, address: row.resource_address },
    location: row.file !== null ? { file: row.file, line: row.line ?? 0, column: row.col ?? 0 } : null,
    message: row.message,
    evidence: JSON.parse(row.evidence),
    hipaa: JSON.parse(row.hipaa),
    labels: row.labels === null ? null : JSON.parse(row.labels),
    waiver: row.waiver === null ? null : JSON.parse(row.waiver),
  };
}

function toEntry(row: Database['ledger']): LedgerEntry {
  return { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, event: row.event, at: row.at };
}

const FAILING = new Set(['fail', 'unknown']);

/** Reads and ledger writes against one Kysely handle: the pool, or a transaction's connection. */
export class Repository implements StoreReader, StoreWriter {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: Dialect,
    readonly bulk: () => BulkWriter,
  ) {}

  async scans(filter: ScanFilter = {}): Promise<ScanRecord[]> {
    let query = this.db.selectFrom('scans').selectAll().orderBy('id', 'desc');
    if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope);
    if (filter.since !== undefined) query = query.where('started_at', '>=', filter.since);
    if (filter.limit !== undefined) query = query.limit(filter.limit);
    return (await query.execute()).map((row) => toScan(row as ScanRow));
  }

  async scan(id: number): Promise<ScanRecord | undefined> {
    const row = await this.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toScan(row as ScanRow) : undefined;
  }

  async findings(scanId: number): Promise<StoredFinding[]> {
    const rows = await this.db.selectFrom('findings').selectAll().where('scan_id', '=', scanId).execute();
    return rows.map(toFinding);
  }

  async scopes(): Promise<{ scope: string; latestScan: number }[]> {
    const rows = await this.db
      .selectFrom('scans')
      .select(['scope', (eb) => eb.fn.max('id').as('latest')])
      .groupBy('scope')
      .orderBy('scope')
      .execute();
    return rows.map((row) => ({ scope: row.scope, latestScan: Number(row.latest) }));
  }

  async subjects(scope: string, options: ReadSubjectsOptions = {}): Promise<Subject[]> {
    let query = this.db.selectFrom('subjects').selectAll().where('scope', '=', scope).orderBy('id');
    if (options.states?.length) query = query.where('state', 'in', options.states);
    const rows = await query.execute();
    const latest = await this.db
      .selectFrom('scans')
      .select((eb) => eb.fn.max('id').as('latest'))
      .where('scope', '=', scope)
      .executeTakeFirst();
    const latestScan = Number(latest?.latest ?? 0);
    return rows.map((row) => {
      const state = row.state as SubjectState;
      const lifecycle =
        state === 'open' && row.opened_scan === latestScan ? (row.reopen_count > 0 ? 'reopened' : 'new') : state;
      return {
        scope: row.scope,
        subjectKey: row.subject_key,
        ruleId: row.rule_id,
        resource: {
          id: row.resource_id,
          type: row.resource_type,
          name: row.resource_name,
          address: row.resource_address,
        },
        file: row.file,
        severity: row.severity as Severity,
        state,
        lifecycle,
        firstSeenScan: row.first_seen_scan,
        openedScan: row.opened_scan,
        fixedInScan: row.fixed_in_scan,
        fixedReason: row.fixed_reason as Subject['fixedReason'],
        reopenCount: row.reopen_count,
        waiver: row.waiver === null ? null : (JSON.parse(row.waiver) as FindingWaiver),
      };
    });
  }

  async snapshots(filter: { scope?: string; subjectKey?: string; scanId?: number }): Promise<EvidenceSnapshot[]> {
    let query = this.db.selectFrom('snapshots').selectAll().orderBy('id');
    if (filter.scope !== undefined) query = query.where('scope', '=', filter.scope);
    if (filter.subjectKey !== undefined) query = query.where('subject_key', '=', filter.subjectKey);
    if (filter.scanId !== undefined) query = query.where('scan_id', '=', filter.scanId);
    return (await query.execute()).map((row) => ({
      id: Number(row.id),
      scanId: row.scan_id,
      scope: row.scope,
      subjectKey: row.subject_key,
      kind: row.kind as EvidenceSnapshot['kind'],
      resourceId: row.resource_id,
      config: JSON.parse(row.config),
      excerpt:
        row.excerpt === null || row.excerpt_file === null
          ? null
          : { file: row.excerpt_file, startLine: row.excerpt_line ?? 1, text: row.excerpt },
      sha256: row.sha256,
      at: row.at,
    }));
  }

  async diff(fromScan: number, toScan: number): Promise<ScanDiff> {
    const [from, to] = await Promise.all([this.scan(fromScan), this.scan(toScan)]);
    for (const [id, scan] of [
      [fromScan, from],
      [toScan, to],
    ] as const) {
      if (!scan) throw new ConfigError(`no scan ${id} in the store`, undefined, 'phiguard history lists the scans');
    }
    if (!from || !to) throw new Error('unreachable');
    const [before, after] = await Promise.all([this.findings(fromScan), this.findings(toScan)]);
    const statusOf = (findings: StoredFinding[]) => {
      const result = new Map<string, 'failing' | 'waived'>();
      for (const finding of findings) {
        if (FAILING.has(finding.status)) result.set(finding.subjectKey, 'failing');
        else if (!result.has(finding.subjectKey)) result.set(finding.subjectKey, 'waived');
      }
      return result;
    };
    const was = statusOf(before);
    const now = statusOf(after);
    const firstSeen = new Map<string, number>();
    const keys = [...now.keys()].filter((key) => !was.has(key));
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .selectFrom('subjects')
        .select(['subject_key', 'first_seen_scan'])
        .where('scope', '=', to.scope)
        .where('subject_key', 'in', keys.slice(i, i + 500))
        .execute();
      for (const row of rows) firstSeen.set(row.subject_key, row.first_seen_scan);
    }
    const diff: ScanDiff = { from, to, new: [], reopened: [], stillFailing: [], waived: [], fixed: [] };
    for (const finding of after) {
      const key = finding.subjectKey;
      const previous = was.get(key);
      if (now.get(key) === 'waived') {
        if (previous === 'failing') diff.waived.push(finding);
      } else if (previous !== undefined) diff.stillFailing.push(finding);
      else if ((firstSeen.get(key) ?? Number.POSITIVE_INFINITY) <= from.id) diff.reopened.push(finding);
      else diff.new.push(finding);
    }
    for (const finding of before) if (!now.has(finding.subjectKey)) diff.fixed.push(finding);
    return diff;
  }

  async ledgerEntries(range: { fromSeq?: number; toSeq?: number } = {}): Promise<LedgerEntry[]> {
    let query = this.db.selectFrom('ledger').selectAll().orderBy('seq');
    if (range.fromSeq !== undefined) query = query.where('seq', '>=', range.fromSeq);
    if (range.toSeq !== undefined) query = query.where('seq', '<=', range.toSeq);
    return (await query.execute()).map(toEntry);
  }

  async lastLedgerEntry(): Promise<LedgerEntry | undefined> {
    const row = await this.db.selectFrom('ledger').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row ? toEntry(row) : undefined;
  }

  async checkpoints(): Promise<LedgerCheckpoint[]> {
    const rows = await this.db.selectFrom('ledger_checkpoints').selectAll().orderBy('id').execute();
    return rows.map((row) => ({
      treeSize: row.tree_size,
      headHash: row.head_hash,
      rootHash: row.root_hash,
      keyId: row.key_id,
      signature: row.signature,
      at: row.at,
    }));
  }

  /** Only inside a transaction (it reads the head, then writes after it). */
  async appendLedger(events: LedgerEvent[]): Promise<LedgerEntry[]> {
    // nextEntry() of src/evidence/ledger.ts, with the faster canonical JSON (same bytes, see canonical.ts).
    let head = await this.lastLedgerEntry();
    const entries: LedgerEntry[] = [];
    for (const event of events) {
      const seq = head ? head.seq + 1 : 1;
      const prevHash = head ? head.hash : GENESIS_HASH;
      const text = canonicalJsonFast(event);
      head = { seq, prevHash, hash: entryHash(seq, prevHash, text), event: text, at: event.at };
      entries.push(head);
    }
    await this.bulk().insert(
      'ledger',
      LEDGER_COLUMNS,
      entries.map((e) => [e.seq, e.prevHash, e.hash, e.event, e.at]),
    );
    return entries;
  }

  async addCheckpoint(checkpoint: LedgerCheckpoint): Promise<void> {
    await this.db
      .insertInto('ledger_checkpoints')
      .values({
        tree_size: checkpoint.treeSize,
        head_hash: checkpoint.headHash,
        root_hash: checkpoint.rootHash,
        key_id: checkpoint.keyId,
        signature: checkpoint.signature,
        at: checkpoint.at,
      })
      .execute();
  }
}

export class SqlStore extends Repository implements Store {
  constructor(
    dialect: Dialect,
    readonly location: string,
    db: Kysely<Database>,
    private readonly bulkFor: (conn: Kysely<Database>) => BulkWriter,
  ) {
    super(db, dialect, () => bulkFor(db));
  }

  /** True when every migration has run (the common case: skip the Migrator and its lock). */
  async migrated(): Promise<boolean> {
    try {
      const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(this.db);
      const done = new Set(rows.rows.map((row) => row.name));
      const all = Object.keys(await migrationProvider(this.dialect).getMigrations());
      return all.every((name) => done.has(name));
    } catch {
      return false;
    }
  }

  transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
    return inTransaction(this.db, this.dialect, (conn) => {
      const writer = this.bulkFor(conn);
      return work(new Repository(conn, this.dialect, () => writer));
    });
  }

  override appendLedger(events: LedgerEvent[]): Promise<LedgerEntry[]> {
    return this.transaction((tx) => tx.appendLedger(events));
  }

  override addCheckpoint(checkpoint: LedgerCheckpoint): Promise<void> {
    return this.transaction((tx) => tx.addCheckpoint(checkpoint));
  }

  beginScan(start: ScanStart): Promise<ScanRecorder> {
    return beginScan(this, start);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

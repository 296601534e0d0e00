// The hot path: a scan of a large estate writes hundreds of thousands of rows in one transaction. Kysely builds and
// compiles a query object per statement, which costs more than SQLite spends inserting the row, so bulk rows bypass
// the query builder: on SQLite, cached multi-row prepared statements on the same better-sqlite3 handle (so they run
// inside the open transaction); on PostgreSQL, one INSERT ... SELECT FROM unnest($1::text[], ...) per chunk, whose
// parameter count does not grow with the rows.
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

export type Columns = readonly (readonly [string, string])[];
export type Row = (string | number | null)[];

export interface BulkWriter {
  insert(table: keyof Database, columns: Columns, rows: Row[], onConflict?: string): Promise<void>;
}

/** Rows per SQLite statement: 64 x 21 columns stays far below SQLite's 32,766 bound parameters. */
const SQLITE_ROWS_PER_STATEMENT = 64;
/** Rows per PostgreSQL statement: one array parameter per column, so this only bounds the message size. */
const POSTGRES_ROWS_PER_STATEMENT = 5000;

export function sqliteBulk(database: BetterSqlite3.Database): BulkWriter {
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepare = (table: string, columns: Columns, rows: number, onConflict: string) => {
    const key = `${table}\u0000${rows}\u0000${onConflict}`;
    let statement = statements.get(key);
    if (!statement) {
      const tuple = `(${columns.map(() => '?').join(',')})`;
      statement = database.prepare(
        `INSERT INTO "${table}" (${columns.map(([name]) => `"${name}"`).join(',')}) VALUES ${Array(rows).fill(tuple).join(',')} ${onConflict}`,
      );
      statements.set(key, statement);
    }
    return statement;
  };
  return {
    async insert(table, columns, rows, onConflict = '') {
      const width = columns.length;
      const full = prepare(table, columns, SQLITE_ROWS_PER_STATEMENT, onConflict);
      const values: unknown[] = new Array(width * SQLITE_ROWS_PER_STATEMENT);
      let i = 0;
      for (; i + SQLITE_ROWS_PER_STATEMENT <= rows.length; i += SQLITE_ROWS_PER_STATEMENT) {
        let k = 0;
        for (let r = i; r < i + SQLITE_ROWS_PER_STATEMENT; r++) {
          const row = rows[r];
          for (let c = 0; c < width; c++) values[k++] = row[c];
        }
        full.run(values);
      }
      if (i < rows.length) {
        const single = prepare(table, columns, 1, onConflict);
        for (; i < rows.length; i++) single.run(rows[i]);
      }
    },
  };
}

export function postgresBulk(db: Kysely<Database>): BulkWriter {
  return {
    async insert(table, columns, rows, onConflict = '') {
      for (let i = 0; i < rows.length; i += POSTGRES_ROWS_PER_STATEMENT) {
        const chunk = rows.slice(i, i + POSTGRES_ROWS_PER_STATEMENT);
        const arrays = columns.map(([, type], c) => sql`${chunk.map((row) => row[c])}::${sql.raw(type)}[]`);
        await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map(([name]) => sql.ref(name)))}) SELECT * FROM unnest(${sql.join(arrays)}) ${sql.raw(onConflict)}`.execute(
          db,
        );
      }
    },
  };
}

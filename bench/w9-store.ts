// W9: recording 500,000 findings through the store against raw better-sqlite3 inserts of the same rows.
//
// The findings are the example estate's real failures (messages, evidence, citations as the rules write them),
// repeated with renamed resources until there are N. The store run is what `phiguard scan` does at the end: a
// recorder gets every finding (redaction, subject keys, lifecycle) and commits one transaction with the findings,
// the subjects and the ledger entries. The floor then inserts exactly the rows the store wrote, read back from its
// file, into a fresh file with the same schema: one prepared single-row INSERT per row in one transaction.
// Ratio = floor time / store time (goal >= 0.8). Runs alternate; figures are medians. PostgreSQL (team mode) is
// timed the same way when reachable. Resource configurations (evidence snapshots) are not part of W9: the recorder
// gets no resources here, as for a scan of resources that were already open.
//
//   npx tsx bench/w9-store.ts   # --findings 500000 --runs 3 --pg postgres://postgres@127.0.0.1:5432/test --pg-runs 1
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parseConfig } from '../src/core/config.js';
import type { Finding } from '../src/core/types.js';
import { RULES } from '../src/rules/catalog/index.js';
import { runScan } from '../src/scan/run.js';
import { openStore } from '../src/store/index.js';
import { SQLITE_PRAGMAS } from '../src/store/store.js';
import type { ScanStart, Store } from '../src/store/types.js';
import { flags, median, runBundled, seconds } from './lib.js';

runBundled(import.meta.url, 'w9-store');
const options = flags({
  findings: '500000',
  runs: '3',
  pg: process.env.PHIGUARD_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test',
  'pg-runs': '1',
});
const total = Number(options.findings);
const root = process.env.PHIGUARD_BENCH_ROOT ?? process.cwd();
const estate = resolve(root, 'examples/contoso-health');

async function exampleFindings(): Promise<Finding[]> {
  const found: Finding[] = [];
  const configFile = join(estate, '.phiguard.yaml');
  await runScan({
    paths: [estate],
    config: parseConfig(readFileSync(configFile, 'utf8'), configFile),
    rules: RULES,
    onFinding: (finding) => {
      if (finding.status !== 'pass') found.push(finding);
    },
  });
  return found;
}

/** `count` findings: the seeds again and again, each copy about its own resources (new names, ids and messages). */
function replicate(seeds: Finding[], count: number): Finding[] {
  const out: Finding[] = [];
  for (let copy = 0; out.length < count; copy++) {
    for (const seed of seeds) {
      if (out.length === count) break;
      const name = `${seed.resource.name}-${copy}`;
      out.push({
        ...seed,
        resource: {
          id: `${seed.resource.id}-${copy}`,
          type: seed.resource.type,
          name,
          address: `${seed.resource.address}-${copy}`,
        },
        message: seed.message.replaceAll(seed.resource.name, name),
        fingerprint: `${seed.fingerprint.slice(0, 24)}${copy.toString(16).padStart(8, '0')}`,
      });
    }
  }
  return out;
}

const start = (): ScanStart => ({
  roots: ['examples/contoso-health'],
  base: root,
  actor: 'bench',
  toolVersion: 'bench',
  catalogVersion: 'bench',
  startedAt: new Date(),
});

/** Milliseconds in all, and in `add` (redaction, subject keys, rows) before the commit. */
async function recordThroughStore(store: Store, findings: Finding[]): Promise<{ ms: number; addMs: number }> {
  const begin = performance.now();
  const recorder = await store.beginScan(start());
  for (const finding of findings) recorder.add(finding);
  const added = performance.now();
  await recorder.commit({ finishedAt: new Date(), incomplete: false, inputs: [] });
  return { ms: performance.now() - begin, addMs: added - begin };
}

const TABLES = ['scans', 'findings', 'subjects', 'ledger'] as const;

/** The floor: the rows the store wrote, inserted one prepared statement call each into an empty copy of the schema. */
async function rawInsert(source: string, target: string): Promise<{ ms: number; rows: number }> {
  (await openStore(target)).close();
  const from = new BetterSqlite3(source, { readonly: true });
  const to = new BetterSqlite3(target);
  // The same connection settings as the store, so the ratio measures the store's own work.
  to.pragma('journal_mode = WAL');
  to.pragma('foreign_keys = ON');
  for (const pragma of SQLITE_PRAGMAS) to.pragma(pragma);
  const data = TABLES.map((table) => ({ table, rows: from.prepare(`SELECT * FROM "${table}"`).raw().all() }));
  from.close();
  const statements = data.map(({ table, rows }) => {
    const width = (rows[0] as unknown[] | undefined)?.length ?? 0;
    return to.prepare(`INSERT INTO "${table}" VALUES (${Array(width).fill('?').join(',')})`);
  });
  const begin = performance.now();
  to.transaction(() => {
    data.forEach(({ rows }, i) => {
      for (const row of rows) statements[i].run(row as unknown[]);
    });
  })();
  const ms = performance.now() - begin;
  to.close();
  return { ms, rows: data.reduce((sum, d) => sum + d.rows.length, 0) };
}

const seeds = await exampleFindings();
const findings = replicate(seeds, total);
console.log(`W9 store: ${findings.length.toLocaleString()} findings (${seeds.length} seeds from the example estate)`);

const storeMs: number[] = [];
const rawMs: number[] = [];
let rows = 0;
for (let run = 0; run < Number(options.runs); run++) {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-w9-'));
  try {
    const file = join(dir, 'store.db');
    const store = await openStore(file);
    const recorded = await recordThroughStore(store, findings);
    storeMs.push(recorded.ms);
    await store.close();
    const raw = await rawInsert(file, join(dir, 'raw.db'));
    rawMs.push(raw.ms);
    rows = raw.rows;
    console.log(
      `  run ${run + 1}: store ${seconds(recorded.ms)} (add ${seconds(recorded.addMs)}), raw ${seconds(raw.ms)} (${rows.toLocaleString()} rows)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const storeMedian = median(storeMs);
const rawMedian = median(rawMs);
console.log(
  `SQLite: store ${seconds(storeMedian)} (${Math.round(findings.length / (storeMedian / 1000)).toLocaleString()} findings/s), ` +
    `raw better-sqlite3 ${seconds(rawMedian)} for the same ${rows.toLocaleString()} rows; ` +
    `speed ratio store/raw ${(rawMedian / storeMedian).toFixed(2)}x (goal >= 0.80x)`,
);

const pgRuns = Number(options['pg-runs']);
if (pgRuns > 0) {
  const times: number[] = [];
  try {
    for (let run = 0; run < pgRuns; run++) {
      const schema = `w9_${process.pid}_${run}`;
      const store = await openStore(options.pg, { schema });
      try {
        times.push((await recordThroughStore(store, findings)).ms);
      } finally {
        await store.close();
        const client = new pg.Client({ connectionString: options.pg });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    }
    const pgMedian = median(times);
    console.log(
      `PostgreSQL: store ${seconds(pgMedian)} (${Math.round(findings.length / (pgMedian / 1000)).toLocaleString()} findings/s, ${times.length} run(s))`,
    );
  } catch (error) {
    console.log(`PostgreSQL: not measured (${(error as Error).message})`);
  }
}

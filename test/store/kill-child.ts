// Started by cli.test.ts: records a large scan and is killed (SIGKILL) while the transaction is being written.
import { sql } from 'kysely';
import { openStore } from '../../src/store/index.js';
import type { SqlStore } from '../../src/store/store.js';
import { account, finding, start } from './fixtures.js';

const store = (await openStore(process.argv[2])) as SqlStore;
// A small page cache makes SQLite write pages to the WAL while the transaction is open (not only at COMMIT), so
// the parent sees the write under way and kills it there.
await sql`PRAGMA cache_size = -256`.execute(store.db);
const recorder = await store.beginScan(start());
for (let i = 0; i < 100_000; i++) {
  const resource = account(`big${i}`);
  recorder.add(finding(resource, 'PHI-STG-006', 'fail'));
}
process.stdout.write('committing\n');
await recorder.commit({ finishedAt: new Date(), incomplete: false, inputs: [] });
process.stdout.write('committed\n');

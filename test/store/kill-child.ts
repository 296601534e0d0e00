// Started by cli.test.ts: records a large scan and is killed (SIGKILL) while the transaction is being written.
import { openStore } from '../../src/store/index.js';
import { account, finding, start } from './fixtures.js';

const store = await openStore(process.argv[2]);
const recorder = await store.beginScan(start());
for (let i = 0; i < 300_000; i++) {
  const resource = account(`big${i}`);
  recorder.add(finding(resource, 'PHI-STG-006', 'fail'));
}
process.stdout.write('committing\n');
await recorder.commit({ finishedAt: new Date(), incomplete: false, inputs: [] });
process.stdout.write('committed\n');

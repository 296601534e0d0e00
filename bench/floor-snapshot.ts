// W1 floor: the least any snapshot scan must do. Stream-reads the file, frames records with the snapshot
// adapter's own framer and JSON.parses each one, and does nothing else. Bundled by w1-snapshot.ts and run with
// plain node, so it pays no TypeScript loader start-up that the built CLI does not pay either.
import { createReadStream } from 'node:fs';
import { JsonFramer } from '../src/ingest/snapshot/framer.js';
import { STREAM_PATHS } from '../src/ingest/snapshot/parser.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: floor-snapshot FILE');
  process.exit(2);
}
let records = 0;
const framer = new JsonFramer(
  {
    arrayStart() {},
    element(text) {
      JSON.parse(text);
      records++;
    },
    root(text) {
      JSON.parse(text);
    },
    error(message) {
      console.error(message);
    },
  },
  { streamPaths: STREAM_PATHS },
);
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) framer.push(chunk as Buffer);
framer.end();
console.log(records);

// W1: scanning a large Resource Graph snapshot. For each size: generate bench/data/arg-N.json if missing,
// measure the floor (bench/floor-snapshot.ts: stream + frame + JSON.parse only, in a bare node process) and
// `phiguard scan FILE --format json --output /dev/null --no-store`, and print median wall time, the ratio to
// the floor and peak RSS. Goals (bench/README.md): scan <= 1.5x floor, peak RSS <= 300 MB, linear in N.
//
//   npx tsx bench/w1-snapshot.ts [--sizes 100000,500000] [--runs 5] [--format data|array|ndjson]
import { existsSync, statSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { generateSnapshot, type SnapshotFormat } from './gen-arg-snapshot.js';
import { CLI, ensureDataDir, flags, mb, ratio, requireCli, type Series, seconds, series } from './lib.js';

const options = flags({ sizes: '100000,500000', runs: '5', format: 'data' });
const sizes = options.sizes.split(',').map(Number);
const runs = Number(options.runs);
const format = options.format as SnapshotFormat;
const data = ensureDataDir();

const floorScript = `${data}floor-snapshot.mjs`;
buildSync({
  entryPoints: [new URL('./floor-snapshot.ts', import.meta.url).pathname],
  outfile: floorScript,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

interface Row {
  n: number;
  file: string;
  floor: Series;
  scan?: Series;
}
const rows: Row[] = [];
for (const n of sizes) {
  const file = `${data}arg-${n}${format === 'data' ? '' : `-${format}`}.${format === 'ndjson' ? 'ndjson' : 'json'}`;
  if (!existsSync(file)) {
    process.stdout.write(`generating ${file} ... `);
    generateSnapshot(n, file, { format });
    console.log('done');
  }
  const size = statSync(file).size / 1e6;
  console.log(`\nW1 n=${n} (${size.toFixed(0)} MB, ${format})`);
  const floor = await series('floor', [floorScript, file], { times: runs });
  console.log(`  floor  median ${seconds(floor.medianMs)}  peak RSS ${mb(floor.peakRssMB)}`);
  rows.push({ n, file, floor });
}

requireCli();
for (const row of rows) {
  const scan = await series(
    'phiguard scan',
    [CLI, 'scan', row.file, '--format', 'json', '--output', '/dev/null', '--no-store'],
    {
      times: runs,
      okCodes: [0, 1],
    },
  );
  row.scan = scan;
}

console.log('\nW1 results (goal: scan <= 1.5x floor, peak RSS <= 300 MB)');
console.log('  n        floor     scan      ratio   floor RSS  scan RSS');
for (const { n, floor, scan } of rows) {
  if (!scan) continue;
  console.log(
    `  ${String(n).padEnd(8)} ${seconds(floor.medianMs).padEnd(9)} ${seconds(scan.medianMs).padEnd(9)} ${ratio(scan.medianMs, floor.medianMs).padEnd(7)} ${mb(floor.peakRssMB).padEnd(10)} ${mb(scan.peakRssMB)}`,
  );
}
if (rows.length >= 2) {
  const [small, large] = [rows[0], rows[rows.length - 1]];
  if (small.scan && large.scan) {
    console.log(
      `  n=${large.n} vs n=${small.n}: time ${ratio(large.scan.medianMs, small.scan.medianMs)} (data ${(large.n / small.n).toFixed(1)}x), ` +
        `peak RSS ${mb(small.scan.peakRssMB)} -> ${mb(large.scan.peakRssMB)}`,
    );
  }
}

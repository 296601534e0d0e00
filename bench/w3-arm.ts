// W3: scanning a directory of 2,000 ARM templates (5-55 KB). Generates bench/data/arm/ if missing, measures the
// floor (one bare node process that reads and JSON.parses every file) and
// `phiguard scan bench/data/arm --format json --output /dev/null`, and prints medians and the ratio.
// Goal (bench/README.md): scan <= 3x floor.
//
//   npx tsx bench/w3-arm.ts [--count 2000] [--runs 5] [--args "..."] (default --no-store)
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateArmTemplates } from './gen-arm-templates.js';
import { CLI, ensureDataDir, flags, mb, ratio, requireCli, seconds, series } from './lib.js';

// The store is left out by default: W3 measures the scanner; pass --args "" to include the scan's recording.
const options = flags({ count: '2000', runs: '5', args: '--no-store' });
const count = Number(options.count);
const runs = Number(options.runs);
const dir = ensureDataDir('arm');
const marker = join(dir, '.generated');
const stamp = `${count} templates, generator v1`;
if (!existsSync(marker) || readFileSync(marker, 'utf8') !== stamp) {
  // A different count: drop the old templates so the directory holds exactly this set.
  for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(join(dir, file));
  process.stdout.write(`generating ${count} templates in ${dir} ... `);
  const bytes = generateArmTemplates(count, dir);
  writeFileSync(marker, stamp);
  console.log(`${(bytes / 1e6).toFixed(1)} MB`);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const total = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
console.log(`\nW3: ${files.length} templates, ${(total / 1e6).toFixed(1)} MB`);

// The floor reads and parses every template in one process: what any scan of these files must at least do.
const floorCode = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[1];
let n = 0;
for (const f of readdirSync(dir)) if (f.endsWith('.json')) { JSON.parse(readFileSync(join(dir, f), 'utf8')); n++; }
console.log(n);
`;
const floor = await series('floor', ['--input-type=module', '-e', floorCode, dir], { times: runs });
console.log(`  floor  median ${seconds(floor.medianMs)}  peak RSS ${mb(floor.peakRssMB)}`);

requireCli();
const extra = options.args.split(' ').filter(Boolean);
const scan = await series('phiguard scan', [CLI, 'scan', dir, '--format', 'json', '--output', '/dev/null', ...extra], {
  times: runs,
  okCodes: [0, 1],
});
console.log(`  scan   median ${seconds(scan.medianMs)}  peak RSS ${mb(scan.peakRssMB)}`);
console.log(`\nW3 result: scan/floor ${ratio(scan.medianMs, floor.medianMs)} (goal <= 3x)`);

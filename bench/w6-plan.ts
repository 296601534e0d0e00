// W6: a `terraform show -json` plan of 100 MB and 500 MB (bench/gen-terraform.ts generatePlan). Measures, each in
// its own node process: the floor (read the file and JSON.parse it whole) and readTerraformPlan streaming every
// resource through the azurerm mapping. Goals: 100 MB <= 2x the floor; 500 MB with peak RSS <= 400 MB (the floor
// is not run at 500 MB: a string that size is near V8's limit). Medians; asserts nothing.
//
//   npx tsx bench/w6-plan.ts [--sizes 100,500] [--runs 3]
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { generatePlan } from './gen-terraform.js';
import { ensureDataDir, flags, mb, ratio, seconds, series } from './lib.js';

const options = flags({ sizes: '100,500', runs: '3' });
const runs = Number(options.runs);
const dir = ensureDataDir();

// The adapter, bundled as the CLI ships it, reading one plan and counting what it yields.
const reader = `${dir}w6-read.mjs`;
buildSync({
  stdin: {
    contents: `import { readTerraformPlan } from './src/ingest/terraform/index.ts';
let resources = 0;
let diagnostics = 0;
for await (const _ of readTerraformPlan(process.argv[2], () => diagnostics++)) resources++;
console.error(JSON.stringify({ resources, diagnostics }));`,
    resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    loader: 'ts',
  },
  outfile: reader,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
const floorCode = `import { readFileSync } from 'node:fs';
const plan = JSON.parse(readFileSync(process.argv[1], 'utf8'));
console.log(plan.resource_changes.length);`;

for (const size of options.sizes.split(',').map(Number)) {
  const file = `${dir}tf-plan-${size}.json`;
  const stamp = `${file}.generated`;
  const version = `${size} MB, generator v1`;
  if (!existsSync(file) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
    process.stdout.write(`generating ${file} ... `);
    const bytes = await generatePlan(file, size);
    writeFileSync(stamp, version);
    console.log(`${(bytes / 1e6).toFixed(0)} MB`);
  }
  const bytes = statSync(file).size;
  console.log(`\nW6: plan of ${(bytes / 1e6).toFixed(0)} MB`);
  let floorMs: number | undefined;
  if (size <= 200) {
    const floor = await series('floor', ['--input-type=module', '-e', floorCode, file], { times: runs });
    floorMs = floor.medianMs;
    console.log(`  floor (read + JSON.parse)   median ${seconds(floor.medianMs)}  peak RSS ${mb(floor.peakRssMB)}`);
  }
  const read = await series('readTerraformPlan', [reader, file], { times: runs });
  const counts = read.runs[0]?.stderr.trim().split('\n').pop() ?? '';
  console.log(
    `  readTerraformPlan           median ${seconds(read.medianMs)}  peak RSS ${mb(read.peakRssMB)}  ${counts}`,
  );
  if (floorMs !== undefined) console.log(`  W6 ${size} MB: plan/floor ${ratio(read.medianMs, floorMs)} (goal <= 2x)`);
  else console.log(`  W6 ${size} MB: peak RSS ${mb(read.peakRssMB)} (goal <= 400 MB)`);
}

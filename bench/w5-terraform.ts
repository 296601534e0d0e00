// W5: a Terraform configuration of 700 .tf files in 60 local modules (for_each / count on the module calls and on
// resources, dynamic blocks, optional() defaults). Prints the HCL parse rate with positions (every file parsed to
// a tree with offsets and its line index built) and the whole load (read, parse, evaluate, expand, map to
// canonical resources) against the parse alone. Medians; asserts nothing.
//
//   npx tsx bench/w5-terraform.ts [--files 700] [--modules 60] [--runs 7]
//
// It measures a bundled build of itself, as the CLI ships (tsx adds per-function wrappers).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildSync } from 'esbuild';
import { parseHcl } from '../src/ingest/terraform/hcl.js';
import { loadTerraformModule } from '../src/ingest/terraform/index.js';
import { generateModules } from './gen-terraform.js';
import { ensureDataDir, flags, median, seconds } from './lib.js';

if (!process.env.PHIGUARD_BENCH_BUNDLED) {
  const outfile = `${ensureDataDir()}w5-terraform.mjs`;
  buildSync({
    entryPoints: [new URL(import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // `--` ends node options; the placeholder keeps flags at process.argv[2] as lib.flags() expects.
  const run = spawnSync(
    process.execPath,
    ['-e', `import(${JSON.stringify(outfile)})`, '--', 'w5', ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      // The bundle lives in bench/data/, so it is told where the data directory is.
      env: { ...process.env, PHIGUARD_BENCH_BUNDLED: '1', PHIGUARD_BENCH_DATA: ensureDataDir() },
    },
  );
  process.exit(run.status ?? 1);
}

const options = flags({ files: '700', modules: '60', runs: '7' });
const runs = Number(options.runs);
const dir = join(process.env.PHIGUARD_BENCH_DATA ?? ensureDataDir(), 'tf-w5');
generateModules(dir, Number(options.files), Number(options.modules));

function tfFiles(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return tfFiles(path);
    return name.endsWith('.tf') ? [path] : [];
  });
}
const files = tfFiles(dir);
const texts = files.map((file) => readFileSync(file, 'utf8'));
const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
console.log(`\nW5: ${files.length} .tf files, ${(bytes / 1e6).toFixed(2)} MB, ${options.modules} local modules`);

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

// Parse with positions: the tree carries offsets; the line index turns any of them into line:column.
let nodes = 0;
const parse = () => {
  for (let i = 0; i < files.length; i++) {
    const file = parseHcl(files[i], texts[i]);
    file.lines.at(texts[i].length - 1);
    nodes += file.body.blocks.length;
  }
};
parse();
const parseTimes = Array.from({ length: runs }, () => time(parse));
const parseMs = median(parseTimes);
console.log(
  `  parse (with positions)  median ${seconds(parseMs)}  ${(bytes / 1e6 / (parseMs / 1000)).toFixed(1)} MB/s`,
);

let resources = 0;
let diagnostics = 0;
const loadTimes: number[] = [];
for (let k = 0; k <= runs; k++) {
  const start = performance.now();
  const result = await loadTerraformModule(dir);
  const ms = performance.now() - start;
  if (k > 0) loadTimes.push(ms);
  resources = result.resources.length;
  diagnostics = result.diagnostics.length;
}
const loadMs = median(loadTimes);
console.log(
  `  whole load              median ${seconds(loadMs)}  ${resources} canonical resources, ${diagnostics} diagnostics`,
);
console.log(
  `\nW5 result: ${(bytes / 1e6 / (parseMs / 1000)).toFixed(1)} MB/s parse (goal >= 10 MB/s); whole load / parse ${(loadMs / parseMs).toFixed(1)}x`,
);
void nodes;

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseHcl } from '../src/ingest/terraform/hcl.js';
import { loadTerraformModule } from '../src/ingest/terraform/index.js';
import { generateModules } from './gen-terraform.js';
import { ensureDataDir, flags, median, runBundled, seconds } from './lib.js';

runBundled(import.meta.url, 'w5-terraform');

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

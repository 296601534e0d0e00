// W8: expansion limits. A resource with a 10,000-instance for_each (a setproduct of two ranges, since range()
// stops at 1024) and NSG rules over the whole 0-65535 port range (one static, 200 from a dynamic block) must not
// blow up: load the module, then evaluate the STG and NET rules on it, in its own process. Prints wall time, peak
// RSS and counts (medians); asserts nothing.
//
//   npx tsx bench/w8-expansion.ts [--instances 10000] [--runs 3]
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { generateExpansion } from './gen-terraform.js';
import { ensureDataDir, flags, mb, seconds, series } from './lib.js';

const options = flags({ instances: '10000', runs: '3' });
const dir = `${ensureDataDir()}tf-w8`;
generateExpansion(dir, Number(options.instances));

const runner = `${ensureDataDir()}w8-run.mjs`;
buildSync({
  stdin: {
    contents: `import { performance } from 'node:perf_hooks';
import { defaultConfig } from './src/core/config.ts';
import { Inventory } from './src/core/inventory.ts';
import { loadTerraformModule } from './src/ingest/terraform/index.ts';
import { RULES } from './src/rules/catalog/index.ts';
import { Engine } from './src/rules/engine.ts';
const started = performance.now();
const result = await loadTerraformModule(process.argv[2]);
const loaded = performance.now();
const rules = RULES.filter((rule) => /^PHI-(STG|NET)-/.test(rule.id));
const findings = new Engine(rules, { config: defaultConfig() }).evaluate(new Inventory(result.resources));
const done = performance.now();
const failed = findings.filter((f) => f.status === 'fail').length;
console.error(JSON.stringify({ resources: result.resources.length, diagnostics: result.diagnostics.length, failures: failed, loadMs: Math.round(loaded - started), rulesMs: Math.round(done - loaded) }));`,
    resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    loader: 'ts',
  },
  outfile: runner,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

console.log(`\nW8: ${options.instances}-instance for_each and 0-65535 port ranges (${dir})`);
const run = await series('w8', [runner, dir], { times: Number(options.runs) });
const last = run.runs[run.runs.length - 1]?.stderr.trim().split('\n').pop() ?? '';
console.log(`  load + STG/NET rules   median ${seconds(run.medianMs)}  peak RSS ${mb(run.peakRssMB)}  ${last}`);

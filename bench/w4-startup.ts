// W4: start-up. The floor is a bare node process loading a generated 1 MB JS bundle (what starting any bundled
// CLI of that size costs); measured against `node bin/phiguard.js --version`. Medians over ~20 runs.
// Goal (bench/README.md): --version <= 1.2x floor.
//
//   npx tsx bench/w4-startup.ts [--runs 20]
import { existsSync, writeFileSync } from 'node:fs';
import { prng } from './gen-arg-snapshot.js';
import { CLI, ensureDataDir, flags, mb, ratio, requireCli, seconds, series } from './lib.js';

const options = flags({ runs: '20' });
const runs = Number(options.runs);
const bundle = `${ensureDataDir()}bundle-1mb.mjs`;

/** ~1 MB of plausible bundled code: many small functions, classes and a data table, then a version print. */
function writeBundle(path: string): void {
  const random = prng(42);
  const parts: string[] = ["'use strict';\nconst registry = new Map();\n"];
  let size = parts[0].length;
  for (let k = 0; size < 1_000_000; k++) {
    const n = Math.floor(random() * 1000);
    const part =
      k % 3 === 0
        ? `export class Rule${k} {\n  constructor(options) { this.id = 'PHI-${k}'; this.options = options ?? { threshold: ${n} }; }\n  check(resource) {\n    const value = resource?.properties?.setting${k % 50};\n    if (value === undefined) return { verdict: 'unknown', path: 'properties.setting${k % 50}' };\n    return value >= this.options.threshold ? { verdict: 'pass' } : { verdict: 'fail', expected: '>= ${n}' };\n  }\n}\nregistry.set('rule${k}', Rule${k});\n`
        : k % 3 === 1
          ? `function format${k}(value, width = ${n % 80}) {\n  const text = typeof value === 'string' ? value : JSON.stringify(value);\n  return text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width);\n}\nregistry.set('format${k}', format${k});\n`
          : `const table${k} = ${JSON.stringify(Array.from({ length: 8 }, (_, j) => ({ key: `k${k}-${j}`, value: Math.floor(random() * 1e6), label: `label ${n} ${j}` })))};\nregistry.set('table${k}', table${k});\n`;
    parts.push(part);
    size += part.length;
  }
  parts.push("if (registry.size > 0) process.stdout.write('0.1.0\\n');\n");
  writeFileSync(path, parts.join(''));
}

if (!existsSync(bundle)) writeBundle(bundle);
console.log('W4: start-up');
const floor = await series('floor', [bundle], { times: runs, warmup: 3 });
console.log(`  floor (1 MB bundle)   median ${seconds(floor.medianMs)}  peak RSS ${mb(floor.peakRssMB)}`);
requireCli();
const version = await series('phiguard --version', [CLI, '--version'], { times: runs, warmup: 3 });
console.log(`  phiguard --version    median ${seconds(version.medianMs)}  peak RSS ${mb(version.peakRssMB)}`);
console.log(`\nW4 result: --version/floor ${ratio(version.medianMs, floor.medianMs)} (goal <= 1.2x)`);

// Bundles the CLI with esbuild. Code splitting keeps `phiguard --version` from loading the rule catalog
// and the adapters (issue 2, W4): the entry chunk is tiny and everything else is a dynamic import.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  entryPoints: { phiguard: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  define: { __PHIGUARD_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

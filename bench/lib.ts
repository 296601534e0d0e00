// Shared helpers for the benchmark scripts: run a command several times, take wall time and peak RSS, print.
// Benchmarks print figures; they never assert timings.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DATA = fileURLToPath(new URL('./data/', import.meta.url));
export const CLI = fileURLToPath(new URL('../bin/phiguard.js', import.meta.url));
const CLI_BUNDLE = fileURLToPath(new URL('../dist/phiguard.js', import.meta.url));
const TIME = '/usr/bin/time';

export interface Run {
  ms: number;
  /** Peak resident set size in MB, when it could be measured. */
  rssMB?: number;
  code: number | null;
  stderr: string;
}

export interface Series {
  label: string;
  runs: Run[];
  medianMs: number;
  /** The highest peak RSS over the runs. */
  peakRssMB?: number;
}

export function ensureDataDir(sub = ''): string {
  const dir = `${DATA}${sub}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * In-process benchmarks measure a bundled build of themselves, as the CLI ships: tsx's per-function wrappers would
 * add ~2x. Unless already bundled, this builds the calling script into bench/data/, runs it with the same flags,
 * and exits with its status. `--` plus a placeholder keep the flags at process.argv[2] for flags(); starting through
 * -e keeps the generators' "run as a script" checks (argv[1]) false inside the bundle.
 */
export function runBundled(moduleUrl: string, name: string): void {
  if (process.env.PHIGUARD_BENCH_BUNDLED) return;
  const outfile = `${ensureDataDir()}${name}.mjs`;
  buildSync({
    entryPoints: [fileURLToPath(moduleUrl)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  const run = spawnSync(
    process.execPath,
    ['-e', `import(${JSON.stringify(outfile)})`, '--', name, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      // The bundle lives in bench/data/: it is told the working directory and the data directory.
      env: {
        ...process.env,
        PHIGUARD_BENCH_BUNDLED: '1',
        PHIGUARD_BENCH_ROOT: process.cwd(),
        PHIGUARD_BENCH_DATA: ensureDataDir(),
      },
    },
  );
  process.exit(run.status ?? 1);
}

/**
 * Peak RSS comes from GNU time (`/usr/bin/time -v`) when installed; otherwise a preloaded probe in the child
 * node process reports `process.resourceUsage().maxRSS` at exit on file descriptor 3.
 */
function probe(): string {
  const path = `${ensureDataDir()}rss-probe.mjs`;
  if (!existsSync(path)) {
    writeFileSync(
      path,
      "import { writeSync } from 'node:fs';\nprocess.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });\n",
    );
  }
  return path;
}

/** Runs `node ...args` once, measuring wall time (spawn to exit) and peak RSS. */
export function runNode(args: string[], options: { cwd?: string } = {}): Promise<Run> {
  const gnuTime = existsSync(TIME);
  const command = gnuTime ? TIME : process.execPath;
  const argv = gnuTime ? ['-v', process.execPath, ...args] : ['--import', probe(), ...args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, {
      cwd: options.cwd ?? ROOT,
      stdio: gnuTime ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let fd3 = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      fd3 += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssMB: number | undefined;
      if (gnuTime) {
        const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (match) rssMB = Number(match[1]) / 1024;
        // GNU time exits with the child's status and appends its report to stderr: keep the child's part.
        const report = stderr.indexOf('\tCommand being timed:');
        if (report >= 0) stderr = stderr.slice(0, report).replace(/Command exited with non-zero status \d+\n$/, '');
      } else if (fd3) {
        rssMB = Number(fd3) / 1024;
      }
      resolve({ ms, rssMB, code, stderr });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs a node command `times` times (after `warmup` unmeasured runs, which also warm the file cache). Exit codes
 * in `okCodes` count as success (a scan with findings exits 1).
 */
export async function series(
  label: string,
  args: string[],
  options: { times: number; warmup?: number; okCodes?: number[] },
): Promise<Series> {
  const ok = options.okCodes ?? [0];
  for (let k = 0; k < (options.warmup ?? 1); k++) await check(label, await runNode(args), ok);
  const runs: Run[] = [];
  for (let k = 0; k < options.times; k++) runs.push(await check(label, await runNode(args), ok));
  const rss = runs.map((r) => r.rssMB).filter((v): v is number => v !== undefined);
  return {
    label,
    runs,
    medianMs: median(runs.map((r) => r.ms)),
    peakRssMB: rss.length > 0 ? Math.max(...rss) : undefined,
  };
}

async function check(label: string, run: Run, ok: number[]): Promise<Run> {
  if (run.code === null || !ok.includes(run.code)) {
    const why = run.stderr.trim().split('\n').slice(0, 5).join('\n  ');
    throw new Error(`${label} exited with ${run.code}:\n  ${why}`);
  }
  return run;
}

/** Fails with a clear message when the CLI has not been built (`npm run build` writes dist/). */
export function requireCli(): void {
  if (!existsSync(CLI) || !existsSync(CLI_BUNDLE)) {
    console.error(
      `\nphiguard CLI not built: ${existsSync(CLI) ? 'dist/phiguard.js is missing' : 'bin/phiguard.js is missing'}. ` +
        'Run `npm run build` first; only the floor was measured.',
    );
    process.exit(1);
  }
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function mb(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(0)} MB`;
}

export function ratio(value: number, floor: number): string {
  return `${(value / floor).toFixed(2)}x`;
}

/** `--name value` flags with defaults. */
export function flags(defaults: Record<string, string>): Record<string, string> {
  const args = process.argv.slice(2);
  const out = { ...defaults };
  for (let k = 0; k < args.length; k++) {
    const name = args[k].replace(/^--/, '');
    if (!args[k].startsWith('--') || !(name in defaults)) {
      console.error(
        `unknown argument ${args[k]}; flags: ${Object.keys(defaults)
          .map((f) => `--${f}`)
          .join(' ')}`,
      );
      process.exit(2);
    }
    out[name] = args[++k] ?? '';
  }
  return out;
}

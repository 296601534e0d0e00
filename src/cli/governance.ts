// The scan command's waiver and baseline plumbing: finding and reading the files, the clock, writing a baseline.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { Baseline, type BaselineEntry, parseBaseline, renderBaseline } from '../governance/baseline.js';
import { configWaivers, parseWaiverFile, WaiverSet } from '../governance/waivers.js';
import { RULES } from '../rules/catalog/index.js';
import { writeFileAtomic } from './output.js';

/**
 * The scan's clock: now, or `PHIGUARD_NOW` (an ISO date or date-time) so that tests and reproducible CI runs decide
 * waiver expiry the same way on any day.
 */
export function scanClock(env: NodeJS.ProcessEnv = process.env): Date {
  const fixed = env.PHIGUARD_NOW;
  if (!fixed) return new Date();
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(fixed) ? `${fixed}T00:00:00Z` : fixed);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(
      'PHIGUARD_NOW is not a date',
      undefined,
      `expected YYYY-MM-DD or an ISO date-time, got "${fixed}"`,
    );
  }
  return date;
}

function readUserFile(path: string, what: string): string {
  if (!existsSync(path)) throw new ConfigError(`${what} not found`, { file: path });
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code})`, { file: path });
  }
}

/**
 * `--waivers FILE`, else `.phiguard/waivers.yaml` beside the config, in the current directory, or from the scanned
 * root up to the repository root (where `.phiguard.yaml` is looked for too).
 */
export function findWaiverFile(flag: string | undefined, config: Config, paths: string[]): string | undefined {
  if (flag) return flag;
  const name = join('.phiguard', 'waivers.yaml');
  const candidates = config.source ? [join(dirname(config.source), name)] : [];
  candidates.push(name);
  const first = paths[0];
  if (first && existsSync(first)) {
    let dir = statSync(first).isDirectory() ? first : dirname(first);
    for (;;) {
      candidates.push(join(dir, name));
      const up = dirname(resolve(dir)) === resolve(dir) ? undefined : join(dir, '..');
      if (!up || existsSync(join(dir, '.git'))) break;
      dir = relative('.', up) || '.';
    }
  }
  return candidates.find((candidate) => existsSync(candidate));
}

export interface Governance {
  waivers: WaiverSet;
  waiverFile: string | undefined;
  baseline: Baseline | undefined;
}

export function openGovernance(
  flags: { waivers?: string; baseline?: string },
  config: Config,
  paths: string[],
  now: Date,
): Governance {
  const ruleIds = new Set(RULES.map((rule) => rule.id));
  const waiverFile = findWaiverFile(flags.waivers, config, paths);
  const fromFile = waiverFile
    ? parseWaiverFile(readUserFile(waiverFile, 'waivers file'), waiverFile, {
        // Selectors' `file` globs are relative to the directory that holds .phiguard/ (the scanned root).
        root:
          basename(dirname(resolve(waiverFile))) === '.phiguard' ? dirname(dirname(waiverFile)) : dirname(waiverFile),
        ruleIds,
        require: config.waivers.require,
      })
    : [];
  const waivers = new WaiverSet({
    config,
    now,
    ruleIds,
    waivers: [...fromFile, ...configWaivers(config)],
    readSource: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  const baseline = flags.baseline
    ? new Baseline(flags.baseline, parseBaseline(readUserFile(flags.baseline, 'baseline file'), flags.baseline))
    : undefined;
  return { waivers, waiverFile, baseline };
}

/** Writes the baseline atomically: an interrupted run leaves the previous baseline, never half of one. */
export async function writeBaseline(path: string, entries: Iterable<BaselineEntry>): Promise<void> {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new ConfigError(`cannot create the baseline's directory (${(error as NodeJS.ErrnoException).code})`, {
      file: path,
    });
  }
  await writeFileAtomic(path, renderBaseline(entries));
}

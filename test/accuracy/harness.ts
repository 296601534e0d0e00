// Accuracy against the peers' own test suites (issue: rule catalog, item 6). For every rule whose spec/rules.yaml
// crosswalk names a KICS query, each positive sample must fail that rule and each negative sample must not. Samples
// go through the real scan pipeline (`runScan`), so a format counts exactly when phiguard can scan it; formats it
// cannot scan yet are reported as "not yet scanned", never as agreement.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Config, defaultConfig } from '../../src/core/config.js';
import { UserError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import type { Rule } from '../../src/rules/define.js';
import { runScan } from '../../src/scan/run.js';

export const SHARED = new URL('../../../shared/', import.meta.url);
const CORPUS = new URL('corpus/kics/', SHARED);
const DIVERGENCES = new URL('divergences.yaml', import.meta.url);

export type Platform = 'arm' | 'bicep' | 'terraform';

export interface SpecRule {
  id: string;
  crosswalk?: { kics?: string[] };
  crosswalk_config?: Record<string, unknown>;
}

/** A sample where phiguard and KICS disagree on purpose, with the reason and a source (test/accuracy/divergences.yaml). */
export interface Divergence {
  rule: string;
  sample: string;
  reason: string;
  source: string;
}

export interface SampleResult {
  rule: string;
  platform: Platform;
  /** `arm/<query>/<file>` (Bicep twins live in the arm folders) or `terraform/<query>/<file>`. */
  sample: string;
  kind: 'positive' | 'negative';
  scanned: boolean;
  /** Why the sample was not scanned (format not supported yet, parse error). */
  problem?: string;
  failed: boolean;
  agrees: boolean;
  divergence?: Divergence;
  /** Positive samples: KICS's expected lines, and whether one of our failures is on one of them. */
  expectedLines: number[];
  lineAgrees?: boolean;
}

export interface RuleScore {
  rule: string;
  platform: Platform;
  scanned: number;
  agreeing: number;
  divergent: number;
  notScanned: number;
  linesExpected: number;
  linesAgreeing: number;
}

const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as { rules: SpecRule[] };

export function loadDivergences(): Divergence[] {
  if (!existsSync(DIVERGENCES)) return [];
  const parsed = parse(readFileSync(DIVERGENCES, 'utf8')) as { divergences?: Divergence[] } | null;
  return parsed?.divergences ?? [];
}

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** rules.yaml `crosswalk_config` uses `.phiguard.yaml` keys (snake_case); the effective config is camelCase. */
export function corpusConfig(rule: SpecRule): Config {
  const config = defaultConfig();
  // Harness note (rules.yaml): phi_scoped rules would otherwise see every corpus resource as not applicable.
  config.classification.default = 'phi';
  for (const [key, value] of Object.entries(rule.crosswalk_config ?? {})) {
    const segments = key.split('.');
    let target = config as unknown as Record<string, unknown>;
    for (const segment of segments.slice(0, -1)) target = target[camel(segment)] as Record<string, unknown>;
    target[camel(segments[segments.length - 1])] = value;
  }
  config.source = 'accuracy harness';
  return config;
}

export function platformOf(file: string, folderPlatform: string): Platform | undefined {
  if (folderPlatform === 'terraform') return file.endsWith('.tf') ? 'terraform' : undefined;
  if (file.endsWith('.bicep')) return 'bicep';
  if (file.endsWith('.json')) return 'arm';
  return undefined;
}

function expectedLines(dir: URL, file: string): number[] {
  const path = new URL('positive_expected_result.json', dir);
  if (!existsSync(path)) return [];
  const expected = JSON.parse(readFileSync(path, 'utf8')) as { fileName?: string; line?: number }[];
  return expected.filter((e) => e.fileName === file && typeof e.line === 'number').map((e) => e.line as number);
}

/**
 * Terraform loads a directory as one module, and KICS keeps positive and negative samples side by side: each
 * sample is scanned alone from a directory of its own.
 */
async function scanSample(path: string, platform: Platform, rule: Rule, config: Config) {
  const findings: Finding[] = [];
  let target = path;
  let cleanup: (() => void) | undefined;
  if (platform === 'terraform') {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-kics-'));
    writeFileSync(join(dir, 'main.tf'), readFileSync(path));
    target = dir;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  try {
    const stats = await runScan({ paths: [target], config, rules: [rule], onFinding: (f) => findings.push(f) });
    const problem = stats.diagnostics.find((d) => d.kind === 'parse-error' || d.kind === 'read-error');
    return { findings, problem: problem?.message ?? (stats.resources === 0 ? 'no resources loaded' : undefined) };
  } catch (error) {
    if (error instanceof UserError) return { findings, problem: error.message };
    throw error;
  } finally {
    cleanup?.();
  }
}

export async function scoreCorpus(): Promise<SampleResult[]> {
  const divergences = loadDivergences();
  const results: SampleResult[] = [];
  for (const rule of RULES) {
    const ruleSpec = spec.rules.find((r) => r.id === rule.id);
    const folders = ruleSpec?.crosswalk?.kics ?? [];
    if (!ruleSpec || folders.length === 0) continue;
    const config = corpusConfig(ruleSpec);
    for (const folder of folders) {
      const [folderPlatform] = folder.split('/');
      const base = new URL(`${folder}/`, CORPUS);
      const dir = existsSync(new URL('test/', base)) ? new URL('test/', base) : base;
      for (const file of readdirSync(dir).sort()) {
        const kind = file.startsWith('positive') ? 'positive' : file.startsWith('negative') ? 'negative' : undefined;
        const platform = platformOf(file, folderPlatform);
        if (!kind || !platform || file.startsWith('positive_expected_result')) continue;
        const sample = `${folder}/${file}`;
        const { findings, problem } = await scanSample(fileURLToPath(new URL(file, dir)), platform, rule, config);
        const failures = findings.filter((f) => f.status === 'fail' && f.ruleId === rule.id);
        const failed = failures.length > 0;
        const lines = kind === 'positive' ? expectedLines(dir, file) : [];
        const divergence = divergences.find((d) => d.rule === rule.id && d.sample === sample);
        results.push({
          rule: rule.id,
          platform,
          sample,
          kind,
          scanned: problem === undefined,
          problem,
          failed,
          agrees: problem === undefined && failed === (kind === 'positive'),
          divergence,
          expectedLines: lines,
          lineAgrees:
            kind === 'positive' && failed && lines.length > 0
              ? failures.some((f) => f.location !== null && lines.includes(f.location.line))
              : undefined,
        });
      }
    }
  }
  return results;
}

export function summarize(results: SampleResult[]): RuleScore[] {
  const scores = new Map<string, RuleScore>();
  for (const r of results) {
    const key = `${r.rule}|${r.platform}`;
    const score = scores.get(key) ?? {
      rule: r.rule,
      platform: r.platform,
      scanned: 0,
      agreeing: 0,
      divergent: 0,
      notScanned: 0,
      linesExpected: 0,
      linesAgreeing: 0,
    };
    if (!r.scanned) score.notScanned++;
    else if (r.divergence && !r.agrees) score.divergent++;
    else {
      score.scanned++;
      if (r.agrees) score.agreeing++;
      if (r.lineAgrees !== undefined) {
        score.linesExpected++;
        if (r.lineAgrees) score.linesAgreeing++;
      }
    }
    scores.set(key, score);
  }
  return [...scores.values()].sort((a, b) => a.rule.localeCompare(b.rule) || a.platform.localeCompare(b.platform));
}

/** File-level agreement of the scanned, non-divergent samples (a fraction 0..1; 1 when nothing was scanned). */
export function agreement(scores: RuleScore[]): { scanned: number; agreeing: number; ratio: number } {
  const scanned = scores.reduce((n, s) => n + s.scanned, 0);
  const agreeing = scores.reduce((n, s) => n + s.agreeing, 0);
  return { scanned, agreeing, ratio: scanned === 0 ? 1 : agreeing / scanned };
}

export function formatReport(results: SampleResult[]): string {
  const scores = summarize(results);
  const pct = (a: number, b: number) => (b === 0 ? '   -  ' : `${((100 * a) / b).toFixed(1).padStart(5)}%`);
  const lines = ['rule          platform   agree/scanned  file-level  line-level  divergent  not-scanned'];
  for (const s of scores) {
    lines.push(
      `${s.rule.padEnd(13)} ${s.platform.padEnd(9)} ${`${s.agreeing}/${s.scanned}`.padStart(13)}  ${pct(s.agreeing, s.scanned).padStart(10)}  ${pct(s.linesAgreeing, s.linesExpected).padStart(10)}  ${String(s.divergent).padStart(9)}  ${String(s.notScanned).padStart(11)}`,
    );
  }
  lines.push('');
  for (const platform of ['arm', 'bicep', 'terraform'] as const) {
    const ofPlatform = scores.filter((s) => s.platform === platform);
    const total = agreement(ofPlatform);
    const notScanned = ofPlatform.reduce((n, s) => n + s.notScanned, 0);
    const lineExpected = ofPlatform.reduce((n, s) => n + s.linesExpected, 0);
    const lineAgreeing = ofPlatform.reduce((n, s) => n + s.linesAgreeing, 0);
    lines.push(
      `${platform.padEnd(9)} file-level ${pct(total.agreeing, total.scanned)} (${total.agreeing}/${total.scanned})` +
        `, line-level ${pct(lineAgreeing, lineExpected)} (${lineAgreeing}/${lineExpected})` +
        (notScanned > 0 ? `, ${notScanned} not yet scanned` : ''),
    );
  }
  const disagreements = results.filter((r) => r.scanned && !r.agrees && !r.divergence);
  if (disagreements.length > 0) {
    lines.push('', 'Disagreements (not listed in test/accuracy/divergences.yaml):');
    for (const r of disagreements)
      lines.push(`  ${r.rule} ${r.sample}: ${r.failed ? 'fails' : 'passes'} (KICS: ${r.kind})`);
  }
  return lines.join('\n');
}

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { type Config, configToYamlObject, defaultConfig, parseConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { Finding, Severity } from '../core/types.js';
import { type BaselineEntry, baselinable, baselineEntry } from '../governance/baseline.js';
import type { IngestDiagnostic } from '../ingest/types.js';
import type { ReportContext } from '../report/context.js';
import { renderCsv } from '../report/csv.js';
import { renderHtml } from '../report/html.js';
import { jsonEnd, jsonFinding, jsonStart } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderSarif } from '../report/sarif.js';
import { EXIT, exitCodeFor, type FailOn, FindingTotals } from '../report/summary.js';
import { renderTable } from '../report/table.js';
import { RULES } from '../rules/catalog/index.js';
import { runScan, type ScanStats } from '../scan/run.js';
import type { LiveFlags } from './collect.js';
import { openGovernance, scanClock, writeBaseline } from './governance.js';
import { type OutputSink, openOutput, writeFileAtomic } from './output.js';

export interface ScanFlags extends LiveFlags {
  /** Collect live state (the LiveFlags scope) and scan it with the paths. */
  live?: boolean;
  config?: string;
  showConfig?: boolean;
  format: string;
  output?: string;
  failOn?: Severity | 'none';
  includePassed?: boolean;
  parameters?: string;
  varFile?: string[];
  waivers?: string;
  baseline?: string;
  createBaseline?: string;
  store?: boolean;
  /** Store URL or SQLite path (else $PHIGUARD_DB, else .phiguard/phiguard.db under the scanned root). */
  db?: string;
  /** Who ran the scan, for the ledger (default: the OS user). */
  actor?: string;
  /** What the store calls this scan's scope when it is not the paths (the live scopes of --live). */
  storeRoots?: string[];
  quiet?: boolean;
  color?: boolean;
  /** SARIF automationDetails category (default phiguard/iac). */
  sarifCategory?: string;
}

const FORMATS = ['table', 'json', 'sarif', 'junit', 'csv', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface Target {
  format: Format;
  path: string;
}

/** `--format json` or `--format sarif:out.sarif,json:-` (spec/cli.md). */
export function parseFormats(spec: string, output: string | undefined): Target[] {
  const parts = spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new ConfigError('--format needs a value');
  const targets = parts.map((part) => {
    const [name, ...rest] = part.split(':');
    const format = name.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new ConfigError(`unknown format "${name}"`, undefined, `expected one of ${FORMATS.join(', ')}`);
    }
    return { format: format as Format, path: rest.length > 0 ? rest.join(':') : '' };
  });
  if (targets.length > 1 && output) {
    throw new ConfigError('--output applies to a single format', undefined, 'write each as format:file in --format');
  }
  for (const target of targets) if (!target.path) target.path = output ?? '-';
  if (targets.filter((t) => t.path === '-').length > 1) {
    throw new ConfigError('only one format can go to stdout', undefined, 'give the others a file: json:out.json');
  }
  return targets;
}

/** What the HTML report adds to the shared context: the scan's own statistics. */
interface ScanFacts {
  flags: ScanFlags;
  stats: ScanStats;
  configSource: string | null;
}

function renderReport(
  format: Exclude<Format, 'json' | 'table'>,
  findings: Finding[],
  context: ReportContext,
  { flags, stats, configSource }: ScanFacts,
): string {
  switch (format) {
    case 'sarif':
      return renderSarif(findings, { ...context, category: flags.sarifCategory });
    case 'junit':
      return renderJunit(findings, context);
    case 'csv':
      return renderCsv(findings);
    case 'markdown':
      return renderMarkdown(findings, context);
    case 'html':
      return renderHtml(findings, {
        ...context,
        configSource,
        files: stats.files,
        resources: stats.resources,
        verdicts: stats.verdicts,
        problems: stats.diagnostics,
      });
  }
}

/** The enclosing git work tree (SARIF paths must be repository-relative for GitHub), else the directory itself. */
export function repositoryRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

/** --config, else $PHIGUARD_CONFIG, else .phiguard.yaml in the current directory, else in the scanned root. */
export function resolveConfig(flag: string | undefined, paths: string[]): Config {
  const explicit = flag ?? process.env.PHIGUARD_CONFIG;
  if (explicit) {
    if (!existsSync(explicit)) throw new ConfigError('config file not found', { file: explicit });
    return parseConfig(readFileSync(explicit, 'utf8'), explicit);
  }
  const candidates = [join('.', '.phiguard.yaml')];
  const first = paths[0];
  if (first && existsSync(first)) {
    // From the scanned root upwards to the repository root, so scanning a subfolder of an estate finds its config.
    let dir = statSync(first).isDirectory() ? first : dirname(first);
    for (;;) {
      candidates.push(join(dir, '.phiguard.yaml'));
      const up = dirname(resolve(dir)) === resolve(dir) ? undefined : join(dir, '..');
      if (!up || existsSync(join(dir, '.git'))) break;
      dir = relative('.', up) || '.';
    }
  }
  for (const candidate of candidates) {
    if (existsSync(candidate)) return parseConfig(readFileSync(candidate, 'utf8'), candidate);
  }
  return defaultConfig();
}

function formatDiagnostic(diagnostic: IngestDiagnostic): string {
  const where = [diagnostic.file, diagnostic.line, diagnostic.column].filter((p) => p !== undefined).join(':');
  const prefix = diagnostic.kind === 'not-scanned' ? 'not scanned: ' : diagnostic.kind === 'warning' ? 'warning: ' : '';
  return `${where}: ${prefix}${diagnostic.message}`;
}

export async function scanCommand(paths: string[], flags: ScanFlags, version: string): Promise<number> {
  const liveScope =
    (flags.subscription?.length ?? 0) > 0 || flags.managementGroup || flags.allSubscriptions || flags.tenant;
  if (liveScope && !flags.live)
    throw new ConfigError('live scope flags need --live', undefined, 'phiguard scan --live ...');
  if (flags.live) {
    // Collect into a temporary snapshot and scan it with the given paths; its recorded failures make the scan incomplete.
    const { liveSnapshot } = await import('./collect.js');
    const live = await liveSnapshot(flags, version);
    if (typeof live === 'number') return live;
    try {
      return await scanCommand(
        [...paths, live.path],
        {
          ...flags,
          live: false,
          storeRoots: [
            ...paths,
            ...(flags.subscription ?? []).map((id) => `/subscriptions/${id}`),
            ...(flags.managementGroup
              ? [`/providers/Microsoft.Management/managementGroups/${flags.managementGroup}`]
              : []),
            ...(flags.allSubscriptions || flags.tenant ? [`tenant:${flags.tenant ?? 'default'}`] : []),
          ],
          subscription: [],
          managementGroup: undefined,
          allSubscriptions: false,
          tenant: undefined,
        },
        version,
      );
    } finally {
      await live.cleanup();
    }
  }
  const scanPaths = paths.length > 0 ? paths : ['.'];
  const config = resolveConfig(flags.config, scanPaths);
  if (flags.showConfig) {
    process.stdout.write(stringify(configToYamlObject(config)));
    return EXIT.clean;
  }
  const failOn: FailOn = flags.failOn ?? config.scan.failOn;
  const targets = parseFormats(flags.format, flags.output);
  if (flags.sarifCategory !== undefined && !/^[^\s/][^\s]*$/.test(flags.sarifCategory)) {
    throw new ConfigError(
      '--sarif-category needs a name without spaces that does not start with /',
      undefined,
      'e.g. phiguard/prod-infra',
    );
  }
  const color = flags.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
  const progress = !flags.quiet && process.stderr.isTTY === true;
  const now = scanClock();
  const governance = openGovernance(flags, config, scanPaths, now);
  // The store records every scan unless --no-store (src/store, docs/store.md).
  const recording =
    flags.store === false
      ? undefined
      : await (await import('../store/session.js')).startRecording({
          db: flags.db,
          actor: flags.actor,
          roots: flags.storeRoots ?? scanPaths,
          paths: scanPaths,
          exclude: config.scan.exclude,
          base: repositoryRoot(process.cwd()),
          toolVersion: version,
          rules: RULES,
          now,
          warn: (message) => process.stderr.write(`phiguard: warning: ${message}\n`),
        });
  const accepted: BaselineEntry[] = [];

  const totals = new FindingTotals();
  const collected: Finding[] = [];
  // Only JSON streams; every other format renders from the collected findings at the end.
  const keepAll = targets.some((t) => t.format !== 'json');
  const jsonSinks: OutputSink[] = targets.filter((t) => t.format === 'json').map((t) => openOutput(t.path));
  const header = { tool: { name: 'phiguard' as const, version }, scannedAt: now.toISOString() };
  for (const sink of jsonSinks) sink.write(jsonStart(header));
  let written = 0;
  const problems: string[] = [];

  let stats: Awaited<ReturnType<typeof runScan>>;
  try {
    stats = await runScan({
      paths: scanPaths,
      config,
      rules: RULES,
      parametersFile: flags.parameters,
      varFiles: flags.varFile,
      // Passes reach the store (they fix open subjects) but the reports only with --include-passed.
      includePassed: flags.includePassed || recording?.wantsPasses,
      onSubject: recording?.add,
      waivers: governance.waivers,
      baseline: governance.baseline,
      onFinding(finding) {
        if (finding.status === 'pass' && !flags.includePassed) return;
        totals.add(finding);
        if (flags.createBaseline && baselinable(finding)) accepted.push(baselineEntry(finding));
        if (keepAll) collected.push(finding);
        for (const sink of jsonSinks) sink.write(jsonFinding(finding, written));
        written++;
      },
      onDiagnostic(diagnostic) {
        const line = formatDiagnostic(diagnostic);
        problems.push(line);
        const serious = diagnostic.kind === 'parse-error' || diagnostic.kind === 'read-error';
        if (serious || !flags.quiet) process.stderr.write(`${progress ? '\r\u001b[K' : ''}phiguard: ${line}\n`);
      },
      onProgress: progress
        ? (done, total, file) =>
            process.stderr.write(file ? `\r\u001b[Kscanning ${done + 1}/${total} ${file}` : '\r\u001b[K')
        : undefined,
    });
  } catch (error) {
    await Promise.all(jsonSinks.map((sink) => sink.abort()));
    await recording?.close();
    throw error;
  }

  if (flags.createBaseline) {
    // A baseline of a partial scan would accept less than exists; the next full scan would then fail on the rest.
    if (stats.incomplete) {
      process.stderr.write(`phiguard: ${flags.createBaseline}: baseline not written: the scan is incomplete\n`);
    } else {
      await writeBaseline(flags.createBaseline, accepted);
      if (!flags.quiet) {
        process.stderr.write(
          `phiguard: wrote ${flags.createBaseline} (${new Set(accepted.map((e) => e.fingerprint)).size} findings)\n`,
        );
      }
    }
  }
  const exitCode = exitCodeFor(totals, failOn, stats.incomplete);
  const baseline = governance.baseline?.summary();
  const summary = {
    result: stats.incomplete ? 'incomplete' : exitCode === EXIT.findings ? 'fail' : 'pass',
    exitCode,
    failOn,
    emergencyMode: stats.emergencyMode,
    config: config.source,
    files: stats.files,
    resources: stats.resources,
    evaluatedResources: stats.evaluatedResources,
    findings: {
      fail: totals.fail,
      unknown: totals.unknown,
      pass: totals.pass,
      waived: totals.waived,
      baselined: totals.baselined,
    },
    failedBySeverity: totals.failedBySeverity,
    unknownBySeverity: totals.unknownBySeverity,
    notApplicable: stats.verdicts['not-applicable'],
    waivers: { file: governance.waiverFile ?? null, waived: totals.waived, expired: totals.expiredWaivers },
    baseline: baseline ? { ...baseline, newFailedBySeverity: totals.newFailedBySeverity } : null,
    problems: stats.diagnostics,
  };
  for (const sink of jsonSinks) {
    sink.write(jsonEnd(summary));
    await sink.commit();
  }
  for (const target of targets.filter((t) => t.format === 'table')) {
    const text = renderTable(collected, {
      version,
      totals,
      failOn,
      emergencyMode: stats.emergencyMode,
      configSource: config.source,
      files: stats.files,
      resources: stats.resources,
      verdicts: stats.verdicts,
      problems,
      incomplete: stats.incomplete,
      baseline,
      color: color && target.path === '-',
    });
    const sink = openOutput(target.path);
    sink.write(text);
    await sink.commit();
  }
  const reportContext: ReportContext = {
    tool: header.tool,
    scannedAt: header.scannedAt,
    rules: RULES,
    failOn,
    incomplete: stats.incomplete,
    emergencyMode: stats.emergencyMode,
    cwd: process.cwd(),
    srcRoot: repositoryRoot(process.cwd()),
    baseline: baseline !== undefined,
  };
  for (const target of targets) {
    if (target.format === 'json' || target.format === 'table') continue;
    const text = renderReport(target.format, collected, reportContext, { flags, stats, configSource: config.source });
    if (target.path === '-') process.stdout.write(text);
    else await writeFileAtomic(target.path, text);
  }
  if (stats.resources === 0 && !flags.quiet) {
    process.stderr.write(
      `phiguard: nothing was evaluated: no ARM template or snapshot found in ${scanPaths.join(' ')}\n`,
    );
  }
  if (recording) {
    const scan = await recording.finish(stats.incomplete);
    if (!flags.quiet && process.stderr.isTTY) {
      const { new: opened, fixed, reopened } = scan.counts;
      process.stderr.write(
        `phiguard: recorded scan ${scan.id} in ${recording.location} (${opened} new, ${fixed} fixed, ${reopened} reopened)\n`,
      );
    }
  }
  return exitCode;
}

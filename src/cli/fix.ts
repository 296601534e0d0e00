// `phiguard fix`: dry-run diffs by default, --apply to write and prove by rescan, --az for a script of az commands.
import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../core/errors.js';
import { SEVERITIES, type Severity } from '../core/types.js';
import {
  display,
  type FileChange,
  type FixOptions,
  type FixResult,
  fixExitCode,
  planFix,
  planResults,
  previewFix,
  verifyFix,
  writeFiles,
} from '../remediate/fix.js';
import { EXIT } from '../report/summary.js';
import { RULES } from '../rules/catalog/index.js';
import { openGovernance, scanClock } from './governance.js';
import { writeFileAtomic } from './output.js';
import { resolveConfig } from './scan.js';

export interface FixFlags {
  config?: string;
  parameters?: string;
  varFile?: string[];
  waivers?: string;
  apply?: boolean;
  rule?: string[];
  severity?: string;
  interactive?: boolean;
  az?: string | boolean;
  output?: string;
  format?: string;
  quiet?: boolean;
}

const LABEL: Record<FixResult['verdict'], string> = {
  fixed: 'fixed',
  failing: 'still failing',
  'needs-input': 'needs input',
  manual: 'manual',
  declined: 'declined',
  planned: 'would fix',
};

function validate(flags: FixFlags): { format: 'text' | 'json'; severity?: Severity } {
  const format = (flags.format ?? 'text').toLowerCase();
  if (format !== 'text' && format !== 'json') {
    throw new ConfigError(`unknown format "${flags.format}"`, undefined, 'expected text or json');
  }
  const severity = flags.severity?.toLowerCase();
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new ConfigError(
      `unknown severity "${flags.severity}"`,
      undefined,
      `expected one of ${SEVERITIES.join(', ')}`,
    );
  }
  const known = new Set(RULES.map((rule) => rule.id.toUpperCase()));
  for (const id of flags.rule ?? []) {
    if (!known.has(id.toUpperCase())) {
      throw new ConfigError(`unknown rule "${id}"`, undefined, 'see `phiguard rules list`');
    }
  }
  if (flags.az !== undefined && (flags.apply || flags.interactive)) {
    throw new ConfigError('--az writes a script to run, it does not apply', undefined, 'drop --apply/--interactive');
  }
  if (flags.interactive && !process.stdin.isTTY) {
    throw new ConfigError('--interactive needs a terminal on standard input', undefined, 'use --apply instead');
  }
  return { format, severity: severity as Severity | undefined };
}

function renderText(changes: readonly FileChange[], results: readonly FixResult[], showDiffs: boolean): string {
  const out: string[] = [];
  if (showDiffs) for (const change of changes) out.push(change.diff.trimEnd(), '');
  const counts = new Map<string, number>();
  for (const r of results) {
    counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
    const where = r.resource.file ? ` (${display(r.resource.file)})` : '';
    out.push(
      `${LABEL[r.verdict].padEnd(13)} ${r.ruleId} ${r.resource.name || r.resource.address}${where}: ${r.message}`,
    );
  }
  if (results.length === 0) out.push('nothing to fix: no selected rule fails');
  else out.push('', [...counts].map(([verdict, n]) => `${n} ${LABEL[verdict as FixResult['verdict']]}`).join(', '));
  return `${out.join('\n')}\n`;
}

async function confirmEach(changes: readonly FileChange[]): Promise<Set<string>> {
  const declined = new Set<string>();
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (const change of changes) {
      process.stderr.write(`${change.diff.trimEnd()}\n`);
      const answer = (await prompt.question(`apply this change to ${display(change.file)}? [y/N] `)).trim();
      if (!/^y(es)?$/i.test(answer)) declined.add(change.file);
    }
  } finally {
    prompt.close();
  }
  return declined;
}

export async function fixCommand(paths: string[], flags: FixFlags, version: string): Promise<number> {
  const { format, severity } = validate(flags);
  const scanPaths = paths.length > 0 ? paths : ['.'];
  const config = resolveConfig(flags.config, scanPaths);
  const now = scanClock();
  const options: FixOptions = {
    paths: scanPaths,
    config,
    rules: RULES,
    parametersFile: flags.parameters,
    varFiles: flags.varFile,
    waivers: () => openGovernance({ waivers: flags.waivers }, config, scanPaths, now).waivers,
    ruleIds: flags.rule,
    minSeverity: severity,
    target: flags.az !== undefined ? 'az' : 'iac',
  };
  const plan = await planFix(options);
  const emit = async (text: string) => {
    if (flags.output && flags.output !== '-') await writeFileAtomic(flags.output, text);
    else process.stdout.write(text);
  };

  if (flags.az !== undefined) {
    const { renderAzScript } = await import('../remediate/az.js');
    const script = renderAzScript(plan.fixes, { now, toolVersion: version });
    const target = typeof flags.az === 'string' ? flags.az : '-';
    if (target === '-') process.stdout.write(script);
    else {
      await writeFileAtomic(target, script);
      const { chmod } = await import('node:fs/promises');
      await chmod(target, 0o755);
      if (!flags.quiet) process.stderr.write(`phiguard: wrote ${target} (${plan.fixes.length} findings)\n`);
    }
    if (plan.stats.incomplete) return EXIT.incomplete;
    return plan.selected.length === 0 ? EXIT.clean : EXIT.findings;
  }

  if (!flags.apply && !flags.interactive) {
    // The preview rescans a changed copy, so the dry run says what --apply would report.
    const results = (await previewFix(plan, options)) ?? planResults(plan);
    if (format === 'json')
      await emit(`${JSON.stringify(report(version, 'dry-run', plan.changes, results), null, 2)}\n`);
    else await emit(renderText(plan.changes, results, true));
    if (plan.stats.incomplete) return EXIT.incomplete;
    return results.length === 0 ? EXIT.clean : EXIT.findings;
  }

  const declined = flags.interactive ? await confirmEach(plan.changes) : new Set<string>();
  const accepted = plan.changes.filter((change) => !declined.has(change.file));
  await writeFiles(accepted);
  if (!flags.quiet) {
    for (const change of accepted) {
      process.stderr.write(`phiguard: ${change.before === undefined ? 'created' : 'wrote'} ${display(change.file)}\n`);
    }
  }
  const { results, stats } = await verifyFix(plan, options, declined);
  if (format === 'json') await emit(`${JSON.stringify(report(version, 'apply', accepted, results), null, 2)}\n`);
  else await emit(renderText(accepted, results, false));
  return fixExitCode(results, plan.stats.incomplete || stats.incomplete);
}

function report(version: string, mode: 'dry-run' | 'apply', changes: readonly FileChange[], results: FixResult[]) {
  const summary: Record<string, number> = {};
  for (const r of results) summary[r.verdict] = (summary[r.verdict] ?? 0) + 1;
  return {
    tool: { name: 'phiguard', version },
    mode,
    summary,
    files: changes.map((c) => ({
      file: display(c.file),
      created: c.before === undefined,
      diff: c.diff,
      notes: c.notes.map((n) => ({ ruleId: n.ruleId, kind: n.kind, message: n.message })),
    })),
    results: results.map((r) => ({
      ...r,
      resource: { ...r.resource, file: r.resource.file && display(r.resource.file) },
    })),
  };
}

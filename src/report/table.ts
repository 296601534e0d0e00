// The human report for a terminal: failures grouped by severity, then by the HIPAA paragraph an auditor
// recognises, each with the file:line (or resource id) where the value originates; then what needs review.
import { hipaaTitle } from '../core/hipaa.js';
import { type Finding, SEVERITIES, type Severity, type Value } from '../core/types.js';
import type { FailOn, FindingTotals } from './summary.js';

export interface TableContext {
  version: string;
  totals: FindingTotals;
  failOn: FailOn;
  emergencyMode: boolean;
  configSource: string | null;
  files: Record<string, number>;
  resources: number;
  verdicts: { pass: number; fail: number; unknown: number; 'not-applicable': number };
  problems: string[];
  incomplete: boolean;
  /** With `--baseline`: how many findings it held and how many of its entries are fixed. */
  baseline?: { file: string; entries: number; baselined: number; new: number; fixed: number };
  color: boolean;
}

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '36',
  info: '2',
};

function paint(enabled: boolean, code: string, text: string): string {
  return enabled ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function where(finding: Finding): string {
  if (finding.location) return `${finding.location.file}:${finding.location.line}:${finding.location.column}`;
  return finding.resource.id;
}

function show(value: Value | undefined): string {
  if (value === undefined || value === null) return '(absent)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function byLocation(a: Finding, b: Finding): number {
  return where(a).localeCompare(where(b), undefined, { numeric: true }) || a.ruleId.localeCompare(b.ruleId);
}

function findingLines(finding: Finding, color: boolean, marker: string): string[] {
  const resource = `${finding.resource.name} (${finding.resource.type})`;
  const labels = finding.labels?.length ? ` [${finding.labels.join(', ')}]` : '';
  const lines = [
    `    ${marker} ${paint(color, '1', finding.ruleId)} ${finding.title}${labels}`,
    `      ${resource}  ${paint(color, '4', where(finding))}`,
    `      ${finding.message}`,
  ];
  if (finding.status === 'fail' && finding.evidence.expected !== null) {
    lines.push(
      paint(
        color,
        '2',
        `      ${finding.evidence.path}: ${show(finding.evidence.actual)} -> ${finding.evidence.expected}`,
      ),
    );
  }
  return lines;
}

export function renderTable(findings: readonly Finding[], context: TableContext): string {
  const { color, totals } = context;
  const out: string[] = [];
  const { files } = context;
  const kinds = [
    [files['arm-template'], 'ARM template'],
    [files['arm-parameters'], 'ARM parameter file'],
    [files.bicep, 'Bicep file'],
    [files.bicepparam, 'Bicep parameter file'],
    [files.terraform, 'Terraform file'],
    [files['terraform-vars'], 'Terraform variable file'],
    [files['terraform-plan'], 'Terraform plan'],
    [files.snapshot, 'snapshot'],
  ] as const;
  const scanned = kinds.filter(([count]) => count > 0);
  out.push(
    `phiguard ${context.version}: ${scanned.reduce((n, [count]) => n + count, 0)} file(s) scanned` +
      (scanned.length > 0
        ? ` (${scanned.map(([count, label]) => `${count} ${label}${count === 1 ? '' : 's'}`).join(', ')})`
        : '') +
      `, ${context.resources} resource(s)`,
  );
  if (context.emergencyMode) {
    out.push(
      paint(
        color,
        '33',
        'Emergency mode: no .phiguard.yaml found, so every resource is treated as PHI. Classify PHI resources in .phiguard.yaml.',
      ),
    );
  } else if (context.configSource) {
    out.push(`Config: ${context.configSource}`);
  }

  // Baselined findings are listed on one line each further down: the sections above show what is new.
  const failures = findings.filter((f) => f.status === 'fail' && !f.baselined);
  for (const severity of SEVERITIES) {
    const ofSeverity = failures.filter((f) => f.severity === severity);
    if (ofSeverity.length === 0) continue;
    out.push('', paint(color, SEVERITY_COLOR[severity], `${severity.toUpperCase()} (${ofSeverity.length})`));
    const bySection = groupBy(ofSeverity, (f) => f.hipaa[0] ?? '');
    for (const [cite, group] of [...bySection].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(`  45 CFR ${cite} ${hipaaTitle(cite)}`);
      for (const finding of [...group].sort(byLocation)) out.push(...findingLines(finding, color, 'x'));
    }
  }

  const reviews = findings.filter((f) => f.status === 'unknown' && !f.baselined);
  if (reviews.length > 0) {
    out.push('', paint(color, '35', `NEEDS REVIEW (${reviews.length}): values phiguard cannot resolve statically`));
    for (const finding of [...reviews].sort(byLocation)) out.push(...findingLines(finding, color, '?'));
  }

  const waived = findings.filter((f) => f.status === 'waived');
  if (waived.length > 0) {
    out.push('', paint(color, '34', `WAIVED (${waived.length}): accepted risks, not judged by --fail-on`));
    for (const finding of [...waived].sort(byLocation)) {
      const w = finding.waiver;
      out.push(`    w ${paint(color, '1', finding.ruleId)} ${finding.title}`);
      out.push(`      ${finding.resource.name} (${finding.resource.type})  ${paint(color, '4', where(finding))}`);
      if (w) {
        const details = [
          w.expires ? `expires ${w.expires}` : 'no expiry',
          ...(w.ticket ? [`ticket ${w.ticket}`] : []),
          ...(w.approver ? [`approved by ${w.approver}`] : []),
          `${w.source} waiver at ${w.at}`,
        ];
        out.push(`      ${w.reason} (${details.join('; ')})`);
      }
    }
  }

  const baselined = findings.filter((f) => f.baselined);
  if (baselined.length > 0) {
    out.push(
      '',
      paint(
        color,
        '2',
        `BASELINED (${baselined.length}): known in ${context.baseline?.file ?? 'the baseline'}, not judged by --fail-on`,
      ),
    );
    for (const finding of [...baselined].sort(byLocation)) {
      const state = finding.status === 'unknown' ? ' (needs review)' : '';
      out.push(`    b ${finding.ruleId} ${finding.severity} ${finding.resource.name}  ${where(finding)}${state}`);
    }
  }

  const passed = findings.filter((f) => f.status === 'pass');
  if (passed.length > 0) {
    out.push('', paint(color, '32', `PASSED (${passed.length})`));
    for (const finding of [...passed].sort(byLocation)) {
      out.push(`    ok ${finding.ruleId} ${finding.resource.name}  ${where(finding)}`);
    }
  }

  if (context.problems.length > 0) {
    out.push('', paint(color, '31', `PROBLEMS (${context.problems.length})`));
    for (const problem of context.problems) out.push(`    ${problem}`);
  }

  const bySeverity = SEVERITIES.filter((s) => totals.failedBySeverity[s] > 0)
    .map((s) => `${totals.failedBySeverity[s]} ${s}`)
    .join(', ');
  const skipped = files.unrecognized + files.binary;
  out.push(
    '',
    `Summary: ${totals.fail} failed${bySeverity ? ` (${bySeverity})` : ''}, ${totals.unknown} need review, ` +
      (totals.waived > 0 ? `${totals.waived} waived, ` : '') +
      `${context.verdicts.pass} passed, ${context.verdicts['not-applicable']} not applicable` +
      (totals.expiredWaivers > 0 ? `; ${totals.expiredWaivers} finding(s) with an expired waiver` : '') +
      (skipped > 0 ? `; ${skipped} file(s) skipped (not a recognised format)` : '') +
      (context.incomplete ? '; SCAN INCOMPLETE' : ''),
  );
  if (context.baseline) {
    const b = context.baseline;
    out.push(
      `Baseline ${b.file}: ${b.baselined} finding(s) still open, ${b.fixed} of ${b.entries} entries fixed (no longer found), ${b.new} new finding(s)`,
    );
  }
  const gate = totals.failuresAtOrAbove(context.failOn);
  const what = context.baseline ? 'new failure(s)' : 'failure(s)';
  out.push(
    context.failOn === 'none'
      ? 'Gate: --fail-on none'
      : `Gate: ${gate} ${what} at or above ${context.failOn} -> ${gate > 0 ? 'FAIL' : 'pass'}`,
  );
  return `${out.join('\n')}\n`;
}

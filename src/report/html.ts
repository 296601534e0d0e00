// The HTML report: one self-contained file (inline CSS, JS and SVG) for a compliance lead or an auditor.
// The executive summary is rendered here as static HTML, so it shows and prints without script. The findings
// travel as a compact JSON data block (interned strings, one flat integer array) that the inline client groups
// and renders on demand, 100 at a time, so a 50,000-finding report opens quickly (Prowler #1928: a 142 MB HTML
// report that browsers cannot open).
import { createHash } from 'node:crypto';
import { hipaaTitle } from '../core/hipaa.js';
import { type Finding, SEVERITIES, type Severity, type Value } from '../core/types.js';
import type { Rule } from '../rules/define.js';
import type { ReportContext } from './context.js';
import { CLIENT_JS, STRIDE } from './html/client.js';
import { CSS } from './html/style.js';
import { PATTERNS } from './rule-doc.js';
import { FindingTotals } from './summary.js';

/** The rule metadata the report needs; `RULES` from the catalog satisfies it. */
export type HtmlRule = Pick<Rule, 'id' | 'title' | 'severity' | 'pattern' | 'hipaa'>;

/** A scan problem (an IngestDiagnostic). */
export interface HtmlProblem {
  kind: string;
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/**
 * What the report shows besides the findings: the ReportContext fields the other file reporters take, plus the
 * scan's counts (ScanStats) for the executive summary.
 */
export interface HtmlContext
  extends Pick<ReportContext, 'tool' | 'scannedAt' | 'failOn' | 'incomplete' | 'emergencyMode'> {
  rules: readonly HtmlRule[];
  configSource: string | null;
  /** Files scanned by kind (ScanStats.files). */
  files: Readonly<Record<string, number>>;
  resources: number;
  /** Rule verdicts over all subjects; passes and not-applicable are counted here even when not listed as findings. */
  verdicts: Readonly<{ pass: number; fail: number; unknown: number; 'not-applicable': number }>;
  problems: readonly HtmlProblem[];
}

/**
 * A finding's waiver (src/governance): `active` waives it; an `expired` or `forbidden` one stays on the failing
 * finding to say why it came back. Read field by field, so whatever is known is shown.
 */
interface WaiverFields {
  reason?: string;
  expires?: string;
  ticket?: string;
  approver?: string;
  source?: string;
  at?: string;
  state?: string;
}
const WAIVER_FIELDS = ['reason', 'expires', 'ticket', 'approver', 'source', 'at', 'state'] as const;

function waiverOf(finding: Finding): WaiverFields | undefined {
  const waiver = (finding as { waiver?: unknown }).waiver;
  return typeof waiver === 'object' && waiver !== null ? (waiver as WaiverFields) : undefined;
}

/** Matched an entry of --baseline: known before, so the gate does not judge it. */
function baselined(finding: Finding): boolean {
  return (finding as { baselined?: unknown }).baselined === true;
}

const STATUSES = ['fail', 'unknown', 'waived', 'pass'] as const;
const STATUS_TEXT: Record<(typeof STATUSES)[number], string> = {
  fail: 'Fail',
  unknown: 'Needs review',
  waived: 'Waived',
  pass: 'Passed',
};
const FILE_KINDS: Record<string, [string, string]> = {
  'arm-template': ['ARM template', 'ARM templates'],
  'arm-parameters': ['ARM parameter file', 'ARM parameter files'],
  bicep: ['Bicep file', 'Bicep files'],
  bicepparam: ['Bicep parameter file', 'Bicep parameter files'],
  terraform: ['Terraform file', 'Terraform files'],
  'terraform-vars': ['Terraform variable file', 'Terraform variable files'],
  'terraform-plan': ['Terraform plan', 'Terraform plans'],
  snapshot: ['snapshot', 'snapshots'],
  malformed: ['malformed file', 'malformed files'],
};

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/**
 * JSON safe inside a `<script>` element: `<` becomes `\u003c` (it only occurs inside JSON strings, where the escape
 * means the same), so no finding text can close the element (`</script>`) or open a comment (`<!--`).
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function compareCites(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Strings are interned: a 50,000-finding estate repeats rule titles, types, paths and messages endlessly. */
class Interner {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}

/** Interned lists of string ids (HIPAA cite lists, labels), keyed by their joined ids. */
class ListInterner {
  readonly list: number[][] = [];
  private readonly ids = new Map<string, number>();
  id(items: readonly number[]): number {
    const key = items.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.list.push([...items]);
      this.ids.set(key, id);
    }
    return id;
  }
}

function showValue(value: Value | undefined): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

interface Counts {
  fail: number;
  unknown: number;
  waived: number;
  pass: number;
}
const zero = (): Counts => ({ fail: 0, unknown: 0, waived: 0, pass: 0 });

/**
 * The data block the client reads. Each finding is STRIDE integers in `f` (string ids into `s`, -1 for none);
 * the field order is defined once, in html/client.ts, next to the code that reads it.
 */
function encode(findings: readonly Finding[], rules: readonly HtmlRule[]) {
  const strings = new Interner();
  const lists = new ListInterner();
  const ruleIndex = new Map<string, number>();
  const ruleRows: [number, number, number, number][] = [];
  const known = new Map(rules.map((rule) => [rule.id, rule]));
  const resourceIndex = new Map<string, number>();
  const resourceRows: number[][] = [];
  const waivers: number[][] = [];
  const f = new Array<number>(findings.length * STRIDE);
  const opt = (text: string | null | undefined) => (text === null || text === undefined ? -1 : strings.id(text));
  let o = 0;
  for (const finding of findings) {
    let rule = ruleIndex.get(finding.ruleId);
    if (rule === undefined) {
      const meta = known.get(finding.ruleId);
      rule = ruleRows.length;
      ruleRows.push([
        strings.id(finding.ruleId),
        strings.id(meta?.title ?? finding.title),
        SEVERITIES.indexOf(meta?.severity ?? finding.severity),
        meta?.pattern ?? 0,
      ]);
      ruleIndex.set(finding.ruleId, rule);
    }
    const r = finding.resource;
    const resourceKey = `${r.id}\u0000${r.type}\u0000${r.name}\u0000${r.address}`;
    let resource = resourceIndex.get(resourceKey);
    if (resource === undefined) {
      resource = resourceRows.length;
      resourceRows.push([strings.id(r.id), strings.id(r.type), strings.id(r.name), strings.id(r.address)]);
      resourceIndex.set(resourceKey, resource);
    }
    const waiver = waiverOf(finding);
    let waiverId = -1;
    if (waiver) {
      waiverId = waivers.length;
      waivers.push(WAIVER_FIELDS.map((field) => (typeof waiver[field] === 'string' ? opt(waiver[field]) : -1)));
    }
    f[o++] = rule;
    f[o++] = STATUSES.indexOf(finding.status);
    f[o++] = SEVERITIES.indexOf(finding.severity);
    f[o++] = strings.id(finding.title);
    f[o++] = strings.id(finding.message);
    f[o++] = lists.id(finding.hipaa.map((cite) => strings.id(cite)));
    f[o++] = resource;
    f[o++] = finding.location ? strings.id(finding.location.file) : -1;
    f[o++] = finding.location?.line ?? 0;
    f[o++] = finding.location?.column ?? 0;
    f[o++] = strings.id(finding.evidence.path);
    f[o++] = opt(showValue(finding.evidence.actual));
    f[o++] = opt(finding.evidence.expected);
    f[o++] = strings.id(finding.fingerprint);
    f[o++] = finding.labels?.length ? lists.id(finding.labels.map((label) => strings.id(label))) : -1;
    f[o++] = waiverId;
    f[o++] = (finding.phi ? 1 : 0) | (baselined(finding) ? 2 : 0);
  }
  return { s: strings.list, rules: ruleRows, res: resourceRows, lists: lists.list, w: waivers, f };
}

interface Summary {
  totals: FindingTotals;
  bySeverity: Record<Severity, Counts>;
  bySection: Map<string, Counts & { rules: Set<string> }>;
  byPattern: Map<number, Counts & { rules: Set<string> }>;
  sectionType: Map<string, 'R' | 'A'>;
  resources: number;
  baselined: number;
  expiredWaivers: number;
}

function summarise(findings: readonly Finding[], rules: readonly HtmlRule[]): Summary {
  const totals = new FindingTotals();
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, zero()])) as Record<Severity, Counts>;
  const bySection = new Map<string, Counts & { rules: Set<string> }>();
  const byPattern = new Map<number, Counts & { rules: Set<string> }>();
  const sectionType = new Map<string, 'R' | 'A'>();
  const patternOf = new Map<string, number>();
  for (const rule of rules) {
    patternOf.set(rule.id, rule.pattern);
    for (const cite of rule.hipaa) if (!sectionType.has(cite.cite)) sectionType.set(cite.cite, cite.type);
  }
  for (let p = 1; p <= 8; p++) byPattern.set(p, { ...zero(), rules: new Set() });
  const resources = new Set<string>();
  let baselinedCount = 0;
  let expiredWaivers = 0;
  for (const finding of findings) {
    totals.add(finding);
    if (baselined(finding)) baselinedCount++;
    if (waiverOf(finding)?.state === 'expired') expiredWaivers++;
    bySeverity[finding.severity][finding.status]++;
    if (finding.status !== 'pass') resources.add(finding.resource.id);
    for (const cite of finding.hipaa) {
      const entry = getOrAdd(bySection, cite, () => ({ ...zero(), rules: new Set<string>() }));
      entry[finding.status]++;
      entry.rules.add(finding.ruleId);
    }
    const pattern = patternOf.get(finding.ruleId) ?? 0;
    const entry = getOrAdd(byPattern, pattern, () => ({ ...zero(), rules: new Set<string>() }));
    entry[finding.status]++;
    entry.rules.add(finding.ruleId);
  }
  return {
    totals,
    bySeverity,
    bySection,
    byPattern,
    sectionType,
    resources: resources.size,
    baselined: baselinedCount,
    expiredWaivers,
  };
}

interface Bar {
  label: string;
  value: number;
  /** CSS colour of the bar; the label and value are always written beside it. */
  color: string;
}

/** A horizontal bar chart. role="img" with a title and a description that spells out every number. */
function barChart(id: string, title: string, bars: readonly Bar[], labelWidth: number): string {
  const rowHeight = 26;
  const width = 640;
  const barArea = width - labelWidth - 70;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * rowHeight + 8;
  const desc = bars.map((b) => `${b.label}: ${num(b.value)}`).join('; ');
  const rows = bars
    .map((bar, i) => {
      const y = 4 + i * rowHeight;
      const w = bar.value === 0 ? 0 : Math.max(2, Math.round((bar.value / max) * barArea));
      return (
        `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="${rowHeight - 8}" fill="${bar.color}"></rect>` +
        `<text x="${labelWidth + w + 6}" y="${y + 17}">${num(bar.value)}</text>`
      );
    })
    .join('');
  return (
    `<svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(title)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>${rows}</svg>`
  );
}

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#b42318',
  medium: '#8a4b00',
  low: '#1d4e89',
  info: '#4b5563',
};

function countCells(c: Counts, withPass: boolean): string {
  return (
    `<td class="n">${num(c.fail)}</td><td class="n">${num(c.unknown)}</td><td class="n">${num(c.waived)}</td>` +
    (withPass ? `<td class="n">${num(c.pass)}</td>` : '')
  );
}

function countHeads(withPass: boolean): string {
  return (
    '<th scope="col" class="n">Failed</th><th scope="col" class="n">Needs review</th><th scope="col" class="n">Waived</th>' +
    (withPass ? '<th scope="col" class="n">Passed</th>' : '')
  );
}

function typeText(type: 'R' | 'A' | undefined): string {
  return type === 'R' ? 'Required (R)' : type === 'A' ? 'Addressable (A)' : 'Not stated';
}

function summarySection(context: HtmlContext, summary: Summary): string {
  const { totals } = summary;
  const withPass = totals.pass > 0;
  const gate = totals.failuresAtOrAbove(context.failOn);
  const gateText =
    context.failOn === 'none'
      ? '<strong>No gate</strong> (--fail-on none)'
      : gate > 0
        ? `<strong class="fail">Gate failed</strong>: ${num(gate)} failure(s) at or above ${escapeHtml(context.failOn)}`
        : `<strong class="pass">Gate passed</strong>: no failure at or above ${escapeHtml(context.failOn)}`;
  const kinds = Object.entries(context.files).filter(([kind, count]) => count > 0 && FILE_KINDS[kind]);
  const fileCount = kinds.reduce((n, [, count]) => n + count, 0);
  const fileText = kinds.map(([kind, count]) => `${num(count)} ${FILE_KINDS[kind][count === 1 ? 0 : 1]}`).join(', ');
  const kpi = (label: string, value: number) => `<div><dt>${label}</dt><dd>${num(value)}</dd></div>`;

  const severityChart = barChart(
    'chart-sev',
    'Failures by severity',
    SEVERITIES.map((s) => ({ label: cap(s), value: summary.bySeverity[s].fail, color: SEVERITY_COLOR[s] })),
    110,
  );
  const severityTable =
    `<table><caption>Findings by severity</caption><thead><tr><th scope="col">Severity</th>${countHeads(withPass)}</tr></thead><tbody>` +
    SEVERITIES.map((s) => `<tr><th scope="row">${cap(s)}</th>${countCells(summary.bySeverity[s], withPass)}</tr>`).join(
      '',
    ) +
    '</tbody></table>';

  const sections = [...summary.bySection].sort(([a], [b]) => compareCites(a, b));
  const sectionChart = barChart(
    'chart-hipaa',
    'Failures by HIPAA section',
    sections.map(([cite, c]) => ({
      label: `${cite} (${summary.sectionType.get(cite) ?? '?'})`,
      value: c.fail,
      color: '#1d4e89',
    })),
    200,
  );
  const sectionTable =
    `<table><caption>Findings by HIPAA section (45 CFR Part 164; a finding citing several sections counts under each)</caption>` +
    `<thead><tr><th scope="col">Section</th><th scope="col">Name</th><th scope="col">Type</th>${countHeads(withPass)}<th scope="col" class="n">Rules</th></tr></thead><tbody>` +
    sections
      .map(
        ([cite, c]) =>
          `<tr><th scope="row">${escapeHtml(cite)}</th><td>${escapeHtml(hipaaTitle(cite))}</td>` +
          `<td>${typeText(summary.sectionType.get(cite))}</td>${countCells(c, withPass)}<td class="n">${c.rules.size}</td></tr>`,
      )
      .join('') +
    (sections.length === 0 ? `<tr><td colspan="${withPass ? 8 : 7}">No findings</td></tr>` : '') +
    '</tbody></table>';

  const patterns = [...summary.byPattern].sort(([a], [b]) => a - b);
  const patternName = (p: number) => (p === 0 ? 'Other rules' : `${p}. ${PATTERNS[p] ?? ''}`);
  const patternChart = barChart(
    'chart-pattern',
    'Failures by seed failure pattern',
    patterns.map(([p, c]) => ({ label: p === 0 ? 'Other' : `Pattern ${p}`, value: c.fail, color: '#4b5563' })),
    110,
  );
  const patternTable =
    `<table><caption>Findings by seed failure pattern</caption><thead><tr><th scope="col">Pattern</th>${countHeads(withPass)}<th scope="col" class="n">Rules</th></tr></thead><tbody>` +
    patterns
      .map(
        ([p, c]) =>
          `<tr><th scope="row">${escapeHtml(patternName(p))}</th>${countCells(c, withPass)}<td class="n">${c.rules.size}</td></tr>`,
      )
      .join('') +
    '</tbody></table>';

  return (
    '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Executive summary</h2>' +
    `<p class="gate">${gateText}. ${num(totals.fail)} failed, ${num(totals.unknown)} need review, ${num(totals.waived)} waived` +
    ` across ${num(summary.resources)} of ${num(context.resources)} resources.` +
    (summary.baselined > 0
      ? ` ${num(summary.baselined)} finding(s) match the baseline and are not judged by the gate.`
      : '') +
    (summary.expiredWaivers > 0 ? ` ${num(summary.expiredWaivers)} waiver(s) have expired.` : '') +
    '</p>' +
    '<dl class="kpis">' +
    kpi('Failed', totals.fail) +
    kpi('Needs review', totals.unknown) +
    kpi('Waived', totals.waived) +
    kpi('Passed checks', context.verdicts.pass) +
    kpi('Not applicable', context.verdicts['not-applicable']) +
    kpi('Resources', context.resources) +
    kpi('Files scanned', fileCount) +
    '</dl>' +
    (fileText ? `<p>Files: ${escapeHtml(fileText)}.</p>` : '') +
    '<p>Needs review: a value phiguard cannot resolve statically (an unresolved parameter or expression); it is never counted as a failure.</p>' +
    '<div class="charts">' +
    `<section class="chart" aria-labelledby="h-sev"><h3 id="h-sev">By severity</h3>${severityChart}${severityTable}</section>` +
    `<section class="chart" aria-labelledby="h-pattern"><h3 id="h-pattern">By failure pattern</h3>${patternChart}${patternTable}</section>` +
    `<section class="chart" aria-labelledby="h-hipaa"><h3 id="h-hipaa">By HIPAA section</h3>${sectionChart}${sectionTable}</section>` +
    '</div></section>'
  );
}

function problemsSection(problems: readonly HtmlProblem[]): string {
  if (problems.length === 0) return '';
  const rows = problems
    .map((p) => {
      const where = [p.file, p.line, p.column].filter((part) => part !== undefined).join(':');
      return `<tr><td>${escapeHtml(p.kind)}</td><td><code>${escapeHtml(where)}</code></td><td>${escapeHtml(p.message)}</td></tr>`;
    })
    .join('');
  return (
    `<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Scan problems (${num(problems.length)})</h2>` +
    `<table><caption>Inputs phiguard could not fully read or scan</caption><thead><tr><th scope="col">Kind</th><th scope="col">Where</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table></section>`
  );
}

function filtersForm(findings: readonly Finding[], summary: Summary): string {
  const { totals } = summary;
  const ruleCounts = new Map<string, { title: string; count: number }>();
  for (const finding of findings) {
    const entry = ruleCounts.get(finding.ruleId);
    if (entry) entry.count++;
    else ruleCounts.set(finding.ruleId, { title: finding.title, count: 1 });
  }
  const showPassed = passedShownByDefault(totals);
  const check = (name: string, value: string, label: string, checked: boolean) =>
    `<label><input type="checkbox" name="${name}" value="${value}"${checked ? ' checked' : ''}> ${label}</label>`;
  const sevCount = (s: Severity) => {
    const c = summary.bySeverity[s];
    return c.fail + c.unknown + c.waived + c.pass;
  };
  const rules = [...ruleCounts].sort(([a], [b]) => a.localeCompare(b));
  return (
    '<form class="filters" id="filters" role="search" aria-label="Filter findings" autocomplete="off">' +
    '<fieldset><legend>Group by</legend><div class="opts">' +
    '<label><input type="radio" name="view" value="section" checked> HIPAA section</label>' +
    '<label><input type="radio" name="view" value="resource"> Resource</label></div></fieldset>' +
    '<fieldset><legend>Severity</legend><div class="opts">' +
    SEVERITIES.map((s) => check('severity', s, `${cap(s)} (${num(sevCount(s))})`, true)).join('') +
    '</div></fieldset>' +
    '<fieldset><legend>Status</legend><div class="opts">' +
    STATUSES.map((s) =>
      check('status', s, `${STATUS_TEXT[s]} (${num(totals[s])})`, s === 'pass' ? showPassed : true),
    ).join('') +
    '</div></fieldset>' +
    '<div class="field"><label for="f-rule">Rule</label><select id="f-rule" name="rule"><option value="">All rules</option>' +
    rules
      .map(
        ([id, r]) =>
          `<option value="${escapeHtml(id)}">${escapeHtml(id)} ${escapeHtml(r.title)} (${num(r.count)})</option>`,
      )
      .join('') +
    '</select></div>' +
    '<div class="field"><label for="f-resource">Resource or file</label><input type="search" id="f-resource" name="resource" autocomplete="off" spellcheck="false"></div>' +
    '<div class="field"><label for="f-text">Search all text</label><input type="search" id="f-text" name="text" autocomplete="off" spellcheck="false"></div>' +
    '<div class="field"><button type="button" id="f-reset">Clear filters</button></div>' +
    '</form>'
  );
}

/** Passed findings (--include-passed) would drown the failures; they start hidden unless they are all there is. */
function passedShownByDefault(totals: FindingTotals): boolean {
  return totals.fail + totals.unknown + totals.waived === 0;
}

/**
 * The first view, computed here so the page shows it before the browser has read the data block: findings under
 * the default filters (every severity, passed only when shown by default) grouped by HIPAA section in cite order,
 * with the counts the client writes in each group heading. The client checks it against the data once parsed.
 */
function defaultView(findings: readonly Finding[], showPassed: boolean) {
  const groups = new Map<string, { count: number; status: number[]; failSev: number[] }>();
  let matched = 0;
  for (const finding of findings) {
    if (finding.status === 'pass' && !showPassed) continue;
    matched++;
    const status = STATUSES.indexOf(finding.status);
    for (const cite of finding.hipaa) {
      const group = getOrAdd(groups, cite, () => ({ count: 0, status: [0, 0, 0, 0], failSev: [0, 0, 0, 0, 0] }));
      group.count++;
      group.status[status]++;
      if (finding.status === 'fail') group.failSev[SEVERITIES.indexOf(finding.severity)]++;
    }
  }
  return {
    matched,
    groups: [...groups]
      .sort(([a], [b]) => compareCites(a, b))
      .map(([cite, g]) => [cite, g.count, g.status, g.failSev] as const),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

export function renderHtml(findings: readonly Finding[], context: HtmlContext): string {
  const summary = summarise(findings, context.rules);
  const { totals } = summary;
  const showPassed = passedShownByDefault(totals);
  const index = scriptJson({
    total: findings.length,
    ...defaultView(findings, showPassed),
    cites: [...summary.bySection.keys()].map((cite) => [cite, hipaaTitle(cite), summary.sectionType.get(cite) ?? '']),
  });
  const data = scriptJson(encode(findings, context.rules));
  const title = `phiguard HIPAA report: ${num(totals.fail)} failed, ${num(totals.unknown)} need review`;
  // The CSP admits only this stylesheet and this script (by hash) and no network at all: even if some finding text
  // slipped past escaping, it could not run script or send the report anywhere.
  const csp = `default-src 'none'; style-src 'sha256-${sha256(CSS)}'; script-src 'sha256-${sha256(CLIENT_JS)}'; img-src data:; form-action 'none'; base-uri 'none'`;
  const banners =
    (context.emergencyMode
      ? '<section class="banner" aria-labelledby="emergency-h"><h2 id="emergency-h">Emergency mode</h2>' +
        '<p>No .phiguard.yaml was found, so every resource was treated as holding PHI. Classify PHI resources in .phiguard.yaml to scope the findings.</p></section>'
      : '') +
    (context.incomplete
      ? '<section class="banner bad" aria-labelledby="incomplete-h"><h2 id="incomplete-h">Scan incomplete</h2>' +
        '<p>Some inputs could not be read or parsed, or nothing was evaluated: the findings below do not cover the whole estate. See the scan problems.</p></section>'
      : '');
  const config = context.configSource ? ` Config: <code>${escapeHtml(context.configSource)}</code>.` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="phiguard ${escapeHtml(context.tool.version)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="top"><h1>HIPAA Security Rule report</h1>
<p class="meta">phiguard ${escapeHtml(context.tool.version)}, scanned at <time datetime="${escapeHtml(context.scannedAt)}">${escapeHtml(context.scannedAt)}</time>.${config}</p></header>
<nav aria-label="Report sections"><ul><li><a href="#summary">Executive summary</a></li>${context.problems.length > 0 ? '<li><a href="#problems">Scan problems</a></li>' : ''}<li><a href="#findings">Findings</a></li></ul></nav>
<main id="main" tabindex="-1">
${banners}
${summarySection(context, summary)}
${problemsSection(context.problems)}
<section id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings (${num(findings.length)})</h2>
${filtersForm(findings, summary)}
<p class="print-note">Printed view: the findings listed on screen when printing, with their groups expanded. The HTML file holds all ${num(findings.length)} findings.</p>
<p id="count" class="count" role="status">Loading findings…</p>
<div id="groups"></div>
<noscript><p>The findings list needs JavaScript. The executive summary above is complete without it.</p></noscript>
</section>
</main>
<footer><p>Generated by phiguard ${escapeHtml(context.tool.version)}. HIPAA type: R = required implementation specification or standard, A = addressable.</p></footer>
<script type="application/json" id="phiguard-index">${index}</script>
<script>${CLIENT_JS}</script>
<script type="application/json" id="phiguard-data">${data}</script>
</body>
</html>
`;
}

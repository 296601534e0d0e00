// SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). Decisions, each forced by how code scanning ingests
// a file (../shared/reference/ecosystem.md 5.1):
// - Every catalog rule appears once in tool.driver.rules, so rule ids never repeat (Checkov #1521) and an alert
//   whose rule stopped firing can close.
// - security-severity, a string GitHub buckets into critical/high/medium/low: critical 9.5, high 8.0, medium 5.5,
//   low 3.0, info 0.0 (no security severity). The level follows the severity: critical/high error, medium warning,
//   low/info note.
// - partialFingerprints["phiguard/v1"] is the finding fingerprint (rule, address, file, path, value; no line
//   numbers), so an alert survives edits elsewhere in the file. A repeated fingerprint gets ":2", ":3"... so no two
//   results share one.
// - `unknown` findings are results at level "note" tagged "needs review"; `pass` findings are left out (GitHub does
//   not honour result.kind and would open alerts for them); waived findings keep their level and carry a
//   suppression: "inSource" for inline waivers, "external" for the waivers file or config, with the justification
//   (reason, expiry, ticket, approver). With --baseline, baselineState says "new" or "unchanged".
// - URIs are relative to the repository root with uriBaseId %SRCROOT% (GitHub requires repo-relative paths).
// - GitHub rejects a whole upload when one result lacks a physical location ("locationFromSarifResult: expected
//   artifact location"). A live finding without a file is therefore anchored to the template line of a finding on
//   the same resource in this scan (same id or address, else the same type and name when only one declaration
//   matches), keeping the resource id as a logical location. The rest go to a separate run (category
//   "phiguard/live") with only the logical location: valid SARIF for other viewers, but drop that run before
//   uploading to GitHub (docs/reports.md).
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, HipaaCitation, Severity } from '../core/types.js';
import type { Rule } from '../rules/define.js';
import { isBaselined, type ReportContext, valueText, type WaiverNote, waiverOf, waiverText } from './context.js';
import { renderRuleDoc } from './rule-doc.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Where rendered rule docs (docs/rules/<id>.md) are published; the help text is embedded in the SARIF as well. */
export const RULE_DOCS_BASE = 'https://phiguard.dev/docs/rules/';
export const FINGERPRINT_KEY = 'phiguard/v1';
export const NEEDS_REVIEW_TAG = 'needs review';
export const DEFAULT_CATEGORY = 'phiguard/iac';

export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

type Level = 'error' | 'warning' | 'note';
const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

const AREA_TAGS: Readonly<Record<string, string>> = {
  STG: 'storage',
  NET: 'network',
  IAM: 'identity',
  TLS: 'tls',
  LOG: 'logging',
  BAK: 'backup',
  KV: 'key-vault',
  CMP: 'compute',
  DAT: 'data',
};

/** GitHub's limit for shortDescription and fullDescription. */
const DESCRIPTION_LIMIT = 1024;

export interface SarifOptions extends ReportContext {
  /**
   * Code-scanning category of the main run (automationDetails.id without its trailing run id), default
   * "phiguard/iac". The upload action's own `category` input is ignored once a run carries an id, so this is how
   * two phiguard jobs on one commit keep apart. Live-only results go to "phiguard/live", or "<category>-live".
   */
  category?: string;
}

interface Message {
  text: string;
  markdown?: string;
}

export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: Message;
  fullDescription: Message;
  help: Message;
  helpUri: string;
  defaultConfiguration: { level: Level };
  properties: {
    tags: string[];
    precision: 'high';
    'security-severity': string;
    severity: Severity;
    hipaa: { cite: string; type: 'required' | 'addressable' }[];
  };
}

interface LogicalLocation {
  name: string;
  fullyQualifiedName: string;
  kind: 'resource';
}

interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region: { startLine: number; startColumn: number };
  };
  logicalLocations: LogicalLocation[];
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: Message;
  locations: [SarifLocation];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'inSource' | 'external'; status: 'accepted'; justification: string }[];
  baselineState?: 'new' | 'unchanged';
  properties: {
    status: Finding['status'];
    severity: Severity;
    hipaa: string[];
    resource: Finding['resource'];
    evidence: Finding['evidence'];
    phi: boolean;
    tags?: string[];
    labels?: string[];
    drift?: Finding['drift'];
    anchored?: 'live-to-template';
    waiver?: WaiverNote;
  };
}

export interface SarifRun {
  tool: {
    driver: {
      name: 'phiguard';
      semanticVersion: string;
      rules: SarifReportingDescriptor[];
    };
  };
  automationDetails: { id: string };
  invocations: { executionSuccessful: boolean }[];
  originalUriBaseIds: Record<string, { uri: string }>;
  columnKind: 'utf16CodeUnits';
  results: SarifResult[];
  properties?: Record<string, number>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

function cap(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** A stable, opaque PascalCase name from the title (SARIF `name`), e.g. "StorageAccountAcceptsTlsVersionsBelow12". */
function pascal(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1).toLowerCase())
    .join('');
}

/** Markdown rule docs as plain text for help.text (viewers without markdown show it verbatim). */
function plainText(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !line.startsWith('```'))
    .map((line) =>
      line
        .replace(/^#+\s*/, '')
        .replaceAll('**', '')
        .replaceAll('`', ''),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function citationType(citation: HipaaCitation): 'required' | 'addressable' {
  return citation.type === 'R' ? 'required' : 'addressable';
}

function descriptorFor(rule: Rule): SarifReportingDescriptor {
  const doc = renderRuleDoc(rule);
  const area = AREA_TAGS[rule.id.split('-')[1] ?? ''];
  const tags = ['security', 'hipaa', ...rule.hipaa.map((c) => `HIPAA-${c.cite}`)];
  if (area) tags.push(area);
  return {
    id: rule.id,
    name: pascal(rule.title),
    shortDescription: { text: cap(rule.title, DESCRIPTION_LIMIT) },
    fullDescription: { text: cap(`${rule.title}. ${rule.docs.evaluation}`, DESCRIPTION_LIMIT) },
    help: { text: plainText(doc), markdown: doc },
    helpUri: `${RULE_DOCS_BASE}${encodeURIComponent(rule.id)}.md`,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(tags)].slice(0, 20),
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[rule.severity],
      severity: rule.severity,
      hipaa: rule.hipaa.map((c) => ({ cite: c.cite, type: citationType(c) })),
    },
  };
}

/** A rule the catalog passed in does not know (a finding from a newer or custom rule): described from the finding. */
function descriptorFromFinding(finding: Finding): SarifReportingDescriptor {
  const text = `${finding.title}. HIPAA ${finding.hipaa.join(', ')}.`;
  return {
    id: finding.ruleId,
    name: pascal(finding.title),
    shortDescription: { text: cap(finding.title, DESCRIPTION_LIMIT) },
    fullDescription: { text: cap(text, DESCRIPTION_LIMIT) },
    help: { text },
    helpUri: `${RULE_DOCS_BASE}${encodeURIComponent(finding.ruleId)}.md`,
    defaultConfiguration: { level: LEVEL[finding.severity] },
    properties: {
      tags: ['security', 'hipaa', ...new Set(finding.hipaa.map((cite) => `HIPAA-${cite}`))].slice(0, 20),
      precision: 'high',
      'security-severity': SECURITY_SEVERITY[finding.severity],
      severity: finding.severity,
      hipaa: [],
    },
  };
}

/** The catalog in its own order, then any rule only the findings know; each id once. */
function descriptors(findings: readonly Finding[], rules: readonly Rule[]): SarifReportingDescriptor[] {
  const byId = new Map<string, SarifReportingDescriptor>();
  for (const rule of rules) if (!byId.has(rule.id)) byId.set(rule.id, descriptorFor(rule));
  for (const finding of findings) {
    if (!byId.has(finding.ruleId)) byId.set(finding.ruleId, descriptorFromFinding(finding));
  }
  return [...byId.values()];
}

/** Repo-relative URI (uriBaseId %SRCROOT%), or an absolute file URI for a file outside the repository. */
export function artifactLocation(file: string, cwd: string, srcRoot: string): { uri: string; uriBaseId?: string } {
  const absolute = resolve(cwd, file);
  const inside = relative(srcRoot, absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return { uri: pathToFileURL(absolute).href };
  return { uri: inside.split(sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function logicalLocation(finding: Finding): LogicalLocation {
  return { name: finding.resource.name, fullyQualifiedName: finding.resource.id, kind: 'resource' };
}

function resultMessage(finding: Finding, live: boolean): string {
  const evidence = finding.evidence;
  const lead = finding.status === 'unknown' && !/^needs review/i.test(finding.message) ? 'Needs review: ' : '';
  const parts = [`${live ? 'Live state: ' : ''}${lead}${finding.message}`];
  if (finding.status === 'unknown') parts.push(`${evidence.path} depends on ${valueText(evidence.actual)}.`);
  else if (evidence.expected !== null) {
    parts.push(`${evidence.path} is ${valueText(evidence.actual)}; expected ${evidence.expected}.`);
  }
  parts.push(`Resource: ${finding.resource.name} (${finding.resource.type}). HIPAA ${finding.hipaa.join(', ')}.`);
  return parts.join('\n');
}

type Anchor = NonNullable<Finding['location']>;

/** Finds the template line a live finding can be shown at: see the header comment. */
class Anchors {
  private readonly byKey = new Map<string, Finding[]>();
  private readonly byTypeName = new Map<string, Finding[]>();

  constructor(located: readonly Finding[]) {
    for (const finding of located) {
      for (const key of new Set([finding.resource.id.toLowerCase(), finding.resource.address.toLowerCase()])) {
        push(this.byKey, key, finding);
      }
      push(this.byTypeName, typeName(finding), finding);
    }
  }

  find(live: Finding): Anchor | undefined {
    let candidates =
      this.byKey.get(live.resource.id.toLowerCase()) ?? this.byKey.get(live.resource.address.toLowerCase());
    if (!candidates) {
      const sameName = this.byTypeName.get(typeName(live)) ?? [];
      const declarations = new Set(sameName.map((f) => `${f.location?.file}\u0000${f.resource.address}`));
      if (declarations.size === 1) candidates = sameName;
    }
    if (!candidates) return undefined;
    const chosen = candidates.find((f) => f.ruleId === live.ruleId) ?? candidates[0];
    return chosen.location ?? undefined;
  }
}

function typeName(finding: Finding): string {
  return `${finding.resource.type.toLowerCase()}\u0000${finding.resource.name.toLowerCase()}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function buildSarif(findings: readonly Finding[], options: SarifOptions): SarifLog {
  const rules = descriptors(findings, options.rules);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const reported = findings.filter((f) => f.status !== 'pass');
  const omittedPassed = findings.length - reported.length;
  const located = reported.filter((f) => f.location !== null);
  const anchors = new Anchors(located);
  const seen = new Map<string, number>();

  const toResult = (finding: Finding, at: Anchor | null, live: boolean): SarifResult => {
    const occurrence = (seen.get(finding.fingerprint) ?? 0) + 1;
    seen.set(finding.fingerprint, occurrence);
    const location: SarifLocation = { logicalLocations: [logicalLocation(finding)] };
    if (at) {
      location.physicalLocation = {
        artifactLocation: artifactLocation(at.file, options.cwd, options.srcRoot),
        region: { startLine: Math.max(1, at.line), startColumn: Math.max(1, at.column) },
      };
    }
    const result: SarifResult = {
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId)!,
      level: finding.status === 'unknown' ? 'note' : LEVEL[finding.severity],
      message: { text: resultMessage(finding, live) },
      locations: [location],
      partialFingerprints: {
        [FINGERPRINT_KEY]: occurrence === 1 ? finding.fingerprint : `${finding.fingerprint}:${occurrence}`,
      },
      properties: {
        status: finding.status,
        severity: finding.severity,
        hipaa: finding.hipaa,
        resource: finding.resource,
        evidence: finding.evidence,
        phi: finding.phi,
      },
    };
    if (finding.status === 'unknown') result.properties.tags = [NEEDS_REVIEW_TAG];
    if (finding.labels?.length) result.properties.labels = finding.labels;
    if (finding.drift) result.properties.drift = finding.drift;
    if (live && at) result.properties.anchored = 'live-to-template';
    if (options.baseline) result.baselineState = isBaselined(finding) ? 'unchanged' : 'new';
    const waiver = waiverOf(finding);
    // An expired or forbidden waiver stays visible on the failing result, so reviewers see why it came back.
    if (waiver) result.properties.waiver = waiver;
    if (finding.status === 'waived') {
      result.suppressions = [
        {
          kind: waiver?.source === 'inline' ? 'inSource' : 'external',
          status: 'accepted',
          justification: waiverText(waiver),
        },
      ];
    }
    return result;
  };

  const main: SarifResult[] = [];
  const liveOnly: SarifResult[] = [];
  for (const finding of reported) {
    if (finding.location) {
      main.push(toResult(finding, finding.location, false));
      continue;
    }
    const anchor = anchors.find(finding);
    if (anchor) main.push(toResult(finding, anchor, true));
    else liveOnly.push(toResult(finding, null, true));
  }

  const run = (category: string, results: SarifResult[]): SarifRun => ({
    tool: { driver: { name: 'phiguard', semanticVersion: options.tool.version, rules } },
    automationDetails: { id: `${category}/` },
    invocations: [{ executionSuccessful: !options.incomplete }],
    originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(`${options.srcRoot.replace(/[\\/]+$/, '')}/`).href } },
    columnKind: 'utf16CodeUnits',
    results,
  });
  const category = options.category?.replace(/\/+$/, '') || DEFAULT_CATEGORY;
  const runs = [run(category, main)];
  if (omittedPassed > 0) runs[0].properties = { omittedPassed };
  if (liveOnly.length > 0)
    runs.push(run(category === DEFAULT_CATEGORY ? 'phiguard/live' : `${category}-live`, liveOnly));
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs };
}

export function renderSarif(findings: readonly Finding[], options: SarifOptions): string {
  return `${JSON.stringify(buildSarif(findings, options), null, 2)}\n`;
}

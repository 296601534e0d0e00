// CSV for spreadsheets and GRC tools: one row per finding, stable column names (append new ones at the end, never
// rename), HIPAA citations in their own column (Prowler's pattern), RFC 4180 quoting with CRLF line ends.
// Resource names, messages and values come from templates a contributor controls, so a cell that a spreadsheet
// would run as a formula (starting with = + - @, tab or carriage return) is prefixed with a single quote (OWASP CSV
// injection guidance). That includes negative numbers in `actual` (e.g. -1 retention days): the quote shows, the
// value stays readable.
import type { Finding } from '../core/types.js';
import { isBaselined, valueText, waiverOf } from './context.js';

export const CSV_COLUMNS = [
  'rule_id',
  'status',
  'severity',
  'title',
  'hipaa',
  'resource_type',
  'resource_name',
  'resource_id',
  'resource_address',
  'file',
  'line',
  'column',
  'evidence_path',
  'actual',
  'expected',
  'message',
  'phi',
  'labels',
  'fingerprint',
  'waiver_reason',
  'waiver_expires',
  'waiver_ticket',
  'waiver_approver',
  'waiver_state',
  'baselined',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field: formula-neutralised, quoted when it holds a quote, comma or line break. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function row(finding: Finding): string[] {
  const { resource, location, evidence } = finding;
  const waiver = waiverOf(finding);
  return [
    finding.ruleId,
    finding.status,
    finding.severity,
    finding.title,
    finding.hipaa.join('; '),
    resource.type,
    resource.name,
    resource.id,
    resource.address,
    location?.file ?? '',
    location ? String(location.line) : '',
    location ? String(location.column) : '',
    evidence.path,
    valueText(evidence.actual),
    evidence.expected ?? '',
    finding.message,
    String(finding.phi),
    (finding.labels ?? []).join('; '),
    finding.fingerprint,
    waiver?.reason ?? '',
    waiver?.expires ?? '',
    waiver?.ticket ?? '',
    waiver?.approver ?? '',
    waiver?.state ?? '',
    String(isBaselined(finding)),
  ];
}

export function renderCsv(findings: readonly Finding[]): string {
  const lines = [CSV_COLUMNS.join(','), ...findings.map((finding) => row(finding).map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

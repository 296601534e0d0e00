// What the file reporters (SARIF, JUnit, CSV, Markdown) know besides the findings: who ran, against which catalog,
// from where. Kept small and plain so every reporter stays a pure function of (findings, context).
import type { Finding } from '../core/types.js';
import type { Rule } from '../rules/define.js';
import type { FailOn } from './summary.js';

export interface ReportContext {
  tool: { name: 'phiguard'; version: string };
  scannedAt: string;
  /** Rule metadata (the catalog): titles, HIPAA citations with R/A type, docs, remediation. */
  rules: readonly Rule[];
  failOn: FailOn;
  /** The scan could not read something or evaluated nothing (exit 3): reports say so instead of looking clean. */
  incomplete: boolean;
  /** No config was found and every resource was treated as PHI. */
  emergencyMode: boolean;
  /** Absolute directory that `finding.location.file` paths are relative to (the scan's working directory). */
  cwd: string;
  /** Absolute repository root: SARIF URIs are made relative to it, as GitHub code scanning requires. */
  srcRoot: string;
  /** A baseline was applied (`--baseline`): findings without `baselined` are new, and only they meet --fail-on. */
  baseline?: boolean;
}

/**
 * A waiver as the governance layer attaches it to a waived finding (`waiver` in docs/findings.schema.json). Every
 * field is optional here so reporters render whatever is known. `source` says where it was declared: `inline` (a
 * `hipaa:ignore` comment or ARM metadata next to the resource) or anything else (the waivers file, an Azure Policy
 * exemption); SARIF tells them apart as `inSource` and `external` suppressions.
 */
export interface WaiverNote {
  reason?: string;
  expires?: string;
  ticket?: string;
  approver?: string;
  source?: string;
  /** Where the waiver is written, `file:line`. */
  at?: string;
  /** Only `active` waives; `expired` and `forbidden` stay attached to the failing finding to say why it is back. */
  state?: string;
}

export function waiverOf(finding: Finding): WaiverNote | undefined {
  const waiver = (finding as Finding & { waiver?: unknown }).waiver;
  return typeof waiver === 'object' && waiver !== null ? (waiver as WaiverNote) : undefined;
}

/** Matched an entry of the baseline (`baselined` in the findings contract). */
export function isBaselined(finding: Finding): boolean {
  return (finding as Finding & { baselined?: unknown }).baselined === true;
}

/** One line summarising a waiver: reason, then expiry, ticket and approver when known. */
export function waiverText(waiver: WaiverNote | undefined): string {
  if (!waiver) return 'waived';
  const parts = [waiver.reason ?? 'waived'];
  if (waiver.expires) parts.push(`expires ${waiver.expires}`);
  if (waiver.ticket) parts.push(`ticket ${waiver.ticket}`);
  if (waiver.approver) parts.push(`approved by ${waiver.approver}`);
  if (waiver.state && waiver.state !== 'active') parts.push(`${waiver.state}, so not applied`);
  return parts.join('; ');
}

/** A JSON value as one line of text; absent values say so rather than printing nothing. */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '(absent)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

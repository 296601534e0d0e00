// Baselines: the failures and open reviews a team has accepted as "known", so that `--fail-on` judges only new ones.
// Entries match by fingerprint alone (rule, logical address, file, evidence path, value; no line numbers): an edit
// elsewhere in the file keeps the match, a changed value is a new finding, and the same address in another file is
// another finding (checkov#7647 matched by address and rule only).
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { ConfigError, LineIndex } from '../core/errors.js';
import type { Finding } from '../core/types.js';

/** One accepted finding. Only `fingerprint` matches; the rest tells a reviewer what was accepted. */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  address: string;
  file: string;
}

const FORMAT = 'phiguard-baseline';
const VERSION = 1;
const FINGERPRINT = /^[0-9a-f]{32}$/;

/**
 * Whether a finding belongs in a baseline: failures and open reviews. Waived findings are governed by their waiver,
 * and a finding whose waiver expired is never absorbed (fail closed: the expiry must be dealt with).
 */
export function baselinable(finding: Finding): boolean {
  return (finding.status === 'fail' || finding.status === 'unknown') && finding.waiver?.state !== 'expired';
}

export function baselineEntry(finding: Finding): BaselineEntry {
  return {
    fingerprint: finding.fingerprint,
    ruleId: finding.ruleId,
    address: finding.resource.address,
    file: finding.location?.file.replaceAll('\\', '/') ?? '',
  };
}

function compare(a: BaselineEntry, b: BaselineEntry): number {
  return (
    a.file.localeCompare(b.file, 'en') ||
    a.address.localeCompare(b.address, 'en') ||
    a.ruleId.localeCompare(b.ruleId, 'en') ||
    a.fingerprint.localeCompare(b.fingerprint, 'en')
  );
}

/**
 * The baseline file's text: sorted, one entry per line and no timestamp, so the same findings always give the same
 * bytes and a reviewer sees exactly the accepted and fixed entries in a diff.
 */
export function renderBaseline(entries: Iterable<BaselineEntry>): string {
  const unique = new Map<string, BaselineEntry>();
  for (const entry of entries) if (!unique.has(entry.fingerprint)) unique.set(entry.fingerprint, entry);
  const sorted = [...unique.values()].sort(compare);
  const lines = sorted.map(
    (e) => `    ${JSON.stringify({ fingerprint: e.fingerprint, ruleId: e.ruleId, address: e.address, file: e.file })}`,
  );
  return `{\n  "format": "${FORMAT}",\n  "version": ${VERSION},\n  "findings": [${
    lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''
  }]\n}\n`;
}

/** Parses a baseline file; anything malformed is a ConfigError at its line (a half-read baseline would hide findings). */
export function parseBaseline(text: string, file: string): BaselineEntry[] {
  const lines = new LineIndex(text);
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0) {
    const where = lines.at(errors[0].offset);
    const what = printParseErrorCode(errors[0].error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    throw new ConfigError(`malformed baseline: ${what}`, { file, ...where });
  }
  const doc = value as { format?: unknown; version?: unknown; findings?: unknown } | null;
  if (typeof doc !== 'object' || doc === null || doc.format !== FORMAT || !Array.isArray(doc.findings)) {
    throw new ConfigError('not a phiguard baseline', { file }, 'create one with --create-baseline FILE');
  }
  if (doc.version !== VERSION) {
    throw new ConfigError(
      `unsupported baseline version ${JSON.stringify(doc.version)}`,
      { file },
      `expected ${VERSION}`,
    );
  }
  // Entries are one per line as written; find each entry's line for errors by its fingerprint text.
  return doc.findings.map((entry: unknown, index: number) => {
    const e = entry as Partial<Record<keyof BaselineEntry, unknown>> | null;
    if (typeof e !== 'object' || e === null || typeof e.fingerprint !== 'string' || !FINGERPRINT.test(e.fingerprint)) {
      const raw = JSON.stringify(e?.fingerprint ?? entry);
      const offset = raw ? text.indexOf(raw) : -1;
      throw new ConfigError(
        `baseline entry ${index} has no valid fingerprint`,
        { file, ...(offset >= 0 ? lines.at(offset) : {}) },
        'expected 32 hex digits',
      );
    }
    return {
      fingerprint: e.fingerprint,
      ruleId: typeof e.ruleId === 'string' ? e.ruleId : '',
      address: typeof e.address === 'string' ? e.address : '',
      file: typeof e.file === 'string' ? e.file : '',
    };
  });
}

/** A loaded baseline: marks matching findings and counts what was matched, what is new and what was fixed. */
export class Baseline {
  private readonly fingerprints: Set<string>;
  private readonly seen = new Set<string>();
  /** Findings that matched an entry. */
  baselined = 0;
  /** Failures and reviews that matched no entry (an expired waiver's finding included). */
  fresh = 0;

  constructor(
    readonly file: string,
    readonly entries: readonly BaselineEntry[],
  ) {
    this.fingerprints = new Set(entries.map((e) => e.fingerprint));
  }

  /** Marks `finding` as baselined when its fingerprint is an entry (an expired waiver's finding never is). */
  mark(finding: Finding): void {
    if (finding.status === 'pass') return;
    // A waived finding still "is there": its entry is not fixed.
    if (this.fingerprints.has(finding.fingerprint)) this.seen.add(finding.fingerprint);
    if (finding.status === 'waived') return;
    if (baselinable(finding) && this.fingerprints.has(finding.fingerprint)) {
      finding.baselined = true;
      this.baselined++;
    } else {
      this.fresh++;
    }
  }

  /** Entries no current finding matches: fixed since the baseline was made (or their value changed). */
  get fixed(): number {
    return this.fingerprints.size - this.seen.size;
  }

  summary(): { file: string; entries: number; baselined: number; new: number; fixed: number } {
    return {
      file: this.file,
      entries: this.fingerprints.size,
      baselined: this.baselined,
      new: this.fresh,
      fixed: this.fixed,
    };
  }
}

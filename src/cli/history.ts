// `phiguard history`: the scans a store holds, one scan's findings, or the lifecycle of a scope's subjects.
import { ConfigError } from '../core/errors.js';
import { openExistingStore, repositoryRoot, scopeKey, storeTarget } from '../store/index.js';
import type { ScanRecord, Store, StoredFinding, Subject } from '../store/types.js';

export interface HistoryFlags {
  db?: string;
  scope?: string;
  format: string;
  findings?: string;
  lifecycle?: boolean;
  limit?: string;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function parseFormat(format: string): 'table' | 'json' {
  const lower = format.toLowerCase();
  if (lower !== 'table' && lower !== 'json') {
    throw new ConfigError(`unknown format "${format}"`, undefined, 'expected table or json');
  }
  return lower;
}

export function parseScanId(text: string, what = 'scan id'): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ConfigError(
      `${what} must be a positive integer, got "${text}"`,
      undefined,
      'phiguard history lists scans',
    );
  }
  return Number(text);
}

/** The store named by --db or $PHIGUARD_DB, else the one of the scope's root or the current directory. */
export async function openHistory(db: string | undefined, scope: string | undefined): Promise<Store> {
  const explicit = db ?? process.env.PHIGUARD_DB;
  return openExistingStore(storeTarget(db, [scope ?? '.']), explicit ? undefined : (scope ?? '.'));
}

/** `--scope` as a scope key the store knows, or as a path normalised the way `scan` records it. */
async function resolveScope(store: Store, scope: string): Promise<string> {
  const known = await store.scopes();
  if (known.some((s) => s.scope === scope)) return scope;
  return scopeKey([scope], repositoryRoot(process.cwd()));
}

export function findingLine(finding: StoredFinding): string[] {
  const where = finding.location ? `${finding.location.file}:${finding.location.line}` : finding.resource.id;
  return [finding.ruleId, finding.severity, finding.status, finding.resource.name, where, finding.message];
}

function scanRows(scans: ScanRecord[]): string[][] {
  return [
    ['SCAN', 'WHEN', 'WHO', 'STATUS', 'FAIL', 'REVIEW', 'WAIVED', 'NEW', 'FIXED', 'REOPENED', 'SCOPE'],
    ...scans.map((s) => [
      String(s.id),
      s.finishedAt.replace(/\.\d{3}Z$/, 'Z'),
      s.actor,
      s.status,
      String(s.counts.fail),
      String(s.counts.unknown),
      String(s.counts.waived),
      String(s.counts.new),
      String(s.counts.fixed),
      String(s.counts.reopened),
      s.scope,
    ]),
  ];
}

function subjectRows(subjects: Subject[]): string[][] {
  return [
    ['STATE', 'RULE', 'SEVERITY', 'RESOURCE', 'FIRST SEEN', 'FIXED IN', 'REOPENED', 'FILE'],
    ...subjects.map((s) => [
      s.lifecycle,
      s.ruleId,
      s.severity,
      s.resource.name,
      `scan ${s.firstSeenScan}`,
      s.fixedInScan === null ? '-' : `scan ${s.fixedInScan} (${s.fixedReason})`,
      String(s.reopenCount),
      s.file ?? '-',
    ]),
  ];
}

export async function historyCommand(flags: HistoryFlags): Promise<number> {
  const format = parseFormat(flags.format);
  const findingsOf = flags.findings !== undefined ? parseScanId(flags.findings) : undefined;
  const limit = flags.limit !== undefined ? parseScanId(flags.limit, '--limit') : undefined;
  const store = await openHistory(flags.db, flags.scope);
  try {
    const scope = flags.scope !== undefined ? await resolveScope(store, flags.scope) : undefined;
    let output: string;
    if (findingsOf !== undefined) {
      const scan = await store.scan(findingsOf);
      if (!scan) throw new ConfigError(`no scan ${findingsOf} in the store`, undefined, 'phiguard history lists scans');
      const findings = await store.findings(findingsOf);
      output =
        format === 'json'
          ? JSON.stringify({ scan, findings }, null, 2)
          : `Scan ${scan.id} of ${scan.scope} by ${scan.actor} at ${scan.finishedAt}: ${findings.length} findings\n${columns(
              [
                ['LIFECYCLE', 'RULE', 'SEVERITY', 'STATUS', 'RESOURCE', 'WHERE', 'MESSAGE'],
                ...findings.map((f) => [f.lifecycle, ...findingLine(f)]),
              ],
            )}`;
    } else if (flags.lifecycle) {
      const scopes = scope !== undefined ? [scope] : (await store.scopes()).map((s) => s.scope);
      const result: { scope: string; subjects: Subject[] }[] = [];
      for (const name of scopes) result.push({ scope: name, subjects: await store.subjects(name) });
      output =
        format === 'json'
          ? JSON.stringify(result, null, 2)
          : result
              .map((r) => `Scope ${r.scope}: ${r.subjects.length} subjects\n${columns(subjectRows(r.subjects))}`)
              .join('\n\n');
    } else {
      const scans = await store.scans({ scope, limit });
      output =
        format === 'json'
          ? JSON.stringify(scans, null, 2)
          : scans.length === 0
            ? `No scans${scope !== undefined ? ` of ${scope}` : ''} in ${store.location}`
            : columns(scanRows(scans));
    }
    process.stdout.write(`${output}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

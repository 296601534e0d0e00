// `phiguard diff <scanA> <scanB>`: what changed between two recorded scans, subject by subject.
import type { ScanDiff, StoredFinding } from '../store/types.js';
import { columns, findingLine, openHistory, parseFormat, parseScanId } from './history.js';

export interface DiffFlags {
  db?: string;
  format: string;
}

const SECTIONS: [keyof Omit<ScanDiff, 'from' | 'to'>, string][] = [
  ['new', 'New'],
  ['reopened', 'Reopened'],
  ['fixed', 'Fixed'],
  ['waived', 'Waived'],
  ['stillFailing', 'Still failing'],
];

function section(title: string, findings: StoredFinding[]): string {
  if (findings.length === 0) return `${title}: none`;
  return `${title} (${findings.length}):\n${columns(findings.map((f) => ['', ...findingLine(f)]))}`;
}

export async function diffCommand(from: string, to: string, flags: DiffFlags): Promise<number> {
  const format = parseFormat(flags.format);
  const fromId = parseScanId(from);
  const toId = parseScanId(to);
  const store = await openHistory(flags.db, undefined);
  try {
    const diff = await store.diff(fromId, toId);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
      return 0;
    }
    const header = `Scan ${diff.from.id} (${diff.from.finishedAt}) -> scan ${diff.to.id} (${diff.to.finishedAt})${
      diff.from.scope !== diff.to.scope
        ? ` [scopes differ: ${diff.from.scope} / ${diff.to.scope}]`
        : ` of ${diff.to.scope}`
    }`;
    const summary = SECTIONS.map(([key, title]) => `${diff[key].length} ${title.toLowerCase()}`).join(', ');
    const body = SECTIONS.map(([key, title]) => section(title, diff[key])).join('\n\n');
    process.stdout.write(`${header}\n${summary}\n\n${body}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

// Markdown for a pull-request comment or a GitHub job summary ($GITHUB_STEP_SUMMARY): a result line, a table by
// severity, failures grouped by severity then by the HIPAA paragraph an auditor recognises (a finding's first
// citation), then what needs review, then what is waived. GitHub rejects comments over 65,536 characters, so the
// text is capped there by default: items stop where the budget ends and a closing line says how many were left out.
// Everything taken from the scanned sources (names, messages, paths) is escaped or put in code spans, so a
// template cannot inject HTML, links or @-mentions into the comment.
import { hipaaTitle } from '../core/hipaa.js';
import { type Finding, SEVERITIES, type Severity, severityRank } from '../core/types.js';
import { isBaselined, type ReportContext, valueText, waiverOf, waiverText } from './context.js';
import { RULE_DOCS_BASE } from './sarif.js';

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Room kept for the closing "not shown" line, whatever the counts. */
const RESERVE = 400;
const MESSAGE_LIMIT = 400;

export interface MarkdownOptions extends ReportContext {
  /** Maximum length in UTF-16 code units (at most as many characters). Default GITHUB_COMMENT_LIMIT. */
  maxLength?: number;
}

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** Inline prose: Markdown punctuation and HTML escaped, line breaks flattened, mentions broken with U+200B. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[\\`*_{}[\]<>|~#!]/g, '\\$&')
    .replaceAll('@', '@\u200b');
}

/** A code span that survives backticks in its content (CommonMark: a longer fence, padded with spaces). */
export function code(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function shorten(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function where(finding: Finding): string {
  const at = finding.location;
  return at ? `${at.file}:${at.line}:${at.column}` : finding.resource.id;
}

function byLocation(a: Finding, b: Finding): number {
  return where(a).localeCompare(where(b), undefined, { numeric: true }) || a.ruleId.localeCompare(b.ruleId);
}

function item(finding: Finding): string {
  const rule = `[${finding.ruleId}](${RULE_DOCS_BASE}${finding.ruleId}.md)`;
  const lines = [
    `- **${rule}** ${escapeMarkdown(finding.title)} · ${code(finding.resource.name)} · ${code(where(finding))}${isBaselined(finding) ? ' · baselined' : ''}`,
    `  ${escapeMarkdown(shorten(finding.message, MESSAGE_LIMIT))}`,
  ];
  if (finding.status === 'fail' && finding.evidence.expected !== null) {
    const actual = shorten(valueText(finding.evidence.actual), 120);
    lines.push(`  ${code(finding.evidence.path)}: ${code(actual)} → ${escapeMarkdown(finding.evidence.expected)}`);
  }
  const waiver = waiverOf(finding);
  if (waiver) lines.push(`  Waiver: ${escapeMarkdown(waiverText(waiver))}`);
  return `${lines.join('\n')}\n`;
}

interface Section {
  heading: string;
  /** Sub-headings and the findings under each, in order. */
  groups: { heading?: string; findings: Finding[] }[];
  /** How the closing line counts what did not fit: singular and plural. */
  noun: [string, string];
}

const FAILURE_NOUN: Section['noun'] = ['failure', 'failures'];

function failureSections(failures: readonly Finding[]): Section[] {
  return SEVERITIES.map((severity): Section => {
    const list = failures.filter((f) => f.severity === severity);
    const bySection = new Map<string, Finding[]>();
    for (const finding of [...list].sort(byLocation)) {
      const cite = finding.hipaa[0] ?? '';
      bySection.set(cite, [...(bySection.get(cite) ?? []), finding]);
    }
    const groups = [...bySection.entries()]
      .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
      .map(([cite, findings]) => ({ heading: `**${cite} ${hipaaTitle(cite)}** (${findings.length})`, findings }));
    return { heading: `#### ${SEVERITY_LABEL[severity]} (${list.length})`, groups, noun: FAILURE_NOUN };
  }).filter((section) => section.groups.length > 0);
}

function flatSection(heading: string, findings: readonly Finding[], noun: [string, string]): Section[] {
  if (findings.length === 0) return [];
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || byLocation(a, b));
  return [{ heading, groups: [{ findings: sorted }], noun }];
}

function plural(count: number, [one, many]: readonly [string, string]): string {
  return `${count} ${count === 1 ? one : many}`;
}

interface Chunk {
  /** One finding's item, preceded by any headings opened just before it. */
  text: string;
  noun: Section['noun'];
}

function chunksOf(part: { title: string; sections: Section[] }): Chunk[] {
  const chunks: Chunk[] = [];
  let pending = part.title ? `\n${part.title}\n` : '';
  for (const section of part.sections) {
    pending += `\n${section.heading}\n`;
    for (const group of section.groups) {
      pending += group.heading ? `\n${group.heading}\n\n` : '\n';
      for (const finding of group.findings) {
        chunks.push({ text: pending + item(finding), noun: section.noun });
        pending = '';
      }
    }
  }
  return chunks;
}

export function renderMarkdown(findings: readonly Finding[], options: MarkdownOptions): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const failures = findings.filter((f) => f.status === 'fail');
  const review = findings.filter((f) => f.status === 'unknown');
  const waived = findings.filter((f) => f.status === 'waived');
  const { failOn } = options;
  // The gate judges what the exit code judges: new failures (not baselined) at or above --fail-on.
  const gate =
    failOn === 'none'
      ? 0
      : failures.filter((f) => !isBaselined(f) && severityRank(f.severity) >= severityRank(failOn)).length;
  const baselined = findings.filter(isBaselined).length;
  const result = options.incomplete ? 'incomplete' : gate > 0 ? 'fail' : 'pass';
  const icon = result === 'pass' ? '✅' : result === 'fail' ? '❌' : '⚠️';

  const head = [
    '## phiguard: HIPAA Security Rule scan',
    '',
    `${icon} **${result}**: ${plural(failures.length, FAILURE_NOUN)}` +
      (failOn === 'none'
        ? ''
        : ` (${gate} ${options.baseline ? 'new ' : ''}at or above ${failOn}, the --fail-on threshold)`) +
      (options.baseline ? `, ${baselined} known from the baseline` : '') +
      `, ${review.length} needing review, ${waived.length} waived. phiguard ${escapeMarkdown(options.tool.version)}, ${escapeMarkdown(options.scannedAt)}.`,
    '',
  ];
  if (options.incomplete) {
    head.push('> [!WARNING]', '> The scan is incomplete: a file could not be read or nothing was evaluated.', '');
  }
  if (options.emergencyMode) {
    head.push('> [!NOTE]', '> No .phiguard.yaml was found: every resource was treated as PHI.', '');
  }
  head.push('| Severity | Failed | Needs review | Waived |', '|---|--:|--:|--:|');
  for (const severity of SEVERITIES) {
    const n = (list: readonly Finding[]) => list.filter((f) => f.severity === severity).length;
    head.push(`| ${SEVERITY_LABEL[severity]} | ${n(failures)} | ${n(review)} | ${n(waived)} |`);
  }
  head.push(`| **Total** | **${failures.length}** | **${review.length}** | **${waived.length}** |`, '');

  const sections: { title: string; sections: Section[] }[] = [
    { title: '### Failures', sections: failureSections(failures) },
    {
      title: '',
      sections: flatSection(`### Needs review (${review.length})`, review, [
        'finding that needs review',
        'findings that need review',
      ]),
    },
    {
      title: '',
      sections: flatSection(`### Waived (${waived.length})`, waived, ['waived finding', 'waived findings']),
    },
  ];

  let text = head.join('\n');
  if (findings.length === 0) return `${text}\nNo findings.\n`;
  const parts = sections.map(chunksOf);
  const size = (chunks: readonly Chunk[]) => chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  const budget = limit - RESERVE;
  // Needs-review and waived findings keep up to a quarter of the room, so a long failure list cannot hide them.
  const later = Math.min(size(parts[1]) + size(parts[2]), Math.floor((budget - text.length) / 4));
  const omitted = new Map<Section['noun'], number>();
  parts.forEach((chunks, index) => {
    const room = index === 0 ? budget - later : budget;
    let full = false;
    for (const chunk of chunks) {
      // Headings travel with the first item under them, so none is left dangling; once one item does not fit,
      // the rest of the part is counted rather than shown (keeping the order: most severe first).
      full ||= text.length + chunk.text.length > room;
      if (!full) text += chunk.text;
      else omitted.set(chunk.noun, (omitted.get(chunk.noun) ?? 0) + 1);
    }
  });
  if (omitted.size > 0) {
    const counts = [...omitted].map(([noun, count]) => plural(count, noun));
    text += `\n_… and ${counts.join(', ')} not shown (${limit.toLocaleString('en-US')}-character limit); see the SARIF or JSON report for all of them._\n`;
  }
  return text.length <= limit ? text : text.slice(0, limit);
}

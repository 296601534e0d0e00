// JUnit XML for CI test tabs (Azure DevOps "Publish Test Results", GitLab, Jenkins). One <testsuite> per rule, one
// <testcase> per finding: classname = rule id, name = resource name with its file and address (the resource id for
// live state), so counts always equal the JSON findings. When a rule reports several values of one resource, the
// evidence path is appended to keep names unique.
// Outcomes, chosen for Azure DevOps semantics (failure -> Failed, skipped -> Not executed, neither -> Passed):
// - fail    -> <failure type="<severity>">: fails the task when failTaskOnFailedTests is set, like exit code 1.
// - unknown -> <skipped message="Needs review: ...">: it is not a failure (exit codes never count it) but must stay
//              visible rather than pass.
// - waived  -> <skipped message="Waived: <reason; expiry; ticket; approver>">: accepted risk, shown, not failed.
// - a failure known from --baseline -> <skipped message="Known from the baseline: ...">, as the exit code ignores
//   it; an expired waiver does not waive, so that finding is a <failure> that names the waiver.
// - pass    -> an empty <testcase> (only with --include-passed).
// Written by hand: escaping text and attributes (and dropping characters XML 1.0 forbids) is all it takes.
import { hipaaTitle } from '../core/hipaa.js';
import type { Finding } from '../core/types.js';
import { isBaselined, type ReportContext, valueText, waiverOf, waiverText } from './context.js';
import { RULE_DOCS_BASE } from './sarif.js';

/** Characters outside XML 1.0's Char production (controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD. */
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(text: string): string {
  return text.replace(NOT_XML_CHAR, '\uFFFD').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Attribute values also escape quotes, and keep tabs and line breaks (which parsers would normalise to spaces). */
export function xmlAttribute(text: string): string {
  return xmlText(text)
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    .replaceAll('\t', '&#9;')
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;');
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

function caseName(finding: Finding): string {
  const { resource, location } = finding;
  // Live and snapshot resources are addressed by their id; template resources by file and address.
  if (!location || resource.address === resource.id) return `${resource.name} (${resource.id})`;
  return `${resource.name} (${location.file}#${resource.address})`;
}

function details(finding: Finding): string {
  const { resource, location, evidence } = finding;
  const lines = [
    `Rule: ${finding.ruleId} ${finding.title}`,
    `Severity: ${finding.severity}`,
    `HIPAA: ${finding.hipaa.map((cite) => `${cite} ${hipaaTitle(cite)}`).join('; ')}`,
    `Resource: ${resource.name} (${resource.type})`,
    `Resource id: ${resource.id}`,
    `Location: ${location ? `${location.file}:${location.line}:${location.column}` : '(live state, no file)'}`,
    `Evidence: ${evidence.path} = ${valueText(evidence.actual)}${evidence.expected === null ? '' : ` (expected ${evidence.expected})`}`,
  ];
  if (finding.labels?.length) lines.push(`Labels: ${finding.labels.join(', ')}`);
  const waiver = waiverOf(finding);
  if (waiver) lines.push(`Waiver: ${waiverText(waiver)}${waiver.at ? ` (${waiver.at})` : ''}`);
  if (isBaselined(finding)) lines.push('Baseline: known before (not judged by --fail-on)');
  lines.push(`Fingerprint: ${finding.fingerprint}`, `Docs: ${RULE_DOCS_BASE}${finding.ruleId}.md`);
  return lines.join('\n');
}

/** A <failure> is what the exit code judges: a failure not known from the baseline. */
function fails(finding: Finding): boolean {
  return finding.status === 'fail' && !isBaselined(finding);
}

interface Counts {
  tests: number;
  failures: number;
  skipped: number;
}

function count(findings: readonly Finding[]): Counts {
  return {
    tests: findings.length,
    failures: findings.filter(fails).length,
    skipped: findings.filter((f) => f.status !== 'pass' && !fails(f)).length,
  };
}

function testcase(finding: Finding, name: string): string {
  const open = `    <testcase${attributes({
    classname: finding.ruleId,
    name,
    file: finding.location?.file,
    line: finding.location?.line,
    time: 0,
  })}`;
  if (finding.status === 'pass') return `${open}/>`;
  let outcome: string;
  if (fails(finding)) {
    outcome = `<failure${attributes({ message: finding.message, type: finding.severity })}>${xmlText(details(finding))}</failure>`;
  } else {
    const reason =
      finding.status === 'waived'
        ? `Waived: ${waiverText(waiverOf(finding))}`
        : finding.status === 'fail'
          ? `Known from the baseline: ${finding.message}`
          : /^needs review/i.test(finding.message)
            ? finding.message
            : `Needs review: ${finding.message}`;
    outcome = `<skipped${attributes({ message: reason })}/>\n      <system-out>${xmlText(details(finding))}</system-out>`;
  }
  return `${open}>\n      ${outcome}\n    </testcase>`;
}

export function renderJunit(findings: readonly Finding[], context: ReportContext): string {
  const titles = new Map(context.rules.map((rule) => [rule.id, rule.title]));
  const suites = new Map<string, Finding[]>();
  for (const finding of findings) {
    const list = suites.get(finding.ruleId);
    if (list) list.push(finding);
    else suites.set(finding.ruleId, [finding]);
  }
  const total = count(findings);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'phiguard', ...total, errors: 0, time: 0, timestamp: context.scannedAt })}>`,
  ];
  for (const [ruleId, list] of suites) {
    const counts = count(list);
    const title = titles.get(ruleId) ?? list[0].title;
    out.push(
      `  <testsuite${attributes({ name: `${ruleId}: ${title}`, ...counts, errors: 0, time: 0, timestamp: context.scannedAt })}>`,
      `    <properties>${[
        ['severity', list[0].severity],
        ['hipaa', list[0].hipaa.join(', ')],
        ['phiguard.version', context.tool.version],
      ]
        .map(([name, value]) => `<property${attributes({ name, value })}/>`)
        .join('')}</properties>`,
    );
    const names = new Map<string, number>();
    for (const finding of list) names.set(caseName(finding), (names.get(caseName(finding)) ?? 0) + 1);
    const used = new Map<string, number>();
    for (const finding of list) {
      let name = caseName(finding);
      if ((names.get(name) ?? 0) > 1) name = `${name} [${finding.evidence.path}]`;
      // Two findings on the very same path (rare) are numbered rather than merged, keeping counts exact.
      const seen = (used.get(name) ?? 0) + 1;
      used.set(name, seen);
      out.push(testcase(finding, seen > 1 ? `${name} #${seen}` : name));
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

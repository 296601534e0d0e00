import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Finding, SEVERITIES, type Severity } from '../../src/core/types.js';
import { code, escapeMarkdown, GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/report/markdown.js';
import { context, finding } from './helpers.js';

function many(count: number, overrides: Partial<Finding> = {}): Finding[] {
  return Array.from({ length: count }, (_, i) =>
    finding({
      severity: SEVERITIES[i % 4] as Severity,
      message: `Finding number ${i} with a reasonably long explanation of what is wrong and why it matters for PHI`,
      location: { file: `infra/module-${i}.json`, line: i + 1, column: 3 },
      ...overrides,
    }),
  );
}

/** How many items (one per finding) the text lists. */
function items(text: string): number {
  return text.split('\n').filter((line) => line.startsWith('- **')).length;
}

describe('Markdown reporter', () => {
  it('summarises by severity, then groups failures by severity and HIPAA section', () => {
    const text = renderMarkdown(
      [
        finding({ severity: 'critical', ruleId: 'PHI-STG-001', hipaa: ['164.312(a)(1)'] }),
        finding({ severity: 'high' }),
        finding({ severity: 'high', hipaa: ['164.312(b)'] }),
        finding({ status: 'unknown', severity: 'medium', message: 'depends on a parameter' }),
      ],
      context(),
    );
    assert.match(text, /❌ \*\*fail\*\*: 3 failures \(3 at or above high/);
    assert.match(text, /\| High \| 2 \| 0 \| 0 \|/);
    assert.match(text, /\| Medium \| 0 \| 1 \| 0 \|/);
    assert.match(text, /\| \*\*Total\*\* \| \*\*3\*\* \| \*\*1\*\* \| \*\*0\*\* \|/);
    const order = [
      '#### Critical (1)',
      '164.312(a)(1) Access control',
      '#### High (2)',
      '164.312(b) Audit controls',
      '164.312(e)(1) Transmission security',
      '### Needs review (1)',
    ];
    const positions = order.map((heading) => text.indexOf(heading));
    assert.ok(
      positions.every((p) => p >= 0),
      JSON.stringify(positions),
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
    );
    assert.equal(items(text), 4);
    assert.doesNotMatch(text, /not shown/);
  });

  it('caps a huge report at the GitHub comment limit and says how many are left out', () => {
    const findings = [...many(3000), ...many(40, { status: 'unknown' })];
    const text = renderMarkdown(findings, context());
    assert.ok(text.length <= GITHUB_COMMENT_LIMIT, `${text.length}`);
    assert.ok(text.length > GITHUB_COMMENT_LIMIT - 2000, 'the room is used');
    const note = /_… and (\d+) failures(?:, (\d+) findings that need review)? not shown/.exec(text);
    assert.ok(note, text.slice(-300));
    const shown = items(text);
    assert.equal(shown + Number(note[1]) + Number(note[2] ?? 0), findings.length);
    assert.match(text, /### Needs review \(40\)/, 'a long failure list does not hide what needs review');
    assert.ok(text.indexOf('### Needs review') < text.indexOf('_… and'));
  });

  it('honours a smaller limit, keeps the summary, and never leaves a heading without items', () => {
    const text = renderMarkdown(many(50), { ...context(), maxLength: 3000 });
    assert.ok(text.length <= 3000);
    assert.match(text, /\| \*\*Total\*\* \| \*\*50\*\*/);
    const lines = text.trimEnd().split('\n');
    const last = lines.map((line) => line.startsWith('- **')).lastIndexOf(true);
    for (const line of lines.slice(last + 1)) assert.doesNotMatch(line, /^#|^\*\*/, 'heading after the last item');
    assert.match(text, new RegExp(`_… and ${50 - items(text)} failures not shown \\(3,000-character limit\\)`));
  });

  it('escapes what the sources control: no HTML, links or mentions from a template', () => {
    const name = 'st`x`<img src=x onerror=alert(1)>';
    const message = '<script>alert(1)</script> [click](https://evil) @octo-org/admins *bold* | pipe';
    const text = renderMarkdown([finding({ message, resource: { ...finding().resource, name } })], context());
    // Outside code spans (which render literally), no raw < and no unescaped [ that could open a link.
    const prose = text.replace(code(name), '').replace(/`[^`\n]*`/g, '');
    assert.doesNotMatch(prose, /(^|[^\\])</m);
    assert.ok(prose.includes('\\<script\\>alert(1)\\</script\\> \\[click\\](https://evil)'));
    assert.doesNotMatch(text, /@octo-org/, 'mentions are broken up');
    assert.ok(text.includes(code(name)));
    assert.equal(code('a`b'), '``a`b``');
    assert.equal(code('`a'), '`` `a ``');
    assert.equal(escapeMarkdown('a\nb *c*'), 'a b \\*c\\*');
  });

  it('says when the scan passed, was incomplete, or ran without a config', () => {
    assert.match(renderMarkdown([], context()), /✅ \*\*pass\*\*: 0 failures[\s\S]*No findings\./);
    const low = renderMarkdown([finding({ severity: 'low' })], context());
    assert.match(low, /✅ \*\*pass\*\*: 1 failure \(0 at or above high/);
    const incomplete = renderMarkdown([], context({ incomplete: true, emergencyMode: true }));
    assert.match(incomplete, /⚠️ \*\*incomplete\*\*/);
    assert.match(incomplete, /> \[!WARNING\]\n> The scan is incomplete/);
    assert.match(incomplete, /every resource was treated as PHI/);
  });

  it('judges only new failures against --fail-on when a baseline was applied', () => {
    const known = finding({ severity: 'critical', baselined: true } as Partial<Finding>);
    const text = renderMarkdown([known, finding({ severity: 'low' })], context({ baseline: true }));
    assert.match(
      text,
      /✅ \*\*pass\*\*: 2 failures \(0 new at or above high, the --fail-on threshold\), 1 known from the baseline/,
    );
    assert.match(text, /· baselined\n/);
    const expired = { reason: 'old', expires: '2020-01-01', source: 'file', at: 'w:1', state: 'expired' };
    const back = renderMarkdown([finding({ waiver: expired } as Partial<Finding>)], context());
    assert.match(back, /❌[\s\S]*Waiver: old; expires 2020-01-01; expired, so not applied/);
  });

  it('lists waived findings with their waiver', () => {
    const text = renderMarkdown(
      [
        finding({
          status: 'waived',
          waiver: { reason: 'vendor appliance', expires: '2026-06-30', source: 'file', at: 'w:1', state: 'active' },
        } as Partial<Finding>),
      ],
      context(),
    );
    assert.match(text, /### Waived \(1\)/);
    assert.match(text, /Waiver: vendor appliance; expires 2026-06-30/);
  });
});

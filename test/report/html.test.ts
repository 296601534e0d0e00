// The HTML report as a string: summary numbers, escaping, the data block and its field order, the CSP. What it does
// in a browser (accessibility, keyboard, lazy rendering, print) is in html-browser.test.ts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/types.js';
import { CLIENT_JS, STRIDE } from '../../src/report/html/client.js';
import { CSS } from '../../src/report/html/style.js';
import { escapeHtml, type HtmlContext, renderHtml, scriptJson } from '../../src/report/html.js';
import { context, finding } from './helpers.js';

function htmlContext(overrides: Partial<HtmlContext> = {}): HtmlContext {
  const base = context();
  return {
    tool: base.tool,
    scannedAt: base.scannedAt,
    failOn: base.failOn,
    incomplete: false,
    emergencyMode: false,
    rules: base.rules,
    configSource: '.phiguard.yaml',
    files: { 'arm-template': 3, 'arm-parameters': 1, snapshot: 1, unrecognized: 2 },
    resources: 40,
    verdicts: { pass: 17, fail: 5, unknown: 1, 'not-applicable': 9 },
    problems: [],
    ...overrides,
  };
}

/** The text of `<script ... id="ID">` up to its closing tag. */
function scriptBlock(html: string, id: string): string {
  const open = `<script type="application/json" id="${id}">`;
  const start = html.indexOf(open);
  assert.ok(start >= 0, `no ${id} block`);
  return html.slice(start + open.length, html.indexOf('</script>', start));
}

/** The table whose caption starts with `caption`, as rows of cell texts (tags stripped, entities decoded). */
function table(html: string, caption: string): string[][] {
  const start = html.indexOf(`<caption>${caption}`);
  assert.ok(start >= 0, `no table "${caption}"`);
  const body = html.slice(html.indexOf('<tbody>', start), html.indexOf('</tbody>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    ),
  );
}

interface Decoded {
  ruleId: string;
  status: string;
  severity: string;
  title: string;
  message: string;
  hipaa: string[];
  resource: { id: string; type: string; name: string; address: string };
  location: { file: string; line: number; column: number } | null;
  evidence: { path: string; actual: string | null; expected: string | null };
  fingerprint: string;
  labels: string[] | undefined;
  waiver: (string | null)[] | null;
  phi: boolean;
  baselined: boolean;
}

/** Reads the data block with the field order the client declares (its F_* constants), as the client does. */
function decode(html: string): Decoded[] {
  const fields = Object.fromEntries(
    [...CLIENT_JS.matchAll(/\b(F_[A-Z]+) = (\d+)/g)].map((match) => [match[1], Number(match[2])]),
  );
  assert.equal(Object.keys(fields).length, STRIDE, 'one F_* constant per field');
  const data = JSON.parse(scriptBlock(html, 'phiguard-data')) as {
    s: string[];
    f: number[];
    rules: number[][];
    res: number[][];
    lists: number[][];
    w: number[][];
  };
  const str = (id: number) => (id < 0 ? null : data.s[id]);
  const out: Decoded[] = [];
  for (let o = 0; o < data.f.length; o += STRIDE) {
    const at = (name: string) => data.f[o + fields[name]];
    const resource = data.res[at('F_RES')];
    out.push({
      ruleId: data.s[data.rules[at('F_RULE')][0]],
      status: ['fail', 'unknown', 'waived', 'pass'][at('F_STATUS')],
      severity: ['critical', 'high', 'medium', 'low', 'info'][at('F_SEV')],
      title: data.s[at('F_TITLE')],
      message: data.s[at('F_MSG')],
      hipaa: data.lists[at('F_CITES')].map((id) => data.s[id]),
      resource: {
        id: data.s[resource[0]],
        type: data.s[resource[1]],
        name: data.s[resource[2]],
        address: data.s[resource[3]],
      },
      location: at('F_FILE') < 0 ? null : { file: data.s[at('F_FILE')], line: at('F_LINE'), column: at('F_COL') },
      evidence: { path: data.s[at('F_PATH')], actual: str(at('F_ACTUAL')), expected: str(at('F_EXPECTED')) },
      fingerprint: data.s[at('F_FP')],
      labels: at('F_LABELS') < 0 ? undefined : data.lists[at('F_LABELS')].map((id) => data.s[id]),
      waiver: at('F_WAIVER') < 0 ? null : data.w[at('F_WAIVER')].map(str),
      phi: (at('F_FLAGS') & 1) === 1,
      baselined: (at('F_FLAGS') & 2) === 2,
    });
  }
  return out;
}

const HOSTILE = '</script><script>window.__pwned = 1</script><!-- <img src=x onerror="window.__pwned = 2">';

describe('HTML report', () => {
  it('summarises by severity, by HIPAA section with R/A and by failure pattern, in tables beside the charts', () => {
    const findings = [
      finding({ ruleId: 'PHI-STG-004', severity: 'high', hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'] }),
      finding({ ruleId: 'PHI-STG-004', severity: 'high', hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'] }),
      finding({ ruleId: 'PHI-NET-001', severity: 'critical', hipaa: ['164.312(a)(1)', '164.312(e)(1)'] }),
      finding({ ruleId: 'PHI-KV-001', status: 'unknown', severity: 'medium', hipaa: ['164.312(a)(2)(iv)'] }),
      finding({ ruleId: 'PHI-LOG-001', status: 'waived', severity: 'medium', hipaa: ['164.312(b)'] }),
    ];
    const html = renderHtml(findings, htmlContext());

    assert.deepEqual(table(html, 'Findings by severity'), [
      ['Critical', '1', '0', '0'],
      ['High', '2', '0', '0'],
      ['Medium', '0', '1', '1'],
      ['Low', '0', '0', '0'],
      ['Info', '0', '0', '0'],
    ]);
    const sections = table(html, 'Findings by HIPAA section');
    assert.deepEqual(
      sections.map((row) => row.slice(0, 6)),
      [
        ['164.312(a)(1)', 'Access control', 'Required (R)', '1', '0', '0'],
        ['164.312(a)(2)(iv)', 'Encryption and decryption', 'Addressable (A)', '0', '1', '0'],
        ['164.312(b)', 'Audit controls', 'Required (R)', '0', '0', '1'],
        ['164.312(e)(1)', 'Transmission security', 'Required (R)', '3', '0', '0'],
        ['164.312(e)(2)(ii)', 'Encryption', 'Addressable (A)', '2', '0', '0'],
      ],
    );
    // Patterns come from the rule metadata: STG-004 is pattern 1 (at rest), NET-001 pattern 2, KV-001 7, LOG-001 5.
    const patterns = table(html, 'Findings by seed failure pattern');
    assert.equal(patterns.length, 8);
    const byPattern = Object.fromEntries(patterns.map((row) => [row[0].split('.')[0], row.slice(1, 4)]));
    assert.deepEqual(byPattern['1'], ['2', '0', '0']);
    assert.deepEqual(byPattern['2'], ['1', '0', '0']);
    assert.deepEqual(byPattern['5'], ['0', '0', '1']);
    assert.deepEqual(byPattern['7'], ['0', '1', '0']);
    assert.match(html, /<strong class="fail">Gate failed<\/strong>: 3 failure\(s\) at or above high/);
    assert.match(html, /3 failed, 1 need review, 1 waived/);
    assert.match(html, /Files: 3 ARM templates, 1 ARM parameter file, 1 snapshot\./);
  });

  it('draws each chart as an image with a title and a description that gives every number', () => {
    const html = renderHtml(
      [finding({ severity: 'critical' }), finding({ severity: 'low' }), finding({ severity: 'low' })],
      htmlContext(),
    );
    const charts = [...html.matchAll(/<svg role="img" aria-labelledby="([^"]+)"[\s\S]*?<\/svg>/g)];
    assert.equal(charts.length, 3);
    for (const chart of charts) {
      for (const id of chart[1].split(' ')) assert.match(chart[0], new RegExp(`id="${id}"`));
    }
    assert.match(charts[0][0], /<title id="chart-sev-t">Failures by severity<\/title>/);
    assert.match(charts[0][0], /<desc id="chart-sev-d">Critical: 1; High: 0; Medium: 0; Low: 2; Info: 0<\/desc>/);
  });

  it('shows the emergency-mode and incomplete banners and lists scan problems, escaped', () => {
    const quiet = renderHtml([], htmlContext());
    assert.doesNotMatch(quiet, /Emergency mode/);
    assert.doesNotMatch(quiet, /Scan incomplete/);
    assert.doesNotMatch(quiet, /id="problems"/);
    const html = renderHtml(
      [],
      htmlContext({
        emergencyMode: true,
        incomplete: true,
        problems: [
          { kind: 'parse-error', file: 'infra/<bad>.json', line: 3, column: 7, message: 'unexpected "<" here' },
        ],
      }),
    );
    assert.match(html, /<h2 id="emergency-h">Emergency mode<\/h2>/);
    assert.match(html, /<h2 id="incomplete-h">Scan incomplete<\/h2>/);
    assert.deepEqual(table(html, 'Inputs phiguard could not fully read'), [
      ['parse-error', 'infra/<bad>.json:3:7', 'unexpected "<" here'],
    ]);
    assert.match(html, /infra\/&lt;bad&gt;\.json:3:7/);
  });

  it('embeds every finding field in the data block, in the order the client reads', () => {
    const findings: Finding[] = [
      finding({ labels: ['exposed', 'latent'], phi: false }),
      finding({
        status: 'unknown',
        location: null,
        evidence: { path: 'properties.minimumTlsVersion', actual: "[parameters('tls')]", expected: null },
      }),
      Object.assign(finding({ status: 'waived', evidence: { path: 'properties.x', actual: null, expected: 'y' } }), {
        waiver: {
          reason: 'Compensating control',
          expires: '2027-01-31',
          ticket: 'SEC-1',
          approver: 'ciso',
          source: 'file',
          at: '.phiguard/waivers.yaml:4',
          state: 'active',
        },
      }),
      Object.assign(finding({ evidence: { path: 'properties.n', actual: { a: [1, 2] }, expected: 'b' } }), {
        baselined: true,
      }),
    ];
    const decoded = decode(renderHtml(findings, htmlContext()));
    assert.equal(decoded.length, findings.length);
    findings.forEach((f, i) => {
      const d = decoded[i];
      assert.equal(d.ruleId, f.ruleId);
      assert.equal(d.status, f.status);
      assert.equal(d.severity, f.severity);
      assert.equal(d.title, f.title);
      assert.equal(d.message, f.message);
      assert.deepEqual(d.hipaa, f.hipaa);
      assert.deepEqual(d.resource, f.resource);
      assert.deepEqual(d.location, f.location);
      assert.equal(d.evidence.path, f.evidence.path);
      assert.equal(d.evidence.expected, f.evidence.expected);
      assert.equal(d.fingerprint, f.fingerprint);
      assert.deepEqual(d.labels, f.labels);
      assert.equal(d.phi, f.phi);
    });
    assert.equal(decoded[1].evidence.actual, "[parameters('tls')]");
    assert.equal(decoded[2].evidence.actual, null, 'absent stays absent');
    assert.equal(decoded[3].evidence.actual, '{"a":[1,2]}');
    assert.deepEqual(decoded[2].waiver, [
      'Compensating control',
      '2027-01-31',
      'SEC-1',
      'ciso',
      'file',
      '.phiguard/waivers.yaml:4',
      'active',
    ]);
    assert.equal(decoded[0].waiver, null);
    assert.deepEqual(
      decoded.map((d) => d.baselined),
      [false, false, false, true],
    );
  });

  it('interns repeated strings, so the data block is far smaller than the JSON findings', () => {
    const findings = Array.from({ length: 2000 }, (_, i) =>
      finding({ location: { file: `infra/m${i % 20}.json`, line: i + 1, column: 3 } }),
    );
    const block = scriptBlock(renderHtml(findings, htmlContext()), 'phiguard-data');
    assert.ok(
      block.length < JSON.stringify(findings).length / 3,
      `${block.length} vs ${JSON.stringify(findings).length}`,
    );
  });

  it('escapes finding text everywhere: nothing from a user file can close the data block or add markup', () => {
    const findings = [
      finding({
        title: `Title ${HOSTILE}`,
        message: HOSTILE,
        resource: { id: `/x/${HOSTILE}`, type: 'Microsoft.Storage/storageAccounts', name: HOSTILE, address: HOSTILE },
        location: { file: `infra/${HOSTILE}.json`, line: 1, column: 1 },
        evidence: { path: 'properties.a', actual: HOSTILE, expected: HOSTILE },
        labels: [HOSTILE],
      }),
    ];
    const html = renderHtml(
      findings,
      htmlContext({ configSource: HOSTILE, problems: [{ kind: 'warning', file: HOSTILE, message: HOSTILE }] }),
    );
    // Exactly three script elements (index, client, data), each closed once; no comment opened by the data.
    assert.equal(html.match(/<script/gi)?.length, 3);
    assert.equal(html.match(/<\/script/gi)?.length, 3);
    assert.doesNotMatch(html, /<!--/);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /window\.__pwned = 1<\/script>/);
    // The strings survive intact inside the data block and the escaped option and table text.
    const data = JSON.parse(scriptBlock(html, 'phiguard-data')) as { s: string[] };
    assert.ok(data.s.includes(HOSTILE));
    assert.match(html, /<option value="PHI-STG-004">PHI-STG-004 Title &lt;\/script&gt;&lt;script&gt;/);
  });

  it('escapes < and line separators in script JSON and & < > " \' in HTML text', () => {
    assert.equal(scriptJson({ a: '</script>\u2028' }), '{"a":"\\u003c/script>\\u2028"}');
    assert.deepEqual(JSON.parse(scriptJson({ a: '</script>\u2028' })), { a: '</script>\u2028' });
    assert.equal(escapeHtml(`<a href="x" title='y'>&`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;');
  });

  it('allows only its own script and stylesheet (by hash) and no network', () => {
    const html = renderHtml([finding()], htmlContext());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const inlineScript = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const inlineStyle = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    assert.equal(inlineScript, CLIENT_JS);
    assert.equal(inlineStyle, CSS);
    assert.match(csp, /^default-src 'none';/);
    assert.ok(csp.includes(`script-src ${hash(inlineScript)};`), csp);
    assert.ok(csp.includes(`style-src ${hash(inlineStyle)};`), csp);
  });

  it('puts the first view in the index block: default-filter counts per HIPAA section, passed findings hidden', () => {
    const findings = [
      finding({ hipaa: ['164.312(e)(1)'], severity: 'critical' }),
      finding({ hipaa: ['164.312(e)(1)', '164.312(b)'], status: 'unknown', severity: 'medium' }),
      finding({ hipaa: ['164.312(a)(1)'], status: 'pass', severity: 'low' }),
    ];
    const index = JSON.parse(scriptBlock(renderHtml(findings, htmlContext()), 'phiguard-index'));
    assert.equal(index.total, 3);
    assert.equal(index.matched, 2);
    assert.deepEqual(index.groups, [
      ['164.312(b)', 1, [0, 1, 0, 0], [0, 0, 0, 0, 0]],
      ['164.312(e)(1)', 2, [1, 1, 0, 0], [1, 0, 0, 0, 0]],
    ]);
    // With only passed findings, they are what the report shows.
    const passes = JSON.parse(scriptBlock(renderHtml([findings[2]], htmlContext()), 'phiguard-index'));
    assert.equal(passes.matched, 1);
  });
});

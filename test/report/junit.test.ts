import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/types.js';
import { renderJunit, xmlAttribute, xmlText } from '../../src/report/junit.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { runScan } from '../../src/scan/run.js';
import { context, elements, finding, parseXml, ROOT, type XmlElement } from './helpers.js';

function cases(root: XmlElement): XmlElement[] {
  return elements(root, 'testsuite').flatMap((suite) => elements(suite, 'testcase'));
}

function text(node: XmlElement): string {
  return node.children.map((c) => (typeof c === 'string' ? c : text(c))).join('');
}

describe('JUnit reporter', () => {
  it('is checked by a parser that rejects XML that is not well-formed', () => {
    for (const bad of [
      '<a>&</a>',
      '<a><b></a>',
      '<a x="1" x="2"/>',
      '<a>\u0001</a>',
      '<a/><b/>',
      '<a x="<"/>',
      '<a>&nbsp;</a>',
    ]) {
      assert.throws(() => parseXml(bad), Error, bad);
    }
    assert.deepEqual(parseXml('<?xml version="1.0"?>\n<a x="&#10;&amp;">t&lt;</a>\n'), {
      name: 'a',
      attributes: { x: '\n&' },
      children: ['t<'],
    });
  });

  it('has one testcase per finding, failures for fail and skipped for needs review and waived', () => {
    const findings = [
      finding(),
      finding({ evidence: { path: 'properties.supportsHttpsTrafficOnly', actual: false, expected: 'true' } }),
      finding({ ruleId: 'PHI-NET-004', status: 'unknown', message: 'depends on a parameter' }),
      finding({
        ruleId: 'PHI-NET-004',
        status: 'waived',
        waiver: {
          reason: 'migration window',
          expires: '2026-03-01',
          ticket: 'SEC-12',
          source: 'file',
          at: 'w:1',
          state: 'active',
        },
      } as Partial<Finding>),
      finding({ ruleId: 'PHI-KV-001', status: 'pass' }),
    ];
    const root = parseXml(renderJunit(findings, context()));
    assert.equal(root.name, 'testsuites');
    assert.deepEqual(
      [root.attributes.tests, root.attributes.failures, root.attributes.skipped, root.attributes.errors],
      ['5', '2', '2', '0'],
    );
    const suites = elements(root, 'testsuite');
    assert.deepEqual(
      suites.map((s) => [
        s.attributes.name.split(':')[0],
        s.attributes.tests,
        s.attributes.failures,
        s.attributes.skipped,
      ]),
      [
        ['PHI-STG-004', '2', '2', '0'],
        ['PHI-NET-004', '2', '0', '2'],
        ['PHI-KV-001', '1', '0', '0'],
      ],
    );
    const all = cases(root);
    assert.equal(all.length, findings.length);
    assert.deepEqual(
      all.map((c) => c.attributes.classname),
      findings.map((f) => f.ruleId),
    );
    const names = all.map((c) => c.attributes.name);
    const keys = all.map((c) => `${c.attributes.classname} ${c.attributes.name}`);
    assert.equal(new Set(keys).size, keys.length, 'several findings of one rule on one resource get distinct names');
    assert.match(names[3], / #2$/, 'the same path twice is numbered');
    assert.match(names[0], /^phistore \(infra\/main\.json#resources\[0\]\) \[properties\.minimumTlsVersion\]$/);
    const [failure] = elements(all[0], 'failure');
    assert.equal(failure.attributes.type, 'high');
    assert.match(text(failure), /HIPAA: 164\.312\(e\)\(1\) Transmission security/);
    assert.match(elements(all[2], 'skipped')[0].attributes.message, /^Needs review: /);
    assert.equal(
      elements(all[3], 'skipped')[0].attributes.message,
      'Waived: migration window; expires 2026-03-01; ticket SEC-12',
    );
    assert.equal(all[4].children.length, 0, 'a pass is an empty testcase');
  });

  it('stays well-formed with markup, quotes, line breaks and characters XML forbids in the sources', () => {
    const nasty = 'a <b> & "c" \'d\'\n]]> \u0000\u0008\u001b \ud800 end';
    const root = parseXml(
      renderJunit(
        [finding({ message: nasty, resource: { ...finding().resource, name: nasty }, title: nasty })],
        context(),
      ),
    );
    const [testcase] = cases(root);
    assert.equal(testcase.attributes.name.split(' (')[0], 'a <b> & "c" \'d\'\n]]> \ufffd\ufffd\ufffd \ufffd end');
    assert.equal(elements(testcase, 'failure')[0].attributes.message, testcase.attributes.name.split(' (')[0]);
    assert.equal(xmlText('<&>'), '&lt;&amp;&gt;');
    assert.equal(xmlAttribute('"\t\r'), '&quot;&#9;&#13;');
  });

  it('skips failures known from the baseline and fails one whose waiver expired, naming the waiver', () => {
    const expired = { reason: 'old', expires: '2020-01-01', source: 'file', at: 'waivers.yaml:3', state: 'expired' };
    const root = parseXml(
      renderJunit(
        [finding({ baselined: true } as Partial<Finding>), finding({ waiver: expired } as Partial<Finding>)],
        context({ baseline: true }),
      ),
    );
    assert.deepEqual([root.attributes.tests, root.attributes.failures, root.attributes.skipped], ['2', '1', '1']);
    const [known, back] = cases(root);
    assert.match(elements(known, 'skipped')[0].attributes.message, /^Known from the baseline: /);
    assert.match(
      text(elements(back, 'failure')[0]),
      /Waiver: old; expires 2020-01-01; expired, so not applied \(waivers\.yaml:3\)/,
    );
  });

  it('writes an empty but valid document when there is nothing to report', () => {
    const root = parseXml(renderJunit([], context()));
    assert.equal(root.attributes.tests, '0');
    assert.equal(elements(root, 'testsuite').length, 0);
  });

  it('counts equal the findings of the example estate', async () => {
    const estate = join(ROOT, 'examples/contoso-health');
    const config = parseConfig(readFileSync(join(estate, '.phiguard.yaml'), 'utf8'), '.phiguard.yaml');
    const findings: Finding[] = [];
    await runScan({ paths: [estate], config, rules: RULES, onFinding: (f) => findings.push(f) });
    const root = parseXml(renderJunit(findings, context()));
    const count = (status: string) => findings.filter((f) => f.status === status).length;
    assert.equal(Number(root.attributes.tests), findings.length);
    assert.equal(Number(root.attributes.failures), count('fail'));
    assert.equal(Number(root.attributes.skipped), count('unknown') + count('waived'));
    const all = cases(root);
    assert.equal(all.length, findings.length);
    const suiteSum = elements(root, 'testsuite').reduce((sum, s) => sum + Number(s.attributes.tests), 0);
    assert.equal(suiteSum, findings.length);
    const keys = all.map((c) => `${c.attributes.classname}\u0000${c.attributes.name}`);
    assert.equal(new Set(keys).size, keys.length, 'testcase identities are unique');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/types.js';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../src/report/csv.js';
import { finding, parseCsv } from './helpers.js';

function records(findings: Finding[]): Record<string, string>[] {
  const [header, ...rows] = parseCsv(renderCsv(findings));
  assert.deepEqual(header, [...CSV_COLUMNS]);
  for (const row of rows) assert.equal(row.length, header.length);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

describe('CSV reporter', () => {
  it('writes one row per finding with HIPAA citations in their own column', () => {
    const findings = [
      finding(),
      finding({ status: 'unknown', location: null, evidence: { path: 'p', actual: null, expected: null } }),
      finding({
        status: 'waived',
        waiver: {
          reason: 'vendor, "legacy"',
          expires: '2026-12-31',
          ticket: 'SEC-1',
          approver: 'CISO',
          source: 'file',
          at: 'w:1',
          state: 'active',
        },
      } as Partial<Finding>),
    ];
    const rows = records(findings);
    assert.equal(rows.length, 3);
    assert.equal(rows[0].hipaa, '164.312(e)(1); 164.312(e)(2)(ii)');
    assert.equal(rows[0].file, 'infra/main.json');
    assert.equal(rows[0].line, '12');
    assert.equal(rows[0].actual, 'TLS1_0');
    assert.equal(rows[1].file, '');
    assert.equal(rows[1].actual, '(absent)');
    assert.equal(rows[2].waiver_reason, 'vendor, "legacy"');
    assert.equal(rows[2].waiver_approver, 'CISO');
    assert.equal(rows[2].waiver_state, 'active');
    assert.deepEqual(
      rows.map((r) => r.baselined),
      ['false', 'false', 'false'],
    );
    assert.deepEqual(
      rows.map((r) => r.fingerprint),
      findings.map((f) => f.fingerprint),
    );
  });

  it('round-trips quotes, commas and line breaks (RFC 4180, CRLF records)', () => {
    const message = 'Rule "Allow-All", priority 100\nsecond line\r\nthird';
    const actual = { ports: ['22', '3389'], note: 'a,b' };
    const subject = finding({ message, evidence: { path: 'x', actual, expected: 'none' } });
    const text = renderCsv([subject]);
    // header CRLF, the record with one CRLF inside quotes, its closing CRLF: four pieces, the last empty
    assert.equal(text.split('\r\n').length, 4);
    assert.ok(text.endsWith('\r\n'));
    const [row] = records([subject]);
    assert.equal(row.message, message);
    assert.deepEqual(JSON.parse(row.actual), actual);
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    const payloads = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const rows = records(
      payloads.map((p) => finding({ message: p, resource: { ...finding().resource, name: p }, title: p })),
    );
    rows.forEach((row, i) => {
      for (const column of ['message', 'resource_name', 'title'] as const) {
        assert.equal(row[column], `'${payloads[i]}`, `${column} of ${JSON.stringify(payloads[i])}`);
      }
    });
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell('a=b'), 'a=b', 'only a leading character is dangerous');
    assert.equal(csvCell('=x,y'), `"'=x,y"`);
  });

  it('writes only the header when there are no findings', () => {
    assert.equal(renderCsv([]), `${CSV_COLUMNS.join(',')}\r\n`);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agreement, formatReport, loadDivergences, scoreCorpus, summarize } from './harness.js';

describe('accuracy against the KICS corpus', async () => {
  const results = await scoreCorpus();
  const scores = summarize(results);

  it('scores crosswalked samples of every scannable format', (t) => {
    t.diagnostic(`\n${formatReport(results)}`);
    assert.ok(agreement(scores.filter((s) => s.platform === 'arm')).scanned > 0, 'no ARM sample was scanned');
  });

  for (const platform of ['arm', 'bicep', 'terraform'] as const) {
    it(`${platform}: >= 98% file-level agreement on scanned samples`, () => {
      const total = agreement(scores.filter((s) => s.platform === platform));
      assert.ok(total.ratio >= 0.98, `${platform}: ${total.agreeing}/${total.scanned}`);
    });
  }

  it('lists every disagreement in divergences.yaml, and no stale entry', () => {
    const unlisted = results.filter((r) => r.scanned && !r.agrees && !r.divergence).map((r) => `${r.rule} ${r.sample}`);
    assert.deepEqual(unlisted, []);
    const stale = loadDivergences().filter(
      (d) => !results.some((r) => r.rule === d.rule && r.sample === d.sample && r.scanned && !r.agrees),
    );
    assert.deepEqual(stale, []);
    for (const d of loadDivergences()) assert.ok(d.reason && d.source, `${d.rule} ${d.sample} needs reason and source`);
  });
});

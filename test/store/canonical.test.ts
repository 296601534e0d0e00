import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../../src/evidence/ledger.js';
import { canonicalJsonFast } from '../../src/store/canonical.js';

describe('canonicalJsonFast', () => {
  it('writes the same bytes as the RFC 8785 reference implementation', () => {
    const values: unknown[] = [
      { kind: 'status', at: '2026-03-01T00:00:00.000Z', actor: 'Zoë', data: { scan: 12, changes: [['a', null, 'b']] } },
      { b: 1, a: [true, false, null, -0, 0, 9007199254740991], é: 'é', e: 'e', '\u20ac': '€', '\ud83d\ude00': '😀' },
      { control: '\u0000\u001f\b\f\n\r\t"\\/', html: '<script>&</script>', line: '\u2028\u2029' },
      { keys: { '10': 1, '9': 2, A: 3, a: 4, _: 5, '': 6 } },
      { fractional: 1.5, big: 1e21, tiny: 5e-324, negative: -12.75 },
      [[[]], {}, ''],
      { skipped: undefined, kept: 1 },
    ];
    for (const value of values) assert.equal(canonicalJsonFast(value), canonicalJson(value));
  });

  it('rejects a lone surrogate as the reference implementation does', () => {
    assert.throws(() => canonicalJsonFast({ bad: 'x\ud800y' }));
    assert.equal(
      canonicalJsonFast({ text: '\\ud800 is how it is written' }),
      canonicalJson({ text: '\\ud800 is how it is written' }),
    );
  });
});

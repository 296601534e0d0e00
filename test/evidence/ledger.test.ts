import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { GENESIS_HASH, type LedgerEntry, type LedgerEvent, nextEntry } from '../../src/evidence/ledger.js';

const event = (n: number): LedgerEvent => ({
  kind: 'scan',
  at: `2026-01-0${n}T00:00:00.000Z`,
  actor: 'alice',
  data: { z: 1, a: [n, { y: 'é', b: null }] },
});

describe('ledger entries', () => {
  it('starts at seq 1 after the genesis hash', () => {
    const first = nextEntry(undefined, event(1));
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, GENESIS_HASH);
    assert.equal(GENESIS_HASH, '0'.repeat(64));
    assert.equal(first.at, '2026-01-01T00:00:00.000Z');
  });

  it('stores the RFC 8785 canonical JSON of the event (sorted keys, no whitespace)', () => {
    const first = nextEntry(undefined, event(1));
    assert.equal(
      first.event,
      '{"actor":"alice","at":"2026-01-01T00:00:00.000Z","data":{"a":[1,{"b":null,"y":"é"}],"z":1},"kind":"scan"}',
    );
  });

  it('links each entry to the previous hash and numbers them contiguously', () => {
    let prev: LedgerEntry | undefined;
    const entries: LedgerEntry[] = [];
    for (let n = 1; n <= 5; n++) {
      prev = nextEntry(prev, event(n));
      entries.push(prev);
    }
    assert.deepEqual(
      entries.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    for (let i = 1; i < entries.length; i++) assert.equal(entries[i].prevHash, entries[i - 1].hash);
    assert.equal(new Set(entries.map((e) => e.hash)).size, 5);
  });

  it('hashes exactly the documented formula, which sha256sum reproduces', () => {
    const first = nextEntry(undefined, event(1));
    const second = nextEntry(first, event(2));
    const expected = createHash('sha256').update(`phiguard-ledger-v1\n2\n${first.hash}\n${second.event}`).digest('hex');
    assert.equal(second.hash, expected);
    const shell = execFileSync('sh', [
      '-c',
      `printf '%s\\n%s\\n%s\\n%s' phiguard-ledger-v1 2 "$1" "$2" | sha256sum`,
      'sh',
      first.hash,
      second.event,
    ]);
    assert.equal(shell.toString().split(' ')[0], second.hash);
  });

  it('changes the hash when any part changes', () => {
    const first = nextEntry(undefined, event(1));
    const other = nextEntry(undefined, { ...event(1), actor: 'bob' });
    assert.notEqual(first.hash, other.hash);
  });
});

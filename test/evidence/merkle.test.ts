import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  prefixSubtrees,
  rootFromPrefix,
  verifyConsistency,
  verifyInclusion,
} from '../../src/evidence/merkle.js';

const sha = (...parts: Buffer[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** MTH written straight from RFC 6962 section 2.1, recursively, as the reference. */
function referenceRoot(entries: string[]): Buffer {
  if (entries.length === 0) return sha();
  if (entries.length === 1) return sha(Buffer.from([0]), Buffer.from(entries[0]));
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  return sha(Buffer.from([1]), referenceRoot(entries.slice(0, k)), referenceRoot(entries.slice(k)));
}

/** PATH(m, D[n]) from the RFC, recursively over the entries. */
function referencePath(m: number, entries: string[]): Buffer[] {
  if (entries.length === 1) return [];
  let k = 1;
  while (k * 2 < entries.length) k *= 2;
  if (m < k) return [...referencePath(m, entries.slice(0, k)), referenceRoot(entries.slice(k))];
  return [...referencePath(m - k, entries.slice(k)), referenceRoot(entries.slice(0, k))];
}

const entries = Array.from({ length: 64 }, (_, i) => `entry-${i}`);

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree to SHA-256 of nothing (e3b0c442...b855)', () => {
    assert.equal(merkleRoot([]).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('uses the 0x00 leaf and 0x01 node prefixes', () => {
    assert.deepEqual(leafHash('a'), sha(Buffer.from([0]), Buffer.from('a')));
    assert.deepEqual(nodeHash(leafHash('a'), leafHash('b')), sha(Buffer.from([1]), leafHash('a'), leafHash('b')));
  });

  it('matches the recursive RFC definition for every size 1..64', () => {
    for (let n = 1; n <= 64; n++) {
      assert.deepEqual(merkleRoot(entries.slice(0, n)), referenceRoot(entries.slice(0, n)), `size ${n}`);
    }
  });

  it('builds and verifies an inclusion proof for every leaf of every size 1..64', () => {
    const leaves = entries.map((e) => leafHash(e));
    for (let n = 1; n <= 64; n++) {
      const root = referenceRoot(entries.slice(0, n));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(m, n, leaves);
        assert.deepEqual(proof, referencePath(m, entries.slice(0, n)), `path ${m} of ${n}`);
        assert.ok(verifyInclusion(m, n, leaves[m], proof, root), `verify ${m} of ${n}`);
      }
    }
  });

  it('rejects a proof for the wrong leaf, index, size, root or a tampered path', () => {
    const leaves = entries.map((e) => leafHash(e));
    const n = 37;
    const root = merkleRoot(entries.slice(0, n));
    const proof = inclusionProof(20, n, leaves);
    assert.ok(!verifyInclusion(20, n, leaves[21], proof, root));
    assert.ok(!verifyInclusion(21, n, leaves[20], proof, root));
    assert.ok(!verifyInclusion(20, 24, leaves[20], proof, root));
    assert.ok(!verifyInclusion(20, n, leaves[20], proof, merkleRoot(entries.slice(0, n + 1))));
    assert.ok(!verifyInclusion(20, n, leaves[20], proof.slice(1), root));
    assert.ok(!verifyInclusion(20, n, leaves[20], [...proof, leaves[0]], root));
    const flipped = proof.map((p, i) => (i === 2 ? Buffer.from(p.map((b, j) => (j === 0 ? b ^ 1 : b))) : p));
    assert.ok(!verifyInclusion(20, n, leaves[20], flipped, root));
  });

  it('refuses to build a proof outside the tree', () => {
    const leaves = entries.map((e) => leafHash(e));
    assert.throws(() => inclusionProof(5, 5, leaves), RangeError);
    assert.throws(() => inclusionProof(-1, 5, leaves), RangeError);
  });

  it('builds and verifies consistency proofs for every 1 <= m <= n <= 40', () => {
    const leaves = entries.map((e) => leafHash(e));
    for (let n = 1; n <= 40; n++) {
      const second = referenceRoot(entries.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const first = referenceRoot(entries.slice(0, m));
        const proof = consistencyProof(m, n, leaves);
        assert.ok(verifyConsistency(m, n, first, second, proof), `consistency ${m} -> ${n}`);
        if (m < n) {
          assert.ok(!verifyConsistency(m, n, referenceRoot(entries.slice(1, m + 1)), second, proof), `forged ${m}`);
          assert.ok(!verifyConsistency(m, n, first, referenceRoot(entries.slice(1, n + 1)), proof), `other ${n}`);
        }
      }
    }
  });

  it('rejects a consistency proof whose history was rewritten', () => {
    const leaves = entries.map((e) => leafHash(e));
    const rewritten = [...entries.slice(0, 5), 'changed', ...entries.slice(6, 30)];
    const proof = consistencyProof(
      10,
      30,
      rewritten.map((e) => leafHash(e)),
    );
    assert.ok(!verifyConsistency(10, 30, merkleRoot(entries.slice(0, 10)), merkleRoot(rewritten), proof));
    assert.throws(() => consistencyProof(0, 3, leaves), RangeError);
  });

  it('recomputes the root of every tree size from prefix subtrees and the leaves after the prefix', () => {
    const leaves = entries.map((e) => leafHash(e));
    for (let p = 0; p <= 40; p++) {
      const prefix = prefixSubtrees(p, leaves);
      assert.equal(
        prefix.reduce((sum, s) => sum + s.size, 0),
        p,
      );
      for (let n = Math.max(p, 1); n <= 48; n++) {
        const root = rootFromPrefix(prefix, leaves.slice(p, n), n);
        assert.deepEqual(root, referenceRoot(entries.slice(0, n)), `prefix ${p}, size ${n}`);
      }
    }
  });

  it('cannot recompute a root when a prefix subtree is missing or the size is out of range', () => {
    const leaves = entries.map((e) => leafHash(e));
    const prefix = prefixSubtrees(13, leaves); // 8 + 4 + 1
    assert.equal(rootFromPrefix(prefix.slice(1), leaves.slice(13, 20), 20), undefined);
    assert.equal(rootFromPrefix(prefix, leaves.slice(13, 20), 21), undefined);
    assert.equal(rootFromPrefix(prefix, leaves.slice(13, 20), 12), undefined);
  });
});

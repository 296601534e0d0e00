import { createHash } from 'node:crypto';

/**
 * RFC 6962 section 2.1 Merkle tree hashing (Certificate Transparency), over raw entry bytes:
 * MTH({}) = SHA-256(), leaf = SHA-256(0x00 || d), node = SHA-256(0x01 || left || right), and a tree of n > 1 leaves
 * splits at k, the largest power of two smaller than n. Hashes are 32-byte Buffers; callers hex-encode them.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(entry: Uint8Array | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over already-computed leaf hashes. */
export function rootFromLeaves(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  // Bottom-up: pairing adjacent nodes level by level and carrying an odd last node up unchanged builds exactly the
  // RFC's left-complete tree (its left subtree is always the largest power of two), without recursion.
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

export function merkleRoot(entries: ReadonlyArray<Uint8Array | string>): Buffer {
  return rootFromLeaves(entries.map(leafHash));
}

/** RFC 6962 section 2.1.1 PATH(m, D[n]): the audit path proving leaf m is in the tree of the first n leaves. */
export function inclusionProof(leafIndex: number, treeSize: number, leaves: readonly Buffer[]): Buffer[] {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize || treeSize > leaves.length) {
    throw new RangeError(`no leaf ${leafIndex} in a tree of ${treeSize}`);
  }
  const path = (m: number, from: number, n: number): Buffer[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...path(m, from, k), rootFromLeaves(leaves.slice(from + k, from + n))];
    return [...path(m - k, from + k, n - k), rootFromLeaves(leaves.slice(from, from + k))];
  };
  return path(leafIndex, 0, treeSize);
}

/** RFC 9162 section 2.1.3.2: recomputes the root from a leaf hash and its audit path. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leaf: Buffer,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (leafIndex < 0 || leafIndex >= treeSize) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 6962 section 2.1.2 PROOF(m, D[n]): proves the tree of the first m leaves is a prefix of the tree of n. */
export function consistencyProof(first: number, second: number, leaves: readonly Buffer[]): Buffer[] {
  if (!Number.isInteger(first) || first < 1 || first > second || second > leaves.length) {
    throw new RangeError(`no consistency proof from ${first} to ${second}`);
  }
  const subproof = (m: number, from: number, n: number, complete: boolean): Buffer[] => {
    if (m === n) return complete ? [] : [rootFromLeaves(leaves.slice(from, from + n))];
    const k = splitPoint(n);
    if (m <= k) return [...subproof(m, from, k, complete), rootFromLeaves(leaves.slice(from + k, from + n))];
    return [...subproof(m - k, from + k, n - k, false), rootFromLeaves(leaves.slice(from, from + k))];
  };
  return subproof(first, 0, second, true);
}

/** RFC 9162 section 2.1.4.2: checks that firstRoot (size first) is a prefix of secondRoot (size second). */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (first < 1 || first > second) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/** A complete subtree of `size` leaves (a power of two) starting at leaf `start`, by its hash. */
export interface SubtreeHash {
  start: number;
  size: number;
  hash: Buffer;
}

/**
 * The largest complete subtrees covering the first `prefixSize` leaves, left to right (one per set bit of
 * prefixSize). With them, anyone holding only the leaves after the prefix can recompute the root of any tree size
 * >= prefixSize: this is how a package proves its ledger excerpt without carrying the older entries.
 */
export function prefixSubtrees(prefixSize: number, leaves: readonly Buffer[]): SubtreeHash[] {
  const out: SubtreeHash[] = [];
  let start = 0;
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(prefixSize, 1))); bit >= 1; bit /= 2) {
    if (start + bit <= prefixSize) {
      out.push({ start, size: bit, hash: rootFromLeaves(leaves.slice(start, start + bit)) });
      start += bit;
    }
  }
  return out;
}

/**
 * The root of the tree of `treeSize` leaves, from the prefix subtrees and the leaves after the prefix
 * (`tail[i]` is leaf prefixSize + i). Undefined when the inputs cannot determine it (a subtree missing or misplaced).
 */
export function rootFromPrefix(
  prefix: readonly SubtreeHash[],
  tail: readonly Buffer[],
  treeSize: number,
): Buffer | undefined {
  const prefixSize = prefix.reduce((sum, subtree) => sum + subtree.size, 0);
  if (treeSize < prefixSize || treeSize > prefixSize + tail.length) return undefined;
  if (treeSize === 0) return rootFromLeaves([]);
  const known = new Map(prefix.map((subtree) => [`${subtree.start}:${subtree.size}`, subtree.hash]));
  const hashOf = (from: number, n: number): Buffer | undefined => {
    const subtree = known.get(`${from}:${n}`);
    if (subtree) return subtree;
    if (from >= prefixSize) return rootFromLeaves(tail.slice(from - prefixSize, from - prefixSize + n));
    if (n === 1) return undefined;
    const k = splitPoint(n);
    const left = hashOf(from, k);
    const right = hashOf(from + k, n - k);
    return left && right ? nodeHash(left, right) : undefined;
  };
  return hashOf(0, treeSize);
}

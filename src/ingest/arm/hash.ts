// Deterministic hashes of ARM's uniqueString() and guid(), so that names built from them match a real deployment.
import { createHash } from 'node:crypto';

/**
 * ARM's uniqueString(): the arguments joined with '-', UTF-8 encoded, hashed with the 64-bit MurmurHash variant of
 * Azure's resource stack (two 32-bit lanes, its own constants), then 13 base32 characters taken 5 bits at a time
 * from the top of the 64-bit hash. Checked against outputs of real deployments (test/ingest/arm/expressions.test.ts).
 */
export function uniqueString(values: readonly string[]): string {
  const hash = murmurHash64(Buffer.from(values.join('-'), 'utf8'));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let out = '';
  let rest = hash;
  for (let i = 0; i < 13; i++) {
    out += alphabet[Number(rest >> 59n)];
    rest = (rest << 5n) & 0xffffffffffffffffn;
  }
  return out;
}

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function mul(a: number, b: number): number {
  return Math.imul(a, b) >>> 0;
}

function fmix(h: number): number {
  h = mul(h ^ (h >>> 16), 0x85ebca6b);
  h = mul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function murmurHash64(data: Uint8Array, seed = 0): bigint {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const length = data.length;
  let h1 = seed >>> 0;
  let h2 = seed >>> 0;
  const word = (at: number, count: number): number => {
    let value = 0;
    for (let i = count - 1; i >= 0; i--) value = (value << 8) | data[at + i];
    return value >>> 0;
  };
  let index = 0;
  for (; index + 7 < length; index += 8) {
    let k1 = word(index, 4);
    let k2 = word(index + 4, 4);
    k1 = mul(rotl(mul(k1, c1), 15), c2);
    h1 = (rotl((h1 ^ k1) >>> 0, 19) + h2) >>> 0;
    h1 = (mul(h1, 5) + 0x561ccd1b) >>> 0;
    k2 = mul(rotl(mul(k2, c2), 17), c1);
    h2 = (rotl((h2 ^ k2) >>> 0, 13) + h1) >>> 0;
    h2 = (mul(h2, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = length - index;
  if (tail > 0) {
    const k1 = mul(rotl(mul(word(index, Math.min(tail, 4)), c1), 15), c2);
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = mul(rotl(mul(word(index + 4, tail - 4), c2), 17), c1);
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

// ARM's guid(): an RFC 4122 name-based (version 5, SHA-1) UUID of the arguments joined with '-', in this namespace.
const GUID_NAMESPACE = Buffer.from('11fb06fb712d4ddd98c7e71bbd588830', 'hex');

export function armGuid(values: readonly string[]): string {
  const digest = createHash('sha1').update(GUID_NAMESPACE).update(values.join('-'), 'utf8').digest();
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

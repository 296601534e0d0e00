import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { canonicalJson, entryHash, type LedgerEntry } from '../../src/evidence/ledger.js';
import { buildPackage, type Manifest, sha256Hex } from '../../src/evidence/package.js';
import { publicKeyFingerprint } from '../../src/evidence/signing.js';
import { verifyPackage } from '../../src/evidence/verify.js';
import { type PackageFiles, unzipPackage, zipPackage } from '../../src/evidence/zip.js';
import { fixtureInput, throwawayKeys } from './fixture.js';

/** mulberry32: a small seeded PRNG, so a failing mutation can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
  };
}

type Random = ReturnType<typeof prng>;

interface Mutation {
  kind: string;
  detail: string;
  zip: Uint8Array;
  /** What verify must say. */
  expect: RegExp;
  pin?: string;
}

const ENTRIES = 'ledger/entries.jsonl';
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function entriesOf(files: PackageFiles): LedgerEntry[] {
  return Buffer.from(files.get(ENTRIES) as Uint8Array)
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function withEntries(files: PackageFiles, entries: LedgerEntry[]): PackageFiles {
  const copy = new Map(files);
  copy.set(ENTRIES, new Uint8Array(Buffer.from(entries.map((e) => `${canonicalJson(e)}\n`).join(''))));
  return copy;
}

/** Byte ranges of each file's data inside a stored zip (local header walk). */
function dataRanges(zip: Uint8Array): { path: string; start: number; end: number }[] {
  const view = Buffer.from(zip);
  const out: { path: string; start: number; end: number }[] = [];
  let offset = 0;
  while (view.readUInt32LE(offset) === 0x04034b50) {
    const size = view.readUInt32LE(offset + 18);
    const nameLength = view.readUInt16LE(offset + 26);
    const extraLength = view.readUInt16LE(offset + 28);
    const path = view.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    out.push({ path, start, end: start + size });
    offset = start + size;
  }
  return out;
}

function mutate(kind: string, zip: Uint8Array, files: PackageFiles, random: Random, pinned: string): Mutation {
  const paths = [...files.keys()].sort();
  switch (kind) {
    case 'flip-file-byte': {
      const path = random.pick(paths);
      const bytes = new Uint8Array(files.get(path) as Uint8Array);
      const at = random.int(bytes.length);
      bytes[at] ^= 1 << random.int(8);
      const copy = new Map(files);
      copy.set(path, bytes);
      const expect =
        path === 'manifest.sig'
          ? /^manifest signature invalid/
          : path === 'manifest.json'
            ? /^(manifest signature invalid|altered: manifest\.json)/
            : new RegExp(`^altered: ${escapeRegex(path)} \\((sha256 mismatch|not an Ed25519 public key)\\)`);
      return { kind, detail: `${path}@${at}`, zip: zipPackage(copy), expect };
    }
    case 'delete-file': {
      const path = random.pick(paths);
      const copy = new Map(files);
      copy.delete(path);
      return { kind, detail: path, zip: zipPackage(copy), expect: new RegExp(`^missing: ${escapeRegex(path)}$`) };
    }
    case 'add-file': {
      const path = random.pick([
        'evidence/extra.json',
        'notes.txt',
        'ledger/entries2.jsonl',
        `${random.pick(paths)}.bak`,
      ]);
      const copy = new Map(files);
      copy.set(path, new Uint8Array(Buffer.from(`added ${random.int(1e9)}\n`)));
      return {
        kind,
        detail: path,
        zip: zipPackage(copy),
        expect: new RegExp(`^extra: ${escapeRegex(path)} \\(not in the manifest\\)$`),
      };
    }
    case 'reorder-entries': {
      const entries = entriesOf(files);
      const i = random.int(entries.length - 1);
      const j = i + 1 + random.int(entries.length - i - 1);
      [entries[i], entries[j]] = [entries[j], entries[i]];
      return {
        kind,
        detail: `swap ${i},${j}`,
        zip: zipPackage(withEntries(files, entries)),
        expect: /^ledger: entry \d+ out of order$/,
      };
    }
    case 'delete-entry': {
      const entries = entriesOf(files);
      const i = random.int(entries.length);
      const [removed] = entries.splice(i, 1);
      const expect =
        i === 0
          ? new RegExp(`^ledger: excerpt starts at entry ${removed.seq + 1}`)
          : i === entries.length
            ? new RegExp(`^ledger: checkpoint \\d+ \\(tree size ${removed.seq}\\) is outside the excerpt`)
            : new RegExp(`^ledger: entry ${removed.seq} missing`);
      return { kind, detail: `seq ${removed.seq}`, zip: zipPackage(withEntries(files, entries)), expect };
    }
    case 'duplicate-entry': {
      const entries = entriesOf(files);
      const i = random.int(entries.length);
      entries.splice(i + 1, 0, { ...entries[i] });
      return {
        kind,
        detail: `seq ${entries[i].seq}`,
        zip: zipPackage(withEntries(files, entries)),
        expect: new RegExp(`^ledger: entry ${entries[i].seq} duplicated$`),
      };
    }
    case 'edit-entry-rehash': {
      const entries = entriesOf(files);
      const i = random.int(entries.length);
      const event = JSON.parse(entries[i].event);
      event.actor = `mallory-${random.int(1000)}`;
      const text = canonicalJson(event);
      entries[i] = { ...entries[i], event: text, hash: entryHash(entries[i].seq, entries[i].prevHash, text) };
      const seq = entries[i].seq;
      const expect =
        i < entries.length - 1
          ? new RegExp(`^ledger: entry ${seq + 1} does not link to entry ${seq} \\(prevHash mismatch\\)$`)
          : new RegExp(`^ledger: checkpoint \\d+ \\(tree size ${seq}\\) head hash does not match entry ${seq}$`);
      return { kind, detail: `seq ${seq}`, zip: zipPackage(withEntries(files, entries)), expect };
    }
    case 'resign-manifest': {
      // A forger with their own key: new public-key.pem, manifest re-listed and re-signed, all self-consistent.
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const copy = new Map(files);
      copy.set('public-key.pem', new Uint8Array(Buffer.from(pem)));
      const manifest = JSON.parse(Buffer.from(files.get('manifest.json') as Uint8Array).toString()) as Manifest;
      manifest.keyId = publicKeyFingerprint(publicKey);
      manifest.files = manifest.files.map((f) =>
        f.path === 'public-key.pem' ? { ...f, sha256: sha256Hex(pem), bytes: Buffer.byteLength(pem) } : f,
      );
      const bytes = new Uint8Array(Buffer.from(canonicalJson(manifest)));
      copy.set('manifest.json', bytes);
      copy.set('manifest.sig', new Uint8Array(sign(null, bytes, privateKey)));
      const pin = random.next() < 0.5;
      return {
        kind,
        detail: pin ? 'pinned' : 'unpinned',
        zip: zipPackage(copy),
        pin: pin ? pinned : undefined,
        expect: pin
          ? /^key: public-key\.pem \([0-9a-f]{64}\) is not the pinned key/
          : /^ledger: checkpoint 1 \(tree size \d+\) signature invalid \(not signed by the package key\)$/,
      };
    }
    case 'corrupt-container': {
      const bytes = new Uint8Array(zip);
      const at = random.int(bytes.length);
      bytes[at] ^= 1 << random.int(8);
      const inData = dataRanges(zip).find((r) => at >= r.start && at < r.end);
      const expect =
        at < 2
          ? /^not a zip file$/
          : inData
            ? new RegExp(`^(altered: ${escapeRegex(inData.path)}|manifest signature invalid|zip: container)`)
            : /^zip: container (altered at byte \d+|corrupt)/;
      return { kind, detail: `byte ${at}${inData ? ` in ${inData.path}` : ''}`, zip: bytes, expect };
    }
    default:
      throw new Error(kind);
  }
}

const KINDS = [
  'flip-file-byte',
  'delete-file',
  'add-file',
  'reorder-entries',
  'delete-entry',
  'duplicate-entry',
  'edit-entry-rehash',
  'resign-manifest',
  'corrupt-container',
];

describe('verify', () => {
  const keys = throwawayKeys();
  let zip: Uint8Array;
  let files: PackageFiles;

  before(async () => {
    zip = (await buildPackage(fixtureInput(keys, { priorEntries: 11 }), keys)).zip;
    const unzipped = unzipPackage(zip);
    assert.ok(unzipped.ok && unzipped.container === 'canonical');
    files = unzipped.files;
  });

  it('passes the fresh package', () => {
    assert.deepEqual(verifyPackage(zip, { publicKeyPem: keys.publicKeyPem }).problems, []);
  });

  it('catches 1,000 seeded mutations, each with a message naming what is wrong', () => {
    const random = prng(0x5eed);
    const misses: string[] = [];
    const seen = new Map<string, number>();
    for (let n = 0; n < 1000; n++) {
      const kind = KINDS[n % KINDS.length];
      const mutation = mutate(kind, zip, files, random, keys.publicKeyPem);
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      const result = verifyPackage(mutation.zip, { publicKeyPem: mutation.pin });
      if (result.ok) misses.push(`#${n} ${kind} ${mutation.detail}: passed verification`);
      else if (!result.problems.some((p) => mutation.expect.test(p))) {
        misses.push(
          `#${n} ${kind} ${mutation.detail}: expected ${mutation.expect}, got ${JSON.stringify(result.problems)}`,
        );
      }
    }
    assert.deepEqual(misses, []);
    assert.equal(
      [...seen.values()].reduce((a, b) => a + b),
      1000,
    );
    for (const kind of KINDS) assert.ok((seen.get(kind) ?? 0) >= 100, kind);
  });

  it('says when the package is not a package', () => {
    const text = verifyPackage(new Uint8Array(Buffer.from('hello')));
    assert.equal(text.isPackage, false);
    const other = verifyPackage(zipPackage(new Map([['a.txt', new Uint8Array([1])]])));
    assert.equal(other.isPackage, false);
    assert.match(other.problems[0], /not an evidence package/);
  });

  it('rejects a pinned key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const result = verifyPackage(zip, { publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    assert.ok(result.problems.includes('key: the pinned public key is not an Ed25519 key'));
  });
});

import { createPublicKey, type KeyObject } from 'node:crypto';
import { canonicalJson, entryHash, GENESIS_HASH, type LedgerEntry } from './ledger.js';
import { rootFromPrefix, type SubtreeHash } from './merkle.js';
import {
  CHECKPOINTS,
  type CheckpointsFile,
  ENTRIES,
  MANIFEST,
  MANIFEST_SIG,
  type Manifest,
  PACKAGE_FORMAT,
  PUBLIC_KEY,
  sha256Hex,
} from './package.js';
import {
  type Checkpoint,
  ledgerLeaf,
  publicKeyFingerprint,
  verifyBytes,
  verifyCheckpointSignature,
} from './signing.js';
import { looksLikeZip, type PackageFiles, unzipPackage } from './zip.js';

/**
 * Verifies an evidence package with nothing but its bytes (and optionally a pinned public key). Every problem is
 * one line naming what is wrong and where, e.g. `altered: evidence/x/before.json (sha256 mismatch)`.
 */

export interface VerifyResult {
  /** False when the bytes are not an evidence package at all (exit code 2). */
  isPackage: boolean;
  ok: boolean;
  problems: string[];
  /** What was checked, for the success summary. */
  summary: { files: number; entries: number; checkpoints: number; keyId: string | null; treeSize: number | null };
}

const HEX64 = /^[0-9a-f]{64}$/;

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function parseJson(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return JSON.parse(text(bytes));
  } catch {
    return undefined;
  }
}

function isManifest(value: unknown): value is Manifest {
  const m = value as Manifest;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.format === PACKAGE_FORMAT &&
    typeof m.keyId === 'string' &&
    Array.isArray(m.files) &&
    m.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && typeof f.bytes === 'number') &&
    typeof m.ledger?.treeSize === 'number' &&
    typeof m.ledger.headHash === 'string' &&
    typeof m.ledger.rootHash === 'string'
  );
}

function loadKey(pem: Uint8Array | string | undefined): KeyObject | undefined {
  if (pem === undefined) return undefined;
  try {
    const key = createPublicKey(typeof pem === 'string' ? pem : text(pem));
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The files and their manifest: signature, hashes, sizes, missing and extra. */
function checkFiles(files: PackageFiles, pinned: KeyObject | undefined, problems: string[]) {
  const manifestBytes = files.get(MANIFEST);
  const manifestValue = parseJson(manifestBytes);
  const packageKey = loadKey(files.get(PUBLIC_KEY));
  if (!files.has(PUBLIC_KEY)) problems.push(`missing: ${PUBLIC_KEY}`);
  else if (!packageKey) problems.push(`altered: ${PUBLIC_KEY} (not an Ed25519 public key)`);
  if (pinned && packageKey && !pinned.equals(packageKey)) {
    problems.push(
      `key: ${PUBLIC_KEY} (${publicKeyFingerprint(packageKey)}) is not the pinned key (${publicKeyFingerprint(pinned)})`,
    );
  }
  const signingKey = pinned ?? packageKey;

  if (!manifestBytes) {
    problems.push(`missing: ${MANIFEST}`);
  } else if (!isManifest(manifestValue)) {
    problems.push(`altered: ${MANIFEST} (not a ${PACKAGE_FORMAT} manifest)`);
  }
  const signature = files.get(MANIFEST_SIG);
  if (!signature) problems.push(`missing: ${MANIFEST_SIG}`);
  else if (manifestBytes && signingKey && !verifyBytes(signingKey, manifestBytes, signature)) {
    problems.push(
      `manifest signature invalid (${MANIFEST_SIG} does not verify under the ${pinned ? 'pinned' : 'package'} key)`,
    );
  }
  if (!isManifest(manifestValue)) return { manifest: undefined, packageKey, signingKey };
  if (manifestBytes && text(manifestBytes) !== canonicalJson(manifestValue)) {
    problems.push(`altered: ${MANIFEST} (not in canonical form)`);
  }
  if (packageKey && manifestValue.keyId !== publicKeyFingerprint(packageKey)) {
    problems.push(
      `key: ${MANIFEST} names key ${manifestValue.keyId}, but ${PUBLIC_KEY} is ${publicKeyFingerprint(packageKey)}`,
    );
  }

  const listed = new Set<string>();
  let previous = '';
  for (const entry of manifestValue.files) {
    if (listed.has(entry.path)) problems.push(`manifest: ${entry.path} listed twice`);
    if (entry.path <= previous) problems.push(`manifest: ${entry.path} out of order`);
    previous = entry.path;
    listed.add(entry.path);
    const bytes = files.get(entry.path);
    if (!bytes) problems.push(`missing: ${entry.path}`);
    else if (sha256Hex(bytes) !== entry.sha256) problems.push(`altered: ${entry.path} (sha256 mismatch)`);
    else if (bytes.length !== entry.bytes) problems.push(`altered: ${entry.path} (size mismatch)`);
  }
  for (const path of [...files.keys()].sort()) {
    if (!listed.has(path) && path !== MANIFEST && path !== MANIFEST_SIG)
      problems.push(`extra: ${path} (not in the manifest)`);
  }
  return { manifest: manifestValue, packageKey, signingKey };
}

function isEntry(value: unknown): value is LedgerEntry {
  const e = value as LedgerEntry;
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isSafeInteger(e.seq) &&
    typeof e.prevHash === 'string' &&
    typeof e.hash === 'string' &&
    typeof e.event === 'string' &&
    typeof e.at === 'string'
  );
}

/** The chain: each line a well-formed entry, hash recomputed, seq contiguous, prevHash linked. */
function checkChain(files: PackageFiles, problems: string[]): LedgerEntry[] {
  const bytes = files.get(ENTRIES);
  if (!bytes) return [];
  const lines = text(bytes).split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: LedgerEntry[] = [];
  const seen = new Set<number>();
  let previous: LedgerEntry | undefined;
  lines.forEach((line, index) => {
    const value = parseJson(Buffer.from(line, 'utf8'));
    if (!isEntry(value)) {
      problems.push(`ledger: line ${index + 1} is not a ledger entry`);
      return;
    }
    const entry = value;
    if (canonicalJson(entry) !== line) problems.push(`ledger: entry ${entry.seq} not in canonical form`);
    if (entryHash(entry.seq, entry.prevHash, entry.event) !== entry.hash) {
      problems.push(`ledger: entry ${entry.seq} altered (hash does not match its content)`);
    }
    const event = parseJson(Buffer.from(entry.event, 'utf8')) as { at?: unknown } | undefined;
    if (event === undefined || canonicalJson(event) !== entry.event) {
      problems.push(`ledger: entry ${entry.seq} event is not canonical JSON`);
    } else if (event.at !== entry.at) {
      problems.push(`ledger: entry ${entry.seq} time differs from its event`);
    }
    if (seen.has(entry.seq)) problems.push(`ledger: entry ${entry.seq} duplicated`);
    else if (previous && entry.seq < previous.seq) problems.push(`ledger: entry ${entry.seq} out of order`);
    else if (previous && entry.seq > previous.seq + 1) {
      const gap = entry.seq - previous.seq - 1;
      problems.push(
        `ledger: ${gap === 1 ? `entry ${previous.seq + 1}` : `entries ${previous.seq + 1}-${entry.seq - 1}`} missing (gap before entry ${entry.seq})`,
      );
    } else if (previous && entry.prevHash !== previous.hash) {
      problems.push(`ledger: entry ${entry.seq} does not link to entry ${previous.seq} (prevHash mismatch)`);
    }
    if (entry.seq === 1 && entry.prevHash !== GENESIS_HASH)
      problems.push('ledger: entry 1 does not start from the genesis hash');
    seen.add(entry.seq);
    entries.push(entry);
    previous = entry;
  });
  if (entries.length === 0) problems.push(`ledger: ${ENTRIES} holds no entries`);
  return entries;
}

function isCheckpoint(value: unknown): value is Checkpoint {
  const c = value as Checkpoint;
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isSafeInteger(c.treeSize) &&
    typeof c.headHash === 'string' &&
    typeof c.rootHash === 'string' &&
    typeof c.keyId === 'string' &&
    typeof c.signature === 'string' &&
    typeof c.at === 'string'
  );
}

/** Checkpoint signatures, and that the excerpt reproduces each checkpoint's head hash and Merkle root. */
function checkCheckpoints(
  files: PackageFiles,
  entries: LedgerEntry[],
  manifest: Manifest | undefined,
  packageKey: KeyObject | undefined,
  problems: string[],
): Checkpoint[] {
  const bytes = files.get(CHECKPOINTS);
  if (!bytes) return [];
  const value = parseJson(bytes) as CheckpointsFile | undefined;
  const subtreesValid =
    Array.isArray(value?.prefix?.subtrees) &&
    value.prefix.subtrees.every(
      (s) => Number.isSafeInteger(s?.start) && Number.isSafeInteger(s.size) && HEX64.test(s.hash),
    );
  if (!value || !Array.isArray(value.checkpoints) || !value.checkpoints.every(isCheckpoint) || !subtreesValid) {
    problems.push(`ledger: ${CHECKPOINTS} is not a checkpoints file`);
    return [];
  }
  const prefix: SubtreeHash[] = value.prefix.subtrees.map((s) => ({ ...s, hash: Buffer.from(s.hash, 'hex') }));
  const prefixSize = prefix.reduce((sum, s) => sum + s.size, 0);
  if (prefixSize !== value.prefix.size) problems.push('ledger: prefix subtrees do not add up to the prefix size');
  const firstSeq = entries[0]?.seq;
  if (firstSeq !== undefined && firstSeq !== prefixSize + 1) {
    problems.push(
      `ledger: excerpt starts at entry ${firstSeq}, but the checkpoints cover ${prefixSize} entries before it`,
    );
  }
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  // Leaves in seq order from the excerpt as it should be; a reordered or missing entry is already reported, and
  // the root is then computed from what the file holds in order, so it fails too.
  const tail = entries.map((e) => ledgerLeaf(HEX64.test(e.hash) ? e.hash : '0'.repeat(64)));
  const keyId = packageKey ? publicKeyFingerprint(packageKey) : undefined;
  value.checkpoints.forEach((checkpoint, index) => {
    const name = `checkpoint ${index + 1} (tree size ${checkpoint.treeSize})`;
    if (!packageKey || !verifyCheckpointSignature(checkpoint, packageKey)) {
      problems.push(`ledger: ${name} signature invalid (not signed by the package key)`);
    } else if (checkpoint.keyId !== keyId) {
      problems.push(`ledger: ${name} names key ${checkpoint.keyId}, not the package key`);
    }
    const head = bySeq.get(checkpoint.treeSize);
    if (checkpoint.treeSize < prefixSize || (checkpoint.treeSize > prefixSize && !head)) {
      problems.push(`ledger: ${name} is outside the excerpt`);
      return;
    }
    if (head && head.hash !== checkpoint.headHash)
      problems.push(`ledger: ${name} head hash does not match entry ${head.seq}`);
    const root = rootFromPrefix(prefix, tail, checkpoint.treeSize);
    if (!root || root.toString('hex') !== checkpoint.rootHash) {
      problems.push(`ledger: ${name} Merkle root does not match the ledger excerpt`);
    }
  });
  const last = value.checkpoints.at(-1);
  const newest = entries.at(-1);
  if (!last) problems.push(`ledger: ${CHECKPOINTS} holds no checkpoint`);
  else if (newest && last.treeSize !== Math.max(...entries.map((e) => e.seq))) {
    problems.push(`ledger: the newest entry (${newest.seq}) is not covered by the last checkpoint`);
  }
  if (manifest && last) {
    const m = manifest.ledger;
    if (m.treeSize !== last.treeSize || m.headHash !== last.headHash || m.rootHash !== last.rootHash) {
      problems.push(`ledger: ${MANIFEST} names a different ledger head than the last checkpoint`);
    }
    if (firstSeq !== undefined && manifest.ledger.firstSeq !== firstSeq) {
      problems.push(
        `ledger: ${MANIFEST} says the excerpt starts at entry ${manifest.ledger.firstSeq}, not ${firstSeq}`,
      );
    }
  }
  return value.checkpoints;
}

const EMPTY_SUMMARY = { files: 0, entries: 0, checkpoints: 0, keyId: null, treeSize: null };

export function verifyPackage(bytes: Uint8Array, options: { publicKeyPem?: string } = {}): VerifyResult {
  if (!looksLikeZip(bytes)) {
    return { isPackage: false, ok: false, problems: ['not a zip file'], summary: EMPTY_SUMMARY };
  }
  const unzipped = unzipPackage(bytes);
  if (!unzipped.ok) {
    return {
      isPackage: true,
      ok: false,
      problems: [`zip: container corrupt (${unzipped.reason})`],
      summary: EMPTY_SUMMARY,
    };
  }
  const { files } = unzipped;
  const known = [MANIFEST, MANIFEST_SIG, PUBLIC_KEY, ENTRIES, CHECKPOINTS];
  if (!known.some((path) => files.has(path))) {
    return {
      isPackage: false,
      ok: false,
      problems: ['not an evidence package (no manifest, key or ledger)'],
      summary: EMPTY_SUMMARY,
    };
  }
  const problems: string[] = [];
  if (unzipped.container === 'altered') {
    problems.push(
      `zip: container altered at byte ${unzipped.firstDifference} (headers differ from the canonical layout)`,
    );
  }
  const pinned = options.publicKeyPem === undefined ? undefined : loadKey(options.publicKeyPem);
  if (options.publicKeyPem !== undefined && !pinned) problems.push('key: the pinned public key is not an Ed25519 key');
  const { manifest, packageKey } = checkFiles(files, pinned, problems);
  if (!files.has(ENTRIES) && !problems.includes(`missing: ${ENTRIES}`)) problems.push(`missing: ${ENTRIES}`);
  if (!files.has(CHECKPOINTS) && !problems.includes(`missing: ${CHECKPOINTS}`))
    problems.push(`missing: ${CHECKPOINTS}`);
  const entries = checkChain(files, problems);
  const checkpoints = checkCheckpoints(files, entries, manifest, pinned ?? packageKey, problems);
  return {
    isPackage: true,
    ok: problems.length === 0,
    problems,
    summary: {
      files: files.size,
      entries: entries.length,
      checkpoints: checkpoints.length,
      keyId: packageKey ? publicKeyFingerprint(packageKey) : null,
      treeSize: checkpoints.at(-1)?.treeSize ?? null,
    },
  };
}

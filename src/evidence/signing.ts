import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leafHash, rootFromLeaves } from './merkle.js';

/**
 * The ledger's signing key and its checkpoints (signed tree heads, after RFC 6962 STHs and C2SP checkpoints).
 * The private key stays in `.phiguard/keys/` beside the database; only the public key goes into packages.
 */

export const PRIVATE_KEY_FILE = 'ledger-ed25519.key.pem';
export const PUBLIC_KEY_FILE = 'ledger-ed25519.pub.pem';

export interface LedgerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** hex SHA-256 of the DER SubjectPublicKeyInfo: `openssl pkey -pubin -in k.pem -outform DER | sha256sum`. */
  fingerprint: string;
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function keysFrom(privateKey: KeyObject): LedgerKeys {
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

/**
 * Loads the key pair under `keysDir`, creating it on first use. The private key is written to a temporary file with
 * mode 0600 and hard-linked into place, so a crash never leaves half a key and two processes creating it at once
 * agree on one (the loser's link fails with EEXIST and it reads the winner's key).
 */
export function loadOrCreateKeys(keysDir: string): LedgerKeys {
  const privatePath = join(keysDir, PRIVATE_KEY_FILE);
  try {
    return keysFrom(createPrivateKey(readFileSync(privatePath)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temporary = join(keysDir, `.${PRIVATE_KEY_FILE}.${process.pid}.tmp`);
  writeFileSync(temporary, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600); // the umask may have narrowed it further, never widened; make it exact
  try {
    linkSync(temporary, privatePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadOrCreateKeys(keysDir);
  } finally {
    rmSync(temporary, { force: true });
  }
  const keys = keysFrom(privateKey);
  writeFileSync(join(keysDir, PUBLIC_KEY_FILE), keys.publicKeyPem);
  return keys;
}

/**
 * A signed statement of the ledger's state: "the first treeSize entries end at headHash and hash to rootHash".
 * Field names match the store's LedgerCheckpoint, so one is stored as it is signed.
 */
export interface Checkpoint {
  treeSize: number;
  /** hash of entry `treeSize` (GENESIS_HASH for an empty ledger). */
  headHash: string;
  /** hex RFC 6962 root over leaves SHA-256(0x00 || raw 32 bytes of each entry hash). */
  rootHash: string;
  /** hex SHA-256 of the signing public key (DER SubjectPublicKeyInfo). */
  keyId: string;
  /** base64 Ed25519 signature over checkpointMessage(). */
  signature: string;
  /** ISO 8601 UTC time of signing. */
  at: string;
}

export const CHECKPOINT_TAG = 'phiguard-checkpoint-v1';

/** The exact bytes signed: five lines, each ending in "\n". */
export function checkpointMessage(c: Pick<Checkpoint, 'treeSize' | 'headHash' | 'rootHash' | 'at'>): Buffer {
  return Buffer.from(`${CHECKPOINT_TAG}\n${c.treeSize}\n${c.headHash}\n${c.rootHash}\n${c.at}\n`, 'utf8');
}

/** The Merkle root over ledger entry hashes (hex), in seq order from entry 1. */
export function ledgerRoot(entryHashes: readonly string[]): string {
  return rootFromLeaves(entryHashes.map(ledgerLeaf)).toString('hex');
}

export function ledgerLeaf(entryHash: string): Buffer {
  return leafHash(Buffer.from(entryHash, 'hex'));
}

/** Signs the ledger whose entry hashes (seq 1..n, in order) are given. */
export function signCheckpoint(keys: LedgerKeys, entryHashes: readonly string[], now: Date): Checkpoint {
  const unsigned = {
    treeSize: entryHashes.length,
    headHash: entryHashes.at(-1) ?? '0'.repeat(64),
    rootHash: ledgerRoot(entryHashes),
    at: now.toISOString(),
  };
  return {
    ...unsigned,
    keyId: keys.fingerprint,
    signature: sign(null, checkpointMessage(unsigned), keys.privateKey).toString('base64'),
  };
}

export function verifyCheckpointSignature(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointMessage(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

export function signBytes(keys: LedgerKeys, bytes: Uint8Array): Buffer {
  return sign(null, bytes, keys.privateKey);
}

export function verifyBytes(publicKey: KeyObject, bytes: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}

import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** One thing that happened and must be provable later: a scan, a finding's status change, a waiver, a fix, an export. */
export interface LedgerEvent {
  kind: 'scan' | 'status' | 'waiver' | 'export' | 'fix';
  /** ISO 8601 UTC time of the event. */
  at: string;
  actor: string;
  data: Record<string, unknown>;
}

/** An append-only ledger entry. `event` is stored as text so its hash can be recomputed byte for byte. */
export interface LedgerEntry {
  seq: number;
  prevHash: string;
  hash: string;
  /** RFC 8785 (JCS) canonical JSON of the LedgerEvent. */
  event: string;
  at: string;
}

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Domain separation: the tag keeps a ledger hash from ever equalling a hash computed for another purpose (a file
 * digest, a Merkle node). Changing it invalidates every existing ledger, so it is versioned.
 */
export const ENTRY_HASH_TAG = 'phiguard-ledger-v1';

/** Canonical JSON (RFC 8785) of any JSON value; throws on values JSON cannot carry (undefined at the top, NaN, ...). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no canonical JSON form');
  return text;
}

/**
 * hash = hex(SHA-256(UTF-8("phiguard-ledger-v1\n" + seq + "\n" + prevHash + "\n" + event)))
 * with seq in decimal and prevHash in lower-case hex, so `printf '%s\n%s\n%s\n%s' ... | sha256sum` recomputes it.
 */
export function entryHash(seq: number, prevHash: string, event: string): string {
  return createHash('sha256').update(`${ENTRY_HASH_TAG}\n${seq}\n${prevHash}\n${event}`, 'utf8').digest('hex');
}

/** The entry that follows `prev` (or the first entry when there is none). */
export function nextEntry(prev: LedgerEntry | undefined, event: LedgerEvent): LedgerEntry {
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  const canonical = canonicalJson(event);
  return { seq, prevHash, hash: entryHash(seq, prevHash, canonical), event: canonical, at: event.at };
}

// The store's public contract: scan history, finding lifecycle, evidence snapshots and the ledger, the same on
// SQLite (default) and PostgreSQL (team mode). Everything held here was redacted (src/evidence/redact.ts) before it
// was written. Open one with `openStore()` from src/store/index.ts.

import type { Finding, FindingStatus, FindingWaiver, Resource, Severity } from '../core/types.js';
import type { LedgerEntry, LedgerEvent } from '../evidence/ledger.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Ledger events a recorded scan appends, in the scan's own transaction (src/store/recorder.ts):
 * - `scan`: data `{scan, scope, status, startedAt, inputs, toolVersion, catalogVersion, counts}`.
 * - `status`: data `{scan, scope, fields: ['subject', 'rule', 'resource', 'from', 'to', 'reason'], changes}`, each
 *   change a tuple in that order (`from` null for a new subject). Up to STATUS_CHANGES_PER_EVENT changes per entry: a
 *   first scan of a large estate opens 500,000 subjects, and one entry each would double the store's size.
 */
export const STATUS_FIELDS = ['subject', 'rule', 'resource', 'from', 'to', 'reason'] as const;
export const STATUS_CHANGES_PER_EVENT = 1000;

/**
 * A subject is one rule on one resource: subject key = hash(rule id, resource address, file), without the value, so
 * a fixed resource keeps its key while its finding fingerprint changes. Persistent states are `open`, `fixed` and
 * `waived`; `new` and `reopened` are what an `open` subject is called in the scan that opened it.
 */
export type SubjectState = 'open' | 'fixed' | 'waived';
export type Lifecycle = 'new' | 'open' | 'reopened' | 'waived' | 'fixed';

export interface ScanInput {
  /** Relative to the scope base (the repository root), forward slashes. */
  path: string;
  sha256: string;
}

export interface ScanCounts {
  /** Findings of this scan by status (a subject may have several findings). */
  fail: number;
  unknown: number;
  waived: number;
  /** Subjects by lifecycle in this scan: opened for the first time, still open, opened again, fixed. */
  new: number;
  open: number;
  reopened: number;
  fixed: number;
}

export interface ScanRecord {
  id: number;
  /** Normalised scanned roots (repository-relative, sorted) or live scopes: what "the same estate" means. */
  scope: string;
  startedAt: string;
  finishedAt: string;
  actor: string;
  toolVersion: string;
  /** SHA-256 over the rule catalog's ids and metadata. */
  catalogVersion: string;
  inputs: ScanInput[];
  /** `incomplete` scans never mark a subject fixed because it was not seen. */
  status: 'complete' | 'incomplete';
  counts: ScanCounts;
  /** Ledger sequence number of this scan's `scan` event. */
  ledgerSeq: number;
}

/** A failing, unknown or waived finding as recorded by one scan (passes are not stored, only their effect). */
export interface StoredFinding {
  scanId: number;
  subjectKey: string;
  fingerprint: string;
  ruleId: string;
  status: Exclude<FindingStatus, 'pass'>;
  /** The subject's lifecycle in this scan. */
  lifecycle: Exclude<Lifecycle, 'fixed'>;
  severity: Severity;
  phi: boolean;
  baselined: boolean;
  resource: Finding['resource'];
  location: Finding['location'];
  message: string;
  evidence: Finding['evidence'];
  hipaa: string[];
  labels: string[] | null;
  waiver: FindingWaiver | null;
}

export interface Subject {
  scope: string;
  subjectKey: string;
  ruleId: string;
  resource: Finding['resource'];
  file: string | null;
  severity: Severity;
  state: SubjectState;
  /** `state` as named in the scope's latest scan: `new`/`reopened` when that scan opened it. */
  lifecycle: Lifecycle;
  firstSeenScan: number;
  /** The scan that last opened it (first seen or reopened). */
  openedScan: number;
  fixedInScan: number | null;
  /** `passed`: evaluated and passing; `gone`: a complete scan of the scope no longer has it. */
  fixedReason: 'passed' | 'gone' | null;
  reopenCount: number;
  waiver: FindingWaiver | null;
}

/** A redacted resource configuration and IaC excerpt: `before` when a subject opens, `after` when it is fixed. */
export interface EvidenceSnapshot {
  id: number;
  scanId: number;
  scope: string;
  subjectKey: string;
  kind: 'before' | 'after';
  resourceId: string;
  /** ARM shape {id,type,name,location,tags,sku,kind,identity,properties}; unresolved values as their expression. Null when the resource is gone. */
  config: unknown;
  /** A few source lines around the finding (or the resource declaration), redacted. */
  excerpt: { file: string; startLine: number; text: string } | null;
  /** SHA-256 (hex) of canonical JSON of {config, excerpt}. */
  sha256: string;
  at: string;
}

export interface LedgerCheckpoint {
  /** Number of ledger entries covered (entries 1..treeSize). */
  treeSize: number;
  /** Hash of entry `treeSize`. */
  headHash: string;
  /** RFC 6962 Merkle root over entries 1..treeSize, when computed. */
  rootHash: string | null;
  keyId: string;
  /** Base64 Ed25519 signature, as produced by src/evidence. */
  signature: string;
  at: string;
}

export interface ScanFilter {
  scope?: string;
  /** ISO date or date-time: scans started at or after it. */
  since?: string;
  limit?: number;
}

export interface ScanDiff {
  from: ScanRecord;
  to: ScanRecord;
  /** Failing or needing review in `to`, not in `from`, never before. */
  new: StoredFinding[];
  /** Failing in `to`, not in `from`, but it had failed at or before `from`. */
  reopened: StoredFinding[];
  /** Failing in both. */
  stillFailing: StoredFinding[];
  /** Failing in `from`, waived in `to`. */
  waived: StoredFinding[];
  /** Failing or waived in `from`, neither in `to`. */
  fixed: StoredFinding[];
}

/** What a scan knows before it starts; the recorder adds the findings. */
export interface ScanStart {
  /** Scanned roots or live scopes, as given; normalised against `base`. */
  roots: string[];
  /** Directory subject files and inputs are made relative to (the repository root). */
  base: string;
  actor: string;
  toolVersion: string;
  catalogVersion: string;
  startedAt: Date;
}

/** Collects one scan's results; nothing is visible in the store until `commit`, which is one transaction. */
export interface ScanRecorder {
  readonly scope: string;
  /** True when the scope has open or waived subjects: only then can a pass change anything, so only then add passes. */
  readonly wantsPasses: boolean;
  /**
   * Every finding the engine produced, passes included, with its resource. Only failing subjects and subjects that
   * the store knows open keep anything in memory (their redacted configuration).
   */
  add(finding: Finding, resource?: Resource): void;
  commit(end: { finishedAt: Date; incomplete: boolean; inputs: ScanInput[] }): Promise<ScanRecord>;
}

export interface ReadSubjectsOptions {
  states?: SubjectState[];
}

/**
 * The repository API. Writes that belong together (a scan's rows, lifecycle changes and ledger entries; an export's
 * ledger entry and checkpoint) go through one `transaction`, which also serialises ledger appends across processes.
 */
export interface StoreReader {
  scans(filter?: ScanFilter): Promise<ScanRecord[]>;
  scan(id: number): Promise<ScanRecord | undefined>;
  findings(scanId: number): Promise<StoredFinding[]>;
  subjects(scope: string, options?: ReadSubjectsOptions): Promise<Subject[]>;
  /** Distinct scopes with their latest scan id. */
  scopes(): Promise<{ scope: string; latestScan: number }[]>;
  snapshots(filter: { scope?: string; subjectKey?: string; scanId?: number }): Promise<EvidenceSnapshot[]>;
  diff(fromScan: number, toScan: number): Promise<ScanDiff>;
  ledgerEntries(range?: { fromSeq?: number; toSeq?: number }): Promise<LedgerEntry[]>;
  lastLedgerEntry(): Promise<LedgerEntry | undefined>;
  checkpoints(): Promise<LedgerCheckpoint[]>;
}

export interface StoreWriter {
  /** Appends events after the current head (hash-chained); returns the new entries. */
  appendLedger(events: LedgerEvent[]): Promise<LedgerEntry[]>;
  addCheckpoint(checkpoint: LedgerCheckpoint): Promise<void>;
}

export interface Store extends StoreReader {
  readonly dialect: Dialect;
  /** Where it lives: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
  beginScan(start: ScanStart): Promise<ScanRecorder>;
  /** Appends events in their own transaction. */
  appendLedger(events: LedgerEvent[]): Promise<LedgerEntry[]>;
  addCheckpoint(checkpoint: LedgerCheckpoint): Promise<void>;
  /** Runs `work` in one transaction holding the ledger lock; rolled back if it throws. */
  transaction<T>(work: (tx: StoreWriter & StoreReader) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

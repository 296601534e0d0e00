import type { FindingWaiver } from '../core/types.js';
import type { LedgerEntry } from './ledger.js';
import type { Checkpoint } from './signing.js';

/** What an evidence package is built from; export.ts reads it from the store, tests construct it directly. */

export interface PackageSnapshot {
  scanId: number;
  at: string;
  /** The resource configuration (ARM shape), null when the resource no longer exists. */
  config: unknown;
  excerpt: { file: string; startLine: number; text: string } | null;
}

export interface PackageActorEvent {
  scanId: number;
  at: string;
  actor: string;
}

/** One rule on one resource, across the exported scans. */
export interface PackageSubject {
  subjectKey: string;
  ruleId: string;
  title: string;
  severity: string;
  hipaa: string[];
  resource: { id: string; type: string; name: string; address: string };
  file: string | null;
  state: 'open' | 'fixed' | 'waived';
  message: string;
  firstSeen: PackageActorEvent;
  lastSeen: PackageActorEvent;
  fixed: (PackageActorEvent & { reason: 'passed' | 'gone' | null }) | null;
  reopenCount: number;
  waiver: FindingWaiver | null;
  before: PackageSnapshot | null;
  after: PackageSnapshot | null;
}

export interface PackageScan {
  id: number;
  scope: string;
  startedAt: string;
  finishedAt: string;
  actor: string;
  toolVersion: string;
  catalogVersion: string;
  status: 'complete' | 'incomplete';
  counts: Record<string, number>;
  inputs: { path: string; sha256: string }[];
  ledgerSeq: number;
}

export interface PackageLedger {
  /** A contiguous run of entries ending at the newest one. */
  entries: LedgerEntry[];
  /** Hashes (hex) of every entry before the excerpt, in seq order: used to compute the prefix subtrees only. */
  priorHashes: string[];
  /** Checkpoints whose tree size lies within the excerpt; the last one covers the newest entry. */
  checkpoints: Checkpoint[];
}

export interface PackageInput {
  generatedAt: string;
  generatedBy: string;
  tool: { name: string; version: string };
  scope: string | null;
  since: string | null;
  scans: PackageScan[];
  subjects: PackageSubject[];
  ledger: PackageLedger;
}

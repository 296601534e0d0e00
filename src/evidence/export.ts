import { dirname, join } from 'node:path';
import { UserError } from '../core/errors.js';
import type {
  EvidenceSnapshot,
  LedgerCheckpoint,
  ScanRecord,
  Store,
  StoredFinding,
  StoreReader,
  StoreWriter,
} from '../store/types.js';
import type { LedgerEntry } from './ledger.js';
import type { PackageInput, PackageScan, PackageSnapshot, PackageSubject } from './model.js';
import { type BuildOptions, type BuiltPackage, buildPackage, UnredactedLedgerError } from './package.js';
import { type Checkpoint, type LedgerKeys, loadOrCreateKeys, signCheckpoint } from './signing.js';

/**
 * Where the ledger signing key lives: `.phiguard/keys/` beside a SQLite database; for PostgreSQL (team mode) the
 * key is per machine, in `.phiguard/keys/` of the working directory unless PHIGUARD_KEYS says otherwise.
 */
export function keysDirFor(storeTarget: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PHIGUARD_KEYS) return env.PHIGUARD_KEYS;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(storeTarget)) return join('.phiguard', 'keys');
  return join(dirname(storeTarget), 'keys');
}

/** Signs a checkpoint over the store's whole ledger as it is now and stores it (after a scan, and at export). */
export async function checkpointHead(tx: StoreReader & StoreWriter, keys: LedgerKeys, now: Date): Promise<Checkpoint> {
  const hashes = (await tx.ledgerEntries()).map((entry) => entry.hash);
  const checkpoint = signCheckpoint(keys, hashes, now);
  await tx.addCheckpoint(checkpoint);
  return checkpoint;
}

/** Signs the store's current head in its own transaction; `keysDir` is created with the key on first use. */
export async function signStoreHead(store: Store, keysDir: string, now: Date): Promise<Checkpoint> {
  const keys = loadOrCreateKeys(keysDir);
  return store.transaction((tx) => checkpointHead(tx, keys, now));
}

export interface ExportOptions {
  store: Store;
  keys: LedgerKeys;
  /** A scope as recorded (`phiguard history` shows them); all scopes when absent. */
  scope?: string;
  /** ISO date or date-time: only scans started at or after it. */
  since?: string;
  actor: string;
  now: Date;
  tool: { name: string; version: string };
  /** Rule titles by id, from the catalog. */
  ruleTitle: (ruleId: string) => string;
  /** The output file name, recorded in the export event. */
  packageName: string;
  renderPdf?: BuildOptions['renderPdf'];
}

function latest<T extends { scanId: number }>(items: readonly T[], maxScan = Number.POSITIVE_INFINITY): T | undefined {
  return items
    .filter((item) => item.scanId <= maxScan)
    .sort((a, b) => a.scanId - b.scanId)
    .at(-1);
}

function snapshotOf(snapshot: EvidenceSnapshot | undefined): PackageSnapshot | null {
  return snapshot
    ? { scanId: snapshot.scanId, at: snapshot.at, config: snapshot.config, excerpt: snapshot.excerpt }
    : null;
}

function packageScan(scan: ScanRecord): PackageScan {
  return { ...scan, counts: { ...scan.counts } };
}

/** Scans, subjects and snapshots to export, read before the export event is appended. */
async function collect(options: ExportOptions): Promise<{ scans: ScanRecord[]; subjects: PackageSubject[] }> {
  const { store } = options;
  const scans = (await store.scans({ scope: options.scope, since: options.since })).sort((a, b) => a.id - b.id);
  if (scans.length === 0) {
    const what = [options.scope ? `scope ${options.scope}` : null, options.since ? `since ${options.since}` : null]
      .filter(Boolean)
      .join(' ');
    throw new UserError(`no recorded scans${what ? ` for ${what}` : ''}`, undefined, 'see phiguard history');
  }
  const scanCache = new Map<number, ScanRecord | undefined>(scans.map((scan) => [scan.id, scan]));
  const scanOf = async (id: number) => {
    if (!scanCache.has(id)) scanCache.set(id, await store.scan(id));
    return scanCache.get(id);
  };
  // The latest finding of each subject across the exported scans (message, citations, when last seen).
  const lastFinding = new Map<string, StoredFinding>();
  for (const scan of scans) {
    for (const finding of await store.findings(scan.id))
      lastFinding.set(`${scan.scope}\0${finding.subjectKey}`, finding);
  }
  const exported = new Set(scans.map((scan) => scan.id));
  const actorEvent = async (scanId: number) => {
    const scan = await scanOf(scanId);
    return { scanId, at: scan?.startedAt ?? '', actor: scan?.actor ?? '' };
  };

  const subjects: PackageSubject[] = [];
  for (const scope of [...new Set(scans.map((scan) => scan.scope))].sort()) {
    const snapshots = await store.snapshots({ scope });
    const bySubject = new Map<string, EvidenceSnapshot[]>();
    for (const snapshot of snapshots) {
      const list = bySubject.get(snapshot.subjectKey) ?? [];
      list.push(snapshot);
      bySubject.set(snapshot.subjectKey, list);
    }
    for (const subject of await store.subjects(scope)) {
      const fixedHere = subject.fixedInScan !== null && exported.has(subject.fixedInScan);
      let finding = lastFinding.get(`${scope}\0${subject.subjectKey}`);
      if (!finding && !fixedHere) continue;
      // Fixed in range but last failing before it: its finding is in the scan that opened it.
      finding ??= (await store.findings(subject.openedScan)).find((f) => f.subjectKey === subject.subjectKey);
      const own = bySubject.get(subject.subjectKey) ?? [];
      const after = subject.state === 'fixed' ? latest(own.filter((s) => s.kind === 'after')) : undefined;
      const before = latest(
        own.filter((s) => s.kind === 'before'),
        after?.scanId,
      );
      const fixedScan = subject.fixedInScan === null ? undefined : await actorEvent(subject.fixedInScan);
      subjects.push({
        subjectKey: subject.subjectKey,
        ruleId: subject.ruleId,
        title: options.ruleTitle(subject.ruleId),
        severity: subject.severity,
        hipaa: finding?.hipaa ?? [],
        resource: subject.resource,
        file: subject.file,
        state: subject.state,
        message: finding?.message ?? '',
        firstSeen: await actorEvent(subject.firstSeenScan),
        lastSeen: await actorEvent(finding?.scanId ?? subject.openedScan),
        fixed: subject.state === 'fixed' && fixedScan ? { ...fixedScan, reason: subject.fixedReason } : null,
        reopenCount: subject.reopenCount,
        waiver: subject.waiver,
        before: snapshotOf(before),
        after: snapshotOf(after),
      });
    }
  }
  return { scans, subjects };
}

/**
 * Builds the OCR evidence package from the store: appends the `export` event and a signed checkpoint in one
 * transaction, then packages the ledger excerpt from the first exported scan to that checkpoint.
 */
export async function exportEvidence(
  options: ExportOptions,
): Promise<BuiltPackage & { scans: number; subjects: number }> {
  const { store, keys, now } = options;
  const { scans, subjects } = await collect(options);
  const fromSeq = Math.min(...scans.map((scan) => scan.ledgerSeq));
  const { entries, priorHashes, checkpoints } = await store.transaction(async (tx) => {
    await tx.appendLedger([
      {
        kind: 'export',
        at: now.toISOString(),
        actor: options.actor,
        data: {
          package: options.packageName,
          scope: options.scope ?? null,
          since: options.since ?? null,
          scans: scans.map((scan) => scan.id),
          subjects: subjects.length,
        },
      },
    ]);
    const head = await checkpointHead(tx, keys, now);
    const all: LedgerEntry[] = await tx.ledgerEntries({ toSeq: head.treeSize });
    const stored: LedgerCheckpoint[] = await tx.checkpoints();
    // Checkpoints signed under another key (a rotated key, another team member's machine) cannot be verified
    // against this package's key, and those without a root cannot prove the excerpt: the package leaves them out.
    const usable = stored.filter(
      (c): c is Checkpoint =>
        c.keyId === keys.fingerprint && c.rootHash !== null && c.treeSize >= fromSeq - 1 && c.treeSize <= head.treeSize,
    );
    const ordered = [...usable.filter((c) => c.signature !== head.signature), head].sort(
      (a, b) => a.treeSize - b.treeSize,
    );
    return {
      entries: all.filter((entry) => entry.seq >= fromSeq),
      priorHashes: all.filter((entry) => entry.seq < fromSeq).map((entry) => entry.hash),
      checkpoints: ordered,
    };
  });
  const input: PackageInput = {
    generatedAt: now.toISOString(),
    generatedBy: options.actor,
    tool: options.tool,
    scope: options.scope ?? null,
    since: options.since ?? null,
    scans: scans.map(packageScan),
    subjects,
    ledger: { entries, priorHashes, checkpoints },
  };
  try {
    const built = await buildPackage(input, keys, { renderPdf: options.renderPdf });
    return { ...built, scans: scans.length, subjects: subjects.length };
  } catch (error) {
    if (error instanceof UnredactedLedgerError) {
      throw new UserError(error.message, undefined, 'the ledger cannot be rewritten; report this as a bug');
    }
    throw error;
  }
}

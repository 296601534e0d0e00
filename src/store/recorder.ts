// Records one scan: its findings, the lifecycle of every subject of its scope, before/after evidence and the ledger
// entries, all in one transaction at the end. Until `commit` nothing is written, so a scan killed midway leaves no
// trace; memory holds the findings' rows and configurations only of subjects that open or close.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding, FindingWaiver, Resource } from '../core/types.js';
import type { LedgerEvent } from '../evidence/ledger.js';
import { isSecretName, redactText, redactValue } from '../evidence/redact.js';
import type { Row } from './bulk.js';
import { canonicalJsonFast as canonicalJson } from './canonical.js';
import { FINDING_COLUMNS, SUBJECT_COLUMNS } from './schema.js';
import type { Repository, SqlStore } from './store.js';
import { relativeTo, resourceConfig, scopeKey, subjectKey } from './subject.js';
import {
  type Lifecycle,
  type ScanCounts,
  type ScanInput,
  type ScanRecord,
  type ScanRecorder,
  type ScanStart,
  STATUS_CHANGES_PER_EVENT,
  STATUS_FIELDS,
  type SubjectState,
} from './types.js';

interface Known {
  state: SubjectState;
  ruleId: string;
  resourceId: string;
  openedScan: number;
  reopenCount: number;
}

/** A subject with at least one failing, unknown or waived finding in this scan. */
interface Seen {
  key: string;
  failing: boolean;
  ruleId: string;
  resource: Finding['resource'];
  file: string | null;
  severity: string;
  waiver: FindingWaiver | null;
  lifecycle: Exclude<Lifecycle, 'fixed'>;
  /** Redacted canonical configuration, captured only when this scan may open the subject. */
  config?: string;
  at?: { file: string; line: number };
}

interface Passed {
  config?: string;
  at?: { file: string; line: number };
}

interface PendingSnapshot {
  key: string;
  kind: 'before' | 'after';
  resourceId: string;
  /** Redacted canonical JSON; `null` text when the resource is gone. No snapshot without it. */
  config?: string;
  at?: { file: string; line: number };
}

function before(subject: Seen): PendingSnapshot {
  return { key: subject.key, kind: 'before', resourceId: subject.resource.id, config: subject.config, at: subject.at };
}

type Change = [string, string, string, string | null, string, string | null];

const SUBJECT_UPSERT = `ON CONFLICT (scope, subject_key) DO UPDATE SET ${[
  'state',
  'opened_scan',
  'fixed_in_scan',
  'fixed_reason',
  'reopen_count',
  'waiver',
]
  .map((column) => `${column} = excluded.${column}`)
  .join(', ')}`;

/** Lines of source kept around a finding's line in its IaC excerpt. */
const EXCERPT_CONTEXT = 3;
/** Distinct redacted strings remembered per scan: messages and evidence repeat across resources. */
const MEMO_LIMIT = 100_000;

function memoized(fn: (text: string) => string): (text: string) => string {
  const memo = new Map<string, string>();
  return (text) => {
    let result = memo.get(text);
    if (result === undefined) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      result = fn(text);
      memo.set(text, result);
    }
    return result;
  };
}

/**
 * The evidence of a finding, redacted. `actual` of a secret-named property (`administratorLoginPassword`) is
 * redacted whole, since the value itself may not look like a secret.
 */
function redactEvidence(json: string): string {
  const evidence = JSON.parse(json) as Finding['evidence'];
  const leaf = evidence.path.split('.').at(-1) ?? '';
  const actual =
    leaf && isSecretName(leaf)
      ? (redactValue({ [leaf]: evidence.actual }) as Record<string, unknown>)[leaf]
      : redactValue(evidence.actual);
  return JSON.stringify({ path: evidence.path, actual, expected: evidence.expected });
}

function redactWaiver(waiver: FindingWaiver): FindingWaiver {
  return redactValue({ ...waiver, reason: redactText(waiver.reason) });
}

export async function beginScan(store: SqlStore, start: ScanStart): Promise<ScanRecorder> {
  const scope = scopeKey(start.roots, start.base);
  const recorder = new Recorder(store, start, scope);
  await recorder.load(store);
  return recorder;
}

class Recorder implements ScanRecorder {
  private known = new Map<string, Known>();
  private knownAsOf = 0;
  private readonly seen = new Map<string, Seen>();
  private readonly passed = new Map<string, Passed>();
  private readonly rows: Row[] = [];
  private readonly rowSubjects: Seen[] = [];
  private readonly files = new Map<string, string>();
  private readonly configs = new WeakMap<Resource, string>();
  private readonly hipaa = new WeakMap<readonly string[], string>();
  private readonly message = memoized(redactText);
  private readonly evidence = memoized(redactEvidence);
  private committed = false;

  constructor(
    private readonly store: SqlStore,
    private readonly start: ScanStart,
    readonly scope: string,
  ) {}

  get wantsPasses(): boolean {
    for (const known of this.known.values()) if (known.state !== 'fixed') return true;
    return false;
  }

  /** The scope's subjects as of its latest scan: what this scan's results are compared with. */
  async load(repository: Repository): Promise<void> {
    const latest = await repository.db
      .selectFrom('scans')
      .select((eb) => eb.fn.max('id').as('latest'))
      .where('scope', '=', this.scope)
      .executeTakeFirst();
    this.knownAsOf = Number(latest?.latest ?? 0);
    const rows = await repository.db
      .selectFrom('subjects')
      .select(['subject_key', 'state', 'rule_id', 'resource_id', 'opened_scan', 'reopen_count'])
      .where('scope', '=', this.scope)
      .execute();
    this.known = new Map(
      rows.map((row) => [
        row.subject_key,
        {
          state: row.state as SubjectState,
          ruleId: row.rule_id,
          resourceId: row.resource_id,
          openedScan: row.opened_scan,
          reopenCount: row.reopen_count,
        },
      ]),
    );
  }

  private relativeFile(file: string | undefined): string | null {
    if (file === undefined) return null;
    let rel = this.files.get(file);
    if (rel === undefined) {
      rel = relativeTo(this.start.base, file);
      this.files.set(file, rel);
    }
    return rel;
  }

  /** The resource's file, as the finding fingerprint uses it (the location may be a parameter file). */
  private subjectFile(finding: Finding, resource: Resource | undefined): string | null {
    return this.relativeFile(resource ? resource.file : finding.location?.file);
  }

  private config(resource: Resource | undefined): string | undefined {
    if (!resource) return undefined;
    let text = this.configs.get(resource);
    if (text === undefined) {
      text = canonicalJson(redactValue(resourceConfig(resource)));
      this.configs.set(resource, text);
    }
    return text;
  }

  add(finding: Finding, resource?: Resource): void {
    if (finding.status === 'pass') {
      if (this.known.size === 0) return;
      const key = subjectKey(finding.ruleId, finding.resource.address, this.subjectFile(finding, resource));
      const known = this.known.get(key);
      if (!known || known.state === 'fixed' || this.passed.has(key)) return;
      const at = finding.location ? { file: finding.location.file, line: finding.location.line } : undefined;
      this.passed.set(key, { config: this.config(resource), at });
      return;
    }
    const file = this.subjectFile(finding, resource);
    const key = subjectKey(finding.ruleId, finding.resource.address, file);
    let subject = this.seen.get(key);
    if (!subject) {
      const known = this.known.get(key);
      subject = {
        key,
        failing: false,
        ruleId: finding.ruleId,
        resource: finding.resource,
        file,
        severity: finding.severity,
        waiver: null,
        lifecycle: 'open',
        at: finding.location ? { file: finding.location.file, line: finding.location.line } : undefined,
        // Only a subject this scan may open needs its configuration as "before" evidence.
        config: !known || known.state === 'fixed' ? this.config(resource) : undefined,
      };
      this.seen.set(key, subject);
    }
    if (finding.status !== 'waived') subject.failing = true;
    else if (finding.waiver) subject.waiver = redactWaiver(finding.waiver);
    let hipaa = this.hipaa.get(finding.hipaa);
    if (hipaa === undefined) {
      hipaa = JSON.stringify(finding.hipaa);
      this.hipaa.set(finding.hipaa, hipaa);
    }
    const { resource: r, location } = finding;
    this.rows.push([
      0,
      key,
      finding.fingerprint,
      finding.ruleId,
      finding.status,
      '',
      finding.severity,
      finding.phi ? 1 : 0,
      finding.baselined ? 1 : 0,
      r.id,
      r.type,
      r.name,
      r.address,
      location?.file ?? null,
      location?.line ?? null,
      location?.column ?? null,
      this.message(finding.message),
      this.evidence(JSON.stringify(finding.evidence)),
      hipaa,
      finding.labels?.length ? JSON.stringify(finding.labels) : null,
      finding.waiver ? JSON.stringify(redactWaiver(finding.waiver)) : null,
    ]);
    this.rowSubjects.push(subject);
  }

  async commit(end: { finishedAt: Date; incomplete: boolean; inputs: ScanInput[] }): Promise<ScanRecord> {
    if (this.committed) throw new Error('scan already committed');
    this.committed = true;
    const { start, scope } = this;
    const finishedAt = end.finishedAt.toISOString();
    const status = end.incomplete ? 'incomplete' : 'complete';
    return this.store.transaction(async (tx) => {
      const latest = await tx.db
        .selectFrom('scans')
        .select((eb) => eb.fn.max('id').as('latest'))
        .where('scope', '=', scope)
        .executeTakeFirst();
      // Another scan of this scope committed while this one ran: compare with what it left.
      if (Number(latest?.latest ?? 0) !== this.knownAsOf) await this.load(tx);
      const inserted = await tx.db
        .insertInto('scans')
        .values({
          scope,
          started_at: start.startedAt.toISOString(),
          finished_at: finishedAt,
          actor: start.actor,
          tool_version: start.toolVersion,
          catalog_version: start.catalogVersion,
          inputs: JSON.stringify(end.inputs),
          status,
          fail_count: 0,
          unknown_count: 0,
          waived_count: 0,
          new_count: 0,
          open_count: 0,
          reopened_count: 0,
          fixed_count: 0,
          ledger_seq: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const scanId = Number(inserted.id);
      const counts: ScanCounts = { fail: 0, unknown: 0, waived: 0, new: 0, open: 0, reopened: 0, fixed: 0 };
      const changes: Change[] = [];
      const newSubjects: Row[] = [];
      const changedSubjects: Row[] = [];
      const snapshots: PendingSnapshot[] = [];
      const subjectRow = (
        s: { key: string; ruleId: string; resource: Finding['resource']; file: string | null; severity: string },
        state: SubjectState,
        opened: number,
        fixed: { scan: number; reason: string } | null,
        reopenCount: number,
        waiver: FindingWaiver | null,
      ) =>
        (this.known.has(s.key) ? changedSubjects : newSubjects).push([
          scope,
          s.key,
          s.ruleId,
          s.resource.id,
          s.resource.type,
          s.resource.name,
          s.resource.address,
          s.file,
          s.severity,
          state,
          scanId,
          opened,
          fixed?.scan ?? null,
          fixed?.reason ?? null,
          reopenCount,
          waiver ? JSON.stringify(waiver) : null,
        ]);

      for (const subject of this.seen.values()) {
        const known = this.known.get(subject.key);
        const ref = [subject.key, subject.ruleId, subject.resource.id] as const;
        if (subject.failing) {
          if (!known) {
            subject.lifecycle = 'new';
            subjectRow(subject, 'open', scanId, null, 0, null);
            changes.push([...ref, null, 'new', null]);
          } else if (known.state === 'fixed') {
            subject.lifecycle = 'reopened';
            subjectRow(subject, 'open', scanId, null, known.reopenCount + 1, null);
            changes.push([...ref, 'fixed', 'reopened', null]);
          } else if (known.state === 'waived') {
            subject.lifecycle = 'open';
            subjectRow(subject, 'open', known.openedScan, null, known.reopenCount, null);
            changes.push([...ref, 'waived', 'open', 'waiver no longer applies']);
          } else subject.lifecycle = 'open';
          if (subject.lifecycle === 'new' || subject.lifecycle === 'reopened') {
            snapshots.push(before(subject));
          }
          counts[subject.lifecycle]++;
        } else {
          subject.lifecycle = 'waived';
          if (known?.state !== 'waived') {
            const reason = subject.waiver?.reason.slice(0, 200) ?? null;
            subjectRow(subject, 'waived', known?.openedScan ?? scanId, null, known?.reopenCount ?? 0, subject.waiver);
            changes.push([...ref, known?.state ?? null, 'waived', reason]);
            if (!known || known.state === 'fixed') {
              snapshots.push(before(subject));
            }
          }
        }
      }
      const close = (key: string, known: Known, reason: 'passed' | 'gone', passed?: Passed) => {
        const placeholder = { id: known.resourceId, type: '', name: '', address: '' };
        subjectRow(
          { key, ruleId: known.ruleId, resource: placeholder, file: null, severity: '' },
          'fixed',
          known.openedScan,
          { scan: scanId, reason },
          known.reopenCount,
          null,
        );
        changes.push([key, known.ruleId, known.resourceId, known.state, 'fixed', reason]);
        counts.fixed++;
        if (reason === 'gone') snapshots.push({ key, kind: 'after', resourceId: known.resourceId, config: 'null' });
        else if (passed?.config !== undefined) {
          snapshots.push({ key, kind: 'after', resourceId: known.resourceId, config: passed.config, at: passed.at });
        }
      };
      for (const [key, passed] of this.passed) {
        const known = this.known.get(key);
        if (known && known.state !== 'fixed' && !this.seen.has(key)) close(key, known, 'passed', passed);
      }
      // Only a complete scan of the scope can say a subject is gone; an incomplete one may simply not have read it.
      if (!end.incomplete) {
        for (const [key, known] of this.known) {
          if (known.state !== 'fixed' && !this.seen.has(key) && !this.passed.has(key)) close(key, known, 'gone');
        }
      }

      for (let i = 0; i < this.rows.length; i++) {
        const row = this.rows[i];
        row[0] = scanId;
        row[5] = this.rowSubjects[i].lifecycle;
        counts[row[4] as 'fail' | 'unknown' | 'waived']++;
      }
      const bulk = tx.bulk();
      await bulk.insert('findings', FINDING_COLUMNS, this.rows);
      // New subjects are plain inserts; only changes of known ones need the upsert.
      await bulk.insert('subjects', SUBJECT_COLUMNS, newSubjects);
      await bulk.insert('subjects', SUBJECT_COLUMNS, changedSubjects, SUBJECT_UPSERT);
      await this.writeSnapshots(tx, scanId, finishedAt, snapshots);

      const event = (kind: LedgerEvent['kind'], data: Record<string, unknown>): LedgerEvent => ({
        kind,
        at: finishedAt,
        actor: start.actor,
        data,
      });
      const events = [
        event('scan', {
          scan: scanId,
          scope,
          status,
          startedAt: start.startedAt.toISOString(),
          inputs: end.inputs,
          toolVersion: start.toolVersion,
          catalogVersion: start.catalogVersion,
          counts,
        }),
      ];
      for (let i = 0; i < changes.length; i += STATUS_CHANGES_PER_EVENT) {
        events.push(
          event('status', {
            scan: scanId,
            scope,
            fields: STATUS_FIELDS,
            changes: changes.slice(i, i + STATUS_CHANGES_PER_EVENT),
          }),
        );
      }
      const entries = await tx.appendLedger(events);
      await tx.db
        .updateTable('scans')
        .set({
          fail_count: counts.fail,
          unknown_count: counts.unknown,
          waived_count: counts.waived,
          new_count: counts.new,
          open_count: counts.open,
          reopened_count: counts.reopened,
          fixed_count: counts.fixed,
          ledger_seq: entries[0].seq,
        })
        .where('id', '=', scanId)
        .execute();
      const record = await tx.scan(scanId);
      if (!record) throw new Error(`scan ${scanId} vanished inside its own transaction`);
      return record;
    });
  }

  private async writeSnapshots(
    tx: Repository,
    scanId: number,
    at: string,
    snapshots: PendingSnapshot[],
  ): Promise<void> {
    const sources = new Map<string, string[] | null>();
    const lines = (file: string) => {
      let text = sources.get(file);
      if (text === undefined) {
        try {
          text = readFileSync(resolve(file), 'utf8').split(/\r?\n/);
        } catch {
          text = null;
        }
        sources.set(file, text);
      }
      return text;
    };
    const rows = [];
    for (const snapshot of snapshots) {
      if (snapshot.config === undefined) continue;
      let excerpt: { file: string; startLine: number; text: string } | null = null;
      const source = snapshot.at ? lines(snapshot.at.file) : null;
      if (snapshot.at && source) {
        const first = Math.max(1, snapshot.at.line - EXCERPT_CONTEXT);
        const text = source.slice(first - 1, snapshot.at.line + EXCERPT_CONTEXT).join('\n');
        excerpt = {
          file: this.relativeFile(snapshot.at.file) ?? snapshot.at.file,
          startLine: first,
          text: redactText(text),
        };
      }
      const config = snapshot.config;
      const digest = createHash('sha256')
        .update(canonicalJson({ config: JSON.parse(config), excerpt }))
        .digest('hex');
      rows.push({
        scan_id: scanId,
        scope: this.scope,
        subject_key: snapshot.key,
        kind: snapshot.kind,
        resource_id: snapshot.resourceId,
        config,
        excerpt_file: excerpt?.file ?? null,
        excerpt_line: excerpt?.startLine ?? null,
        excerpt: excerpt?.text ?? null,
        sha256: digest,
        at,
      });
    }
    for (let i = 0; i < rows.length; i += 500) {
      await tx.db
        .insertInto('snapshots')
        .values(rows.slice(i, i + 500))
        .execute();
    }
  }
}

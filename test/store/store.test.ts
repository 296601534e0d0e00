import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import type { Finding, Resource } from '../../src/core/types.js';
import { entryHash, GENESIS_HASH } from '../../src/evidence/ledger.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { catalogVersion, openStore, subjectKey } from '../../src/store/index.js';
import type { ScanRecord, Store } from '../../src/store/types.js';
import { makeFakeSecrets, secretNeedles } from '../evidence/fake-secrets.js';
import { account, finding, HARNESSES, type Harness, start } from './fixtures.js';

const TLS = 'PHI-STG-006';
const HTTPS = 'PHI-STG-001';

async function record(
  store: Store,
  results: [Finding, Resource?][],
  options: { incomplete?: boolean; at?: string; actor?: string } = {},
): Promise<ScanRecord> {
  const at = new Date(options.at ?? '2026-03-01T10:00:00Z');
  const recorder = await store.beginScan(start({ startedAt: at, actor: options.actor ?? 'alice' }));
  for (const [f, r] of results) recorder.add(f, r);
  return recorder.commit({
    finishedAt: new Date(at.getTime() + 1000),
    incomplete: options.incomplete ?? false,
    inputs: [{ path: 'infra/main.json', sha256: 'a'.repeat(64) }],
  });
}

for (const makeHarness of HARNESSES) {
  const dialect = makeHarness().dialect;
  describe(`store on ${dialect}`, () => {
    let harness: Harness;
    let store: Store;
    afterEach(async () => {
      await store?.close();
      await harness?.cleanup();
    });
    const fresh = async () => {
      harness = makeHarness();
      store = await harness.open();
      return store;
    };

    it('migrates once: reopening the same store runs nothing and keeps the data', async () => {
      await fresh();
      await record(store, [[finding(account('a'), TLS, 'fail'), account('a')]]);
      await store.close();
      store = await harness.open();
      const again = await harness.open();
      try {
        assert.equal((await again.scans()).length, 1);
        assert.equal((await store.scans()).length, 1);
      } finally {
        await again.close();
      }
    });

    it('records a scan: who, when, scope, versions, inputs, findings and counts', async () => {
      await fresh();
      const a = account('a');
      const scan = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(a, HTTPS, 'unknown'), a],
        [finding(a, 'PHI-STG-002', 'pass'), a],
      ]);
      assert.equal(scan.scope, 'infra');
      assert.equal(scan.actor, 'alice');
      assert.equal(scan.status, 'complete');
      assert.equal(scan.toolVersion, '1.2.3');
      assert.equal(scan.startedAt, '2026-03-01T10:00:00.000Z');
      assert.deepEqual(scan.inputs, [{ path: 'infra/main.json', sha256: 'a'.repeat(64) }]);
      assert.deepEqual(scan.counts, { fail: 1, unknown: 1, waived: 0, new: 2, open: 0, reopened: 0, fixed: 0 });
      const stored = await store.findings(scan.id);
      assert.equal(stored.length, 2, 'passes are not stored');
      const tls = stored.find((f) => f.ruleId === TLS);
      assert.ok(tls);
      assert.equal(tls.lifecycle, 'new');
      assert.equal(tls.subjectKey, subjectKey(TLS, a.address, 'infra/main.json'));
      assert.deepEqual(tls.evidence, { path: 'properties.minimumTlsVersion', actual: 'TLS1_0', expected: 'TLS1_2' });
      assert.deepEqual(tls.location, { file: '/estate/infra/main.json', line: 7, column: 9 });
      assert.deepEqual(tls.hipaa, ['164.312(e)(1)']);
      assert.equal(tls.phi, true);
      assert.deepEqual(await store.scans({ scope: 'infra' }), [scan]);
      assert.deepEqual(await store.scans({ scope: 'other' }), []);
      assert.deepEqual(await store.scans({ since: '2026-03-02' }), []);
    });

    it('follows a subject through new, open, fixed, reopened, waived and gone', async () => {
      await fresh();
      const a = account('a');
      const b = account('b');
      const fixedB = account('b', { minimumTlsVersion: 'TLS1_2' });
      const s1 = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(b, TLS, 'fail'), b],
      ]);
      assert.deepEqual([s1.counts.new, s1.counts.open, s1.counts.fixed], [2, 0, 0]);

      const s2 = await record(
        store,
        [
          [finding(a, TLS, 'fail'), a],
          [finding(fixedB, TLS, 'pass'), fixedB],
        ],
        { at: '2026-03-02T10:00:00Z' },
      );
      assert.deepEqual([s2.counts.new, s2.counts.open, s2.counts.fixed], [0, 1, 1]);
      const keyB = subjectKey(TLS, b.address, 'infra/main.json');
      let subjects = await store.subjects('infra');
      const subjectB = subjects.find((s) => s.subjectKey === keyB);
      assert.equal(subjectB?.state, 'fixed');
      assert.equal(subjectB?.fixedInScan, s2.id);
      assert.equal(subjectB?.fixedReason, 'passed');
      assert.equal(subjects.find((s) => s.subjectKey !== keyB)?.lifecycle, 'open');

      const snapshots = await store.snapshots({ scope: 'infra', subjectKey: keyB });
      assert.deepEqual(
        snapshots.map((s) => [s.kind, s.scanId]),
        [
          ['before', s1.id],
          ['after', s2.id],
        ],
      );
      assert.equal(
        (snapshots[0].config as { properties: { minimumTlsVersion: string } }).properties.minimumTlsVersion,
        'TLS1_0',
      );
      assert.equal(
        (snapshots[1].config as { properties: { minimumTlsVersion: string } }).properties.minimumTlsVersion,
        'TLS1_2',
      );
      assert.match(snapshots[0].sha256, /^[0-9a-f]{64}$/);

      const s3 = await record(
        store,
        [
          [finding(a, TLS, 'fail'), a],
          [finding(b, TLS, 'fail'), b],
        ],
        { at: '2026-03-03T10:00:00Z' },
      );
      assert.equal(s3.counts.reopened, 1);
      subjects = await store.subjects('infra');
      assert.equal(subjects.find((s) => s.subjectKey === keyB)?.lifecycle, 'reopened');
      assert.equal(subjects.find((s) => s.subjectKey === keyB)?.reopenCount, 1);
      assert.equal((await store.findings(s3.id)).find((f) => f.subjectKey === keyB)?.lifecycle, 'reopened');
      assert.equal((await store.snapshots({ subjectKey: keyB })).filter((s) => s.kind === 'before').length, 2);

      // An incomplete scan that did not read b does not call it fixed.
      const waiver = {
        reason: 'legacy client until Q3',
        source: 'file' as const,
        at: 'w.yaml:3',
        state: 'active' as const,
      };
      const s4 = await record(store, [[finding(a, TLS, 'waived', { waiver }), a]], {
        incomplete: true,
        at: '2026-03-04T10:00:00Z',
      });
      assert.equal(s4.counts.fixed, 0);
      subjects = await store.subjects('infra');
      assert.equal(subjects.find((s) => s.subjectKey !== keyB)?.state, 'waived');
      assert.deepEqual(subjects.find((s) => s.subjectKey !== keyB)?.waiver?.reason, 'legacy client until Q3');
      assert.equal(subjects.find((s) => s.subjectKey === keyB)?.state, 'open');

      // A complete scan without b: b is gone, so fixed; a's waiver no longer applies: open again.
      const s5 = await record(store, [[finding(a, TLS, 'fail'), a]], { at: '2026-03-05T10:00:00Z' });
      assert.equal(s5.counts.fixed, 1);
      subjects = await store.subjects('infra');
      assert.equal(subjects.find((s) => s.subjectKey === keyB)?.fixedReason, 'gone');
      assert.equal(subjects.find((s) => s.subjectKey !== keyB)?.state, 'open');
      const gone = (await store.snapshots({ subjectKey: keyB, scanId: s5.id }))[0];
      assert.equal(gone.kind, 'after');
      assert.equal(gone.config, null);
      assert.deepEqual(
        (await store.subjects('infra', { states: ['fixed'] })).map((s) => s.subjectKey),
        [keyB],
      );
    });

    it('diffs two scans: new, fixed, still failing, reopened, waived', async () => {
      await fresh();
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => account(name));
      const s1 = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(b, TLS, 'fail'), b],
        [finding(d, TLS, 'fail'), d],
      ]);
      const s2 = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(d, TLS, 'fail'), d],
      ]);
      const waiver = { reason: 'accepted', source: 'file' as const, at: 'w.yaml:1', state: 'active' as const };
      const s3 = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(b, TLS, 'fail'), b],
        [finding(c, TLS, 'unknown'), c],
        [finding(d, TLS, 'waived', { waiver }), d],
      ]);
      const diff = await store.diff(s2.id, s3.id);
      const names = (list: Finding[] | { resource: { name: string } }[]) => list.map((f) => f.resource.name).sort();
      assert.deepEqual(names(diff.new), ['c']);
      assert.deepEqual(names(diff.reopened), ['b']);
      assert.deepEqual(names(diff.stillFailing), ['a']);
      assert.deepEqual(names(diff.waived), ['d']);
      assert.deepEqual(names(diff.fixed), []);
      const back = await store.diff(s1.id, s2.id);
      assert.deepEqual(names(back.fixed), ['b']);
      assert.deepEqual(names(back.stillFailing), ['a', 'd']);
      await assert.rejects(store.diff(s1.id, 999), /no scan 999/);
    });

    it('rolls a failed scan back entirely: no scan, finding, subject or ledger entry is visible', async () => {
      await fresh();
      const a = account('a');
      await record(store, [[finding(a, TLS, 'fail'), a]]);
      const before = await store.ledgerEntries();
      const recorder = await store.beginScan(start());
      recorder.add(finding(account('b'), TLS, 'fail'), account('b'));
      // A NOT NULL column left null fails the findings insert after the scan row was written.
      recorder.add(finding(account('c'), TLS, 'fail', { severity: null as unknown as 'high' }), account('c'));
      await assert.rejects(
        recorder.commit({ finishedAt: new Date(), incomplete: false, inputs: [] }),
        /null|NOT NULL/i,
      );
      assert.equal((await store.scans()).length, 1);
      assert.equal((await store.subjects('infra')).length, 1);
      assert.deepEqual(await store.ledgerEntries(), before);

      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.appendLedger([{ kind: 'export', at: '2026-03-01T00:00:00Z', actor: 'x', data: {} }]);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await store.ledgerEntries(), before);
    });

    it('chains every scan and status change in the ledger, in the same transaction as the scan', async () => {
      await fresh();
      const a = account('a');
      const b = account('b');
      const s1 = await record(store, [
        [finding(a, TLS, 'fail'), a],
        [finding(b, TLS, 'fail'), b],
      ]);
      const s2 = await record(
        store,
        [[finding(a, TLS, 'fail'), a], [finding(account('b', { minimumTlsVersion: 'TLS1_2' }), TLS, 'pass')]],
        {
          actor: 'bob',
        },
      );
      const [exported] = await store.appendLedger([
        { kind: 'export', at: '2026-03-09T00:00:00Z', actor: 'carol', data: { file: 'ocr.zip' } },
      ]);
      const entries = await store.ledgerEntries();
      assert.deepEqual(
        entries.map((e) => e.seq),
        entries.map((_, i) => i + 1),
      );
      let prev = GENESIS_HASH;
      for (const entry of entries) {
        assert.equal(entry.prevHash, prev);
        assert.equal(entry.hash, entryHash(entry.seq, entry.prevHash, entry.event));
        prev = entry.hash;
      }
      assert.deepEqual(await store.lastLedgerEntry(), exported);
      const events = entries.map((e) => JSON.parse(e.event));
      assert.deepEqual(
        events.map((e) => [e.kind, e.actor]),
        [
          ['scan', 'alice'],
          ['status', 'alice'],
          ['scan', 'bob'],
          ['status', 'bob'],
          ['export', 'carol'],
        ],
      );
      assert.equal(entries[s1.ledgerSeq - 1].seq, 1);
      assert.equal(events[2].data.scan, s2.id);
      assert.deepEqual(events[0].data.counts, s1.counts);
      const keyB = subjectKey(TLS, b.address, 'infra/main.json');
      assert.deepEqual(
        events[1].data.changes.map((c: unknown[]) => c.slice(3, 5)),
        [
          [null, 'new'],
          [null, 'new'],
        ],
      );
      assert.deepEqual(events[3].data.changes, [[keyB, TLS, b.id, 'open', 'fixed', 'passed']]);
      assert.deepEqual(events[3].data.fields, ['subject', 'rule', 'resource', 'from', 'to', 'reason']);

      await store.addCheckpoint({
        treeSize: 5,
        headHash: exported.hash,
        rootHash: null,
        keyId: 'k1',
        signature: 'c2ln',
        at: '2026-03-09T00:00:01Z',
      });
      assert.deepEqual(await store.checkpoints(), [
        {
          treeSize: 5,
          headHash: exported.hash,
          rootHash: null,
          keyId: 'k1',
          signature: 'c2ln',
          at: '2026-03-09T00:00:01Z',
        },
      ]);
      assert.deepEqual(
        (await store.ledgerEntries({ fromSeq: 2, toSeq: 3 })).map((e) => e.seq),
        [2, 3],
      );
    });

    it('serialises two scans of one scope that overlap: the later commit compares with the earlier', async () => {
      await fresh();
      const a = account('a');
      const first = await store.beginScan(start());
      const second = await store.beginScan(start());
      first.add(finding(a, TLS, 'fail'), a);
      second.add(finding(a, TLS, 'fail'), a);
      const s1 = await first.commit({ finishedAt: new Date('2026-03-01T10:00:01Z'), incomplete: false, inputs: [] });
      const s2 = await second.commit({ finishedAt: new Date('2026-03-01T10:00:02Z'), incomplete: false, inputs: [] });
      assert.equal(s1.counts.new, 1);
      assert.equal(s2.counts.new, 0);
      assert.equal(s2.counts.open, 1);
      assert.equal((await store.subjects('infra')).length, 1);
    });

    it('stores no secret: findings, messages, waivers, configurations and excerpts are redacted', async () => {
      await fresh();
      const fake = makeFakeSecrets();
      const dir = mkdtempSync(join(tmpdir(), 'phiguard-store-src-'));
      try {
        const source = join(dir, 'main.tf');
        writeFileSync(
          source,
          [
            'resource "azurerm_storage_account" "a" {',
            `  # ${fake.lines.get('SAS_URL')}`,
            `  connection = "${fake.lines.get('STORAGE_CONN')}"`,
            '  min_tls_version = "TLS1_0"',
            `  client_secret = "${fake.lines.get('AZURE_CLIENT_SECRET')}"`,
            '}',
          ].join('\n'),
        );
        const resource: Resource = {
          ...account('a', {
            connectionString: fake.lines.get('SB_CONN'),
            siteConfig: { appSettings: [{ name: 'DB', value: fake.lines.get('SQL_CONN') }] },
            notes: fake.lines.get('COSMOS_CONN'),
            administratorLoginPassword: 'Xk9#pQ2!vL7z',
          }),
          file: source,
          at: { file: source, line: 1, column: 1 },
        };
        const f = finding(resource, TLS, 'fail', {
          message: `SAS token found: ${fake.lines.get('SAS_URL')}; ${fake.lines.get('PG_URL')}`,
          location: { file: source, line: 4, column: 3 },
          evidence: { path: 'properties.connection', actual: fake.lines.get('STORAGE_CONN') ?? '', expected: 'none' },
        });
        const password = finding(resource, 'PHI-SQL-001', 'fail', {
          evidence: {
            path: 'properties.administratorLoginPassword',
            actual: 'Xk9#pQ2!vL7z',
            expected: 'a Key Vault reference',
          },
        });
        const waived = finding(resource, HTTPS, 'waived', {
          waiver: {
            reason: `approved, key ${fake.lines.get('AZURE_CLIENT_SECRET')}`,
            source: 'file',
            at: 'w.yaml:1',
            state: 'active',
          },
        });
        const scan = await record(store, [
          [f, resource],
          [password, resource],
          [waived, resource],
        ]);
        const [stored] = (await store.findings(scan.id)).filter((x) => x.ruleId === TLS);
        assert.match(stored.message, /REDACTED/);
        const snapshot = (await store.snapshots({ scanId: scan.id }))[0];
        assert.equal(snapshot.excerpt?.startLine, 1);
        assert.match(snapshot.excerpt?.text ?? '', /min_tls_version = "TLS1_0"/);
        await store.close();
        const dump = await harness.dump();
        assert.ok(dump.includes('min_tls_version'), 'the dump holds the stored text');
        for (const needle of secretNeedles(fake.secrets)) {
          assert.ok(!dump.includes(needle), `secret ${needle.slice(0, 6)}... is in the ${dialect} store`);
        }
        store = await harness.open();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('opening a store', () => {
  it('names a bad URL (exit 2) and an unreachable server (exit 3) in one line', async () => {
    await assert.rejects(openStore('mysql://db.example/x'), (error: Error) => {
      assert.equal(error.name, 'ConfigError');
      assert.match(error.message, /unsupported store URL/);
      return true;
    });
    await assert.rejects(openStore('postgres://user:hunter22@127.0.0.1:1/x'), (error: Error) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(error.exitCode, 3);
      assert.match(error.message, /cannot reach PostgreSQL at 127\.0\.0\.1:1/);
      assert.doesNotMatch(error.message, /hunter22/);
      return true;
    });
  });

  it('versions the catalog by its rules and their metadata', () => {
    const rule = { id: 'PHI-X-001', severity: 'high', title: 't', hipaa: [{ cite: '164.312(a)(1)' }], types: ['A/b'] };
    assert.equal(catalogVersion([rule]), catalogVersion([{ ...rule }]));
    assert.notEqual(catalogVersion([rule]), catalogVersion([{ ...rule, severity: 'low' }]));
  });
});

// The store end to end: phiguard scan records, the estate is fixed, scan again; history and diff show it. A scan
// killed while it writes leaves nothing visible.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/store/index.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { account, finding, start } from './fixtures.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function run(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(cwd, args, { PHIGUARD_DB: '', ...env });
}

function template(tls: Record<string, string>): string {
  return JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: Object.entries(tls).map(([name, minimumTlsVersion]) => ({
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2025-06-01',
        name,
        location: 'eastus',
        tags: { 'data-classification': 'phi' },
        properties: { minimumTlsVersion, allowBlobPublicAccess: false, supportsHttpsTrafficOnly: true },
      })),
    },
    null,
    2,
  );
}

function assertNoStack(stderr: string) {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?/, `stack trace printed:\n${stderr}`);
}

interface JsonScan {
  id: number;
  actor: string;
  scope: string;
  counts: { new: number; fixed: number; reopened: number; fail: number };
}

describe('phiguard scan, history and diff with the store', { concurrency: true }, () => {
  it('scan, fix the estate, scan again: history shows the fix, diff names it, evidence has before and after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-store-cli-'));
    mkdirSync(join(dir, 'infra'));
    mkdirSync(join(dir, '.git'));
    const main = join(dir, 'infra', 'main.json');
    writeFileSync(main, template({ stphione: 'TLS1_0', stphitwo: 'TLS1_0' }));

    const first = await run(dir, ['scan', 'infra', '-f', 'json', '-o', 'first.json', '--actor', 'alice']);
    assert.equal(first.code, 1, first.stderr);
    assert.ok(existsSync(join(dir, 'infra', '.phiguard', 'phiguard.db')));

    writeFileSync(main, template({ stphione: 'TLS1_2', stphitwo: 'TLS1_0' }));
    const second = await run(dir, ['scan', 'infra', '-f', 'json', '-o', 'second.json', '--actor', 'bob']);
    assert.equal(second.code, 1, second.stderr);
    const report = JSON.parse(
      await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'second.json'), 'utf8')),
    );
    assert.ok(
      report.findings.every((f: { status: string }) => f.status !== 'pass'),
      'passes recorded for the store stay out of the report without --include-passed',
    );

    const history = await run(dir, ['history', '--scope', 'infra', '-f', 'json']);
    assert.equal(history.code, 0, history.stderr);
    const scans = JSON.parse(history.stdout) as JsonScan[];
    assert.deepEqual(
      scans.map((s) => [s.id, s.actor, s.scope]),
      [
        [2, 'bob', 'infra'],
        [1, 'alice', 'infra'],
      ],
    );
    assert.equal(scans[0].counts.new, 0);
    assert.ok(scans[0].counts.fixed >= 1, 'the TLS fix is counted');
    assert.equal(scans[0].counts.fail, scans[1].counts.fail - scans[0].counts.fixed);

    const table = await run(dir, ['history']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^SCAN\s+WHEN\s+WHO/m);
    assert.match(table.stdout, /^2\s+\S+\s+bob\s+complete/m);

    const lifecycle = await run(dir, ['history', '--scope', 'infra', '--lifecycle']);
    assert.match(lifecycle.stdout, /^fixed\s+PHI-STG-\d{3}\s+\w+\s+stphione\s+scan 1\s+scan 2 \(passed\)/m);
    assert.match(lifecycle.stdout, /^open\s+PHI-STG-\d{3}\s+\w+\s+stphitwo/m);

    const diff = await run(dir, ['diff', '1', '2', '-f', 'json']);
    assert.equal(diff.code, 0, diff.stderr);
    const changes = JSON.parse(diff.stdout);
    assert.ok(changes.fixed.length >= 1);
    assert.ok(changes.fixed.every((f: { resource: { name: string } }) => f.resource.name === 'stphione'));
    assert.deepEqual(changes.new, []);
    assert.ok(changes.stillFailing.some((f: { resource: { name: string } }) => f.resource.name === 'stphitwo'));
    const diffTable = await run(dir, ['diff', '1', '2']);
    assert.match(diffTable.stdout, /^Fixed \(\d+\):\n\s+PHI-STG-\d{3}\s+\w+\s+fail\s+stphione/m);

    const store = await openStore(join(dir, 'infra', '.phiguard', 'phiguard.db'));
    try {
      for (const fixed of changes.fixed) {
        const snapshots = await store.snapshots({ subjectKey: fixed.subjectKey });
        assert.deepEqual(
          snapshots.map((s) => s.kind),
          ['before', 'after'],
        );
        const tls = snapshots.map((s) => (s.config as { properties: { minimumTlsVersion: string } }).properties);
        assert.deepEqual(
          tls.map((p) => p.minimumTlsVersion),
          ['TLS1_0', 'TLS1_2'],
        );
        assert.match(snapshots[0].excerpt?.text ?? '', /"minimumTlsVersion": "TLS1_0"/);
        assert.match(snapshots[1].excerpt?.text ?? '', /stphione/);
      }
    } finally {
      await store.close();
    }
  });

  it('--no-store writes no store; --db and PHIGUARD_DB choose it; errors are one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-store-cli-'));
    writeFileSync(join(dir, 'main.json'), template({ stphi: 'TLS1_0' }));
    const none = await run(dir, ['scan', '.', '--no-store', '-q']);
    assert.equal(none.code, 1, none.stderr);
    assert.ok(!existsSync(join(dir, '.phiguard')));
    const missing = await run(dir, ['scan', 'nope']);
    assert.equal(missing.code, 2, 'a missing path is an input error, and its store does not create it');
    assert.ok(!existsSync(join(dir, 'nope')));

    const flagged = await run(dir, ['scan', '.', '--db', 'elsewhere/x.db', '-q']);
    assert.equal(flagged.code, 1, flagged.stderr);
    assert.ok(existsSync(join(dir, 'elsewhere', 'x.db')));
    const env = await run(dir, ['scan', '.', '-q'], { PHIGUARD_DB: join(dir, 'elsewhere', 'x.db') });
    assert.equal(env.code, 1, env.stderr);
    assert.ok(!existsSync(join(dir, '.phiguard')));
    const listed = await run(dir, ['history', '--db', 'elsewhere/x.db', '-f', 'json']);
    assert.equal(JSON.parse(listed.stdout).length, 2);

    const unreachable = await run(dir, ['scan', '.', '--db', 'postgres://phi:s3cret-pw@127.0.0.1:1/x']);
    assert.equal(unreachable.code, 3);
    assert.match(unreachable.stderr, /^phiguard: cannot reach PostgreSQL at 127\.0\.0\.1:1 .*\n$/);
    assert.doesNotMatch(unreachable.stderr, /s3cret-pw/);
    const badUrl = await run(dir, ['history', '--db', 'mysql://db/x']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /^phiguard: unsupported store URL "mysql:\/\/db\/x"/);
    const noHistory = await run(dir, ['history', '--db', 'nope.db']);
    assert.equal(noHistory.code, 2);
    assert.match(noHistory.stderr, /^phiguard: nope\.db: no scan history here/);
    const badId = await run(dir, ['diff', '1', 'x', '--db', 'elsewhere/x.db']);
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /scan id must be a positive integer, got "x"/);
    const noScan = await run(dir, ['diff', '1', '7', '--db', 'elsewhere/x.db']);
    assert.equal(noScan.code, 2);
    assert.match(noScan.stderr, /no scan 7 in the store/);
    for (const result of [missing, unreachable, badUrl, noHistory, badId, noScan]) assertNoStack(result.stderr);
  });

  it('a scan killed while its transaction is written leaves no partial scan visible', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-store-kill-'));
    const file = join(dir, 'phiguard.db');
    const store = await openStore(file);
    const resource = account('kept');
    const recorder = await store.beginScan(start());
    recorder.add(finding(resource, 'PHI-STG-006', 'fail'), resource);
    const kept = await recorder.commit({ finishedAt: new Date(), incomplete: false, inputs: [] });
    const ledger = await store.ledgerEntries();
    await store.close();

    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/store/kill-child.ts'), file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    while (!output.includes('committing')) await sleep(20);
    // Kill once the transaction has started writing pages to the WAL.
    const wal = `${file}-wal`;
    const initial = existsSync(wal) ? statSync(wal).size : 0;
    while (!output.includes('committed') && (existsSync(wal) ? statSync(wal).size : 0) <= initial + 1_000_000) {
      await sleep(5);
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    assert.ok(!output.includes('committed'), 'the child finished before it was killed; the test proves nothing');

    const reopened = await openStore(file);
    try {
      assert.deepEqual(
        (await reopened.scans()).map((s) => s.id),
        [kept.id],
      );
      assert.equal((await reopened.subjects(kept.scope)).length, 1);
      assert.deepEqual(await reopened.ledgerEntries(), ledger);
    } finally {
      await reopened.close();
    }
  });
});

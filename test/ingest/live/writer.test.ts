import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { SnapshotWriter } from '../../../src/ingest/live/writer.js';
import { parseSnapshotText } from '../../../src/ingest/snapshot/index.js';

const dir = mkdtempSync(join(tmpdir(), 'phiguard-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const storage = (n: number) => ({
  id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st${n}`,
  type: 'Microsoft.Storage/storageAccounts',
  name: `st${n}`,
  properties: { supportsHttpsTrafficOnly: n % 2 === 0 },
});

describe('snapshot writer', () => {
  for (const name of ['out.ndjson', 'out.json', 'out.ndjson.gz', 'out.json.gz']) {
    it(`${name}: header first, every record, readable by the snapshot adapter`, async () => {
      const path = join(dir, name);
      const writer = new SnapshotWriter(path);
      for (let n = 0; n < 3; n++) await writer.write(storage(n));
      assert.equal(existsSync(path), false, 'nothing at the path before finish');
      await writer.finish({ kind: 'live-snapshot', failures: [] });
      const bytes = readFileSync(path);
      const text = name.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      assert.match(text, /^\{"phiguard":\{"kind":"live-snapshot"/);
      const parsed = parseSnapshotText(text, name.replace(/\.gz$/, ''));
      assert.deepEqual(
        parsed.resources.map((r) => r.name),
        ['st0', 'st1', 'st2'],
      );
      assert.equal(parsed.metadata?.kind, 'live-snapshot');
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
        'temporary files removed',
      );
    });
  }

  it('an empty collection is still a valid snapshot', async () => {
    const path = join(dir, 'empty.json');
    const writer = new SnapshotWriter(path);
    await writer.finish({ kind: 'live-snapshot' });
    const document = JSON.parse(readFileSync(path, 'utf8'));
    assert.deepEqual(document.resources, []);
  });

  it('a directory that does not exist is a one-line input error', async () => {
    const writer = new SnapshotWriter(join(dir, 'missing', 'out.ndjson'));
    await assert.rejects(async () => {
      await writer.write(storage(1));
      await writer.finish({});
    }, /cannot write the snapshot \(ENOENT\)/);
    await writer.abort();
  });

  it('abort leaves nothing behind', async () => {
    const path = join(dir, 'aborted.ndjson');
    const writer = new SnapshotWriter(path);
    await writer.write(storage(1));
    await writer.abort();
    assert.equal(existsSync(path), false);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith('.aborted')),
      [],
    );
  });

  it('a snapshot whose header records failures scans as incomplete, naming the scope and the rules', () => {
    const text = [
      JSON.stringify({
        phiguard: {
          kind: 'live-snapshot',
          failures: [
            {
              scope: '/subscriptions/2222',
              request: 'POST /providers/Microsoft.ResourceGraph/resources',
              reason: 'loopback fault',
              needs: 'the Reader role on /subscriptions/2222',
              count: 1,
              rules: ['PHI-STG-003'],
            },
          ],
        },
      }),
      JSON.stringify(storage(1)),
    ].join('\n');
    const result = parseSnapshotText(text, 'live.ndjson');
    const problem = result.diagnostics.find((d) => d.kind === 'read-error');
    assert.match(
      problem?.message ?? '',
      /collection incomplete for \/subscriptions\/2222: POST .* failed: loopback fault; needs the Reader role .*; verdicts may be missing for PHI-STG-003/,
    );
    assert.equal(result.resources.length, 1);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { generateSnapshot } from '../../../bench/gen-arg-snapshot.js';
import { InputError } from '../../../src/core/errors.js';
import type { Resource } from '../../../src/core/types.js';
import {
  detectSnapshot,
  parseSnapshotText,
  readSnapshot,
  readSnapshotHead,
} from '../../../src/ingest/snapshot/index.js';
import { SnapshotParser } from '../../../src/ingest/snapshot/parser.js';
import type { IngestDiagnostic } from '../../../src/ingest/types.js';

const PAYLOADS = fileURLToPath(new URL('../../../../shared/payloads/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'phiguard-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function stream(file: string) {
  const resources: Resource[] = [];
  const diagnostics: IngestDiagnostic[] = [];
  const snapshot = readSnapshot(file, (d) => diagnostics.push(d));
  for await (const resource of snapshot) resources.push(resource);
  return { resources, diagnostics, metadata: snapshot.metadata };
}

/** Drives the streaming parser with chunks of `size` bytes. */
function chunked(bytes: Buffer, file: string, size: number) {
  const resources: Resource[] = [];
  const diagnostics: IngestDiagnostic[] = [];
  const parser = new SnapshotParser(
    file,
    (r) => resources.push(r),
    (d) => diagnostics.push(d),
  );
  for (let k = 0; k < bytes.length; k += size) parser.push(bytes.subarray(k, k + size));
  parser.end();
  return { resources, diagnostics };
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function payloadFiles(root: string): string[] {
  return readdirSync(root).flatMap((entry) => {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) return payloadFiles(path);
    return entry.endsWith('.json') ? [path] : [];
  });
}

const generated: Record<string, string> = {};
for (const format of ['data', 'array', 'ndjson'] as const) {
  const path = join(dir, `arg-${format}.${format === 'ndjson' ? 'ndjson' : 'json'}`);
  generateSnapshot(400, path, { format, pretty: format === 'array', seed: 7 });
  generated[format] = path;
}

describe('readSnapshot', () => {
  it('streams the same resources as parseSnapshotText for every payload', async () => {
    for (const path of payloadFiles(PAYLOADS)) {
      const expected = parseSnapshotText(readFileSync(path, 'utf8'), path);
      const actual = await stream(path);
      assert.deepEqual(actual.resources, expected.resources, path);
      assert.deepEqual(actual.diagnostics, expected.diagnostics, path);
    }
  });

  it('streams generated Resource Graph exports like the in-memory parse, at any chunk size', async () => {
    for (const [format, path] of Object.entries(generated)) {
      const bytes = readFileSync(path);
      const expected = parseSnapshotText(bytes.toString('utf8'), path);
      assert.equal(expected.resources.length, 400, format);
      assert.deepEqual((await stream(path)).resources, expected.resources, format);
      for (const size of [1, 7, 4096]) {
        assert.deepEqual(chunked(bytes, path, size).resources, expected.resources, `${format} in ${size}-byte chunks`);
      }
    }
  });

  it('gives each generated record its line and canonical type', async () => {
    const { resources } = await stream(generated.data);
    assert.deepEqual(
      resources.slice(0, 3).map((r) => r.at?.line),
      [2, 3, 4],
    );
    assert.ok(resources.every((r) => /^Microsoft\.[A-Za-z]+\/[a-zA-Z]+/.test(r.type)));
    const rule = resources.find((r) => r.type === 'Microsoft.Sql/servers/firewallRules');
    assert.match(rule?.name ?? '', /^sql-[0-9a-f]+\/[\w-]+$/);
  });

  it('reads gzip-compressed snapshots by content, whatever the name', async () => {
    const expected = (await stream(generated.data)).resources.map((r) => r.id);
    const compressed = gzipSync(readFileSync(generated.data));
    for (const name of ['arg.json.gz', 'arg-gz-without-suffix.json']) {
      const { resources, diagnostics } = await stream(write(name, compressed));
      assert.deepEqual(
        resources.map((r) => r.id),
        expected,
        name,
      );
      assert.deepEqual(diagnostics, []);
    }
    const ndjson = await stream(write('arg.ndjson.gz', gzipSync(readFileSync(generated.ndjson))));
    assert.equal(ndjson.resources.length, 400);
  });

  it('reports a truncated gzip file as a parse error and keeps what was read', async () => {
    const compressed = gzipSync(readFileSync(generated.data));
    const { resources, diagnostics } = await stream(
      write('cut.json.gz', compressed.subarray(0, compressed.length / 2)),
    );
    assert.ok(resources.length > 0 && resources.length < 400);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].kind, 'parse-error');
    assert.match(diagnostics[0].message, /truncated or corrupt/);
  });

  it('reports a truncated file as a parse error after yielding the complete records', async () => {
    const text = readFileSync(generated.data, 'utf8');
    const { resources, diagnostics } = await stream(write('cut.json', text.slice(0, Math.floor(text.length * 0.6))));
    assert.ok(resources.length > 200 && resources.length < 400);
    assert.deepEqual(
      diagnostics.map((d) => d.kind),
      ['parse-error'],
    );
    assert.match(diagnostics[0].message, /truncated/);
    assert.equal(diagnostics[0].line, resources.length + 2, 'the line where the input ends');
  });

  it('reports a malformed record with its line and goes on', async () => {
    const lines = readFileSync(generated.data, 'utf8').split('\n');
    lines[10] = lines[10].replace('"properties":{', '"properties":{"broken": tru, ');
    const { resources, diagnostics } = await stream(write('bad-record.json', lines.join('\n')));
    assert.equal(resources.length, 399);
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['parse-error', 11]],
    );
    assert.equal(diagnostics[0].message, 'invalid token');
  });

  it('goes on after a bad NDJSON line', async () => {
    const lines = readFileSync(generated.ndjson, 'utf8').split('\n');
    lines[4] = lines[4].slice(0, 100);
    const { resources, diagnostics } = await stream(write('bad.ndjson', lines.join('\n')));
    assert.equal(resources.length, 399);
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['parse-error', 5]],
    );
  });

  it('transcodes UTF-16 files written by Windows PowerShell', async () => {
    const text = readFileSync(generated.array, 'utf8');
    const expected = (await stream(generated.array)).resources.map((r) => [r.id, r.properties]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { resources } = await stream(write('utf16.json', utf16));
    assert.deepEqual(
      resources.map((r) => [r.id, r.properties]),
      expected,
    );
  });

  it('exposes the envelope metadata on the stream', async () => {
    const path = write(
      'envelope.json',
      JSON.stringify({ phiguard: { version: 1, tool: 'phiguard collect' }, resources: [{ id: '/subscriptions/s1' }] }),
    );
    const result = await stream(path);
    assert.deepEqual(result.metadata, { version: 1, tool: 'phiguard collect' });
    assert.deepEqual(
      result.resources.map((r) => [r.type, r.name]),
      [['Microsoft.Resources/subscriptions', 's1']],
    );
  });

  it('throws an InputError for a file that cannot be opened', async () => {
    await assert.rejects(stream(join(dir, 'missing.json')), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.format(), /missing\.json: cannot read snapshot \(ENOENT\)/);
      return true;
    });
  });

  it('reads the head of compressed files for detection', async () => {
    const path = write('head.json.gz', gzipSync(readFileSync(generated.data)));
    const head = await readSnapshotHead(path, 4096);
    assert.equal(head.length, 4096);
    assert.ok(head.startsWith('{"totalRecords":400'));
    assert.ok(detectSnapshot(head, path));
  });
});

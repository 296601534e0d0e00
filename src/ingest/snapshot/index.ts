// Snapshot adapter: live Azure state saved to a file. Accepts Azure Resource Graph results (object array, the
// 2019-04-01 table format, `az graph query` output), `az ... list/show` output, ARM REST GET and list bodies,
// x-ms-examples files (`responses.200.body`), Microsoft Graph responses (Entra objects, see graph.ts), NDJSON,
// the phiguard snapshot envelope, and any of these gzip-compressed. Every record becomes a Resource with origin
// 'snapshot', address = its id and `at` = where the record starts.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import type { Resource, ValueObject } from '../../core/types.js';
import type { IngestDiagnostic, IngestResult } from '../types.js';
import { SnapshotParser } from './parser.js';

export { detectSnapshot } from './detect.js';

/**
 * The phiguard snapshot envelope: `{"phiguard": {...metadata...}, "resources": [...]}`. The metadata object is
 * kept as written and exposed to callers; what it holds (collection time, scopes, tool version, redaction) is
 * defined by the collector.
 */
export type SnapshotMetadata = ValueObject;

export interface SnapshotResult extends IngestResult {
  metadata?: SnapshotMetadata;
}

/** Resources of a snapshot file, read as they are framed; `metadata` is set once the envelope's metadata is read. */
export interface SnapshotStream extends AsyncIterable<Resource> {
  readonly metadata: SnapshotMetadata | undefined;
}

const CHUNK_SIZE = 1 << 20;

function lineDelimitedByName(file: string): boolean {
  return /\.(ndjson|jsonl)(\.gz)?$/i.test(file);
}

/**
 * Parses a snapshot held in memory (small inputs, tests). Malformed JSON throws an InputError with the line and
 * column of the first error; warnings are returned as diagnostics.
 */
export function parseSnapshotText(text: string, file: string): SnapshotResult {
  const resources: Resource[] = [];
  const diagnostics: IngestDiagnostic[] = [];
  const parser = new SnapshotParser(
    file,
    (resource) => resources.push(resource),
    (diagnostic) => {
      if (diagnostic.kind === 'parse-error') {
        throw new InputError(diagnostic.message, { file, line: diagnostic.line, column: diagnostic.column });
      }
      diagnostics.push(diagnostic);
    },
    { lineDelimited: lineDelimitedByName(file) },
  );
  parser.push(Buffer.from(text, 'utf8'));
  parser.end();
  return { resources, diagnostics, metadata: parser.metadata };
}

/**
 * Streams the resources of a snapshot file with flat memory (270 MB+ exports are never held whole). A bad record
 * is reported through `onDiagnostic` (kind 'parse-error' with its line) and reading continues where framing
 * allows; a truncated file ends with a parse-error. A file that cannot be opened throws an InputError.
 */
export function readSnapshot(file: string, onDiagnostic: (diagnostic: IngestDiagnostic) => void): SnapshotStream {
  const state: { metadata?: SnapshotMetadata } = {};
  return {
    get metadata() {
      return state.metadata;
    },
    [Symbol.asyncIterator]() {
      return stream(file, onDiagnostic, state);
    },
  };
}

async function* stream(
  file: string,
  onDiagnostic: (diagnostic: IngestDiagnostic) => void,
  state: { metadata?: SnapshotMetadata },
): AsyncGenerator<Resource> {
  const source = await openSource(file);
  const queue: Resource[] = [];
  const parser = new SnapshotParser(file, (resource) => queue.push(resource), onDiagnostic, {
    lineDelimited: lineDelimitedByName(file),
  });
  const decode = transcoder();
  try {
    for await (const chunk of source) {
      parser.push(decode(chunk as Buffer));
      state.metadata = parser.metadata;
      if (queue.length > 0) yield* queue.splice(0);
    }
  } catch (error) {
    // Decompression errors surface here: the JSON read so far is kept, the rest is missing.
    const why = describe(error);
    const message = why.startsWith('Z_') ? 'compressed data is truncated or corrupt' : `cannot read the file (${why})`;
    onDiagnostic({ kind: 'parse-error', file, message: `${message}; the rest of the file was not read` });
    yield* queue.splice(0);
    return;
  } finally {
    source.destroy();
  }
  parser.end();
  state.metadata = parser.metadata;
  yield* queue.splice(0);
}

/** Opens a file as a byte stream, gunzipping it when it starts with the gzip magic bytes (whatever its name). */
async function openSource(file: string): Promise<Readable> {
  let magic: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      magic = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new InputError(`cannot read snapshot (${describe(error)})`, { file });
  }
  const raw = createReadStream(file, { highWaterMark: CHUNK_SIZE });
  if (magic.length === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    return pipeline(raw, createGunzip({ chunkSize: CHUNK_SIZE }), () => {
      // Errors reach the consumer through the gunzip stream's iterator.
    });
  }
  return raw;
}

/**
 * Windows PowerShell 5 redirects (`az ... > out.json`) write UTF-16 with a byte order mark: such input is
 * transcoded to UTF-8 chunk by chunk; UTF-8 passes through untouched.
 */
function transcoder(): (chunk: Buffer) => Buffer {
  let decoder: TextDecoder | undefined;
  let decided = false;
  return (chunk) => {
    if (!decided && chunk.length >= 2) {
      decided = true;
      if (chunk[0] === 0xff && chunk[1] === 0xfe) decoder = new TextDecoder('utf-16le');
      else if (chunk[0] === 0xfe && chunk[1] === 0xff) decoder = new TextDecoder('utf-16be');
    }
    return decoder ? Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8') : chunk;
  };
}

/**
 * The first `bytes` bytes of a file as text (gunzipped and transcoded like readSnapshot), for detectSnapshot.
 */
export async function readSnapshotHead(file: string, bytes = 8192): Promise<string> {
  const source = await openSource(file);
  const decode = transcoder();
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of source) {
      const decoded = decode(chunk as Buffer);
      parts.push(decoded);
      length += decoded.length;
      if (length >= bytes) break;
    }
  } catch {
    // A corrupt or truncated compressed file: detect on what was read.
  } finally {
    source.destroy();
  }
  return Buffer.concat(parts)
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/** An error's code or a short message; never file content. */
function describe(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

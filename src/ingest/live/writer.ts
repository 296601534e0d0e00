// Streams collected records to a snapshot file the snapshot adapter reads (src/ingest/snapshot): NDJSON for
// `.ndjson`/`.jsonl` names, else the phiguard envelope `{"phiguard": {...}, "resources": [...]}` with one record per
// line; gzip when the name ends in `.gz`. Records go to a temporary body file as they arrive (memory stays flat);
// `finish` puts the self-describing header first (its counts and failures are only known at the end) and renames
// into place, so a reader never sees a half-written snapshot. Gzip output is three concatenated gzip members
// (header, body, trailer), which gunzip and Node's zlib read as one stream (RFC 1952 section 2.2).
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { InputError } from '../../core/errors.js';

export class SnapshotWriter {
  readonly lineDelimited: boolean;
  readonly gzip: boolean;
  /** Records written so far. */
  count = 0;
  private readonly bodyPath: string;
  private readonly finalTemporary: string;
  private readonly file: WriteStream;
  private readonly sink: Writable;
  private failure: Error | undefined;
  private closed = false;

  constructor(readonly path: string) {
    this.lineDelimited = /\.(ndjson|jsonl)(\.gz)?$/i.test(path);
    this.gzip = /\.gz$/i.test(path);
    const stem = join(dirname(path), `.${basename(path)}.${process.pid}`);
    this.bodyPath = `${stem}.body.tmp`;
    this.finalTemporary = `${stem}.tmp`;
    this.file = createWriteStream(this.bodyPath);
    this.file.on('error', (error) => {
      this.failure ??= error;
    });
    if (this.gzip) {
      const gzip = createGzip();
      gzip.on('error', (error) => {
        this.failure ??= error;
      });
      gzip.pipe(this.file);
      this.sink = gzip;
    } else {
      this.sink = this.file;
    }
  }

  /** Appends one record; resolves when the stream can take more (backpressure). */
  async write(record: unknown): Promise<void> {
    if (this.failure) throw this.writeError(this.failure);
    const text = JSON.stringify(record);
    const separator = this.count === 0 ? '' : this.lineDelimited ? '\n' : ',\n';
    this.count++;
    if (!this.sink.write(separator + text)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.sink.off('error', onError);
          resolve();
        };
        const onError = (error: Error) => {
          this.sink.off('drain', onDrain);
          reject(error);
        };
        this.sink.once('drain', onDrain);
        this.sink.once('error', onError);
      });
    }
  }

  /** Writes the header with `metadata` first, then the records, and renames the result to `path`. */
  async finish(metadata: unknown): Promise<void> {
    try {
      await this.closeBody();
      if (this.failure) throw this.writeError(this.failure);
      const meta = JSON.stringify({ phiguard: metadata });
      const header = this.lineDelimited ? `${meta}\n` : `${meta.slice(0, -1)},\n"resources": [\n`;
      const trailer = this.lineDelimited ? (this.count > 0 ? '\n' : '') : '\n]}\n';
      const encode = (text: string) => (this.gzip ? gzipSync(text) : Buffer.from(text, 'utf8'));
      const out = createWriteStream(this.finalTemporary);
      out.write(encode(header));
      await pipeline(createReadStream(this.bodyPath), out, { end: false });
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(encode(trailer), resolve);
      });
      await rename(this.finalTemporary, this.path);
    } catch (error) {
      throw error instanceof InputError ? error : this.writeError(error as Error);
    } finally {
      await rm(this.bodyPath, { force: true });
      await rm(this.finalTemporary, { force: true });
    }
  }

  /** Drops everything written (nothing reaches `path`). */
  async abort(): Promise<void> {
    await this.closeBody().catch(() => undefined);
    await rm(this.bodyPath, { force: true });
    await rm(this.finalTemporary, { force: true });
  }

  private writeError(error: Error): InputError {
    const code = (error as NodeJS.ErrnoException).code ?? error.message;
    return new InputError(`cannot write the snapshot (${code})`, { file: this.path });
  }

  private async closeBody(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.file.closed) return; // already closed by an error
    await new Promise<void>((resolve) => {
      this.file.once('close', resolve);
      this.sink.end();
    });
  }
}

// A HoldingArea on disk: resources that must wait for the end of a streamed snapshot are written to a temporary
// NDJSON file instead of the heap, so memory stays flat however many SQL servers a 500k-resource snapshot holds.
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { HoldingArea } from '../rules/stream.js';

/** Snapshot resources are plain JSON (no Maps, no Unresolved), so a JSON round trip restores them exactly. */
export class DiskHoldingArea<T> implements HoldingArea<T> {
  private dir: string | undefined;
  private fd: number | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  private count = 0;

  hold(item: T): void {
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'phiguard-hold-'));
      this.fd = openSync(join(this.dir, 'held.ndjson'), 'w');
    }
    const line = `${JSON.stringify(item)}\n`;
    this.buffer.push(line);
    this.buffered += line.length;
    this.count++;
    if (this.buffered >= 1 << 20) this.flush();
  }

  private flush(): void {
    if (this.fd !== undefined && this.buffer.length > 0) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
  }

  async *drain(): AsyncIterable<T> {
    if (this.fd === undefined || this.dir === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
    const dir = this.dir;
    try {
      const lines = createInterface({
        input: createReadStream(join(dir, 'held.ndjson')),
        crlfDelay: Number.POSITIVE_INFINITY,
      });
      for await (const line of lines) if (line) yield JSON.parse(line) as T;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      this.dir = undefined;
      this.count = 0;
    }
  }

  get size(): number {
    return this.count;
  }
}

import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors.js';

function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** Writes a whole file atomically: a reader never sees half a report, and a crash leaves the old file intact. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(path);
  try {
    // flush: the data is on disk before the rename makes it the file (a crash leaves the old file, not an empty one).
    await writeFile(temporary, content, { flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new InputError(`cannot write output (${(error as NodeJS.ErrnoException).code})`, { file: path });
  }
}

/** A streamed output that only replaces `path` when `commit()` is called. `-` is stdout. */
export interface OutputSink {
  write(chunk: string): void;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export function openOutput(path: string): OutputSink {
  if (path === '-') {
    return {
      write: (chunk) => process.stdout.write(chunk),
      commit: async () => {},
      abort: async () => {},
    };
  }
  const temporary = temporaryPath(path);
  const stream: WriteStream = createWriteStream(temporary);
  let failure: NodeJS.ErrnoException | undefined;
  stream.on('error', (error) => {
    failure = error;
  });
  // Findings arrive one small string at a time; batching them saves a stream write (and its bookkeeping) each.
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = () => {
    if (pending.length > 0) stream.write(pending.join(''));
    pending = [];
    pendingLength = 0;
  };
  const closed = () => {
    flush();
    return new Promise<void>((resolve) => stream.end(resolve));
  };
  return {
    write: (chunk) => {
      pending.push(chunk);
      pendingLength += chunk.length;
      if (pendingLength >= 64 * 1024) flush();
    },
    async commit() {
      await closed();
      if (failure) {
        await rm(temporary, { force: true });
        throw new InputError(`cannot write output (${failure.code})`, { file: path });
      }
      await rename(temporary, path);
    },
    async abort() {
      await closed();
      await rm(temporary, { force: true });
    },
  };
}

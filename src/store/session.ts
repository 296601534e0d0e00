// What `phiguard scan` needs to record itself: find and open the store, start a recorder, hash the inputs and commit
// at the end, with the store's failures as one-line messages.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { UserError } from '../core/errors.js';
import type { Finding, Resource } from '../core/types.js';
import { discover } from '../scan/discover.js';
import { redactUrl, StoreUnavailableError } from './errors.js';
import { scannedRoot, storeTarget } from './index.js';
import { openStore } from './store.js';
import { type CatalogRule, catalogVersion, relativeTo } from './subject.js';
import type { ScanInput, ScanRecord, ScanRecorder, Store } from './types.js';

export interface RecordingOptions {
  /** `--db`; with $PHIGUARD_DB it makes the store explicit: failing to open it is then an error, not a warning. */
  db?: string;
  actor?: string;
  /** What was scanned, as the scope sees it (paths, or live scopes for --live). */
  roots: string[];
  /** The paths actually read, for the inputs and their hashes. */
  paths: string[];
  exclude: string[];
  /** Directory scopes and files are made relative to (the repository root). */
  base: string;
  toolVersion: string;
  rules: readonly CatalogRule[];
  now: Date;
  env?: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}

export interface Recording {
  readonly location: string;
  /** True when passes matter: the scope has open or waived subjects a pass can fix. */
  readonly wantsPasses: boolean;
  add: (finding: Finding, resource: Resource) => void;
  finish(incomplete: boolean, finishedAt?: Date): Promise<ScanRecord>;
  close(): Promise<void>;
}

/** The OS user, for the ledger; containers without a passwd entry fall back to $USER. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function hashInputs(paths: string[], exclude: string[], base: string): Promise<ScanInput[]> {
  const files = await discover(paths, exclude);
  const inputs: ScanInput[] = [];
  for (const file of files) {
    // A file that vanished or is unreadable was reported by the scan itself; its hash is simply not known.
    const sha256 = await sha256File(file.path).catch(() => 'unreadable');
    inputs.push({ path: relativeTo(base, file.path), sha256 });
  }
  return inputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Opens the store and starts recording, or returns undefined (with a warning) when the default store cannot be
 * created: a read-only checkout still gets its scan. A store named by --db or $PHIGUARD_DB must work.
 */
export async function startRecording(options: RecordingOptions): Promise<Recording | undefined> {
  const env = options.env ?? process.env;
  const explicit = options.db ?? env.PHIGUARD_DB;
  // A scanned path that does not exist is the scan's input error to report; its store must not create it.
  if (!explicit && !existsSync(scannedRoot(options.paths))) return undefined;
  const target = storeTarget(options.db, options.paths, env);
  let store: Store;
  try {
    store = await openStore(target);
  } catch (error) {
    if (explicit || !(error instanceof UserError)) throw error;
    options.warn(`${target}: scan not recorded: ${error.message} (pass --db, or --no-store)`);
    return undefined;
  }
  let recorder: ScanRecorder;
  try {
    recorder = await store.beginScan({
      roots: options.roots,
      base: options.base,
      actor: options.actor ?? defaultActor(env),
      toolVersion: options.toolVersion,
      catalogVersion: catalogVersion(options.rules),
      startedAt: options.now,
    });
  } catch (error) {
    await store.close();
    throw unavailable(store.location, error);
  }
  return {
    location: store.location,
    wantsPasses: recorder.wantsPasses,
    add: (finding, resource) => recorder.add(finding, resource),
    // With PHIGUARD_NOW the clock is fixed for the whole run (reproducible records); otherwise the scan ends now.
    async finish(incomplete, finishedAt = env.PHIGUARD_NOW ? options.now : new Date()) {
      try {
        const inputs = await hashInputs(options.paths, options.exclude, options.base);
        const record = await recorder.commit({ finishedAt, incomplete, inputs });
        // Each recorded scan ends with a signed checkpoint of the ledger head, so a later edit of the database is
        // caught even between exports (the key is created beside the store on first use).
        const { keysDirFor, signStoreHead } = await import('../evidence/export.js');
        await signStoreHead(store, keysDirFor(target, env), finishedAt);
        return record;
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw unavailable(store.location, error);
      } finally {
        await store.close();
      }
    },
    close: () => store.close(),
  };
}

function unavailable(location: string, error: unknown): StoreUnavailableError {
  const code = (error as { code?: string }).code;
  const message = ((error as Error).message ?? String(error)).split('\n')[0];
  return new StoreUnavailableError(
    `scan not recorded: ${code && !message.includes(code) ? `${code}: ` : ''}${message}`,
    { file: redactUrl(location) },
    'the report is complete; retry, or pass --no-store',
  );
}

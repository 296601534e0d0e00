// The store: scan history, finding lifecycle, evidence snapshots and the ledger (docs/store.md).
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { openStore } from './store.js';
import type { Store } from './types.js';

export { StoreUnavailableError } from './errors.js';
export { type OpenOptions, openStore } from './store.js';
export { catalogVersion, scopeKey, subjectKey } from './subject.js';
export type * from './types.js';

export const DEFAULT_STORE = join('.phiguard', 'phiguard.db');

/** The scanned root: the first path if it is a directory, else its directory. */
export function scannedRoot(paths: string[]): string {
  const first = paths[0] ?? '.';
  return existsSync(first) && !statSync(first).isDirectory() ? dirname(first) : first;
}

/**
 * Where the store is: `--db`, else $PHIGUARD_DB, else an existing `.phiguard/phiguard.db` from the scanned root up to
 * the repository root (scanning a subfolder records into its estate's store), else one in the scanned root.
 */
export function storeTarget(flag: string | undefined, paths: string[], env: NodeJS.ProcessEnv = process.env): string {
  const explicit = flag ?? env.PHIGUARD_DB;
  if (explicit) return explicit;
  const root = scannedRoot(paths);
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    if (existsSync(join(dir, DEFAULT_STORE))) return join(dir, DEFAULT_STORE);
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
  }
  return join(root, DEFAULT_STORE);
}

/** Opens an existing store for reading: a missing SQLite file is an error, not a new empty store. */
export async function openExistingStore(target: string): Promise<Store> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !existsSync(target)) {
    throw new ConfigError('no scan history here', { file: target }, 'run phiguard scan first, or pass --db');
  }
  return openStore(target);
}

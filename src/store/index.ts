// The store: scan history, finding lifecycle, evidence snapshots and the ledger (docs/store.md).
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { openStore } from './store.js';
import type { Store } from './types.js';

export { StoreUnavailableError } from './errors.js';
export { type OpenOptions, openStore } from './store.js';
export { catalogVersion, scopeKey, subjectKey } from './subject.js';
export type * from './types.js';

export const DEFAULT_STORE = join('.phiguard', 'phiguard.db');

/** The enclosing git work tree, else `start` itself: scopes and files are named relative to it. */
export function repositoryRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(start);
  }
}

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

const NOT_SEARCHED = new Set(['.git', 'node_modules', '.terraform']);

/** Stores of scanned roots below `dir` (two levels): `phiguard scan infra` then `phiguard history` from the top. */
export function storesBelow(dir: string, depth = 2): string[] {
  const found: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || NOT_SEARCHED.has(entry.name) || entry.name === '.phiguard') continue;
    const child = join(dir, entry.name);
    if (existsSync(join(child, DEFAULT_STORE))) found.push(join(child, DEFAULT_STORE));
    if (depth > 1) found.push(...storesBelow(child, depth - 1));
  }
  return found;
}

/**
 * Opens an existing store for reading: a missing SQLite file is an error, not a new empty store. Without --db,
 * $PHIGUARD_DB or a store from `root` upwards, the one store of a scanned root below it is used.
 */
export async function openExistingStore(target: string, root?: string): Promise<Store> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !existsSync(target)) {
    const below = root !== undefined ? storesBelow(root) : [];
    if (below.length === 1) return openStore(below[0]);
    throw new ConfigError(
      'no scan history here',
      { file: target },
      below.length > 1
        ? `several stores: pass --db ${below.slice(0, 3).join(' or ')}`
        : 'run phiguard scan first, or pass --db',
    );
  }
  return openStore(target);
}

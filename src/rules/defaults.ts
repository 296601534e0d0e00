// What an absent property means, per resource type, input kind and API version. Rules never guess a default:
// `read()` consults this table (ARCHITECTURE.md "Values carry provenance"). The entries live in defaults/<area>.ts,
// each citing its source; ../shared/reference/controls.md has the quotes.
import { lookup } from '../core/path.js';
import { LIVE_ORIGINS, type Origin, type Resource, type Value } from '../core/types.js';
import { BACKUP_DEFAULTS } from './defaults/backup.js';
import { COMPUTE_DEFAULTS } from './defaults/compute.js';
import { DATA_DEFAULTS } from './defaults/data.js';
import { DATABASE_DEFAULTS } from './defaults/databases.js';
import { IAM_DEFAULTS } from './defaults/iam.js';
import { KEYVAULT_DEFAULTS } from './defaults/keyvault.js';
import { LOG_DEFAULTS } from './defaults/log.js';
import { STORAGE_DEFAULTS } from './defaults/storage.js';
import { TLS_DEFAULTS } from './defaults/tls.js';
import type { PathRead } from './define.js';

export interface DefaultEntry {
  type: string;
  /** Dotted path as rules read it (case-insensitive). */
  path: string;
  /** `template`: ARM, Bicep and Terraform attributes the adapter left absent; `live`: GET/Resource Graph bodies. */
  applies?: 'template' | 'live';
  /** Inclusive lower and exclusive upper bound on the resource's apiVersion (ISO dates compare as strings). */
  apiVersion?: { from?: string; before?: string };
  /** The effective value; `undefined` means "not pinned": the outcome depends on history we cannot see. */
  value: Value | undefined;
  because: string;
  source: string;
}

export const DEFAULTS: readonly DefaultEntry[] = [
  ...STORAGE_DEFAULTS,
  ...DATABASE_DEFAULTS,
  ...IAM_DEFAULTS,
  ...TLS_DEFAULTS,
  ...KEYVAULT_DEFAULTS,
  ...COMPUTE_DEFAULTS,
  ...DATA_DEFAULTS,
  ...BACKUP_DEFAULTS,
  ...LOG_DEFAULTS,
];

const API_VERSION = /^\d{4}-\d{2}-\d{2}/;

function appliesTo(entry: DefaultEntry, origin: Origin): boolean {
  if (!entry.applies) return true;
  return entry.applies === 'live' ? LIVE_ORIGINS.has(origin) : !LIVE_ORIGINS.has(origin);
}

const indexes = new WeakMap<readonly DefaultEntry[], Map<string, DefaultEntry[]>>();

/** Entries by lower-cased `type|path`: read() runs for every property of every resource a rule looks at. */
function indexOf(table: readonly DefaultEntry[]): Map<string, DefaultEntry[]> {
  let index = indexes.get(table);
  if (!index) {
    index = new Map();
    for (const entry of table) {
      const key = `${entry.type}|${entry.path}`.toLowerCase();
      index.set(key, [...(index.get(key) ?? []), entry]);
    }
    indexes.set(table, index);
  }
  return index;
}

/** Reads a property with provenance: set, unknown, or absent resolved through DEFAULTS. */
export function readWithDefaults(
  resource: Resource,
  path: string,
  table: readonly DefaultEntry[] = DEFAULTS,
): PathRead {
  const found = lookup(resource, path);
  if (found.kind === 'present') return { state: 'set', value: found.value, at: found.at, via: found.via, path };
  if (found.kind === 'unresolved') return { state: 'unknown', expression: found.expression, at: found.at, path };
  const adapterDefault = resource.absentDefaults?.get(path.toLowerCase());
  if (adapterDefault) return { state: 'default', ...adapterDefault, at: found.at, path };
  const candidates = (indexOf(table).get(`${resource.type}|${path}`.toLowerCase()) ?? []).filter((entry) =>
    appliesTo(entry, resource.origin),
  );
  if (candidates.length === 0) return absent(path, found.at);
  const live = LIVE_ORIGINS.has(resource.origin);
  const apiVersion = resource.apiVersion;
  if (!live && candidates.some((entry) => entry.apiVersion) && (!apiVersion || !API_VERSION.test(apiVersion))) {
    return {
      state: 'unknown',
      expression: `apiVersion ${apiVersion ?? '(absent)'}: the default of ${path} depends on the API version`,
      at: found.at,
      path,
    };
  }
  const version = apiVersion?.slice(0, 10) ?? '';
  const entry = candidates.find(
    ({ apiVersion: range }) =>
      !range || live || ((!range.from || version >= range.from) && (!range.before || version < range.before)),
  );
  if (!entry) return absent(path, found.at);
  return { state: 'default', value: entry.value, because: entry.because, at: found.at, path };
}

function absent(path: string, at: PathRead['at']): PathRead {
  return { state: 'default', value: undefined, because: 'absent; no documented default', at, path };
}

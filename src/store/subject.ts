// Pure helpers that name what the store tracks: subjects, scopes, the rule catalog's version and a resource's
// configuration as evidence.
import { hash } from 'node:crypto';
import { relative, resolve, sep } from 'node:path';
import { type Resource, Unresolved, type Value } from '../core/types.js';

/**
 * hash(rule id, resource address, file): the finding fingerprint without the value, so a subject keeps its key when
 * the value that failed is fixed (the fingerprint changes then).
 */
export function subjectKey(ruleId: string, address: string, file: string | null): string {
  // NUL cannot occur in a rule id, an address or a path, so the joined text is unambiguous.
  return hash('sha256', `${ruleId}\u0000${address.toLowerCase()}\u0000${file ?? ''}`, 'hex').slice(0, 32);
}

/** ARM ids and scopes (`/subscriptions/...`, `/providers/...`, `tenant:...`) name live scopes, not paths. */
const LIVE_SCOPE = /^(\/subscriptions\/|\/providers\/|tenant:|management-group:)/i;

/** A path relative to `base` with forward slashes (`.` for base itself): the same on every machine of a team. */
export function relativeTo(base: string, path: string): string {
  const rel = relative(base, resolve(path));
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** The scope key of a scan: its roots relative to `base`, sorted, so `scan a b` and `scan b a/` are one estate. */
export function scopeKey(roots: string[], base: string): string {
  const normalized = roots.map((root) =>
    LIVE_SCOPE.test(root) ? root.toLowerCase() : relativeTo(base, root).replace(/\/+$/, '') || '.',
  );
  return [...new Set(normalized)].sort().join(' ');
}

/** A rule as far as its version is concerned. */
export interface CatalogRule {
  id: string;
  severity: string;
  title: string;
  hipaa: readonly ({ cite: string } | string)[];
  types: readonly string[];
}

/** SHA-256 over the rules' ids and metadata: two scans with the same value judged by the same rules. */
export function catalogVersion(rules: readonly CatalogRule[]): string {
  const summary = [...rules]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((rule) => [
      rule.id,
      rule.severity,
      rule.title,
      rule.hipaa.map((c) => (typeof c === 'string' ? c : c.cite)),
      [...rule.types],
    ]);
  return hash('sha256', JSON.stringify(summary), 'hex');
}

function plain(value: Value | undefined): unknown {
  if (value instanceof Unresolved) return value.expression;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plain(item);
    return out;
  }
  return value;
}

const CONFIG_KEYS = ['apiVersion', 'location', 'tags', 'sku', 'kind', 'identity', 'properties'] as const;

/**
 * The resource in ARM's canonical shape as JSON data (not yet redacted): what a live GET would show, with an
 * unresolved value as its expression text.
 */
export function resourceConfig(resource: Resource): Record<string, unknown> {
  const config: Record<string, unknown> = { id: resource.id, type: resource.type, name: resource.name };
  for (const key of CONFIG_KEYS) if (resource[key] !== undefined) config[key] = plain(resource[key]);
  return config;
}

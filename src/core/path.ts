import { type Resource, type SourceLocation, Unresolved, type Value, type ValueObject } from './types.js';

/** Result of walking a dotted path through a resource, before any default is applied. */
export type Lookup =
  | { kind: 'present'; value: Value; at?: SourceLocation; via?: string }
  | { kind: 'absent'; at?: SourceLocation }
  | { kind: 'unresolved'; expression: string; at?: SourceLocation };

export function isObject(value: unknown): value is ValueObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unresolved);
}

/**
 * Property lookup that matches names case-insensitively: ARM treats `properties.Backup` and
 * `properties.backup` alike (rules.yaml conventions.comparisons). An exact match wins.
 */
export function getKey(object: ValueObject, key: string): Value | undefined {
  if (Object.hasOwn(object, key)) return object[key];
  let lower: string | undefined;
  for (const candidate in object) {
    // Comparing lengths first avoids lower-casing every key of every object on the hot path of absent properties.
    if (candidate.length !== key.length || !Object.hasOwn(object, candidate)) continue;
    lower ??= key.toLowerCase();
    if (candidate.toLowerCase() === lower) return object[candidate];
  }
  return undefined;
}

export function locationKey(path: string): string {
  return path.toLowerCase();
}

/**
 * The closest recorded location for a path: the value's own line when recorded, else the nearest recorded
 * ancestor (an absent property is reported at its parent object, or at the resource).
 */
export function locate(resource: Resource, path: string): { at?: SourceLocation; via?: string } {
  // Live resources record no per-value locations: skip building every prefix key (hot for 100k-resource snapshots).
  // Presence, not `size`: the ARM adapter's maps resolve locations on demand and would compute all of them to count.
  if (resource.locations === undefined) return { at: resource.at };
  const full = locationKey(path);
  // Prefixes by slicing one lower-cased string: this runs for every property a rule reads.
  for (let key = full; key.length > 0; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    const at = resource.locations.get(key);
    if (at) return { at, via: key === full ? resource.via?.get(key) : undefined };
  }
  return { at: resource.at };
}

/** Walks `properties.networkAcls.defaultAction` (numeric segments index arrays) through a resource. */
export function lookup(resource: Resource, path: string): Lookup {
  return lookupIn(resource as unknown as Value, path, resource);
}

/** Walks a path inside any value; `owner` supplies locations (paths are then relative to the owner). */
export function lookupIn(root: Value, path: string, owner?: Resource, prefix = ''): Lookup {
  let current: Value | undefined = root;
  // Walked with indexOf rather than split: rules read millions of paths on a large snapshot.
  for (let start = 0; start <= path.length; ) {
    let end = path.indexOf('.', start);
    if (end < 0) end = path.length;
    const segment = path.slice(start, end);
    start = end + 1;
    if (current instanceof Unresolved) break;
    if (current === undefined || current === null) {
      return { kind: 'absent', at: owner ? locate(owner, prefix + path).at : undefined };
    }
    if (Array.isArray(current)) {
      const index = Number(segment);
      current = Number.isInteger(index) ? current[index] : undefined;
    } else if (isObject(current)) {
      current = getKey(current, segment);
    } else {
      current = undefined;
    }
  }
  const where = owner ? locate(owner, prefix + path) : {};
  if (current instanceof Unresolved) {
    return { kind: 'unresolved', expression: current.expression, at: current.at ?? where.at };
  }
  // A null property in a GET body means "not set", exactly like an omitted one.
  if (current === undefined || current === null) return { kind: 'absent', at: where.at };
  return { kind: 'present', value: current, at: where.at, via: where.via };
}

/** True when the value or anything inside it is unresolved. */
export function containsUnresolved(value: Value | undefined): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = containsUnresolved(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const item of Object.values(value)) {
      const found = containsUnresolved(item);
      if (found) return found;
    }
  }
  return undefined;
}

/** Case-insensitive equality for enum strings (rules.yaml conventions.comparisons). */
export function sameText(a: Value | undefined, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
}

/** Booleans as ARM accepts them: true/false and the strings "true"/"false" in any case. */
export function asBoolean(value: Value | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** JSON-ish rendering of a value for messages and evidence; unresolved values show their expression. */
export function toPlain(value: Value | undefined): Value | undefined {
  if (value instanceof Unresolved) return value.expression;
  if (Array.isArray(value)) return value.map((item) => toPlain(item) ?? null);
  if (isObject(value)) {
    const out: ValueObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = toPlain(item) ?? null;
    return out;
  }
  return value;
}

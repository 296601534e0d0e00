// Evaluated Terraform values with provenance. A value is the core `Value` (Unresolved standing in for anything
// unknown); its Origin says where it was written - the tfvars line, the variable default, the module input or the
// attribute itself - and, for collections built from parts, where each member came from.
import { isObject } from '../../core/path.js';
import { type SourceLocation, Unresolved, type Value, type ValueObject } from '../../core/types.js';

export interface Origin {
  at: SourceLocation;
  /** `variable default`, `tfvars file`, `module input`... (Resource.via). */
  via?: string;
  /** Members that came from elsewhere than `at`: object keys, or list indexes as strings. */
  members?: Map<string, Origin>;
}

/** A value with where it came from. */
export interface Ev {
  value: Value;
  origin?: Origin;
}

/** An error Terraform itself would report (wrong type, missing key). `try()`/`can()` catch it. */
export class ExpressionError extends Error {}

export function isUnknown(value: Value | undefined): value is Unresolved {
  return value instanceof Unresolved;
}

export function typeName(value: Value | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value instanceof Unresolved) return 'unknown';
  if (Array.isArray(value)) return 'list';
  if (isObject(value)) return 'object';
  return typeof value;
}

/** The origin of a member: its own, or the container's (the member is written inside it). */
export function memberOrigin(origin: Origin | undefined, key: string | number): Origin | undefined {
  if (!origin) return undefined;
  const own = origin.members?.get(String(key));
  if (own) return own;
  return origin.members ? { at: origin.at, via: origin.via } : origin;
}

/** The first unknown value inside a value (shallow for primitives, deep for collections). */
export function firstUnknown(value: Value | undefined): Unresolved | undefined {
  if (value instanceof Unresolved) return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = firstUnknown(item);
      if (found) return found;
    }
  } else if (isObject(value)) {
    for (const key in value) {
      const found = firstUnknown(value[key]);
      if (found) return found;
    }
  }
  return undefined;
}

export function toText(value: Value, what = 'value'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) throw new ExpressionError(`${what} is null, a string is required`);
  throw new ExpressionError(`${what} is a ${typeName(value)}, a string is required`);
}

export function numberText(value: number): string {
  return Number.isInteger(value) ? String(value) : String(value);
}

export function toNumber(value: Value, what = 'value'): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new ExpressionError(`${what} is ${JSON.stringify(value)}, a number is required`);
}

export function toBool(value: Value, what = 'value'): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ExpressionError(`${what} is ${JSON.stringify(value)}, a bool is required`);
}

/** Terraform equality: type-sensitive, deep for collections (numbers and numeric strings differ). */
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
  }
  return false;
}

export function object(entries: Iterable<[string, Value]>): ValueObject {
  const out: ValueObject = {};
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** Iterates a collection Terraform can loop over: lists/sets by index, maps/objects by key. */
export function entriesOf(value: Value, what: string): [Value, Value][] {
  if (Array.isArray(value)) return value.map((item, i) => [i, item]);
  if (isObject(value)) return Object.keys(value).map((key) => [key, value[key]]);
  throw new ExpressionError(`${what} is a ${typeName(value)}, a collection is required`);
}

// Helpers over evaluated ARM values (JSON plus Unresolved).
import { isObject } from '../../core/path.js';
import { Unresolved, type Value } from '../../core/types.js';

export function containsUnresolved(value: Value): boolean {
  if (value instanceof Unresolved) return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsUnresolved(item)) return true;
    return false;
  }
  for (const key in value) if (containsUnresolved(value[key])) return true;
  return false;
}

export function describeType(value: Value | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Unresolved) return 'an unresolved value';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Deep equality as ARM's equals() applies it: strings case-sensitive, object keys case-insensitive. */
export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keysA = Object.keys(a);
    const keysB = Object.keys(b);
    if (keysA.length !== keysB.length) return false;
    const lowerB = new Map(keysB.map((key) => [key.toLowerCase(), b[key]] as const));
    return keysA.every((key) => {
      const other = lowerB.get(key.toLowerCase());
      return other !== undefined && deepEqual(a[key], other);
    });
  }
  return false;
}

/** ARM's string(): booleans print as .NET does (True/False), objects and arrays as compact JSON. */
export function toText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export function isEmptyValue(value: Value): boolean {
  if (value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

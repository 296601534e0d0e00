import { canonicalJson } from '../evidence/ledger.js';

class NotFast extends Error {}

const INDEX_KEY = /^(0|[1-9]\d*)$/;

function sorted(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new NotFast();
    return value;
  }
  if (Array.isArray(value)) {
    // Arrays of plain values (the status changes) are kept as they are, not copied.
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (typeof element === 'string' || element === null || typeof element === 'boolean') continue;
      const item = sorted(element);
      if (item !== element) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      // JS objects enumerate integer-like keys first, whatever the insertion order.
      if (INDEX_KEY.test(key)) throw new NotFast();
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sorted(item);
    }
    return out;
  }
  throw new NotFast();
}

/** JSON.stringify's escape of a lone surrogate, which RFC 8785 forbids (the reference implementation throws). */
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/i;

/**
 * RFC 8785 canonical JSON, through native JSON.stringify with keys sorted by UTF-16 code units: for strings,
 * integers, booleans, null, arrays and plain objects that is byte for byte what JCS prescribes. Anything else
 * (fractions, exponents, lone surrogates, integer-like keys, class instances) goes to the reference implementation. A scan of 500,000
 * findings writes that many status changes, and the reference implementation inspects every character in JS.
 */
export function canonicalJsonFast(value: unknown): string {
  try {
    const text = JSON.stringify(sorted(value));
    if (text !== undefined && (!text.includes('\\u') || !LONE_SURROGATE_ESCAPE.test(text))) return text;
  } catch (error) {
    if (!(error instanceof NotFast)) throw error;
  }
  return canonicalJson(value);
}

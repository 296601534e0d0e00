// Terraform's built-in functions that configurations use to compute resource settings (names, tags, CIDRs, lists).
// Functions that read files, time or randomness (file, timestamp, uuid) return an unknown value: a static scan
// cannot know them. Unknown arguments make the result unknown unless the function can answer without them.
import { createHash } from 'node:crypto';
import { isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import {
  type Ev,
  ExpressionError,
  equal,
  firstUnknown,
  memberOrigin,
  type Origin,
  toBool,
  toNumber,
  toText,
  typeName,
} from './values.js';

export interface CallSite {
  name: string;
  /** Source text of the call, for unknown results. */
  text: string;
  origin: Origin;
}

type Fn = (args: Ev[], site: CallSite) => Ev;

/** Result computed at the call site. */
function at(site: CallSite, value: Value): Ev {
  return { value, origin: site.origin };
}

function unknownAt(site: CallSite, reason?: string): Ev {
  return { value: new Unresolved(reason ?? site.text, site.origin.at), origin: site.origin };
}

/** A function of known scalar/collection arguments; any unknown argument (deep) makes the result unknown. */
function strict(fn: (values: Value[], site: CallSite) => Value): Fn {
  return (args, site) => {
    for (const arg of args) {
      const unknown = firstUnknown(arg.value);
      if (unknown) return { value: unknown, origin: site.origin };
    }
    return at(
      site,
      fn(
        args.map((arg) => arg.value),
        site,
      ),
    );
  };
}

/** Passes the first argument's provenance through (lower(var.x) still points at the tfvars line). */
function passThrough(fn: (value: Value, rest: Value[]) => Value): Fn {
  return (args, site) => {
    for (const arg of args) {
      if (arg.value instanceof Unresolved) return { value: arg.value, origin: arg.origin ?? site.origin };
    }
    const [first, ...rest] = args;
    if (!first) throw new ExpressionError(`${site.name}() needs an argument`);
    return {
      value: fn(
        first.value,
        rest.map((arg) => arg.value),
      ),
      origin: first.origin ?? site.origin,
    };
  };
}

function list(value: Value, what: string): Value[] {
  if (Array.isArray(value)) return value;
  throw new ExpressionError(`${what} is a ${typeName(value)}, a list is required`);
}

function map(value: Value, what: string): ValueObject {
  if (isObject(value)) return value;
  throw new ExpressionError(`${what} is a ${typeName(value)}, a map is required`);
}

function arity(site: CallSite, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new ExpressionError(
      `${site.name}() takes ${min === max ? min : `${min}-${max}`} arguments, got ${args.length}`,
    );
  }
}

function distinct(values: Value[]): Value[] {
  const out: Value[] = [];
  for (const value of values) if (!out.some((seen) => equal(seen, value))) out.push(value);
  return out;
}

/** Go-style verbs for format(): %s %d %f %t %v %q %x %%, with width, precision and the - and 0 flags. */
function format(spec: string, values: Value[]): string {
  let next = 0;
  return spec.replace(
    /%(?:\[(\d+)\])?([-+# 0]*)(\d+)?(?:\.(\d+))?([sdftvqx%])/g,
    (_, index, flags: string, width, precision, verb) => {
      if (verb === '%') return '%';
      const position = index ? Number(index) - 1 : next;
      next = position + 1;
      if (position >= values.length) throw new ExpressionError(`format(): not enough arguments for "${spec}"`);
      const value = values[position];
      let text: string;
      switch (verb) {
        case 'd':
          text = String(Math.trunc(toNumber(value)));
          break;
        case 'f':
          text = toNumber(value).toFixed(precision === undefined ? 6 : Number(precision));
          break;
        case 't':
          text = String(toBool(value));
          break;
        case 'q':
          text = JSON.stringify(toText(value));
          break;
        case 'x':
          text = typeof value === 'number' ? value.toString(16) : Buffer.from(toText(value)).toString('hex');
          break;
        case 'v':
          text =
            typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
              ? toText(value)
              : JSON.stringify(value);
          break;
        default:
          text = toText(value);
      }
      if (!width) return text;
      if (flags.includes('-')) return text.padEnd(Number(width));
      // %05d pads numbers with zeros after any sign.
      if (flags.includes('0') && /^-?\d/.test(text)) {
        const sign = text.startsWith('-') ? '-' : '';
        return sign + text.slice(sign.length).padStart(Number(width) - sign.length, '0');
      }
      return text.padStart(Number(width));
    },
  );
}

/** Terraform's regex syntax is RE2; the common subset maps onto JavaScript regexps. */
function regexp(pattern: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch (error) {
    throw new ExpressionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

function regexResult(match: RegExpMatchArray): Value {
  if (match.groups) return { ...match.groups } as ValueObject;
  if (match.length > 1) return match.slice(1).map((group) => group ?? null);
  return match[0];
}

function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new ExpressionError(`invalid IPv4 address ${JSON.stringify(text)}`);
  let out = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0 || n > 255)
      throw new ExpressionError(`invalid IPv4 address ${JSON.stringify(text)}`);
    out = out * 256 + n;
  }
  return out;
}

function ipv4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function cidr(text: string): { base: number; bits: number } {
  const [address, length] = text.split('/');
  const bits = Number(length);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32)
    throw new ExpressionError(`invalid CIDR ${JSON.stringify(text)}`);
  const size = 2 ** (32 - bits);
  return { base: Math.floor(parseIpv4(address) / size) * size, bits };
}

function flatten(values: Value[]): Value[] {
  const out: Value[] = [];
  for (const value of values) {
    if (Array.isArray(value)) out.push(...flatten(value));
    else out.push(value);
  }
  return out;
}

function jsonValue(value: unknown): Value {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (Array.isArray(value)) return value.map(jsonValue);
  if (typeof value === 'object') {
    const out: ValueObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = jsonValue(item);
    return out;
  }
  return null;
}

const hash = (algorithm: string) =>
  strict(([value]) =>
    createHash(algorithm)
      .update(toText(value ?? null))
      .digest('hex'),
  );

export const FUNCTIONS: Record<string, Fn> = {
  // Strings
  lower: passThrough((value) => toText(value).toLowerCase()),
  upper: passThrough((value) => toText(value).toUpperCase()),
  title: passThrough((value) => toText(value).replace(/\b\w/g, (c) => c.toUpperCase())),
  trimspace: passThrough((value) => toText(value).trim()),
  chomp: passThrough((value) => toText(value).replace(/(?:\r?\n)+$/, '')),
  strrev: passThrough((value) => [...toText(value)].reverse().join('')),
  trim: passThrough((value, [cut]) => {
    const chars = new Set(toText(cut ?? ''));
    const text = [...toText(value)];
    let start = 0;
    let end = text.length;
    while (start < end && chars.has(text[start])) start++;
    while (end > start && chars.has(text[end - 1])) end--;
    return text.slice(start, end).join('');
  }),
  trimprefix: passThrough((value, [prefix]) => {
    const text = toText(value);
    const cut = toText(prefix ?? '');
    return text.startsWith(cut) ? text.slice(cut.length) : text;
  }),
  trimsuffix: passThrough((value, [suffix]) => {
    const text = toText(value);
    const cut = toText(suffix ?? '');
    return cut && text.endsWith(cut) ? text.slice(0, -cut.length) : text;
  }),
  startswith: strict(([text, prefix]) => toText(text).startsWith(toText(prefix))),
  endswith: strict(([text, suffix]) => toText(text).endsWith(toText(suffix))),
  strcontains: strict(([text, part]) => toText(text).includes(toText(part))),
  substr: strict(([text, offset, length]) => {
    const chars = [...toText(text)];
    let start = toNumber(offset);
    if (start < 0) start = chars.length + start;
    const count = toNumber(length);
    return chars.slice(start, count < 0 ? undefined : start + count).join('');
  }),
  format: strict(([spec, ...values]) => format(toText(spec), values)),
  formatlist: strict(([spec, ...values]) => {
    const lengths = values.filter(Array.isArray).map((v) => v.length);
    const count = lengths.length ? Math.min(...lengths) : 1;
    return Array.from({ length: count }, (_, i) =>
      format(
        toText(spec),
        values.map((v) => (Array.isArray(v) ? v[i] : v)),
      ),
    );
  }),
  join: strict(([separator, ...lists]) =>
    lists
      .flatMap((value) => list(value, 'join() list'))
      .map((item) => toText(item))
      .join(toText(separator)),
  ),
  split: strict(([separator, text]) => {
    const value = toText(text);
    return value === '' ? [''] : value.split(toText(separator));
  }),
  replace: passThrough((value, [search, replacement]) => {
    const text = toText(value);
    const pattern = toText(search ?? '');
    const by = toText(replacement ?? '').replace(/\$(\d+)/g, '$$$1');
    if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
      return text.replace(new RegExp(regexp(pattern.slice(1, -1)).source, 'g'), by);
    }
    return text.split(pattern).join(toText(replacement ?? ''));
  }),
  regex: strict(([pattern, text]) => {
    const match = toText(text).match(regexp(toText(pattern)));
    if (!match) throw new ExpressionError('regex(): pattern did not match');
    return regexResult(match);
  }),
  regexall: strict(([pattern, text]) => {
    const re = new RegExp(regexp(toText(pattern)).source, 'g');
    return [...toText(text).matchAll(re)].map(regexResult);
  }),
  indent: strict(([spaces, text]) => toText(text).replace(/\n/g, `\n${' '.repeat(toNumber(spaces))}`)),
  base64encode: strict(([text]) => Buffer.from(toText(text)).toString('base64')),
  base64decode: strict(([text]) => Buffer.from(toText(text), 'base64').toString('utf8')),
  urlencode: strict(([text]) => encodeURIComponent(toText(text))),
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  jsonencode: strict(([value]) => JSON.stringify(value)),
  jsondecode: strict(([text]) => {
    try {
      return jsonValue(JSON.parse(toText(text)));
    } catch {
      throw new ExpressionError('jsondecode(): invalid JSON');
    }
  }),

  // Numbers
  abs: strict(([n]) => Math.abs(toNumber(n))),
  ceil: strict(([n]) => Math.ceil(toNumber(n))),
  floor: strict(([n]) => Math.floor(toNumber(n))),
  max: strict((values) => Math.max(...values.map((v) => toNumber(v)))),
  min: strict((values) => Math.min(...values.map((v) => toNumber(v)))),
  pow: strict(([a, b]) => toNumber(a) ** toNumber(b)),
  signum: strict(([n]) => Math.sign(toNumber(n))),
  parseint: strict(([text, base]) => {
    const n = Number.parseInt(toText(text), toNumber(base));
    if (Number.isNaN(n)) throw new ExpressionError('parseint(): not a number');
    return n;
  }),
  sum: strict(([values]) => list(values, 'sum() list').reduce<number>((total, v) => total + toNumber(v), 0)),

  // Type conversion (provenance passes through: the value is the one written elsewhere)
  tostring: passThrough((value) => (value === null ? null : toText(value))),
  tonumber: passThrough((value) => (value === null ? null : toNumber(value))),
  tobool: passThrough((value) => (value === null ? null : toBool(value))),
  tolist: passThrough((value) => list(value, 'tolist() argument')),
  toset: passThrough((value) => distinct(list(value, 'toset() argument'))),
  tomap: passThrough((value) => map(value, 'tomap() argument')),
  sensitive: passThrough((value) => value),
  nonsensitive: passThrough((value) => value),
  type: strict(([value]) => typeName(value)),

  // Collections
  length: (args, site) => {
    arity(site, args, 1);
    const value = args[0].value;
    if (value instanceof Unresolved) return { value, origin: site.origin };
    if (typeof value === 'string') return at(site, [...value].length);
    if (Array.isArray(value)) return at(site, value.length);
    if (isObject(value)) return at(site, Object.keys(value).length);
    throw new ExpressionError(`length() of a ${typeName(value)}`);
  },
  concat: (args, site) => {
    const out: Value[] = [];
    const members = new Map<string, Origin>();
    for (const arg of args) {
      if (arg.value instanceof Unresolved) return { value: arg.value, origin: site.origin };
      const items = list(arg.value, 'concat() argument');
      items.forEach((item, i) => {
        const origin = memberOrigin(arg.origin, i);
        if (origin) members.set(String(out.length), origin);
        out.push(item);
      });
    }
    return { value: out, origin: { ...site.origin, members } };
  },
  merge: (args, site) => {
    const out: ValueObject = {};
    const members = new Map<string, Origin>();
    for (const arg of args) {
      if (arg.value === null) continue;
      if (arg.value instanceof Unresolved) return { value: arg.value, origin: site.origin };
      const object = map(arg.value, 'merge() argument');
      for (const key of Object.keys(object)) {
        out[key] = object[key];
        const origin = memberOrigin(arg.origin, key);
        if (origin) members.set(key, origin);
      }
    }
    return { value: out, origin: { ...site.origin, members } };
  },
  lookup: (args, site) => {
    arity(site, args, 2, 3);
    const [collection, key, fallback] = args;
    if (collection.value instanceof Unresolved) return { value: collection.value, origin: site.origin };
    if (key.value instanceof Unresolved) return { value: key.value, origin: site.origin };
    const object = map(collection.value, 'lookup() map');
    const name = toText(key.value);
    if (Object.hasOwn(object, name)) return { value: object[name], origin: memberOrigin(collection.origin, name) };
    if (fallback) return fallback;
    throw new ExpressionError(`lookup(): no key ${JSON.stringify(name)}`);
  },
  element: (args, site) => {
    arity(site, args, 2);
    const [collection, index] = args;
    if (collection.value instanceof Unresolved) return { value: collection.value, origin: site.origin };
    if (index.value instanceof Unresolved) return { value: index.value, origin: site.origin };
    const items = list(collection.value, 'element() list');
    if (items.length === 0) throw new ExpressionError('element() of an empty list');
    const i = ((Math.floor(toNumber(index.value)) % items.length) + items.length) % items.length;
    return { value: items[i], origin: memberOrigin(collection.origin, i) };
  },
  index: strict(([values, wanted]) => {
    const i = list(values, 'index() list').findIndex((item) => equal(item, wanted));
    if (i < 0) throw new ExpressionError('index(): value not in list');
    return i;
  }),
  contains: (args, site) => {
    arity(site, args, 2);
    const [collection, wanted] = args;
    if (collection.value instanceof Unresolved) return { value: collection.value, origin: site.origin };
    if (wanted.value instanceof Unresolved) return { value: wanted.value, origin: site.origin };
    const items = list(collection.value, 'contains() list');
    if (items.some((item) => equal(item, wanted.value))) return at(site, true);
    const unknown = items.find((item) => item instanceof Unresolved);
    return unknown ? { value: unknown, origin: site.origin } : at(site, false);
  },
  coalesce: (args, _site) => {
    for (const arg of args) {
      if (arg.value instanceof Unresolved) return arg;
      if (arg.value !== null && arg.value !== '') return arg;
    }
    throw new ExpressionError('coalesce(): no non-null, non-empty argument');
  },
  coalescelist: (args, site) => {
    for (const arg of args) {
      if (arg.value instanceof Unresolved) return arg;
      if (Array.isArray(arg.value) && arg.value.length > 0) return arg;
    }
    return at(site, []);
  },
  compact: strict(([values]) => list(values, 'compact() list').filter((item) => item !== null && item !== '')),
  distinct: strict(([values]) => distinct(list(values, 'distinct() list'))),
  flatten: strict(([values]) => flatten(list(values, 'flatten() list'))),
  keys: strict(([value]) => Object.keys(map(value, 'keys() map')).sort()),
  values: strict(([value]) => {
    const object = map(value, 'values() map');
    return Object.keys(object)
      .sort()
      .map((key) => object[key]);
  }),
  reverse: strict(([values]) => [...list(values, 'reverse() list')].reverse()),
  sort: strict(([values]) => [...list(values, 'sort() list')].map((v) => toText(v)).sort()),
  slice: strict(([values, from, to]) => list(values, 'slice() list').slice(toNumber(from), toNumber(to))),
  zipmap: strict(([names, values]) => {
    const out: ValueObject = {};
    const items = list(values, 'zipmap() values');
    list(names, 'zipmap() keys').forEach((key, i) => {
      out[toText(key)] = items[i] ?? null;
    });
    return out;
  }),
  range: strict((values) => {
    const numbers = values.map((v) => toNumber(v));
    const [start, end, step] =
      numbers.length === 1
        ? [0, numbers[0], 1]
        : [numbers[0], numbers[1], numbers[2] ?? (numbers[1] >= numbers[0] ? 1 : -1)];
    if (step === 0) throw new ExpressionError('range(): step must not be 0');
    const count = Math.max(0, Math.ceil((end - start) / step));
    // Terraform caps range() at 1024 elements; larger ranges are a configuration error there too.
    if (count > 1024) throw new ExpressionError(`range(): ${count} elements, more than the 1024 Terraform allows`);
    return Array.from({ length: count }, (_, i) => start + i * step);
  }),
  one: (args, site) => {
    const value = args[0]?.value;
    if (value instanceof Unresolved) return { value, origin: site.origin };
    const items = list(value ?? null, 'one() list');
    if (items.length > 1) throw new ExpressionError('one(): more than one element');
    return items.length === 0 ? at(site, null) : { value: items[0], origin: memberOrigin(args[0].origin, 0) };
  },
  alltrue: strict(([values]) => list(values, 'alltrue() list').every((v) => toBool(v))),
  anytrue: strict(([values]) => list(values, 'anytrue() list').some((v) => toBool(v))),
  setunion: strict((sets) => distinct(sets.flatMap((s) => list(s, 'setunion() set')))),
  setintersection: strict(([first, ...rest]) =>
    distinct(list(first, 'setintersection() set')).filter((item) =>
      rest.every((s) => list(s, 'setintersection() set').some((other) => equal(other, item))),
    ),
  ),
  setsubtract: strict(([a, b]) =>
    distinct(list(a, 'setsubtract() set')).filter((item) => !list(b, 'setsubtract() set').some((o) => equal(o, item))),
  ),
  setproduct: strict((sets) =>
    sets.reduce<Value[][]>(
      (acc, s) => acc.flatMap((prefix) => list(s, 'setproduct() set').map((item) => [...prefix, item])),
      [[]],
    ),
  ),
  chunklist: strict(([values, size]) => {
    const items = list(values, 'chunklist() list');
    const n = toNumber(size);
    if (n <= 0) return [items];
    const out: Value[] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    return out;
  }),
  transpose: strict(([value]) => {
    const out: Record<string, Value[]> = {};
    for (const [key, items] of Object.entries(map(value, 'transpose() map'))) {
      for (const item of list(items, 'transpose() values')) {
        const name = toText(item);
        out[name] = [...(out[name] ?? []), key];
      }
    }
    return out;
  }),
  matchkeys: strict(([values, keys, search]) => {
    const wanted = list(search, 'matchkeys() search');
    const keyList = list(keys, 'matchkeys() keys');
    return list(values, 'matchkeys() values').filter((_, i) => wanted.some((w) => equal(w, keyList[i])));
  }),

  // Network
  cidrsubnet: strict(([prefix, newbits, netnum]) => {
    const { base, bits } = cidr(toText(prefix));
    const length = bits + toNumber(newbits);
    if (length > 32) throw new ExpressionError('cidrsubnet(): prefix longer than 32 bits');
    return `${ipv4Text(base + toNumber(netnum) * 2 ** (32 - length))}/${length}`;
  }),
  cidrhost: strict(([prefix, hostnum]) => {
    const { base, bits } = cidr(toText(prefix));
    const n = toNumber(hostnum);
    return ipv4Text(n >= 0 ? base + n : base + 2 ** (32 - bits) + n);
  }),
  cidrnetmask: strict(([prefix]) => ipv4Text(2 ** 32 - 2 ** (32 - cidr(toText(prefix)).bits))),
  cidrsubnets: strict(([prefix, ...newbits]) => {
    const { base, bits } = cidr(toText(prefix));
    let next = base;
    return newbits.map((n) => {
      const length = bits + toNumber(n);
      const size = 2 ** (32 - length);
      next = Math.ceil(next / size) * size;
      const out = `${ipv4Text(next)}/${length}`;
      next += size;
      return out;
    });
  }),

  // Not knowable statically.
  timestamp: (_args, site) => unknownAt(site),
  uuid: (_args, site) => unknownAt(site),
  bcrypt: (_args, site) => unknownAt(site),
  file: (_args, site) => unknownAt(site),
  filebase64: (_args, site) => unknownAt(site),
  templatefile: (_args, site) => unknownAt(site),
  fileexists: (_args, site) => unknownAt(site),
  fileset: (_args, site) => unknownAt(site),
  plantimestamp: (_args, site) => unknownAt(site),
};

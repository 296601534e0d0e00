// Bicep's built-in functions. Most are ARM template functions with the same semantics and are delegated to the ARM
// adapter's implementations (../arm/functions.ts); Bicep adds lambdas (`x => ...` instead of lambda()), scope
// functions with arguments (`resourceGroup('rg')`), file loaders and parameter-file functions.

import { parse as parseYaml } from 'yaml';
import { isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import { arity, BUILTINS, type CallContext, EvalFailure } from '../arm/functions.js';
import type { Target } from '../arm/ids.js';
import { containsUnresolved, deepEqual, describeType, toText } from '../arm/values.js';
import { isHandle, Lambda, Prov, type R } from './values.js';

export interface FnContext {
  readonly target: Target;
  /** The call's name as written, for messages. */
  readonly name: string;
  /** An Unresolved carrying the call's text (and `suffix`). */
  unresolved(suffix?: string): Unresolved;
  /** The call's own location. */
  here(): Prov;
  apply(lambda: Lambda, args: R[]): R;
  /** Reads a file relative to the calling Bicep file (load*Content); undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

export type BicepFunction = (args: R[], ctx: FnContext) => R;

function fail(message: string): never {
  throw new EvalFailure(message);
}

function plain(r: R, name: string): Value {
  if (isHandle(r.v)) fail(`${name}() cannot take a resource, module or lambda here`);
  return r.v;
}

function lambdaArg(r: R, name: string): Lambda {
  if (!(r.v instanceof Lambda)) fail(`${name}() expects a lambda (x => ...)`);
  return r.v;
}

function arrayArg(r: R, name: string): Value[] | Unresolved {
  const value = plain(r, name);
  if (value instanceof Unresolved) return value;
  if (!Array.isArray(value)) fail(`${name}() expects an array, got ${describeType(value)}`);
  return value;
}

function stringArg(r: R, name: string): string {
  const value = plain(r, name);
  if (typeof value !== 'string') fail(`${name}() expects a string literal, got ${describeType(value)}`);
  return value;
}

function armContext(ctx: FnContext): CallContext {
  const unsupported = (): never => fail(`${ctx.name}() is not a Bicep function`);
  return {
    target: ctx.target,
    eval: unsupported,
    unresolved: () => ctx.unresolved(),
    parameter: unsupported,
    variable: unsupported,
    copyIndex: unsupported,
    lambdaVariable: unsupported,
    lambda: unsupported,
    symbolId: unsupported,
  };
}

/** Delegates to the ARM implementation, with its rules for unresolved arguments. */
function viaArm(lower: string): BicepFunction | undefined {
  const builtin = BUILTINS.get(lower);
  if (!builtin) return undefined;
  // Lazy ARM functions either need ARM expressions (replaced below) or depend on deployment-time state.
  if (builtin.lazy || !builtin.call) return (_args, ctx) => ({ v: ctx.unresolved(), p: ctx.here() });
  const call = builtin.call;
  return (args, ctx) => {
    const values = args.map((arg) => plain(arg, ctx.name));
    if (builtin.arity) arity(ctx.name, values, builtin.arity[0], builtin.arity[1]);
    const mode = builtin.args ?? 'deep';
    if (mode !== 'allow') {
      for (const value of values) {
        if (mode === 'top' ? value instanceof Unresolved : containsUnresolved(value)) {
          return { v: ctx.unresolved(), p: ctx.here() };
        }
      }
    }
    return { v: call(values, armContext(ctx)), p: ctx.here() };
  };
}

/** A scope such as `resourceGroup('rg')`: an object with the id module scopes and `existing` resources read. */
function scopeObject(id: string, extra: ValueObject): ValueObject {
  return { id, ...extra };
}

/** A function that needs all of its arguments: any unresolved argument makes the result unresolved. */
function strict(fn: BicepFunction): BicepFunction {
  return (args, ctx) => {
    for (const arg of args) {
      if (!isHandle(arg.v) && containsUnresolved(arg.v)) return { v: ctx.unresolved(), p: ctx.here() };
    }
    return fn(args, ctx);
  };
}

const unknown: BicepFunction = (_args, ctx) => ({ v: ctx.unresolved(), p: ctx.here() });
const secret: BicepFunction = (_args, ctx) => ({ v: ctx.unresolved(' (secure)'), p: ctx.here() });

/** Kids of an array's provenance, for functions that pass items through (filter, take...). */
function itemProv(r: R, index: number): Prov | undefined {
  return r.p?.kid(index) ?? r.p;
}

function withKids(ctx: FnContext, kids: Map<string, Prov>): Prov {
  const here = ctx.here();
  return new Prov(here.at, here.via, kids);
}

function mergeProv(target: Map<string, Prov>, value: Value, p: Prov | undefined): void {
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    const lower = key.toLowerCase();
    const kid = p?.kid(lower) ?? p;
    const existing = target.get(lower);
    if (kid && existing && isObject(value[key]) && existing.kids && kid.kids) {
      // Nested objects merge recursively (union()), so their members keep their own origins.
      const merged = new Map(existing.kids);
      for (const [k, v] of kid.kids) merged.set(k, v);
      target.set(lower, new Prov(kid.at, kid.via, merged));
    } else if (kid) {
      target.set(lower, kid);
    }
  }
}

const OWN: Record<string, BicepFunction> = {
  any: (args, ctx) => {
    if (args.length !== 1) fail(`${ctx.name}() takes 1 argument`);
    return args[0];
  },
  resourcegroup: (args, ctx) => {
    if (args.length === 0) return viaArm('resourcegroup')?.(args, ctx) ?? unknown(args, ctx);
    const values = args.map((arg) => plain(arg, ctx.name));
    if (values.some((value) => value instanceof Unresolved)) return { v: ctx.unresolved(), p: ctx.here() };
    const [subscription, group] = values.length > 1 ? values : [ctx.target.subscriptionId, values[0]];
    if (typeof subscription !== 'string' || typeof group !== 'string') fail('resourceGroup() expects strings');
    const id = `/subscriptions/${subscription}/resourceGroups/${group}`;
    return { v: scopeObject(id, { name: group, subscriptionId: subscription }), p: ctx.here() };
  },
  subscription: (args, ctx) => {
    if (args.length === 0) return viaArm('subscription')?.(args, ctx) ?? unknown(args, ctx);
    const value = plain(args[0], ctx.name);
    if (value instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    if (typeof value !== 'string') fail('subscription() expects a string');
    return { v: scopeObject(`/subscriptions/${value}`, { subscriptionId: value }), p: ctx.here() };
  },
  managementgroup: (args, ctx) => {
    if (args.length === 0) return viaArm('managementgroup')?.(args, ctx) ?? unknown(args, ctx);
    const value = plain(args[0], ctx.name);
    if (value instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    if (typeof value !== 'string') fail('managementGroup() expects a string');
    return {
      v: scopeObject(`/providers/Microsoft.Management/managementGroups/${value}`, { name: value }),
      p: ctx.here(),
    };
  },
  // `fail('message')` stops the deployment: a template error where it is evaluated.
  fail: (args, ctx) => {
    const message = args[0] ? plain(args[0], ctx.name) : null;
    return fail(typeof message === 'string' ? `fail(): ${message}` : 'fail() was called');
  },
  // Values only known where the deployment runs: never read the scanning machine's environment or a vault.
  readenvironmentvariable: unknown,
  // Known functions whose values this scanner does not compute (time, URI parsing, directory listings).
  datetimetoepoch: unknown,
  datetimefromepoch: unknown,
  builduri: unknown,
  parseuri: unknown,
  loaddirectoryfileinfo: unknown,
  getsecret: secret,
  externalinput: unknown,
  loadtextcontent: strict((args, ctx) => {
    const text = ctx.readFile(stringArg(args[0], ctx.name));
    if (text === undefined) return { v: ctx.unresolved(), p: ctx.here() };
    return { v: text, p: ctx.here() };
  }),
  loadfileasbase64: strict((args, ctx) => {
    const text = ctx.readFile(stringArg(args[0], ctx.name));
    if (text === undefined) return { v: ctx.unresolved(), p: ctx.here() };
    return { v: Buffer.from(text, 'utf8').toString('base64'), p: ctx.here() };
  }),
  loadjsoncontent: strict((args, ctx) => loadStructured(args, ctx, (text) => JSON.parse(text) as Value)),
  loadyamlcontent: strict((args, ctx) => loadStructured(args, ctx, (text) => parseYaml(text) as Value)),
  coalesce: (args, ctx) => {
    for (const arg of args) {
      const value = plain(arg, ctx.name);
      if (value instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
      if (value !== null) return arg;
    }
    return { v: null, p: ctx.here() };
  },
  and: (args, ctx) => logical(args, ctx, false),
  or: (args, ctx) => logical(args, ctx, true),
  union: (args, ctx) => {
    const result = viaArm('union')?.(args, ctx);
    if (!result || result.v instanceof Unresolved) return result ?? unknown(args, ctx);
    const kids = new Map<string, Prov>();
    if (isObject(result.v)) {
      for (const arg of args) mergeProv(kids, plain(arg, ctx.name), arg.p);
    } else if (Array.isArray(result.v)) {
      // Arrays are deduplicated in order: each item keeps the origin of its first occurrence.
      const seen: { value: Value; p?: Prov }[] = [];
      for (const arg of args) {
        const list = plain(arg, ctx.name);
        if (!Array.isArray(list)) continue;
        list.forEach((item, index) => {
          if (!seen.some((entry) => deepEqual(entry.value, item))) seen.push({ value: item, p: itemProv(arg, index) });
        });
      }
      for (const [index, entry] of seen.entries()) if (entry.p) kids.set(String(index), entry.p);
    }
    return { v: result.v, p: withKids(ctx, kids) };
  },
  concat: (args, ctx) => {
    const result = viaArm('concat')?.(args, ctx);
    if (!result || !Array.isArray(result.v)) return result ?? unknown(args, ctx);
    const kids = new Map<string, Prov>();
    let offset = 0;
    for (const arg of args) {
      const list = plain(arg, ctx.name);
      if (!Array.isArray(list)) continue;
      list.forEach((_, index) => {
        const p = itemProv(arg, index);
        if (p) kids.set(String(offset + index), p);
      });
      offset += list.length;
    }
    return { v: result.v, p: withKids(ctx, kids) };
  },
  first: (args, ctx) => {
    const list = plain(args[0] ?? { v: null }, ctx.name);
    if (Array.isArray(list)) return { v: list[0] ?? null, p: itemProv(args[0], 0) ?? ctx.here() };
    return viaArm('first')?.(args, ctx) ?? unknown(args, ctx);
  },
  last: (args, ctx) => {
    const list = plain(args[0] ?? { v: null }, ctx.name);
    if (Array.isArray(list) && list.length > 0) {
      return { v: list[list.length - 1], p: itemProv(args[0], list.length - 1) ?? ctx.here() };
    }
    return viaArm('last')?.(args, ctx) ?? unknown(args, ctx);
  },

  // CIDR functions (IPv4), used to carve subnet and NSG prefixes out of an address space.
  parsecidr: strict((args, ctx) => {
    const { base, bits } = cidrArg(args[0], ctx);
    const size = 2 ** (32 - bits);
    const network = base - (base % size);
    const usable = bits >= 31 ? [network, network + size - 1] : [network + 1, network + size - 2];
    return {
      v: {
        network: ipText(network),
        netmask: ipText(bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0),
        broadcast: ipText(network + size - 1),
        firstUsable: ipText(usable[0]),
        lastUsable: ipText(usable[1]),
        cidr: bits,
      },
      p: ctx.here(),
    };
  }),
  cidrsubnet: strict((args, ctx) => {
    const { base, bits } = cidrArg(args[0], ctx);
    const newBits = plain(args[1] ?? { v: null }, ctx.name);
    const index = plain(args[2] ?? { v: null }, ctx.name);
    if (typeof newBits !== 'number' || typeof index !== 'number') fail('cidrSubnet() expects (string, int, int)');
    if (newBits < bits || newBits > 32) fail(`cidrSubnet() cannot split a /${bits} into /${newBits}`);
    const count = 2 ** (newBits - bits);
    if (index < 0 || index >= count) fail(`cidrSubnet() index ${index} is out of range (${count} subnets)`);
    const network = base - (base % 2 ** (32 - bits));
    return { v: `${ipText(network + index * 2 ** (32 - newBits))}/${newBits}`, p: ctx.here() };
  }),
  cidrhost: strict((args, ctx) => {
    const { base, bits } = cidrArg(args[0], ctx);
    const index = plain(args[1] ?? { v: null }, ctx.name);
    if (typeof index !== 'number') fail('cidrHost() expects (string, int)');
    const size = 2 ** (32 - bits);
    const network = base - (base % size);
    // Host numbering starts after the network address (Bicep's cidrHost(x, 0) is the first usable address).
    const offset = bits >= 31 ? index : index + 1;
    if (index < 0 || offset >= (bits >= 31 ? size : size - 1)) fail(`cidrHost() index ${index} is out of range`);
    return { v: ipText(network + offset), p: ctx.here() };
  }),

  // Lambda functions (`map(xs, x => ...)`).
  map: (args, ctx) => {
    expectArgs(args, ctx, 2);
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const fn = lambdaArg(args[1], ctx.name);
    const kids = new Map<string, Prov>();
    const out = list.map((item, index) => {
      const result = ctx.apply(fn, [{ v: item, p: itemProv(args[0], index) }, { v: index }]);
      if (result.p) kids.set(String(index), result.p);
      return toPlainValue(result, ctx);
    });
    return { v: out, p: withKids(ctx, kids) };
  },
  filter: (args, ctx) => {
    expectArgs(args, ctx, 2);
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const fn = lambdaArg(args[1], ctx.name);
    const kids = new Map<string, Prov>();
    const out: Value[] = [];
    for (const [index, item] of list.entries()) {
      const p = itemProv(args[0], index);
      const keep = ctx.apply(fn, [{ v: item, p }, { v: index }]).v;
      if (keep instanceof Unresolved || containsUnresolved(keep as Value))
        return { v: ctx.unresolved(), p: ctx.here() };
      if (typeof keep !== 'boolean') fail('filter() predicate must return a bool');
      if (!keep) continue;
      if (p) kids.set(String(out.length), p);
      out.push(item);
    }
    return { v: out, p: withKids(ctx, kids) };
  },
  reduce: (args, ctx) => {
    expectArgs(args, ctx, 3);
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const fn = lambdaArg(args[2], ctx.name);
    let accumulator: R = args[1];
    for (const [index, item] of list.entries()) {
      accumulator = ctx.apply(fn, [accumulator, { v: item, p: itemProv(args[0], index) }, { v: index }]);
    }
    return accumulator;
  },
  sort: (args, ctx) => {
    expectArgs(args, ctx, 2);
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const fn = lambdaArg(args[1], ctx.name);
    const before = (a: Value, b: Value): boolean => {
      const result = ctx.apply(fn, [{ v: a }, { v: b }]).v;
      if (typeof result !== 'boolean') throw new EvalFailure('sort() comparator must return a bool');
      return result;
    };
    const sorted = [...list].sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return { v: sorted, p: ctx.here() };
  },
  toobject: (args, ctx) => {
    if (args.length < 2 || args.length > 3) fail('toObject() takes 2 or 3 arguments');
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const keyFn = lambdaArg(args[1], ctx.name);
    const valueFn = args[2] ? lambdaArg(args[2], ctx.name) : undefined;
    const out: ValueObject = {};
    const kids = new Map<string, Prov>();
    for (const [index, item] of list.entries()) {
      const itemR: R = { v: item, p: itemProv(args[0], index) };
      const key = ctx.apply(keyFn, [itemR]).v;
      if (key instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
      if (typeof key !== 'string') fail('toObject() keys must be strings');
      const value = valueFn ? ctx.apply(valueFn, [itemR]) : itemR;
      out[key] = toPlainValue(value, ctx);
      if (value.p) kids.set(key.toLowerCase(), value.p);
    }
    return { v: out, p: withKids(ctx, kids) };
  },
  mapvalues: (args, ctx) => {
    expectArgs(args, ctx, 2);
    const object = plain(args[0], ctx.name);
    if (object instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    if (!isObject(object)) fail(`mapValues() expects an object, got ${describeType(object)}`);
    const fn = lambdaArg(args[1], ctx.name);
    const out: ValueObject = {};
    for (const [key, value] of Object.entries(object)) {
      out[key] = toPlainValue(ctx.apply(fn, [{ v: value, p: args[0].p?.kid(key) }]), ctx);
    }
    return { v: out, p: ctx.here() };
  },
  groupby: (args, ctx) => {
    expectArgs(args, ctx, 2);
    const list = arrayArg(args[0], ctx.name);
    if (list instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
    const fn = lambdaArg(args[1], ctx.name);
    const out: Record<string, Value[]> = {};
    for (const item of list) {
      const key = ctx.apply(fn, [{ v: item }]).v;
      if (key instanceof Unresolved) return { v: ctx.unresolved(), p: ctx.here() };
      if (typeof key !== 'string') fail('groupBy() keys must be strings');
      out[key] ??= [];
      out[key].push(item);
    }
    return { v: out, p: ctx.here() };
  },
};

// ARM functions that are not Bicep functions (Bicep has operators, symbols and loops instead).
const NOT_BICEP = new Set(['parameters', 'variables', 'copyindex', 'lambdavariables', 'resourceinfo', 'if', 'lambda']);

function cidrArg(r: R, ctx: FnContext): { base: number; bits: number } {
  const text = plain(r, ctx.name);
  const match = typeof text === 'string' ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text) : null;
  if (!match) fail(`${ctx.name}() expects an IPv4 CIDR such as '10.0.0.0/16'`);
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((octet) => octet > 255) || bits > 32) fail(`${ctx.name}(): invalid CIDR '${String(text)}'`);
  return { base: ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3], bits };
}

function ipText(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function expectArgs(args: R[], ctx: FnContext, count: number): void {
  if (args.length !== count) fail(`${ctx.name}() takes ${count} arguments, got ${args.length}`);
}

function logical(args: R[], ctx: FnContext, decidedBy: boolean): R {
  if (args.length < 2) fail(`${ctx.name}() takes at least 2 arguments`);
  let unknownSeen = false;
  for (const arg of args) {
    const value = plain(arg, ctx.name);
    if (value instanceof Unresolved) unknownSeen = true;
    else if (typeof value !== 'boolean') fail(`${ctx.name}() expects bools`);
    else if (value === decidedBy) return { v: decidedBy, p: ctx.here() };
  }
  return { v: unknownSeen ? ctx.unresolved() : !decidedBy, p: ctx.here() };
}

function loadStructured(args: R[], ctx: FnContext, parse: (text: string) => Value): R {
  const text = ctx.readFile(stringArg(args[0], ctx.name));
  if (text === undefined) return { v: ctx.unresolved(), p: ctx.here() };
  let value: Value;
  try {
    value = parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return fail(`${ctx.name}() cannot parse the file`);
  }
  if (args.length > 1) {
    const path = plain(args[1], ctx.name);
    if (typeof path === 'string') value = selectPath(value, path);
  }
  return { v: value, p: ctx.here() };
}

/** The JSONPath subset load*Content() is used with: `$.a.b`, `.a['b'][0]`. */
function selectPath(value: Value, path: string): Value {
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g;
  let current: Value = value;
  const body = path.startsWith('$') ? path.slice(1) : path;
  let consumed = 0;
  for (const match of body.matchAll(pattern)) {
    if (match.index !== consumed) fail(`unsupported JSON path '${path}'`);
    consumed = match.index + match[0].length;
    const key = match[1] ?? match[3] ?? match[4];
    if (key !== undefined) {
      if (!isObject(current) || !(key in current)) fail(`JSON path '${path}' selects nothing`);
      current = current[key];
    } else {
      const index = Number(match[2]);
      if (!Array.isArray(current) || index >= current.length) fail(`JSON path '${path}' selects nothing`);
      current = current[index];
    }
  }
  if (consumed !== body.length) fail(`unsupported JSON path '${path}'`);
  return current;
}

/** A value as it may be stored in a JSON container: handles have no JSON form and become unresolved. */
export function toPlainValue(r: R, ctx: { unresolved(suffix?: string): Unresolved }): Value {
  return isHandle(r.v) ? ctx.unresolved() : r.v;
}

const cache = new Map<string, BicepFunction | null>();

/** The built-in function `name` (matched ignoring case), or undefined when Bicep has no such function. */
export function bicepFunction(name: string): BicepFunction | undefined {
  const lower = name.toLowerCase();
  const cached = cache.get(lower);
  if (cached !== undefined) return cached ?? undefined;
  let fn: BicepFunction | undefined = OWN[lower];
  if (!fn && !NOT_BICEP.has(lower)) fn = viaArm(lower);
  // list*() functions (listKeys, listConnectionStrings...) read deployed state.
  if (!fn && lower.startsWith('list')) fn = unknown;
  cache.set(lower, fn ?? null);
  return fn;
}

export { toText };

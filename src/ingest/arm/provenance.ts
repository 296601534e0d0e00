// Where evaluated values come from. Evaluation records a sparse trace - the resource or slot root, bare references and
// copy expansions, as cheap references (document, container, key) - and locations are resolved only when asked for:
// any other value is found by walking down from the nearest recorded container, and line/column are computed from
// the document's lazily built position index only when read. Resources nobody reads cost no position work.
import { type SourceLocation, Unresolved } from '../../core/types.js';
import { isRawObject, type RawContainer, type SourceDoc } from './json.js';

/**
 * The value at `path` (lower-cased, dotted, relative to a resource or a parameter/variable) is written at
 * `parent[key]` in `doc`. When that raw value is a container, paths below it without an entry of their own are
 * written inside it.
 */
export interface TraceEntry {
  path: string;
  doc: SourceDoc;
  parent: RawContainer;
  key: string | number;
  via?: string;
}

export function joinPath(path: string, segment: string | number): string {
  const text = typeof segment === 'number' ? String(segment) : segment.toLowerCase();
  return path ? `${path}.${text}` : text;
}

/** The raw member a path segment names: an array index, or an object key matched case-insensitively. */
function step(node: unknown, segment: string): string | number | undefined {
  if (Array.isArray(node)) {
    const index = Number(segment);
    return Number.isInteger(index) && index >= 0 && index < node.length ? index : undefined;
  }
  if (!isRawObject(node)) return undefined;
  for (const key in node) if (key.toLowerCase() === segment) return key;
  return undefined;
}

/** Walks `segments` down from an entry's raw value; keys containing dots span several segments. */
function descend(
  entry: TraceEntry,
  segments: readonly string[],
): { parent: RawContainer; key: string | number } | undefined {
  let parent = entry.parent;
  let key = entry.key;
  let i = 0;
  while (i < segments.length) {
    const node = (parent as Record<string | number, unknown>)[key];
    let found: string | number | undefined;
    let j = i;
    for (let joined = segments[i]; j < segments.length; joined += `.${segments[++j] ?? ''}`) {
      found = step(node, joined);
      if (found !== undefined || Array.isArray(node)) break;
    }
    if (found === undefined) return undefined;
    parent = node as RawContainer;
    key = found;
    i = j + 1;
  }
  return { parent, key };
}

/** Entries of `trace` at and below `segments`, re-rooted there (a bare reference with accessors, `v.a[0]`). */
export function subTrace(trace: readonly TraceEntry[], segments: readonly string[]): TraceEntry[] {
  const prefix = segments.join('.');
  const out: TraceEntry[] = [];
  // The deepest entry above the accessed path, walked down to it, stands for the accessed value itself.
  let best: TraceEntry | undefined;
  for (const entry of trace) {
    if (entry.path.length < prefix.length && (entry.path === '' || prefix.startsWith(`${entry.path}.`))) {
      if (!best || entry.path.length >= best.path.length) best = entry;
    }
  }
  if (best) {
    const rest = best.path === '' ? segments : segments.slice(best.path.split('.').length);
    const at = descend(best, rest);
    if (at) out.push({ path: '', doc: best.doc, parent: at.parent, key: at.key, via: best.via });
  }
  for (const entry of trace) {
    if (entry.path === prefix) out.push({ ...entry, path: '' });
    else if (entry.path.startsWith(`${prefix}.`)) out.push({ ...entry, path: entry.path.slice(prefix.length + 1) });
  }
  return out;
}

/** Answers location questions for one resource's trace. */
class TraceIndex {
  readonly #trace: readonly TraceEntry[];
  // locate() asks `locations` then `via` for the same path: remember the last answer.
  #lastPath?: string;
  #last?: { entry: TraceEntry; parent: RawContainer; key: string | number };

  constructor(trace: readonly TraceEntry[]) {
    this.#trace = trace;
  }

  /** The entry and raw member that hold `path`: its own entry, or the nearest recorded container walked down. */
  find(path: string): { entry: TraceEntry; parent: RawContainer; key: string | number } | undefined {
    if (path === this.#lastPath) return this.#last;
    this.#lastPath = path;
    this.#last = this.#search(path);
    return this.#last;
  }

  #search(path: string): { entry: TraceEntry; parent: RawContainer; key: string | number } | undefined {
    const trace = this.#trace;
    if (trace.length > 8) return this.#searchIndexed(path);
    // Short traces (the resource root and a few expressions): a scan beats building an index.
    let best: TraceEntry | undefined;
    let bestLength = -1;
    for (let i = trace.length - 1; i >= 0; i--) {
      const entry = trace[i];
      const own = entry.path;
      // Longest recorded ancestor-or-self wins; among equals, the latest.
      if (own.length <= bestLength || own.length > path.length) continue;
      if (own === '' || own === path || (path.charCodeAt(own.length) === 46 && path.startsWith(own))) {
        best = entry;
        bestLength = own.length;
        if (bestLength === path.length) break;
      }
    }
    if (!best) return undefined;
    if (bestLength === path.length) return { entry: best, parent: best.parent, key: best.key };
    const at = descend(best, path.slice(bestLength === 0 ? 0 : bestLength + 1).split('.'));
    return at ? { entry: best, ...at } : undefined;
  }

  #exact?: Map<string, TraceEntry>;

  #searchIndexed(path: string): { entry: TraceEntry; parent: RawContainer; key: string | number } | undefined {
    if (!this.#exact) {
      this.#exact = new Map();
      for (const entry of this.#trace) this.#exact.set(entry.path, entry);
    }
    // The path itself, then each ancestor: the first recorded one holds the value.
    for (let end = path.length; ; end = path.lastIndexOf('.', end - 1)) {
      const prefix = end < 0 ? '' : path.slice(0, end);
      const entry = this.#exact.get(prefix);
      if (entry) {
        if (end === path.length) return { entry, parent: entry.parent, key: entry.key };
        const at = descend(entry, path.slice(end < 0 ? 0 : end + 1).split('.'));
        return at ? { entry, ...at } : undefined;
      }
      if (end < 0) return undefined;
    }
  }

  /** Every path with its entry and raw member, later entries winning (for iteration over the whole map). */
  all(): Map<string, { entry: TraceEntry; parent: RawContainer; key: string | number }> {
    const out = new Map<string, { entry: TraceEntry; parent: RawContainer; key: string | number }>();
    const visit = (entry: TraceEntry, path: string, parent: RawContainer, key: string | number): void => {
      out.set(path, { entry, parent, key });
      const node = (parent as Record<string | number, unknown>)[key];
      if (Array.isArray(node)) {
        for (let index = 0; index < node.length; index++) visit(entry, joinPath(path, index), node, index);
      } else if (isRawObject(node)) for (const name in node) visit(entry, joinPath(path, name), node, name);
    };
    for (const entry of this.#trace) {
      // Walking from a container re-adds the paths its later entries describe; those are applied after it.
      visit(entry, entry.path, entry.parent, entry.key);
    }
    return out;
  }
}

type Resolve<V> = (entry: TraceEntry, parent: RawContainer, key: string | number) => V | undefined;

// Line and column are computed only when read (a finding's location), not for every lookup a rule makes.
const resolveLocation: Resolve<SourceLocation> = (entry, parent, key) => new LazyLocation(entry.doc, parent, key);
const resolveVia: Resolve<string> = (entry) => entry.via;

/**
 * A Map computed on demand from a trace: `get` resolves one path; iteration or `size` resolves every path. It is
 * not a built-in Map (those are costly to allocate and collect for every resource) but honours the Map contract
 * of Resource.locations / Resource.via. Its state is private, so serializing a resource does not drag in documents.
 */
class TraceMap<V> implements Map<string, V> {
  readonly #index: TraceIndex;
  readonly #resolve: Resolve<V>;
  #cache?: Map<string, V>;
  /** Paths asked for and not found: rules ask again for absent properties (and for each ancestor). */
  #missing?: Set<string>;
  #complete = false;

  constructor(index: TraceIndex, resolve: Resolve<V>) {
    this.#index = index;
    this.#resolve = resolve;
  }

  #store(): Map<string, V> {
    if (!this.#cache) this.#cache = new Map();
    return this.#cache;
  }

  #all(): Map<string, V> {
    const cache = this.#store();
    if (this.#complete) return cache;
    this.#complete = true;
    for (const [path, { entry, parent, key }] of this.#index.all()) {
      if (cache.has(path)) continue;
      const value = this.#resolve(entry, parent, key);
      if (value !== undefined) cache.set(path, value);
    }
    return cache;
  }

  get(path: string): V | undefined {
    const cached = this.#cache?.get(path);
    if (cached !== undefined || this.#complete || this.#missing?.has(path)) return cached;
    const found = this.#index.find(path);
    const value = found ? this.#resolve(found.entry, found.parent, found.key) : undefined;
    if (value !== undefined) this.#store().set(path, value);
    else {
      if (!this.#missing) this.#missing = new Set();
      this.#missing.add(path);
    }
    return value;
  }
  has(path: string): boolean {
    return this.get(path) !== undefined;
  }
  set(path: string, value: V): this {
    this.#all().set(path, value);
    return this;
  }
  delete(path: string): boolean {
    return this.#all().delete(path);
  }
  clear(): void {
    this.#complete = true;
    this.#store().clear();
  }
  get size(): number {
    return this.#all().size;
  }
  forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#all()) callback.call(thisArg, value, key, this);
  }
  entries(): MapIterator<[string, V]> {
    return this.#all().entries();
  }
  keys(): MapIterator<string> {
    return this.#all().keys();
  }
  values(): MapIterator<V> {
    return this.#all().values();
  }
  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.#all()[Symbol.iterator]();
  }
  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

// `instanceof Map` holds, as for the Map the Resource contract names; every Map method is implemented here.
Object.setPrototypeOf(TraceMap.prototype, Map.prototype);

/** Resource.locations and Resource.via for a resource's trace. */
export function provenanceMaps(trace: readonly TraceEntry[]): {
  locations: Map<string, SourceLocation>;
  via: Map<string, string>;
} {
  const index = new TraceIndex(trace);
  return { locations: new TraceMap(index, resolveLocation), via: new TraceMap(index, resolveVia) };
}

/**
 * A SourceLocation whose line and column are computed on first read: creating one costs an allocation, not a
 * position scan. It serializes as a plain location.
 */
export class LazyLocation implements SourceLocation {
  readonly file: string;
  readonly #doc: SourceDoc;
  readonly #parent: RawContainer;
  readonly #key: string | number;
  #resolved?: SourceLocation;

  constructor(doc: SourceDoc, parent: RawContainer, key: string | number) {
    this.file = doc.file;
    this.#doc = doc;
    this.#parent = parent;
    this.#key = key;
  }

  #get(): SourceLocation {
    // Every site handed out comes from the parsed document, so it is always found; 1:1 is a defensive fallback.
    this.#resolved ??= this.#doc.locate(this.#parent, this.#key) ?? { file: this.file, line: 1, column: 1 };
    return this.#resolved;
  }

  get line(): number {
    return this.#get().line;
  }

  get column(): number {
    return this.#get().column;
  }

  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }
}

/** An Unresolved located where its expression is written (lazily). */
export function unresolvedAt(
  expression: string,
  doc: SourceDoc,
  parent: RawContainer,
  key: string | number,
): Unresolved {
  return new Unresolved(expression, new LazyLocation(doc, parent, key));
}

// Where evaluated values come from. Evaluation records cheap references (document, container, key) and turns them
// into line/column only when a location is first asked for, so resources nobody reads cost no position work.
import { type SourceLocation, Unresolved } from '../../core/types.js';
import type { RawContainer, SourceDoc } from './json.js';

/** One value's origin: `path` (lower-cased, dotted, relative to the resource or slot) was written at parent[key]. */
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

/** A Map that fills itself from `source` on first use (the Resource.locations / Resource.via contract). */
export class LazyMap<V> extends Map<string, V> {
  private source?: (map: Map<string, V>) => void;

  constructor(source: (map: Map<string, V>) => void) {
    super();
    this.source = source;
  }

  private fill(): void {
    const source = this.source;
    if (!source) return;
    this.source = undefined;
    const staged = new Map<string, V>();
    source(staged);
    for (const [key, value] of staged) super.set(key, value);
  }

  override get(key: string): V | undefined {
    this.fill();
    return super.get(key);
  }
  override has(key: string): boolean {
    this.fill();
    return super.has(key);
  }
  override set(key: string, value: V): this {
    this.fill();
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    this.fill();
    return super.delete(key);
  }
  override clear(): void {
    this.source = undefined;
    super.clear();
  }
  override get size(): number {
    this.fill();
    return super.size;
  }
  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.fill();
    super.forEach(callback, thisArg);
  }
  override entries(): MapIterator<[string, V]> {
    this.fill();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.fill();
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.fill();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, V]> {
    this.fill();
    return super[Symbol.iterator]();
  }
}

export function locationsOf(trace: readonly TraceEntry[]): LazyMap<SourceLocation> {
  return new LazyMap((map) => {
    for (const entry of trace) {
      const at = entry.doc.locate(entry.parent, entry.key);
      if (at) map.set(entry.path, at);
    }
  });
}

export function viaOf(trace: readonly TraceEntry[]): LazyMap<string> {
  return new LazyMap((map) => {
    // Later entries describe the same path more precisely (a parameter's value replaces the expression naming it).
    for (const entry of trace) {
      if (entry.via) map.set(entry.path, entry.via);
      else map.delete(entry.path);
    }
  });
}

/** Defines `target.at` as an enumerable property computed on first read. */
export function defineLazyAt(target: object, locate: () => SourceLocation | undefined): void {
  let cached: SourceLocation | undefined | null = null;
  Object.defineProperty(target, 'at', {
    enumerable: true,
    configurable: true,
    get: () => {
      if (cached === null) cached = locate();
      return cached;
    },
  });
}

/** An Unresolved whose `at` (where its expression is written) is located lazily. */
export function unresolvedAt(
  expression: string,
  doc: SourceDoc,
  parent: RawContainer,
  key: string | number,
): Unresolved {
  const value = new Unresolved(expression);
  defineLazyAt(value, () => doc.locate(parent, key));
  return value;
}

// Helpers for translating one Terraform resource instance (its arguments as Terraform's JSON shows them) into the
// canonical ARM shape: a View reads Terraform values with their provenance, a Builder writes ARM paths and records
// where each value originates (Resource.locations / via) and what an absent value means (Resource.absentDefaults).
import { isObject, locationKey } from '../../../core/path.js';
import { type Resource, type SourceLocation, Unresolved, type Value, type ValueObject } from '../../../core/types.js';
import { DEFAULT_DEPLOYMENT_CONTEXT } from '../../types.js';
import type { Major, ProviderVersion } from '../providers.js';
import { memberOrigin, type Origin } from '../values.js';

/** A Terraform value and where it came from. Missing members read as absent, never throw. */
export class View {
  constructor(
    readonly value: Value | undefined,
    readonly origin: Origin | undefined,
    readonly fallback: SourceLocation,
  ) {}

  get at(): SourceLocation {
    return this.origin?.at ?? this.fallback;
  }

  /** Set to something other than null. */
  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  get unknown(): boolean {
    return this.value instanceof Unresolved;
  }

  get(key: string | number): View {
    // Hot: every attribute a mapping reads.
    const value = this.value;
    const origin = this.origin === undefined ? undefined : memberOrigin(this.origin, key);
    const fallback = this.origin?.at ?? this.fallback;
    if (typeof value !== 'object' || value === null || value instanceof Unresolved)
      return new View(undefined, undefined, fallback);
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : Number(key);
      return new View(Number.isInteger(index) ? value[index] : undefined, origin, fallback);
    }
    return new View(value[key as string], origin, fallback);
  }

  /** A dotted path; numeric segments index lists. */
  path(path: string): View {
    let view: View = this;
    for (const segment of path.split('.')) view = view.get(segment);
    return view;
  }

  /** The first of a nested block list (`network_rules { }`), an object written as an attribute, or undefined. */
  block(name: string): View | undefined {
    const list = this.get(name);
    if (list.unknown) return list;
    if (Array.isArray(list.value)) return list.value.length > 0 ? list.get(0) : undefined;
    return isObject(list.value) ? list : undefined;
  }

  /** Every element of a block list or list attribute. */
  items(): View[] {
    if (!Array.isArray(this.value)) return [];
    return this.value.map((_, i) => this.get(i));
  }

  /** The first of several attribute names (current and legacy) that is set. */
  first(...names: string[]): View {
    for (const name of names) {
      const view = this.get(name);
      if (view.present) return view;
    }
    return this.get(names[0]);
  }

  text(): string | undefined {
    return typeof this.value === 'string' ? this.value : undefined;
  }

  /** Converts a known value, keeping unknowns and provenance. */
  map(convert: (value: Value) => Value | undefined): View {
    if (!this.present || this.unknown) return this;
    return new View(convert(this.value as Value), this.origin, this.fallback);
  }
}

/** Terraform booleans as ARM's Enabled/Disabled strings. */
export function enabled(value: Value): Value {
  if (value === true || value === 'true') return 'Enabled';
  if (value === false || value === 'false') return 'Disabled';
  return value;
}

export function negate(value: Value): Value {
  if (value === true || value === 'true') return false;
  if (value === false || value === 'false') return true;
  return value;
}

/** `https://kv.vault.azure.net/keys/name[/version]` -> its parts (ARM keyvaultproperties). */
export function keyParts(id: Value | undefined): { vault?: Value; name?: Value; version?: Value } {
  if (id instanceof Unresolved) return { vault: id, name: id };
  if (typeof id !== 'string') return {};
  const match = /^(https:\/\/[^/]+)\/keys\/([^/]+)(?:\/([^/]*))?/i.exec(id);
  if (!match) return { vault: id, name: id };
  return { vault: `${match[1]}/`, name: match[2], version: match[3] ?? '' };
}

export const SUBSCRIPTION = `/subscriptions/${DEFAULT_DEPLOYMENT_CONTEXT.subscriptionId}`;

/** An id segment: the value, or `${expression}` for an unresolved one, so resources naming it still match. */
export function segment(value: Value | undefined): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof Unresolved) return `\${${value.expression}}`;
  return undefined;
}

/** `/subscriptions/{sub}/resourceGroups/{rg}/providers/{type}/{name}`; undefined without a known name. */
export function groupId(values: ValueObject, type: string, nameKey = 'name'): string | undefined {
  const name = values[nameKey];
  if (typeof name !== 'string' || name === '') return undefined;
  const group = segment(values.resource_group_name) ?? DEFAULT_DEPLOYMENT_CONTEXT.resourceGroup;
  return `${SUBSCRIPTION}/resourceGroups/${group}/providers/${type}/${name}`;
}

/** `{parent}/{childType}/{name}` for a child whose parent is given by id (`server_id`). */
export function childId(parent: Value | undefined, childType: string, name: Value | undefined): string | undefined {
  const base = segment(parent);
  const last = typeof name === 'string' && name !== '' ? name : undefined;
  if (!base || !last) return undefined;
  return `${base}/${childType}/${last}`;
}

/** An id built from names: `groupId` of the parent type and name, then `/{childType}/{name}`. */
export function namedChildId(
  values: ValueObject,
  parentType: string,
  parentNameKey: string,
  childType: string,
): string | undefined {
  const parent = segment(values[parentNameKey]);
  const name = values.name;
  if (!parent || typeof name !== 'string' || name === '') return undefined;
  const group = segment(values.resource_group_name) ?? DEFAULT_DEPLOYMENT_CONTEXT.resourceGroup;
  return `${SUBSCRIPTION}/resourceGroups/${group}/providers/${parentType}/${parent}/${childType}/${name}`;
}

/** The last segment of an id (a parent's name), or the expression of an unresolved one. */
export function lastSegment(id: Value | undefined): string | undefined {
  if (typeof id === 'string') return id.split('/').filter(Boolean).pop();
  if (id instanceof Unresolved) return `\${${id.expression}}`;
  return undefined;
}

export interface DefaultSpec {
  /** The Terraform attribute(s) whose absence this describes. */
  attribute: string;
  /** Value per azurerm major; `undefined` = not pinned (the ARM rule for the provider's API version applies). */
  byMajor: Partial<Record<Major, Value | undefined>> | { all: Value | undefined };
  /** Values from least to most secure, to choose when several majors remain (unlisted `undefined` counts as least). */
  order?: (Value | undefined)[];
  /** Why, citing the provider docs. */
  note?: string;
}

const AZURERM_DOCS = 'terraform-provider-azurerm website/docs/r';
type DefaultEntryCache = Map<
  string,
  Map<string, { spec: DefaultSpec; entry: { value: Value | undefined; because: string } }[]>
>;
const DEFAULT_CACHE = new WeakMap<ProviderVersion, DefaultEntryCache>();

/** Writes one canonical resource. */
export class Builder {
  readonly resource: Resource;
  // Created on first use: a resource without per-value locations is located at its block (core/path.ts locate).
  private locations?: Map<string, SourceLocation>;
  private via?: Map<string, string>;
  private readonly defaults = new Map<string, { value: Value | undefined; because: string }>();
  /** The written-case path of each default, to test presence without case-insensitive walks. */
  private readonly defaultPaths = new Map<string, string>();

  constructor(
    init: { id: string; type: string; name: string; address: string; at: SourceLocation; file: string; scope?: string },
    readonly version: ProviderVersion,
    readonly tfType: string,
  ) {
    this.resource = {
      id: init.id,
      type: init.type,
      name: init.name,
      origin: 'terraform',
      address: init.address,
      at: init.at,
      file: init.file,
      ...(init.scope ? { scope: init.scope } : {}),
      absentDefaults: this.defaults,
    };
  }

  private location(key: string, at: SourceLocation): void {
    if (!this.locations) {
      this.locations = new Map();
      this.resource.locations = this.locations;
    }
    this.locations.set(key, at);
  }

  private provenance(key: string, via: string): void {
    if (!this.via) {
      this.via = new Map();
      this.resource.via = this.via;
    }
    this.via.set(key, via);
  }

  /** Writes several values of one object (`properties` of a rule) with a single walk to it. */
  putAll(base: string, entries: readonly [string, View][]): void {
    let target: Record<string, Value> | undefined;
    for (const [key, view] of entries) {
      if (!view.present) continue;
      if (!target) {
        if (!this.has(base)) this.write(base, {});
        target = this.container(base);
      }
      target[key] = view.value as Value;
      if (view.origin) this.record(`${base}.${key}`, view.origin, view.at);
    }
  }

  private container(path: string): Record<string, Value> {
    let current = this.resource as unknown as Record<string, Value>;
    for (const segment of path.split('.')) current = current[segment] as unknown as Record<string, Value>;
    return current;
  }

  /** Writes a Terraform value at an ARM path (`properties.networkAcls.defaultAction`); absent values are skipped. */
  put(path: string, from: View | undefined): void {
    if (!from?.present) return;
    this.write(path, from.value as Value);
    // Without provenance (a plan read without its .tf files) every path would point at the resource anyway.
    if (from.origin) this.record(path, from.origin, from.at);
  }

  /** Writes a computed value (a constant the mapping implies), located at `at`. */
  set(path: string, value: Value, at?: SourceLocation | View): void {
    this.write(path, value);
    const where = at instanceof View ? at.origin?.at : at;
    if (where && where !== this.resource.at) this.location(locationKey(path), where);
    if (at instanceof View && at.origin?.via) this.provenance(locationKey(path), at.origin.via);
  }

  has(path: string): boolean {
    let current: Value | undefined = this.resource as unknown as Value;
    let start = 0;
    for (;;) {
      const dot = path.indexOf('.', start);
      const segment = dot < 0 ? path.slice(start) : path.slice(start, dot);
      if (Array.isArray(current)) current = current[Number(segment)];
      else if (isObject(current)) current = current[segment];
      else return false;
      if (dot < 0) return current !== undefined && current !== null;
      start = dot + 1;
    }
  }

  /** Locates a path without writing (a block whose members were written one by one). */
  locate(path: string, view: View | undefined): void {
    if (view) this.record(path, view.origin, view.at);
  }

  /** The container the previous write went into, by its path: consecutive writes mostly share it. */
  private lastParentPath?: string;
  private lastParent?: Record<string, Value>;

  private write(path: string, value: Value): void {
    // Hot (every mapped value of every resource): walks the dotted path without splitting it. Containers are
    // indexed by name or by list index; a numeric next segment makes a list.
    const lastDot = path.lastIndexOf('.');
    if (lastDot > 0 && this.lastParent && path.length > lastDot && this.lastParentPath === path.slice(0, lastDot)) {
      this.lastParent[path.slice(lastDot + 1)] = value;
      return;
    }
    // A write that replaces a cached container (or one above it) invalidates the cache.
    if (this.lastParentPath?.startsWith(path)) this.lastParentPath = undefined;
    let target = this.resource as unknown as Record<string, Value>;
    let start = 0;
    for (;;) {
      const dot = path.indexOf('.', start);
      if (dot < 0) {
        target[path.slice(start)] = value;
        this.lastParentPath = path.slice(0, start > 0 ? start - 1 : 0);
        this.lastParent = start > 0 ? target : undefined;
        return;
      }
      const key = path.slice(start, dot);
      let next = target[key];
      if (typeof next !== 'object' || next === null || next instanceof Unresolved) {
        const c = path.charCodeAt(dot + 1);
        next = c >= 48 && c <= 57 ? [] : {};
        target[key] = next;
      }
      target = next as unknown as Record<string, Value>;
      start = dot + 1;
    }
  }

  private record(path: string, origin: Origin | undefined, at: SourceLocation): void {
    const key = locationKey(path);
    this.location(key, origin?.at ?? at);
    if (origin?.via) this.provenance(key, origin.via);
    if (origin?.members) {
      for (const [member, inner] of origin.members) this.record(`${path}.${member}`, inner, inner.at);
    }
  }

  /** What the provider sends when the attribute is absent, for the configuration's azurerm major(s). */
  absent(path: string, spec: DefaultSpec): void {
    // The same for every resource of a type in one scan: computed once per (type, path, attribute, note).
    let byType = DEFAULT_CACHE.get(this.version);
    if (!byType) {
      byType = new Map();
      DEFAULT_CACHE.set(this.version, byType);
    }
    let byPath = byType.get(this.tfType);
    if (!byPath) {
      byPath = new Map();
      byType.set(this.tfType, byPath);
    }
    const specs = byPath.get(path) ?? [];
    let entry = specs.find((s) => s.spec.attribute === spec.attribute && s.spec.note === spec.note)?.entry;
    if (!entry) {
      entry = this.resolveDefault(spec);
      specs.push({ spec, entry });
      byPath.set(path, specs);
    }
    const key = locationKey(path);
    this.defaults.set(key, entry);
    this.defaultPaths.set(key, path);
  }

  private resolveDefault(spec: DefaultSpec): { value: Value | undefined; because: string } {
    const { candidates, source } = this.version;
    const byMajor = spec.byMajor as Partial<Record<Major | 'all', Value | undefined>>;
    const valueFor = (major: Major): Value | undefined => ('all' in byMajor ? byMajor.all : byMajor[major]);
    const values = candidates.map(valueFor);
    const docs = `${AZURERM_DOCS}/${this.tfType.replace(/^azurerm_/, '')}.html.markdown`;
    let value: Value | undefined;
    let because: string;
    const shown = (v: Value | undefined) =>
      v === undefined ? 'not pinned (the API default applies)' : JSON.stringify(v);
    if (candidates.length === 1 || values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]))) {
      value = values[0];
      const majors = candidates.map((m) => `${m}.x`).join('/');
      because = `absent; azurerm ${majors} default for ${spec.attribute} is ${shown(value)} (${source}; ${docs})`;
    } else {
      // Least secure among the candidates: first in `order`, an unpinned value counting as least secure.
      const order = spec.order ?? [];
      const rank = (v: Value | undefined) =>
        v === undefined ? -1 : order.findIndex((o) => JSON.stringify(o) === JSON.stringify(v));
      value = values.reduce((worst, v) => (rank(v) < rank(worst) ? v : worst), values[0]);
      const listed = candidates.map((m) => `${m}.x ${shown(valueFor(m))}`).join(', ');
      because = `absent; azurerm major version not pinned (${source}), so the least secure provider default applies: ${spec.attribute} ${shown(value)} (${listed}; ${docs})`;
    }
    if (spec.note) because += `; ${spec.note}`;
    return { value, because };
  }

  /** Drops default entries for paths that ended up set, so `read()` never mixes them up. */
  finish(): Resource {
    for (const [key, path] of this.defaultPaths) if (this.has(path)) this.defaults.delete(key);
    return this.resource;
  }
}

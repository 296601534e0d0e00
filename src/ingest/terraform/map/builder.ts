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
    const value = this.value;
    const origin = memberOrigin(this.origin, key);
    const fallback = this.at;
    if (Array.isArray(value)) {
      const index = typeof key === 'number' ? key : Number(key);
      return new View(Number.isInteger(index) ? value[index] : undefined, origin, fallback);
    }
    if (isObject(value)) return new View(value[String(key)], origin, fallback);
    return new View(undefined, undefined, fallback);
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
const DEFAULT_CACHE = new WeakMap<ProviderVersion, Map<string, { value: Value | undefined; because: string }>>();

/** Writes one canonical resource. */
export class Builder {
  readonly resource: Resource;
  private readonly locations = new Map<string, SourceLocation>();
  private readonly via = new Map<string, string>();
  private readonly defaults = new Map<string, { value: Value | undefined; because: string }>();

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
      locations: this.locations,
      via: this.via,
      absentDefaults: this.defaults,
    };
  }

  /** Writes a Terraform value at an ARM path (`properties.networkAcls.defaultAction`); absent values are skipped. */
  put(path: string, from: View | undefined): void {
    if (!from?.present) return;
    this.write(path, from.value as Value);
    this.record(path, from.origin, from.at);
  }

  /** Writes a computed value (a constant the mapping implies), located at `at`. */
  set(path: string, value: Value, at?: SourceLocation | View): void {
    this.write(path, value);
    const where = at instanceof View ? at.at : at;
    if (where) this.locations.set(locationKey(path), where);
    if (at instanceof View && at.origin?.via) this.via.set(locationKey(path), at.origin.via);
  }

  has(path: string): boolean {
    let current: Value | undefined = this.resource as unknown as Value;
    for (const segment of path.split('.')) {
      if (!isObject(current)) return false;
      current = current[segment];
    }
    return current !== undefined && current !== null;
  }

  /** Locates a path without writing (a block whose members were written one by one). */
  locate(path: string, view: View | undefined): void {
    if (view) this.record(path, view.origin, view.at);
  }

  private write(path: string, value: Value): void {
    const segments = path.split('.');
    // Containers are indexed by name or by list index; a numeric next segment makes a list.
    let target = this.resource as unknown as Record<string, Value>;
    for (let i = 0; i < segments.length - 1; i++) {
      const key = segments[i];
      const next = target[key];
      if (!Array.isArray(next) && !isObject(next)) target[key] = /^\d+$/.test(segments[i + 1]) ? [] : {};
      target = target[key] as unknown as Record<string, Value>;
    }
    target[segments[segments.length - 1]] = value;
  }

  private record(path: string, origin: Origin | undefined, at: SourceLocation): void {
    const key = locationKey(path);
    this.locations.set(key, origin?.at ?? at);
    if (origin?.via) this.via.set(key, origin.via);
    if (origin?.members) {
      for (const [member, inner] of origin.members) this.record(`${path}.${member}`, inner, inner.at);
    }
  }

  /** What the provider sends when the attribute is absent, for the configuration's azurerm major(s). */
  absent(path: string, spec: DefaultSpec): void {
    // The same for every resource of a type in one scan: computed once.
    const cacheKey = `${this.tfType}|${path}|${spec.attribute}|${JSON.stringify(spec.byMajor)}|${spec.note ?? ''}`;
    let cache = DEFAULT_CACHE.get(this.version);
    if (!cache) {
      cache = new Map();
      DEFAULT_CACHE.set(this.version, cache);
    }
    let entry = cache.get(cacheKey);
    if (!entry) {
      entry = this.resolveDefault(spec);
      cache.set(cacheKey, entry);
    }
    this.defaults.set(locationKey(path), entry);
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
    for (const key of [...this.defaults.keys()]) if (this.hasKey(key)) this.defaults.delete(key);
    return this.resource;
  }

  private hasKey(lowerPath: string): boolean {
    let current: Value | undefined = this.resource as unknown as Value;
    for (const segment of lowerPath.split('.')) {
      if (Array.isArray(current)) current = current[Number(segment)];
      else if (isObject(current)) {
        const object: ValueObject = current;
        const key: string | undefined = Object.keys(object).find((k) => k.toLowerCase() === segment);
        current = key === undefined ? undefined : object[key];
      } else return false;
    }
    return current !== undefined && current !== null;
  }
}

// Applies a rule's `set` / `remove` steps to an in-memory copy of a resource: what the resource will look like once
// the writers' edits land. The fix tests re-run a rule's check on it; `create`, `manual` and `delete-resource` steps
// act on other resources or on people and pass through untouched.
import { isObject, locationKey } from '../core/path.js';
import { type Resource, Unresolved, type Value, type ValueObject } from '../core/types.js';
import type { FixStep } from '../rules/define.js';

/**
 * A deep copy of `resource` with every `set` step applied in order, then every `remove` step. Paths are canonical
 * and index arrays by number; property names match case-insensitively, as ARM's do. Steps that name another
 * resource (`resource`) are left for that resource's copy.
 */
export function applySteps(resource: Resource, steps: readonly FixStep[]): Resource {
  const copy: Resource = {
    ...resource,
    ...(cloneTop(resource) as Partial<Resource>),
    locations: resource.locations ? new Map(resource.locations) : undefined,
    via: resource.via ? new Map(resource.via) : undefined,
  };
  const own = steps.filter((step) => appliesTo(step, resource));
  for (const step of own) {
    if (step.kind !== 'set') continue;
    setPath(copy, step.path, cloneValue(step.value));
    forgetProvenance(copy, step.path);
  }
  // Removals run last and from the highest array index down, so the paths of several findings on one list (all
  // counted in the original resource) still name the elements they were computed for.
  const removals = [...new Set(own.flatMap((step) => (step.kind === 'remove' ? [step.path] : [])))];
  for (const path of removals.sort(laterFirst)) {
    removePath(copy, path);
    forgetProvenance(copy, path);
  }
  return copy;
}

/** Steps naming another resource (FixStep `resource`) belong to that resource's copy. */
function appliesTo(step: FixStep, resource: Resource): boolean {
  if ((step.kind !== 'set' && step.kind !== 'remove') || step.resource === undefined) return true;
  return step.resource.toLowerCase() === resource.id.toLowerCase();
}

function laterFirst(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] === right[i]) continue;
    if (isIndex(left[i]) && isIndex(right[i])) return Number(right[i]) - Number(left[i]);
    return left[i] < right[i] ? -1 : 1;
  }
  // A deeper path first: removing inside an element before the element itself keeps both meaningful.
  return right.length - left.length;
}

const VALUE_KEYS = ['location', 'tags', 'sku', 'kind', 'identity', 'properties', 'metadata'] as const;

function cloneTop(resource: Resource): ValueObject {
  const out: ValueObject = {};
  for (const key of VALUE_KEYS) {
    const value = resource[key];
    if (value !== undefined) out[key] = cloneValue(value);
  }
  return out;
}

function cloneValue(value: Value): Value {
  // Unresolved values are immutable markers; sharing them keeps their expression and location.
  if (value instanceof Unresolved || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneValue);
  const out: ValueObject = {};
  for (const [key, item] of Object.entries(value)) out[key] = cloneValue(item);
  return out;
}

/** The existing key matching `segment` case-insensitively (ARM property names are), else `segment` itself. */
function keyFor(object: ValueObject, segment: string): string {
  if (Object.hasOwn(object, segment)) return segment;
  const lower = segment.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower) ?? segment;
}

function isIndex(segment: string): boolean {
  return /^(0|[1-9]\d*)$/.test(segment);
}

type Container = ValueObject | Value[];

function child(container: Container, segment: string): Value | undefined {
  if (Array.isArray(container)) return isIndex(segment) ? container[Number(segment)] : undefined;
  return container[keyFor(container, segment)];
}

function assign(container: Container, segment: string, value: Value): void {
  if (Array.isArray(container)) {
    if (!isIndex(segment)) throw new Error(`cannot set "${segment}" on an array`);
    container[Number(segment)] = value;
  } else {
    container[keyFor(container, segment)] = value;
  }
}

function setPath(resource: Resource, path: string, value: Value): void {
  const segments = path.split('.');
  let current = resource as unknown as Container;
  for (let i = 0; i < segments.length - 1; i++) {
    const next = child(current, segments[i]);
    if (isObject(next) || Array.isArray(next)) {
      current = next;
      continue;
    }
    // A missing (or scalar, or unresolved) parent is replaced: an index segment next means an array parent.
    const created: Container = isIndex(segments[i + 1]) ? [] : {};
    assign(current, segments[i], created);
    current = created;
  }
  assign(current, segments[segments.length - 1], value);
}

function removePath(resource: Resource, path: string): void {
  const segments = path.split('.');
  let current: Value | undefined = resource as unknown as Value;
  for (let i = 0; i < segments.length - 1; i++) {
    if (!(isObject(current) || Array.isArray(current))) return;
    current = child(current, segments[i]);
  }
  const last = segments[segments.length - 1];
  if (Array.isArray(current)) {
    if (isIndex(last) && Number(last) < current.length) current.splice(Number(last), 1);
  } else if (isObject(current)) {
    delete current[keyFor(current, last)];
  }
}

/** The changed value is now a literal of the resource: its old parameter/variable origin no longer describes it. */
function forgetProvenance(resource: Resource, path: string): void {
  const key = locationKey(path);
  for (const map of [resource.locations, resource.via]) {
    if (!map) continue;
    for (const existing of [...map.keys()]) {
      if (existing === key || existing.startsWith(`${key}.`)) map.delete(existing);
    }
  }
}

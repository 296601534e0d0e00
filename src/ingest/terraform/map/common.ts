// Pieces most azurerm resources share: location, tags, managed identity, private endpoints.
import { Unresolved, type Value, type ValueObject } from '../../../core/types.js';
import { type Builder, childId, segment, View } from './builder.js';
import type { Mapping } from './types.js';

/** location, tags and identity: the top-level ARM members every tracked resource has. */
export function common(tf: View, out: Builder): void {
  out.put('location', tf.get('location'));
  out.put('tags', tf.get('tags'));
  identity(tf, out);
}

/** `identity { type = "SystemAssigned, UserAssigned", identity_ids = [...] }` -> ARM identity. */
export function identity(tf: View, out: Builder, path = 'identity'): void {
  const block = tf.block('identity');
  if (!block) return;
  if (block.unknown) {
    out.put(path, block);
    return;
  }
  out.put(`${path}.type`, block.get('type'));
  const ids = block.get('identity_ids');
  if (ids.unknown) out.put(`${path}.userAssignedIdentities`, ids);
  else if (Array.isArray(ids.value) && ids.value.length > 0) {
    const map: ValueObject = {};
    for (const item of ids.items()) {
      const key = segment(item.value as Value);
      if (key) map[key] = {};
    }
    out.set(`${path}.userAssignedIdentities`, map, ids);
  }
}

/** Copies `name = attr` pairs from a Terraform view into ARM paths under `prefix`. */
export function copy(tf: View, out: Builder, prefix: string, pairs: Record<string, string>): void {
  for (const [from, to] of Object.entries(pairs)) out.put(`${prefix}${to}`, tf.get(from));
}

/** A list attribute whose items become objects: ip_rules ["1.2.3.4"] -> ipRules [{ value, action }]. */
export function listOfObjects(list: View, out: Builder, path: string, field: string, extra: ValueObject = {}): void {
  if (!list.present) return;
  if (list.unknown) {
    out.put(path, list);
    return;
  }
  const items = list.items();
  out.set(path, [], list);
  items.forEach((item, i) => {
    out.put(`${path}.${i}.${field}`, item);
    for (const [key, value] of Object.entries(extra)) out.set(`${path}.${i}.${key}`, value, item);
  });
}

/** Booleans as Enabled/Disabled, unknowns kept. */
export function enabledView(view: View): View {
  return view.map((value) => {
    if (value === true || value === 'true') return 'Enabled';
    if (value === false || value === 'false') return 'Disabled';
    return value;
  });
}

export function notView(view: View): View {
  return view.map((value) => {
    if (value === true || value === 'true') return false;
    if (value === false || value === 'false') return true;
    return value;
  });
}

/** A text list written as a Terraform set or a comma-separated string (azurerm 3.x ip_range_filter). */
export function splitList(view: View): View {
  return view.map((value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : value,
  );
}

/** Resource types whose id is `{parent_id}/{childType}/{name}`. */
export function childOf(type: string, parentKey: string, childType: string, map: Mapping['map']): Mapping {
  return { type, id: (values) => childId(values[parentKey], childType, values.name), map };
}

export function isUnknown(value: Value | undefined): value is Unresolved {
  return value instanceof Unresolved;
}

export function text(view: View): string | undefined {
  return typeof view.value === 'string' ? view.value : undefined;
}

export { View };

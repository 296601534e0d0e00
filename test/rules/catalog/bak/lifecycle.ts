// Lifecycle management policy builders for the PHI-BAK-009/010 tables.
import { MANAGEMENT, res } from './support.js';

type Json = Record<string, unknown>;

export function managementPolicy(rules: Json[], account = 'phistore'): Json {
  return res(MANAGEMENT, `${account}/default`, { policy: { rules } });
}

export function lifecycleRule(name: string, actions: Json, prefixMatch?: unknown, extra: Json = {}): Json {
  const filters: Json = { blobTypes: ['blockBlob'] };
  if (prefixMatch !== undefined) filters.prefixMatch = prefixMatch;
  return { enabled: true, name, type: 'Lifecycle', definition: { filters, actions }, ...extra };
}

export function deleteBase(days: unknown, basis = 'daysAfterModificationGreaterThan'): Json {
  return { baseBlob: { delete: { [basis]: days } } };
}

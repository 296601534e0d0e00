// Lifecycle management policies (managementPolicies/default) read rule by rule with provenance: which blobs a rule
// filters, and after how many days it deletes base blobs, versions and snapshots (controls.md F4).
import { asBoolean, sameText } from '../../../core/path.js';
import type { Resource, Value } from '../../../core/types.js';
import { LIFECYCLE_RULE_ENABLED } from '../../defaults/backup.js';
import type { PathRead, RuleContext } from '../../define.js';
import type { UnknownRead } from './shared.js';

export type DeleteBasis =
  | 'daysAfterModificationGreaterThan'
  | 'daysAfterCreationGreaterThan'
  | 'daysAfterLastAccessTimeGreaterThan';

export interface DeleteAction {
  days: number;
  basis: DeleteBasis;
  read: PathRead;
}

export interface LifecycleRule {
  index: number;
  name: string;
  path: string;
  /** Lifecycle prefixMatch entries; empty = every blob of the account. */
  prefixes: string[];
  /** The rule also filters on blob index tags: which blobs carry them is data, not configuration. */
  indexTags: string | undefined;
  base: DeleteAction[];
  version: DeleteAction[];
  snapshot: DeleteAction[];
  /** The first value of the rule that cannot be resolved; the rule's effect is then unknown. */
  unresolved?: UnknownRead;
}

export interface Lifecycle {
  policy: Resource;
  /** Enabled rules of type Lifecycle. */
  rules: LifecycleRule[];
  /** The whole rules list is unresolved. */
  unresolved?: UnknownRead;
}

const BASE_BASES: DeleteBasis[] = [
  'daysAfterModificationGreaterThan',
  'daysAfterCreationGreaterThan',
  'daysAfterLastAccessTimeGreaterThan',
];

function asNumber(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function deletes(
  policy: Resource,
  read: RuleContext['read'],
  path: string,
  bases: DeleteBasis[],
  rule: LifecycleRule,
): DeleteAction[] {
  const actions: DeleteAction[] = [];
  for (const basis of bases) {
    const value = read(policy, `${path}.${basis}`);
    if (value.state === 'unknown') {
      rule.unresolved ??= value;
      continue;
    }
    const days = asNumber(value.value ?? undefined);
    // azurerm writes -1 for "unset".
    if (days === undefined || days < 0) continue;
    actions.push({ days, basis, read: value });
  }
  return actions;
}

/** Reads a management policy's enabled Lifecycle rules. Disabled rules never run and are left out. */
export function readLifecycle(policy: Resource, read: RuleContext['read']): Lifecycle {
  const list = read(policy, 'properties.policy.rules');
  if (list.state === 'unknown') return { policy, rules: [], unresolved: list };
  if (!Array.isArray(list.value)) return { policy, rules: [] };
  const rules: LifecycleRule[] = [];
  list.value.forEach((_, index) => {
    const path = `properties.policy.rules.${index}`;
    const name = read(policy, `${path}.name`);
    const rule: LifecycleRule = {
      index,
      name: name.state !== 'unknown' && typeof name.value === 'string' ? name.value : `rules[${index}]`,
      path,
      prefixes: [],
      indexTags: undefined,
      base: [],
      version: [],
      snapshot: [],
    };
    const enabled = read(policy, `${path}.enabled`);
    if (enabled.state === 'unknown') rule.unresolved = enabled;
    else if (
      (enabled.value === undefined ? asBoolean(LIFECYCLE_RULE_ENABLED.value) : asBoolean(enabled.value)) === false
    ) {
      return;
    }
    const type = read(policy, `${path}.type`);
    if (type.state === 'unknown') rule.unresolved ??= type;
    else if (type.value !== undefined && !sameText(type.value, 'Lifecycle')) return;
    const prefixes = read(policy, `${path}.definition.filters.prefixMatch`);
    if (prefixes.state === 'unknown') rule.unresolved ??= prefixes;
    else if (Array.isArray(prefixes.value)) {
      prefixes.value.forEach((_, i) => {
        const prefix = read(policy, `${path}.definition.filters.prefixMatch.${i}`);
        if (prefix.state === 'unknown') rule.unresolved ??= prefix;
        else if (typeof prefix.value === 'string') rule.prefixes.push(prefix.value);
      });
    }
    const tags = read(policy, `${path}.definition.filters.blobIndexMatch`);
    if (tags.state === 'unknown') rule.unresolved ??= tags;
    else if (Array.isArray(tags.value) && tags.value.length > 0) rule.indexTags = JSON.stringify(tags.value);
    const actions = `${path}.definition.actions`;
    rule.base = deletes(policy, read, `${actions}.baseBlob.delete`, BASE_BASES, rule);
    rule.version = deletes(policy, read, `${actions}.version.delete`, ['daysAfterCreationGreaterThan'], rule);
    rule.snapshot = deletes(policy, read, `${actions}.snapshot.delete`, ['daysAfterCreationGreaterThan'], rule);
    rules.push(rule);
  });
  return { policy, rules };
}

/** Prefixes as filters: no prefixMatch = the whole account (''). */
export function filtersOf(rule: LifecycleRule): string[] {
  return rule.prefixes.length > 0 ? rule.prefixes : [''];
}

export function describeFilter(rule: LifecycleRule): string {
  return rule.prefixes.length > 0 ? `prefixMatch ${rule.prefixes.join(', ')}` : 'no prefix filter (whole account)';
}

// The reverse of the Terraform adapter's mapping (src/ingest/terraform/map): which azurerm attribute or nested block
// carries a canonical ARM path, and which Terraform value yields a wanted canonical value. Both are read off the
// forward mapping itself rather than a second hand-kept table, so they cannot drift apart:
// - attribute names: the mapping runs once per type over a probe view that answers every attribute read and
//   remembers its name; each canonical path the mapping writes is located at the probe that supplied it.
// - values: candidate Terraform values are mapped forward one at a time and the first whose canonical value equals
//   the wanted one is taken (`true` for `Enabled`, `"private"` for `None`, a negated boolean...).
import { isObject, lookupIn } from '../../core/path.js';
import { type SourceLocation, Unresolved, type Value, type ValueObject } from '../../core/types.js';
import { Builder, View } from '../../ingest/terraform/map/builder.js';
import { MAPPINGS } from '../../ingest/terraform/map/index.js';
import type { MapContext, TypeMapping } from '../../ingest/terraform/map/types.js';
import type { Major, ProviderVersion } from '../../ingest/terraform/providers.js';
import type { Origin } from '../../ingest/terraform/values.js';

/** One segment of a Terraform path: an attribute, a nested block (`network_rules { }`), or the n-th such block. */
export interface TfSegment {
  name: string;
  block: boolean;
  /** Canonical list index this segment follows (`security_rule` blocks in order = `properties.securityRules.N`). */
  indexed?: boolean;
}

export interface TfAttribute {
  /** Where the attribute sits in the resource block, outermost first. */
  path: TfSegment[];
  /** Other names the mapping accepts for the last segment (`enable_https_traffic_only` beside the 4.x name). */
  aliases: string[];
}

const PROBE_FILE = '<phiguard-probe>';
const INDEX = '#';

/** A view that answers every read with a present value and records the Terraform path that was read. */
class ProbeView extends View {
  constructor(
    readonly probe: Probe,
    readonly tfPath: TfSegment[],
    readonly aliases: string[] = [],
  ) {
    const id = probe.paths.push({ path: tfPath, aliases }) - 1;
    const origin: Origin = { at: { file: PROBE_FILE, line: id + 1, column: 1 } };
    // A one-element list: mappings that insist on a block list (`security_rule`) read it, and `block()` of it is
    // its first element as for a real block list.
    super([{}], origin, origin.at);
  }

  override get(key: string | number): View {
    const name = String(key);
    if (/^\d+$/.test(name)) {
      // `list.get(0)`: the first of a block list (`path('service_delegation.0.name')`): same segment, marked indexed.
      const last = this.tfPath[this.tfPath.length - 1];
      if (!last) return new ProbeView(this.probe, this.tfPath);
      return new ProbeView(this.probe, [...this.tfPath.slice(0, -1), { ...last, block: true, indexed: true }]);
    }
    return new ProbeView(this.probe, [...this.tfPath, { name, block: false }]);
  }

  override first(...names: string[]): View {
    const view = this.get(names[0]) as ProbeView;
    return new ProbeView(this.probe, view.tfPath, names.slice(1));
  }

  override block(name: string): View | undefined {
    return new ProbeView(this.probe, [...this.tfPath, { name, block: true }]);
  }

  override items(): View[] {
    const last = this.tfPath[this.tfPath.length - 1];
    if (!last) return [];
    return [new ProbeView(this.probe, [...this.tfPath.slice(0, -1), { ...last, block: true, indexed: true }])];
  }
}

interface Probe {
  paths: TfAttribute[];
}

const ANY_VERSION: ProviderVersion = { candidates: [4], source: 'phiguard fix probe' };
const PROBE_AT: SourceLocation = { file: PROBE_FILE, line: 0, column: 0 };

/** A MapContext that keeps the children a mapping derives (blobServices/default, config/web...). */
function probeContext(children: Map<string, Builder>, tfType: string): MapContext {
  return {
    version: ANY_VERSION,
    address: 'probe',
    at: PROBE_AT,
    file: PROBE_FILE,
    id: '/subscriptions/0/resourceGroups/rg/providers/probe/probe/probe',
    findId: () => undefined,
    child(init) {
      const builder = new Builder({ address: 'probe', at: PROBE_AT, file: PROBE_FILE, ...init }, ANY_VERSION, tfType);
      children.set(childSuffix(init.type), builder);
      return builder;
    },
    diagnostic() {},
  };
}

/** `Microsoft.Storage/storageAccounts/blobServices` -> `blobServices`, the suffix child addresses carry after `#`. */
function childSuffix(type: string): string {
  return type.split('/').pop() ?? type;
}

function runMapping(mapping: TypeMapping, view: View, builder: Builder, context: MapContext): void {
  try {
    if (mapping.kind === 'patch') mapping.apply(view, builder, context);
    else mapping.map(view, builder, context);
  } catch {
    // A mapping may insist on a shape the probe does not have; what it wrote before that still counts.
  }
}

function newBuilder(tfType: string): Builder {
  return new Builder(
    { id: 'probe', type: 'probe', name: 'probe', address: 'probe', at: PROBE_AT, file: PROBE_FILE },
    ANY_VERSION,
    tfType,
  );
}

/** Canonical path (lower-cased, list indexes as `#`) -> Terraform attribute, per child suffix ('' = the resource). */
type AttributeTable = Map<string, Map<string, TfAttribute>>;
const TABLES = new Map<string, AttributeTable>();

function generalize(path: string): string {
  return path
    .toLowerCase()
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? INDEX : s))
    .join('.');
}

function table(tfType: string): AttributeTable {
  const cached = TABLES.get(tfType);
  if (cached) return cached;
  const result: AttributeTable = new Map();
  TABLES.set(tfType, result);
  const mapping = MAPPINGS[tfType];
  if (!mapping) return result;
  const probe: Probe = { paths: [] };
  const builder = newBuilder(tfType);
  const children = new Map<string, Builder>();
  runMapping(mapping, new ProbeView(probe, []), builder, probeContext(children, tfType));
  const collect = (suffix: string, target: Builder) => {
    const entries = new Map<string, TfAttribute>();
    for (const [key, at] of target.resource.locations ?? []) {
      if (at.file !== PROBE_FILE) continue;
      const attribute = probe.paths[at.line - 1];
      if (!attribute || attribute.path.length === 0) continue;
      const general = generalize(key);
      // The first (most specific) writer wins: `properties.networkAcls` is also located at its block.
      if (!entries.has(general)) entries.set(general, attribute);
    }
    result.set(suffix, entries);
  };
  collect('', builder);
  for (const [suffix, child] of children) collect(suffix, child);
  return result;
}

/** The Terraform attribute behind `path` of a resource of `tfType` (child: the suffix after `#` in its address). */
export function attributeFor(tfType: string, path: string, child = ''): TfAttribute | undefined {
  const entries = table(tfType).get(child);
  if (!entries) return undefined;
  const exact = entries.get(generalize(path));
  if (exact) return exact;
  return undefined;
}

/** The attribute with the canonical list indexes of `path` substituted into its indexed segments. */
export function indexesOf(path: string): number[] {
  return path
    .split('.')
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}

/** Terraform JSON shape of one attribute set at `tfPath` (blocks are lists of objects). */
function valuesAt(tfPath: TfSegment[], value: Value): ValueObject {
  const root: ValueObject = {};
  let target = root;
  tfPath.forEach((segment, i) => {
    if (i === tfPath.length - 1) {
      target[segment.name] = segment.block ? [value] : value;
      return;
    }
    const inner: ValueObject = {};
    target[segment.name] = segment.block ? [inner] : inner;
    target = inner;
  });
  return root;
}

function candidates(wanted: Value): Value[] {
  // Converted forms first: a mapping that passes any value through would also accept the ARM spelling
  // ("Disabled" for public_network_access_enabled), which the provider rejects.
  if (typeof wanted === 'string') {
    const out: Value[] = [true, false];
    // Terraform spells some ARM enums in lower case or differently (container_access_type "private" for None).
    if (wanted !== wanted.toLowerCase()) out.push(wanted.toLowerCase());
    out.push('private');
    const number = Number(wanted);
    if (wanted.trim() !== '' && !Number.isNaN(number) && !/^\d+\.\d*0$/.test(wanted)) out.push(number);
    out.push(wanted);
    return out;
  }
  if (typeof wanted === 'boolean') return [wanted, !wanted, wanted ? 'Enabled' : 'Disabled'];
  if (typeof wanted === 'number') return [wanted, String(wanted)];
  return [wanted];
}

function same(a: Value | undefined, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The Terraform value that maps to `wanted` at `path`, found by mapping candidates forward; undefined when none
 * does (the caller then writes `wanted` itself and the rescan judges it).
 */
export function terraformValue(
  tfType: string,
  attribute: TfAttribute,
  path: string,
  wanted: Value,
  child = '',
): Value | undefined {
  const mapping = MAPPINGS[tfType];
  if (!mapping || wanted instanceof Unresolved || isObject(wanted) || Array.isArray(wanted)) return undefined;
  // Indexed segments are probed at index 0; the canonical path is read back at the same generalized position.
  const probePath = path
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? '0' : s))
    .join('.');
  for (const candidate of candidates(wanted)) {
    const builder = newBuilder(tfType);
    const children = new Map<string, Builder>();
    const values = valuesAt(attribute.path, candidate);
    // Required identity attributes some mappings test before writing anything.
    values.name ??= 'probe';
    runMapping(mapping, new View(values, undefined, PROBE_AT), builder, probeContext(children, tfType));
    const target = child === '' ? builder : children.get(child);
    if (!target) continue;
    const found = lookupIn(target.resource as unknown as Value, probePath);
    if (found.kind === 'present' && same(found.value, wanted)) return candidate;
  }
  return undefined;
}

/** Legacy attribute names the given azurerm major still needs (3.x has no `https_traffic_only_enabled`). */
export function nameFor(attribute: TfAttribute, major: Major | undefined): string {
  const last = attribute.path[attribute.path.length - 1];
  if (major !== undefined && major <= 3 && LEGACY_IN_3X.has(last.name)) {
    const legacy = attribute.aliases.find((alias) => alias === LEGACY_IN_3X.get(last.name));
    if (legacy) return legacy;
  }
  return last.name;
}

// azurerm 4.0 upgrade guide: attributes renamed in 4.x whose 3.x names the 3.x provider requires.
const LEGACY_IN_3X = new Map([['https_traffic_only_enabled', 'enable_https_traffic_only']]);

/**
 * The Terraform value for `wanted` read off the pair the resource has now: when the adapter composes a canonical
 * value from this attribute and others (sku.name = account_tier + "_" + account_replication_type), the current
 * canonical value is the current literal with a fixed prefix and/or suffix, and the wanted value must carry the same
 * affixes; the attribute then takes what lies between ("Standard_RAGRS" -> "RAGRS"). Undefined when the pair shows
 * no such composition or the wanted value does not fit it.
 */
export function throughCurrent(
  current: ReturnType<typeof lookupIn>,
  literal: Value | undefined,
  wanted: Value,
): Value | undefined {
  if (current.kind !== 'present') return undefined;
  // A boolean argument that says the same as the canonical value, or its negation (local_authentication_disabled).
  if (typeof current.value === 'boolean' && typeof literal === 'boolean' && typeof wanted === 'boolean')
    return literal === current.value ? wanted : !wanted;
  if (typeof current.value !== 'string' || typeof literal !== 'string') return undefined;
  if (typeof wanted !== 'string' || literal === '' || current.value === literal) return undefined;
  const at = current.value.indexOf(literal);
  if (at < 0) return undefined;
  const prefix = current.value.slice(0, at);
  const suffix = current.value.slice(at + literal.length);
  if (!wanted.startsWith(prefix) || !wanted.endsWith(suffix) || wanted.length <= prefix.length + suffix.length)
    return undefined;
  return wanted.slice(prefix.length, wanted.length - suffix.length);
}

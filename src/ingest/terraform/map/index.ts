// Translates evaluated Terraform resource instances (HCL or plan) into canonical ARM-shaped Resources. One table
// entry per azurerm/azuread type; types without an entry are not emitted (no rule reads them).
import type { Resource, SourceLocation, ValueObject } from '../../../core/types.js';
import type { IngestDiagnostic } from '../../types.js';
import type { ComputeContext, Mode } from '../module.js';
import type { ProviderVersion } from '../providers.js';
import type { Origin } from '../values.js';
import { Builder, groupId, SUBSCRIPTION, segment, View } from './builder.js';
import { DATABASE_MAPPINGS } from './databases.js';
import { NETWORK_MAPPINGS } from './network.js';
import { OTHER_MAPPINGS } from './others.js';
import { STORAGE_MAPPINGS } from './storage.js';
import type { IdContext, MapContext, Mapping, TypeMapping } from './types.js';

const RESOURCE_GROUP: Mapping = {
  type: 'Microsoft.Resources/resourceGroups',
  id: (values) => (typeof values.name === 'string' ? `${SUBSCRIPTION}/resourceGroups/${values.name}` : undefined),
  map(tf, out) {
    out.put('location', tf.get('location'));
    out.put('tags', tf.get('tags'));
  },
};

export const MAPPINGS: Readonly<Record<string, TypeMapping>> = {
  azurerm_resource_group: RESOURCE_GROUP,
  ...STORAGE_MAPPINGS,
  ...NETWORK_MAPPINGS,
  ...DATABASE_MAPPINGS,
  ...OTHER_MAPPINGS,
};

/** The terraform types this adapter translates. */
export function mappedTypes(): string[] {
  return Object.keys(MAPPINGS).sort();
}

function fallbackId(address: string): string {
  return `terraform://${address}`;
}

/** The id references to a resource see: the ARM id its mapping builds, else a stable terraform:// id. */
export function resourceId(type: string, mode: Mode, values: ValueObject, address: string, context: IdContext): string {
  const mapping = MAPPINGS[type];
  if (mapping && mapping.kind !== 'patch') {
    const id = mapping.id(values, context);
    if (id) return id;
  } else if (mode === 'data') {
    // Data sources without a mapping of their own (azurerm_client_config, ...): nothing to build.
    return fallbackId(address);
  }
  if (!mapping && typeof values.name === 'string' && values.resource_group_name !== undefined) {
    return groupId(values, `terraform/${type}`) ?? fallbackId(address);
  }
  return fallbackId(address);
}

/** The `ComputedAttributes` hook of the module loader: `id` plus the mapping's computed attributes. */
export function computedAttributes(
  type: string,
  mode: Mode,
  values: ValueObject,
  context: ComputeContext,
): ValueObject {
  const id = resourceId(type, mode, values, context.address, context);
  const mapping = MAPPINGS[type];
  const extra = mapping && mapping.kind !== 'patch' && mapping.computed ? mapping.computed(values, id) : {};
  return { id, ...extra };
}

/** ARM name: `parent/child` for children, the last segment for top-level and extension resources. */
function armName(id: string, values: ValueObject, address: string): string {
  if (id.startsWith('terraform://'))
    return typeof values.name === 'string' ? values.name : (segment(values.name) ?? address);
  const providers = id.toLowerCase().lastIndexOf('/providers/');
  if (providers < 0) return id.split('/').pop() ?? id;
  const tail = id.slice(providers + '/providers/'.length).split('/');
  const names = tail.filter((_, i) => i >= 2 && i % 2 === 0);
  return names.join('/');
}

/** One instance to translate: values as Terraform's JSON shows them, with provenance when read from HCL. */
export interface MapInput {
  type: string;
  address: string;
  /** The id to give the resource (a plan's known ARM id); default: built by the mapping. */
  id?: string;
  values: ValueObject;
  origin?: Origin;
  at: SourceLocation;
  file: string;
}

export interface MapOptions {
  version: ProviderVersion;
  findId(type: string, name: string): string | undefined;
}

/** One instance's MapContext (methods on the prototype: plans map tens of thousands of these). */
class InstanceContext implements MapContext {
  constructor(
    private readonly input: MapInput,
    readonly id: string,
    private readonly options: MapOptions,
    private readonly batch: Batch,
  ) {}
  get version() {
    return this.options.version;
  }
  get address() {
    return this.input.address;
  }
  get at() {
    return this.input.at;
  }
  get file() {
    return this.input.file;
  }
  findId(type: string, name: string): string | undefined {
    return this.options.findId(type, name);
  }
  child(init: { id: string; type: string; name: string; address?: string; scope?: string }): Builder {
    const builder = new Builder(
      {
        address: init.address ?? `${this.input.address}#${init.type.split('/').pop()}`,
        at: this.input.at,
        file: this.input.file,
        ...init,
      },
      this.options.version,
      this.input.type,
    );
    this.batch.add(init.id, builder);
    return builder;
  }
  diagnostic(diagnostic: Omit<IngestDiagnostic, 'file'> & { file?: string }): void {
    this.batch.diagnostics.push({ file: this.input.file, ...diagnostic });
  }
}

class Batch {
  readonly builders: Builder[] = [];
  readonly byId = new Map<string, Builder>();
  readonly diagnostics: IngestDiagnostic[] = [];
  add(id: string, builder: Builder): void {
    this.builders.push(builder);
    this.byId.set(id.toLowerCase(), builder);
  }
}

/** Translates instances; patches (CMK, network rules, NSG associations) are applied to their targets last. */
export function mapInstances(
  inputs: Iterable<MapInput>,
  options: MapOptions,
): { resources: Resource[]; diagnostics: IngestDiagnostic[] } {
  const batch = new Batch();
  const patches: {
    input: MapInput;
    view: View;
    context: MapContext;
    patch: Extract<TypeMapping, { kind: 'patch' }>;
  }[] = [];
  for (const input of inputs) {
    const mapping = MAPPINGS[input.type];
    if (!mapping) continue;
    const view = new View(input.values, input.origin, input.at);
    const id = input.id ?? resourceId(input.type, 'managed', input.values, input.address, options);
    const context = new InstanceContext(input, id, options, batch);
    if (mapping.kind === 'patch') {
      patches.push({ input, view, context, patch: mapping });
      continue;
    }
    const builder = new Builder(
      {
        id,
        type: typeof mapping.type === 'function' ? mapping.type(input.values) : mapping.type,
        name: armName(id, input.values, input.address),
        address: input.address,
        at: input.at,
        file: input.file,
        scope: mapping.scope?.(input.values),
      },
      options.version,
      input.type,
    );
    batch.add(id, builder);
    mapping.map(view, builder, context);
  }
  for (const { input, view, context, patch } of patches) {
    const targetId = patch.target(input.values, options);
    const target = targetId ? batch.byId.get(targetId.toLowerCase()) : undefined;
    if (!target) {
      batch.diagnostics.push({
        kind: 'warning',
        file: input.file,
        line: input.at.line,
        column: input.at.column,
        message: `${input.address}: its ${patch.targetType} (${targetId ?? 'unknown id'}) is not in the scan, so its settings are not applied to any resource`,
      });
      continue;
    }
    patch.apply(view, target, context);
  }
  return { resources: batch.builders.map((builder) => builder.finish()), diagnostics: batch.diagnostics };
}

export { segment };

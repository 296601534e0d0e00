// `terraform show -json` output: plans (resource_changes with after / after_unknown, configuration) and states
// (values.root_module). Values are exact - the provider already filled in its defaults - so they are mapped as they
// are; attributes known only after apply become Unresolved. The file is streamed in two passes: the first reads the
// configuration (references between resources) and the few resources that patch others (customer-managed keys,
// network rules, NSG associations); the second maps every resource change as it arrives. When .tf files sit next to
// the plan, resources and attributes are located in them.
import { createReadStream, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isObject } from '../../core/path.js';
import { type Resource, type SourceLocation, Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';
import type { Body, HclFile } from './hcl.js';
import {
  type CapturedValue,
  type Decision,
  JsonScanner,
  JsonSyntaxError,
  type PathSegment,
  scanJsonFile,
} from './json-stream.js';
import { SUBSCRIPTION } from './map/builder.js';
import { MAPPINGS, type MapInput, mapInstances, resourceId } from './map/index.js';
import { Loader, type ModuleSource } from './module.js';
import { azurermVersion, MAJORS, majorsAdmitted, type ProviderVersion } from './providers.js';
import type { Origin } from './values.js';

/** Whether the head of a JSON file is `terraform show -json` output (a plan or a state). */
export function detectTerraformPlan(headText: string): boolean {
  const text = headText.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{')) return false;
  return (
    /"format_version"\s*:/.test(text) &&
    /"(terraform_version|planned_values|resource_changes|root_module)"\s*:/.test(text)
  );
}

interface ChangeItem {
  address: string;
  module_address?: string;
  mode?: string;
  type: string;
  name?: string;
  index?: number | string;
  change?: { actions?: string[]; after?: Value; after_unknown?: Value };
  /** State / planned_values form. */
  values?: Value;
}

interface ConfigModule {
  resources?: { address: string; type: string; mode?: string; expressions?: Value }[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

/** Instance keys dropped: `module.a["x"].azurerm_y.z[0]` -> `module.a.azurerm_y.z`. */
function configAddress(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

function modulePrefix(address: string): string {
  const match = /^(.*\.)?(?:data\.)?[a-z0-9_-]+\.[^.[]+(\[[^\]]*\])?$/i.exec(address);
  return match?.[1] ?? '';
}

/** Expressions of every resource in the configuration, by configuration address. */
function configExpressions(root: ConfigModule | undefined): Map<string, ValueObject> {
  const out = new Map<string, ValueObject>();
  const walk = (module: ConfigModule | undefined, prefix: string) => {
    if (!module) return;
    for (const resource of module.resources ?? []) {
      if (isObject(resource.expressions as Value))
        out.set(`${prefix}${resource.address}`, resource.expressions as ValueObject);
    }
    for (const [name, call] of Object.entries(module.module_calls ?? {})) walk(call.module, `${prefix}module.${name}.`);
  };
  walk(root, '');
  return out;
}

/** The address a configuration expression refers to by `.id` (`azurerm_x.y[0].id` -> `azurerm_x.y[0]`). */
function referencedAddress(expression: Value | undefined): string | undefined {
  if (!isObject(expression)) return undefined;
  const references = expression.references;
  if (!Array.isArray(references)) return undefined;
  for (const reference of references) {
    if (
      typeof reference === 'string' &&
      reference.endsWith('.id') &&
      !reference.startsWith('var.') &&
      !reference.startsWith('local.')
    ) {
      return reference.slice(0, -'.id'.length);
    }
  }
  return undefined;
}

/** `after` with every `after_unknown` leaf replaced by an Unresolved naming the attribute. */
function withUnknowns(after: Value, unknown: Value | undefined, path: string, at: SourceLocation): Value {
  if (unknown === true) return new Unresolved(`${path} (known after apply)`, at);
  if (Array.isArray(unknown)) {
    const list = Array.isArray(after) ? [...after] : [];
    unknown.forEach((flag, i) => {
      if (flag === false || flag === null) return;
      list[i] = withUnknowns(list[i] ?? null, flag, `${path}[${i}]`, at);
    });
    return list;
  }
  if (isObject(unknown)) {
    const object: ValueObject = isObject(after) ? { ...after } : {};
    for (const [key, flag] of Object.entries(unknown)) {
      if (flag === false || flag === null) continue;
      object[key] = withUnknowns(object[key] ?? null, flag, `${path}.${key}`, at);
    }
    return object;
  }
  return after;
}

/** Resolves unknown `*_id` arguments that the configuration says reference another resource's id. */
function resolveReferences(
  value: Value,
  expressions: Value | undefined,
  prefix: string,
  ids: Map<string, string>,
): { value: Value; pending: boolean } {
  let pending = false;
  const visit = (current: Value, expression: Value | undefined): Value => {
    if (current instanceof Unresolved) {
      const target = referencedAddress(expression);
      if (!target) return current;
      const id = ids.get(`${prefix}${target}`) ?? ids.get(`${prefix}${configAddress(target)}`);
      if (id) return id;
      pending = true;
      return current;
    }
    if (Array.isArray(current)) {
      return current.map((item, i) => visit(item, Array.isArray(expression) ? expression[i] : undefined));
    }
    if (isObject(current) && isObject(expression)) {
      const out: ValueObject = {};
      for (const [key, item] of Object.entries(current)) out[key] = visit(item, expression[key]);
      return out;
    }
    return current;
  };
  return { value: visit(value, expressions), pending };
}

/** Origins of a resource block's attributes and static nested blocks, for locating plan values in the .tf files. */
function bodyOrigin(body: Body, file: HclFile): Origin {
  const members = new Map<string, Origin>();
  for (const attr of body.attributes) members.set(attr.name, { at: file.location(attr.expr) });
  const lists = new Map<string, Origin>();
  for (const block of body.blocks) {
    const name = block.type === 'dynamic' ? block.labels[0] : block.type;
    if (!name) continue;
    let list = lists.get(name);
    if (!list) {
      list = { at: file.location(block), members: new Map() };
      lists.set(name, list);
      members.set(name, list);
    }
    // A dynamic block's instances are all located at the dynamic block.
    if (block.type !== 'dynamic') list.members?.set(String(list.members.size), bodyOrigin(block.body, file));
  }
  return { at: file.location(body.start), members };
}

/** Finds resource blocks of the configuration beside the plan, following local module calls. */
class ConfigLocator {
  constructor(private readonly root: ModuleSource | undefined) {}

  locate(address: string): { at: SourceLocation; origin: Origin; file: string } | undefined {
    if (!this.root) return undefined;
    const parts = configAddress(address).split('.');
    let source: ModuleSource | undefined = this.root;
    let i = 0;
    while (parts[i] === 'module' && source) {
      source = source.calls.get(parts[i + 1])?.child;
      i += 2;
    }
    if (!source) return undefined;
    const declaration = source.declarations.get(parts.slice(i).join('.'));
    if (!declaration) return undefined;
    return {
      at: declaration.file.location(declaration.block),
      origin: bodyOrigin(declaration.block.body, declaration.file),
      file: declaration.file.file,
    };
  }
}

/** JSON.parse of a captured value; a syntax error inside it is reported at the value's position. */
function parseCaptured<T>(captured: CapturedValue): T {
  try {
    return JSON.parse(captured.text) as T;
  } catch (error) {
    throw new JsonSyntaxError((error as Error).message, captured.offset, captured.line, captured.column);
  }
}

function isPatchType(type: string): boolean {
  return MAPPINGS[type]?.kind === 'patch';
}

const ARM_ID = /^\/subscriptions\/([^/]+)\//i;

/**
 * Streams the resources of a plan or state JSON. Diagnostics (malformed JSON, patches whose target is not in the
 * plan, .tf files that do not parse) go to `onDiagnostic`; the iteration ends early on malformed JSON.
 */
export async function* readTerraformPlan(
  file: string,
  onDiagnostic: (d: IngestDiagnostic) => void,
): AsyncIterable<Resource> {
  // Pass 1: configuration, patch resources, what the file holds, the subscription of existing resources.
  const seen = { resourceChanges: false, values: false, plannedValues: false };
  let configuration:
    | {
        root_module?: ConfigModule;
        provider_config?: Record<string, { version_constraint?: string; full_name?: string }>;
      }
    | undefined;
  const patches: ChangeItem[] = [];
  const patchAt: SourceLocation[] = [];
  let subscription: string | undefined;
  const itemType = new Map<number, string>();
  const itemAddress = new Map<number, string>();
  try {
    await scanJsonFile(
      file,
      (path) => {
        if (path.length === 1) {
          const key = path[0];
          if (key === 'resource_changes') {
            seen.resourceChanges = true;
            return 'descend';
          }
          if (key === 'values') seen.values = true;
          if (key === 'planned_values') seen.plannedValues = true;
          return key === 'configuration' ? 'capture' : 'skip';
        }
        if (path[0] !== 'resource_changes') return 'skip';
        if (path.length === 2) return 'descend';
        const index = path[1] as number;
        const key = path[2];
        if (path.length === 3) {
          if (key === 'type' || key === 'address') return 'capture';
          const type = itemType.get(index);
          if (key === 'change' && type && isPatchType(type)) return 'capture';
          if (key === 'change' && !subscription) return 'descend';
          return 'skip';
        }
        if (path.length === 4 && path[3] === 'after') return 'descend';
        if (path.length === 5 && path[3] === 'after' && path[4] === 'id') return 'capture';
        return 'skip';
      },
      (captured) => {
        const path = captured.path;
        if (path[0] === 'configuration') {
          configuration = parseCaptured<typeof configuration>(captured);
          return;
        }
        const index = path[1] as number;
        if (path[2] === 'type') itemType.set(index, parseCaptured<string>(captured));
        else if (path[2] === 'address') itemAddress.set(index, parseCaptured<string>(captured));
        else if (path[2] === 'change' && path.length === 3) {
          const change = parseCaptured<ChangeItem['change']>(captured);
          patches.push({
            address: itemAddress.get(index) ?? '',
            type: itemType.get(index) ?? '',
            change,
            mode: 'managed',
          });
          patchAt.push({ file, line: captured.line, column: captured.column });
        } else if (path[4] === 'id' && !subscription) {
          const id = parseCaptured<unknown>(captured);
          const match = typeof id === 'string' ? ARM_ID.exec(id) : null;
          if (match) subscription = match[1];
        }
      },
    );
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    onDiagnostic({
      kind: 'parse-error',
      file,
      line: error.line,
      column: error.column,
      message: `malformed JSON: ${error.message}`,
    });
    return;
  }
  itemType.clear();
  itemAddress.clear();
  const expressions = configExpressions(configuration?.root_module);
  const constraint = configuration?.provider_config?.azurerm?.version_constraint;
  const version: ProviderVersion = constraint
    ? {
        candidates: majorsAdmitted(constraint).length ? majorsAdmitted(constraint) : [...MAJORS],
        source: `azurerm version constraint ${JSON.stringify(constraint)} in the plan`,
      }
    : azurermVersion([]);

  // The configuration beside the plan, for file:line.
  const dir = dirname(file);
  let locator = new ConfigLocator(undefined);
  try {
    if (readdirSync(dir).some((name) => name.endsWith('.tf'))) {
      const loader = new Loader(() => ({}));
      const root = loader.source(dir);
      for (const diagnostic of loader.diagnostics) onDiagnostic(diagnostic);
      locator = new ConfigLocator(root);
    }
  } catch {
    // No readable directory: values are located in the plan itself.
  }

  const ids = new Map<string, string>();
  const fixSubscription = (id: string) =>
    subscription && id.startsWith(SUBSCRIPTION) ? `/subscriptions/${subscription}${id.slice(SUBSCRIPTION.length)}` : id;
  const context = {
    findId: (type: string, name: string) => {
      for (const [address, id] of ids)
        if (address.includes(`${type}.`) && id.toLowerCase().endsWith(`/${name.toLowerCase()}`)) return id;
      return undefined;
    },
  };
  const inputOf = (item: ChangeItem, values: ValueObject, at: SourceLocation): MapInput => {
    const located = locator.locate(item.address);
    return {
      type: item.type,
      address: item.address,
      values,
      origin: located?.origin,
      at: located?.at ?? at,
      file: located?.file ?? file,
    };
  };
  /** The id a mapped resource gets: the plan's ARM id when known, else the mapping's (with the plan's subscription). */
  const idOf = (item: ChangeItem, values: ValueObject): string => {
    const known = values.id;
    if (typeof known === 'string' && ARM_ID.test(known)) return known;
    return fixSubscription(resourceId(item.type, 'managed', values, item.address, context));
  };

  /** The values a resource will have (unknowns marked), or undefined for data sources and deletions. */
  const prepare = (item: ChangeItem, at: SourceLocation): { values: ValueObject; at: SourceLocation } | undefined => {
    if (item.mode && item.mode !== 'managed') return undefined;
    let values: Value;
    if (item.change) {
      const actions = item.change.actions ?? [];
      if (
        item.change.after === null ||
        item.change.after === undefined ||
        (actions.length === 1 && actions[0] === 'delete')
      )
        return undefined;
      values = withUnknowns(item.change.after, item.change.after_unknown, item.address, at);
    } else values = item.values ?? null;
    if (!isObject(values)) return undefined;
    return { values, at };
  };

  // Patches, keyed by the target they change: its id, or its address when the id is known only after apply.
  interface PendingPatch {
    item: ChangeItem;
    values: ValueObject;
    at: SourceLocation;
    target?: string;
    targetAddress?: string;
    applied: boolean;
  }
  const pending: PendingPatch[] = [];
  patches.forEach((item, i) => {
    const prepared = prepare(item, patchAt[i]);
    const mapping = MAPPINGS[item.type];
    if (!prepared || mapping?.kind !== 'patch') return;
    const patch: PendingPatch = { item, values: prepared.values, at: prepared.at, applied: false };
    const raw = mapping.target(prepared.values, context);
    if (raw && !raw.includes('${')) patch.target = raw;
    else {
      const config = expressions.get(configAddress(item.address)) ?? {};
      for (const [key, expression] of Object.entries(config)) {
        const reference = referencedAddress(expression);
        if (reference && prepared.values[key] instanceof Unresolved)
          patch.targetAddress = `${modulePrefix(item.address)}${reference}`;
      }
    }
    pending.push(patch);
  });

  const emit = (item: ChangeItem, values: ValueObject, at: SourceLocation): Resource[] => {
    const id = idOf(item, values);
    const batch: MapInput[] = [{ ...inputOf(item, values, at), id }];
    for (const patch of pending) {
      const byId = patch.target !== undefined && patch.target.toLowerCase() === id.toLowerCase();
      if (!byId && patch.targetAddress !== item.address) continue;
      patch.applied = true;
      const config = expressions.get(configAddress(patch.item.address));
      const values = byId
        ? patch.values
        : (resolveReferences(patch.values, config, modulePrefix(patch.item.address), new Map([[item.address, id]]))
            .value as ValueObject);
      batch.push(inputOf(patch.item, values, patch.at));
    }
    const mapped = mapInstances(batch, { version, findId: context.findId });
    for (const diagnostic of mapped.diagnostics) onDiagnostic(diagnostic);
    return mapped.resources;
  };

  // Pass 2: every resource, mapped as it arrives.
  const source = seen.resourceChanges
    ? 'resource_changes'
    : seen.values
      ? 'values'
      : seen.plannedValues
        ? 'planned_values'
        : undefined;
  if (!source) {
    onDiagnostic({
      kind: 'warning',
      file,
      message: 'the JSON holds no resource_changes, values or planned_values: no resources to scan',
    });
    return;
  }
  const decide = (path: readonly PathSegment[]): Decision => {
    if (path[0] !== source) return 'skip';
    if (source === 'resource_changes') return path.length === 1 ? 'descend' : path.length === 2 ? 'capture' : 'skip';
    // values.root_module.{resources[*], child_modules[*].{resources, child_modules}}
    const last = path[path.length - 1];
    const parent = path[path.length - 2];
    if (path.length === 1 || last === 'root_module' || last === 'child_modules' || last === 'resources')
      return 'descend';
    if (typeof last === 'number' && parent === 'child_modules') return 'descend';
    if (typeof last === 'number' && parent === 'resources') return 'capture';
    return 'skip';
  };
  const deferred: { item: ChangeItem; values: ValueObject; at: SourceLocation }[] = [];
  const queue: CapturedValue[] = [];
  const reader = new JsonScanner(decide, (captured) => queue.push(captured));
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) {
      reader.write(chunk as Buffer);
      for (const captured of queue) {
        const item = parseCaptured<ChangeItem>(captured);
        if (isPatchType(item.type)) continue;
        const prepared = prepare(item, { file, line: captured.line, column: captured.column });
        if (!prepared) continue;
        const resolved = resolveReferences(
          prepared.values,
          expressions.get(configAddress(item.address)),
          modulePrefix(item.address),
          ids,
        );
        const values = resolved.value as ValueObject;
        ids.set(item.address, idOf(item, values));
        if (resolved.pending) {
          // A reference to a resource later in the file: mapped at the end, when every id is known.
          deferred.push({ item, values, at: prepared.at });
          continue;
        }
        yield* emit(item, values, prepared.at);
      }
      queue.length = 0;
    }
    reader.end();
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    onDiagnostic({
      kind: 'parse-error',
      file,
      line: error.line,
      column: error.column,
      message: `malformed JSON: ${error.message}`,
    });
    return;
  }
  for (const entry of deferred) {
    const resolved = resolveReferences(
      entry.values,
      expressions.get(configAddress(entry.item.address)),
      modulePrefix(entry.item.address),
      ids,
    );
    yield* emit(entry.item, resolved.value as ValueObject, entry.at);
  }
  for (const patch of pending) {
    if (patch.applied) continue;
    onDiagnostic({
      kind: 'warning',
      file,
      line: patch.at.line,
      column: patch.at.column,
      message: `${patch.item.address}: its target (${patch.target ?? patch.targetAddress ?? 'unknown'}) is not in the plan, so its settings are not applied to any resource`,
    });
  }
}

// `terraform show -json` output: plans (resource_changes with after / after_unknown, configuration) and states
// (values.root_module). Values are exact - the provider already filled in its defaults - so they are mapped as they
// are; attributes known only after apply become Unresolved. The file is streamed in two passes: the first reads the
// configuration (references between resources) and the few resources that patch others (customer-managed keys,
// network rules, NSG associations); the second maps every resource change as it arrives. When .tf files sit next to
// the plan, resources and attributes are located in them.
import { closeSync, createReadStream, openSync, readdirSync, readSync, statSync } from 'node:fs';
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

/** `after` with every `after_unknown` leaf replaced by an Unresolved naming the attribute (copied only where marked). */
function withUnknowns(after: Value, unknown: Value | undefined, path: string, at: SourceLocation): Value {
  if (unknown === true) return new Unresolved(`${path} (known after apply)`, at);
  if (Array.isArray(unknown)) {
    let list: Value[] | undefined;
    for (let i = 0; i < unknown.length; i++) {
      const flag = unknown[i];
      if (
        flag === false ||
        flag === null ||
        (isObject(flag) && Object.keys(flag).length === 0) ||
        (Array.isArray(flag) && flag.length === 0)
      )
        continue;
      list ??= Array.isArray(after) ? [...after] : [];
      list[i] = withUnknowns(list[i] ?? null, flag, `${path}[${i}]`, at);
    }
    return list ?? after;
  }
  if (isObject(unknown)) {
    let object: ValueObject | undefined;
    for (const key in unknown) {
      const flag = unknown[key];
      if (
        flag === false ||
        flag === null ||
        (isObject(flag) && Object.keys(flag).length === 0) ||
        (Array.isArray(flag) && flag.length === 0)
      )
        continue;
      object ??= isObject(after) ? { ...after } : {};
      object[key] = withUnknowns(object[key] ?? null, flag, `${path}.${key}`, at);
    }
    return object ?? after;
  }
  return after;
}

/** Resolves unknown `*_id` arguments that the configuration says reference another resource's id (copy on write). */
function resolveReferences(
  value: Value,
  expressions: Value | undefined,
  prefix: string,
  ids: Map<string, string>,
): { value: Value; pending: boolean } {
  if (expressions === undefined) return { value, pending: false };
  let pending = false;
  const visit = (current: Value, expression: Value | undefined): Value => {
    if (expression === undefined) return current;
    if (current instanceof Unresolved) {
      const target = referencedAddress(expression);
      if (!target) return current;
      const id = ids.get(`${prefix}${target}`) ?? ids.get(`${prefix}${configAddress(target)}`);
      if (id) return id;
      pending = true;
      return current;
    }
    if (Array.isArray(current)) {
      if (!Array.isArray(expression)) return current;
      let out: Value[] | undefined;
      for (let i = 0; i < current.length; i++) {
        const next = visit(current[i], expression[i]);
        if (next !== current[i]) {
          out ??= [...current];
          out[i] = next;
        }
      }
      return out ?? current;
    }
    if (isObject(current) && isObject(expression)) {
      let out: ValueObject | undefined;
      for (const key in expression) {
        if (!Object.hasOwn(current, key)) continue;
        const next = visit(current[key], expression[key]);
        if (next !== current[key]) {
          out ??= { ...current };
          out[key] = next;
        }
      }
      return out ?? current;
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

type Configuration = {
  root_module?: ConfigModule;
  provider_config?: Record<string, { version_constraint?: string; full_name?: string }>;
};

interface Survey {
  configuration?: Configuration;
  subscription?: string;
  /** Where the resources are: resource_changes (plans), values (states), planned_values (plans without changes). */
  source?: 'resource_changes' | 'values' | 'planned_values';
  /** Patch resource changes read ahead (full survey only). */
  patches: { item: ChangeItem; at: SourceLocation }[];
}

const TAIL_BYTES = 32 << 20;
const HEAD_BYTES = 1 << 20;

function readRange(file: string, start: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, start);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/**
 * The plan's configuration without reading the whole file: `terraform show -json` writes it near the end (after
 * prior_state), so the tail is searched for the top-level `"configuration":` key and the rest of the document is
 * checked to be exactly the remaining top-level members. Undefined when that does not hold (a state, or an
 * unusual layout): the caller then surveys the whole file.
 */
function configurationFromTail(file: string, size: number): Configuration | undefined {
  // Usually within the last megabyte; a large configuration or relevant_attributes section needs more.
  for (const window of [1 << 20, TAIL_BYTES]) {
    const start = Math.max(0, size - window);
    const found = configurationIn(readRange(file, start, size - start));
    if (found || start === 0) return found;
  }
  return undefined;
}

function configurationIn(tail: Buffer): Configuration | undefined {
  const key = Buffer.from('"configuration"');
  for (let at = tail.lastIndexOf(key); at >= 0; at = at > 0 ? tail.lastIndexOf(key, at - 1) : -1) {
    let configuration: Configuration | undefined;
    let ok = true;
    const scanner = new JsonScanner(
      (path) => (path.length === 1 && path[0] === 'configuration' ? 'capture' : 'skip'),
      (captured) => {
        if (captured.path[0] === 'configuration') configuration = JSON.parse(captured.text) as Configuration;
      },
    );
    try {
      scanner.write(Buffer.from('{'));
      scanner.write(tail.subarray(at));
      scanner.end();
    } catch {
      ok = false;
    }
    if (ok && configuration) return configuration;
  }
  return undefined;
}

function subscriptionFromHead(file: string, size: number): string | undefined {
  const head = readRange(file, 0, Math.min(size, HEAD_BYTES)).toString('latin1');
  return /"id"\s*:\s*"\/subscriptions\/([0-9a-fA-F-]{36})\//.exec(head)?.[1];
}

/** The whole-file survey (states, or plans whose configuration is not at the end): what the fast path cannot find. */
async function fullSurvey(file: string): Promise<Survey> {
  const survey: Survey = { patches: [] };
  const seen = new Set<string>();
  const itemType = new Map<number, string>();
  const itemAddress = new Map<number, string>();
  await scanJsonFile(
    file,
    (path) => {
      if (path.length === 1) {
        seen.add(path[0] as string);
        if (path[0] === 'resource_changes') return 'descend';
        return path[0] === 'configuration' ? 'capture' : 'skip';
      }
      if (path[0] !== 'resource_changes') return 'skip';
      if (path.length === 2) return 'descend';
      const key = path[2];
      if (path.length === 3) {
        if (key === 'type' || key === 'address') return 'capture';
        const type = itemType.get(path[1] as number);
        return key === 'change' && type && isPatchType(type) ? 'capture' : 'skip';
      }
      return 'skip';
    },
    (captured) => {
      const path = captured.path;
      if (path[0] === 'configuration') {
        survey.configuration = parseCaptured<Configuration>(captured);
        return;
      }
      const index = path[1] as number;
      if (path[2] === 'type') itemType.set(index, parseCaptured<string>(captured));
      else if (path[2] === 'address') itemAddress.set(index, parseCaptured<string>(captured));
      else if (path[2] === 'change') {
        const item: ChangeItem = {
          address: itemAddress.get(index) ?? '',
          type: itemType.get(index) ?? '',
          change: parseCaptured<ChangeItem['change']>(captured),
          mode: 'managed',
        };
        survey.patches.push({ item, at: { file, line: captured.line, column: captured.column } });
      }
    },
  );
  survey.source = seen.has('resource_changes')
    ? 'resource_changes'
    : seen.has('values')
      ? 'values'
      : seen.has('planned_values')
        ? 'planned_values'
        : undefined;
  return survey;
}

/** The instance key of an address (`[0]`, `["a"]`), or '' for a single instance. */
function instanceKey(address: string): string {
  return /(\[[^\]]*\])$/.exec(address)?.[1] ?? '';
}

/**
 * Streams the resources of a plan or state JSON. Diagnostics (malformed JSON, patches whose target is not in the
 * plan, .tf files that do not parse) go to `onDiagnostic`; the iteration ends early on malformed JSON.
 */
export async function* readTerraformPlan(
  file: string,
  onDiagnostic: (d: IngestDiagnostic) => void,
): AsyncIterable<Resource> {
  const malformed = (error: JsonSyntaxError) =>
    onDiagnostic({
      kind: 'parse-error',
      file,
      line: error.line,
      column: error.column,
      message: `malformed JSON: ${error.message}`,
    });
  const size = statSync(file).size;
  // Fast path (plans as terraform writes them): configuration from the tail, one pass over resource_changes.
  let survey: Survey;
  const tailConfiguration = configurationFromTail(file, size);
  try {
    survey = tailConfiguration
      ? { configuration: tailConfiguration, source: 'resource_changes', patches: [] }
      : await fullSurvey(file);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    malformed(error);
    return;
  }
  const singlePass = tailConfiguration !== undefined;
  survey.subscription = subscriptionFromHead(file, size);
  const configuration = survey.configuration;
  const expressions = configExpressions(configuration?.root_module);
  const constraint = configuration?.provider_config?.azurerm?.version_constraint;
  const admitted = constraint ? majorsAdmitted(constraint) : [];
  const version: ProviderVersion = constraint
    ? {
        candidates: admitted.length ? admitted : [...MAJORS],
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

  const subscription = survey.subscription;
  const ids = new Map<string, string>();
  const fixSubscription = (id: string) =>
    subscription && id.startsWith(SUBSCRIPTION) ? `/subscriptions/${subscription}${id.slice(SUBSCRIPTION.length)}` : id;
  const context = {
    findId: (type: string, name: string) => byName.get(`${type}|${name.toLowerCase()}`),
  };
  /** Ids by type and name, for children that name their parent (`storage_account_name`). */
  const byName = new Map<string, string>();
  // Only ids something references are kept (a state without configuration: all of them).
  const referenced = new Set<string>();
  for (const [address, config] of expressions) {
    const prefix = modulePrefix(address);
    const visit = (expression: Value | undefined): void => {
      const target = referencedAddress(expression);
      if (target) referenced.add(configAddress(`${prefix}${target}`));
      else if (Array.isArray(expression)) expression.forEach(visit);
      else if (isObject(expression) && !('references' in expression)) Object.values(expression).forEach(visit);
    };
    Object.values(config).forEach(visit);
  }
  const remember = (item: ChangeItem, values: ValueObject, id: string) => {
    if (!configuration || referenced.has(configAddress(item.address))) ids.set(item.address, id);
    if (typeof values.name === 'string') byName.set(`${item.type}|${values.name.toLowerCase()}`, id);
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
  const addPatch = (item: ChangeItem, at: SourceLocation) => {
    const prepared = prepare(item, at);
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
  };
  for (const { item, at } of survey.patches) addPatch(item, at);
  const targets = (patch: PendingPatch, address: string, id: string): boolean => {
    if (patch.target !== undefined) return patch.target.toLowerCase() === id.toLowerCase();
    if (patch.targetAddress === address) return true;
    // `azurerm_x.y[count.index].id` is referenced as `azurerm_x.y`: pair instances by their keys.
    return patch.targetAddress === configAddress(address) && instanceKey(patch.item.address) === instanceKey(address);
  };

  // In one pass, resources that patches change are held until the end (the configuration names them).
  const patchTargets = new Set<string>();
  if (singlePass) {
    for (const [address, config] of expressions) {
      const type = /(?:^|\.)([a-z0-9_]+)\.[^.]+$/.exec(address)?.[1] ?? '';
      if (!isPatchType(type)) continue;
      for (const expression of Object.values(config)) {
        const reference = referencedAddress(expression);
        if (reference) patchTargets.add(configAddress(`${modulePrefix(address)}${reference}`));
      }
    }
  }
  const held: { item: ChangeItem; values: ValueObject; at: SourceLocation }[] = [];

  const emit = (item: ChangeItem, values: ValueObject, at: SourceLocation): Resource[] => {
    const id = idOf(item, values);
    const batch: MapInput[] = [{ ...inputOf(item, values, at), id }];
    for (const patch of pending) {
      if (!targets(patch, item.address, id)) continue;
      patch.applied = true;
      const config = expressions.get(configAddress(patch.item.address));
      const patched =
        patch.target !== undefined
          ? patch.values
          : (resolveReferences(
              patch.values,
              config,
              modulePrefix(patch.item.address),
              new Map([
                [configAddress(item.address), id],
                [item.address, id],
              ]),
            ).value as ValueObject);
      batch.push(inputOf(patch.item, patched, patch.at));
    }
    const mapped = mapInstances(batch, { version, findId: context.findId });
    for (const diagnostic of mapped.diagnostics) onDiagnostic(diagnostic);
    return mapped.resources;
  };

  const deferred: { item: ChangeItem; values: ValueObject; at: SourceLocation }[] = [];
  const process = (item: ChangeItem, at: SourceLocation): Resource[] => {
    if (isPatchType(item.type)) {
      if (singlePass) addPatch(item, at);
      return [];
    }
    const prepared = prepare(item, at);
    if (!prepared) return [];
    const resolved = resolveReferences(
      prepared.values,
      expressions.get(configAddress(item.address)),
      modulePrefix(item.address),
      ids,
    );
    const values = resolved.value as ValueObject;
    remember(item, values, idOf(item, values));
    if (resolved.pending) {
      // A reference to a resource later in the file: mapped at the end, when every id is known.
      deferred.push({ item, values, at: prepared.at });
      return [];
    }
    if (patchTargets.has(configAddress(item.address))) {
      held.push({ item, values, at: prepared.at });
      return [];
    }
    return emit(item, values, prepared.at);
  };

  // One resource change is captured whole and parsed at once: walking its keys in JS to skip `before` costs more
  // than letting JSON.parse read it (measured on the W6 plan).
  const scanSource = async function* (source: NonNullable<Survey['source']>): AsyncGenerator<Resource, boolean> {
    let found = false;
    const decide = (path: readonly PathSegment[]): Decision => {
      if (path[0] !== source) return 'skip';
      found = true;
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
    const queue: CapturedValue[] = [];
    // `before` (as large as `after` for existing resources) is never read: elided, not parsed.
    const reader = new JsonScanner(
      decide,
      (captured) => queue.push(captured),
      source === 'resource_changes' ? 'before' : undefined,
    );
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 18 })) {
      reader.write(chunk as Buffer);
      for (const captured of queue) {
        yield* process(parseCaptured<ChangeItem>(captured), { file, line: captured.line, column: captured.column });
      }
      queue.length = 0;
    }
    reader.end();
    return found;
  };

  if (!survey.source) {
    onDiagnostic({
      kind: 'warning',
      file,
      message: 'the JSON holds no resource_changes, values or planned_values: no resources to scan',
    });
    return;
  }
  try {
    const found = yield* scanSource(survey.source);
    // A plan without changes may have no resource_changes: its planned values are the resources.
    if (!found && singlePass) yield* scanSource('planned_values');
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    malformed(error);
    return;
  }
  for (const entry of [...held, ...deferred]) {
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

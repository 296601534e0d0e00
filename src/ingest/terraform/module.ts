// A Terraform module is a directory: every .tf file in it, its variables (defaults, terraform.tfvars, *.auto.tfvars,
// extra var files), locals, resources with count/for_each, data sources and calls to local child modules. This file
// reads the directory tree and answers the references expressions make (./evaluate.ts Namespace); resource
// instances come out as Terraform-shaped values with provenance for the azurerm mapping (./map.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { type Node as JsonNode, parseTree } from 'jsonc-parser';
import { type InputError, LineIndex } from '../../core/errors.js';
import { type SourceLocation, Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';
import { evaluate, evaluateAttribute, evaluateBody, type Namespace, RESOURCE_OBJECTS, type Scope } from './evaluate.js';
import { type Attribute, attribute, type Block, type Expr, type HclFile, parseHclRecovering } from './hcl.js';
import { type Ev, ExpressionError, entriesOf, type Origin, typeName } from './values.js';

export type Mode = 'managed' | 'data';

/** A resource or data block of a module source. */
export interface Declaration {
  mode: Mode;
  type: string;
  name: string;
  block: Block;
  file: HclFile;
}

interface ModuleCall {
  name: string;
  block: Block;
  file: HclFile;
  /** The loaded child source, when `source` is a local path. */
  child?: ModuleSource;
}

/** One directory, parsed. Shared by every instance of a module that is called several times. */
export interface ModuleSource {
  dir: string;
  files: HclFile[];
  variables: Map<string, { block: Block; file: HclFile }>;
  locals: Map<string, { attr: Attribute; file: HclFile }>;
  declarations: Map<string, Declaration>;
  calls: Map<string, ModuleCall>;
  outputs: Map<string, { attr: Attribute; file: HclFile }>;
}

/** A managed resource instance, evaluated: the input of the azurerm mapping. */
export interface TfInstance {
  type: string;
  /** `module.net.azurerm_network_security_group.main["dmz"]`. */
  address: string;
  /** Arguments as Terraform's JSON shows them (nested blocks as lists of objects), plus computed `id`. */
  values: ValueObject;
  origin: Origin;
  at: SourceLocation;
  file: string;
}

/** Provider-computed attributes (`id`, key vault `vault_uri`...) for the objects references see. */
export type ComputedAttributes = (
  type: string,
  mode: Mode,
  values: ValueObject,
  context: ComputeContext,
) => ValueObject;

export interface ComputeContext {
  address: string;
  /** The computed id of a managed resource of `type` whose `name` argument is `name`, anywhere in the scan. */
  findId(type: string, name: string): string | undefined;
}

const VIA_DEFAULT = 'variable default';
const VIA_TFVARS = 'tfvars file';
const VIA_INPUT = 'module input';
/** Instances beyond this many per resource are not evaluated (a configuration error or a runaway generator). */
const MAX_INSTANCES = 100_000;
const MAX_DEPTH = 32;

/** File access for the loader: the disk, or an in-memory set of files (tests, rule tables). */
export interface Host {
  /** Entry names of a directory; throws when it cannot be read. */
  readdir(dir: string): string[];
  readFile(file: string): string;
  isDirectory(path: string): boolean;
}

export const DISK: Host = {
  readdir: (dir) => readdirSync(dir),
  readFile: (file) => readFileSync(file, 'utf8'),
  isDirectory: (path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** Files keyed by path (`main.tf`, `modules/net/main.tf`). */
export function memoryHost(files: Record<string, string>): Host {
  const byPath = new Map(Object.entries(files).map(([path, text]) => [normalize(path), text]));
  const dirs = new Set<string>();
  for (const path of byPath.keys())
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      dirs.add(dir);
      if (dir === dirname(dir)) break;
    }
  return {
    readdir(dir) {
      const wanted = normalize(dir);
      if (!dirs.has(wanted)) throw new Error(`no directory ${dir}`);
      return [...byPath.keys()]
        .filter((path) => dirname(path) === wanted)
        .map((path) => path.slice(wanted === '.' ? 0 : wanted.length + 1));
    },
    readFile(file) {
      const text = byPath.get(normalize(file));
      if (text === undefined) throw new Error(`no file ${file}`);
      return text;
    },
    isDirectory: (path) => dirs.has(normalize(path)),
  };
}

export class Loader {
  readonly diagnostics: IngestDiagnostic[] = [];
  private readonly sources = new Map<string, ModuleSource>();
  readonly instances: ModuleInstance[] = [];
  /** Every file parsed, root module first. */
  readonly files: HclFile[] = [];

  constructor(
    readonly computed: ComputedAttributes,
    readonly host: Host = DISK,
  ) {}

  /** Reads and parses every .tf file of a directory and, recursively, of the local modules it calls. */
  source(dir: string, depth = 0): ModuleSource {
    const key = normalize(dir);
    let source = this.sources.get(key);
    if (!source) {
      source = this.readSource(dir, depth);
      this.sources.set(key, source);
    }
    return source;
  }

  private readSource(dir: string, depth: number): ModuleSource {
    const source: ModuleSource = {
      dir,
      files: [],
      variables: new Map(),
      locals: new Map(),
      declarations: new Map(),
      calls: new Map(),
      outputs: new Map(),
    };
    // Registered before the children are read, so a module that calls itself does not recurse.
    this.sources.set(normalize(dir), source);
    let names: string[];
    try {
      names = this.host
        .readdir(dir)
        .filter((name) => name.endsWith('.tf'))
        .sort();
    } catch (error) {
      this.diagnostics.push({
        kind: 'read-error',
        file: dir,
        message: `cannot read module directory: ${(error as Error).message}`,
      });
      return source;
    }
    for (const name of names) {
      const file = join(dir, name);
      let text: string;
      try {
        text = this.host.readFile(file);
      } catch (error) {
        this.diagnostics.push({ kind: 'read-error', file, message: `cannot read: ${(error as Error).message}` });
        continue;
      }
      const parsed = parseHclRecovering(file, text);
      for (const error of parsed.errors) this.diagnostics.push(parseDiagnostic(error));
      source.files.push(parsed.file);
      this.files.push(parsed.file);
      this.collect(source, parsed.file);
    }
    for (const call of source.calls.values()) {
      const sourceAttr = attribute(call.block.body, 'source');
      const at = call.file.location(sourceAttr ?? call.block);
      const target = sourceAttr?.expr.kind === 'literal' ? sourceAttr.expr.value : undefined;
      if (typeof target !== 'string') {
        this.diagnostics.push({
          kind: 'not-scanned',
          file: call.file.file,
          ...lineCol(at),
          message: `module "${call.name}": source is not a literal string`,
        });
        continue;
      }
      if (!/^\.\.?([/\\]|$)/.test(target)) {
        this.diagnostics.push({
          kind: 'not-scanned',
          file: call.file.file,
          ...lineCol(at),
          message: `module "${call.name}": remote module source ${JSON.stringify(target)} is not scanned; its resources are not evaluated and its outputs are unknown`,
        });
        continue;
      }
      if (depth >= MAX_DEPTH) {
        this.diagnostics.push({
          kind: 'warning',
          file: call.file.file,
          ...lineCol(at),
          message: `module "${call.name}": nesting deeper than ${MAX_DEPTH} levels is not followed`,
        });
        continue;
      }
      const childDir = join(dir, target);
      if (!this.host.isDirectory(childDir)) {
        this.diagnostics.push({
          kind: 'read-error',
          file: call.file.file,
          ...lineCol(at),
          message: `module "${call.name}": local source ${JSON.stringify(target)} not found`,
        });
        continue;
      }
      call.child = this.source(childDir, depth + 1);
    }
    return source;
  }

  private collect(source: ModuleSource, file: HclFile): void {
    for (const block of file.body.blocks) {
      const [first, second] = block.labels;
      switch (block.type) {
        case 'variable':
          if (first) source.variables.set(first, { block, file });
          break;
        case 'locals':
          for (const attr of block.body.attributes) source.locals.set(attr.name, { attr, file });
          break;
        case 'resource':
        case 'data':
          if (first && second) {
            const mode: Mode = block.type === 'resource' ? 'managed' : 'data';
            source.declarations.set(`${mode === 'data' ? 'data.' : ''}${first}.${second}`, {
              mode,
              type: first,
              name: second,
              block,
              file,
            });
          }
          break;
        case 'module':
          if (first) source.calls.set(first, { name: first, block, file });
          break;
        case 'output':
          if (first) {
            const value = attribute(block.body, 'value');
            if (value) source.outputs.set(first, { attr: value, file });
          }
          break;
      }
    }
  }

  /** Creates the root instance and every module instance below it (count/for_each on module calls expanded). */
  instantiate(root: ModuleSource, rootVariables: Map<string, Ev>): ModuleInstance {
    const instance = new ModuleInstance(this, root, '', root.dir, rootVariables, undefined);
    this.register(instance, 0);
    this.registered = true;
    return instance;
  }

  /** Every module instance is known (lookups across them can be cached). */
  private registered = false;

  private register(instance: ModuleInstance, depth: number): void {
    this.instances.push(instance);
    if (depth >= MAX_DEPTH) return;
    for (const call of instance.source.calls.values()) {
      for (const child of instance.callInstances(call.name)) this.register(child, depth + 1);
    }
  }

  /** Every managed resource instance of every module instance, evaluated. */
  *resources(): Generator<TfInstance> {
    for (const module of this.instances) {
      for (const declaration of module.source.declarations.values()) {
        if (declaration.mode !== 'managed') continue;
        for (const instance of module.expand(declaration).instances) {
          const body = instance.body();
          yield {
            type: declaration.type,
            address: instance.address,
            values: instance.object().value as ValueObject,
            origin: body.origin as Origin,
            at: declaration.file.location(declaration.block),
            file: declaration.file.file,
          };
        }
      }
    }
  }

  /** Computed ids of managed resources by type and lower-cased name, built once per type on first use. */
  private readonly names = new Map<string, Map<string, string> | 'building'>();

  findId(type: string, name: string): string | undefined {
    let index = this.names.get(type);
    // A lookup made while the index for this type is being built (a resource naming one of its own type) finds nothing.
    if (index === 'building') return undefined;
    if (!index) {
      this.names.set(type, 'building');
      const built = new Map<string, string>();
      for (const module of this.instances) {
        for (const declaration of module.source.declarations.values()) {
          if (declaration.mode !== 'managed' || declaration.type !== type) continue;
          for (const instance of module.expand(declaration).instances) {
            const values = instance.body().value as ValueObject;
            const id = (instance.object().value as ValueObject).id;
            if (typeof values.name === 'string' && typeof id === 'string' && !built.has(values.name.toLowerCase())) {
              built.set(values.name.toLowerCase(), id);
            }
          }
        }
      }
      index = built;
      if (this.registered) this.names.set(type, index);
      else this.names.delete(type);
    }
    return index.get(name.toLowerCase());
  }
}

function lineCol(at: SourceLocation): { line: number; column: number } {
  return { line: at.line, column: at.column };
}

function parseDiagnostic(error: InputError): IngestDiagnostic {
  return {
    kind: 'parse-error',
    file: error.at?.file ?? '',
    line: error.at?.line,
    column: error.at?.column,
    message: error.message,
  };
}

type InstanceKey = number | string | undefined;

/** One instance of a resource: `count.index` / `each` bound, body and reference object evaluated once. */
class ResourceInstance {
  #body?: Ev;
  #object?: Ev;
  #evaluating = false;

  constructor(
    readonly module: ModuleInstance,
    readonly declaration: Declaration,
    readonly address: string,
    readonly scope: Scope,
  ) {}

  body(): Ev {
    if (this.#body) return this.#body;
    if (this.#evaluating) {
      const at = this.declaration.file.location(this.declaration.block);
      return { value: new Unresolved(`${this.address} (reference cycle)`, at), origin: { at } };
    }
    this.#evaluating = true;
    try {
      this.#body = evaluateBody(this.declaration.block.body, this.scope);
    } finally {
      this.#evaluating = false;
    }
    return this.#body;
  }

  /** What `type.name` evaluates to for references: the arguments plus provider-computed attributes. */
  object(): Ev {
    if (this.#object) return this.#object;
    const body = this.body();
    if (body.value instanceof Unresolved) return body;
    const values = body.value as ValueObject;
    const loader = this.module.loader;
    const extra = loader.computed(this.declaration.type, this.declaration.mode, values, {
      address: this.address,
      findId: (type, name) => loader.findId(type, name),
    });
    const object: ValueObject = { ...values };
    for (const key of Object.keys(extra))
      if (!Object.hasOwn(object, key) || object[key] === null) object[key] = extra[key];
    RESOURCE_OBJECTS.add(object);
    this.#object = { value: object, origin: body.origin };
    return this.#object;
  }
}

interface Expansion {
  instances: ResourceInstance[];
  /** What references to the whole resource see: an object, a list (count), a map (for_each) or unknown. */
  reference(): Ev;
}

/** A module called at an address, with its variables bound. */
export class ModuleInstance implements Namespace {
  private readonly variableCache = new Map<string, Ev>();
  private readonly localCache = new Map<string, Ev | 'evaluating'>();
  private readonly expansions = new Map<string, Expansion>();
  private readonly callCache = new Map<string, { instances: ModuleInstance[]; reference: () => Ev }>();
  private readonly outputCache = new Map<string, Ev>();

  constructor(
    readonly loader: Loader,
    readonly source: ModuleSource,
    readonly address: string,
    readonly rootPath: string,
    /** Values given to the variables: tfvars (root) or module block arguments (child). */
    private readonly inputs: Map<string, Ev>,
    readonly _parent: ModuleInstance | undefined,
  ) {}

  get modulePath(): string {
    return this.source.dir;
  }

  private scope(file: HclFile): Scope {
    return { file, ns: this };
  }

  variable(name: string): Ev | undefined {
    const cached = this.variableCache.get(name);
    if (cached) return cached;
    const declared = this.source.variables.get(name);
    if (!declared) return undefined;
    let value = this.inputs.get(name);
    if (!value || value.value === null) {
      const fallback = attribute(declared.block.body, 'default');
      if (fallback) {
        const ev = evaluateAttribute(fallback.expr, { file: declared.file, ns: NO_REFERENCES });
        value = { value: ev.value, origin: ev.origin ? { ...ev.origin, via: VIA_DEFAULT } : undefined };
      } else if (!value) {
        const at = declared.file.location(declared.block);
        value = { value: new Unresolved(`var.${name}`, at), origin: { at } };
      }
    }
    value = applyTypeDefaults(value, declared.block, declared.file);
    this.variableCache.set(name, value);
    return value;
  }

  local(name: string): Ev | undefined {
    const cached = this.localCache.get(name);
    if (cached === 'evaluating') {
      const local = this.source.locals.get(name);
      const at = local ? local.file.location(local.attr) : { file: this.source.dir, line: 1, column: 1 };
      return { value: new Unresolved(`local.${name} (reference cycle)`, at), origin: { at } };
    }
    if (cached) return cached;
    const local = this.source.locals.get(name);
    if (!local) return undefined;
    this.localCache.set(name, 'evaluating');
    const value = evaluateAttribute(local.attr.expr, this.scope(local.file));
    this.localCache.set(name, value);
    return value;
  }

  resource(mode: Mode, type: string, name: string): Ev | undefined {
    const declaration = this.source.declarations.get(`${mode === 'data' ? 'data.' : ''}${type}.${name}`);
    if (!declaration) return undefined;
    return this.expand(declaration).reference();
  }

  module(name: string): Ev | undefined {
    if (!this.source.calls.has(name)) return undefined;
    return this.calls(name).reference();
  }

  callInstances(name: string): ModuleInstance[] {
    return this.calls(name).instances;
  }

  private calls(name: string): { instances: ModuleInstance[]; reference: () => Ev } {
    const cached = this.callCache.get(name);
    if (cached) return cached;
    const call = this.source.calls.get(name) as ModuleCall;
    const base = `${this.address ? `${this.address}.` : ''}module.${name}`;
    const at = call.file.location(call.block);
    const child = call.child;
    let result: { instances: ModuleInstance[]; reference: () => Ev };
    if (!child) {
      // Remote or missing source: outputs are unknown (a not-scanned diagnostic was recorded).
      const unknown: Ev = { value: new Unresolved(`module.${name} (module not scanned)`, at), origin: { at } };
      result = { instances: [], reference: () => unknown };
    } else {
      const expansion = this.repetitions(call.block, call.file, base);
      const instances = expansion.keys.map(
        ({ address, scope }) =>
          new ModuleInstance(this.loader, child, address, this.rootPath, this.moduleInputs(call, scope), this),
      );
      const outputs = (instance: ModuleInstance): Ev => instance.outputs();
      result = {
        instances,
        reference: () => {
          if (expansion.unknown) return expansion.unknown;
          if (expansion.mode === 'single') return outputs(instances[0]);
          const members = new Map<string, Origin>();
          if (expansion.mode === 'count') {
            return { value: instances.map((i) => outputs(i).value), origin: { at, members } };
          }
          const object: ValueObject = {};
          expansion.keys.forEach((key, i) => {
            object[String(key.key)] = outputs(instances[i]).value;
          });
          return { value: object, origin: { at, members } };
        },
      };
    }
    this.callCache.set(name, result);
    return result;
  }

  private moduleInputs(call: ModuleCall, scope: Scope): Map<string, Ev> {
    const inputs = new Map<string, Ev>();
    for (const attr of call.block.body.attributes) {
      if (['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(attr.name)) continue;
      const ev = evaluateAttribute(attr.expr, scope);
      inputs.set(attr.name, {
        value: ev.value,
        origin: ev.origin ? (ev.origin.via ? ev.origin : { ...ev.origin, via: VIA_INPUT }) : undefined,
      });
    }
    return inputs;
  }

  outputs(): Ev {
    const cached = this.outputCache.get('');
    if (cached) return cached;
    const object: ValueObject = {};
    const members = new Map<string, Origin>();
    for (const [name, output] of this.source.outputs) {
      const ev = evaluateAttribute(output.attr.expr, this.scope(output.file));
      object[name] = ev.value;
      if (ev.origin) members.set(name, ev.origin);
    }
    const ev: Ev = { value: object, origin: { at: { file: this.source.dir, line: 1, column: 1 }, members } };
    this.outputCache.set('', ev);
    return ev;
  }

  /** count / for_each of a resource or module block, evaluated in this module's scope. */
  private repetitions(
    block: Block,
    file: HclFile,
    base: string,
  ): {
    mode: 'single' | 'count' | 'for_each';
    keys: { key: InstanceKey; address: string; scope: Scope }[];
    unknown?: Ev;
  } {
    const scope = this.scope(file);
    const countAttr = attribute(block.body, 'count');
    const forEachAttr = attribute(block.body, 'for_each');
    if (countAttr) {
      const count = evaluateAttribute(countAttr.expr, scope);
      if (count.value instanceof Unresolved || typeof count.value !== 'number') {
        return this.unknownRepetition(file, countAttr, base, count, 'count', scope);
      }
      const n = Math.max(0, Math.floor(count.value));
      const keys = [];
      for (let i = 0; i < Math.min(n, MAX_INSTANCES); i++) {
        keys.push({ key: i, address: `${base}[${i}]`, scope: { ...scope, count: { value: i, origin: count.origin } } });
      }
      if (n > MAX_INSTANCES) this.tooMany(file, countAttr, base, n);
      return { mode: 'count', keys };
    }
    if (forEachAttr) {
      const forEach = evaluateAttribute(forEachAttr.expr, scope);
      if (forEach.value instanceof Unresolved || (forEach.value !== null && typeof forEach.value !== 'object')) {
        return this.unknownRepetition(file, forEachAttr, base, forEach, 'for_each', scope);
      }
      const keys = [];
      const collection = forEach.value === null ? [] : entriesOf(forEach.value, 'for_each');
      const isList = Array.isArray(forEach.value);
      let index = 0;
      for (const [key, value] of collection) {
        if (index++ >= MAX_INSTANCES) {
          this.tooMany(file, forEachAttr, base, collection.length);
          break;
        }
        // A set of strings: each.key and each.value are the element.
        const name = isList ? value : key;
        if (name instanceof Unresolved)
          return this.unknownRepetition(
            file,
            forEachAttr,
            base,
            { value: name, origin: forEach.origin },
            'for_each',
            scope,
          );
        const text = typeof name === 'string' || typeof name === 'number' ? String(name) : JSON.stringify(name);
        const memberOrigin = forEach.origin?.members?.get(String(key)) ?? forEach.origin;
        keys.push({
          key: text,
          address: `${base}[${JSON.stringify(text)}]`,
          scope: {
            ...scope,
            each: { key: { value: text, origin: memberOrigin }, value: { value, origin: memberOrigin } },
          },
        });
      }
      return { mode: 'for_each', keys };
    }
    return { mode: 'single', keys: [{ key: undefined, address: base, scope }] };
  }

  private unknownRepetition(file: HclFile, attr: Attribute, base: string, ev: Ev, what: string, scope: Scope) {
    const at = file.location(attr);
    const expression = ev.value instanceof Unresolved ? ev.value.expression : `${what} is ${typeName(ev.value)}`;
    this.loader.diagnostics.push({
      kind: 'warning',
      file: file.file,
      ...lineCol(at),
      message: `${base}: ${what} depends on ${expression}; one representative instance is evaluated with unknown ${what === 'count' ? 'count.index' : 'each.key/each.value'}`,
    });
    const unknown = new Unresolved(file.source(attr.expr), at);
    const unknownEv: Ev = { value: unknown, origin: { at } };
    const representative: Scope =
      what === 'count' ? { ...scope, count: unknownEv } : { ...scope, each: { key: unknownEv, value: unknownEv } };
    return {
      mode: what === 'count' ? ('count' as const) : ('for_each' as const),
      keys: [{ key: '*', address: `${base}[*]`, scope: representative }],
      unknown: unknownEv,
    };
  }

  private tooMany(file: HclFile, attr: Attribute, base: string, n: number): void {
    const at = file.location(attr);
    this.loader.diagnostics.push({
      kind: 'warning',
      file: file.file,
      ...lineCol(at),
      message: `${base}: ${n} instances; only the first ${MAX_INSTANCES} are evaluated`,
    });
  }

  expand(declaration: Declaration): Expansion {
    const key = `${declaration.mode}.${declaration.type}.${declaration.name}`;
    const cached = this.expansions.get(key);
    if (cached) return cached;
    const base = `${this.address ? `${this.address}.` : ''}${declaration.mode === 'data' ? 'data.' : ''}${declaration.type}.${declaration.name}`;
    const repetition = this.repetitions(declaration.block, declaration.file, base);
    const instances = repetition.keys.map(
      ({ address, scope }) => new ResourceInstance(this, declaration, address, scope),
    );
    const at = declaration.file.location(declaration.block);
    const expansion: Expansion = {
      instances,
      reference: () => {
        if (repetition.unknown) return repetition.unknown;
        if (repetition.mode === 'single') return instances[0].object();
        if (repetition.mode === 'count') return { value: instances.map((i) => i.object().value), origin: { at } };
        const object: ValueObject = {};
        repetition.keys.forEach((k, i) => {
          object[String(k.key)] = instances[i].object().value;
        });
        return { value: object, origin: { at } };
      },
    };
    this.expansions.set(key, expansion);
    return expansion;
  }
}

/** tfvars and variable defaults cannot reference anything. */
const NO_REFERENCES: Namespace = {
  variable: () => {
    throw new ExpressionError('variables cannot be referenced here');
  },
  local: () => {
    throw new ExpressionError('local values cannot be referenced here');
  },
  resource: () => undefined,
  module: () => undefined,
  modulePath: '.',
  rootPath: '.',
};

/**
 * `type = object({ tls = optional(string, "TLS1_2") })`: attributes missing from the given object take the
 * optional() default (Terraform 1.3+), so `var.x.tls` is known.
 */
function applyTypeDefaults(value: Ev, block: Block, file: HclFile): Ev {
  const typeAttr = attribute(block.body, 'type');
  if (!typeAttr || value.value instanceof Unresolved || value.value === null) return value;
  const filled = fillOptional(value.value, typeAttr.expr, file);
  return filled === value.value ? value : { value: filled, origin: value.origin };
}

function fillOptional(value: Value, type: Expr, file: HclFile): Value {
  if (type.kind !== 'call') return value;
  if ((type.name === 'list' || type.name === 'set') && Array.isArray(value) && type.args[0]) {
    return value.map((item) => fillOptional(item, type.args[0], file));
  }
  if (
    type.name === 'map' &&
    type.args[0] &&
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Unresolved)
  ) {
    const out: ValueObject = {};
    for (const [key, item] of Object.entries(value)) out[key] = fillOptional(item, type.args[0], file);
    return out;
  }
  if (type.name !== 'object' || type.args[0]?.kind !== 'object') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Unresolved) return value;
  const out: ValueObject = { ...value };
  for (const item of type.args[0].items) {
    const key = item.bareKey ? String((item.key as { value: unknown }).value) : undefined;
    if (!key) continue;
    const attrType = item.value;
    if (!Object.hasOwn(out, key) || out[key] === null) {
      if (attrType.kind === 'call' && attrType.name === 'optional') {
        if (attrType.args[1]) {
          try {
            out[key] = evaluate(attrType.args[1], { file, ns: NO_REFERENCES }).value;
          } catch {
            out[key] = null;
          }
        } else out[key] = null;
      }
    } else if (attrType.kind === 'call') {
      const inner = attrType.name === 'optional' ? attrType.args[0] : attrType;
      if (inner) out[key] = fillOptional(out[key], inner, file);
    }
  }
  return out;
}

// ---------------------------------------------------------------- variable values (tfvars)

/** Reads a `.tfvars` (HCL) or `.tfvars.json` file into variable values with their locations. */
export function readVarFile(file: string, text: string, diagnostics: IngestDiagnostic[]): Map<string, Ev> {
  const values = new Map<string, Ev>();
  if (file.endsWith('.json')) {
    const tree = parseTree(text);
    if (tree?.type !== 'object') {
      diagnostics.push({
        kind: 'parse-error',
        file,
        line: 1,
        column: 1,
        message: 'a .tfvars.json file must hold a JSON object',
      });
      return values;
    }
    const lines = new LineIndex(text);
    for (const property of tree.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode) continue;
      values.set(String(keyNode.value), { value: jsonValue(valueNode), origin: jsonOrigin(file, lines, valueNode) });
    }
    return values;
  }
  const parsed = parseHclRecovering(file, text);
  for (const error of parsed.errors) diagnostics.push(parseDiagnostic(error));
  for (const attr of parsed.file.body.attributes) {
    const ev = evaluateAttribute(attr.expr, { file: parsed.file, ns: NO_REFERENCES });
    values.set(attr.name, {
      value: ev.value,
      origin: { ...(ev.origin ?? { at: parsed.file.location(attr) }), via: VIA_TFVARS },
    });
  }
  return values;
}

function jsonValue(node: JsonNode): Value {
  switch (node.type) {
    case 'object': {
      const out: ValueObject = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) out[String(key.value)] = jsonValue(value);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(jsonValue);
    default:
      return (node.value ?? null) as Value;
  }
}

function jsonOrigin(file: string, lines: LineIndex, node: JsonNode): Origin {
  const origin: Origin = { at: { file, ...lines.at(node.offset) }, via: VIA_TFVARS };
  if (node.type === 'object' || node.type === 'array') {
    origin.members = new Map();
    (node.children ?? []).forEach((child, i) => {
      if (node.type === 'object') {
        const [key, value] = child.children ?? [];
        if (key && value) origin.members?.set(String(key.value), jsonOrigin(file, lines, value));
      } else origin.members?.set(String(i), jsonOrigin(file, lines, child));
    });
  }
  return origin;
}

/**
 * Root variable values in Terraform's precedence order (later wins): terraform.tfvars, terraform.tfvars.json,
 * *.auto.tfvars(.json) in lexical order, then the var files given on the command line. TF_VAR_ environment
 * variables are not read: a scan must not depend on the scanning shell.
 */
export function rootVariables(
  host: Host,
  dir: string,
  varFiles: readonly string[],
  diagnostics: IngestDiagnostic[],
): Map<string, Ev> {
  let names: string[] = [];
  try {
    names = host.readdir(dir);
  } catch {
    return new Map();
  }
  const automatic = [
    ...['terraform.tfvars', 'terraform.tfvars.json'].filter((name) => names.includes(name)),
    ...names.filter((name) => /\.auto\.tfvars(\.json)?$/.test(name)).sort(),
  ].map((name) => join(dir, name));
  const values = new Map<string, Ev>();
  for (const file of [...automatic, ...varFiles]) {
    let text: string;
    try {
      text = host.readFile(file);
    } catch (error) {
      diagnostics.push({ kind: 'read-error', file, message: `cannot read var file: ${(error as Error).message}` });
      continue;
    }
    for (const [name, ev] of readVarFile(file, text, diagnostics)) values.set(name, ev);
  }
  return values;
}

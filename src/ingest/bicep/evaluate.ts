// Evaluation of Bicep expressions into ARM-shaped values. Parameters, variables, outputs and resource identities are
// resolved lazily on first reference (declaration order does not matter in Bicep either), and every value carries
// its origin (Prov) so findings point at the line where it is written - a .bicepparam value, a parameter default, a
// variable, or the resource body.
import { getKey, isObject } from '../../core/path.js';
import { type SourceLocation, Unresolved, type Value, type ValueObject } from '../../core/types.js';
import { EvalFailure } from '../arm/functions.js';
import { buildResourceId, type DeploymentLevel, extensionId, scopeId, type Target } from '../arm/ids.js';
import { EXTENSION_NAMESPACES } from '../arm/template.js';
import { deepEqual, describeType, toText } from '../arm/values.js';
import type { IngestDiagnostic } from '../types.js';
import type { Decorator, Expr, FuncDecl, ModuleDecl, ObjectItem, ParamDecl, ResourceDecl, VarDecl } from './ast.js';
import type { BicepFile, FileSet } from './files.js';
import { bicepFunction, type FnContext, toPlainValue } from './functions.js';
import {
  isHandle,
  Lambda,
  ModuleCollection,
  ModuleOutputs,
  ModuleRef,
  Prov,
  type R,
  ResourceCollection,
  ResourceRef,
  type Val,
} from './values.js';

const MAX_LOOP = 800; // ARM's limit on copy count, which Bicep loops compile to.
const MAX_DEPTH = 64;
const MAX_MODULE_DEPTH = 32;

export const VIA_DEFAULT = 'parameter default';
export const VIA_FILE = 'parameter file';
export const VIA_VARIABLE = 'variable';
export const VIA_MODULE = 'module parameter';

/** Loop variables, lambda and function parameters in scope, innermost first. */
interface Locals {
  name: string;
  value: R;
  parent?: Locals;
}

export interface Env {
  scope: Scope;
  locals?: Locals;
  /** How literals evaluated here reach a resource (`parameter default` while evaluating a default...). */
  via?: string;
  depth?: number;
}

/** A lazily computed value with cycle detection. */
export class Slot {
  private state: 'pending' | 'busy' | 'done' = 'pending';
  private value: R = { v: null };

  constructor(
    readonly name: string,
    private readonly init: () => R,
  ) {}

  get(): R {
    if (this.state === 'done') return this.value;
    if (this.state === 'busy') throw new EvalFailure(`'${this.name}' refers to itself`);
    this.state = 'busy';
    try {
      this.value = this.init();
    } finally {
      this.state = 'done';
    }
    return this.value;
  }
}

/** A value supplied for a parameter: by a .bicepparam or parameter file, or by a module's `params`. */
export type Supplied = Map<string, { init: () => R; at?: SourceLocation }>;

interface ParamSlot {
  decl: ParamDecl;
  slot: Slot;
  secure: boolean;
}

/** The canonical type, name and id of a resource instance, exactly as the ARM adapter derives them. */
export interface Identity {
  type: string;
  apiVersion?: string;
  /** The full ARM name (`account/default/container` for children). */
  name: string;
  /** The name as declared (what `symbol.name` returns). */
  shortName: Value;
  id: string;
  /** Extension resources: the id of the resource they extend. */
  scope?: string;
  /** Names of ancestors and self are known, so the id is a real resourceId(). */
  known: boolean;
}

function hasDecorator(decorators: Decorator[], name: string): boolean {
  return decorators.some((decorator) => decorator.name === name);
}

/** The last member of an object literal named `key` (ignoring case, as ARM matches resource body members). */
export function property(object: Expr, key: string): (ObjectItem & { kind: 'property' }) | undefined {
  if (object.kind !== 'object') return undefined;
  let found: (ObjectItem & { kind: 'property' }) | undefined;
  for (const item of object.items) {
    if (item.kind === 'property' && item.key.toLowerCase() === key) found = item;
  }
  return found;
}

export class ResourceInstance {
  identityCache?: Identity;
  identityBusy = false;
  readonly children = new Map<ResourceDecl, ResourceInstance[]>();

  constructor(
    readonly decl: ResourceDecl,
    readonly scope: Scope,
    readonly env: Env,
    /** The object literal of the body. */
    readonly body: Expr,
    readonly address: string,
    /** false: not deployed; an Unresolved: unknown whether deployed. */
    readonly condition: boolean | Unresolved,
    /** The enclosing resource of a nested declaration. */
    readonly nestedIn?: ResourceInstance,
  ) {}
}

export class ModuleInstance {
  child?: Scope | null;
  nameCache?: string;

  constructor(
    readonly decl: ModuleDecl,
    readonly scope: Scope,
    readonly env: Env,
    readonly body: Expr,
    readonly address: string,
    readonly condition: boolean | Unresolved,
  ) {}
}

/** One deployment of a template file: the main file, or one instance of a module. */
export class Scope {
  readonly params = new Map<string, ParamSlot>();
  readonly vars = new Map<string, Slot>();
  readonly outputs = new Map<string, Slot>();
  readonly resources = new Map<string, ResourceDecl>();
  readonly modules = new Map<string, ModuleDecl>();
  readonly funcs = new Map<string, FuncDecl>();
  /** Imported symbols: local name -> the exporting file's scope (undefined when it is not scanned) and name. */
  readonly imports = new Map<string, { scope: Scope | undefined; name: string; from: string }>();
  readonly namespaces = new Map<string, Scope | undefined>();
  readonly resourceInstances = new Map<ResourceDecl, ResourceInstance[]>();
  readonly moduleInstances = new Map<ModuleDecl, ModuleInstance[]>();

  constructor(
    readonly file: BicepFile,
    readonly target: Target,
    /** Prefix of the addresses of this scope's resources (`storage.resources.` inside module `storage`). */
    readonly prefix: string,
    /** The scope whose module deploys this one. */
    readonly parent?: Scope,
  ) {}
}

export function levelOf(value: Value | undefined): DeploymentLevel | undefined {
  switch (typeof value === 'string' ? value.toLowerCase() : '') {
    case 'resourcegroup':
      return 'resourceGroup';
    case 'subscription':
      return 'subscription';
    case 'managementgroup':
      return 'managementGroup';
    case 'tenant':
      return 'tenant';
    default:
      return undefined;
  }
}

/** The target a scope id (`/subscriptions/x/resourceGroups/y`, a management group, `/`) stands for. */
export function targetOfScopeId(base: Target, id: string): Target | undefined {
  const group = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(id);
  if (group) return { ...base, level: 'resourceGroup', subscriptionId: group[1], resourceGroup: group[2] };
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(id);
  if (subscription) return { ...base, level: 'subscription', subscriptionId: subscription[1] };
  const management = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(id);
  if (management) return { ...base, level: 'managementGroup', managementGroup: management[1] };
  if (id === '/' || /^\/tenants\/[^/]+$/i.test(id)) return { ...base, level: 'tenant' };
  return undefined;
}

const NAMESPACES = new Set(['sys', 'az']);

/** The value of a parameter that has neither a supplied value nor a default; a reference becomes unresolved. */
const MISSING = new Unresolved('(no value)');

export class Evaluator {
  readonly diagnostics: IngestDiagnostic[] = [];
  private readonly warned = new Set<string>();
  /** Scopes of imported files, by file and target; files being imported now (cycle detection). */
  private readonly imported = new Map<string, Scope>();
  private readonly importing = new Set<string>();

  constructor(readonly files: FileSet) {}

  // --- diagnostics and helpers ---------------------------------------------------------------------------------

  diagnose(kind: IngestDiagnostic['kind'], file: BicepFile, offset: number, message: string): void {
    const at = file.source.location(offset);
    const key = `${kind}|${at.file}|${at.line}|${at.column}|${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.diagnostics.push({ kind, file: at.file, line: at.line, column: at.column, message });
  }

  text(expr: Expr, env: Env): string {
    return env.scope.file.source.text.slice(expr.start, expr.end);
  }

  here(expr: Expr, env: Env): Prov {
    return new Prov(env.scope.file.source.at(expr.start), env.via);
  }

  unresolved(expr: Expr, env: Env, suffix = ''): Unresolved {
    return new Unresolved(this.text(expr, env) + suffix, env.scope.file.source.at(expr.start));
  }

  private unknown(expr: Expr, env: Env): R {
    return { v: this.unresolved(expr, env), p: this.here(expr, env) };
  }

  /** A value for a JSON container: handles (resources, modules, lambdas) become unresolved. */
  plain(r: R, expr: Expr, env: Env): Value {
    return isHandle(r.v) ? this.unresolved(expr, env) : r.v;
  }

  /**
   * Evaluates a value where a template error must stay local: a failure (missing property, wrong type...) becomes
   * a warning and an Unresolved carrying the expression, and the rest of the resource is still scanned.
   */
  evalSafe(expr: Expr, env: Env): R {
    try {
      return this.eval(expr, env);
    } catch (error) {
      if (!(error instanceof EvalFailure)) throw error;
      this.diagnose('warning', env.scope.file, expr.start, `cannot evaluate ${this.text(expr, env)}: ${error.message}`);
      return this.unknown(expr, env);
    }
  }

  // --- scopes --------------------------------------------------------------------------------------------------

  /** Declares a file's symbols in a new scope. `supplied` values win over parameter defaults. */
  createScope(file: BicepFile, target: Target, prefix: string, supplied: Supplied | undefined, parent?: Scope): Scope {
    const scope = new Scope(file, target, prefix, parent);
    const env: Env = { scope };
    for (const statement of file.program.statements) {
      switch (statement.kind) {
        case 'param': {
          const decl = statement;
          const given = supplied?.get(decl.name);
          const secure = hasDecorator(decl.decorators, 'secure');
          const slot = new Slot(decl.name, (): R => {
            if (given) return given.init();
            if (decl.value) return this.evalSafe(decl.value, { ...env, via: VIA_DEFAULT });
            // Nullable parameters (`param x string?`) are null when not given.
            if (decl.type?.nullable) return { v: null };
            return { v: MISSING };
          });
          scope.params.set(decl.name, { decl, slot, secure });
          break;
        }
        case 'var':
          scope.vars.set(statement.name, this.varSlot(statement, env));
          break;
        case 'output': {
          const decl = statement;
          scope.outputs.set(decl.name, new Slot(decl.name, () => this.evalSafe(decl.value, env)));
          break;
        }
        case 'resource':
          scope.resources.set(statement.name, statement);
          break;
        case 'module':
          scope.modules.set(statement.name, statement);
          break;
        case 'func':
          scope.funcs.set(statement.name, statement);
          break;
        case 'import':
          this.declareImport(scope, statement.names, statement.namespace, statement.from, statement.fromStart);
          break;
        default:
          break;
      }
    }
    if (supplied) {
      for (const [name, { at }] of supplied) {
        if (scope.params.has(name)) continue;
        const message = `value given for parameter '${name}', which ${file.path} does not declare`;
        this.diagnostics.push({
          kind: 'warning',
          file: at?.file ?? file.path,
          line: at?.line,
          column: at?.column,
          message,
        });
      }
    }
    return scope;
  }

  private varSlot(decl: VarDecl, env: Env): Slot {
    return new Slot(decl.name, () => this.evalSafe(decl.value, { ...env, via: VIA_VARIABLE }));
  }

  private declareImport(
    scope: Scope,
    names: { name: string; local: string }[],
    namespace: string | undefined,
    from: string | undefined,
    fromStart: number,
  ): void {
    if (from === undefined) return;
    const file = this.files.resolve(scope.file, from);
    let exporting: Scope | undefined;
    if (file.kind === 'bicep') {
      const path = file.file.path;
      const key = `${path}|${scope.target.level}|${scope.target.subscriptionId}|${scope.target.resourceGroup}`;
      exporting = this.imported.get(key);
      if (!exporting && this.importing.has(path)) {
        this.diagnose(
          'warning',
          scope.file,
          fromStart,
          `import cycle: '${from}' imports this file; its values are unknown here`,
        );
      } else if (!exporting) {
        // Exported values do not depend on the importer's parameters: one scope per file and target serves all.
        this.importing.add(path);
        try {
          exporting = this.createScope(file.file, scope.target, scope.prefix, undefined);
        } finally {
          this.importing.delete(path);
        }
        this.imported.set(key, exporting);
      }
    } else if (file.kind === 'missing') {
      this.diagnose('read-error', scope.file, fromStart, `cannot read imported file '${from}' (${file.reason})`);
    }
    // Registry imports (`br/public:...`) are almost always types; a value read from one stays unresolved.
    for (const { name, local } of names) scope.imports.set(local, { scope: exporting, name, from });
    if (namespace) scope.namespaces.set(namespace, exporting);
  }

  // --- expressions ---------------------------------------------------------------------------------------------

  eval(expr: Expr, env: Env): R {
    switch (expr.kind) {
      case 'string':
        return { v: expr.value, p: this.here(expr, env) };
      case 'number':
        return { v: expr.value, p: this.here(expr, env) };
      case 'bool':
        return { v: expr.value, p: this.here(expr, env) };
      case 'null':
        return { v: null, p: this.here(expr, env) };
      case 'interp':
        return this.interpolation(expr, env);
      case 'ident':
        return this.identifier(expr, env);
      case 'object':
        return this.object(expr, env);
      case 'array':
        return this.array(expr, env);
      case 'for':
        return this.loop(expr, env);
      case 'if':
        throw new EvalFailure('a condition is only allowed in a resource or module body');
      case 'call':
        return this.call(expr, env);
      case 'member':
        return this.member(expr, env);
      case 'index':
        return this.index(expr, env);
      case 'child':
        return this.child(expr, env);
      case 'nonNull':
        return this.eval(expr.target, env);
      case 'paren':
        return this.eval(expr.inner, env);
      case 'unary':
        return this.unary(expr, env);
      case 'binary':
        return this.binary(expr, env);
      case 'ternary': {
        const condition = this.eval(expr.condition, env).v;
        if (condition instanceof Unresolved) return this.unknown(expr, env);
        if (typeof condition !== 'boolean') throw new EvalFailure(`condition is ${describeType(condition as Value)}`);
        return this.eval(condition ? expr.then : expr.else, env);
      }
      case 'lambda':
        return { v: new Lambda(expr.params, expr.body, env), p: this.here(expr, env) };
    }
  }

  private interpolation(expr: Expr & { kind: 'interp' }, env: Env): R {
    let out = expr.parts[0];
    for (const [index, part] of expr.exprs.entries()) {
      const value = this.eval(part, env).v;
      if (isHandle(value)) throw new EvalFailure(`cannot interpolate ${this.text(part, env)}`);
      if (containsUnknown(value)) return this.unknown(expr, env);
      out += toText(value) + expr.parts[index + 1];
    }
    return { v: out, p: this.here(expr, env) };
  }

  private identifier(expr: Expr & { kind: 'ident' }, env: Env): R {
    const name = expr.name;
    for (let local = env.locals; local; local = local.parent) if (local.name === name) return local.value;
    const scope = env.scope;
    const param = scope.params.get(name);
    if (param) {
      // Secure values never enter the model: the expression naming them stands in for the value.
      if (param.secure) return { v: this.unresolved(expr, env, ' (secure)'), p: this.here(expr, env) };
      const value = param.slot.get();
      if (value.v === MISSING) return this.unknown(expr, env);
      return value;
    }
    const variable = scope.vars.get(name);
    if (variable) return variable.get();
    const resource = scope.resources.get(name);
    if (resource) return this.resourceSymbol(scope, resource, env, expr);
    const module = scope.modules.get(name);
    if (module) {
      if (module.body.kind === 'for') return { v: new ModuleCollection(scope, module), p: this.here(expr, env) };
      return { v: new ModuleRef(this.moduleInstances(scope, module)[0]), p: this.here(expr, env) };
    }
    const imported = scope.imports.get(name);
    if (imported) return this.importedValue(imported.scope, imported.name, expr, env);
    throw new EvalFailure(`'${name}' is not declared`);
  }

  private importedValue(scope: Scope | undefined, name: string, expr: Expr, env: Env): R {
    if (!scope) return this.unknown(expr, env);
    const variable = scope.vars.get(name);
    if (variable) return variable.get();
    throw new EvalFailure(`'${name}' is not an exported variable`);
  }

  private resourceSymbol(scope: Scope, decl: ResourceDecl, env: Env, expr: Expr): R {
    if (decl.body.kind === 'for') return { v: new ResourceCollection(scope, decl), p: this.here(expr, env) };
    return { v: new ResourceRef(this.resourceInstances(scope, decl)[0]), p: this.here(expr, env) };
  }

  private object(expr: Expr & { kind: 'object' }, env: Env): R {
    const out: ValueObject = {};
    const kids = new Map<string, Prov>();
    for (const item of expr.items) {
      if (item.kind === 'spread') {
        const spread = this.evalSafe(item.value, env);
        const value = spread.v;
        if (value === null) continue;
        if (value instanceof Unresolved || isHandle(value)) return this.unknown(expr, env);
        if (!isObject(value)) throw new EvalFailure(`cannot spread ${describeType(value)} into an object`);
        for (const [key, inner] of Object.entries(value)) {
          setKey(out, key, inner);
          const kid = spread.p?.kid(key) ?? spread.p;
          if (kid) kids.set(key.toLowerCase(), kid);
        }
        continue;
      }
      let key = item.key;
      if (item.keyExpr) {
        const computed = this.eval(item.keyExpr, env).v;
        if (computed instanceof Unresolved) return this.unknown(expr, env);
        if (typeof computed !== 'string') throw new EvalFailure(`property name is ${describeType(computed as Value)}`);
        key = computed;
      }
      const value = this.evalSafe(item.value, env);
      setKey(out, key, this.plain(value, item.value, env));
      kids.set(key.toLowerCase(), value.p ?? this.here(item.value, env));
    }
    return { v: out, p: new Prov(env.scope.file.source.at(expr.start), env.via, kids) };
  }

  private array(expr: Expr & { kind: 'array' }, env: Env): R {
    const out: Value[] = [];
    const kids = new Map<string, Prov>();
    for (const item of expr.items) {
      if (item.kind === 'spread') {
        const spread = this.evalSafe(item.value, env);
        const value = spread.v;
        if (value === null) continue;
        if (value instanceof Unresolved || isHandle(value)) return this.unknown(expr, env);
        if (!Array.isArray(value)) throw new EvalFailure(`cannot spread ${describeType(value)} into an array`);
        value.forEach((inner, index) => {
          const kid = spread.p?.kid(index) ?? spread.p;
          if (kid) kids.set(String(out.length), kid);
          out.push(inner);
        });
        continue;
      }
      const value = this.evalSafe(item, env);
      kids.set(String(out.length), value.p ?? this.here(item, env));
      out.push(this.plain(value, item, env));
    }
    return { v: out, p: new Prov(env.scope.file.source.at(expr.start), env.via, kids) };
  }

  /** The items a loop iterates, or an Unresolved when its source cannot be known. */
  iterate(expr: Expr & { kind: 'for' }, env: Env): { items: R[] } | { unknown: Unresolved } {
    const source = this.eval(expr.iterable, env);
    const value = source.v;
    if (value instanceof Unresolved) return { unknown: this.unresolved(expr.iterable, env) };
    if (!Array.isArray(value)) throw new EvalFailure(`cannot loop over ${describeType(value as Value)}`);
    if (value.length > MAX_LOOP) throw new EvalFailure(`a loop cannot have more than ${MAX_LOOP} items`);
    return { items: value.map((item, index) => ({ v: item, p: source.p?.kid(index) ?? source.p })) };
  }

  /** The environment of loop iteration `index` (or of the unknown iteration). */
  loopEnv(expr: Expr & { kind: 'for' }, env: Env, item: R, index: number | Unresolved): Env {
    let locals = env.locals;
    if (expr.item) locals = { name: expr.item, value: item, parent: locals };
    if (expr.index) locals = { name: expr.index, value: { v: index, p: item.p }, parent: locals };
    return { ...env, locals };
  }

  private loop(expr: Expr & { kind: 'for' }, env: Env): R {
    const iteration = this.iterate(expr, env);
    if ('unknown' in iteration) return this.unknown(expr, env);
    const out: Value[] = [];
    const kids = new Map<string, Prov>();
    for (const [index, item] of iteration.items.entries()) {
      const inner = this.loopEnv(expr, env, item, index);
      if (expr.condition) {
        const keep = this.eval(expr.condition, inner).v;
        if (keep instanceof Unresolved) return this.unknown(expr, env);
        if (keep !== true) continue;
      }
      const value = this.evalSafe(expr.body, inner);
      kids.set(String(out.length), value.p ?? this.here(expr.body, env));
      out.push(this.plain(value, expr.body, inner));
    }
    return { v: out, p: new Prov(env.scope.file.source.at(expr.start), env.via, kids) };
  }

  private unary(expr: Expr & { kind: 'unary' }, env: Env): R {
    const value = this.eval(expr.operand, env).v;
    if (value instanceof Unresolved) return this.unknown(expr, env);
    if (expr.op === '!') {
      if (typeof value !== 'boolean') throw new EvalFailure(`'!' needs a bool, got ${describeType(value as Value)}`);
      return { v: !value, p: this.here(expr, env) };
    }
    if (typeof value !== 'number') throw new EvalFailure(`'-' needs an int, got ${describeType(value as Value)}`);
    return { v: -value, p: this.here(expr, env) };
  }

  private binary(expr: Expr & { kind: 'binary' }, env: Env): R {
    const op = expr.op;
    if (op === '&&' || op === '||') {
      // Short-circuit as Bicep does; a known deciding operand decides even when the other is unknown.
      const decides = op === '||';
      const left = this.eval(expr.left, env).v;
      if (left === decides) return { v: decides, p: this.here(expr, env) };
      const right = this.eval(expr.right, env).v;
      if (right === decides) return { v: decides, p: this.here(expr, env) };
      if (left instanceof Unresolved || right instanceof Unresolved) return this.unknown(expr, env);
      if (typeof left !== 'boolean' || typeof right !== 'boolean') throw new EvalFailure(`'${op}' needs bools`);
      return { v: !decides, p: this.here(expr, env) };
    }
    if (op === '??') {
      const left = this.eval(expr.left, env);
      if (left.v instanceof Unresolved) return this.unknown(expr, env);
      return left.v === null ? this.eval(expr.right, env) : left;
    }
    const left = this.eval(expr.left, env).v;
    const right = this.eval(expr.right, env).v;
    if (isHandle(left) || isHandle(right)) throw new EvalFailure(`'${op}' cannot compare resources or modules`);
    if (containsUnknown(left) || containsUnknown(right)) return this.unknown(expr, env);
    return { v: binaryValue(op, left, right), p: this.here(expr, env) };
  }

  private member(expr: Expr & { kind: 'member' }, env: Env): R {
    // `sys.x` / `ns.x` with an imported namespace.
    if (expr.target.kind === 'ident' && !this.isSymbol(expr.target.name, env)) {
      const namespace = expr.target.name;
      if (env.scope.namespaces.has(namespace)) {
        return this.importedValue(env.scope.namespaces.get(namespace), expr.name, expr, env);
      }
    }
    const target = this.eval(expr.target, env);
    const value = target.v;
    if (value instanceof ResourceRef) return this.resourceProperty(value, expr.name, expr, env);
    if (value instanceof ModuleRef) {
      if (expr.name === 'outputs') return { v: new ModuleOutputs(value.instance), p: this.here(expr, env) };
      if (expr.name === 'name') return { v: this.moduleName(value.instance), p: this.here(expr, env) };
      return this.unknown(expr, env);
    }
    if (value instanceof ModuleOutputs) return this.moduleOutput(value.instance, expr.name, expr, env);
    if (isHandle(value)) throw new EvalFailure(`cannot read '${expr.name}' of ${this.text(expr.target, env)}`);
    if (value instanceof Unresolved) return this.unknown(expr, env);
    if (value === null && expr.safe) return { v: null, p: this.here(expr, env) };
    if (!isObject(value)) throw new EvalFailure(`cannot read property '${expr.name}' of ${describeType(value)}`);
    const found = getKey(value, expr.name);
    if (found === undefined) {
      if (expr.safe) return { v: null, p: this.here(expr, env) };
      throw new EvalFailure(`property '${expr.name}' does not exist`);
    }
    return { v: found, p: target.p?.kid(expr.name) ?? target.p };
  }

  private isSymbol(name: string, env: Env): boolean {
    for (let local = env.locals; local; local = local.parent) if (local.name === name) return true;
    const scope = env.scope;
    return (
      scope.params.has(name) ||
      scope.vars.has(name) ||
      scope.resources.has(name) ||
      scope.modules.has(name) ||
      scope.imports.has(name)
    );
  }

  private index(expr: Expr & { kind: 'index' }, env: Env): R {
    const target = this.eval(expr.target, env);
    const key = this.eval(expr.index, env).v;
    const value = target.v;
    if (value instanceof ResourceCollection || value instanceof ModuleCollection) {
      if (key instanceof Unresolved) return this.unknown(expr, env);
      if (typeof key !== 'number') throw new EvalFailure('a resource or module collection is indexed by an int');
      const instances =
        value instanceof ResourceCollection
          ? this.resourceInstances(value.scope, value.decl, value.parent)
          : this.moduleInstances(value.scope, value.decl);
      const instance = instances[key];
      if (!instance) {
        if (instances.length === 1 && instances[0].address.endsWith('[*]')) return this.unknown(expr, env);
        throw new EvalFailure(`index ${key} is out of range (${instances.length} instances)`);
      }
      return {
        v: instance instanceof ResourceInstance ? new ResourceRef(instance) : new ModuleRef(instance),
        p: this.here(expr, env),
      };
    }
    if (value instanceof ModuleOutputs && typeof key === 'string') {
      return this.moduleOutput(value.instance, key, expr, env);
    }
    if (value instanceof ResourceRef && typeof key === 'string') {
      return this.resourceProperty(value, key, expr, env);
    }
    if (isHandle(value) || isHandle(key)) throw new EvalFailure(`cannot index ${this.text(expr.target, env)}`);
    if (value instanceof Unresolved || key instanceof Unresolved) return this.unknown(expr, env);
    if (value === null && expr.safe) return { v: null, p: this.here(expr, env) };
    if (Array.isArray(value) && typeof key === 'number') {
      if (!Number.isInteger(key) || key < 0 || key >= value.length) {
        if (expr.safe) return { v: null, p: this.here(expr, env) };
        throw new EvalFailure(`index ${key} is out of range (length ${value.length})`);
      }
      return { v: value[key], p: target.p?.kid(key) ?? target.p };
    }
    if (isObject(value) && typeof key === 'string') {
      const found = getKey(value, key);
      if (found === undefined) {
        if (expr.safe) return { v: null, p: this.here(expr, env) };
        throw new EvalFailure(`property '${key}' does not exist`);
      }
      return { v: found, p: target.p?.kid(key) ?? target.p };
    }
    throw new EvalFailure(`cannot index ${describeType(value)} with ${describeType(key)}`);
  }

  private child(expr: Expr & { kind: 'child' }, env: Env): R {
    const target = this.eval(expr.target, env).v;
    if (!(target instanceof ResourceRef))
      throw new EvalFailure(`'::' needs a resource, got ${this.text(expr.target, env)}`);
    const parent = target.instance;
    const decl = parent.body.kind === 'object' ? parent.body.resources.find((r) => r.name === expr.name) : undefined;
    if (!decl) throw new EvalFailure(`${parent.decl.name} has no nested resource '${expr.name}'`);
    if (decl.body.kind === 'for')
      return { v: new ResourceCollection(parent.scope, decl, parent), p: this.here(expr, env) };
    return { v: new ResourceRef(this.resourceInstances(parent.scope, decl, parent)[0]), p: this.here(expr, env) };
  }

  private call(expr: Expr & { kind: 'call' }, env: Env): R {
    const depth = (env.depth ?? 0) + 1;
    if (depth > MAX_DEPTH) throw new EvalFailure('functions nest too deeply');
    let namespaced = false;
    if (expr.target) {
      const target = expr.target;
      if (target.kind === 'ident' && !this.isSymbol(target.name, env)) {
        if (env.scope.namespaces.has(target.name)) {
          const exporting = env.scope.namespaces.get(target.name);
          if (!exporting) return this.unknown(expr, env);
          const fn = exporting.funcs.get(expr.name);
          if (!fn) throw new EvalFailure(`'${expr.name}' is not an exported function of ${target.name}`);
          return this.callUser(fn, exporting, expr, env);
        }
        if (NAMESPACES.has(target.name)) namespaced = true;
      }
      if (!namespaced) {
        const value = this.eval(target, env).v;
        if (value instanceof Unresolved || value instanceof ResourceRef || value instanceof ResourceCollection) {
          // Resource functions (listKeys(), getSecret()...) read deployed state or secrets.
          const secure = expr.name.toLowerCase() === 'getsecret' ? ' (secure)' : '';
          return { v: this.unresolved(expr, env, secure), p: this.here(expr, env) };
        }
        throw new EvalFailure(`${this.text(target, env)} has no function '${expr.name}'`);
      }
    }
    if (!namespaced) {
      const own = env.scope.funcs.get(expr.name);
      if (own) return this.callUser(own, env.scope, expr, env);
      const imported = env.scope.imports.get(expr.name);
      if (imported) {
        if (!imported.scope) return this.unknown(expr, env);
        const fn = imported.scope.funcs.get(imported.name);
        if (fn) return this.callUser(fn, imported.scope, expr, env);
      }
    }
    if (expr.name.toLowerCase() === 'nameof' && expr.args.length === 1) {
      // nameof(symbol.property): the last name written, as a string (Bicep 0.34+).
      const arg = expr.args[0];
      const name =
        arg.kind === 'ident' || arg.kind === 'member' || arg.kind === 'child'
          ? arg.name
          : arg.kind === 'index' && arg.index.kind === 'string'
            ? arg.index.value
            : undefined;
      if (name !== undefined) return { v: name, p: this.here(expr, env) };
    }
    const builtin = bicepFunction(expr.name);
    if (!builtin) {
      this.diagnose('warning', env.scope.file, expr.start, `unknown function '${expr.name}'; its value is not known`);
      return this.unknown(expr, env);
    }
    const inner = { ...env, depth };
    const args = expr.args.map((arg) => this.eval(arg, inner));
    return builtin(args, this.fnContext(expr, env));
  }

  private fnContext(expr: Expr & { kind: 'call' }, env: Env): FnContext {
    return {
      target: env.scope.target,
      name: expr.name,
      unresolved: (suffix?: string) => this.unresolved(expr, env, suffix),
      here: () => this.here(expr, env),
      apply: (lambda, args) => this.apply(lambda, args, env.depth ?? 0),
      readFile: (path) => this.files.readRelative(env.scope.file, path),
    };
  }

  apply(lambda: Lambda, args: R[], depth: number): R {
    if (depth > MAX_DEPTH) throw new EvalFailure('lambdas nest too deeply');
    let locals = lambda.env.locals;
    lambda.params.forEach((name, index) => {
      locals = { name, value: args[index] ?? { v: null }, parent: locals };
    });
    return this.eval(lambda.body, { ...lambda.env, locals, depth: depth + 1 });
  }

  private callUser(fn: FuncDecl, scope: Scope, expr: Expr & { kind: 'call' }, env: Env): R {
    const depth = (env.depth ?? 0) + 1;
    if (depth > MAX_DEPTH) throw new EvalFailure('user-defined functions nest too deeply');
    if (expr.args.length !== fn.params.length) {
      throw new EvalFailure(`${fn.name}() takes ${fn.params.length} argument(s), got ${expr.args.length}`);
    }
    let locals: Locals | undefined;
    fn.params.forEach((name, index) => {
      locals = { name, value: this.eval(expr.args[index], env), parent: locals };
    });
    const result = this.eval(fn.body, { scope, locals, depth });
    // A function's result is computed at the call, which is where a fix would start.
    return { v: result.v, p: this.here(expr, env) };
  }

  // --- resources -----------------------------------------------------------------------------------------------

  /** The instances of a resource declaration: one, one per loop item, or one unknown item. */
  resourceInstances(scope: Scope, decl: ResourceDecl, nestedIn?: ResourceInstance): ResourceInstance[] {
    const cache = nestedIn ? nestedIn.children : scope.resourceInstances;
    const cached = cache.get(decl);
    if (cached) return cached;
    const env = nestedIn ? nestedIn.env : { scope };
    const base = nestedIn ? `${nestedIn.address}::${decl.name}` : `${scope.prefix}${decl.name}`;
    const instances = this.instances(decl.body, env, base, (body, inner, address, condition) => {
      return new ResourceInstance(decl, scope, inner, body, address, condition, nestedIn);
    });
    cache.set(decl, instances);
    return instances;
  }

  moduleInstances(scope: Scope, decl: ModuleDecl): ModuleInstance[] {
    const cached = scope.moduleInstances.get(decl);
    if (cached) return cached;
    const instances = this.instances(
      decl.body,
      { scope },
      `${scope.prefix}${decl.name}`,
      (body, inner, address, condition) => {
        return new ModuleInstance(decl, scope, inner, body, address, condition);
      },
    );
    scope.moduleInstances.set(decl, instances);
    return instances;
  }

  private instances<T>(
    body: Expr,
    env: Env,
    address: string,
    make: (body: Expr, env: Env, address: string, condition: boolean | Unresolved) => T,
  ): T[] {
    if (body.kind === 'if') return [make(body.body, env, address, this.condition(body.condition, env))];
    if (body.kind !== 'for') return [make(body, env, address, true)];
    let iteration: ReturnType<Evaluator['iterate']>;
    try {
      iteration = this.iterate(body, env);
    } catch (error) {
      if (!(error instanceof EvalFailure)) throw error;
      this.diagnose(
        'warning',
        env.scope.file,
        body.iterable.start,
        `cannot evaluate ${this.text(body.iterable, env)}: ${error.message}`,
      );
      iteration = { unknown: this.unresolved(body.iterable, env) };
    }
    const inner = body.body;
    if ('unknown' in iteration) {
      const unknown = iteration.unknown;
      this.diagnose(
        'warning',
        env.scope.file,
        body.iterable.start,
        `loop source of ${address} cannot be resolved (${unknown.expression}); scanned once with an unknown item`,
      );
      const loopEnv = this.loopEnv(body, env, { v: unknown, p: this.here(body.iterable, env) }, unknown);
      const condition = body.condition ? this.condition(body.condition, loopEnv) : true;
      return [make(inner, loopEnv, `${address}[*]`, condition)];
    }
    return iteration.items.map((item, index) => {
      const loopEnv = this.loopEnv(body, env, item, index);
      const condition = body.condition ? this.condition(body.condition, loopEnv) : true;
      return make(inner, loopEnv, `${address}[${index}]`, condition);
    });
  }

  private condition(expr: Expr, env: Env): boolean | Unresolved {
    const value = this.evalSafe(expr, env).v;
    if (typeof value === 'boolean') return value;
    if (value instanceof Unresolved) return value;
    return this.unresolved(expr, env);
  }

  /** Type, name and id of a resource instance, as `resourceId()` builds them for the compiled template. */
  identity(instance: ResourceInstance): Identity {
    if (instance.identityCache) return instance.identityCache;
    if (instance.identityBusy) throw new EvalFailure(`the name of ${instance.address} refers to itself`);
    instance.identityBusy = true;
    try {
      instance.identityCache = this.computeIdentity(instance);
    } finally {
      instance.identityBusy = false;
    }
    return instance.identityCache;
  }

  private computeIdentity(instance: ResourceInstance): Identity {
    const { decl, env, body } = instance;
    const at = decl.type.indexOf('@');
    let type = at >= 0 ? decl.type.slice(0, at) : decl.type;
    let apiVersion = at >= 0 ? decl.type.slice(at + 1) : undefined;
    let parent: Identity | undefined;
    if (instance.nestedIn) {
      parent = this.identity(instance.nestedIn);
      // Nested declarations name their type relative to the parent (`blobServices`), possibly in full.
      if (!/^[^/]*\.[^/]*\//.test(type)) type = `${parent.type}/${type}`;
      apiVersion ??= parent.apiVersion;
    }
    const parentItem = property(body, 'parent');
    if (parentItem) {
      const ref = this.eval(parentItem.value, env).v;
      if (ref instanceof ResourceRef) parent = this.identity(ref.instance);
      else throw new EvalFailure(`'parent' of ${instance.address} is not a resource`);
    }

    const nameItem = property(body, 'name');
    const nameValue = nameItem ? this.evalSafe(nameItem.value, env).v : '';
    const shortName: Value = isHandle(nameValue) ? this.unresolved(nameItem?.value ?? body, env) : nameValue;
    const nameKnown = typeof shortName === 'string';
    const ownName = nameKnown ? shortName : shortName instanceof Unresolved ? shortName.expression : toText(shortName);
    const name = parent ? `${parent.name}/${ownName}` : ownName;
    const known = nameKnown && (parent?.known ?? true);
    const target = env.scope.target;

    const legacy = type.toLowerCase().indexOf('/providers/');
    if (legacy > 0 && !parent) {
      const extension = legacyExtension(target, type, legacy, ownName, nameKnown);
      if (extension) return { ...extension, apiVersion, shortName, known };
    }

    const scopeItem = property(body, 'scope');
    if (scopeItem && !parent) {
      const scope = this.scopeId(scopeItem.value, env);
      if (scope === undefined || scope.kind === 'extension') {
        // An extension resource (`scope: account`); an unresolved scope leaves the target unknown.
        const extended = scope?.id ?? this.text(scopeItem.value, env);
        const base = extended.startsWith('/') ? extended : scopeId(target);
        const id = known ? extensionId(base, type, [name]) : `${base === '/' ? '' : base}/providers/${type}/${name}`;
        return { type, apiVersion, name, shortName, id, scope: extended, known };
      }
      // A scope function (`resourceGroup('other')`) moves the resource (existing ones, in practice) elsewhere.
      const moved = scope.target;
      const id = known ? buildResourceId(moved, type, [name]) : `${scopeId(moved)}/providers/${type}/${name}`;
      return { type, apiVersion, name, shortName, id, known };
    }
    let id: string;
    if (!known) id = `${scopeId(target)}/providers/${type}/${name}`;
    else if (parent) id = `${parent.id}/${type.slice(type.lastIndexOf('/') + 1)}/${ownName}`;
    else id = buildResourceId(target, type, [name]);
    return { type, apiVersion, name, shortName, id, scope: parent?.scope, known };
  }

  /**
   * What a `scope:` value designates: a resource (extension resources), or a resource group, subscription,
   * management group or tenant (moving a module or an existing resource). Undefined when it cannot be known.
   */
  scopeId(
    expr: Expr,
    env: Env,
  ): { kind: 'extension'; id: string } | { kind: 'target'; id: string; target: Target } | undefined {
    const value = this.evalSafe(expr, env).v;
    const base = env.scope.target;
    let id: string | undefined;
    if (value instanceof ResourceRef) {
      const identity = this.identity(value.instance);
      if (identity.type.toLowerCase() !== 'microsoft.resources/resourcegroups')
        return { kind: 'extension', id: identity.id };
      id = identity.id;
    } else if (isObject(value) && typeof value.id === 'string') {
      id = value.id;
    } else if (typeof value === 'string') {
      id = value;
    }
    if (id === undefined) return undefined;
    const target = targetOfScopeId(base, id);
    if (target) return { kind: 'target', id, target };
    return { kind: 'extension', id };
  }

  private resourceProperty(ref: ResourceRef, name: string, expr: Expr, env: Env): R {
    const identity = this.identity(ref.instance);
    switch (name) {
      case 'id':
        return { v: identity.id, p: this.here(expr, env) };
      case 'name':
        return { v: identity.shortName, p: this.here(expr, env) };
      case 'type':
        return { v: identity.type, p: this.here(expr, env) };
      case 'apiVersion':
        return { v: identity.apiVersion ?? null, p: this.here(expr, env) };
      default:
        // Anything else is read from the deployed resource (reference()).
        return this.unknown(expr, env);
    }
  }

  // --- modules -------------------------------------------------------------------------------------------------

  moduleName(instance: ModuleInstance): string {
    if (instance.nameCache !== undefined) return instance.nameCache;
    const item = property(instance.body, 'name');
    const value = item ? this.evalSafe(item.value, instance.env).v : instance.decl.name;
    instance.nameCache =
      typeof value === 'string' ? value : value instanceof Unresolved ? value.expression : instance.decl.name;
    return instance.nameCache;
  }

  /** Where a module instance deploys: its `scope`, or the parent's target at the module file's own level. */
  moduleTarget(instance: ModuleInstance, targetScope: string | undefined): Target {
    const parent = instance.scope.target;
    const base: Target = { ...parent, deploymentName: this.moduleName(instance) };
    const scopeItem = property(instance.body, 'scope');
    if (scopeItem) {
      const scope = this.scopeId(scopeItem.value, instance.env);
      if (scope?.kind === 'target') return { ...scope.target, deploymentName: base.deploymentName };
      if (!scope) {
        this.diagnose(
          'warning',
          instance.scope.file,
          scopeItem.value.start,
          `scope of module ${instance.address} cannot be resolved (${this.text(scopeItem.value, instance.env)}); its resources are placed in the parent's scope`,
        );
      }
    }
    return { ...base, level: levelOf(targetScope) ?? 'resourceGroup' };
  }

  /** Values of a module's `params`, each evaluated on demand in the declaring file. */
  moduleParams(instance: ModuleInstance): Supplied {
    const supplied: Supplied = new Map();
    const item = property(instance.body, 'params');
    if (!item) return supplied;
    const env: Env = { ...instance.env, via: VIA_MODULE };
    const source = instance.scope.file.source;
    if (
      item.value.kind === 'object' &&
      item.value.items.every((entry) => entry.kind === 'property' && !entry.keyExpr)
    ) {
      for (const entry of item.value.items) {
        if (entry.kind !== 'property') continue;
        supplied.set(entry.key, { init: () => this.evalSafe(entry.value, env), at: source.location(entry.keyStart) });
      }
      return supplied;
    }
    // A computed params object (`params: union(defaults, overrides)`): split by key once evaluated.
    const whole = new Slot(`${instance.decl.name}.params`, () => this.evalSafe(item.value, env));
    const value = whole.get().v;
    if (!isObject(value)) {
      this.diagnose(
        'warning',
        instance.scope.file,
        item.value.start,
        `params of module ${instance.address} cannot be resolved; its parameters use their defaults or stay unknown`,
      );
      return supplied;
    }
    for (const key of Object.keys(value)) {
      supplied.set(key, {
        init: () => {
          const r = whole.get();
          return { v: isObject(r.v) ? (getKey(r.v, key) ?? null) : null, p: r.p?.kid(key) ?? r.p };
        },
        at: source.location(item.value.start),
      });
    }
    return supplied;
  }

  /** The module's scope (its template evaluated with its params), or null when it is not scanned. */
  moduleScope(instance: ModuleInstance): Scope | null {
    if (instance.child !== undefined) return instance.child;
    instance.child = null;
    const resolved = this.files.resolve(instance.scope.file, instance.decl.path);
    if (resolved.kind !== 'bicep') return null;
    let depth = 0;
    for (let scope: Scope | undefined = instance.scope; scope; scope = scope.parent) {
      if (scope.file.path === resolved.file.path || ++depth > MAX_MODULE_DEPTH) {
        this.diagnose(
          'warning',
          instance.scope.file,
          instance.decl.pathStart,
          `module ${instance.address} deploys '${instance.decl.path}', which deploys it in turn (or modules nest more than ${MAX_MODULE_DEPTH} deep); not scanned again`,
        );
        return null;
      }
    }
    const target = this.moduleTarget(instance, resolved.file.targetScope);
    instance.child = this.createScope(
      resolved.file,
      target,
      `${instance.address}.resources.`,
      this.moduleParams(instance),
      instance.scope,
    );
    return instance.child;
  }

  private moduleOutput(instance: ModuleInstance, name: string, expr: Expr, env: Env): R {
    const child = this.moduleScope(instance);
    if (!child) return this.unknown(expr, env);
    const output = child.outputs.get(name);
    if (!output) throw new EvalFailure(`module ${instance.decl.name} has no output '${name}'`);
    const result = output.get();
    // A resource handle as an output (`output sa resource = sa`) stays a handle for the caller.
    return result;
  }

  toValue(r: R, expr: Expr, env: Env): Value {
    return toPlainValue(r, { unresolved: () => this.unresolved(expr, env) });
  }
}

/**
 * The legacy extension form decompiled templates use - type `Microsoft.Storage/storageAccounts/providers/
 * diagnosticSettings`, name `account/Microsoft.Insights/diag` - normalized as the ARM adapter does: a
 * `Microsoft.Insights/diagnosticSettings` named `diag` scoped to the account.
 */
function legacyExtension(
  target: Target,
  type: string,
  marker: number,
  name: string,
  nameKnown: boolean,
): { type: string; name: string; id: string; scope: string } | undefined {
  const extensionType = type.slice(marker + '/providers/'.length);
  if (!nameKnown) {
    const namespace = EXTENSION_NAMESPACES[extensionType.toLowerCase()];
    if (!namespace) return undefined;
    const normalized = `${namespace}/${extensionType}`;
    return { type: normalized, name, id: `${scopeId(target)}/providers/${normalized}/${name}`, scope: name };
  }
  const targetType = type.slice(0, marker);
  const targetLevels = targetType.split('/').length - 1;
  const segments = name.split('/');
  if (segments.length < targetLevels + 2) return undefined;
  const scope = buildResourceId(target, targetType, segments.slice(0, targetLevels));
  const normalized = `${segments[targetLevels]}/${extensionType}`;
  const names = segments.slice(targetLevels + 1);
  return { type: normalized, name: names.join('/'), id: extensionId(scope, normalized, names), scope };
}

function setKey(object: ValueObject, key: string, value: Value): void {
  // Bicep object keys are case-insensitive at deployment: a later spelling replaces an earlier one.
  for (const existing of Object.keys(object)) {
    if (existing !== key && existing.toLowerCase() === key.toLowerCase()) delete object[existing];
  }
  object[key] = value;
}

function containsUnknown(value: Value): boolean {
  if (value instanceof Unresolved) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

function binaryValue(op: string, left: Value, right: Value): Value {
  switch (op) {
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case '=~':
    case '!~': {
      if (typeof left !== 'string' || typeof right !== 'string') throw new EvalFailure(`'${op}' compares strings`);
      const same = left.toLowerCase() === right.toLowerCase();
      return op === '=~' ? same : !same;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (
        !(
          (typeof left === 'number' && typeof right === 'number') ||
          (typeof left === 'string' && typeof right === 'string')
        )
      ) {
        throw new EvalFailure(`'${op}' compares two ints or two strings`);
      }
      if (op === '<') return left < right;
      if (op === '<=') return left <= right;
      if (op === '>') return left > right;
      return left >= right;
    }
  }
  if (typeof left !== 'number' || typeof right !== 'number') {
    throw new EvalFailure(`'${op}' needs ints, got ${describeType(left)} and ${describeType(right)}`);
  }
  switch (op) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      if (right === 0) throw new EvalFailure('division by zero');
      return Math.trunc(left / right);
    case '%':
      if (right === 0) throw new EvalFailure('division by zero');
      return left % right;
    default:
      throw new EvalFailure(`unknown operator '${op}'`);
  }
}

export type { Val };

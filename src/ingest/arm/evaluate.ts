// Evaluation of template values: literals are copied, `[...]` strings are evaluated as expressions, property copy
// loops are expanded, and every value's origin is traced (see provenance.ts). Parameters and variables are resolved
// lazily, on first reference, so their order in the template does not matter.
import { getKey, isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';
import { type Expr, ExpressionSyntaxError, isExpression, parseCached, unescapeLiteral } from './expressions.js';
import { arity, BUILTINS, type CallContext, EvalFailure, type Target } from './functions.js';
import { isRawObject, member, type RawContainer, type RawObject, type SourceDoc } from './json.js';
import { joinPath, type TraceEntry, unresolvedAt } from './provenance.js';
import { containsUnresolved, describeType } from './values.js';

export type { Target } from './functions.js';

/** Collects diagnostics for one parse. */
export class Sink {
  readonly diagnostics: IngestDiagnostic[] = [];

  add(
    kind: IngestDiagnostic['kind'],
    doc: SourceDoc,
    parent: RawContainer,
    key: string | number,
    message: string,
  ): void {
    const at = doc.locate(parent, key);
    this.diagnostics.push({ kind, file: doc.file, line: at?.line, column: at?.column, message });
  }
}

/** A resolved parameter or variable: its value, where it came from, and whether it is known at all. */
export interface SlotValue {
  value: Value;
  trace: TraceEntry[];
  /** false: no value exists (a parameter without value or default); references become Unresolved. */
  known: boolean;
}

export class Slot {
  private state: 'pending' | 'busy' | 'done' = 'pending';
  private result: SlotValue = { value: null, trace: [], known: false };

  constructor(
    readonly name: string,
    private readonly init: () => SlotValue,
    readonly secure = false,
  ) {}

  get(): SlotValue {
    if (this.state === 'done') return this.result;
    if (this.state === 'busy') throw new EvalFailure(`'${this.name}' refers to itself`);
    this.state = 'busy';
    try {
      this.result = this.init();
    } finally {
      this.state = 'done';
    }
    return this.result;
  }

  get resolved(): SlotValue | undefined {
    return this.state === 'done' ? this.result : undefined;
  }
}

export interface UserFunction {
  parameters: string[];
  output: RawObject;
}

export interface SymbolEntry {
  raw: RawObject;
  parent: RawContainer;
  key: string;
}

/**
 * The evaluation scope of one template: its parameters, variables, user functions and (languageVersion 2.0)
 * symbolic names. A nested deployment with `outer` scope shares its parent's slots but deploys to its own target.
 */
export class Frame {
  readonly params: Map<string, Slot>;
  readonly vars: Map<string, Slot>;
  readonly functions: Map<string, UserFunction>;
  readonly symbols = new Map<string, SymbolEntry>();
  private readonly symbolIds = new Map<string, string | undefined>();
  /** Computes the id of a symbolic resource (set by the template walker). */
  resolveSymbol?: (entry: SymbolEntry, frame: Frame) => string | undefined;

  constructor(
    readonly doc: SourceDoc,
    /** What `resourceGroup()`, `subscription()` and `resourceId()` answer. */
    readonly target: Target,
    /** Where this template's resources are deployed (differs from `target` for outer-scope nested templates). */
    readonly deployTarget: Target,
    readonly sink: Sink,
    shared?: Frame,
  ) {
    this.params = shared ? shared.params : new Map();
    this.vars = shared ? shared.vars : new Map();
    this.functions = shared ? shared.functions : new Map();
  }

  symbolId(name: string): string | undefined {
    const key = name.toLowerCase();
    if (this.symbolIds.has(key)) return this.symbolIds.get(key);
    const entry = this.symbols.get(key);
    this.symbolIds.set(key, undefined);
    const id = entry && this.resolveSymbol ? this.resolveSymbol(entry, this) : undefined;
    this.symbolIds.set(key, id);
    return id;
  }
}

/** Copy loop indices in scope, innermost first. */
export interface Loop {
  name: string | undefined;
  index: number | Unresolved;
  parent?: Loop;
}

export interface Env {
  frame: Frame;
  loops?: Loop;
  /** Inside a user-defined function: its arguments, which `parameters()` reads. */
  fnArgs?: Map<string, Value>;
  depth?: number;
}

const SECURE_TYPES = new Set(['securestring', 'secureobject']);

export function isSecureType(type: unknown): boolean {
  return typeof type === 'string' && SECURE_TYPES.has(type.toLowerCase());
}

/** Values supplied for a template's parameters (a parameter file, or a nested deployment's `parameters`). */
export type SuppliedParameters = Map<
  string,
  { name: string; init: () => SlotValue; origin?: { doc: SourceDoc; parent: RawContainer; key: string | number } }
>;

/** Declares a template's parameters, variables and functions in `frame`. */
export function declareTemplate(frame: Frame, template: RawObject, supplied: SuppliedParameters | undefined): void {
  const doc = frame.doc;
  const env: Env = { frame };
  const declared = member(template, 'parameters');
  if (isRawObject(declared)) {
    for (const [name, declaration] of Object.entries(declared)) {
      const lower = name.toLowerCase();
      const definition = isRawObject(declaration) ? declaration : {};
      const secure = isSecureType(member(definition, 'type'));
      const given = supplied?.get(lower);
      const defaultKey = keyOf(definition, 'defaultValue');
      const nullable = member(definition, 'nullable') === true;
      const init = (): SlotValue => {
        if (given) return given.init();
        if (defaultKey !== undefined) {
          const trace: TraceEntry[] = [];
          const value = evalNode(definition[defaultKey], definition, defaultKey, env, trace, '', 'parameter default');
          return { value, trace, known: true };
        }
        // Bicep's nullable parameters (`param x string?`) are null when not given.
        if (nullable) return { value: null, trace: [], known: true };
        return { value: null, trace: [], known: false };
      };
      frame.params.set(lower, new Slot(name, init, secure));
    }
  }
  if (supplied) {
    for (const [lower, { name, origin }] of supplied) {
      if (frame.params.has(lower)) continue;
      const message = `value given for parameter '${name}', which the template does not declare`;
      if (origin) frame.sink.add('warning', origin.doc, origin.parent, origin.key, message);
      else frame.sink.diagnostics.push({ kind: 'warning', file: doc.file, message });
    }
  }

  const variables = member(template, 'variables');
  if (isRawObject(variables)) {
    for (const [name, raw] of Object.entries(variables)) {
      if (name.toLowerCase() === 'copy' && Array.isArray(raw)) {
        declareVariableCopies(frame, raw, env);
        continue;
      }
      const init = (): SlotValue => {
        const trace: TraceEntry[] = [];
        const value = evalNode(raw, variables, name, env, trace, '', 'variable');
        return { value, trace, known: true };
      };
      frame.vars.set(name.toLowerCase(), new Slot(name, init));
    }
  }

  const functions = member(template, 'functions');
  if (Array.isArray(functions)) {
    for (const namespace of functions) {
      if (!isRawObject(namespace)) continue;
      const prefix = member(namespace, 'namespace');
      const members = member(namespace, 'members');
      if (typeof prefix !== 'string' || !isRawObject(members)) continue;
      for (const [name, definition] of Object.entries(members)) {
        if (!isRawObject(definition)) continue;
        const output = member(definition, 'output');
        if (!isRawObject(output)) continue;
        const parameters = member(definition, 'parameters');
        frame.functions.set(`${prefix}.${name}`.toLowerCase(), {
          parameters: Array.isArray(parameters)
            ? parameters.map((p) => (isRawObject(p) && typeof p.name === 'string' ? p.name : ''))
            : [],
          output,
        });
      }
    }
  }
}

/** `variables.copy`: each entry defines an array variable built from `input` evaluated `count` times. */
function declareVariableCopies(frame: Frame, copies: unknown[], env: Env): void {
  for (const copy of copies) {
    if (!isRawObject(copy)) continue;
    const name = member(copy, 'name');
    if (typeof name !== 'string') continue;
    const init = (): SlotValue => {
      const trace: TraceEntry[] = [];
      const value = expandCopy(copy, env, trace, '', 'variable');
      return { value, trace, known: true };
    };
    frame.vars.set(name.toLowerCase(), new Slot(name, init));
  }
}

/** The actual (case-preserving) key of a member, matched like `member()`. */
export function keyOf(object: RawObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  for (const key in object) if (key.toLowerCase() === lower) return key;
  return undefined;
}

const MAX_COPIES = 800; // ARM's limit on copy count.

/** Expands one `{ name, count, input }` copy definition into an array. */
function expandCopy(
  copy: RawObject,
  env: Env,
  trace: TraceEntry[] | null,
  path: string,
  via: string | undefined,
): Value {
  const doc = env.frame.doc;
  const name = String(member(copy, 'name'));
  const countKey = keyOf(copy, 'count');
  const inputKey = keyOf(copy, 'input');
  if (trace) trace.push({ path, doc, parent: copy, key: inputKey ?? 'name', via });
  if (countKey === undefined || inputKey === undefined) return [];
  const count = evalNode(copy[countKey], copy, countKey, env, null, '', undefined);
  if (typeof count !== 'number') {
    return count instanceof Unresolved ? count : unresolvedAt(String(copy[countKey]), doc, copy, countKey);
  }
  const items: Value[] = [];
  const total = Math.min(Math.max(0, Math.trunc(count)), MAX_COPIES);
  for (let index = 0; index < total; index++) {
    const loopEnv: Env = { ...env, loops: { name: name.toLowerCase(), index, parent: env.loops } };
    items.push(evalNode(copy[inputKey], copy, inputKey, loopEnv, trace, joinPath(path, index), via));
  }
  return items;
}

function isPropertyCopy(value: unknown): value is RawObject[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => isRawObject(item) && typeof member(item, 'name') === 'string' && keyOf(item, 'input'))
  );
}

/**
 * Evaluates the raw template value `parent[key]`. With `trace`, records where each value (by path relative to the
 * evaluated root) originates; `via` labels values written in a variable or parameter default.
 */
export function evalNode(
  raw: unknown,
  parent: RawContainer,
  key: string | number,
  env: Env,
  trace: TraceEntry[] | null,
  path: string,
  via: string | undefined,
): Value {
  if (typeof raw === 'string') {
    if (raw.charCodeAt(0) === 91) {
      if (isExpression(raw)) return evalString(raw, parent, key, env, trace, path, via);
      raw = unescapeLiteral(raw);
    }
    trace?.push({ path, doc: env.frame.doc, parent, key, via });
    return raw as string;
  }
  if (raw === null || typeof raw !== 'object') {
    trace?.push({ path, doc: env.frame.doc, parent, key, via });
    return raw === undefined ? null : (raw as Value);
  }
  trace?.push({ path, doc: env.frame.doc, parent, key, via });
  if (Array.isArray(raw)) {
    const out: Value[] = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      out[i] = evalNode(raw[i], raw, i, env, trace, trace ? joinPath(path, i) : '', via);
    }
    return out;
  }
  const object = raw as RawObject;
  const out: ValueObject = {};
  for (const name in object) {
    const value = object[name];
    // Property iteration (`properties.copy: [{ name, count, input }]`) produces arrays named by each entry.
    if (name.toLowerCase() === 'copy' && isPropertyCopy(value)) {
      for (const copy of value) {
        const copyName = String(member(copy, 'name'));
        out[copyName] = expandCopy(copy, env, trace, trace ? joinPath(path, copyName) : '', via);
      }
      continue;
    }
    out[name] = evalNode(value, object, name, env, trace, trace ? joinPath(path, name) : '', via);
  }
  return out;
}

function evalString(
  text: string,
  parent: RawContainer,
  key: string | number,
  env: Env,
  trace: TraceEntry[] | null,
  path: string,
  via: string | undefined,
): Value {
  const frame = env.frame;
  const parsed = parseCached(text);
  if (parsed instanceof ExpressionSyntaxError) {
    frame.sink.add('warning', frame.doc, parent, key, `invalid template expression: ${parsed.message}`);
    trace?.push({ path, doc: frame.doc, parent, key, via });
    return unresolvedAt(text, frame.doc, parent, key);
  }
  const evaluation = new Evaluation(env, text, parent, key);
  let value: Value;
  try {
    value = evaluation.eval(parsed);
  } catch (error) {
    if (!(error instanceof EvalFailure)) throw error;
    frame.sink.add('warning', frame.doc, parent, key, `cannot evaluate ${text}: ${error.message}`);
    value = evaluation.unresolved();
  }
  if (trace) {
    const referenced = referenceTrace(parsed, env);
    if (referenced) {
      const cut = referenced.prefix ? referenced.prefix.length + 1 : 0;
      for (const entry of referenced.entries) {
        const relative = entry.path.slice(cut);
        trace.push({ ...entry, path: relative ? (path ? `${path}.${relative}` : relative) : path });
      }
    } else {
      trace.push({ path, doc: frame.doc, parent, key, via });
    }
  }
  return value;
}

/**
 * For a bare reference (`[parameters('x')]`, `[variables('v').a[0]]`): the referenced slot's trace below the
 * accessed path, so locations point at the parameter file / default / variable where the value is written.
 */
function referenceTrace(expr: Expr, env: Env): { entries: TraceEntry[]; prefix: string } | undefined {
  const segments: string[] = [];
  let node = expr;
  while (node.kind === 'member' || node.kind === 'index') {
    if (node.kind === 'member') segments.unshift(node.name.toLowerCase());
    else if (node.index.kind === 'string' || node.index.kind === 'number')
      segments.unshift(String(node.index.value).toLowerCase());
    else return undefined;
    node = node.target;
  }
  if (node.kind !== 'call' || node.args.length !== 1 || node.args[0].kind !== 'string') return undefined;
  const name = node.args[0].value.toLowerCase();
  let slot: Slot | undefined;
  if (node.lower === 'parameters' && !env.fnArgs) slot = env.frame.params.get(name);
  else if (node.lower === 'variables') slot = env.frame.vars.get(name);
  const resolved = slot?.resolved;
  if (!resolved?.known) return undefined;
  const prefix = segments.join('.');
  const entries = prefix
    ? resolved.trace.filter((entry) => entry.path === prefix || entry.path.startsWith(`${prefix}.`))
    : resolved.trace;
  return entries.length > 0 ? { entries, prefix } : undefined;
}

/** One top-level expression being evaluated: knows its text and where it is written, for Unresolved results. */
class Evaluation implements CallContext {
  constructor(
    readonly env: Env,
    readonly text: string,
    private readonly parent: RawContainer,
    private readonly key: string | number,
    private readonly lambdas?: Map<string, Value>,
  ) {}

  get target(): Target {
    return this.env.frame.target;
  }

  unresolved(expression = this.text): Unresolved {
    return unresolvedAt(expression, this.env.frame.doc, this.parent, this.key);
  }

  eval(expr: Expr): Value {
    switch (expr.kind) {
      case 'string':
      case 'number':
        return expr.value;
      case 'call':
        return this.call(expr);
      case 'member': {
        const target = this.eval(expr.target);
        if (target instanceof Unresolved) return this.unresolved();
        if (!isObject(target)) throw new EvalFailure(`cannot read property '${expr.name}' of ${describeType(target)}`);
        const value = getKey(target, expr.name);
        if (value === undefined) throw new EvalFailure(`property '${expr.name}' does not exist`);
        return value;
      }
      case 'index': {
        const target = this.eval(expr.target);
        const index = this.eval(expr.index);
        if (target instanceof Unresolved || index instanceof Unresolved) return this.unresolved();
        if (Array.isArray(target) && typeof index === 'number') {
          if (!Number.isInteger(index) || index < 0 || index >= target.length) {
            throw new EvalFailure(`index ${index} is out of range (length ${target.length})`);
          }
          return target[index];
        }
        if (isObject(target) && typeof index === 'string') {
          const value = getKey(target, index);
          if (value === undefined) throw new EvalFailure(`property '${index}' does not exist`);
          return value;
        }
        throw new EvalFailure(`cannot index ${describeType(target)} with ${describeType(index)}`);
      }
    }
  }

  private call(expr: Extract<Expr, { kind: 'call' }>): Value {
    const builtin = BUILTINS.get(expr.lower);
    if (!builtin) {
      const fn = this.env.frame.functions.get(expr.lower);
      if (fn) return this.callUserFunction(fn, expr.args);
      // reference(), list*(), and any function not known here depend on deployment-time state.
      return this.unresolved();
    }
    if (builtin.arity) arity(expr.name, expr.args, builtin.arity[0], builtin.arity[1]);
    if (builtin.lazy) return builtin.lazy(expr.args, this);
    const args = expr.args.map((arg) => this.eval(arg));
    const mode = builtin.args ?? 'deep';
    if (mode !== 'allow') {
      for (const arg of args) {
        if (mode === 'top' ? arg instanceof Unresolved : containsUnresolved(arg)) return this.unresolved();
      }
    }
    return builtin.call ? builtin.call(args, this) : this.unresolved();
  }

  private callUserFunction(fn: UserFunction, argExprs: Expr[]): Value {
    const args = argExprs.map((arg) => this.eval(arg));
    if (args.some(containsUnresolved)) return this.unresolved();
    const depth = (this.env.depth ?? 0) + 1;
    if (depth > 32) throw new EvalFailure('user-defined functions nest too deeply');
    const fnArgs = new Map<string, Value>();
    for (const [index, name] of fn.parameters.entries()) fnArgs.set(name.toLowerCase(), args[index] ?? null);
    const valueKey = keyOf(fn.output, 'value');
    if (valueKey === undefined) return this.unresolved();
    const value = evalNode(
      fn.output[valueKey],
      fn.output,
      valueKey,
      { frame: this.env.frame, fnArgs, depth },
      null,
      '',
      undefined,
    );
    return containsUnresolved(value) ? this.unresolved() : value;
  }

  parameter(name: string): Value {
    const lower = name.toLowerCase();
    if (this.env.fnArgs) {
      if (!this.env.fnArgs.has(lower)) throw new EvalFailure(`function parameter '${name}' is not defined`);
      return this.env.fnArgs.get(lower) ?? null;
    }
    const slot = this.env.frame.params.get(lower);
    if (!slot) throw new EvalFailure(`parameter '${name}' is not declared`);
    // Secure values never enter the model: the expression naming them stands in for the value.
    if (slot.secure) return this.unresolved(`[parameters('${slot.name}')] (secure)`);
    const resolved = slot.get();
    if (!resolved.known) return this.unresolved();
    return resolved.value;
  }

  variable(name: string): Value {
    const slot = this.env.frame.vars.get(name.toLowerCase());
    if (!slot) throw new EvalFailure(`variable '${name}' is not declared`);
    return slot.get().value;
  }

  copyIndex(loop: string | undefined): number | Unresolved {
    let current = this.env.loops;
    if (loop !== undefined) {
      const lower = loop.toLowerCase();
      while (current && current.name !== lower) current = current.parent;
    }
    if (!current)
      throw new EvalFailure(loop ? `copy loop '${loop}' is not in scope` : 'copyIndex() outside a copy loop');
    return current.index instanceof Unresolved ? this.unresolved() : current.index;
  }

  lambdaVariable(name: string): Value {
    const value = this.lambdas?.get(name.toLowerCase());
    if (value === undefined) throw new EvalFailure(`lambda variable '${name}' is not in scope`);
    return value;
  }

  lambda(expr: Expr | undefined): (...values: Value[]) => Value {
    if (expr?.kind !== 'call' || expr.lower !== 'lambda' || expr.args.length < 1) {
      throw new EvalFailure('expected a lambda(...) argument');
    }
    const names = expr.args.slice(0, -1).map((arg) => {
      if (arg.kind !== 'string') throw new EvalFailure('lambda parameter names must be string literals');
      return arg.value.toLowerCase();
    });
    const body = expr.args[expr.args.length - 1];
    return (...values: Value[]) => {
      const scope = new Map(this.lambdas);
      for (const [index, name] of names.entries()) scope.set(name, values[index] ?? null);
      return new Evaluation(this.env, this.text, this.parent, this.key, scope).eval(body);
    };
  }

  symbolId(name: string): string | undefined {
    return this.env.frame.symbolId(name);
  }
}

/** Evaluates a raw value without tracing, e.g. a resource name or condition. */
export function evalPlain(raw: unknown, parent: RawContainer, key: string | number, env: Env): Value {
  return evalNode(raw, parent, key, env, null, '', undefined);
}

// Evaluation of template values: `[...]` strings are evaluated as expressions, property copy loops are expanded,
// literal parts are shared with the parsed template rather than copied, and where values originate is traced (see
// provenance.ts). Parameters and variables are resolved lazily, on first reference, so their order does not matter.
import { getKey, isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';
import { type Expr, ExpressionSyntaxError, isExpression, parseCached, unescapeLiteral } from './expressions.js';
import { arity, BUILTINS, type CallContext, EvalFailure, type Target } from './functions.js';
import { isRawObject, member, type RawContainer, type RawObject, type SourceDoc } from './json.js';
import { joinPath, subTrace, type TraceEntry, unresolvedAt } from './provenance.js';
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
  /** Values of context-free expressions already evaluated in this scope (resolved values only). */
  readonly values = new Map<string, Value>();
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
          return evalSlot(definition[defaultKey], definition, defaultKey, env, 'parameter default');
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
      frame.vars.set(name.toLowerCase(), new Slot(name, () => evalSlot(raw, variables, name, env, 'variable')));
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
      const value = expandCopy(copy, env, new Tracer(trace, 'variable'));
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

/**
 * Records where evaluated values originate, as paths relative to the evaluated root (see provenance.ts). Only values
 * written elsewhere are recorded - bare parameter/variable references and copy expansions; a literal or a computed
 * value is found by walking the raw container recorded above it to the place it is written.
 */
export class Tracer {
  /** Member keys from the root to the value being evaluated. */
  readonly stack: (string | number)[] = [];

  constructor(
    readonly entries: TraceEntry[],
    readonly via?: string,
  ) {}

  path(): string {
    let path = '';
    for (const segment of this.stack) path = joinPath(path, segment);
    return path;
  }

  record(doc: SourceDoc, parent: RawContainer, key: string | number): void {
    this.entries.push({ path: this.path(), doc, parent, key, via: this.via });
  }
}

/** Evaluates a parameter default, variable or passed parameter value, with its trace. */
export function evalSlot(
  raw: unknown,
  parent: RawContainer,
  key: string | number,
  env: Env,
  via: string | undefined,
): SlotValue {
  const trace: TraceEntry[] = [{ path: '', doc: env.frame.doc, parent, key, via }];
  const value = evalNode(raw, parent, key, env, new Tracer(trace, via));
  return { value, trace, known: true };
}

/** Expands one `{ name, count, input }` copy definition into an array. */
function expandCopy(copy: RawObject, env: Env, tracer: Tracer | null): Value {
  const doc = env.frame.doc;
  const name = String(member(copy, 'name'));
  const countKey = keyOf(copy, 'count');
  const inputKey = keyOf(copy, 'input');
  // The array itself is located at the copy's `name`; each item at `input`.
  tracer?.record(doc, copy, keyOf(copy, 'name') ?? 'name');
  if (countKey === undefined || inputKey === undefined) return [];
  const count = evalNode(copy[countKey], copy, countKey, env, null);
  if (typeof count !== 'number') {
    return count instanceof Unresolved ? count : unresolvedAt(String(copy[countKey]), doc, copy, countKey);
  }
  const items: Value[] = [];
  const total = Math.min(Math.max(0, Math.trunc(count)), MAX_COPIES);
  const loopName = name.toLowerCase();
  for (let index = 0; index < total; index++) {
    const loopEnv: Env = { ...env, loops: { name: loopName, index, parent: env.loops } };
    tracer?.stack.push(index);
    tracer?.record(doc, copy, inputKey);
    items.push(evalNode(copy[inputKey], copy, inputKey, loopEnv, tracer));
    tracer?.stack.pop();
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

/** True for raw values evalNode may change: containers and strings starting with `[`. */
function mayChange(raw: unknown): boolean {
  return typeof raw === 'object' ? raw !== null : typeof raw === 'string' && raw.charCodeAt(0) === 91;
}

/**
 * Evaluates the raw template value `parent[key]`. Literal parts are returned as they are (not copied), so the
 * result may share objects with the parsed template. `tracer` records where expression values come from.
 */
export function evalNode(
  raw: unknown,
  parent: RawContainer,
  key: string | number,
  env: Env,
  tracer: Tracer | null,
): Value {
  if (typeof raw === 'string') {
    if (raw.charCodeAt(0) !== 91) return raw;
    return isExpression(raw) ? evalString(raw, parent, key, env, tracer) : unescapeLiteral(raw);
  }
  if (raw === null || typeof raw !== 'object') return raw === undefined ? null : (raw as Value);
  if (Array.isArray(raw)) {
    let out: Value[] | undefined;
    for (let i = 0; i < raw.length; i++) {
      const item = raw[i];
      let value = item as Value;
      if (mayChange(item)) {
        tracer?.stack.push(i);
        value = evalNode(item, raw, i, env, tracer);
        tracer?.stack.pop();
      }
      if (out) out.push(value);
      else if (value !== item) {
        out = raw.slice(0, i) as Value[];
        out.push(value);
      }
    }
    return out ?? (raw as Value[]);
  }
  const object = raw as RawObject;
  let out: ValueObject | undefined;
  for (const name in object) {
    const item = object[name];
    // Property iteration (`properties.copy: [{ name, count, input }]`) produces arrays named by each entry.
    if (name.length === 4 && name.toLowerCase() === 'copy' && isPropertyCopy(item)) {
      out ??= copyBefore(object, name);
      for (const copy of item) {
        const copyName = String(member(copy, 'name'));
        tracer?.stack.push(copyName);
        out[copyName] = expandCopy(copy, env, tracer);
        tracer?.stack.pop();
      }
      continue;
    }
    let value = item as Value;
    if (mayChange(item)) {
      tracer?.stack.push(name);
      value = evalNode(item, object, name, env, tracer);
      tracer?.stack.pop();
    }
    if (out) out[name] = value;
    else if (value !== item) {
      out = copyBefore(object, name);
      out[name] = value;
    }
  }
  return out ?? (object as ValueObject);
}

/** A copy of the members of `object` that precede `stop`. */
function copyBefore(object: RawObject, stop: string): ValueObject {
  const out: ValueObject = {};
  for (const name in object) {
    if (name === stop) break;
    out[name] = object[name] as Value;
  }
  return out;
}

function evalString(text: string, parent: RawContainer, key: string | number, env: Env, tracer: Tracer | null): Value {
  const frame = env.frame;
  const parsed = parseCached(text);
  if (parsed instanceof ExpressionSyntaxError) {
    frame.sink.add('warning', frame.doc, parent, key, `invalid template expression: ${parsed.message}`);
    return unresolvedAt(text, frame.doc, parent, key);
  }
  // Templates repeat expressions (`[parameters('location')]`); a resolved context-free value is computed once.
  const reusable = parsed.contextFree && env.fnArgs === undefined;
  let value = reusable ? frame.values.get(text) : undefined;
  if (value === undefined) {
    const evaluation = new Evaluation(env, text, parent, key);
    try {
      value = evaluation.eval(parsed.expr);
      if (reusable && !containsUnresolved(value)) frame.values.set(text, value);
    } catch (error) {
      if (!(error instanceof EvalFailure)) throw error;
      frame.sink.add('warning', frame.doc, parent, key, `cannot evaluate ${text}: ${error.message}`);
      value = evaluation.unresolved();
    }
  }
  // A computed value originates where its expression is written, which the walk from the recorded container above
  // finds; only a bare reference points elsewhere (the parameter file, a default, a variable).
  if (tracer && parsed.expr.kind !== 'string' && parsed.expr.kind !== 'number') {
    const referenced = referenceTrace(parsed.expr, env);
    if (referenced) {
      const path = tracer.path();
      for (const entry of referenced) {
        tracer.entries.push({ ...entry, path: entry.path ? (path ? `${path}.${entry.path}` : entry.path) : path });
      }
    }
  }
  return value;
}

/**
 * For a bare reference (`[parameters('x')]`, `[variables('v').a[0]]`): the referenced slot's trace at and below
 * the accessed path (paths relative to it), so locations point at the parameter file / default / variable where
 * the value is written.
 */
function referenceTrace(expr: Expr, env: Env): TraceEntry[] | undefined {
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
  if (segments.length === 0) return resolved.trace.length > 0 ? resolved.trace : undefined;
  const entries = subTrace(resolved.trace, segments);
  return entries.length > 0 ? entries : undefined;
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
    const value = evalNode(fn.output[valueKey], fn.output, valueKey, { frame: this.env.frame, fnArgs, depth }, null);
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
  return evalNode(raw, parent, key, env, null);
}

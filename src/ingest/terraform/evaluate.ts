// Evaluates HCL expressions and bodies to values with provenance. Anything that cannot be known statically (a
// variable without a value, a computed attribute, a data source, a remote module) becomes an Unresolved carrying
// the expression text, so rules report "needs review" instead of guessing.
import { isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import { FUNCTIONS } from './functions.js';
import type { Block, Body, Expr, HclFile, TemplatePart } from './hcl.js';
import {
  type Ev,
  ExpressionError,
  entriesOf,
  equal,
  memberOrigin,
  type Origin,
  toBool,
  toNumber,
  toText,
  typeName,
} from './values.js';

/** What a module instance answers for the references in its expressions (implemented by ./module.ts). */
export interface Namespace {
  variable(name: string): Ev | undefined;
  local(name: string): Ev | undefined;
  /** A managed resource (`azurerm_x.y`) or data source value: an object, or a list/map of them for count/for_each. */
  resource(mode: 'managed' | 'data', type: string, name: string): Ev | undefined;
  /** The outputs of a module call as an object (a list/map of objects for count/for_each). */
  module(name: string): Ev | undefined;
  readonly modulePath: string;
  readonly rootPath: string;
}

/** A local name bound by a for expression, a dynamic block iterator or a template for directive. */
interface Binding {
  name: string;
  value: Ev;
  next?: Binding;
}

export interface Scope {
  file: HclFile;
  ns: Namespace;
  count?: Ev;
  each?: { key: Ev; value: Ev };
  bindings?: Binding;
  splatItem?: Ev;
}

/** Objects that stand for a resource instance: a missing attribute is computed by the provider, not an error. */
export const RESOURCE_OBJECTS = new WeakSet<ValueObject>();

/** Meta-arguments and blocks that are not resource settings. */
const META_ATTRIBUTES = new Set(['count', 'for_each', 'depends_on', 'provider']);
const META_BLOCKS = new Set(['lifecycle', 'provisioner', 'connection', 'precondition', 'postcondition']);

export function bind(scope: Scope, name: string, value: Ev): Scope {
  return { ...scope, bindings: { name, value, next: scope.bindings } };
}

function lookupBinding(scope: Scope, name: string): Ev | undefined {
  for (let b = scope.bindings; b; b = b.next) if (b.name === name) return b.value;
  return undefined;
}

function siteOf(scope: Scope, node: Expr | TemplatePart): Origin {
  return { at: scope.file.location(node) };
}

function unknownOf(scope: Scope, node: Expr, expression?: string): Ev {
  const origin = siteOf(scope, node);
  return { value: new Unresolved(expression ?? scope.file.source(node), origin.at), origin };
}

/** Evaluates an attribute expression; errors Terraform would report become an unknown value with the reason. */
export function evaluateAttribute(expr: Expr, scope: Scope): Ev {
  try {
    return evaluate(expr, scope);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return unknownOf(scope, expr, `${scope.file.source(expr)} (${error.message})`);
  }
}

export function evaluate(expr: Expr, scope: Scope): Ev {
  switch (expr.kind) {
    case 'literal':
      return { value: expr.value, origin: siteOf(scope, expr) };
    case 'template':
      return template(expr.parts, scope, expr);
    case 'paren':
      return evaluate(expr.expr, scope);
    case 'variable':
    case 'getattr':
    case 'index':
      return traversal(expr, scope);
    case 'splatItem':
      if (!scope.splatItem) throw new ExpressionError('splat item outside a splat');
      return scope.splatItem;
    case 'splat':
      return splat(expr, scope);
    case 'tuple': {
      const members = new Map<string, Origin>();
      const items = expr.items.map((item, i) => {
        const ev = evaluate(item, scope);
        if (ev.origin) members.set(String(i), ev.origin);
        return ev.value;
      });
      return { value: items, origin: { ...siteOf(scope, expr), members } };
    }
    case 'object': {
      const out: ValueObject = {};
      const members = new Map<string, Origin>();
      for (const item of expr.items) {
        const key = item.bareKey ? (item.key as { value: string }).value : evaluate(item.key, scope).value;
        if (key instanceof Unresolved) return { value: key, origin: siteOf(scope, expr) };
        const name = toText(key, 'object key');
        const ev = evaluate(item.value, scope);
        out[name] = ev.value;
        if (ev.origin) members.set(name, ev.origin);
      }
      return { value: out, origin: { ...siteOf(scope, expr), members } };
    }
    case 'conditional': {
      const test = evaluate(expr.test, scope);
      if (test.value instanceof Unresolved) {
        // Both branches agreeing decides the value anyway.
        const a = evaluateAttribute(expr.then, scope);
        const b = evaluateAttribute(expr.else, scope);
        if (!(a.value instanceof Unresolved) && equal(a.value, b.value)) return a;
        return { value: test.value, origin: siteOf(scope, expr) };
      }
      return toBool(test.value, 'condition') ? evaluate(expr.then, scope) : evaluate(expr.else, scope);
    }
    case 'unary': {
      const operand = evaluate(expr.operand, scope);
      if (operand.value instanceof Unresolved) return operand;
      const value = expr.op === '!' ? !toBool(operand.value) : -toNumber(operand.value);
      return { value, origin: siteOf(scope, expr) };
    }
    case 'binary':
      return binary(expr, scope);
    case 'call':
      return call(expr, scope);
    case 'for':
      return forExpr(expr, scope);
  }
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope): Ev {
  const left = evaluate(expr.left, scope);
  const origin = siteOf(scope, expr);
  if (expr.op === '&&' || expr.op === '||') {
    // A known left side can decide the result (false && x, true || x).
    if (!(left.value instanceof Unresolved)) {
      const l = toBool(left.value, 'left operand');
      if (expr.op === '&&' && !l) return { value: false, origin };
      if (expr.op === '||' && l) return { value: true, origin };
    }
    const right = evaluate(expr.right, scope);
    if (right.value instanceof Unresolved) return right;
    const r = toBool(right.value, 'right operand');
    if (left.value instanceof Unresolved) {
      if (expr.op === '&&' && !r) return { value: false, origin };
      if (expr.op === '||' && r) return { value: true, origin };
      return left;
    }
    return { value: r, origin };
  }
  const right = evaluate(expr.right, scope);
  if (left.value instanceof Unresolved) return left;
  if (right.value instanceof Unresolved) return right;
  const a = left.value;
  const b = right.value;
  switch (expr.op) {
    case '==':
      return { value: equal(a, b), origin };
    case '!=':
      return { value: !equal(a, b), origin };
    case '<':
      return { value: toNumber(a) < toNumber(b), origin };
    case '>':
      return { value: toNumber(a) > toNumber(b), origin };
    case '<=':
      return { value: toNumber(a) <= toNumber(b), origin };
    case '>=':
      return { value: toNumber(a) >= toNumber(b), origin };
    case '+':
      return { value: toNumber(a) + toNumber(b), origin };
    case '-':
      return { value: toNumber(a) - toNumber(b), origin };
    case '*':
      return { value: toNumber(a) * toNumber(b), origin };
    case '/':
      return { value: toNumber(a) / toNumber(b), origin };
    case '%':
      return { value: toNumber(a) % toNumber(b), origin };
  }
}

function template(parts: TemplatePart[], scope: Scope, node: Expr): Ev {
  // A template that is a single interpolation yields the value itself, not its string form.
  if (parts.length === 1 && parts[0].kind === 'interp') return evaluate(parts[0].expr, scope);
  const text = renderParts(parts, scope);
  if (text instanceof Unresolved) return { value: text, origin: siteOf(scope, node) };
  return { value: text, origin: siteOf(scope, node) };
}

function renderParts(parts: TemplatePart[], scope: Scope): string | Unresolved {
  let out = '';
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        out += part.value;
        break;
      case 'interp': {
        const value = evaluate(part.expr, scope).value;
        if (value instanceof Unresolved) return value;
        out += toText(value, 'interpolated value');
        break;
      }
      case 'if': {
        const test = evaluate(part.condition, scope).value;
        if (test instanceof Unresolved) return test;
        const chosen = toBool(test, 'template condition') ? part.then : (part.else ?? []);
        const text = renderParts(chosen, scope);
        if (text instanceof Unresolved) return text;
        out += text;
        break;
      }
      case 'for': {
        const collection = evaluate(part.collection, scope).value;
        if (collection instanceof Unresolved) return collection;
        for (const [key, value] of entriesOf(collection, 'template for collection')) {
          let inner = bind(scope, part.valueVar, { value });
          if (part.keyVar) inner = bind(inner, part.keyVar, { value: key });
          const text = renderParts(part.body, inner);
          if (text instanceof Unresolved) return text;
          out += text;
        }
        break;
      }
    }
  }
  return out;
}

type Step = { kind: 'attr'; name: string; node: Expr } | { kind: 'index'; key: Expr; node: Expr };

/** Splits `root.a[k].b` into the root variable and its steps. */
function flatten(expr: Expr): { root: Extract<Expr, { kind: 'variable' }>; steps: Step[] } | undefined {
  const steps: Step[] = [];
  let node = expr;
  for (;;) {
    if (node.kind === 'getattr') {
      steps.push({ kind: 'attr', name: node.name, node });
      node = node.target;
    } else if (node.kind === 'index') {
      steps.push({ kind: 'index', key: node.key, node });
      node = node.target;
    } else break;
  }
  if (node.kind !== 'variable') return undefined;
  steps.reverse();
  return { root: node, steps };
}

function attrName(step: Step | undefined): string | undefined {
  return step?.kind === 'attr' ? step.name : undefined;
}

function traversal(expr: Expr, scope: Scope): Ev {
  const flat = flatten(expr);
  if (!flat) {
    // A traversal rooted in another expression: (a).b, f(x)[0], [..][0].
    const target = (expr as { target: Expr }).target;
    const base = evaluate(target, scope);
    return step(
      base,
      expr.kind === 'getattr'
        ? { kind: 'attr', name: expr.name, node: expr }
        : { kind: 'index', key: (expr as { key: Expr }).key, node: expr },
      scope,
      expr,
    );
  }
  const { root, steps } = flat;
  const name = root.name;
  let base: Ev | undefined;
  let used = 0;
  // A reference to another resource originates here, not in that resource's block.
  let reference = false;
  const bound = lookupBinding(scope, name);
  if (bound) base = bound;
  else {
    switch (name) {
      case 'var':
      case 'local': {
        const member = attrName(steps[0]);
        if (!member) throw new ExpressionError(`${name} must be followed by a name`);
        used = 1;
        base = name === 'var' ? scope.ns.variable(member) : scope.ns.local(member);
        if (!base) throw new ExpressionError(`no ${name === 'var' ? 'variable' : 'local value'} named ${member}`);
        break;
      }
      case 'count': {
        if (attrName(steps[0]) !== 'index') throw new ExpressionError('count supports only count.index');
        if (!scope.count) throw new ExpressionError('count.index outside a resource with count');
        used = 1;
        base = scope.count;
        break;
      }
      case 'each': {
        const member = attrName(steps[0]);
        if (!scope.each) throw new ExpressionError('each outside a resource with for_each');
        if (member !== 'key' && member !== 'value')
          throw new ExpressionError('each supports only each.key and each.value');
        used = 1;
        base = scope.each[member];
        break;
      }
      case 'path': {
        const member = attrName(steps[0]);
        used = 1;
        const value =
          member === 'module'
            ? scope.ns.modulePath
            : member === 'root'
              ? scope.ns.rootPath
              : member === 'cwd'
                ? '.'
                : undefined;
        if (value === undefined) throw new ExpressionError(`unknown path.${member}`);
        base = { value, origin: siteOf(scope, root) };
        break;
      }
      case 'terraform': {
        used = 1;
        base = attrName(steps[0]) === 'workspace' ? { value: 'default', origin: siteOf(scope, root) } : undefined;
        if (!base) return unknownOf(scope, expr);
        break;
      }
      case 'self':
        return unknownOf(scope, expr);
      case 'module': {
        const member = attrName(steps[0]);
        if (!member) throw new ExpressionError('module must be followed by a module name');
        used = 1;
        base = scope.ns.module(member);
        if (!base) return unknownOf(scope, expr);
        break;
      }
      case 'data': {
        const type = attrName(steps[0]);
        const dataName = attrName(steps[1]);
        if (!type || !dataName) throw new ExpressionError('data must be followed by a type and a name');
        used = 2;
        reference = true;
        base = scope.ns.resource('data', type, dataName);
        if (!base) return unknownOf(scope, expr);
        break;
      }
      default: {
        const resourceName = attrName(steps[0]);
        if (!resourceName) throw new ExpressionError(`unknown variable ${name}`);
        used = 1;
        reference = true;
        base = scope.ns.resource('managed', name, resourceName);
        // A resource declared elsewhere (another configuration): its attributes are unknown here.
        if (!base) return unknownOf(scope, expr);
      }
    }
  }
  let current = base;
  for (let i = used; i < steps.length; i++) {
    current = step(current, steps[i], scope, expr);
    if (current.value instanceof Unresolved) return current;
  }
  return reference ? { value: current.value, origin: siteOf(scope, expr) } : current;
}

function step(base: Ev, op: Step, scope: Scope, whole: Expr): Ev {
  const value = base.value;
  if (value instanceof Unresolved) return base;
  let key: string | number;
  if (op.kind === 'attr') key = op.name;
  else {
    const k = evaluate(op.key, scope).value;
    if (k instanceof Unresolved) return { value: k, origin: base.origin };
    if (typeof k !== 'string' && typeof k !== 'number') throw new ExpressionError(`index is a ${typeName(k)}`);
    key = k;
  }
  if (Array.isArray(value)) {
    const index = typeof key === 'number' ? key : Number(key);
    if (!Number.isInteger(index)) throw new ExpressionError(`a list is indexed with ${JSON.stringify(key)}`);
    if (index < 0 || index >= value.length)
      throw new ExpressionError(`index ${index} out of range (length ${value.length})`);
    return { value: value[index], origin: memberOrigin(base.origin, index) };
  }
  if (isObject(value)) {
    const name = String(key);
    if (Object.hasOwn(value, name)) return { value: value[name], origin: memberOrigin(base.origin, name) };
    if (RESOURCE_OBJECTS.has(value)) {
      // Computed by the provider at apply time (principal_id, fqdn, ...).
      return unknownOf(scope, whole);
    }
    throw new ExpressionError(`no attribute or key ${JSON.stringify(name)}`);
  }
  if (value === null) throw new ExpressionError(`attribute ${JSON.stringify(String(key))} of a null value`);
  throw new ExpressionError(`a ${typeName(value)} has no attribute ${JSON.stringify(String(key))}`);
}

function splat(expr: Extract<Expr, { kind: 'splat' }>, scope: Scope): Ev {
  const target = evaluate(expr.target, scope);
  if (target.value instanceof Unresolved) return target;
  if (target.value === null) return { value: [], origin: siteOf(scope, expr) };
  // A splat on a single (non-list) value wraps it in a list.
  const items = Array.isArray(target.value) ? target.value : [target.value];
  const members = new Map<string, Origin>();
  const out = items.map((item, i) => {
    const ev = evaluate(expr.each, { ...scope, splatItem: { value: item, origin: memberOrigin(target.origin, i) } });
    if (ev.origin) members.set(String(i), ev.origin);
    return ev.value;
  });
  return { value: out, origin: { ...siteOf(scope, expr), members } };
}

function call(expr: Extract<Expr, { kind: 'call' }>, scope: Scope): Ev {
  const site = { name: expr.name, text: scope.file.source(expr), origin: siteOf(scope, expr) };
  if (expr.name === 'try') {
    for (const arg of expr.args) {
      try {
        return evaluate(arg, scope);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
      }
    }
    throw new ExpressionError('try(): no argument could be evaluated');
  }
  if (expr.name === 'can') {
    try {
      const ev = evaluate(expr.args[0], scope);
      if (ev.value instanceof Unresolved) return { value: ev.value, origin: site.origin };
      return { value: true, origin: site.origin };
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      return { value: false, origin: site.origin };
    }
  }
  const fn = FUNCTIONS[expr.name];
  if (!fn) return unknownOf(scope, expr, `${site.text} (function ${expr.name} is not evaluated by phiguard)`);
  let args = expr.args.map((arg) => evaluate(arg, scope));
  if (expr.expandFinal && args.length > 0) {
    const last = args[args.length - 1];
    if (last.value instanceof Unresolved) return { value: last.value, origin: site.origin };
    if (!Array.isArray(last.value)) throw new ExpressionError(`cannot expand a ${typeName(last.value)} into arguments`);
    const spread = last.value.map((value, i) => ({ value, origin: memberOrigin(last.origin, i) }));
    args = [...args.slice(0, -1), ...spread];
  }
  return fn(args, site);
}

function forExpr(expr: Extract<Expr, { kind: 'for' }>, scope: Scope): Ev {
  const collection = evaluate(expr.collection, scope);
  const origin = siteOf(scope, expr);
  if (collection.value instanceof Unresolved) return collection;
  const entries = entriesOf(collection.value, 'for expression collection');
  const members = new Map<string, Origin>();
  const isObjectResult = expr.key !== undefined;
  const list: Value[] = [];
  const object: ValueObject = {};
  for (const [key, value] of entries) {
    let inner = bind(scope, expr.valueVar, { value, origin: memberOrigin(collection.origin, String(key)) });
    if (expr.keyVar) inner = bind(inner, expr.keyVar, { value: key, origin });
    if (expr.condition) {
      const test = evaluate(expr.condition, inner).value;
      if (test instanceof Unresolved) return { value: test, origin };
      if (!toBool(test, 'for condition')) continue;
    }
    const result = evaluate(expr.value, inner);
    if (isObjectResult) {
      const k = evaluate(expr.key as Expr, inner).value;
      if (k instanceof Unresolved) return { value: k, origin };
      const name = toText(k, 'for key');
      if (expr.grouping) {
        if (!Array.isArray(object[name])) object[name] = [];
        (object[name] as Value[]).push(result.value);
      } else {
        if (Object.hasOwn(object, name))
          throw new ExpressionError(`duplicate key ${JSON.stringify(name)} in a for expression`);
        object[name] = result.value;
        if (result.origin) members.set(name, result.origin);
      }
    } else {
      if (result.origin) members.set(String(list.length), result.origin);
      list.push(result.value);
    }
  }
  return { value: isObjectResult ? object : list, origin: { ...origin, members } };
}

// ---------------------------------------------------------------- bodies

/**
 * Evaluates a resource (or nested block) body to the shape Terraform's JSON uses: attributes as values, nested
 * blocks as lists of objects (dynamic blocks expanded). Meta-arguments are left out.
 */
export function evaluateBody(body: Body, scope: Scope, meta = true): Ev {
  const out: ValueObject = {};
  const members = new Map<string, Origin>();
  for (const attr of body.attributes) {
    if (meta && META_ATTRIBUTES.has(attr.name)) continue;
    const ev = evaluateAttribute(attr.expr, scope);
    out[attr.name] = ev.value;
    // Where the value originates: the literal, or the tfvars line / variable default / local it came through.
    members.set(attr.name, ev.origin ?? { at: scope.file.location(attr.expr) });
  }
  for (const block of body.blocks) {
    if (meta && META_BLOCKS.has(block.type)) continue;
    if (block.type === 'dynamic') {
      const label = block.labels[0];
      if (!label) continue;
      const expanded = dynamicBlock(block, scope);
      if (expanded.value instanceof Unresolved) {
        out[label] = expanded.value;
        if (expanded.origin) members.set(label, expanded.origin);
        continue;
      }
      const existing = out[label];
      if (existing instanceof Unresolved) continue;
      if (!Array.isArray(existing)) out[label] = [];
      const list = out[label] as Value[];
      const listOrigin = blockListOrigin(members, label, scope, block);
      const offset = list.length;
      (expanded.value as Value[]).forEach((item, i) => {
        list.push(item);
        const o = expanded.origin?.members?.get(String(i));
        if (o) listOrigin.members?.set(String(offset + i), o);
      });
      continue;
    }
    const list = out[block.type];
    const ev = evaluateBody(block.body, scope, false);
    if (list instanceof Unresolved) continue;
    if (!Array.isArray(list)) out[block.type] = [];
    const items = out[block.type] as Value[];
    const listOrigin = blockListOrigin(members, block.type, scope, block);
    listOrigin.members?.set(String(items.length), {
      at: scope.file.location(block.start),
      members: ev.origin?.members,
    });
    items.push(ev.value);
  }
  return { value: out, origin: { at: scope.file.location(body.start), members } };
}

function blockListOrigin(members: Map<string, Origin>, name: string, scope: Scope, block: Block): Origin {
  let origin = members.get(name);
  if (!origin) {
    origin = { at: scope.file.location(block.start), members: new Map() };
    members.set(name, origin);
  }
  origin.members ??= new Map();
  return origin;
}

/** Expands `dynamic "x" { for_each, iterator, content {} }` into a list of block objects. */
function dynamicBlock(block: Block, scope: Scope): Ev {
  const label = block.labels[0];
  const forEachAttr = block.body.attributes.find((a) => a.name === 'for_each');
  const iteratorAttr = block.body.attributes.find((a) => a.name === 'iterator');
  const content = block.body.blocks.find((b) => b.type === 'content');
  const origin: Origin = { at: scope.file.location(block.start), members: new Map() };
  if (!forEachAttr || !content) return { value: [], origin };
  const collection = evaluateAttribute(forEachAttr.expr, scope);
  if (collection.value instanceof Unresolved) return { value: collection.value, origin };
  let iterator = label;
  if (iteratorAttr?.expr.kind === 'variable') iterator = iteratorAttr.expr.name;
  const items: Value[] = [];
  for (const [key, value] of entriesOf(collection.value, `dynamic "${label}" for_each`)) {
    const memberOf = memberOrigin(collection.origin, String(key));
    const iteration: ValueObject = { key, value };
    const inner = bind(scope, iterator, {
      value: iteration,
      origin: { at: origin.at, members: new Map(memberOf ? [['value', memberOf]] : []) },
    });
    const ev = evaluateBody(content.body, inner, false);
    origin.members?.set(String(items.length), { at: scope.file.location(content.start), members: ev.origin?.members });
    items.push(ev.value);
  }
  return { value: items, origin };
}

// Positions and text for editing Bicep in place: the expression an adapter location points at, the declaration of a
// resource, object properties, and values written in Bicep's own style.
import { isObject } from '../../core/path.js';
import { Unresolved, type Value } from '../../core/types.js';
import type { ArrayItem, Expr, ObjectItem, Program, ResourceDecl, Statement } from '../../ingest/bicep/ast.js';

export type ObjectExpr = Extract<Expr, { kind: 'object' }>;
export type PropertyItem = Extract<ObjectItem, { kind: 'property' }>;

export type Found =
  | { kind: 'expr'; expr: Expr }
  | { kind: 'property'; item: PropertyItem; object: ObjectExpr }
  | { kind: 'element'; item: Expr; array: Extract<Expr, { kind: 'array' }> };

/** The expression starting at `offset`, with the property or array element that holds it. */
export function exprAt(program: Program, offset: number): Found | undefined {
  for (const statement of program.statements) {
    if (offset < statement.start || offset > statement.end) continue;
    for (const expr of statementExprs(statement)) {
      const found = inExpr(expr, offset);
      if (found) return found;
    }
  }
  return undefined;
}

function statementExprs(statement: Statement): Expr[] {
  switch (statement.kind) {
    case 'param':
      return statement.value ? [statement.value] : [];
    case 'var':
    case 'output':
      return [statement.value];
    case 'resource':
    case 'module':
      return [statement.body];
    default:
      return [];
  }
}

function inExpr(expr: Expr, offset: number): Found | undefined {
  if (expr.start === offset) return { kind: 'expr', expr };
  if (offset < expr.start || offset > expr.end) return undefined;
  switch (expr.kind) {
    case 'object':
      for (const item of expr.items) {
        if (item.kind !== 'property') continue;
        if (item.value.start === offset) return { kind: 'property', item, object: expr };
        const inner = inExpr(item.value, offset);
        if (inner) return inner;
      }
      for (const resource of expr.resources) {
        const inner = inExpr(resource.body, offset);
        if (inner) return inner;
      }
      return undefined;
    case 'array':
      for (const item of expr.items) {
        if (item.kind === 'spread') continue;
        if (item.start === offset) return { kind: 'element', item, array: expr };
        const inner = inExpr(item, offset);
        if (inner) return inner;
      }
      return undefined;
    case 'if':
      return inExpr(expr.body, offset);
    case 'for':
      return inExpr(expr.body, offset);
    case 'paren':
      return inExpr(expr.inner, offset);
    default:
      return undefined;
  }
}

/** The innermost array element (an object) whose span holds `offset`: a loop instance's entry in the loop input. */
export function elementContaining(
  program: Program,
  offset: number,
): { item: Expr; array: Extract<Expr, { kind: 'array' }> } | undefined {
  let found: { item: Expr; array: Extract<Expr, { kind: 'array' }> } | undefined;
  const visit = (expr: Expr): void => {
    if (offset < expr.start || offset > expr.end) return;
    switch (expr.kind) {
      case 'array':
        for (const item of expr.items) {
          if (item.kind === 'spread') continue;
          if (item.kind === 'object' && item.start <= offset && offset < item.end) found = { item, array: expr };
          visit(item);
        }
        return;
      case 'object':
        for (const item of expr.items) if (item.kind === 'property') visit(item.value);
        for (const resource of expr.resources) visit(resource.body);
        return;
      case 'if':
      case 'for':
        visit(expr.body);
        return;
      case 'paren':
        visit(expr.inner);
        return;
      default:
        return;
    }
  };
  for (const statement of program.statements) for (const expr of statementExprs(statement)) visit(expr);
  return found;
}

/** Every resource declaration, nested ones (`resource blob 'blobServices'` inside a body) included. */
export function resourceDecls(program: Program): ResourceDecl[] {
  const out: ResourceDecl[] = [];
  const visit = (expr: Expr) => {
    const object = bodyObject(expr);
    if (!object) return;
    for (const nested of object.resources) {
      out.push(nested);
      visit(nested.body);
    }
  };
  for (const statement of program.statements)
    if (statement.kind === 'resource') {
      out.push(statement);
      visit(statement.body);
    }
  return out;
}

/** The object of a resource body: `{...}`, `if (c) {...}` or `[for x in xs: {...}]`. */
export function bodyObject(expr: Expr): ObjectExpr | undefined {
  if (expr.kind === 'object') return expr;
  if (expr.kind === 'if' || expr.kind === 'for') return bodyObject(expr.body);
  return undefined;
}

export function property(object: ObjectExpr, key: string): PropertyItem | undefined {
  const lower = key.toLowerCase();
  return object.items.find(
    (item): item is PropertyItem => item.kind === 'property' && item.key.toLowerCase() === lower,
  );
}

export function elements(expr: Expr): ArrayItem[] {
  return expr.kind === 'array' ? expr.items : [];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bicepString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\$\{/g, '\\${');
  return `'${escaped}'`;
}

/** A value as a Bicep expression; objects and arrays span lines at `indent` + `unit`. */
export function bicepValue(value: Value, indent: string, unit: string): string {
  if (value instanceof Unresolved) return value.expression;
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  const inner = indent + unit;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${inner}${bicepValue(item, inner, unit)}\n`).join('')}${indent}]`;
  }
  if (!isObject(value)) return 'null';
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((key) => `${inner}${bicepKey(key)}: ${bicepValue(value[key], inner, unit)}\n`).join('')}${indent}}`;
}

export function bicepKey(key: string): string {
  return IDENTIFIER.test(key) ? key : bicepString(key);
}

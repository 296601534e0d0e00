// Positions and text for editing HCL in place: the node an adapter location points at, the lines an attribute or
// block occupies, the file's indentation, and values written the way `terraform fmt` would.
import { isObject } from '../../core/path.js';
import { Unresolved, type Value } from '../../core/types.js';
import type { Attribute, Block, Body, Expr, HclFile } from '../../ingest/terraform/hcl.js';
import { lineSpan as textLineSpan } from '../text.js';

export type Found =
  | { kind: 'attribute'; attribute: Attribute; body: Body }
  | { kind: 'expr'; expr: Expr; container: Expr }
  | { kind: 'block'; block: Block; body: Body };

/** What starts at `offset`: an attribute's value, an element of a list/object, or a block. */
export function nodeAt(body: Body, offset: number): Found | undefined {
  for (const attribute of body.attributes) {
    if (attribute.expr.start === offset || attribute.start === offset) return { kind: 'attribute', attribute, body };
    if (attribute.expr.start < offset && offset < attribute.expr.end) {
      const inner = inExpr(attribute.expr, offset);
      if (inner) return inner;
    }
  }
  for (const block of body.blocks) {
    if (block.start === offset) return { kind: 'block', block, body };
    if (block.start < offset && offset < block.end) return nodeAt(block.body, offset);
  }
  return undefined;
}

function inExpr(expr: Expr, offset: number): Found | undefined {
  const children: Expr[] =
    expr.kind === 'tuple'
      ? expr.items
      : expr.kind === 'object'
        ? expr.items.map((item) => item.value)
        : expr.kind === 'paren'
          ? [expr.expr]
          : [];
  for (const child of children) {
    if (child.start === offset) return { kind: 'expr', expr: child, container: expr };
    if (child.start < offset && offset < child.end) return inExpr(child, offset);
  }
  return undefined;
}

export function topLevelBlockAt(file: HclFile, offset: number): Block | undefined {
  return file.body.blocks.find((block) => block.start === offset);
}

/** lineSpan with HCL's comments: `#` and `//`. */
export function lineSpan(text: string, start: number, end: number): { start: number; end: number } {
  return textLineSpan(text, start, end, /(?:#|\/\/).*/);
}

/** Removes a top-level block with its lines, and one blank line after it when a blank line also precedes it. */
export function blockRemovalSpan(text: string, block: Block): { start: number; end: number } {
  const span = lineSpan(text, block.start, block.end);
  const precededByBlank = span.start === 0 || text.slice(0, span.start).endsWith('\n\n');
  const blank = /^[ \t]*\n/.exec(text.slice(span.end));
  if (precededByBlank && blank) return { start: span.start, end: span.end + blank[0].length };
  // The last block of the file: its separating blank line goes with it.
  if (precededByBlank && span.start > 0 && text.slice(span.end).trim() === '')
    return { start: span.start - 1, end: span.end };
  return span;
}

/** A list element with the comma that separates it. */
export function elementRemovalSpan(text: string, tuple: Expr, element: Expr): { start: number; end: number } {
  if (tuple.kind !== 'tuple') return { start: element.start, end: element.end };
  const index = tuple.items.indexOf(element);
  const next = tuple.items[index + 1];
  if (next) return { start: element.start, end: next.start };
  const previous = tuple.items[index - 1];
  if (previous) {
    const comma = text.indexOf(',', previous.end);
    return { start: comma >= 0 && comma < element.start ? comma : previous.end, end: element.end };
  }
  return { start: element.start, end: element.end };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function hclString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\$\{/g, '$${')
    .replace(/%\{/g, '%%{');
  return `"${escaped}"`;
}

/** A value as an HCL expression; objects and lists of objects span lines at `indent` + `unit`. */
export function hclValue(value: Value, indent: string, unit: string): string {
  if (value instanceof Unresolved) return value.expression;
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.every((item) => !isObject(item) && !Array.isArray(item)))
      return `[${value.map((item) => hclValue(item, indent, unit)).join(', ')}]`;
    const inner = indent + unit;
    return `[\n${value.map((item) => `${inner}${hclValue(item, inner, unit)},\n`).join('')}${indent}]`;
  }
  const inner = indent + unit;
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  const width = Math.max(...keys.map((key) => hclKey(key).length));
  return `{\n${keys.map((key) => `${inner}${hclKey(key).padEnd(width)} = ${hclValue(value[key], inner, unit)}\n`).join('')}${indent}}`;
}

function hclKey(key: string): string {
  return IDENTIFIER.test(key) ? key : hclString(key);
}

/** `name = value` lines, `=` aligned as terraform fmt aligns consecutive attributes. */
export function attributeLines(entries: [string, Value][], indent: string, unit: string): string {
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  return entries.map(([name, value]) => `${indent}${name.padEnd(width)} = ${hclValue(value, indent, unit)}\n`).join('');
}

/** Where new attributes go in a body: after its last attribute line, or right after the opening brace line. */
export function attributeInsertionPoint(text: string, body: Body): number {
  const last = body.attributes[body.attributes.length - 1];
  const after = last ? last.end : body.start + 1;
  const eol = text.indexOf('\n', after);
  return eol < 0 || eol >= body.end ? body.end - 1 : eol + 1;
}

/** Where new blocks go: before the line of the body's closing brace. */
export function blockInsertionPoint(text: string, body: Body): number {
  const close = body.end - 1;
  return text.lastIndexOf('\n', close - 1) + 1;
}

/** A body written on one line (`network_rules { default_action = "Allow" }`) cannot take a second item. */
export function isOneLine(text: string, body: Body): boolean {
  return !text.slice(body.start, body.end).includes('\n');
}

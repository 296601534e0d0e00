// A hand-written parser for HCL2 native syntax (the Terraform language), producing a syntax tree whose nodes carry
// character offsets into the source. Line/column are derived on demand through a LineIndex, so positions cost one
// integer pair per node. Measured against @cdktf/hcl2json (no positions, ~1.3 MB/s) and tree-sitter (native/wasm
// build): see bench/w5-terraform.ts.
//
// Grammar: hashicorp/hcl hclsyntax/spec.md. Newlines end attributes and object-constructor items; they are ignored
// inside parentheses, brackets, template interpolations and for expressions, exactly as hclsyntax does.
import { InputError, LineIndex } from '../../core/errors.js';
import type { SourceLocation } from '../../core/types.js';

export interface Node {
  start: number;
  end: number;
}

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export type Expr =
  | (Node & { kind: 'literal'; value: string | number | boolean | null })
  | (Node & { kind: 'template'; parts: TemplatePart[] })
  | (Node & { kind: 'variable'; name: string })
  | (Node & { kind: 'getattr'; target: Expr; name: string })
  | (Node & { kind: 'index'; target: Expr; key: Expr })
  /** `target[*].rest` / `target.*.rest`: `each` is evaluated per element with `splatItem` bound to it. */
  | (Node & { kind: 'splat'; target: Expr; each: Expr })
  | (Node & { kind: 'splatItem' })
  | (Node & { kind: 'call'; name: string; args: Expr[]; expandFinal: boolean })
  | (Node & { kind: 'tuple'; items: Expr[] })
  | (Node & { kind: 'object'; items: ObjectItem[] })
  | (Node & { kind: 'conditional'; test: Expr; then: Expr; else: Expr })
  | (Node & { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr })
  | (Node & { kind: 'unary'; op: '!' | '-'; operand: Expr })
  | (Node & {
      kind: 'for';
      keyVar?: string;
      valueVar: string;
      collection: Expr;
      key?: Expr;
      value: Expr;
      condition?: Expr;
      grouping: boolean;
    })
  | (Node & { kind: 'paren'; expr: Expr });

export interface ObjectItem extends Node {
  key: Expr;
  /** `{ name = ... }`: a bare identifier key is the literal name, never a variable reference. */
  bareKey: boolean;
  value: Expr;
}

export type TemplatePart =
  | (Node & { kind: 'text'; value: string })
  | (Node & { kind: 'interp'; expr: Expr })
  | (Node & { kind: 'if'; condition: Expr; then: TemplatePart[]; else?: TemplatePart[] })
  | (Node & { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[] });

export interface Attribute extends Node {
  name: string;
  expr: Expr;
}

export interface Block extends Node {
  type: string;
  labels: string[];
  body: Body;
}

export interface Body extends Node {
  attributes: Attribute[];
  blocks: Block[];
}

/** A parsed file: the text is kept so expressions can be quoted in diagnostics and unresolved values. */
export class HclFile {
  #lines?: LineIndex;
  constructor(
    readonly file: string,
    readonly text: string,
    readonly body: Body,
  ) {}

  get lines(): LineIndex {
    this.#lines ??= new LineIndex(this.text);
    return this.#lines;
  }

  /** Shared per offset: every instance of a counted resource reuses the locations of its expressions. */
  #locations = new Map<number, SourceLocation>();

  location(node: Node | number): SourceLocation {
    const offset = typeof node === 'number' ? node : node.start;
    let location = this.#locations.get(offset);
    if (!location) {
      location = { file: this.file, ...this.lines.at(offset) };
      this.#locations.set(offset, location);
    }
    return location;
  }

  source(node: Node): string {
    return this.text.slice(node.start, node.end);
  }
}

export function attribute(body: Body, name: string): Attribute | undefined {
  for (const attr of body.attributes) if (attr.name === name) return attr;
  return undefined;
}

export function blocksOf(body: Body, type: string): Block[] {
  return body.blocks.filter((block) => block.type === type);
}

/** A syntax error at an offset; the module loader turns it into a located diagnostic. */
export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses a whole file; throws InputError with file:line:column on the first syntax error. */
export function parseHcl(file: string, text: string): HclFile {
  const result = parseHclRecovering(file, text);
  if (result.errors.length > 0) throw result.errors[0];
  return result.file;
}

/**
 * Parses a file, recovering at top-level block boundaries: a syntax error inside one block is reported and parsing
 * resumes at the next line that starts a top-level construct, so the rest of the module still loads.
 */
export function parseHclRecovering(file: string, text: string): { file: HclFile; errors: InputError[] } {
  const parser = new Parser(text);
  const errors: InputError[] = [];
  const body: Body = { start: 0, end: text.length, attributes: [], blocks: [] };
  const hcl = new HclFile(file, text, body);
  for (;;) {
    try {
      parser.parseBodyInto(body, false);
      break;
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      const at = hcl.location(Math.min(error.offset, text.length));
      errors.push(new InputError(`HCL syntax error: ${error.message}`, at));
      if (!parser.recover(error.offset)) break;
    }
  }
  return { file: hcl, errors };
}

/** Parses a standalone expression (tests, `-var` values). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.expressionOnly();
  return expr;
}

enum C {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Bang = 33,
  Quote = 34,
  Hash = 35,
  Dollar = 36,
  Percent = 37,
  Amp = 38,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  Question = 63,
  A = 65,
  Z = 90,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
  a = 97,
  e = 101,
  E = 69,
  z = 122,
  LBrace = 123,
  Pipe = 124,
  RBrace = 125,
  Tilde = 126,
}

const TOP_LEVEL = /\n(?=[A-Za-z_][\w-]*[ \t]*(?:"|\{|=|[A-Za-z_]))/g;
const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}-]/u;

function isIdStart(c: number): boolean {
  return (c >= C.a && c <= C.z) || (c >= C.A && c <= C.Z) || c === C.Underscore;
}

function isIdContinue(c: number): boolean {
  return isIdStart(c) || (c >= C.Zero && c <= C.Nine) || c === C.Minus;
}

function isDigit(c: number): boolean {
  return c >= C.Zero && c <= C.Nine;
}

const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

interface RawPart {
  kind: 'text' | 'interp' | 'directive';
  start: number;
  end: number;
  text?: string;
  expr?: Expr;
  /** Directive keyword and operands. */
  keyword?: 'if' | 'else' | 'endif' | 'for' | 'endfor';
  keyVar?: string;
  valueVar?: string;
  stripLeft?: boolean;
  stripRight?: boolean;
}

class Parser {
  pos = 0;
  /** true: newlines end the current construct (bodies, object items); false: they are whitespace. */
  private newlines = true;
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  // ---------------------------------------------------------------- errors and recovery

  private fail(message: string, offset = this.pos): never {
    throw new HclSyntaxError(message, offset);
  }

  private describe(): string {
    if (this.pos >= this.length) return 'end of file';
    const c = this.text.charCodeAt(this.pos);
    if (c === C.LF) return 'newline';
    return `'${this.text.slice(this.pos, this.pos + 1)}'`;
  }

  /** Moves to the next line that starts a top-level construct after `offset`; false at end of file. */
  recover(offset: number): boolean {
    TOP_LEVEL.lastIndex = Math.max(offset, this.pos);
    const match = TOP_LEVEL.exec(this.text);
    if (!match) return false;
    this.pos = match.index + 1;
    this.newlines = true;
    return true;
  }

  expressionOnly(): Expr {
    this.newlines = false;
    this.skip();
    const expr = this.expression();
    this.skip();
    if (this.pos < this.length) this.fail(`unexpected ${this.describe()} after expression`);
    return expr;
  }

  // ---------------------------------------------------------------- whitespace and comments

  /** Skips spaces and comments; newlines too unless they are significant (then stops at one). */
  private skip(): void {
    const text = this.text;
    while (this.pos < this.length) {
      const c = text.charCodeAt(this.pos);
      if (c === C.Space || c === C.Tab || c === C.CR) this.pos++;
      else if (c === C.LF) {
        if (this.newlines) return;
        this.pos++;
      } else if (c === C.Hash || (c === C.Slash && text.charCodeAt(this.pos + 1) === C.Slash)) {
        const eol = text.indexOf('\n', this.pos);
        this.pos = eol < 0 ? this.length : eol;
      } else if (c === C.Slash && text.charCodeAt(this.pos + 1) === C.Star) {
        const close = text.indexOf('*/', this.pos + 2);
        if (close < 0) this.fail('unterminated /* comment');
        this.pos = close + 2;
      } else return;
    }
  }

  /** Skips whitespace, comments and newlines. */
  private skipAll(): void {
    const saved = this.newlines;
    this.newlines = false;
    this.skip();
    this.newlines = saved;
  }

  private withNewlines<T>(significant: boolean, parse: () => T): T {
    const saved = this.newlines;
    this.newlines = significant;
    try {
      return parse();
    } finally {
      this.newlines = saved;
    }
  }

  private peek(offset = 0): number {
    return this.text.charCodeAt(this.pos + offset);
  }

  private expect(c: number, what: string): void {
    this.skip();
    if (this.peek() !== c) this.fail(`expected ${what}, found ${this.describe()}`);
    this.pos++;
  }

  private identifier(): string | undefined {
    const start = this.pos;
    const c = this.text.charCodeAt(start);
    if (isIdStart(c)) {
      let i = start + 1;
      while (i < this.length) {
        const d = this.text.charCodeAt(i);
        if (isIdContinue(d)) i++;
        else if (d > 127 && ID_CONTINUE.test(this.text[i])) i++;
        else break;
      }
      this.pos = i;
      return this.text.slice(start, i);
    }
    if (c > 127 && ID_START.test(this.text[start])) {
      this.pos++;
      while (this.pos < this.length) {
        const d = this.text.charCodeAt(this.pos);
        if (isIdContinue(d) || (d > 127 && ID_CONTINUE.test(this.text[this.pos]))) this.pos++;
        else break;
      }
      return this.text.slice(start, this.pos);
    }
    return undefined;
  }

  // ---------------------------------------------------------------- bodies

  /** Attributes and blocks until `}` (nested) or end of file (top level). */
  parseBodyInto(body: Body, nested: boolean): void {
    const saved = this.newlines;
    this.newlines = true;
    try {
      for (;;) {
        this.skipAll();
        if (this.pos >= this.length) {
          if (nested) this.fail('unclosed block: expected }');
          return;
        }
        const c = this.peek();
        if (c === C.RBrace) {
          if (!nested) this.fail("unexpected '}'");
          return;
        }
        const start = this.pos;
        const name = this.identifier();
        if (name === undefined) this.fail(`expected an attribute or block name, found ${this.describe()}`);
        this.skip();
        const next = this.peek();
        if (next === C.Eq && this.peek(1) !== C.Eq) {
          this.pos++;
          this.skip();
          const expr = this.expression();
          body.attributes.push({ name, expr, start, end: expr.end });
          this.endOfItem('attribute');
        } else {
          body.blocks.push(this.block(name, start));
          this.endOfItem('block');
        }
      }
    } finally {
      this.newlines = saved;
    }
  }

  private endOfItem(what: string): void {
    this.skip();
    if (this.pos >= this.length) return;
    const c = this.peek();
    if (c === C.LF || c === C.RBrace) return;
    this.fail(`expected a newline after the ${what}, found ${this.describe()}`);
  }

  private block(type: string, start: number): Block {
    const labels: string[] = [];
    for (;;) {
      this.skip();
      const c = this.peek();
      if (c === C.Quote) {
        const label = this.quoted();
        if (label.kind !== 'literal' || typeof label.value !== 'string') {
          this.fail('block labels cannot contain interpolations', label.start);
        }
        labels.push(label.value);
      } else if (c === C.LBrace) {
        break;
      } else {
        const label = this.identifier();
        if (label === undefined) this.fail(`expected a block label or {, found ${this.describe()}`);
        labels.push(label);
      }
    }
    const bodyStart = this.pos;
    this.pos++;
    const body: Body = { start: bodyStart, end: bodyStart, attributes: [], blocks: [] };
    this.parseBodyInto(body, true);
    this.pos++; // }
    body.end = this.pos;
    return { type, labels, body, start, end: this.pos };
  }

  // ---------------------------------------------------------------- expressions

  expression(): Expr {
    const test = this.binary(0);
    this.skip();
    if (this.peek() !== C.Question) return test;
    this.pos++;
    this.skip();
    const then = this.expression();
    this.expect(C.Colon, "':' of a conditional");
    this.skip();
    const otherwise = this.expression();
    return { kind: 'conditional', test, then, else: otherwise, start: test.start, end: otherwise.end };
  }

  private operator(): BinaryOp | undefined {
    const c = this.peek();
    const d = this.peek(1);
    switch (c) {
      case C.Pipe:
        return d === C.Pipe ? '||' : undefined;
      case C.Amp:
        return d === C.Amp ? '&&' : undefined;
      case C.Eq:
        return d === C.Eq ? '==' : undefined;
      case C.Bang:
        return d === C.Eq ? '!=' : undefined;
      case C.Lt:
        if (d === C.Lt) return undefined; // a heredoc
        return d === C.Eq ? '<=' : '<';
      case C.Gt:
        return d === C.Eq ? '>=' : '>';
      case C.Plus:
        return '+';
      case C.Minus:
        return '-';
      case C.Star:
        return '*';
      case C.Slash:
        return d === C.Slash || d === C.Star ? undefined : '/';
      case C.Percent:
        return d === C.LBrace ? undefined : '%';
      default:
        return undefined;
    }
  }

  private binary(minPrecedence: number): Expr {
    let left = this.unary();
    for (;;) {
      this.skip();
      const op = this.operator();
      if (!op) return left;
      const precedence = PRECEDENCE[op];
      if (precedence <= minPrecedence) return left;
      this.pos += op.length;
      this.skip();
      const right = this.binary(precedence);
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Expr {
    const c = this.peek();
    if (c === C.Bang || (c === C.Minus && !isDigit(this.peek(1)))) {
      const start = this.pos;
      this.pos++;
      this.skip();
      const operand = this.unary();
      return { kind: 'unary', op: c === C.Bang ? '!' : '-', operand, start, end: operand.end };
    }
    return this.postfix(this.primary());
  }

  private primary(): Expr {
    const start = this.pos;
    const c = this.peek();
    if (isDigit(c) || (c === C.Minus && isDigit(this.peek(1)))) return this.number();
    switch (c) {
      case C.Quote:
        return this.quoted();
      case C.Lt:
        if (this.peek(1) === C.Lt) return this.heredoc();
        break;
      case C.LBracket:
        return this.tuple();
      case C.LBrace:
        return this.object();
      case C.LParen: {
        this.pos++;
        const expr = this.withNewlines(false, () => {
          this.skip();
          const inner = this.expression();
          this.expect(C.RParen, "')'");
          return inner;
        });
        return { kind: 'paren', expr, start, end: this.pos };
      }
    }
    const name = this.identifier();
    if (name === undefined) {
      this.fail(
        this.pos >= this.length ? 'expected an expression, found end of file' : `unexpected ${this.describe()}`,
      );
    }
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', start, end: this.pos };
    if (name === 'null') return { kind: 'literal', value: null, start, end: this.pos };
    // Provider-defined functions: provider::<name>::<function>(...).
    let callee = name;
    while (this.peek() === C.Colon && this.peek(1) === C.Colon) {
      this.pos += 2;
      const part = this.identifier();
      if (part === undefined) this.fail('expected a function name after ::');
      callee += `::${part}`;
    }
    const save = this.pos;
    this.skip();
    if (this.peek() === C.LParen) return this.call(callee, start);
    this.pos = save;
    if (callee !== name) this.fail("expected '(' after a namespaced function name");
    return { kind: 'variable', name, start, end: this.pos };
  }

  private number(): Expr {
    const start = this.pos;
    if (this.peek() === C.Minus) this.pos++;
    while (isDigit(this.peek())) this.pos++;
    if (this.peek() === C.Dot && isDigit(this.peek(1))) {
      this.pos++;
      while (isDigit(this.peek())) this.pos++;
    }
    const e = this.peek();
    if (e === C.e || e === C.E) {
      const sign = this.peek(1);
      const digitAt = sign === C.Plus || sign === C.Minus ? 2 : 1;
      if (isDigit(this.peek(digitAt))) {
        this.pos += digitAt;
        while (isDigit(this.peek())) this.pos++;
      }
    }
    return { kind: 'literal', value: Number(this.text.slice(start, this.pos)), start, end: this.pos };
  }

  private call(name: string, start: number): Expr {
    this.pos++; // (
    return this.withNewlines(false, () => {
      const args: Expr[] = [];
      let expandFinal = false;
      this.skip();
      while (this.peek() !== C.RParen) {
        args.push(this.expression());
        this.skip();
        if (this.peek() === C.Dot && this.peek(1) === C.Dot && this.peek(2) === C.Dot) {
          this.pos += 3;
          expandFinal = true;
          this.skip();
        }
        if (this.peek() === C.Comma) {
          this.pos++;
          this.skip();
        } else if (this.peek() !== C.RParen) {
          this.fail(`expected ',' or ')' in the arguments of ${name}(), found ${this.describe()}`);
        }
      }
      this.pos++;
      return { kind: 'call', name, args, expandFinal, start, end: this.pos } satisfies Expr;
    });
  }

  private keyword(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text.charCodeAt(this.pos + word.length);
    if (isIdContinue(after)) return false;
    this.pos += word.length;
    return true;
  }

  private tuple(): Expr {
    const start = this.pos;
    this.pos++;
    return this.withNewlines(false, () => {
      this.skip();
      if (this.keyword('for')) return this.forExpr(start, false);
      const items: Expr[] = [];
      while (this.peek() !== C.RBracket) {
        items.push(this.expression());
        this.skip();
        if (this.peek() === C.Comma) {
          this.pos++;
          this.skip();
        } else if (this.peek() !== C.RBracket) {
          this.fail(`expected ',' or ']' in a tuple, found ${this.describe()}`);
        }
      }
      this.pos++;
      return { kind: 'tuple', items, start, end: this.pos } satisfies Expr;
    });
  }

  private forExpr(start: number, object: boolean): Expr {
    const close = object ? C.RBrace : C.RBracket;
    this.skip();
    const first = this.identifier();
    if (first === undefined) this.fail('expected a variable name after for');
    let keyVar: string | undefined;
    let valueVar = first;
    this.skip();
    if (this.peek() === C.Comma) {
      this.pos++;
      this.skip();
      const second = this.identifier();
      if (second === undefined) this.fail('expected a second variable name in for');
      keyVar = first;
      valueVar = second;
      this.skip();
    }
    if (!this.keyword('in')) this.fail(`expected 'in' in a for expression, found ${this.describe()}`);
    this.skip();
    const collection = this.expression();
    this.expect(C.Colon, "':' in a for expression");
    this.skip();
    let key: Expr | undefined;
    let value = this.expression();
    this.skip();
    if (object) {
      if (!(this.peek() === C.Eq && this.peek(1) === C.Gt)) this.fail("expected '=>' in an object for expression");
      this.pos += 2;
      this.skip();
      key = value;
      value = this.expression();
      this.skip();
    }
    let grouping = false;
    if (this.peek() === C.Dot && this.peek(1) === C.Dot && this.peek(2) === C.Dot) {
      this.pos += 3;
      grouping = true;
      this.skip();
    }
    let condition: Expr | undefined;
    if (this.keyword('if')) {
      this.skip();
      condition = this.expression();
      this.skip();
    }
    if (this.peek() !== close) this.fail(`expected '${object ? '}' : ']'}' to close the for expression`);
    this.pos++;
    return { kind: 'for', keyVar, valueVar, collection, key, value, condition, grouping, start, end: this.pos };
  }

  private object(): Expr {
    const start = this.pos;
    this.pos++;
    this.skipAll();
    if (this.keyword('for')) return this.withNewlines(false, () => this.forExpr(start, true));
    return this.withNewlines(true, () => {
      const items: ObjectItem[] = [];
      for (;;) {
        this.skipAll();
        if (this.peek() === C.RBrace) break;
        if (this.pos >= this.length) this.fail('unclosed object: expected }');
        const itemStart = this.pos;
        let key: Expr;
        let bareKey = false;
        const c = this.peek();
        if (isIdStart(c) || c > 127) {
          const save = this.pos;
          const name = this.identifier();
          this.skip();
          const next = this.peek();
          if (name !== undefined && (next === C.Eq || next === C.Colon) && this.peek(1) !== C.Eq) {
            key = { kind: 'literal', value: name, start: save, end: save + name.length };
            bareKey = true;
          } else {
            this.pos = save;
            key = this.withNewlines(false, () => this.expression());
          }
        } else {
          key = this.withNewlines(false, () => this.expression());
        }
        this.skip();
        const sep = this.peek();
        if (!((sep === C.Eq && this.peek(1) !== C.Eq) || sep === C.Colon)) {
          this.fail(`expected '=' or ':' after an object key, found ${this.describe()}`);
        }
        this.pos++;
        this.skip();
        const value = this.expression();
        items.push({ key, bareKey, value, start: itemStart, end: value.end });
        this.skip();
        const after = this.peek();
        if (after === C.Comma) this.pos++;
        else if (after !== C.LF && after !== C.RBrace) {
          this.fail(`expected ',', a newline or '}' after an object item, found ${this.describe()}`);
        }
      }
      this.pos++;
      return { kind: 'object', items, start, end: this.pos } satisfies Expr;
    });
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      const c = this.peek();
      if (c === C.Dot) {
        const next = this.peek(1);
        if (next === C.Dot) return target; // `...` (expansion / grouping)
        if (next === C.Star) {
          this.pos += 2;
          return this.splat(target, true);
        }
        if (isDigit(next)) {
          // Legacy index syntax: list.0.name
          this.pos++;
          const keyStart = this.pos;
          while (isDigit(this.peek())) this.pos++;
          const key: Expr = {
            kind: 'literal',
            value: Number(this.text.slice(keyStart, this.pos)),
            start: keyStart,
            end: this.pos,
          };
          target = { kind: 'index', target, key, start: target.start, end: this.pos };
          continue;
        }
        this.pos++;
        const name = this.identifier();
        if (name === undefined) this.fail(`expected an attribute name after '.', found ${this.describe()}`);
        target = { kind: 'getattr', target, name, start: target.start, end: this.pos };
      } else if (c === C.LBracket) {
        this.pos++;
        const splat = this.withNewlines(false, () => {
          this.skip();
          if (this.peek() === C.Star) {
            const save = this.pos;
            this.pos++;
            this.skip();
            if (this.peek() === C.RBracket) {
              this.pos++;
              return true;
            }
            this.pos = save;
          }
          return false;
        });
        if (splat) return this.splat(target, false);
        const key = this.withNewlines(false, () => {
          const inner = this.expression();
          this.expect(C.RBracket, "']'");
          return inner;
        });
        target = { kind: 'index', target, key, start: target.start, end: this.pos };
      } else return target;
    }
  }

  /** Operations after a splat apply to each element: attribute splats take only `.name`, full splats also `[i]`. */
  private splat(target: Expr, attributeOnly: boolean): Expr {
    const itemStart = this.pos;
    let each: Expr = { kind: 'splatItem', start: itemStart, end: itemStart };
    for (;;) {
      const c = this.peek();
      if (c === C.Dot && isIdStart(this.peek(1))) {
        this.pos++;
        const name = this.identifier() as string;
        each = { kind: 'getattr', target: each, name, start: itemStart, end: this.pos };
      } else if (c === C.Dot && isDigit(this.peek(1)) && !attributeOnly) {
        this.pos++;
        const keyStart = this.pos;
        while (isDigit(this.peek())) this.pos++;
        const key: Expr = {
          kind: 'literal',
          value: Number(this.text.slice(keyStart, this.pos)),
          start: keyStart,
          end: this.pos,
        };
        each = { kind: 'index', target: each, key, start: itemStart, end: this.pos };
      } else if (c === C.LBracket && !attributeOnly) {
        this.pos++;
        const key = this.withNewlines(false, () => {
          this.skip();
          const inner = this.expression();
          this.expect(C.RBracket, "']'");
          return inner;
        });
        each = { kind: 'index', target: each, key, start: itemStart, end: this.pos };
      } else break;
    }
    const splat: Expr = { kind: 'splat', target, each, start: target.start, end: this.pos };
    // A full splat's result can be indexed again (`a[*].b[0]` applies per element above; a following
    // attribute splat or plain traversal after it is rare and handled per element too).
    return splat;
  }

  // ---------------------------------------------------------------- templates

  private quoted(): Expr {
    const start = this.pos;
    this.pos++;
    const raw = this.withNewlines(false, () => this.templateParts(false, -1));
    const end = this.pos;
    return this.template(raw, start, end, undefined);
  }

  /**
   * Reads template parts up to the closing quote (quoted) or `limit` (heredoc content end). Escapes apply only to
   * quoted templates; `$${` and `%%{` are literal in both.
   */
  private templateParts(heredoc: boolean, limit: number): RawPart[] {
    const text = this.text;
    const parts: RawPart[] = [];
    let buffer = '';
    let textStart = this.pos;
    const flush = (end: number) => {
      if (buffer.length > 0 || end > textStart) parts.push({ kind: 'text', start: textStart, end, text: buffer });
      buffer = '';
    };
    const end = heredoc ? limit : this.length;
    while (this.pos < end) {
      const c = text.charCodeAt(this.pos);
      if (!heredoc && c === C.Quote) {
        flush(this.pos);
        this.pos++;
        return parts;
      }
      if (!heredoc && c === C.LF) this.fail('unterminated string: newline before the closing quote');
      if (!heredoc && c === C.Backslash) {
        buffer += this.escape();
        continue;
      }
      if ((c === C.Dollar || c === C.Percent) && text.charCodeAt(this.pos + 1) === C.LBrace) {
        flush(this.pos);
        parts.push(c === C.Dollar ? this.interpolation() : this.directive());
        textStart = this.pos;
        continue;
      }
      if (
        (c === C.Dollar || c === C.Percent) &&
        text.charCodeAt(this.pos + 1) === c &&
        text.charCodeAt(this.pos + 2) === C.LBrace
      ) {
        buffer += c === C.Dollar ? '${' : '%{';
        this.pos += 3;
        continue;
      }
      // Copy a run of plain characters at once.
      let run = this.pos + 1;
      while (run < end) {
        const d = text.charCodeAt(run);
        if (d === C.Dollar || d === C.Percent || (!heredoc && (d === C.Quote || d === C.Backslash || d === C.LF)))
          break;
        run++;
      }
      buffer += text.slice(this.pos, run);
      this.pos = run;
    }
    if (!heredoc) this.fail('unterminated string: expected a closing quote');
    flush(this.pos);
    return parts;
  }

  private escape(): string {
    const c = this.text.charCodeAt(this.pos + 1);
    this.pos += 2;
    switch (c) {
      case 110: // n
        return '\n';
      case 116: // t
        return '\t';
      case 114: // r
        return '\r';
      case C.Quote:
        return '"';
      case C.Backslash:
        return '\\';
      case 117: // u
      case 85: {
        // U
        const digits = c === 117 ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) this.fail('invalid unicode escape', this.pos - 2);
        this.pos += digits;
        return String.fromCodePoint(Number.parseInt(hex, 16));
      }
      default:
        return this.fail(`invalid escape sequence \\${String.fromCharCode(c)}`, this.pos - 2);
    }
  }

  private interpolation(): RawPart {
    const start = this.pos;
    this.pos += 2;
    return this.withNewlines(false, () => {
      let stripLeft = false;
      if (this.peek() === C.Tilde) {
        stripLeft = true;
        this.pos++;
      }
      this.skip();
      const expr = this.expression();
      this.skip();
      let stripRight = false;
      if (this.peek() === C.Tilde) {
        stripRight = true;
        this.pos++;
      }
      this.expect(C.RBrace, "'}' closing the interpolation");
      return { kind: 'interp', start, end: this.pos, expr, stripLeft, stripRight } satisfies RawPart;
    });
  }

  private directive(): RawPart {
    const start = this.pos;
    this.pos += 2;
    return this.withNewlines(false, () => {
      let stripLeft = false;
      if (this.peek() === C.Tilde) {
        stripLeft = true;
        this.pos++;
      }
      this.skip();
      const part: RawPart = { kind: 'directive', start, end: start, stripLeft };
      if (this.keyword('if')) {
        this.skip();
        part.keyword = 'if';
        part.expr = this.expression();
      } else if (this.keyword('else')) part.keyword = 'else';
      else if (this.keyword('endif')) part.keyword = 'endif';
      else if (this.keyword('endfor')) part.keyword = 'endfor';
      else if (this.keyword('for')) {
        this.skip();
        part.keyword = 'for';
        const first = this.identifier();
        if (first === undefined) this.fail('expected a variable name after %{ for');
        this.skip();
        if (this.peek() === C.Comma) {
          this.pos++;
          this.skip();
          const second = this.identifier();
          if (second === undefined) this.fail('expected a second variable name in %{ for');
          part.keyVar = first;
          part.valueVar = second;
        } else part.valueVar = first;
        this.skip();
        if (!this.keyword('in')) this.fail("expected 'in' in %{ for");
        this.skip();
        part.expr = this.expression();
      } else this.fail('expected if, else, endif, for or endfor in a template directive');
      this.skip();
      if (this.peek() === C.Tilde) {
        part.stripRight = true;
        this.pos++;
      }
      this.expect(C.RBrace, "'}' closing the template directive");
      part.end = this.pos;
      return part;
    });
  }

  /** Builds the template node: strip markers applied, directives nested; a lone text part becomes a literal. */
  private template(raw: RawPart[], start: number, end: number, indent: number | undefined): Expr {
    for (let i = 0; i < raw.length; i++) {
      const part = raw[i];
      if (part.kind === 'text') continue;
      if (part.stripLeft && i > 0 && raw[i - 1].kind === 'text') raw[i - 1].text = raw[i - 1].text?.trimEnd();
      if (part.stripRight && i + 1 < raw.length && raw[i + 1].kind === 'text') {
        raw[i + 1].text = raw[i + 1].text?.trimStart();
      }
    }
    if (indent !== undefined && indent > 0) {
      let lineStart = true;
      for (const part of raw) {
        if (part.kind !== 'text') {
          lineStart = false;
          continue;
        }
        part.text = dedent(part.text ?? '', indent, lineStart);
        lineStart = (part.text ?? '').endsWith('\n');
      }
    }
    let index = 0;
    const build = (stop: (keyword: RawPart['keyword']) => boolean): TemplatePart[] => {
      const out: TemplatePart[] = [];
      while (index < raw.length) {
        const part = raw[index];
        if (part.kind === 'directive' && stop(part.keyword)) return out;
        index++;
        if (part.kind === 'text') {
          if (part.text) out.push({ kind: 'text', value: part.text, start: part.start, end: part.end });
        } else if (part.kind === 'interp') {
          out.push({ kind: 'interp', expr: part.expr as Expr, start: part.start, end: part.end });
        } else if (part.keyword === 'if') {
          const then = build((k) => k === 'else' || k === 'endif');
          let otherwise: TemplatePart[] | undefined;
          if (raw[index]?.keyword === 'else') {
            index++;
            otherwise = build((k) => k === 'endif');
          }
          if (raw[index]?.keyword !== 'endif') this.fail('%{ if } without %{ endif }', part.start);
          index++;
          out.push({
            kind: 'if',
            condition: part.expr as Expr,
            then,
            else: otherwise,
            start: part.start,
            end: part.end,
          });
        } else if (part.keyword === 'for') {
          const body = build((k) => k === 'endfor');
          if (raw[index]?.keyword !== 'endfor') this.fail('%{ for } without %{ endfor }', part.start);
          index++;
          out.push({
            kind: 'for',
            keyVar: part.keyVar,
            valueVar: part.valueVar as string,
            collection: part.expr as Expr,
            body,
            start: part.start,
            end: part.end,
          });
        } else {
          this.fail(`unexpected %{ ${part.keyword} }`, part.start);
        }
      }
      return out;
    };
    const parts = build(() => false);
    if (parts.length === 0) return { kind: 'literal', value: '', start, end };
    if (parts.length === 1 && parts[0].kind === 'text') return { kind: 'literal', value: parts[0].value, start, end };
    return { kind: 'template', parts, start, end };
  }

  private heredoc(): Expr {
    const start = this.pos;
    this.pos += 2;
    let indented = false;
    if (this.peek() === C.Minus) {
      indented = true;
      this.pos++;
    }
    const marker = this.identifier();
    if (marker === undefined) this.fail('expected a heredoc marker after <<');
    const eol = this.text.indexOf('\n', this.pos);
    if (eol < 0 || this.text.slice(this.pos, eol).trim() !== '')
      this.fail('expected a newline after the heredoc marker');
    const contentStart = eol + 1;
    // The closing marker is alone on its line (leading whitespace allowed).
    let lineStart = contentStart;
    let contentEnd = -1;
    let closeEnd = -1;
    while (lineStart <= this.length) {
      let lineEnd = this.text.indexOf('\n', lineStart);
      if (lineEnd < 0) lineEnd = this.length;
      const line = this.text.slice(lineStart, lineEnd);
      if (line.trim() === marker) {
        contentEnd = lineStart;
        closeEnd = lineStart + line.length - (line.length - line.trimEnd().length);
        break;
      }
      if (lineEnd >= this.length) break;
      lineStart = lineEnd + 1;
    }
    if (contentEnd < 0) this.fail(`unterminated heredoc: no closing ${marker} line`, start);
    let indent: number | undefined;
    if (indented) {
      indent = Number.POSITIVE_INFINITY;
      for (const line of this.text.slice(contentStart, contentEnd).split('\n')) {
        if (line.trim() === '') continue;
        const width = line.length - line.trimStart().length;
        if (width < indent) indent = width;
      }
      if (!Number.isFinite(indent)) indent = 0;
    }
    this.pos = contentStart;
    const raw = this.withNewlines(false, () => this.templateParts(true, contentEnd));
    this.pos = closeEnd;
    return this.template(raw, start, closeEnd, indent);
  }
}

/** Removes up to `indent` leading whitespace characters from each line of a heredoc text segment. */
function dedent(text: string, indent: number, atLineStart: boolean): string {
  const lines = text.split('\n');
  return lines
    .map((line, i) => {
      if (i === 0 && !atLineStart) return line;
      let cut = 0;
      while (cut < indent && cut < line.length && (line[cut] === ' ' || line[cut] === '\t')) cut++;
      return line.slice(cut);
    })
    .join('\n');
}

// A recursive-descent parser for Bicep and .bicepparam files, as they are written in real repositories (Azure
// Verified Modules style). Types are parsed only as far as the evaluator needs them (nullability, `resource`
// types). Syntax errors are InputErrors at the offending token's file:line:column.
import { InputError } from '../../core/errors.js';
import type {
  ArrayItem,
  Decorator,
  Expr,
  ImportDecl,
  ObjectItem,
  Program,
  ResourceDecl,
  Statement,
  TypeInfo,
} from './ast.js';
import { Lexer, type Token } from './lexer.js';
import type { Source } from './source.js';

export type FileMode = 'bicep' | 'bicepparam';

export function parseBicep(source: Source, mode: FileMode = 'bicep'): Program {
  const tokens = new Lexer(source).tokenize();
  return new Parser(source, tokens, mode).program();
}

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['??'],
  ['||'],
  ['&&'],
  ['==', '!=', '=~', '!~'],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

function describe(token: Token): string {
  if (token.kind === 'eof') return 'end of file';
  if (token.kind === 'string') return 'a string';
  return `"${token.text}"`;
}

class Parser {
  private i = 0;
  /** Whether line breaks separate items here (statements, object/array items) or are ignored (inside `(...)`). */
  private readonly lineMode: boolean[] = [true];

  constructor(
    private readonly source: Source,
    private readonly tokens: Token[],
    private readonly mode: FileMode,
  ) {}

  // --- token helpers -------------------------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)];
  }

  private advance(): Token {
    const token = this.tokens[this.i];
    if (this.i < this.tokens.length - 1) this.i++;
    return token;
  }

  private previousEnd(): number {
    return this.tokens[Math.max(this.i - 1, 0)].end;
  }

  private isPunct(text: string, token = this.peek()): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private isWord(word: string, token = this.peek()): boolean {
    return token.kind === 'ident' && token.text === word;
  }

  private eat(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.advance();
    return true;
  }

  private fail(message: string, token = this.peek()): never {
    throw new InputError(message, this.source.location(token.start), 'Bicep syntax error');
  }

  private expect(text: string, what?: string): Token {
    if (!this.isPunct(text))
      this.fail(`expected "${text}"${what ? ` ${what}` : ''} but found ${describe(this.peek())}`);
    return this.advance();
  }

  private identifier(what: string): Token {
    const token = this.peek();
    if (token.kind !== 'ident') this.fail(`expected ${what} but found ${describe(token)}`);
    return this.advance();
  }

  private stringLiteral(what: string): { value: string; start: number } {
    const token = this.peek();
    if (token.kind !== 'string') this.fail(`expected ${what} (a string) but found ${describe(token)}`);
    if ((token.exprs?.length ?? 0) > 0) this.fail(`${what} cannot use string interpolation`);
    this.advance();
    return { value: token.parts?.[0] ?? '', start: token.start };
  }

  /** A line break before the current token ends the construct being parsed (outside parentheses). */
  private atLineBreak(): boolean {
    return this.peek().nl && this.lineMode[this.lineMode.length - 1];
  }

  private within<T>(lineSensitive: boolean, parse: () => T): T {
    this.lineMode.push(lineSensitive);
    try {
      return parse();
    } finally {
      this.lineMode.pop();
    }
  }

  // --- statements ----------------------------------------------------------------------------------------------

  program(): Program {
    const statements: Statement[] = [];
    while (this.peek().kind !== 'eof') {
      if (!this.peek().nl) this.fail(`expected a new line before ${describe(this.peek())}`);
      statements.push(this.statement());
    }
    return { statements };
  }

  private decorators(): Decorator[] {
    const decorators: Decorator[] = [];
    while (this.isPunct('@')) {
      const start = this.advance().start;
      let name = this.identifier('a decorator name').text;
      while (this.isPunct('.') && !this.peek().nl) {
        this.advance();
        name = this.identifier('a decorator name').text;
      }
      const args = this.isPunct('(') ? this.callArguments() : [];
      decorators.push({ name: name.toLowerCase(), args, start, end: this.previousEnd() });
    }
    return decorators;
  }

  private statement(): Statement {
    const decorators = this.decorators();
    const keyword = this.peek();
    if (keyword.kind !== 'ident') {
      this.fail(`expected a declaration (param, var, resource, module, output...) but found ${describe(keyword)}`);
    }
    const start = decorators[0]?.start ?? keyword.start;
    switch (keyword.text) {
      case 'targetScope': {
        this.advance();
        this.expect('=');
        const value = this.expression();
        return { kind: 'targetScope', value, start, end: value.end };
      }
      case 'metadata': {
        this.advance();
        this.identifier('a metadata name');
        this.expect('=');
        const value = this.expression();
        return { kind: 'metadata', start, end: value.end };
      }
      case 'param':
        return this.param(decorators, start);
      case 'var': {
        this.advance();
        const name = this.identifier('a variable name');
        // Typed variables (`var x string = ...`, Bicep 0.30+).
        if (!this.isPunct('=')) this.type();
        this.expect('=');
        const value = this.expression();
        return { kind: 'var', decorators, name: name.text, nameStart: name.start, value, start, end: value.end };
      }
      case 'resource':
        return this.resource(decorators, start);
      case 'module': {
        this.advance();
        const name = this.identifier('a module name');
        const path = this.stringLiteral('a module path');
        this.expect('=');
        const body = this.body();
        return {
          kind: 'module',
          decorators,
          name: name.text,
          nameStart: name.start,
          path: path.value,
          pathStart: path.start,
          body,
          start,
          end: body.end,
        };
      }
      case 'output': {
        this.advance();
        const name = this.identifier('an output name');
        const type = this.isPunct('=') ? undefined : this.type();
        this.expect('=');
        const value = this.expression();
        return {
          kind: 'output',
          decorators,
          name: name.text,
          nameStart: name.start,
          type,
          value,
          start,
          end: value.end,
        };
      }
      case 'type': {
        this.advance();
        const name = this.identifier('a type name');
        this.expect('=');
        const type = this.type();
        return { kind: 'type', decorators, name: name.text, nameStart: name.start, start, end: type.end };
      }
      case 'func':
        return this.func(decorators, start);
      case 'import':
        return this.import(start);
      case 'provider':
      case 'extension': {
        this.advance();
        this.restOfLine();
        return { kind: 'extension', start, end: this.previousEnd() };
      }
      case 'using':
      case 'extends': {
        this.advance();
        if (keyword.text === 'using' && this.isWord('none')) {
          const none = this.advance();
          return { kind: 'using', pathStart: none.start, start, end: none.end };
        }
        const path = this.stringLiteral(`a ${keyword.text} path`);
        // `using '...' with { mode: 'stack' ... }`: deployment options, not parameter values.
        if (this.isWord('with')) this.restOfLine();
        return { kind: keyword.text, path: path.value, pathStart: path.start, start, end: this.previousEnd() };
      }
      case 'assert': {
        this.advance();
        this.identifier('an assertion name');
        this.expect('=');
        const value = this.expression();
        return { kind: 'assert', start, end: value.end };
      }
      default:
        return this.fail(
          `expected a declaration (param, var, resource, module, output...) but found ${describe(keyword)}`,
        );
    }
  }

  /** Skips the remaining tokens of the statement (extension declarations, whose options do not matter here). */
  private restOfLine(): void {
    let depth = 0;
    while (this.peek().kind !== 'eof' && (depth > 0 || !this.peek().nl)) {
      const token = this.advance();
      if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
      if (token.kind === 'punct' && ')]}'.includes(token.text)) depth--;
    }
  }

  private param(decorators: Decorator[], start: number): Statement {
    this.advance();
    const name = this.identifier('a parameter name');
    const type = this.mode === 'bicepparam' || this.isPunct('=') ? undefined : this.type();
    let value: Expr | undefined;
    if (this.eat('=')) value = this.expression();
    else if (this.mode === 'bicepparam') this.fail(`expected "=" after parameter '${name.text}'`);
    return {
      kind: 'param',
      decorators,
      name: name.text,
      nameStart: name.start,
      type,
      value,
      start,
      end: this.previousEnd(),
    };
  }

  private resource(decorators: Decorator[], start: number): ResourceDecl {
    this.advance();
    const name = this.identifier('a resource symbolic name');
    const type = this.stringLiteral('a resource type');
    const existing = this.isWord('existing');
    if (existing) this.advance();
    this.expect('=');
    const body = this.body();
    return {
      kind: 'resource',
      decorators,
      name: name.text,
      nameStart: name.start,
      type: type.value,
      typeStart: type.start,
      existing,
      body,
      start,
      end: body.end,
    };
  }

  /** A resource or module body: an object, `if (cond) {...}`, or a `[for ...]` loop. */
  private body(): Expr {
    if (this.isWord('if')) return this.conditional();
    return this.expression();
  }

  private conditional(): Expr {
    const start = this.advance().start;
    this.expect('(', 'after "if"');
    const condition = this.within(false, () => this.expression());
    this.expect(')');
    if (!this.isPunct('{')) this.fail(`expected "{" after the condition but found ${describe(this.peek())}`);
    const body = this.primary();
    return { kind: 'if', condition, body, start, end: body.end };
  }

  private func(decorators: Decorator[], start: number): Statement {
    this.advance();
    const name = this.identifier('a function name');
    this.expect('(');
    const params: string[] = [];
    this.within(false, () => {
      while (!this.isPunct(')')) {
        params.push(this.identifier('a function parameter name').text);
        this.type();
        if (!this.eat(',')) break;
      }
    });
    this.expect(')');
    this.type();
    this.expect('=>');
    const body = this.expression();
    return { kind: 'func', decorators, name: name.text, nameStart: name.start, params, body, start, end: body.end };
  }

  private import(start: number): ImportDecl {
    this.advance();
    const names: { name: string; local: string }[] = [];
    let namespace: string | undefined;
    if (this.peek().kind === 'string') {
      // `import 'az@1.0.0' [with {...}] [as alias]`: an extension, not a file.
      this.restOfLine();
      return { kind: 'import', names, fromStart: start, start, end: this.previousEnd() };
    }
    if (this.eat('*')) {
      if (!this.isWord('as')) this.fail(`expected "as" after "import *" but found ${describe(this.peek())}`);
      this.advance();
      namespace = this.identifier('a namespace name').text;
    } else {
      this.expect('{', 'or "*" after "import"');
      this.within(false, () => {
        while (!this.isPunct('}')) {
          const name =
            this.peek().kind === 'string'
              ? this.stringLiteral('an imported name').value
              : this.identifier('an imported name').text;
          let local = name;
          if (this.isWord('as')) {
            this.advance();
            local = this.identifier('an alias').text;
          }
          names.push({ name, local });
          if (!this.eat(',')) break;
        }
      });
      this.expect('}');
    }
    if (!this.isWord('from')) this.fail(`expected "from" but found ${describe(this.peek())}`);
    this.advance();
    const from = this.stringLiteral('an import path');
    return {
      kind: 'import',
      names,
      namespace,
      from: from.value,
      fromStart: from.start,
      start,
      end: this.previousEnd(),
    };
  }

  // --- types ---------------------------------------------------------------------------------------------------

  type(): TypeInfo {
    const start = this.peek().start;
    if (this.isWord('resource') && this.peek(1).kind === 'string') {
      this.advance();
      const type = this.stringLiteral('a resource type');
      const nullable = this.eat('?');
      return { nullable, resourceType: type.value, start, end: this.previousEnd() };
    }
    let nullable = false;
    this.eat('|');
    for (;;) {
      if (this.typeMember()) nullable = true;
      // Union members may continue on the next line after (or before) the `|`.
      if (!this.eat('|')) break;
    }
    return { nullable, start, end: this.previousEnd() };
  }

  /** One union member with its suffixes; true when it admits null. */
  private typeMember(): boolean {
    let nullable = this.typeAtom();
    for (;;) {
      const token = this.peek();
      if (token.nl) break;
      if (this.isPunct('?')) {
        this.advance();
        nullable = true;
      } else if (this.isPunct('[')) {
        this.advance();
        if (!this.isPunct(']')) this.advance(); // `[*]`, `[0]`, `['key']` type accessors
        this.expect(']');
      } else if (this.isPunct('.') || this.isPunct('::')) {
        this.advance();
        if (!this.eat('*')) this.identifier('a type member');
      } else {
        break;
      }
    }
    return nullable;
  }

  private typeAtom(): boolean {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.advance();
      return false;
    }
    if (this.isPunct('-')) {
      this.advance();
      if (this.peek().kind !== 'number') this.fail(`expected a number but found ${describe(this.peek())}`);
      this.advance();
      return false;
    }
    if (this.isPunct('(')) {
      this.advance();
      const inner = this.within(false, () => this.type());
      this.expect(')');
      return inner.nullable;
    }
    if (this.isPunct('{')) {
      this.objectType();
      return false;
    }
    if (this.isPunct('[')) {
      this.advance();
      this.within(true, () => {
        while (!this.isPunct(']')) {
          this.decorators();
          this.type();
          if (!this.eat(',') && !this.isPunct(']') && !this.peek().nl) {
            this.fail(`expected "," or a new line but found ${describe(this.peek())}`);
          }
        }
      });
      this.expect(']');
      return false;
    }
    if (token.kind === 'ident') {
      this.advance();
      if (this.isPunct('<') && !this.peek().nl) this.typeArguments();
      return token.text === 'null';
    }
    return this.fail(`expected a type but found ${describe(token)}`);
  }

  private typeArguments(): void {
    this.expect('<');
    this.within(false, () => {
      while (!this.isPunct('>')) {
        this.type();
        if (!this.eat(',')) break;
      }
    });
    this.expect('>');
  }

  private objectType(): void {
    this.expect('{');
    this.within(true, () => {
      while (!this.isPunct('}')) {
        this.decorators();
        const key = this.peek();
        if (key.kind === 'ident' || key.kind === 'string') this.advance();
        else this.expect('*', 'or a property name');
        this.eat('?');
        this.expect(':');
        this.type();
        this.separator('}');
      }
    });
    this.expect('}');
  }

  // --- expressions ---------------------------------------------------------------------------------------------

  expression(): Expr {
    const condition = this.binary(0);
    if (!this.isPunct('?')) return condition;
    this.advance();
    const then = this.expression();
    this.expect(':', 'in a conditional expression');
    const otherwise = this.expression();
    return { kind: 'ternary', condition, then, else: otherwise, start: condition.start, end: otherwise.end };
  }

  private binary(level: number): Expr {
    if (level >= BINARY_LEVELS.length) return this.unary();
    const operators = BINARY_LEVELS[level];
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct' || !operators.includes(token.text)) return left;
      // `-` at the start of a line begins the next array item, not a subtraction.
      if (token.text === '-' && this.atLineBreak()) return left;
      this.advance();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: token.text, left, right, start: left.start, end: right.end };
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (this.isPunct('!') || this.isPunct('-')) {
      this.advance();
      const operand = this.unary();
      // A negative literal is a literal (`-1`), as Bicep emits it.
      if (token.text === '-' && operand.kind === 'number') {
        return { kind: 'number', value: -operand.value, start: token.start, end: operand.end };
      }
      return { kind: 'unary', op: token.text as '!' | '-', operand, start: token.start, end: operand.end };
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expr): Expr {
    let expr = target;
    for (;;) {
      const token = this.peek();
      // Accessors bind to the previous line only outside line-sensitive contexts.
      if (token.kind !== 'punct' || this.atLineBreak()) return expr;
      if (token.text === '.') {
        this.advance();
        const safe = this.isPunct('?') && this.peek().start === token.end;
        if (safe) this.advance();
        const name = this.identifier('a property name');
        if (this.isPunct('(') && !this.peek().nl) {
          const args = this.callArguments();
          expr = { kind: 'call', name: name.text, target: expr, args, start: expr.start, end: this.previousEnd() };
        } else {
          expr = { kind: 'member', target: expr, name: name.text, safe, start: expr.start, end: name.end };
        }
      } else if (token.text === '[') {
        this.advance();
        const safe = this.eat('?');
        const index = this.within(false, () => this.expression());
        const close = this.expect(']');
        expr = { kind: 'index', target: expr, index, safe, start: expr.start, end: close.end };
      } else if (token.text === '::') {
        this.advance();
        const name = this.identifier('a nested resource name');
        expr = { kind: 'child', target: expr, name: name.text, start: expr.start, end: name.end };
      } else if (token.text === '!' && !token.nl) {
        // Null-forgiving `x!` (a following `!x` on the same line is not valid Bicep, so this is unambiguous).
        this.advance();
        expr = { kind: 'nonNull', target: expr, start: expr.start, end: token.end };
      } else {
        return expr;
      }
    }
  }

  private callArguments(): Expr[] {
    this.expect('(');
    const args = this.within(false, () => {
      const list: Expr[] = [];
      while (!this.isPunct(')')) {
        list.push(this.expression());
        if (!this.eat(',')) break;
      }
      return list;
    });
    this.expect(')', 'to close the argument list');
    return args;
  }

  private primary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.advance();
        return this.stringExpr(token);
      case 'number':
        this.advance();
        return { kind: 'number', value: Number(token.text), start: token.start, end: token.end };
      case 'ident':
        return this.identifierExpr();
      case 'punct':
        if (token.text === '(') return this.parenthesized();
        if (token.text === '{') return this.object();
        if (token.text === '[') return this.array();
        break;
      case 'eof':
        break;
    }
    return this.fail(`expected an expression but found ${describe(token)}`);
  }

  private stringExpr(token: Token): Expr {
    const parts = token.parts ?? [''];
    const groups = token.exprs ?? [];
    if (groups.length === 0) return { kind: 'string', value: parts[0], start: token.start, end: token.end };
    const exprs = groups.map((tokens) => {
      const parser = new Parser(this.source, tokens, this.mode);
      parser.lineMode[0] = false;
      const expr = parser.expression();
      if (parser.peek().kind !== 'eof') parser.fail(`expected "}" but found ${describe(parser.peek())}`);
      return expr;
    });
    return { kind: 'interp', parts, exprs, start: token.start, end: token.end };
  }

  private identifierExpr(): Expr {
    const token = this.advance();
    if (this.isPunct('=>')) {
      this.advance();
      const body = this.expression();
      return { kind: 'lambda', params: [token.text], body, start: token.start, end: body.end };
    }
    switch (token.text) {
      case 'true':
      case 'false':
        return { kind: 'bool', value: token.text === 'true', start: token.start, end: token.end };
      case 'null':
        return { kind: 'null', start: token.start, end: token.end };
    }
    if (this.isPunct('(') && !this.peek().nl) {
      const args = this.callArguments();
      return { kind: 'call', name: token.text, args, start: token.start, end: this.previousEnd() };
    }
    return { kind: 'ident', name: token.text, start: token.start, end: token.end };
  }

  /** `(expr)` or a lambda's parameter list `(a, b) => ...`. */
  private parenthesized(): Expr {
    const open = this.peek();
    let ahead = 1;
    let lambda = false;
    for (;;) {
      const token = this.peek(ahead);
      if (this.isPunct(')', token)) {
        lambda = this.isPunct('=>', this.peek(ahead + 1));
        break;
      }
      if (token.kind !== 'ident') break;
      const after = this.peek(ahead + 1);
      if (this.isPunct(',', after)) ahead += 2;
      else if (this.isPunct(')', after)) ahead += 1;
      else break;
    }
    this.advance();
    if (lambda) {
      const params: string[] = [];
      while (!this.isPunct(')')) {
        params.push(this.identifier('a lambda parameter').text);
        this.eat(',');
      }
      this.expect(')');
      this.expect('=>');
      const body = this.expression();
      return { kind: 'lambda', params, body, start: open.start, end: body.end };
    }
    const inner = this.within(false, () => this.expression());
    const close = this.expect(')');
    return { kind: 'paren', inner, start: open.start, end: close.end };
  }

  private unclosed(close: string, open: Token): never {
    const { line, column } = this.source.location(open.start);
    return this.fail(`expected "${close}" to close the "${open.text}" at ${line}:${column} but found end of file`);
  }

  /** After an item: a comma, a line break, or the closing bracket. */
  private separator(close: string): void {
    if (this.eat(',')) return;
    if (this.isPunct(close) || this.peek().nl) return;
    this.fail(`expected "," or a new line but found ${describe(this.peek())}`);
  }

  private object(): Expr {
    const open = this.expect('{');
    const items: ObjectItem[] = [];
    const resources: ResourceDecl[] = [];
    this.within(true, () => {
      while (!this.isPunct('}')) {
        const token = this.peek();
        if (token.kind === 'eof') this.unclosed('}', open);
        if (this.isPunct('@') || (this.isWord('resource') && this.peek(1).kind === 'ident')) {
          // A nested child resource declaration inside a resource body.
          const decorators = this.decorators();
          if (!this.isWord('resource'))
            this.fail(`expected a nested resource after decorators but found ${describe(this.peek())}`);
          resources.push(this.resource(decorators, decorators[0]?.start ?? this.peek().start));
        } else if (this.isPunct('...')) {
          this.advance();
          const value = this.expression();
          items.push({ kind: 'spread', value, start: token.start, end: value.end });
        } else {
          let key: string;
          let keyExpr: Expr | undefined;
          if (token.kind === 'ident') {
            key = this.advance().text;
          } else if (token.kind === 'string') {
            this.advance();
            const expr = this.stringExpr(token);
            if (expr.kind === 'string') key = expr.value;
            else {
              key = token.text;
              keyExpr = expr;
            }
          } else {
            this.fail(`expected a property name but found ${describe(token)}`);
          }
          this.expect(':', `after property '${key}'`);
          const value = this.expression();
          items.push({
            kind: 'property',
            key,
            keyExpr,
            keyStart: token.start,
            value,
            start: token.start,
            end: value.end,
          });
        }
        this.separator('}');
      }
    });
    const close = this.expect('}');
    return { kind: 'object', items, resources, start: open.start, end: close.end };
  }

  private array(): Expr {
    const open = this.expect('[');
    if (this.isWord('for') && (this.peek(1).kind === 'ident' || this.isPunct('(', this.peek(1)))) {
      return this.forExpr(open);
    }
    const items: ArrayItem[] = [];
    this.within(true, () => {
      while (!this.isPunct(']')) {
        const token = this.peek();
        if (token.kind === 'eof') this.unclosed(']', open);
        if (this.isPunct('...')) {
          this.advance();
          const value = this.expression();
          items.push({ kind: 'spread', value, start: token.start, end: value.end });
        } else {
          items.push(this.expression());
        }
        this.separator(']');
      }
    });
    const close = this.expect(']');
    return { kind: 'array', items, start: open.start, end: close.end };
  }

  private forExpr(open: Token): Expr {
    this.advance();
    let item: string | undefined;
    let index: string | undefined;
    if (this.eat('(')) {
      item = this.identifier('a loop variable').text;
      this.expect(',');
      index = this.identifier('a loop index').text;
      this.expect(')');
    } else {
      item = this.identifier('a loop variable').text;
    }
    if (!this.isWord('in')) this.fail(`expected "in" but found ${describe(this.peek())}`);
    this.advance();
    const { iterable, condition, body } = this.within(false, () => {
      const iterable = this.expression();
      this.expect(':', 'after the loop source');
      if (this.isWord('if')) {
        const conditional = this.conditional();
        if (conditional.kind !== 'if') throw new Error('unreachable');
        return { iterable, condition: conditional.condition, body: conditional.body };
      }
      return { iterable, condition: undefined, body: this.within(true, () => this.expression()) };
    });
    const close = this.expect(']', 'to close the loop');
    return { kind: 'for', item, index, iterable, condition, body, start: open.start, end: close.end };
  }
}

// Tokenizer and parser for ARM template expressions: `[func(args).prop[0]]`, string literals with '' escaping,
// integer literals, nested calls and property/index access. Function names are matched case-insensitively and may
// carry a namespace (user-defined functions, `__bicep.fn`).

export type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; lower: string; args: Expr[] }
  | { kind: 'member'; target: Expr; name: string }
  | { kind: 'index'; target: Expr; index: Expr };

export class ExpressionSyntaxError extends Error {}

/** True for a string ARM evaluates: `[...]`, but not the `[[...]` escape for a literal starting with `[`. */
export function isExpression(text: string): boolean {
  return (
    text.length >= 2 &&
    text.charCodeAt(0) === 91 &&
    text.charCodeAt(text.length - 1) === 93 &&
    text.charCodeAt(1) !== 91
  );
}

/** The literal a `[[...]` string stands for (ARM drops the first bracket). */
export function unescapeLiteral(text: string): string {
  return text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(1) === 91 && text.endsWith(']')
    ? text.slice(1)
    : text;
}

export interface Parsed {
  expr: Expr;
  /** No copyIndex(): the value depends only on the template scope, so it can be reused within it. */
  contextFree: boolean;
}

// Expressions repeat across resources and templates (`[resourceGroup().location]`), so parses are shared.
const cache = new Map<string, Parsed | ExpressionSyntaxError>();
const CACHE_LIMIT = 20_000;

/** Parses a whole expression string including its brackets; syntax errors are returned, not thrown. */
export function parseCached(text: string): Parsed | ExpressionSyntaxError {
  let parsed = cache.get(text);
  if (parsed === undefined) {
    try {
      const expr = parseExpression(text.slice(1, -1));
      parsed = { expr, contextFree: !calls(expr, 'copyindex') };
    } catch (error) {
      parsed = error instanceof ExpressionSyntaxError ? error : new ExpressionSyntaxError(String(error));
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, parsed);
  }
  return parsed;
}

function calls(expr: Expr, lower: string): boolean {
  switch (expr.kind) {
    case 'call':
      return expr.lower === lower || expr.args.some((arg) => calls(arg, lower));
    case 'member':
      return calls(expr.target, lower);
    case 'index':
      return calls(expr.target, lower) || calls(expr.index, lower);
    default:
      return false;
  }
}

type Token =
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'punct'; value: string; at: number };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < source.length) {
    const c = source[pos];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      pos++;
    } else if (c === "'") {
      let value = '';
      let end = pos + 1;
      for (;;) {
        const close = source.indexOf("'", end);
        if (close < 0) throw new ExpressionSyntaxError(`unterminated string literal at ${pos + 1}`);
        value += source.slice(end, close);
        if (source[close + 1] === "'") {
          value += "'";
          end = close + 2;
        } else {
          end = close + 1;
          break;
        }
      }
      tokens.push({ kind: 'string', value, at: pos });
      pos = end;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[pos + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(pos));
      const text = match ? match[0] : c;
      tokens.push({ kind: 'number', value: Number(text), at: pos });
      pos += text.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*/.exec(source.slice(pos));
      const name = match ? match[0] : c;
      tokens.push({ kind: 'name', value: name, at: pos });
      pos += name.length;
    } else if ('(),.[]?'.includes(c)) {
      tokens.push({ kind: 'punct', value: c, at: pos });
      pos++;
    } else {
      throw new ExpressionSyntaxError(`unexpected character '${c}' at ${pos + 1}`);
    }
  }
  return tokens;
}

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;

  const peek = (): Token | undefined => tokens[pos];
  const isPunct = (value: string): boolean => {
    const token = tokens[pos];
    return token !== undefined && token.kind === 'punct' && token.value === value;
  };
  const expect = (value: string): void => {
    if (!isPunct(value)) {
      const token = peek();
      throw new ExpressionSyntaxError(
        token ? `expected '${value}' at ${token.at + 1}` : `expected '${value}' at the end of the expression`,
      );
    }
    pos++;
  };

  const primary = (): Expr => {
    const token = peek();
    if (!token) throw new ExpressionSyntaxError('unexpected end of expression');
    pos++;
    if (token.kind === 'string') return { kind: 'string', value: token.value };
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    if (token.kind === 'name') {
      if (isPunct('(')) {
        pos++;
        const args: Expr[] = [];
        if (!isPunct(')')) {
          for (;;) {
            args.push(expression());
            if (isPunct(',')) {
              pos++;
              continue;
            }
            break;
          }
        }
        expect(')');
        return { kind: 'call', name: token.value, lower: token.value.toLowerCase(), args };
      }
      // Bare true/false/null are not ARM syntax, but compiled templates occasionally carry them; treat as calls.
      const lower = token.value.toLowerCase();
      if (lower === 'true' || lower === 'false' || lower === 'null') {
        return { kind: 'call', name: token.value, lower, args: [] };
      }
      throw new ExpressionSyntaxError(`expected '(' after '${token.value}'`);
    }
    throw new ExpressionSyntaxError(`unexpected '${token.value}' at ${token.at + 1}`);
  };

  const expression = (): Expr => {
    let node = primary();
    for (;;) {
      if (isPunct('.')) {
        pos++;
        // `.?name` (null-safe access) is read as plain access; a missing member is unresolved either way.
        if (isPunct('?')) pos++;
        const name = peek();
        if (name?.kind !== 'name') throw new ExpressionSyntaxError('expected a property name after "."');
        pos++;
        // Namespaced names tokenize as one (`a.b`); as a property path they are successive accesses.
        for (const part of name.value.split('.')) node = { kind: 'member', target: node, name: part };
      } else if (isPunct('[') || (isPunct('?') && tokens[pos + 1]?.value === '[')) {
        if (isPunct('?')) pos++;
        pos++;
        const index = expression();
        expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  };

  const result = expression();
  if (pos < tokens.length)
    throw new ExpressionSyntaxError(`unexpected '${tokens[pos].value}' at ${tokens[pos].at + 1}`);
  return result;
}

/** Source text of an expression node (for messages); string literals are re-quoted. */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'string':
      return `'${expr.value.replaceAll("'", "''")}'`;
    case 'number':
      return String(expr.value);
    case 'call':
      return `${expr.name}(${expr.args.map(printExpr).join(', ')})`;
    case 'member':
      return `${printExpr(expr.target)}.${expr.name}`;
    case 'index':
      return `${printExpr(expr.target)}[${printExpr(expr.index)}]`;
  }
}

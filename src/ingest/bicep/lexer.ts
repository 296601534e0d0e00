// Bicep tokens. Newlines are not tokens: each token records whether a line break precedes it, because Bicep
// separates statements and object/array items by line breaks but ignores them inside parentheses.
import { InputError } from '../../core/errors.js';
import type { Source } from './source.js';

export type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Identifier name, punctuation text, or the number's digits. */
  text: string;
  start: number;
  end: number;
  /** A line break (or the start of the input) precedes the token. */
  nl: boolean;
  /** Strings: the literal segments; `parts.length === exprs.length + 1`. */
  parts?: string[];
  /** Strings: the tokens of each `${...}` interpolation. */
  exprs?: Token[][];
  /** Strings: `'''...'''` (no escapes, no interpolation). */
  multiline?: boolean;
}

// Longest first, so `...` wins over `.` and `??` over `?`.
const PUNCTUATION = [
  '...',
  '??',
  '::',
  '=>',
  '==',
  '!=',
  '=~',
  '!~',
  '<=',
  '>=',
  '&&',
  '||',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  ',',
  '.',
  ':',
  '?',
  '!',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '|',
];

/** Punctuation by first character code, longest first. */
const PUNCTUATION_BY_CHAR = new Map<number, string[]>();
for (const punct of PUNCTUATION) {
  const code = punct.charCodeAt(0);
  const list = PUNCTUATION_BY_CHAR.get(code) ?? [];
  list.push(punct);
  PUNCTUATION_BY_CHAR.set(code, list);
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export class Lexer {
  private pos: number;

  constructor(
    private readonly source: Source,
    start = 0,
    private readonly stopAtBrace = false,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  fail(message: string, offset = this.pos): never {
    throw new InputError(message, this.source.location(offset), 'Bicep syntax error');
  }

  /** All tokens to the end of the input (or, for an interpolation, to its closing `}`). */
  tokenize(): Token[] {
    const tokens: Token[] = [];
    let depth = 0;
    for (;;) {
      const token = this.next();
      if (this.stopAtBrace) {
        if (token.kind === 'eof') this.fail('unterminated string interpolation: expected "}"');
        if (token.kind === 'punct' && token.text === '{') depth++;
        if (token.kind === 'punct' && token.text === '}') {
          if (depth === 0) {
            tokens.push({ kind: 'eof', text: '', start: token.start, end: token.start, nl: false });
            return tokens;
          }
          depth--;
        }
      }
      tokens.push(token);
      if (token.kind === 'eof') return tokens;
    }
  }

  /** Skips blanks and comments; true when a line break was crossed. */
  private skip(): boolean {
    const text = this.source.text;
    let nl = this.pos === 0;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (c === 10) {
        nl = true;
        this.pos++;
      } else if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
        this.pos++;
      } else if (c === 47 && text.charCodeAt(this.pos + 1) === 47) {
        const end = text.indexOf('\n', this.pos);
        this.pos = end < 0 ? text.length : end;
      } else if (c === 35 && /^#(disable|restore)-/.test(text.slice(this.pos, this.pos + 10))) {
        // Linter pragmas (`#disable-next-line no-unused-vars`) occupy the rest of their line.
        const end = text.indexOf('\n', this.pos);
        this.pos = end < 0 ? text.length : end;
      } else if (c === 47 && text.charCodeAt(this.pos + 1) === 42) {
        const end = text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment: expected "*/"');
        if (text.slice(this.pos, end).includes('\n')) nl = true;
        this.pos = end + 2;
      } else {
        break;
      }
    }
    return nl;
  }

  private next(): Token {
    const nl = this.skip();
    const text = this.source.text;
    const start = this.pos;
    if (start >= text.length) return { kind: 'eof', text: '', start, end: start, nl: true };
    const c = text.charCodeAt(start);
    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < text.length && isIdentPart(text.charCodeAt(end))) end++;
      this.pos = end;
      return { kind: 'ident', text: text.slice(start, end), start, end, nl };
    }
    if (isDigit(c)) {
      let end = start + 1;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      // Bicep integers only; a fraction is accepted so that such input is still readable (json('1.5') is usual).
      if (text.charCodeAt(end) === 46 && isDigit(text.charCodeAt(end + 1))) {
        end += 2;
        while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      }
      this.pos = end;
      return { kind: 'number', text: text.slice(start, end), start, end, nl };
    }
    if (c === 39) return this.string(start, nl);
    // `$'''...${x}...'''`: a multi-line string with interpolation (Bicep 0.31+).
    if (c === 36 && text.startsWith("'''", start + 1)) return this.multiline(start, start + 1, nl, true);
    for (const punct of PUNCTUATION_BY_CHAR.get(c) ?? []) {
      if (text.startsWith(punct, start)) {
        this.pos = start + punct.length;
        return { kind: 'punct', text: punct, start, end: this.pos, nl };
      }
    }
    return this.fail(`unexpected character ${JSON.stringify(text[start])}`, start);
  }

  private string(start: number, nl: boolean): Token {
    const text = this.source.text;
    if (text.startsWith("'''", start)) return this.multiline(start, start, nl, false);
    const parts: string[] = [];
    const exprs: Token[][] = [];
    let current = '';
    let i = start + 1;
    for (;;) {
      if (i >= text.length || text.charCodeAt(i) === 10) this.fail('unterminated string: expected "\'"', start);
      const ch = text[i];
      if (ch === "'") {
        i++;
        break;
      }
      if (ch === '\\') {
        const escaped = text[i + 1];
        switch (escaped) {
          case '\\':
          case "'":
          case '$':
            current += escaped;
            i += 2;
            break;
          case 'n':
            current += '\n';
            i += 2;
            break;
          case 'r':
            current += '\r';
            i += 2;
            break;
          case 't':
            current += '\t';
            i += 2;
            break;
          case 'u': {
            const match = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 2, i + 12));
            if (!match) this.fail('invalid \\u{...} escape in string', i);
            current += String.fromCodePoint(Number.parseInt(match[1], 16));
            i += 2 + match[0].length;
            break;
          }
          default:
            this.fail(`invalid escape sequence "\\${escaped ?? ''}" in string`, i);
        }
        continue;
      }
      if (ch === '$' && text[i + 1] === '{') {
        parts.push(current);
        current = '';
        const inner = new Lexer(this.source, i + 2, true);
        exprs.push(inner.tokenize());
        i = inner.offset;
        continue;
      }
      current += ch;
      i++;
    }
    parts.push(current);
    this.pos = i;
    return { kind: 'string', text: text.slice(start, i), start, end: i, nl, parts, exprs };
  }

  private multiline(start: number, quote: number, nl: boolean, interpolated: boolean): Token {
    const text = this.source.text;
    let i = quote + 3;
    // A line break right after the opening quotes is not part of the value.
    if (text.startsWith('\r\n', i)) i += 2;
    else if (text[i] === '\n') i++;
    const parts: string[] = [];
    const exprs: Token[][] = [];
    let current = '';
    for (;;) {
      if (i >= text.length) this.fail("unterminated multi-line string: expected \"'''\"", start);
      if (text.startsWith("'''", i)) {
        // Quotes beyond three belong to the value (`''''` ends with a quote inside).
        let end = i + 3;
        while (text[end] === "'") end++;
        current += text.slice(i, end - 3);
        i = end;
        break;
      }
      if (interpolated && text[i] === '$' && text[i + 1] === '{') {
        parts.push(current);
        current = '';
        const inner = new Lexer(this.source, i + 2, true);
        exprs.push(inner.tokenize());
        i = inner.offset;
        continue;
      }
      current += text[i];
      i++;
    }
    parts.push(current);
    this.pos = i;
    return { kind: 'string', text: text.slice(start, i), start, end: i, nl, parts, exprs, multiline: true };
  }
}

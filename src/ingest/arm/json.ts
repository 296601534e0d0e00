// JSON documents with source positions. Templates are parsed with the native JSON.parse (the fast path) and, only
// when that fails, with jsonc-parser: Azure accepts comments and trailing commas, and jsonc-parser names the first
// syntax error with its offset. Positions are found by a single-pass scanner that runs on the first location request
// and walks the text together with the parsed value, so every container knows where its members are written.
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { InputError, LineIndex } from '../../core/errors.js';
import type { SourceLocation } from '../../core/types.js';

export type RawObject = { [key: string]: unknown };
export type RawContainer = RawObject | unknown[];

export function isRawObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member of a raw template object, matched like ARM does: exact name first, then case-insensitively. */
export function member(object: RawObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key in object) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

/**
 * Where the members of one container are written: for arrays, each element's start; for objects, each key's
 * opening quote (the key is compared in the text on lookup, so indexing allocates no strings).
 */
type Offsets = number[];

export class SourceDoc {
  private offsets?: Map<RawContainer, Offsets>;
  private lines?: LineIndex;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly root: unknown,
  ) {}

  /** Where the value `parent[key]` starts. */
  locate(parent: RawContainer, key: string | number): SourceLocation | undefined {
    if (!this.offsets) this.offsets = indexPositions(this.text, this.root);
    const members = this.offsets.get(parent);
    if (!members) return undefined;
    const offset = Array.isArray(parent)
      ? members[key as number]
      : valueAfterKey(this.text, findKey(this.text, members, String(key)));
    if (offset === undefined || offset < 0) return undefined;
    if (!this.lines) this.lines = new LineIndex(this.text);
    return this.lines.location(this.file, offset);
  }

  /** Start of the document's root value. */
  start(): SourceLocation {
    if (!this.lines) this.lines = new LineIndex(this.text);
    const offset = this.text.search(/\S/);
    return this.lines.location(this.file, Math.max(offset, 0));
  }
}

/** The last member whose key (at its opening quote) equals `key`; JSON.parse keeps the last of duplicates. */
function findKey(text: string, keyStarts: Offsets, key: string): number {
  for (let i = keyStarts.length - 1; i >= 0; i--) {
    const start = keyStarts[i];
    if (text.charCodeAt(start + 1 + key.length) === QUOTE && text.startsWith(key, start + 1)) return start;
  }
  // Keys written with escapes: decode and compare.
  for (let i = keyStarts.length - 1; i >= 0; i--) {
    const start = keyStarts[i];
    const end = stringEnd(text, start);
    const raw = text.slice(start, end);
    if (raw.includes('\\') && JSON.parse(raw) === key) return start;
  }
  return -1;
}

/** Offset just past the string starting at the quote `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    end = text.indexOf('"', end + 1);
  }
  return text.length;
}

/** The value's start after the key at `keyStart`: past the key, the colon, whitespace and comments. */
function valueAfterKey(text: string, keyStart: number): number {
  if (keyStart < 0) return -1;
  const scanner = new Scanner(text);
  scanner.pos = stringEnd(text, keyStart);
  scanner.skipTrivia();
  if (text.charCodeAt(scanner.pos) === COLON) scanner.pos++;
  scanner.skipTrivia();
  return scanner.pos;
}

/** Parses JSON (with comments and trailing commas); a syntax error becomes an InputError at its line and column. */
export function parseJsonDocument(file: string, text: string, parsed?: unknown): SourceDoc {
  // A byte-order mark is blanked rather than removed so that offsets stay those of the file.
  const source = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  if (parsed !== undefined) return new SourceDoc(file, source, parsed);
  let root: unknown;
  try {
    root = JSON.parse(source);
  } catch {
    root = parseLenient(file, source);
  }
  return new SourceDoc(file, source, root);
}

function parseLenient(file: string, text: string): unknown {
  const errors: ParseError[] = [];
  const root: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length === 0 && text.trim() !== '') return root;
  const first = errors[0];
  const offset = first ? first.offset : text.length;
  const atEnd = text.slice(offset).trim() === '';
  const message = atEnd ? 'Unexpected end of input' : describe(first ? printParseErrorCode(first.error) : '');
  const lines = new LineIndex(text);
  const { line, column } = lines.at(Math.min(offset, text.length));
  throw new InputError(message, { file, line, column }, 'the file is not valid JSON');
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Invalid number',
  PropertyNameExpected: 'Expected a property name',
  ValueExpected: 'Expected a value',
  ColonExpected: "Expected ':'",
  CommaExpected: "Expected ',' between values",
  CloseBraceExpected: "Expected '}'",
  CloseBracketExpected: "Expected ']'",
  EndOfFileExpected: 'Unexpected content after the end of the document',
  InvalidCommentToken: 'Invalid comment',
  UnexpectedEndOfComment: 'Unterminated comment',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid escape character',
  InvalidCharacter: 'Invalid character in string',
};

function describe(code: string): string {
  return PROBLEMS[code] ?? 'Invalid JSON';
}

// Character codes used by the scanner.
const QUOTE = 34;
const COMMA = 44;
const SLASH = 47;
const COLON = 58;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const STAR = 42;
const NEWLINE = 10;

/**
 * Walks the text once and records, for every object and array of the parsed value, where each member's value
 * starts. Strings are skipped with indexOf (most of a template is strings), so this costs about one JSON.parse.
 */
export function indexPositions(text: string, root: unknown): Map<RawContainer, Offsets> {
  const scanner = new Scanner(text);
  scanner.skipTrivia();
  scanner.value(root);
  return scanner.index;
}

class Scanner {
  readonly index = new Map<RawContainer, Offsets>();
  pos = 0;
  private readonly length: number;

  constructor(private readonly text: string) {
    this.length = text.length;
  }

  skipTrivia(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < this.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === NEWLINE || c === 13 || c === 9) {
        pos++;
      } else if (c === SLASH) {
        const next = text.charCodeAt(pos + 1);
        if (next === SLASH) {
          const end = text.indexOf('\n', pos + 2);
          pos = end < 0 ? this.length : end + 1;
        } else if (next === STAR) {
          const end = text.indexOf('*/', pos + 2);
          pos = end < 0 ? this.length : end + 2;
        } else {
          break;
        }
      } else {
        break;
      }
    }
    this.pos = pos;
  }

  value(node: unknown): void {
    const c = this.text.charCodeAt(this.pos);
    if (c === OPEN_BRACE) this.object(isRawObject(node) ? node : undefined);
    else if (c === OPEN_BRACKET) this.array(Array.isArray(node) ? node : undefined);
    else if (c === QUOTE) this.string();
    else this.literal();
  }

  private string(): void {
    this.pos = stringEnd(this.text, this.pos);
  }

  private literal(): void {
    const text = this.text;
    let pos = this.pos;
    while (pos < this.length) {
      const c = text.charCodeAt(pos);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 32 || c === SLASH) break;
      pos++;
    }
    this.pos = pos === this.pos ? pos + 1 : pos;
  }

  private object(node: RawObject | undefined): void {
    const keyStarts: Offsets | undefined = node ? [] : undefined;
    if (node && keyStarts) this.index.set(node, keyStarts);
    const text = this.text;
    this.pos++;
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.length) return;
      const c = text.charCodeAt(this.pos);
      if (c === CLOSE_BRACE) {
        this.pos++;
        return;
      }
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c !== QUOTE) {
        this.literal();
        continue;
      }
      const keyStart = this.pos;
      keyStarts?.push(keyStart);
      this.string();
      const keyEnd = this.pos;
      this.skipTrivia();
      if (text.charCodeAt(this.pos) === COLON) this.pos++;
      this.skipTrivia();
      const v = text.charCodeAt(this.pos);
      if (node && (v === OPEN_BRACE || v === OPEN_BRACKET)) {
        // Only a container member needs its key as a string, to follow the parsed value.
        let key = text.slice(keyStart + 1, keyEnd - 1);
        if (key.includes('\\')) key = JSON.parse(text.slice(keyStart, keyEnd)) as string;
        this.value(node[key]);
      } else {
        this.value(undefined);
      }
    }
  }

  private array(node: unknown[] | undefined): void {
    const starts: number[] | undefined = node ? [] : undefined;
    if (node && starts) this.index.set(node, starts);
    const text = this.text;
    this.pos++;
    let index = 0;
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.length) return;
      const c = text.charCodeAt(this.pos);
      if (c === CLOSE_BRACKET) {
        this.pos++;
        return;
      }
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      starts?.push(this.pos);
      this.value(node ? node[index] : undefined);
      index++;
    }
  }
}

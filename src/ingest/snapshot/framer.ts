// Byte-level JSON framer for large snapshots.
//
// Why by hand: a 270 MB Resource Graph export cannot be one JSON.parse (V8's string limit is ~512 MB, and the
// object graph of the whole file costs several times its size), and token-streaming parsers such as stream-json
// build every value in JavaScript, token by token, which is many times slower than V8's native JSON.parse. The framer
// only finds where each record of the big array begins and ends (tracking nesting depth and string/escape state
// over Buffer chunks, with Buffer.indexOf skipping string bodies) and hands each record's text to JSON.parse.
// Memory stays flat: only the current record and the chunk in hand are held.
//
// What it frames: a top-level array (`[...]`, each element is a record); arrays found at configured key paths of a
// top-level object (`{"data": [...]}`, `{"value": [...]}`, ...), each element a record; several top-level values in
// a row (NDJSON). A top-level object is also returned whole with each streamed array replaced by `[]`, so its other
// keys (metadata, `@odata.context`, table `columns`) stay available. The framer validates structure only
// (brackets, strings); each record's JSON.parse finds the rest.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const HOLE = Buffer.from('[]');

/** A position in the framed input: 1-based line, 1-based column counted in bytes, 0-based byte offset. */
export interface FramePosition {
  line: number;
  column: number;
  offset: number;
}

/** Maps offsets of a top-level object's text (with holes) back to the input: one segment per contiguous run. */
export interface FrameSegment {
  /** Byte offset in the root text where this run starts. */
  offset: number;
  line: number;
  column: number;
}

export interface FramerHandlers {
  /**
   * A streamed array begins. `prefix` is the JSON text of the enclosing top-level object up to the array, with the
   * array as `[]` and the open containers closed, so the keys that came before (`@odata.context`, table
   * `columns`, envelope metadata) can be parsed before the first element arrives.
   */
  arrayStart(path: readonly string[], prefix: string): void;
  /** One element of a streamed array (path [] = a top-level array). */
  element(text: string, at: FramePosition, path: readonly string[]): void;
  /** A complete top-level object; streamed arrays inside it appear as `[]`. */
  root(text: string, at: FramePosition, segments: readonly FrameSegment[]): void;
  /** A structural error. `fatal`: framing cannot continue and the rest of the input is ignored. */
  error(message: string, at: FramePosition, fatal: boolean): void;
}

export interface FramerOptions {
  /** Key paths (from a top-level object) of arrays whose elements are streamed as records. */
  streamPaths: readonly (readonly string[])[];
  /** The input is line-delimited (NDJSON): a newline ends a record, and framing resumes at the next line after an error. */
  lineDelimited?: boolean;
}

export class JsonFramer {
  private readonly handlers: FramerHandlers;
  private readonly streamPaths: readonly (readonly string[])[];
  /** Keys are tracked only as deep as the deepest stream path, so deeper nesting costs nothing. */
  private readonly trackDepth: number;
  private lineDelimited: boolean;

  private stack = new Uint8Array(64);
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  private lineStart = 0;
  private base = 0;
  private started = false;
  private stopped = false;
  private skipToNewline = false;
  private head: Buffer | undefined;

  // Object key tracking at depths 1..trackDepth.
  private readonly keys: string[] = [];
  private readonly expectKey: boolean[] = [];
  private keyActive = false;
  private keyFrom = 0;
  private keyParts: Buffer[] = [];

  // The top-level value.
  private rootActive = false;
  private rootFrom = 0;
  private rootParts: Buffer[] = [];
  private rootBytes = 0;
  private rootSegments: FrameSegment[] = [];
  private rootAt: FramePosition = { line: 1, column: 1, offset: 0 };
  private rootCount = 0;
  private lastRootOneLine = false;
  private lastRootLine = 0;

  // The streamed array and its current element.
  private arrayDepth = -1;
  private arrayPath: readonly string[] = [];
  private inElement = false;
  private afterComma = false;
  private elementFrom = 0;
  private elementParts: Buffer[] = [];
  private elementAt: FramePosition = { line: 1, column: 1, offset: 0 };

  constructor(handlers: FramerHandlers, options: FramerOptions) {
    this.handlers = handlers;
    this.streamPaths = options.streamPaths;
    this.trackDepth = Math.max(0, ...options.streamPaths.map((p) => p.length));
    this.lineDelimited = options.lineDelimited ?? false;
  }

  /** How many top-level values were seen (0 for an empty or whitespace-only input). */
  get values(): number {
    return this.rootCount;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (!this.started) {
      // The first three bytes decide about a byte order mark, even when chunks are smaller than that.
      chunk = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      if (chunk.length < 3) {
        this.head = chunk;
        return;
      }
      this.head = undefined;
    }
    this.frame(chunk);
  }

  private frame(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    if (!this.started && n > 0) {
      this.started = true;
      if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        i = 3; // UTF-8 byte order mark (PowerShell writes one); columns count from after it
        this.lineStart = 3;
      }
    }
    if (this.rootActive) this.rootFrom = 0;
    if (this.inElement) this.elementFrom = 0;
    if (this.keyActive) this.keyFrom = 0;
    // Next backslash and newline in this chunk, found once and reused by every string before them.
    let backslash = -1;
    let newline = -1;

    while (i < n) {
      if (this.skipToNewline) {
        const next = buf.indexOf(NEWLINE, i);
        if (next === -1) {
          i = n;
          break;
        }
        this.skipToNewline = false;
        i = next;
      }
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        let quote = buf.indexOf(QUOTE, i);
        if (quote === -1) quote = n;
        if (backslash < i) {
          backslash = buf.indexOf(BACKSLASH, i);
          if (backslash === -1) backslash = n;
        }
        if (backslash < quote) {
          i = backslash + 1;
          this.escaped = true;
          continue;
        }
        if (this.lineDelimited) {
          // A raw newline cannot occur in a JSON string; in NDJSON it means the record's line ended inside one.
          if (newline < i) {
            newline = buf.indexOf(NEWLINE, i);
            if (newline === -1) newline = n;
          }
          if (newline < quote) {
            this.fail('unterminated string', newline, 'structural', 'here');
            i = newline;
            continue;
          }
        }
        if (quote === n) {
          i = n;
          break;
        }
        this.inString = false;
        if (this.keyActive) this.endKey(buf, quote);
        i = quote + 1;
        continue;
      }

      const c = buf[i];
      switch (c) {
        case 0x20:
        case 0x09:
        case 0x0d:
          break;
        case NEWLINE:
          if (this.lineDelimited && this.depth > 0) {
            this.fail('record is incomplete at the end of its line', i, 'structural', 'here');
          }
          this.line++;
          this.lineStart = this.base + i + 1;
          break;
        case QUOTE:
          if (this.depth === this.arrayDepth && !this.inElement) this.startElement(i);
          else if (this.depth === 0) {
            this.fail("expected '[' or '{' at the top level", i, 'structural');
            break;
          } else if (
            this.depth <= this.trackDepth &&
            this.arrayDepth === -1 &&
            this.expectKey[this.depth] &&
            this.stack[this.depth - 1] === LBRACE
          ) {
            // Keys matter only on the way to a stream path, never inside a streamed array.
            this.keyActive = true;
            this.keyFrom = i + 1;
            this.keyParts = [];
          }
          this.inString = true;
          break;
        case LBRACE:
        case LBRACKET:
          this.open(buf, c, i);
          break;
        case RBRACE:
        case RBRACKET:
          this.close(buf, c, i);
          break;
        case COMMA:
          if (this.depth === this.arrayDepth) {
            if (this.inElement) this.endElement(buf, i);
            else this.fail('empty array element', i, 'local');
            this.afterComma = true;
          } else if (this.depth === 0) {
            this.fail("unexpected ',' at the top level", i, 'structural');
          } else if (this.depth <= this.trackDepth) {
            this.expectKey[this.depth] = true;
          }
          break;
        case COLON:
          if (this.depth === 0) this.fail("unexpected ':' at the top level", i, 'structural');
          else if (this.depth <= this.trackDepth) this.expectKey[this.depth] = false;
          break;
        default:
          // Literals (numbers, true, false, null) are checked by JSON.parse; only where they start matters here.
          if (this.depth === this.arrayDepth) {
            if (!this.inElement) this.startElement(i);
          } else if (this.depth === 0) {
            this.fail("expected '[' or '{' at the top level", i, 'structural');
          }
      }
      if (this.stopped) return;
      i++;
    }

    if (this.rootActive) {
      this.rootParts.push(buf.subarray(this.rootFrom));
      this.rootBytes += n - this.rootFrom;
    }
    if (this.inElement) this.elementParts.push(buf.subarray(this.elementFrom));
    if (this.keyActive) this.keyParts.push(buf.subarray(this.keyFrom));
    this.base += n;
  }

  /** End of input: an open value or string means the input was truncated. */
  end(): void {
    if (this.head) {
      const head = this.head;
      this.head = undefined;
      this.frame(head);
    }
    if (this.stopped) return;
    if (this.depth > 0 || this.inString) {
      const where = this.inElement ? this.elementAt : this.rootAt;
      this.handlers.error(
        `unexpected end of input inside the value that starts at line ${where.line} (file truncated?)`,
        this.position(this.base - this.lineStart, this.base),
        true,
      );
      this.stopped = true;
    }
  }

  private position(columnOffset: number, offset: number): FramePosition {
    return { line: this.line, column: columnOffset + 1, offset };
  }

  private at(i: number): FramePosition {
    const offset = this.base + i;
    return this.position(offset - this.lineStart, offset);
  }

  private open(buf: Buffer, c: number, i: number): void {
    const depth = this.depth;
    if (depth === 0) {
      this.rootCount++;
      this.rootAt = this.at(i);
      // Two top-level values, the first on one line and the next on a later one: NDJSON.
      if (this.rootCount === 2 && this.lastRootOneLine && this.rootAt.line > this.lastRootLine)
        this.lineDelimited = true;
      if (c === LBRACE) {
        this.rootActive = true;
        this.rootFrom = i;
        this.rootParts = [];
        this.rootBytes = 0;
        this.rootSegments = [{ offset: 0, line: this.rootAt.line, column: this.rootAt.column }];
      }
    } else if (depth === this.arrayDepth && !this.inElement) {
      this.startElement(i);
    }
    if (depth === this.stack.length) {
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[depth] = c;
    this.depth = depth + 1;
    if (c === LBRACE) {
      if (this.depth <= this.trackDepth) this.expectKey[this.depth] = true;
      return;
    }
    if (this.depth === 1) {
      this.beginArray([]);
    } else if (this.arrayDepth === -1 && this.depth - 1 <= this.trackDepth) {
      const path = this.streamPathAt(this.depth);
      if (path) {
        // The top-level object's text gets `[]` in place of the array; capture resumes after its `]`.
        this.rootParts.push(buf.subarray(this.rootFrom, i), HOLE);
        this.rootBytes += i - this.rootFrom + HOLE.length;
        this.rootActive = false;
        let closers = '';
        for (let d = this.depth - 2; d >= 0; d--) closers += this.stack[d] === LBRACE ? '}' : ']';
        this.handlers.arrayStart(path, Buffer.concat(this.rootParts).toString('utf8') + closers);
        this.beginArray(path);
      }
    }
  }

  private beginArray(path: readonly string[]): void {
    this.arrayDepth = this.depth;
    this.arrayPath = path;
    this.inElement = false;
    this.afterComma = false;
  }

  /** The configured stream path the array opened at `depth` sits at, if any (all enclosing containers objects). */
  private streamPathAt(depth: number): readonly string[] | undefined {
    for (let d = 0; d < depth - 1; d++) if (this.stack[d] !== LBRACE) return undefined;
    const length = depth - 1;
    for (const path of this.streamPaths) {
      if (path.length !== length) continue;
      let match = true;
      for (let k = 0; k < length && match; k++) match = this.keys[k + 1] === path[k];
      if (match) return path;
    }
    return undefined;
  }

  private close(buf: Buffer, c: number, i: number): void {
    const depth = this.depth;
    if (depth === 0) {
      this.fail(`unexpected '${String.fromCharCode(c)}' at the top level`, i, 'structural');
      return;
    }
    const opener = this.stack[depth - 1];
    if ((opener === LBRACE) !== (c === RBRACE)) {
      this.fail(`expected '${opener === LBRACE ? '}' : ']'}' but found '${String.fromCharCode(c)}'`, i, 'structural');
      return;
    }
    this.depth = depth - 1;
    if (depth === this.arrayDepth) {
      if (this.inElement) this.endElement(buf, i);
      else if (this.afterComma) this.fail('trailing comma in array', i, 'local');
      this.arrayDepth = -1;
      if (this.depth > 0) {
        this.rootActive = true;
        this.rootFrom = i + 1;
        const resume = this.at(i + 1);
        this.rootSegments.push({ offset: this.rootBytes, line: resume.line, column: resume.column });
      }
    }
    if (this.depth === 0 && opener === LBRACE) {
      this.rootActive = false;
      let text: string;
      if (this.rootParts.length === 0) text = buf.toString('utf8', this.rootFrom, i + 1);
      else {
        this.rootParts.push(buf.subarray(this.rootFrom, i + 1));
        text = Buffer.concat(this.rootParts).toString('utf8');
        this.rootParts = [];
      }
      this.handlers.root(text, this.rootAt, this.rootSegments);
    }
    if (this.depth === 0) {
      this.lastRootOneLine = this.rootAt.line === this.line;
      this.lastRootLine = this.line;
    }
  }

  private startElement(i: number): void {
    this.inElement = true;
    this.afterComma = false;
    this.elementFrom = i;
    this.elementParts = [];
    this.elementAt = this.at(i);
  }

  private endElement(buf: Buffer, i: number): void {
    let text: string;
    if (this.elementParts.length === 0) text = buf.toString('utf8', this.elementFrom, i);
    else {
      this.elementParts.push(buf.subarray(this.elementFrom, i));
      text = Buffer.concat(this.elementParts).toString('utf8');
      this.elementParts = [];
    }
    this.inElement = false;
    this.handlers.element(text, this.elementAt, this.arrayPath);
  }

  private endKey(buf: Buffer, quote: number): void {
    this.keyActive = false;
    let raw: string;
    if (this.keyParts.length === 0) raw = buf.toString('utf8', this.keyFrom, quote);
    else {
      this.keyParts.push(buf.subarray(this.keyFrom, quote));
      raw = Buffer.concat(this.keyParts).toString('utf8');
      this.keyParts = [];
    }
    let key = raw;
    if (raw.includes('\\')) {
      try {
        key = JSON.parse(`"${raw}"`) as string;
      } catch {
        // An invalid escape in a key: JSON.parse of the record reports it.
      }
    }
    this.keys[this.depth] = key;
  }

  /**
   * Reports an error. `local` errors (an empty array element) leave framing intact. Otherwise line-delimited input
   * resumes at the next line (`resume: 'here'` when already at a line end), and other input stops: brackets no
   * longer say where records end.
   */
  private fail(
    message: string,
    i: number,
    severity: 'local' | 'structural',
    resume: 'next-line' | 'here' = 'next-line',
  ): void {
    if (severity === 'local') {
      this.handlers.error(message, this.at(i), false);
    } else if (this.lineDelimited) {
      this.handlers.error(message, this.at(i), false);
      this.reset();
      this.skipToNewline = resume === 'next-line';
    } else {
      this.handlers.error(`${message}; the rest of the input was not read`, this.at(i), true);
      this.stopped = true;
    }
  }

  private reset(): void {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.keyActive = false;
    this.rootActive = false;
    this.rootParts = [];
    this.arrayDepth = -1;
    this.inElement = false;
    this.elementParts = [];
  }
}

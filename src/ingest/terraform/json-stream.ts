// A streaming JSON scanner for large `terraform show -json` files: it walks the document structure byte by byte
// without building it, and hands over only the subtrees a caller selects (one resource change at a time), each
// parsed with JSON.parse. Strings are skipped with Buffer.indexOf, so most bytes are never looked at in JS. Memory
// stays at one read chunk plus the subtree being captured.
import { createReadStream } from 'node:fs';

export type PathSegment = string | number;
/** What to do with the value starting at a path: walk into it, hand it over whole, or skip it. */
export type Decision = 'descend' | 'capture' | 'skip';

export interface CapturedValue {
  path: readonly PathSegment[];
  text: string;
  /** Byte offset and 1-based line/column (in bytes) of the value's first character. */
  offset: number;
  line: number;
  column: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

interface Level {
  kind: 'object' | 'array';
  /** Object: the current member's key; array: the current element's index. */
  key: PathSegment;
  /** Object levels: what comes next. */
  expect: 'key' | 'colon' | 'value' | 'separator';
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/**
 * Scans a JSON document chunk by chunk. `decide` is called for every value inside descended containers (the
 * root is always descended); captured values are passed to `onValue` in document order.
 */
export class JsonScanner {
  private readonly stack: Level[] = [];
  private readonly path: PathSegment[] = [];
  /** > 0 while skipping or capturing a container: its nesting depth. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** A key being read in navigation mode (may span chunks). */
  private keyParts: Buffer[] | undefined;
  private pendingKey = false;
  /** A scalar value being skipped at navigation level. */
  private inScalar = false;
  private capture:
    | {
        parts: Buffer[];
        path: PathSegment[];
        offset: number;
        line: number;
        column: number;
        /** Absolute byte range of an elided member value, replaced by null. */
        elideStart?: number;
        elideEnd?: number;
      }
    | undefined;
  /** Inside the object value being elided (closes when depth returns to 2). */
  private eliding = false;
  /** Where the captured value starts in the current chunk (0 once it spans chunks). */
  private captureFrom = 0;
  private started = false;
  private done = false;
  private base = 0;
  line = 1;
  private lineStart = 0;

  /**
   * `elide`: a member name whose object value, one level below a captured object (`change.before` of a resource
   * change), is replaced by null in the captured text: it is never parsed.
   */
  private readonly elide?: Buffer;

  constructor(
    private readonly decide: (path: readonly PathSegment[]) => Decision,
    private readonly onValue: (value: CapturedValue) => void,
    elide?: string,
  ) {
    if (elide) this.elide = Buffer.from(`${elide}"`);
  }

  private error(message: string, at: number): JsonSyntaxError {
    const offset = this.base + at;
    return new JsonSyntaxError(message, offset, this.line, offset - this.lineStart + 1);
  }

  write(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.depth > 0 || this.inString || this.inScalar) {
        i = this.skipValue(chunk, i);
        continue;
      }
      const c = chunk[i];
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i++;
        continue;
      }
      if (c === LF) {
        this.line++;
        this.lineStart = this.base + i + 1;
        i++;
        continue;
      }
      if (this.done) throw this.error('unexpected data after the JSON document', i);
      if (!this.started) {
        // UTF-8 byte order mark.
        if (c === 0xef && chunk[i + 1] === 0xbb && chunk[i + 2] === 0xbf) {
          i += 3;
          continue;
        }
        if (c !== OPEN_BRACE && c !== OPEN_BRACKET) throw this.error('expected a JSON object or array', i);
        this.started = true;
        this.push(c === OPEN_BRACE ? 'object' : 'array');
        i++;
        continue;
      }
      i = this.navigate(chunk, i);
    }
    // A captured value continues in the next chunk: keep this chunk's part of it.
    // Copied: the stream may reuse the chunk's memory.
    if (this.capture) this.capture.parts.push(Buffer.from(chunk.subarray(this.captureFrom, n)));
    this.captureFrom = 0;
    this.base += n;
  }

  end(): void {
    if (!this.done || this.depth > 0 || this.inString) {
      throw new JsonSyntaxError(
        'unexpected end of the JSON document',
        this.base,
        this.line,
        this.base - this.lineStart + 1,
      );
    }
  }

  private push(kind: 'object' | 'array'): void {
    this.stack.push({ kind, key: kind === 'array' ? 0 : '', expect: kind === 'object' ? 'key' : 'value' });
  }

  private pop(): void {
    this.stack.pop();
    this.path.pop();
    const parent = this.stack[this.stack.length - 1];
    if (!parent) {
      this.done = true;
      return;
    }
    parent.expect = 'separator';
  }

  /** One token of a descended container. */
  private navigate(chunk: Buffer, i: number): number {
    const level = this.stack[this.stack.length - 1];
    const c = chunk[i];
    if (this.pendingKey) return this.readKey(chunk, i, level);
    if (level.kind === 'object') {
      switch (level.expect) {
        case 'key':
          // `}` closes an empty object only: after a comma a key must follow.
          if (c === CLOSE_BRACE && level.key === '') {
            this.pop();
            return i + 1;
          }
          if (c !== QUOTE) throw this.error('expected an object key', i);
          this.pendingKey = true;
          this.keyParts = [];
          return this.readKey(chunk, i + 1, level);
        case 'colon':
          if (c !== COLON) throw this.error("expected ':'", i);
          level.expect = 'value';
          return i + 1;
        case 'separator':
          if (c === COMMA) {
            level.expect = 'key';
            return i + 1;
          }
          if (c === CLOSE_BRACE) {
            this.pop();
            return i + 1;
          }
          throw this.error("expected ',' or '}'", i);
        case 'value':
          return this.startValue(chunk, i, level);
      }
    }
    // Array level.
    if (level.expect === 'separator') {
      if (c === COMMA) {
        level.key = (level.key as number) + 1;
        level.expect = 'value';
        return i + 1;
      }
      if (c === CLOSE_BRACKET) {
        this.pop();
        return i + 1;
      }
      throw this.error("expected ',' or ']'", i);
    }
    if (c === CLOSE_BRACKET && level.key === 0) {
      this.pop();
      return i + 1;
    }
    return this.startValue(chunk, i, level);
  }

  private readKey(chunk: Buffer, i: number, level: Level): number {
    let j = i;
    for (;;) {
      j = chunk.indexOf(QUOTE, j);
      if (j < 0) {
        this.keyParts?.push(Buffer.from(chunk.subarray(i)));
        return chunk.length;
      }
      if (!isEscaped(chunk, j, i, this.keyParts)) break;
      j++;
    }
    this.keyParts?.push(chunk.subarray(i, j));
    const raw = Buffer.concat(this.keyParts ?? []);
    const text = raw.includes(BACKSLASH) ? (JSON.parse(`"${raw.toString('utf8')}"`) as string) : raw.toString('utf8');
    level.key = text;
    level.expect = 'colon';
    this.pendingKey = false;
    this.keyParts = undefined;
    return j + 1;
  }

  private startValue(chunk: Buffer, i: number, level: Level): number {
    this.path.length = this.stack.length - 1;
    this.path.push(level.key);
    const decision = this.decide(this.path);
    const c = chunk[i];
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA || c === COLON) throw this.error('expected a value', i);
    const container = c === OPEN_BRACE || c === OPEN_BRACKET;
    level.expect = 'separator';
    if (decision === 'descend' && container) {
      this.push(c === OPEN_BRACE ? 'object' : 'array');
      return i + 1;
    }
    if (decision === 'capture') {
      this.capture = {
        parts: [],
        path: [...this.path],
        offset: this.base + i,
        line: this.line,
        column: this.base + i - this.lineStart + 1,
      };
      this.captureFrom = i;
    }
    if (container) {
      this.depth = 1;
      return i + 1;
    }
    if (c === QUOTE) {
      this.inString = true;
      return i + 1;
    }
    this.inScalar = true;
    return i;
  }

  /** Advances through a skipped or captured value; returns the next index. */
  private skipValue(chunk: Buffer, i: number): number {
    const n = chunk.length;
    if (this.inScalar) {
      while (i < n) {
        const c = chunk[i];
        if (
          c === COMMA ||
          c === CLOSE_BRACE ||
          c === CLOSE_BRACKET ||
          c === 0x20 ||
          c === LF ||
          c === 0x0d ||
          c === 0x09
        ) {
          this.inScalar = false;
          this.finish(chunk, i);
          return i;
        }
        i++;
      }
      return n;
    }
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // Short strings (most of a plan) are cheaper to walk in JS than to search natively.
        let j = i;
        const stop = Math.min(n, i + 32);
        while (j < stop && chunk[j] !== QUOTE) j++;
        if (j === stop) j = j < n ? chunk.indexOf(QUOTE, j) : -1;
        if (j < 0) {
          // The string continues in the next chunk; a trailing odd run of backslashes escapes its first byte.
          let k = n - 1;
          let run = 0;
          while (k >= i && chunk[k] === BACKSLASH) {
            run++;
            k--;
          }
          this.escaped = run % 2 === 1;
          return n;
        }
        let k = j - 1;
        let run = 0;
        while (k >= i && chunk[k] === BACKSLASH) {
          run++;
          k--;
        }
        if (run % 2 === 1) {
          i = j + 1;
          continue;
        }
        this.inString = false;
        i = j + 1;
        if (this.depth === 0) {
          this.finish(chunk, i);
          return i;
        }
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 2 && this.elide && this.capture && this.capture.elideStart === undefined)
          this.startElide(chunk, i);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.eliding && this.depth === 2 && this.capture) {
          this.eliding = false;
          this.capture.elideEnd = this.base + i + 1;
        }
        if (this.depth === 0) {
          this.finish(chunk, i + 1);
          return i + 1;
        }
      } else if (c === LF) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      i++;
    }
    return n;
  }

  /** A skipped or captured value ended just before `end` in this chunk. */
  /** At a key quote at depth 2: when it is the elided key and an object follows, start eliding that object. */
  private startElide(chunk: Buffer, i: number): void {
    const key = this.elide as Buffer;
    // Only within this chunk (a key split across chunks is simply not elided).
    if (i + 1 + key.length > chunk.length || chunk.compare(key, 0, key.length, i + 1, i + 1 + key.length) !== 0) return;
    let v = i + 1 + key.length;
    while (v < chunk.length && (chunk[v] === 0x20 || chunk[v] === 0x09 || chunk[v] === 0x0d || chunk[v] === LF)) v++;
    if (chunk[v] !== COLON) return;
    v++;
    while (v < chunk.length && (chunk[v] === 0x20 || chunk[v] === 0x09 || chunk[v] === 0x0d || chunk[v] === LF)) v++;
    if (v >= chunk.length || chunk[v] !== OPEN_BRACE || !this.capture) return;
    this.capture.elideStart = this.base + v;
    this.eliding = true;
  }

  private finish(chunk: Buffer, end: number): void {
    const capture = this.capture;
    if (!capture) return;
    this.capture = undefined;
    this.eliding = false;
    let text: string;
    const { elideStart, elideEnd } = capture;
    if (elideStart !== undefined && elideEnd !== undefined) {
      const whole =
        capture.parts.length === 0
          ? chunk.subarray(this.captureFrom, end)
          : Buffer.concat([...capture.parts, chunk.subarray(0, end)]);
      const from = capture.offset;
      text = `${whole.toString('utf8', 0, elideStart - from)}null${whole.toString('utf8', elideEnd - from)}`;
    } else if (capture.parts.length === 0) text = chunk.toString('utf8', this.captureFrom, end);
    else {
      capture.parts.push(chunk.subarray(0, end));
      text = Buffer.concat(capture.parts).toString('utf8');
    }
    this.captureFrom = 0;
    this.onValue({ path: capture.path, text, offset: capture.offset, line: capture.line, column: capture.column });
  }
}

/** Whether the quote at `j` is escaped (an odd run of backslashes before it, possibly continuing earlier parts). */
function isEscaped(chunk: Buffer, j: number, from: number, earlier: Buffer[] | undefined): boolean {
  let run = 0;
  let k = j - 1;
  while (k >= from && chunk[k] === BACKSLASH) {
    run++;
    k--;
  }
  if (k < from && earlier) {
    for (let p = earlier.length - 1; p >= 0; p--) {
      const part = earlier[p];
      let m = part.length - 1;
      while (m >= 0 && part[m] === BACKSLASH) {
        run++;
        m--;
      }
      if (m >= 0) break;
    }
  }
  return run % 2 === 1;
}

/** Streams a file through a scanner; `onValue` may be called many times before the promise settles. */
export async function scanJsonFile(
  file: string,
  decide: (path: readonly PathSegment[]) => Decision,
  onValue: (value: CapturedValue) => void,
  options: { start?: number; end?: number; highWaterMark?: number } = {},
): Promise<void> {
  const scanner = new JsonScanner(decide, onValue);
  const stream = createReadStream(file, {
    highWaterMark: options.highWaterMark ?? 1 << 22,
    start: options.start,
    end: options.end,
  });
  for await (const chunk of stream) scanner.write(chunk as Buffer);
  scanner.end();
}

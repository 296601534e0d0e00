// A Bicep (or .bicepparam) file's text with lazily computed positions: most values are never asked where they are.
import { LineIndex } from '../../core/errors.js';
import type { SourceLocation } from '../../core/types.js';

export class Source {
  private lines?: LineIndex;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {}

  location(offset: number): SourceLocation {
    this.lines ??= new LineIndex(this.text);
    return this.lines.location(this.file, offset);
  }

  at(offset: number): SourceLocation {
    return new LazySpot(this, offset);
  }
}

/** A SourceLocation resolved on first read; it serializes as a plain location. */
class LazySpot implements SourceLocation {
  readonly file: string;
  readonly #source: Source;
  readonly #offset: number;
  #resolved?: SourceLocation;

  constructor(source: Source, offset: number) {
    this.file = source.file;
    this.#source = source;
    this.#offset = offset;
  }

  #get(): SourceLocation {
    this.#resolved ??= this.#source.location(this.#offset);
    return this.#resolved;
  }

  get line(): number {
    return this.#get().line;
  }

  get column(): number {
    return this.#get().column;
  }

  toJSON(): SourceLocation {
    return { file: this.file, line: this.line, column: this.column };
  }
}

import type { SourceLocation } from './types.js';

/**
 * Errors a user can cause. The CLI catches them once and prints one line,
 * `phiguard: <file>:<line>:<col>: <what> (<hint>)`, with exit code 2. Anything else is a bug and prints a stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly at?: Partial<SourceLocation> & { file: string },
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The one-line form the CLI prints (without the `phiguard: ` prefix). */
  format(): string {
    const where = this.at ? [this.at.file, this.at.line, this.at.column].filter((p) => p !== undefined).join(':') : '';
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? ` (${this.hint})` : ''}`;
  }
}

/** A bad flag, config file or config value. */
export class ConfigError extends UserError {}

/** A scanned file that cannot be read or parsed. */
export class InputError extends UserError {}

/**
 * Maps offsets to line/column with a precomputed table of line starts: adapters locate thousands of values in one
 * file, and `lineColumn` would rescan the text each time.
 */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low] + 1 };
  }

  location(file: string, offset: number, length?: number): SourceLocation {
    const start = this.at(offset);
    if (length === undefined) return { file, ...start };
    const end = this.at(offset + length);
    return { file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  }
}

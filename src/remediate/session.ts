// The bookkeeping every SourceWriter shares for one write(): each file read once and edited through one buffer,
// the notes for the user, and steps the writer cannot express turned into 'manual' notes.
import type { Resource, SourceLocation } from '../core/types.js';
import type { FixStep } from '../rules/define.js';
import { EditBuffer } from './edits.js';
import { offsetOf } from './text.js';
import type { FixNote, PlannedFix, ReadText, TextEdit, WriteContext } from './types.js';

/** A step a writer cannot express; becomes a 'manual' note at the resource. */
export class WriterProblem extends Error {}

export class WriterSession<F extends { readonly text: string; edits(): TextEdit[] }> {
  readonly files = new Map<string, F>();
  readonly notes: FixNote[] = [];

  constructor(
    readonly readText: ReadText,
    readonly context: WriteContext | undefined,
    private readonly load: (file: string, text: string) => F,
  ) {}

  /** The file under edit, read on first use; throws what readText throws. */
  open(file: string): F {
    let opened = this.files.get(file);
    if (!opened) {
      opened = this.load(file, this.readText(file));
      this.files.set(file, opened);
    }
    return opened;
  }

  /** open(), or undefined when the file cannot be read. */
  tryOpen(file: string): F | undefined {
    try {
      return this.open(file);
    } catch {
      return undefined;
    }
  }

  /** The file's text under the edits so far, or undefined when it cannot be read. */
  tryRead(file: string): string | undefined {
    try {
      return this.files.get(file)?.text ?? this.readText(file);
    } catch {
      return undefined;
    }
  }

  /** The file's text as on disk, ignoring edits so far, or undefined when it cannot be read. */
  tryReadOriginal(file: string): string | undefined {
    try {
      return this.readText(file);
    } catch {
      return undefined;
    }
  }

  /** The scan's other resources with a value from `at`: an edit there changes them too. */
  sharers(resource: Resource, at: SourceLocation): Resource[] {
    return (this.context?.resources ?? []).filter(
      (other) =>
        other !== resource &&
        other.id !== resource.id &&
        [...(other.locations?.values() ?? [])].some(
          (location) => location.file === at.file && location.line === at.line && location.column === at.column,
        ),
    );
  }

  note(fix: PlannedFix, kind: FixNote['kind'], message: string, at?: SourceLocation): void {
    this.notes.push({
      fingerprint: fix.finding.fingerprint,
      ruleId: fix.finding.ruleId,
      kind,
      message,
      ...(at && { at }),
    });
  }

  /** Applies every step in order; a WriterProblem becomes a 'manual' note at the resource. */
  applySteps(fixes: readonly PlannedFix[], apply: (fix: PlannedFix, step: FixStep) => void): void {
    for (const fix of fixes)
      for (const step of fix.steps) {
        try {
          apply(fix, step);
        } catch (error) {
          if (!(error instanceof WriterProblem)) throw error;
          this.note(fix, 'manual', error.message, fix.resource.at);
        }
      }
  }

  edits(): TextEdit[] {
    return [...this.files.values()].flatMap((file) => file.edits());
  }
}

/** A session over plain text buffers (Bicep, HCL), whose adapter locations are line/column of the original text. */
export class TextWriterSession extends WriterSession<EditBuffer> {
  constructor(readText: ReadText, context: WriteContext | undefined) {
    super(readText, context, (file, text) => new EditBuffer(file, text));
  }

  edit(file: string, start: number, end: number, text: string, fingerprint: string): void {
    this.open(file).replace(start, end, text, [fingerprint]);
  }

  /** The current offset of an adapter location, or undefined when an earlier edit replaced that spot. */
  offset(at: SourceLocation): number | undefined {
    const buffer = this.open(at.file);
    return buffer.toCurrent(offsetOf(buffer.original, at.line, at.column));
  }
}

// Text edits for `phiguard fix`: a buffer that composes successive edits of one file into minimal edits of the
// original text, the merge of every writer's edits per file (duplicates collapse, overlaps are rejected), and the
// unified diff shown in a dry run.
import { createTwoFilesPatch } from 'diff';
import type { TextEdit } from './types.js';

interface Piece {
  /** Span of the original text, `[start, end)`, replaced by `text`. */
  start: number;
  end: number;
  text: string;
  fingerprints: Set<string>;
}

/**
 * One file's text under successive edits. Each edit is made against the current text (so a writer can re-parse
 * after every step); `edits()` returns them as non-overlapping edits of the original text, which is what the
 * pipeline merges, diffs and proves untouched outside the edited spans.
 */
export class EditBuffer {
  #pieces: Piece[] = [];
  #text?: string;

  constructor(
    readonly file: string,
    readonly original: string,
  ) {}

  get text(): string {
    if (this.#text === undefined) {
      let out = '';
      let at = 0;
      for (const piece of this.#pieces) {
        out += this.original.slice(at, piece.start) + piece.text;
        at = piece.end;
      }
      this.#text = out + this.original.slice(at);
    }
    return this.#text;
  }

  get changed(): boolean {
    return this.text !== this.original;
  }

  /** The current offset of an original offset, or undefined when that spot was replaced by an earlier edit. */
  toCurrent(offset: number): number | undefined {
    let delta = 0;
    for (const piece of this.#pieces) {
      if (offset <= piece.start) break;
      if (offset < piece.end) return undefined;
      delta += piece.text.length - (piece.end - piece.start);
    }
    return offset + delta;
  }

  /** Replaces `[start, end)` of the current text. */
  replace(start: number, end: number, text: string, fingerprints: Iterable<string> = []): void {
    const current = this.text;
    if (start < 0 || end < start || end > current.length) throw new RangeError(`bad edit [${start}, ${end})`);
    if (current.slice(start, end) === text) return;
    // Current positions of each piece, and the pieces the new edit touches (overlapping or adjacent).
    let delta = 0;
    let first = -1;
    let last = -1;
    let deltaBefore = 0;
    let deltaAfterLast = 0;
    for (let i = 0; i < this.#pieces.length; i++) {
      const piece = this.#pieces[i];
      const curStart = piece.start + delta;
      const curEnd = curStart + piece.text.length;
      if (curEnd < start) {
        delta += piece.text.length - (piece.end - piece.start);
        deltaBefore = delta;
        continue;
      }
      if (curStart > end) break;
      if (first < 0) first = i;
      last = i;
      delta += piece.text.length - (piece.end - piece.start);
      deltaAfterLast = delta;
    }
    const ids = new Set(fingerprints);
    if (first < 0) {
      const originalStart = start - deltaBefore;
      const piece: Piece = { start: originalStart, end: originalStart + (end - start), text, fingerprints: ids };
      const index = this.#pieces.findIndex((p) => p.start > originalStart);
      this.#pieces.splice(index < 0 ? this.#pieces.length : index, 0, piece);
    } else {
      const firstPiece = this.#pieces[first];
      const lastPiece = this.#pieces[last];
      const firstCurStart = firstPiece.start + deltaBefore;
      const lastCurEnd = lastPiece.end + deltaAfterLast;
      const regionStart = Math.min(start, firstCurStart);
      const regionEnd = Math.max(end, lastCurEnd);
      const originalStart = regionStart === firstCurStart ? firstPiece.start : start - deltaBefore;
      const originalEnd = regionEnd === lastCurEnd ? lastPiece.end : end - deltaAfterLast;
      for (let i = first; i <= last; i++) for (const id of this.#pieces[i].fingerprints) ids.add(id);
      const merged: Piece = {
        start: originalStart,
        end: originalEnd,
        text: current.slice(regionStart, start) + text + current.slice(end, regionEnd),
        fingerprints: ids,
      };
      this.#pieces.splice(first, last - first + 1, merged);
    }
    this.#text = undefined;
  }

  /** The composed edits against the original text, dropping any that ended up changing nothing. */
  edits(): TextEdit[] {
    return this.#pieces
      .filter((p) => this.original.slice(p.start, p.end) !== p.text)
      .map((p) => ({ file: this.file, start: p.start, end: p.end, text: p.text, fingerprints: [...p.fingerprints] }));
  }
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error(`overlapping edits in ${edit.file} at offset ${edit.start}`);
    out += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + text.slice(at);
}

export interface EditConflict {
  kept: TextEdit;
  rejected: TextEdit;
}

/**
 * Orders one file's edits, collapses edits that ask for the same change (two findings fixed by one line), and rejects
 * an edit overlapping one already kept: applying both would corrupt the file, and which one is right is a judgement.
 */
export function mergeEdits(edits: readonly TextEdit[]): { edits: TextEdit[]; conflicts: EditConflict[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: TextEdit[] = [];
  const conflicts: EditConflict[] = [];
  for (const edit of sorted) {
    const previous = kept[kept.length - 1];
    if (previous && previous.start === edit.start && previous.end === edit.end && previous.text === edit.text) {
      kept[kept.length - 1] = {
        ...previous,
        fingerprints: [...new Set([...previous.fingerprints, ...edit.fingerprints])],
      };
      continue;
    }
    const overlaps =
      previous !== undefined &&
      (edit.start < previous.end ||
        (edit.start === previous.start && (edit.start === edit.end || previous.start === previous.end)));
    if (overlaps) conflicts.push({ kept: previous, rejected: edit });
    else kept.push(edit);
  }
  return { edits: kept, conflicts };
}

/** A unified diff (`git diff` style) of one file; `before` undefined for a new file. */
export function unifiedDiff(file: string, before: string | undefined, after: string, header?: string): string {
  const patch = createTwoFilesPatch(
    before === undefined ? '/dev/null' : `a/${file}`,
    `b/${file}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff starts with an "Index:"-less "===" banner line; a header line of our own (notes) replaces it.
  const body = patch.replace(/^=+\n/, '');
  return header ? `${header}\n${body}` : body;
}

// Line and indentation arithmetic shared by the Bicep and Terraform writers, which edit source text in place.

/** 1-based line/column -> offset. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + column - 1;
}

/** The whitespace before the first non-blank character of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
}

/** The file's indentation unit: the first indented line's leading whitespace (two spaces, the fmt default). */
export function indentUnit(text: string): string {
  const match = /\n([ \t]+)\S/.exec(text);
  if (!match) return '  ';
  return match[1].startsWith('\t') ? '\t' : match[1];
}

/**
 * The span of whole lines `[start, end)` covers, when nothing else shares them (blanks and a trailing comment
 * matching `comment` aside); else the span itself.
 */
export function lineSpan(
  text: string,
  start: number,
  end: number,
  comment: RegExp = /\/\/.*/,
): { start: number; end: number } {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  if (before.trim() !== '' || !new RegExp(`^\\s*(?:${comment.source})?$`).test(after)) return { start, end };
  return { start: lineStart, end: Math.min(lineEnd + 1, text.length) };
}

// Where and why a record's text is not valid JSON. Only on the error path: JSON.parse says nothing usable (its
// message has no position for most errors and quotes the input, which may hold a key or connection string), so
// jsonc-parser (already a dependency) re-scans the record to find the first error. Messages never quote input.
import { type ParseErrorCode, printParseErrorCode, visit } from 'jsonc-parser';
import type { FrameSegment } from './framer.js';

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'invalid token',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ',' or a closing bracket",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape character in a string',
  InvalidCharacter: 'control character in a string',
};

/** The first syntax error in `text` (character offset and a message without input text). */
export function firstJsonError(text: string): { offset: number; message: string } {
  let found: { offset: number; message: string } | undefined;
  visit(
    text,
    {
      onError(error: ParseErrorCode, offset: number) {
        if (found) return;
        const code = printParseErrorCode(error);
        found = { offset, message: MESSAGES[code] ?? 'invalid JSON' };
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found ?? { offset: 0, message: 'invalid JSON' };
}

/**
 * Line and column (bytes, like the framer's) in the input of a character offset in a framed text, given where the
 * text's runs start in the input.
 */
export function inputPosition(
  text: string,
  charOffset: number,
  segments: readonly FrameSegment[],
): { line: number; column: number } {
  const bytes = Buffer.from(text.slice(0, charOffset), 'utf8');
  const byteOffset = bytes.length;
  let segment = segments[0];
  for (const candidate of segments) if (candidate.offset <= byteOffset) segment = candidate;
  let line = segment.line;
  let lineStart = -1;
  for (let k = segment.offset; k < byteOffset; k++) {
    if (bytes[k] === 0x0a) {
      line++;
      lineStart = k;
    }
  }
  const column = lineStart < 0 ? segment.column + (byteOffset - segment.offset) : byteOffset - lineStart;
  return { line, column };
}

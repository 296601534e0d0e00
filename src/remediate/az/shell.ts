// Shell text helpers for the `fix --az` script: every id and value that reaches bash goes through `quote`, and every
// free text that reaches a comment through `commentText`, so names with spaces, quotes, `$` or newlines stay inert.
import { createHash } from 'node:crypto';
import { redactText } from '../../evidence/redact.js';

/**
 * Shell quoting. Single quotes keep everything literal; text with `$` or a backtick uses bash's $'…' form instead
 * (equally literal once escaped), which reads as intended to a reviewer and to shellcheck (SC2016).
 */
export function quote(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  if (/[$`]/.test(text)) {
    const escaped = text
      .replace(/[\\']/g, (char) => `\\${char}`)
      .replace(/[\u0000-\u001f\u007f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return `$'${escaped}'`;
  }
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * One comment line's worth of text: control characters (a newline would end the comment) become spaces, and
 * secrets a finding message may quote (connection strings, SAS tokens, keys) are redacted.
 */
export function commentText(text: string): string {
  return redactText(text.replace(/[\u0000-\u001f\u007f]+/g, ' ')).trim();
}

/**
 * A file name for a resource's captures (`before/<name>.json`): readable, unique per id (ARM ids compare
 * case-insensitively, so the hash is of the lower-cased id) and short enough for any file system (255 bytes).
 */
export function safeName(id: string): string {
  const hash = createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 10);
  const readable = id
    .replace(/^\/subscriptions\/[^/]+\/resourceGroups\//i, '')
    .replace(/\/providers\//gi, '/')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[_.-]+|_+$/g, '');
  return `${readable.slice(-150)}-${hash}`;
}

/** A shell variable name for a human input (`subnet id` -> `PHIGUARD_INPUT_SUBNET_ID`). */
export function inputVariable(name: string): string {
  const stem = name
    .replace(/^phiguard_input_/i, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return `PHIGUARD_INPUT_${stem || 'VALUE'}`;
}

/** The marker a JSON body carries where an input goes; the script's `fill` replaces it with the variable's value. */
export function inputMarker(variable: string): string {
  return `<${variable}>`;
}

// Three-valued logic for checks whose inputs may be unresolved: a condition is true, false, or blocked by the
// expression that could not be resolved. "Unknown unless the known values already decide" (rules.yaml
// conventions.unresolvable) then falls out of `and`/`or`: one false decides a conjunction, one true a disjunction.
import type { SourceLocation } from '../../../core/types.js';
import type { PathRead } from '../../define.js';

/** Why a condition cannot be decided; shaped for `unknown()`. */
export interface Blocker {
  path: string;
  expression: string;
  at?: SourceLocation;
  /** Replaces the default "depends on <expression>" wording (e.g. for absent required properties). */
  message?: string;
}

export type Tri = boolean | Blocker;

export function isBlocker<T>(value: T | Blocker): value is Blocker {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'expression' in value;
}

export function and(...values: Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.find(isBlocker) ?? true;
}

export function or(...values: Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.find(isBlocker) ?? false;
}

/** The blocker of an unresolved read. */
export function blockerOf(read: PathRead & { state: 'unknown' }): Blocker {
  return { path: read.path, expression: read.expression, at: read.at };
}

/** A required property that is absent: nothing can be concluded from it. */
export function absentBlocker(read: PathRead): Blocker {
  return {
    path: read.path,
    expression: 'absent (required by the API)',
    at: read.at,
    message: `${read.path} is absent although the API requires it`,
  };
}

/** A required string enum: its lower-cased value, or the blocker when it is unresolved or absent. */
export function requiredText(read: PathRead): string | Blocker {
  if (read.state === 'unknown') return blockerOf(read);
  if (typeof read.value === 'string' && read.value !== '') return read.value.toLowerCase();
  if (typeof read.value === 'number') return String(read.value);
  return absentBlocker(read);
}

/** The message an unknown outcome carries for a blocker. */
export function blockerMessage(blocker: Blocker): string {
  return blocker.message ?? `${blocker.path} depends on ${blocker.expression}, which cannot be resolved statically`;
}

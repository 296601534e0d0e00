// The contract between the fix pipeline (src/remediate/fix.ts) and the per-language writers (arm.ts, bicep.ts,
// terraform.ts). The pipeline picks the failing findings, asks each rule for its FixSteps, groups them by the
// language the resource was written in, and applies the writers' text edits; a writer only turns steps into edits.
import type { Finding, Resource, SourceLocation } from '../core/types.js';
import type { FixStep } from '../rules/define.js';

/** One failing finding with the steps its rule returned for it. */
export interface PlannedFix {
  finding: Finding;
  resource: Resource;
  steps: FixStep[];
}

/**
 * Replace `[start, end)` of a file's current text (UTF-16 offsets, as JavaScript strings index) with `text`. An
 * insertion has `start === end`. Edits never overlap; the pipeline rejects a set that does.
 */
export interface TextEdit {
  file: string;
  start: number;
  end: number;
  text: string;
  /** The findings this edit serves (fingerprints), so the diff and the rescan report can be tied back. */
  fingerprints: string[];
}

export type FixNoteKind =
  /** The edited value is a parameter/variable other resources also read: the diff flags it. */
  | 'shared-value'
  /** A value a human must choose was left as a placeholder (a parameter/variable without a default). */
  | 'needs-input'
  /** The rule's fix is a manual step, or the writer cannot express this step in the language. */
  | 'manual';

export interface FixNote {
  fingerprint: string;
  ruleId: string;
  kind: FixNoteKind;
  message: string;
  at?: SourceLocation;
}

export interface WriterResult {
  edits: TextEdit[];
  /**
   * Whole new files (e.g. `phiguard-remediation.tf` beside the module, `phiguard-remediation.bicep` or an ARM
   * template). When the file already exists the writer returns an edit appending to it instead.
   */
  newFiles: { file: string; text: string; fingerprints: string[] }[];
  notes: FixNote[];
}

/** Reads a file's current text (the pipeline caches and serves pending, not yet written, content). */
export type ReadText = (file: string) => string;

/**
 * Placeholders for human input are parameters (ARM, Bicep) or variables (Terraform) named with this prefix and
 * declared without a default, so a rescan reports the dependent finding as "needs review" naming the input.
 */
export const INPUT_PREFIX = 'phiguard_input_';

/** What else the scan saw, beyond the fixes themselves. */
export interface WriteContext {
  /**
   * Every resource of the scan. A writer compares their `locations` with the origin it edits: another resource whose
   * value comes from the same parameter/variable line makes the edit a 'shared-value'.
   */
  resources: readonly Resource[];
}

export interface SourceWriter {
  /** The origins (Resource.origin) this writer edits. */
  origins: readonly Resource['origin'][];
  write(fixes: PlannedFix[], readText: ReadText, context?: WriteContext): WriterResult;
}

// The `phiguard fix` pipeline: scan, pick the failing findings asked for, ask each rule for its FixSteps, let the
// writer of the resource's language turn them into text edits at the value's origin, merge those per file, and after
// the files are written prove each fix by scanning again. A finding is "fixed" only when the rescan says so.
import { cpSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Config } from '../core/config.js';
import { InputError } from '../core/errors.js';
import type { Inventory } from '../core/inventory.js';
import { isObject } from '../core/path.js';
import {
  type Finding,
  LIVE_ORIGINS,
  type Resource,
  type Severity,
  severityRank,
  type ValueObject,
} from '../core/types.js';
import type { WaiverSet } from '../governance/waivers.js';
import type { FixStep, Rule } from '../rules/define.js';
import { runScan, type ScanStats } from '../scan/run.js';
import { applyEdits, mergeEdits, unifiedDiff } from './edits.js';
import { writerFor } from './index.js';
import { type FixNote, INPUT_PREFIX, type PlannedFix, type TextEdit } from './types.js';

export interface FixOptions {
  paths: string[];
  config: Config;
  rules: readonly Rule[];
  parametersFile?: string;
  varFiles?: string[];
  /** A fresh waiver set per scan (a set remembers which waivers were used): waived findings are not fixed. */
  waivers?: () => WaiverSet | undefined;
  /** Only these rules (ids, any case). */
  ruleIds?: readonly string[];
  /** Only findings at or above this severity. */
  minSeverity?: Severity;
  /** `az`: plan for live and snapshot resources (a script), instead of editing IaC files. */
  target?: 'iac' | 'az';
  /** Paths in messages and diffs are shown relative to this directory (default: the current one). */
  cwd?: string;
}

/** One failing finding chosen for fixing, and what became of it. */
export interface Selected {
  finding: Finding;
  resource: Resource;
  /** Rule id + resource address + file: a finding's fingerprint includes its value, so it changes when fixed. */
  subject: string;
  fix?: PlannedFix;
  /** Why there is no automatic fix (no `fix` on the rule, a live resource in IaC mode...). */
  manual?: string;
}

export interface FileChange {
  file: string;
  /** Absent for a new file. */
  before?: string;
  after: string;
  diff: string;
  /** The merged edits of the original text (without a byte-order mark); none for a new file. */
  edits: TextEdit[];
  fingerprints: string[];
  notes: FixNote[];
}

export interface FixPlan {
  selected: Selected[];
  fixes: PlannedFix[];
  changes: FileChange[];
  notes: FixNote[];
  stats: ScanStats;
}

export type FixVerdict = 'fixed' | 'failing' | 'needs-input' | 'manual' | 'declined' | 'planned';

export interface FixResult {
  ruleId: string;
  severity: Severity;
  resource: { address: string; name: string; type: string; file: string | null };
  verdict: FixVerdict;
  message: string;
  /** Placeholders a human must fill (parameter/variable names). */
  inputs: string[];
  fingerprint: string;
  /** What the rescan showed for the subject; absent for a dry run or a finding without a fix. */
  rescan?: 'pass' | 'fail' | 'unknown' | 'absent';
}

const BOM = '\uFEFF';

/** The resource behind a finding across the rescan: ARM addresses are positions, which a deletion shifts. */
function resourceKey(resource: Resource, back: (file: string) => string = (file) => file): string {
  return `${resource.address}|${resource.id}|${back(resource.file ?? resource.at?.file ?? '')}`;
}

function subjectKey(ruleId: string, resource: Resource, back?: (file: string) => string): string {
  return `${ruleId}|${resourceKey(resource, back)}`;
}

function scanInputs(options: FixOptions, rules: readonly Rule[]) {
  return {
    paths: options.paths,
    config: options.config,
    rules,
    parametersFile: options.parametersFile,
    varFiles: options.varFiles,
    waivers: options.waivers?.(),
  };
}

function selectRules(options: FixOptions): readonly Rule[] {
  if (!options.ruleIds?.length) return options.rules;
  const wanted = new Set(options.ruleIds.map((id) => id.toUpperCase()));
  return options.rules.filter((rule) => wanted.has(rule.id.toUpperCase()));
}

/** Scans, selects and plans: every edit is computed, nothing is written. */
export async function planFix(options: FixOptions): Promise<FixPlan> {
  const rules = selectRules(options);
  const byId = new Map(rules.map((rule) => [rule.id, rule]));
  const selected: Selected[] = [];
  let inventory: Inventory | undefined;
  const streamed: Resource[] = [];
  const minimum = options.minSeverity ? severityRank(options.minSeverity) : 0;
  const stats = await runScan({
    ...scanInputs(options, rules),
    onFinding: () => {},
    onInventory: (scanned) => {
      inventory = scanned;
    },
    onSubject(finding, resource) {
      if (finding.status !== 'fail' || severityRank(finding.severity) < minimum) return;
      if (inventory?.byId(resource.id) !== resource) streamed.push(resource);
      selected.push({ finding, resource, subject: subjectKey(finding.ruleId, resource) });
    },
  });
  const resources = [...(inventory?.resources ?? []), ...streamed];
  const wantLive = options.target === 'az';
  const fixes: PlannedFix[] = [];
  for (const entry of selected) {
    const { finding, resource } = entry;
    const rule = byId.get(finding.ruleId);
    if (!rule?.fix) {
      entry.manual = `no automatic fix for ${finding.ruleId} yet${rule?.remediation.note ? `: ${rule.remediation.note}` : ''}`;
      continue;
    }
    const live = LIVE_ORIGINS.has(resource.origin);
    if (live !== wantLive) {
      entry.manual = live
        ? 'a deployed resource, not a source file: use `phiguard fix --az` for a script'
        : 'a source file, not a deployed resource: run `phiguard fix` without --az to edit it';
      continue;
    }
    if (!wantLive && !writerFor(resource.origin)) {
      entry.manual = `phiguard cannot edit ${resource.origin} sources yet`;
      continue;
    }
    let steps: ReturnType<NonNullable<Rule['fix']>>;
    try {
      steps = rule.fix(resource, {
        path: finding.evidence.path,
        actual: finding.evidence.actual,
        config: options.config,
        inventory: inventory ?? emptyInventory(resources),
      });
    } catch (error) {
      throw new Error(`fix of ${rule.id} failed on ${resource.address}: ${(error as Error).message}`, { cause: error });
    }
    if (steps.length === 0) {
      entry.manual = `${finding.ruleId} returned no fix for this resource`;
      continue;
    }
    entry.fix = { finding, resource, steps };
    fixes.push(entry.fix);
  }
  if (wantLive) return { selected, fixes, changes: [], notes: manualNotes(fixes), stats };
  const { changes, notes } = writeChanges(fixes, resources, options.cwd ?? process.cwd());
  return { selected, fixes, changes, notes, stats };
}

function emptyInventory(resources: Resource[]): Inventory {
  // Only reached when every resource was streamed (a snapshot): the rules get what the scan saw.
  return { resources, byId: (id: string) => resources.find((r) => r.id === id) } as unknown as Inventory;
}

function manualNotes(fixes: PlannedFix[]): FixNote[] {
  return fixes.flatMap((fix) =>
    fix.steps.flatMap((step) =>
      step.kind === 'manual'
        ? [
            {
              fingerprint: fix.finding.fingerprint,
              ruleId: fix.finding.ruleId,
              kind: 'manual' as const,
              message: step.why,
            },
          ]
        : [],
    ),
  );
}

/**
 * Splits a fix by the resource each step edits: a `set`/`remove` naming a related resource (a diagnostic setting to
 * complete, a site's config/web child) is written at that resource's own source, which may be another file or even
 * another language than the subject's. Manual steps are dropped (they are notes already).
 */
function retarget(fix: PlannedFix, byId: ReadonlyMap<string, Resource>, notes: FixNote[]): PlannedFix[] {
  const own: FixStep[] = [];
  const related = new Map<Resource, FixStep[]>();
  for (const step of fix.steps) {
    if (step.kind === 'manual') continue;
    if ((step.kind !== 'set' && step.kind !== 'remove') || step.resource === undefined) {
      own.push(step);
      continue;
    }
    const id = step.resource.toLowerCase();
    if (id === fix.resource.id.toLowerCase()) {
      own.push(step);
      continue;
    }
    const target = byId.get(id);
    const { resource: _named, ...plain } = step;
    if (!target) {
      notes.push({
        fingerprint: fix.finding.fingerprint,
        ruleId: fix.finding.ruleId,
        kind: 'manual',
        message: `${step.kind} ${step.path} on ${step.resource} by hand: that resource is not in the scanned sources`,
      });
      continue;
    }
    related.set(target, [...(related.get(target) ?? []), plain as FixStep]);
  }
  const parts: PlannedFix[] = own.length > 0 ? [{ ...fix, steps: own }] : [];
  for (const [resource, steps] of related) parts.push({ ...fix, resource, steps });
  return parts;
}

/** Runs the writers and turns their edits into per-file changes with diffs. Pure apart from reading the sources. */
/** New resources a subject has at most one of (`blobServices/default`, `managementPolicies/default`). */
const SINGLETON_KINDS: ReadonlySet<string> = new Set(['blob-service-properties', 'lifecycle-policy']);

type CreateStep = Extract<FixStep, { kind: 'create' }>;

/**
 * Two findings may each ask for the same singleton child (soft delete and versioning both live on blobServices/
 * default): one resource is written with both settings, since a template declaring it twice does not deploy.
 */
function mergeSingletons(fixes: PlannedFix[]): PlannedFix[] {
  const kept = new Map<string, CreateStep>();
  return fixes.map((fix) => {
    const steps = fix.steps.flatMap((step): FixStep[] => {
      if (step.kind !== 'create' || !SINGLETON_KINDS.has(step.resource)) return [step];
      const { id, origin, file } = fix.resource;
      const key = `${id.toLowerCase()}|${origin}|${file ?? ''}|${step.resource}`;
      const first = kept.get(key);
      if (!first) {
        const copy: CreateStep = { ...step, settings: { ...(step.settings ?? {}) } };
        kept.set(key, copy);
        return [copy];
      }
      first.settings = mergeSettings(first.settings ?? {}, step.settings ?? {});
      first.inputs = [...(first.inputs ?? []), ...(step.inputs ?? [])].filter(
        (input, i, all) => all.findIndex((other) => other.name === input.name) === i,
      );
      return [];
    });
    return { ...fix, steps };
  });
}

/** Objects merge key by key, lists (lifecycle rules) concatenate, and a later scalar wins. */
function mergeSettings(a: ValueObject, b: ValueObject): ValueObject {
  const out: ValueObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    if (Array.isArray(existing) && Array.isArray(value)) out[key] = [...existing, ...value];
    else if (isObject(existing) && isObject(value)) out[key] = mergeSettings(existing, value);
    else out[key] = value;
  }
  return out;
}

function writeChanges(
  fixes: PlannedFix[],
  resources: readonly Resource[],
  cwd: string,
): { changes: FileChange[]; notes: FixNote[] } {
  const texts = new Map<string, { text: string; bom: boolean }>();
  const read = (file: string) => {
    let entry = texts.get(file);
    if (!entry) {
      const raw = readFileSync(file, 'utf8');
      // The adapters locate values in the text without its byte-order mark; it is put back on write.
      entry = { text: raw.startsWith(BOM) ? raw.slice(1) : raw, bom: raw.startsWith(BOM) };
      texts.set(file, entry);
    }
    return entry.text;
  };
  const notes: FixNote[] = manualNotes(fixes);
  const byOrigin = new Map<Resource['origin'], PlannedFix[]>();
  const byId = new Map(resources.map((resource) => [resource.id.toLowerCase(), resource]));
  for (const fix of mergeSingletons(fixes)) {
    for (const part of retarget(fix, byId, notes)) {
      const list = byOrigin.get(part.resource.origin) ?? [];
      list.push(part);
      byOrigin.set(part.resource.origin, list);
    }
  }
  const edits: TextEdit[] = [];
  const created = new Map<string, { text: string; fingerprints: string[] }>();
  for (const [origin, list] of byOrigin) {
    const writer = writerFor(origin);
    if (!writer) continue;
    const result = writer.write(list, read, { resources });
    edits.push(...result.edits);
    notes.push(...result.notes);
    for (const file of result.newFiles) {
      const existing = created.get(file.file);
      if (existing) {
        existing.text += file.text;
        existing.fingerprints.push(...file.fingerprints);
      } else created.set(file.file, { text: file.text, fingerprints: [...file.fingerprints] });
    }
  }
  const byFile = new Map<string, TextEdit[]>();
  for (const edit of edits) {
    const list = byFile.get(edit.file) ?? [];
    list.push(edit);
    byFile.set(edit.file, list);
  }
  const ruleOf = new Map(fixes.map((fix) => [fix.finding.fingerprint, fix.finding.ruleId]));
  const changes: FileChange[] = [];
  for (const [file, fileEdits] of byFile) {
    const merged = mergeEdits(fileEdits);
    const before = read(file);
    for (const { kept, rejected } of merged.conflicts) {
      const at = lineOf(before, rejected.start);
      for (const fingerprint of rejected.fingerprints) {
        notes.push({
          fingerprint,
          ruleId: ruleOf.get(fingerprint) ?? '',
          kind: 'manual',
          message: `its edit at ${display(file, cwd)}:${at} overlaps the fix for ${kept.fingerprints.map((f) => ruleOf.get(f) ?? f).join(', ')} and was not applied: run fix again after this one`,
          at: { file, line: at, column: 1 },
        });
      }
    }
    const after = applyEdits(before, merged.edits);
    if (after === before) continue;
    const bom = texts.get(file)?.bom ? BOM : '';
    const fingerprints = [...new Set(merged.edits.flatMap((e) => e.fingerprints))];
    changes.push({
      file,
      before: bom + before,
      after: bom + after,
      diff: '',
      edits: merged.edits,
      fingerprints,
      notes: [],
    });
  }
  for (const [file, entry] of created) {
    changes.push({
      file,
      after: entry.text,
      diff: '',
      edits: [],
      fingerprints: [...new Set(entry.fingerprints)],
      notes: [],
    });
  }
  const unique = dedupeNotes(notes);
  for (const change of changes) {
    const served = new Set(change.fingerprints);
    change.notes = unique.filter((n) => served.has(n.fingerprint) || n.at?.file === change.file);
    const header = change.notes
      .filter((n) => n.kind !== 'manual')
      .map((n) => `# ${n.kind === 'shared-value' ? 'shared value' : 'needs input'}: ${n.message}`)
      .join('\n');
    change.diff = unifiedDiff(display(change.file, cwd), change.before, change.after, header || undefined);
  }
  changes.sort((a, b) => a.file.localeCompare(b.file));
  return { changes, notes: unique };
}

function dedupeNotes(notes: FixNote[]): FixNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.fingerprint}|${n.kind}|${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function display(file: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/**
 * Writes every change or none: all temporary files first, then the renames. A failure before the renames removes
 * the temporaries and leaves every source as it was.
 */
export async function writeFiles(changes: readonly FileChange[]): Promise<void> {
  const staged: { temporary: string; file: string }[] = [];
  try {
    for (const change of changes) {
      const temporary = join(dirname(change.file), `.${basename(change.file)}.${process.pid}.phiguard-fix.tmp`);
      const mode = change.before === undefined ? undefined : (await stat(change.file)).mode & 0o777;
      staged.push({ temporary, file: change.file });
      await writeFile(temporary, change.after, mode === undefined ? undefined : { mode });
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temporary, { force: true })));
    const failed = staged[staged.length - 1]?.file ?? changes[0]?.file;
    throw new InputError(`cannot write (${(error as NodeJS.ErrnoException).code ?? 'error'}); no file was changed`, {
      file: failed,
    });
  }
  for (const [index, { temporary, file }] of staged.entries()) {
    try {
      await rename(temporary, file);
    } catch (error) {
      await Promise.all(staged.slice(index).map((s) => rm(s.temporary, { force: true })));
      const done = staged.slice(0, index).map((s) => s.file);
      throw new InputError(
        `cannot replace (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        { file },
        done.length ? `already written: ${done.join(', ')}` : 'no file was changed',
      );
    }
  }
}

const INPUT_NAME = new RegExp(`${INPUT_PREFIX}[A-Za-z0-9_]+`, 'g');

function inputsOf(notes: readonly FixNote[], fingerprint: string): string[] {
  const names = notes
    .filter((n) => n.fingerprint === fingerprint && n.kind === 'needs-input')
    .flatMap((n) => n.message.match(INPUT_NAME) ?? []);
  return [...new Set(names)];
}

function result(entry: Selected, verdict: FixVerdict, message: string, inputs: string[] = []): FixResult {
  const { finding, resource } = entry;
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    resource: {
      address: resource.address,
      name: resource.name,
      type: resource.type,
      file: resource.file ?? resource.at?.file ?? null,
    },
    verdict,
    message,
    inputs,
    fingerprint: finding.fingerprint,
  };
}

/** What a dry run would do for each selected finding (no rescan: nothing was written). */
export function planResults(plan: FixPlan): FixResult[] {
  const planned = new Set(plan.changes.flatMap((c) => c.fingerprints));
  return plan.selected.map((entry) => {
    if (!entry.fix) return result(entry, 'manual', entry.manual ?? 'no automatic fix');
    const fingerprint = entry.finding.fingerprint;
    const own = plan.notes.filter((n) => n.fingerprint === fingerprint);
    const inputs = inputsOf(plan.notes, fingerprint);
    if (inputs.length > 0) return result(entry, 'needs-input', needsInputMessage(own), inputs);
    if (!planned.has(fingerprint)) {
      const why = own.filter((n) => n.kind === 'manual').map((n) => n.message);
      return result(entry, 'manual', why.join('; ') || 'no change could be written');
    }
    return result(entry, 'planned', `would change ${entry.finding.evidence.path || 'the resource'}`);
  });
}

function needsInputMessage(notes: readonly FixNote[]): string {
  return notes
    .filter((n) => n.kind === 'needs-input')
    .map((n) => n.message)
    .join('; ');
}

/**
 * Scans again and tells, per selected finding, what the rescan shows for the same subject (rule + resource address +
 * file). `declined` holds the files the user chose not to change (interactive).
 */
export async function verifyFix(
  plan: FixPlan,
  options: FixOptions,
  declined: ReadonlySet<string> = new Set(),
  /** Maps a file of the scanned copy back to the source it copies (previewFix). */
  back: (file: string) => string = (file) => file,
): Promise<{ results: FixResult[]; stats: ScanStats }> {
  const ids = new Set(plan.selected.map((s) => s.finding.ruleId));
  const rules = selectRules(options).filter((rule) => ids.has(rule.id));
  const seen = new Map<string, Finding[]>();
  const present = new Set<string>();
  /** Every verdict by rule, for subjects that moved to a child the fix created (the account -> blobServices/default). */
  const byRule = new Map<string, { id: string; file: string; finding: Finding }[]>();
  const stats = await runScan({
    ...scanInputs(options, rules),
    includePassed: true,
    onFinding: () => {},
    onSubject(finding, resource) {
      const key = subjectKey(finding.ruleId, resource, back);
      present.add(resourceKey(resource, back));
      const list = seen.get(key) ?? [];
      list.push(finding);
      seen.set(key, list);
      const ruleList = byRule.get(finding.ruleId) ?? [];
      ruleList.push({ id: resource.id.toLowerCase(), file: back(resource.file ?? resource.at?.file ?? ''), finding });
      byRule.set(finding.ruleId, ruleList);
    },
  });
  const broken = new Map<string, string>();
  for (const d of stats.diagnostics) {
    if (d.kind === 'parse-error' || d.kind === 'read-error')
      broken.set(back(d.file), `${d.message}${d.line ? ` (line ${d.line})` : ''}`);
  }
  const declinedFingerprints = new Set(plan.changes.filter((c) => declined.has(c.file)).flatMap((c) => c.fingerprints));
  const results = plan.selected.map((entry): FixResult => {
    const verdict = judge(entry);
    if (!entry.fix) return verdict;
    const findings = rescanned(entry);
    const rescan = findings.some((f) => f.status === 'fail')
      ? 'fail'
      : findings.some((f) => f.status === 'unknown')
        ? 'unknown'
        : findings.length > 0
          ? 'pass'
          : 'absent';
    return { ...verdict, rescan };
  });
  return { results, stats };

  /**
   * The subject's verdicts in the rescan: by address, else by id in the same file, else (the rule now reads a child
   * the fix created, a storage account's blobServices/default) the verdicts of its children.
   */
  function rescanned(entry: Selected): Finding[] {
    const own = seen.get(entry.subject);
    if (own?.length) return own;
    const id = entry.resource.id.toLowerCase();
    const file = entry.resource.file ?? entry.resource.at?.file ?? '';
    const sameFile = (byRule.get(entry.finding.ruleId) ?? []).filter((other) => other.file === file);
    // An ARM address is a position: a resource inserted or deleted before it shifts it, its id stays.
    const sameId = sameFile.filter((other) => other.id === id);
    if (sameId.length > 0) return sameId.map((other) => other.finding);
    return sameFile.filter((child) => child.id.startsWith(`${id}/`)).map((child) => child.finding);
  }

  function judge(entry: Selected): FixResult {
    if (!entry.fix) return result(entry, 'manual', entry.manual ?? 'no automatic fix');
    const fingerprint = entry.finding.fingerprint;
    const own = plan.notes.filter((n) => n.fingerprint === fingerprint);
    const manual = own.filter((n) => n.kind === 'manual').map((n) => n.message);
    const inputs = inputsOf(plan.notes, fingerprint);
    if (declinedFingerprints.has(fingerprint)) return result(entry, 'declined', 'the change was not accepted');
    const file = entry.resource.file ?? entry.resource.at?.file ?? '';
    const findings = rescanned(entry);
    const failing = findings.filter((f) => f.status === 'fail');
    const unknown = findings.filter((f) => f.status === 'unknown');
    const passed = findings.filter((f) => f.status === 'pass' || f.status === 'waived');
    if (failing.length > 0 && entry.fix.steps.every((step) => step.kind === 'manual')) {
      return result(entry, 'manual', manual.join('; '));
    }
    if (failing.length > 0) {
      const why = [...new Set(failing.map((f) => f.message))].join('; ');
      return result(entry, 'failing', [why, ...manual].join('; '));
    }
    if (unknown.length > 0) {
      const named = unknown.flatMap((f) => `${f.message} ${String(f.evidence.actual)}`.match(INPUT_NAME) ?? []);
      const all = [...new Set([...inputs, ...named])];
      if (all.length > 0) return result(entry, 'needs-input', needsInputMessage(own) || unknown[0].message, all);
      return result(entry, 'failing', unknown.map((f) => f.message).join('; '));
    }
    if (passed.length > 0) {
      if (inputs.length > 0) {
        return result(entry, 'needs-input', `passes once given: ${needsInputMessage(own)}`, inputs);
      }
      if (manual.length > 0) return result(entry, 'manual', `passes, but by hand: ${manual.join('; ')}`);
      return result(entry, 'fixed', `${entry.finding.evidence.path || 'the resource'} now passes`);
    }
    const problem =
      broken.get(file) ?? [...broken.entries()].find(([f]) => plan.changes.some((c) => c.file === f))?.[1];
    if (problem) return result(entry, 'failing', `the edited source no longer parses: ${problem}`);
    const deleted = entry.fix.steps.some((s) => s.kind === 'delete-resource');
    if (deleted && !present.has(resourceKey(entry.resource))) {
      return result(entry, 'fixed', `${entry.resource.address} was removed`);
    }
    if (manual.length > 0) return result(entry, 'manual', manual.join('; '));
    return result(entry, 'failing', 'not verified: the rescan no longer evaluates this rule on the resource');
  }
}

// Directories a preview does not copy: they hold no sources phiguard scans, and can be large.
const NOT_COPIED = new Set(['.git', 'node_modules', '.terraform']);

/**
 * A dry run's prediction: the changes are written to a temporary copy of the scanned paths, which is rescanned, so
 * each finding says what `--apply` would report. A finding the copy shows passing stays `planned` (nothing was
 * written); the others get the verdict the rescan of the copy gives. Undefined when a change lies outside the
 * scanned paths (a parameter file given elsewhere): then only the plan can be shown.
 */
export async function previewFix(plan: FixPlan, options: FixOptions): Promise<FixResult[] | undefined> {
  if (plan.changes.length === 0) return planResults(plan);
  const cwd = options.cwd ?? process.cwd();
  const roots = options.paths.map((path) => resolve(cwd, path));
  const rootIndex = (file: string) => roots.findIndex((root) => file === root || file.startsWith(`${root}${sep}`));
  if (plan.changes.some((change) => rootIndex(change.file) < 0)) return undefined;
  const temp = await mkdtemp(join(tmpdir(), 'phiguard-preview-'));
  try {
    const copies = roots.map((root, index) => join(temp, String(index), basename(root)));
    for (const [index, root] of roots.entries())
      cpSync(root, copies[index], { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) });
    const there = (file: string) => {
      const index = rootIndex(file);
      return index < 0 ? file : copies[index] + file.slice(roots[index].length);
    };
    const back = (file: string) => {
      const index = copies.findIndex((copy) => file === copy || file.startsWith(`${copy}${sep}`));
      return index < 0 ? file : roots[index] + file.slice(copies[index].length);
    };
    await writeFiles(plan.changes.map((change) => ({ ...change, file: there(change.file) })));
    const copied: FixOptions = {
      ...options,
      paths: copies,
      parametersFile: options.parametersFile && there(resolve(cwd, options.parametersFile)),
      varFiles: options.varFiles?.map((file) => there(resolve(cwd, file))),
    };
    const { results } = await verifyFix(plan, copied, new Set(), back);
    return results.map((r) =>
      r.verdict === 'fixed'
        ? {
            ...r,
            verdict: 'planned',
            message: `${r.message} in a rescan of the changed copy`,
          }
        : r.verdict === 'failing'
          ? { ...r, message: `after this change: ${r.message.split(temp).join('<preview>')}` }
          : r,
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** 0 when every selected finding is fixed (or there was nothing to fix), 1 otherwise, 3 for an incomplete scan. */
export function fixExitCode(results: readonly FixResult[], incomplete: boolean): number {
  if (incomplete) return 3;
  return results.every((r) => r.verdict === 'fixed') ? 0 : 1;
}

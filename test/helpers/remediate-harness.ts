// The writer tests' round trip through the real pipeline pieces: files in a temp dir, a scan with one rule, fixes
// planned from the rule's own `fix` (or hand-made steps), the writer's edits and new files written back, and the
// check that only the edited spans changed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import { type Config, defaultConfig } from '../../src/core/config.js';
import type { Inventory } from '../../src/core/inventory.js';
import type { Finding, Resource } from '../../src/core/types.js';
import { applyEdits } from '../../src/remediate/edits.js';
import type { PlannedFix, SourceWriter, WriterResult } from '../../src/remediate/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import type { FixStep } from '../../src/rules/define.js';
import { runScan } from '../../src/scan/run.js';

/** Call at the top of a test file: returns a maker of temp dirs holding `files`, all removed after the file's tests. */
export function tempFolders(prefix: string): (files: Record<string, string>) => string {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return (files) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
}

/** Every resource holds PHI, so the rules under test apply whatever the tags say. */
export function phiConfig(): Config {
  const config = defaultConfig();
  config.classification.default = 'phi';
  return config;
}

export type Subject = { finding: Finding; resource: Resource };

/** One rule's scan of `dir`. */
export async function scanFor(dir: string, ruleId: string) {
  const rule = RULES.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  const subjects: Subject[] = [];
  const resources: Resource[] = [];
  let inventory: Inventory | undefined;
  const stats = await runScan({
    paths: [dir],
    config: phiConfig(),
    rules: [rule],
    onFinding: () => {},
    onSubject: (finding, resource) => subjects.push({ finding, resource }),
    onInventory: (inv) => {
      inventory = inv;
      resources.push(...inv.resources);
    },
  });
  return { rule, subjects, resources, inventory, stats };
}

export type Scanned = Awaited<ReturnType<typeof scanFor>>;

/** Fixes for `targets`: the scanned rule's own steps for each, or the same hand-made `steps` for all. */
export function planFixes(scanned: Scanned, targets: Subject[], steps: FixStep[] | 'rule'): PlannedFix[] {
  return targets.map(({ finding, resource }) => ({
    finding,
    resource,
    steps:
      steps === 'rule'
        ? (scanned.rule.fix?.(resource, {
            path: finding.evidence.path,
            actual: finding.evidence.actual,
            config: phiConfig(),
            inventory: scanned.inventory as Inventory,
          }) ?? [])
        : steps,
  }));
}

/** Runs the writer and writes its edits and new files to disk; returns its result and the edited files' old texts. */
export function writeFixes(writer: SourceWriter, fixes: PlannedFix[], scanned: Scanned) {
  // Each file read once, so every step of the write sees the same text.
  const texts = new Map<string, string>();
  const readText = (file: string) => {
    const text = texts.get(file) ?? readFileSync(file, 'utf8');
    texts.set(file, text);
    return text;
  };
  const result = writer.write(fixes, readText, { resources: scanned.resources });
  const originals = new Map<string, string>();
  for (const file of new Set(result.edits.map((e) => e.file))) {
    const text = readFileSync(file, 'utf8');
    originals.set(file, text);
    writeFileSync(
      file,
      applyEdits(
        text,
        result.edits.filter((e) => e.file === file),
      ),
    );
  }
  for (const created of result.newFiles) writeFileSync(created.file, created.text);
  return { result, originals };
}

/**
 * Bytes outside the edits' spans are unchanged: the new text is the old with only those spans replaced. `parses`
 * checks each edited file's new text in its own language.
 */
export function assertOnlyEdited(
  result: WriterResult,
  originals: Map<string, string>,
  parses: (file: string, text: string) => void = () => {},
): void {
  for (const [file, original] of originals) {
    const edits = result.edits.filter((e) => e.file === file).sort((a, b) => a.start - b.start);
    const now = readFileSync(file, 'utf8');
    let at = 0;
    let cursor = 0;
    for (const edit of edits) {
      assert.equal(now.slice(cursor, cursor + (edit.start - at)), original.slice(at, edit.start));
      cursor += edit.start - at + edit.text.length;
      at = edit.end;
    }
    assert.equal(now.slice(cursor), original.slice(at));
    parses(file, now);
  }
}

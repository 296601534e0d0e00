// Issue 6 "done when": every positive KICS sample (ARM, Bicep, Terraform) whose rule has an automatic fix is copied,
// fixed with the real pipeline (plan, write, rescan), and must then pass that rule for that resource; the file must
// still parse and every byte outside the edited spans must be unchanged.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Config } from '../../src/core/config.js';
import { UserError } from '../../src/core/errors.js';
import { planFix, verifyFix, writeFiles } from '../../src/remediate/fix.js';
import type { TextEdit } from '../../src/remediate/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { corpusConfig, type Platform, platformOf, type SpecRule } from '../accuracy/harness.js';

const SHARED = new URL('../../../shared/', import.meta.url);
const CORPUS = new URL('corpus/kics/', SHARED);

/**
 * Samples phiguard cannot fix automatically, each with the reason (reviewed). Keyed `<rule> <sample>`.
 */
const EXPECTED_EXCEPTIONS: Record<string, string> = {};

const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as { rules: SpecRule[] };

/** Every original byte outside the edits is in the result, in order, where the edits put it. */
function assertOnlyEditedSpans(before: string, after: string, edits: readonly TextEdit[], label: string): void {
  let shift = 0;
  let previousEnd = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const kept = before.slice(previousEnd, edit.start);
    assert.equal(
      after.slice(previousEnd + shift, edit.start + shift),
      kept,
      `${label}: bytes before offset ${edit.start}`,
    );
    assert.equal(
      after.slice(edit.start + shift, edit.start + shift + edit.text.length),
      edit.text,
      `${label}: edit text`,
    );
    shift += edit.text.length - (edit.end - edit.start);
    previousEnd = edit.end;
  }
  assert.equal(after.slice(previousEnd + shift), before.slice(previousEnd), `${label}: bytes after the last edit`);
}

interface Outcome {
  platform: Platform;
  sample: string;
  attempted: boolean;
  passed: boolean;
  why?: string;
}

async function fixSample(rule: (typeof RULES)[number], config: Config, path: string, platform: Platform) {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-kics-fix-'));
  try {
    const name = platform === 'terraform' ? 'main.tf' : (path.split('/').pop() ?? 'sample');
    const target = join(dir, name);
    cpSync(path, target);
    const options = { paths: [dir], config, rules: [rule], ruleIds: [rule.id] };
    const plan = await planFix(options);
    const automatic = plan.fixes.filter((f) => f.steps.some((s) => s.kind !== 'manual'));
    if (automatic.length === 0) return { attempted: false, passed: false };
    const originals = new Map(plan.changes.map((c) => [c.file, c.before] as const));
    await writeFiles(plan.changes);
    const { results, stats } = await verifyFix(plan, options);
    for (const change of plan.changes) {
      const after = readFileSync(change.file, 'utf8');
      const before = originals.get(change.file);
      if (before !== undefined) assertOnlyEditedSpans(before, after, change.edits, change.file);
    }
    const parseProblem = stats.diagnostics.find((d) => d.kind === 'parse-error');
    const mine = results.filter((r) => automatic.some((f) => f.finding.fingerprint === r.fingerprint));
    // A deleted subject is absent from the rescan: its verdict says whether that was the fix.
    const failing = mine.filter((r) => r.rescan !== 'pass' && r.verdict !== 'fixed');
    return {
      attempted: true,
      passed: !parseProblem && failing.length === 0,
      why: parseProblem
        ? `no longer parses: ${parseProblem.message}`
        : failing.map((r) => `${r.resource.address}: ${r.verdict} (${r.rescan}) ${r.message}`).join('; '),
    };
  } catch (error) {
    if (error instanceof UserError) return { attempted: true, passed: false, why: error.message };
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('fix --apply on the KICS positive samples', async () => {
  const outcomes: Outcome[] = [];
  for (const rule of RULES) {
    const ruleSpec = spec.rules.find((r) => r.id === rule.id);
    const folders = ruleSpec?.crosswalk?.kics ?? [];
    if (!ruleSpec || !rule.fix || folders.length === 0) continue;
    const config = corpusConfig(ruleSpec);
    for (const folder of folders) {
      const [folderPlatform] = folder.split('/');
      const base = new URL(`${folder}/`, CORPUS);
      const dir = existsSync(new URL('test/', base)) ? new URL('test/', base) : base;
      for (const file of readdirSync(dir).sort()) {
        const platform = platformOf(file, folderPlatform);
        if (!file.startsWith('positive') || file.startsWith('positive_expected') || !platform) continue;
        const sample = `${rule.id} ${folder}/${file}`;
        const result = await fixSample(rule, config, fileURLToPath(new URL(file, dir)), platform);
        outcomes.push({ platform, sample, ...result });
      }
    }
  }

  it('reports fixed/attempted per format', (t) => {
    const lines = (['arm', 'bicep', 'terraform'] as const).map((platform) => {
      const attempted = outcomes.filter((o) => o.platform === platform && o.attempted);
      const fixed = attempted.filter((o) => o.passed);
      return `${platform.padEnd(9)} ${fixed.length}/${attempted.length} fixed (of ${outcomes.filter((o) => o.platform === platform).length} positive samples with a fixable rule)`;
    });
    t.diagnostic(`\n${lines.join('\n')}`);
    assert.ok(
      outcomes.some((o) => o.attempted),
      'no sample was attempted',
    );
  });

  it('every attempted fix passes on rescan, or is a reviewed exception', () => {
    const unexpected = outcomes
      .filter((o) => o.attempted && !o.passed && !(o.sample in EXPECTED_EXCEPTIONS))
      .map((o) => `${o.sample}: ${o.why}`);
    assert.deepEqual(unexpected, []);
    const stale = Object.keys(EXPECTED_EXCEPTIONS).filter(
      (sample) => !outcomes.some((o) => o.sample === sample && o.attempted && !o.passed),
    );
    assert.deepEqual(stale, [], 'exceptions that now pass: remove them');
  });
});

// Accuracy against the KICS Terraform samples (../shared/corpus/kics/terraform): for every implemented rule whose
// spec/rules.yaml crosswalk lists `terraform/<query>` folders, every positive sample must fail the rule and no
// negative sample may fail it. Each sample is loaded as a one-file module. Rules the catalog does not implement yet
// are reported as skipped by design, never failed. Figures are printed per rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { type Config, defaultConfig } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Finding } from '../../../src/core/types.js';
import { loadTerraformFiles } from '../../../src/ingest/terraform/index.js';
import { RULES } from '../../../src/rules/catalog/index.js';
import type { Rule } from '../../../src/rules/define.js';
import { Engine } from '../../../src/rules/engine.js';
import { SHARED } from '../../helpers/rule-cases.js';

interface CrosswalkException {
  sample: string;
  resource?: string;
  reason?: string;
}

interface SpecRule {
  id: string;
  crosswalk?: { kics?: string[] };
  crosswalk_config?: Record<string, unknown>;
  crosswalk_exceptions?: (string | CrosswalkException)[];
}

const CORPUS = new URL('corpus/kics/terraform/', SHARED);
const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as { rules: SpecRule[] };

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function corpusConfig(rule: SpecRule): Config {
  const config = defaultConfig();
  // Harness note (rules.yaml crosswalk_harness_notes): phi_scoped rules would otherwise see nothing in scope.
  config.classification.default = 'phi';
  for (const [key, value] of Object.entries(rule.crosswalk_config ?? {})) {
    const segments = key.split('.');
    let target = config as unknown as Record<string, unknown>;
    for (const segment of segments.slice(0, -1))
      target = (target[camel(segment)] ?? target[segment]) as Record<string, unknown>;
    target[camel(segments[segments.length - 1])] = value;
  }
  return config;
}

function exceptionsOf(rule: SpecRule): CrosswalkException[] {
  return (rule.crosswalk_exceptions ?? []).map((entry) => (typeof entry === 'string' ? { sample: entry } : entry));
}

function samplesOf(query: string): { file: string; kind: 'positive' | 'negative'; text: string }[] {
  const dir = new URL(`${query}/`, CORPUS);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.tf') && /^(positive|negative)/.test(file))
    .sort()
    .map((file) => ({
      file,
      kind: file.startsWith('positive') ? ('positive' as const) : ('negative' as const),
      text: readFileSync(new URL(file, dir), 'utf8'),
    }));
}

function evaluate(rule: Rule, config: Config, file: string, text: string): Finding[] {
  const result = loadTerraformFiles({ [file]: text });
  const errors = result.diagnostics.filter((d) => d.kind === 'parse-error');
  assert.deepEqual(errors, [], `${file} must parse`);
  return new Engine([rule], { config }).evaluate(new Inventory(result.resources));
}

const implemented = new Map(RULES.map((rule) => [rule.id, rule]));
const withFolders = spec.rules
  .map((entry) => ({ entry, folders: (entry.crosswalk?.kics ?? []).filter((f) => f.startsWith('terraform/')) }))
  .filter(({ folders }) => folders.length > 0);

describe('KICS Terraform corpus', () => {
  it('lists the rules scored and skipped', () => {
    const skipped = withFolders.filter(({ entry }) => !implemented.has(entry.id)).map(({ entry }) => entry.id);
    const line = `KICS Terraform: ${withFolders.length - skipped.length} rules scored; skipped by design (not implemented yet): ${skipped.length ? skipped.join(', ') : 'none'}`;
    console.log(line);
    assert.ok(withFolders.length > skipped.length, 'no implemented rule lists a terraform/ KICS folder');
  });

  for (const { entry, folders } of withFolders) {
    const rule = implemented.get(entry.id);
    if (!rule) continue;
    it(`${rule.id}: positives fail, negatives do not (${folders.join(', ')})`, (t) => {
      const config = corpusConfig(entry);
      const exceptions = exceptionsOf(entry);
      const counts = { positive: 0, negative: 0, truePositive: 0, trueNegative: 0, excepted: 0 };
      const misses: string[] = [];
      for (const folder of folders) {
        for (const sample of samplesOf(folder.slice('terraform/'.length))) {
          const id = `${folder}/${sample.file}`;
          const sampleExceptions = exceptions.filter((e) => e.sample === id);
          if (sampleExceptions.some((e) => e.resource === undefined)) {
            counts.excepted++;
            continue;
          }
          const failures = evaluate(rule, config, sample.file, sample.text).filter(
            (f) =>
              f.status === 'fail' &&
              !sampleExceptions.some((e) =>
                [f.resource.name, f.resource.address, f.resource.id].some((v) => v.includes(e.resource as string)),
              ),
          );
          counts[sample.kind]++;
          if (sample.kind === 'positive') {
            if (failures.length > 0) counts.truePositive++;
            else misses.push(`${id}: expected a failure, got none`);
          } else if (failures.length === 0) counts.trueNegative++;
          else
            misses.push(
              `${id}: unexpected failure: ${failures.map((f) => `${f.resource.address}: ${f.message}`).join(' | ')}`,
            );
        }
      }
      const total = counts.positive + counts.negative;
      const accuracy = total === 0 ? 0 : (100 * (counts.truePositive + counts.trueNegative)) / total;
      const figures = `${rule.id}: ${counts.truePositive}/${counts.positive} positives failed, ${counts.trueNegative}/${counts.negative} negatives clean, accuracy ${accuracy.toFixed(1)}%, ${counts.excepted} excepted`;
      t.diagnostic(figures);
      console.log(figures);
      assert.ok(total > 0, `${rule.id}: no comparable samples`);
      assert.deepEqual(misses, []);
    });
  }
});

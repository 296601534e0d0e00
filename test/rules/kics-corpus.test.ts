// Accuracy against the KICS peer corpus (../shared/corpus/kics): for every rule whose spec/rules.yaml crosswalk lists
// `arm/<query>` folders, every positive sample must fail the rule and no negative sample may fail it. Bicep twins are
// skipped until the Bicep adapter exists (counted, never silently). Figures are printed per rule.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { type Config, defaultConfig } from '../../src/core/config.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Finding } from '../../src/core/types.js';
import { parseArmTemplate } from '../../src/ingest/arm/index.js';
import { RULES } from '../../src/rules/catalog/index.js';
import type { Rule } from '../../src/rules/define.js';
import { Engine } from '../../src/rules/engine.js';
import { SHARED } from '../helpers/rule-cases.js';

interface CrosswalkException {
  /** `arm/<query>/<file>`, optionally narrowed to one resource (name, address or id substring). */
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

const CORPUS = new URL('corpus/kics/', SHARED);
const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as { rules: SpecRule[] };
const specById = new Map(spec.rules.map((rule) => [rule.id, rule]));

function camel(segment: string): string {
  return segment.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Applies a rules.yaml `crosswalk_config` override (`.phiguard.yaml` keys, snake_case) to the effective config. */
function applyOverride(config: Config, key: string, value: unknown): void {
  const segments = key.split('.');
  let target = config as unknown as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    const next = target[camel(segment)] ?? target[segment];
    if (typeof next !== 'object' || next === null)
      throw new Error(`crosswalk_config ${key}: no config section ${segment}`);
    target = next as Record<string, unknown>;
  }
  target[camel(segments[segments.length - 1])] = value;
}

function corpusConfig(rule: SpecRule): Config {
  const config = defaultConfig();
  // Harness note: phi_scoped rules would otherwise see every corpus resource as not applicable.
  config.classification.default = 'phi';
  for (const [key, value] of Object.entries(rule.crosswalk_config ?? {})) applyOverride(config, key, value);
  return config;
}

function exceptionsOf(rule: SpecRule): CrosswalkException[] {
  return (rule.crosswalk_exceptions ?? []).map((entry) => (typeof entry === 'string' ? { sample: entry } : entry));
}

/** Some KICS samples wrap the template in a Blueprint artifact envelope; the template is `properties.template`. */
function unwrapBlueprint(text: string): string {
  const json = JSON.parse(text) as { type?: unknown; properties?: { template?: unknown } };
  const isArtifact =
    typeof json.type === 'string' && json.type.toLowerCase() === 'microsoft.blueprint/blueprints/artifacts';
  return isArtifact && json.properties?.template ? JSON.stringify(json.properties.template, null, 2) : text;
}

interface Sample {
  file: string;
  kind: 'positive' | 'negative';
  path: URL;
}

function samplesOf(folder: string): { samples: Sample[]; bicep: number } {
  // KICS keeps samples under test/; the copy in corpus/ may have flattened that level.
  const base = new URL(`${folder}/`, CORPUS);
  const dir = existsSync(new URL('test/', base)) ? new URL('test/', base) : base;
  const samples: Sample[] = [];
  let bicep = 0;
  for (const file of readdirSync(dir).sort()) {
    const kind = file.startsWith('positive') ? 'positive' : file.startsWith('negative') ? 'negative' : undefined;
    if (!kind || file.startsWith('positive_expected_result')) continue;
    if (file.endsWith('.bicep')) bicep++;
    else if (file.endsWith('.json')) samples.push({ file, kind, path: new URL(file, dir) });
  }
  return { samples, bicep };
}

function evaluate(rule: Rule, config: Config, sample: Sample): Finding[] {
  const text = unwrapBlueprint(readFileSync(sample.path, 'utf8'));
  const { resources } = parseArmTemplate({ file: sample.file, text });
  return new Engine([rule], { config }).evaluate(new Inventory(resources));
}

const scored = RULES.map((rule) => ({
  rule,
  spec: specById.get(rule.id),
  folders: (specById.get(rule.id)?.crosswalk?.kics ?? []).filter((entry) => entry.startsWith('arm/')),
})).filter((entry) => entry.folders.length > 0);

describe('KICS ARM corpus', () => {
  it('scores at least one rule', () => {
    assert.ok(scored.length > 0, 'no implemented rule lists an arm/ KICS folder');
  });

  for (const { rule, spec: ruleSpec, folders } of scored) {
    it(`${rule.id}: positives fail, negatives do not (${folders.join(', ')})`, (t) => {
      assert.ok(ruleSpec);
      const config = corpusConfig(ruleSpec);
      const exceptions = exceptionsOf(ruleSpec);
      const counts = { positive: 0, negative: 0, truePositive: 0, trueNegative: 0, excepted: 0, bicepSkipped: 0 };
      const misses: string[] = [];
      for (const folder of folders) {
        const query = folder.slice('arm/'.length);
        const { samples, bicep } = samplesOf(`arm/${query}`);
        assert.ok(samples.length > 0, `${folder} has no JSON samples`);
        counts.bicepSkipped += bicep;
        for (const sample of samples) {
          const id = `${folder}/${sample.file}`;
          const sampleExceptions = exceptions.filter((e) => e.sample === id);
          if (sampleExceptions.some((e) => e.resource === undefined)) {
            counts.excepted++;
            continue;
          }
          const failures = evaluate(rule, config, sample).filter(
            (f) =>
              f.status === 'fail' &&
              !sampleExceptions.some(
                (e) =>
                  e.resource !== undefined &&
                  [f.resource.name, f.resource.address, f.resource.id].some((v) => v.includes(e.resource as string)),
              ),
          );
          counts[sample.kind]++;
          if (sample.kind === 'positive') {
            if (failures.length > 0) counts.truePositive++;
            else misses.push(`${id}: expected a failure, got none`);
          } else if (failures.length === 0) {
            counts.trueNegative++;
          } else {
            misses.push(`${id}: unexpected failure: ${failures.map((f) => f.message).join(' | ')}`);
          }
        }
      }
      const total = counts.positive + counts.negative;
      const accuracy = total === 0 ? 0 : (100 * (counts.truePositive + counts.trueNegative)) / total;
      const figures =
        `${rule.id}: ${counts.truePositive}/${counts.positive} positives failed, ` +
        `${counts.trueNegative}/${counts.negative} negatives clean, accuracy ${accuracy.toFixed(1)}%, ` +
        `${counts.excepted} excepted, ${counts.bicepSkipped} Bicep samples skipped (no Bicep adapter yet)`;
      t.diagnostic(figures);
      console.log(figures);
      assert.ok(total > 0, `${rule.id}: no comparable samples`);
      assert.deepEqual(misses, []);
    });
  }
});

// A streamed snapshot must give exactly the verdicts of the same snapshot evaluated in memory, whatever the order
// of its records (children before parents, parents before children).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Finding, Resource } from '../../src/core/types.js';
import { parseSnapshotText } from '../../src/ingest/snapshot/index.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { Engine } from '../../src/rules/engine.js';
import { StreamingEvaluator } from '../../src/rules/stream.js';

const EXAMPLE = new URL('../../examples/contoso-health/', import.meta.url);
const config = parseConfig(readFileSync(new URL('.phiguard.yaml', EXAMPLE), 'utf8'), '.phiguard.yaml');
const resources = parseSnapshotText(
  readFileSync(new URL('snapshot/contoso-health-arg.json', EXAMPLE), 'utf8'),
  'contoso-health-arg.json',
).resources;

function key(findings: Finding[]): string[] {
  return findings.map((f) => `${f.ruleId} ${f.status} ${f.resource.id} ${f.evidence.path} ${f.phi}`).sort();
}

async function streamed(order: Resource[]): Promise<{ findings: Finding[]; engine: Engine }> {
  const engine = new Engine(RULES, { config, includePassed: true });
  const findings: Finding[] = [];
  const evaluator = new StreamingEvaluator(engine, (f) => findings.push(f));
  for (const resource of order) evaluator.push(resource);
  await evaluator.finish();
  return { findings, engine };
}

describe('StreamingEvaluator on the example snapshot', () => {
  const inMemory = new Engine(RULES, { config, includePassed: true });
  const expected = inMemory.evaluate(new Inventory(resources));

  it('has something to compare: failures, passes and child-dependent rules', () => {
    assert.ok(expected.some((f) => f.status === 'fail' && f.ruleId === 'PHI-NET-009'));
    assert.ok(expected.some((f) => f.status === 'pass'));
  });

  for (const [name, order] of [
    ['file order', resources],
    ['reversed (children first)', [...resources].reverse()],
  ] as const) {
    it(`matches in-memory evaluation in ${name}`, async () => {
      const { findings, engine } = await streamed(order);
      assert.deepEqual(key(findings), key(expected));
      assert.equal(engine.evaluatedResources, inMemory.evaluatedResources);
    });
  }
});

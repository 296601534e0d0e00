// The rule modules carry the catalog's public metadata; rule ids, titles, severities, citations and policy ids are
// a contract (spec/rules.yaml) that reports, SARIF and auditors rely on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderRuleDoc } from '../../src/report/rule-doc.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { SHARED } from '../helpers/rule-cases.js';

interface SpecRule {
  id: string;
  title: string;
  severity: string;
  pattern: number;
  phi_scoped: boolean;
  resource_types: string[];
  hipaa: { cite: string; type: string }[];
  azure_policy: { id: string; name: string }[];
}

const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as { rules: SpecRule[] };
const specById = new Map(spec.rules.map((r) => [r.id, r]));
/** An area with at least one rule must have all of its rules (areas arrive whole). */
const IMPLEMENTED_AREAS = [...new Set(RULES.map((rule) => rule.id.split('-')[1]))];

describe('rule catalog', () => {
  it('implements every rule of the implemented areas, and nothing outside the spec', () => {
    const expected = spec.rules.filter((r) => IMPLEMENTED_AREAS.includes(r.id.split('-')[1])).map((r) => r.id);
    const implemented = RULES.map((r) => r.id);
    assert.deepEqual([...implemented].sort(), [...new Set(implemented)].sort(), 'rule ids are unique');
    for (const id of expected) assert.ok(implemented.includes(id), `${id} is not implemented`);
    for (const id of implemented) assert.ok(specById.has(id), `${id} is not in spec/rules.yaml`);
  });

  for (const rule of RULES) {
    it(`${rule.id} metadata matches spec/rules.yaml`, () => {
      const s = specById.get(rule.id);
      assert.ok(s);
      assert.equal(rule.title, s.title);
      assert.equal(rule.severity, s.severity);
      assert.equal(rule.pattern, s.pattern);
      assert.equal(rule.phiScoped, s.phi_scoped);
      assert.deepEqual([...rule.types].sort(), [...s.resource_types].sort());
      assert.deepEqual(
        rule.hipaa.map((c) => `${c.cite}/${c.type}`),
        s.hipaa.map((c) => `${c.cite}/${c.type}`),
      );
      assert.deepEqual(
        rule.policies.map((p) => p.id),
        s.azure_policy.map((p) => p.id),
      );
      assert.ok(rule.docs.evaluation.length > 20, 'documents how it is evaluated');
      assert.ok(rule.docs.references.length > 0, 'cites sources');
      const doc = renderRuleDoc(rule);
      assert.match(doc, new RegExp(`^# ${rule.id}: `));
      for (const cite of s.hipaa) assert.ok(doc.includes(cite.cite), `doc cites ${cite.cite}`);
    });
  }
});

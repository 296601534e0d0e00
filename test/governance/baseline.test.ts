import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Finding } from '../../src/core/types.js';
import {
  Baseline,
  type BaselineEntry,
  baselinable,
  baselineEntry,
  parseBaseline,
  renderBaseline,
} from '../../src/governance/baseline.js';
import { loadTerraformModule } from '../../src/ingest/terraform/index.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { Engine } from '../../src/rules/engine.js';

function entry(fingerprint: string, file: string, address = 'a', ruleId = 'PHI-STG-004'): BaselineEntry {
  return { fingerprint: fingerprint.repeat(32).slice(0, 32), ruleId, address, file };
}

function finding(fingerprint: string, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'PHI-STG-004',
    status: 'fail',
    severity: 'high',
    title: 't',
    message: 'm',
    hipaa: ['164.312(e)(1)'],
    resource: { id: 'x', type: 't', name: 'n', address: 'a' },
    location: null,
    evidence: { path: 'p', actual: null, expected: null },
    fingerprint: fingerprint.repeat(32).slice(0, 32),
    phi: true,
    ...overrides,
  };
}

describe('baseline file', () => {
  it('renders sorted, de-duplicated and byte-stable, one entry per line, and parses back', () => {
    const entries = [entry('b', 'z.tf'), entry('a', 'a.tf', 'y'), entry('c', 'a.tf', 'x'), entry('b', 'z.tf')];
    const text = renderBaseline(entries);
    assert.equal(text, renderBaseline([...entries].reverse()));
    const lines = text.split('\n');
    assert.equal(lines.filter((l) => l.includes('"fingerprint"')).length, 3);
    assert.deepEqual(
      parseBaseline(text, 'b.json').map((e) => e.fingerprint[0]),
      ['c', 'a', 'b'],
      'by file, then address',
    );
    assert.deepEqual(parseBaseline(renderBaseline([]), 'b.json'), []);
  });

  it('rejects malformed JSON, other documents and bad fingerprints with the file and line', () => {
    const error = (text: string) => {
      try {
        parseBaseline(text, 'b.json');
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e;
      }
      assert.fail('expected a ConfigError');
    };
    assert.equal(
      error('{\n  "format": "phiguard-baseline",\n  "findings": [\n    {"a": 1}\n    {"b": 2}\n  ]\n}').at?.line,
      5,
    );
    assert.match(error('{"findings": []}').message, /not a phiguard baseline/);
    assert.match(error('{"format": "phiguard-baseline", "version": 2, "findings": []}').message, /version 2/);
    const bad = error('{\n"format": "phiguard-baseline",\n"version": 1,\n"findings": [\n{"fingerprint": "xyz"}\n]\n}');
    assert.equal(bad.at?.line, 5);
  });
});

describe('Baseline matching', () => {
  it('marks matching failures and reviews, counts new ones and fixed entries, never baselines an expired waiver', () => {
    const baseline = new Baseline('b.json', [entry('a', 'f'), entry('b', 'f'), entry('c', 'f'), entry('d', 'f')]);
    const known = finding('a');
    const review = finding('b', { status: 'unknown' });
    const fresh = finding('e');
    const waived = finding('c', { status: 'waived' });
    const expired = finding('d', {
      waiver: { reason: 'r', expires: '2020-01-01', source: 'file', at: 'w.yaml:2', state: 'expired' },
    });
    for (const f of [known, review, fresh, waived, expired]) baseline.mark(f);
    assert.equal(known.baselined, true);
    assert.equal(review.baselined, true);
    assert.equal(fresh.baselined, undefined);
    assert.equal(waived.baselined, undefined);
    assert.equal(expired.baselined, undefined, 'fail closed: the expiry must be dealt with');
    assert.deepEqual(baseline.summary(), { file: 'b.json', entries: 4, baselined: 2, new: 2, fixed: 0 });
    assert.equal(new Baseline('b.json', [entry('a', 'f'), entry('z', 'f')]).fixed, 2);
    assert.equal(baselinable(expired), false);
    assert.equal(baselinable(finding('q', { status: 'pass' })), false);
  });

  it('keeps matching a Terraform finding after unrelated edits above it, not after its value changes', async () => {
    const source = (prefix: string, tls: string) =>
      `${prefix}resource "azurerm_storage_account" "web" {\n  name = "stweb"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n  min_tls_version = "${tls}"\n}\n`;
    const fingerprints = async (text: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'phiguard-baseline-'));
      writeFileSync(join(dir, 'main.tf'), text);
      const { resources } = await loadTerraformModule(dir, {});
      const engine = new Engine(RULES, { config: defaultConfig() });
      // Same relative file name in every run, as a repository scanned from its root would have.
      for (const r of resources) r.file = 'main.tf';
      return engine
        .evaluate(new Inventory(resources))
        .filter((f) => f.ruleId === 'PHI-STG-004')
        .map((f) => ({ fingerprint: f.fingerprint, line: f.location?.line }));
    };
    const before = await fingerprints(source('', 'TLS1_0'));
    const moved = await fingerprints(source('\n\n# a comment\n', 'TLS1_0'));
    const changed = await fingerprints(source('', 'TLS1_1'));
    assert.equal(before.length, 1);
    assert.notEqual(before[0].line, moved[0].line);
    assert.equal(before[0].fingerprint, moved[0].fingerprint);
    assert.notEqual(before[0].fingerprint, changed[0].fingerprint);
    const baseline = new Baseline('b.json', [baselineEntry(finding('x', { fingerprint: before[0].fingerprint }))]);
    const again = finding('x', { fingerprint: moved[0].fingerprint });
    baseline.mark(again);
    assert.equal(again.baselined, true);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.js';
import { Inventory } from '../../src/core/inventory.js';
import { type Finding, type Resource, Unresolved } from '../../src/core/types.js';
import { readWithDefaults } from '../../src/rules/defaults.js';
import { defineRule, fail, pass, unknown } from '../../src/rules/define.js';
import { Engine } from '../../src/rules/engine.js';
import { StreamingEvaluator } from '../../src/rules/stream.js';

const STORAGE = 'Microsoft.Storage/storageAccounts';
const tlsRule = defineRule({
  id: 'PHI-TST-001',
  title: 'test: TLS',
  severity: 'high',
  pattern: 1,
  hipaa: [{ cite: '164.312(e)(1)', type: 'R' }],
  phiScoped: false,
  types: [STORAGE],
  policies: [],
  remediation: {},
  docs: { evaluation: '', absent: '', references: [] },
  check(account, { read }) {
    const tls = read(account, 'properties.minimumTlsVersion');
    if (tls.state === 'unknown') return unknown(tls);
    return tls.value === 'TLS1_2' ? pass(tls.path, tls.value) : fail(tls, { expected: 'TLS1_2', message: 'old TLS' });
  },
});
const phiOnlyRule = defineRule({ ...tlsRule, id: 'PHI-TST-002', phiScoped: true });

function account(name: string, properties: Resource['properties'], extra: Partial<Resource> = {}): Resource {
  return {
    id: `/subscriptions/s/resourceGroups/rg/providers/${STORAGE}/${name}`,
    type: STORAGE,
    name,
    origin: 'arm',
    address: `resources[${name}]`,
    file: 't.json',
    at: { file: 't.json', line: 3, column: 5 },
    properties,
    apiVersion: '2025-06-01',
    ...extra,
  };
}

describe('Engine', () => {
  it('turns outcomes into findings: unknown is reported with its expression, pass only on request', () => {
    const inventory = new Inventory([
      account('good', { minimumTlsVersion: 'TLS1_2' }),
      account('bad', { minimumTlsVersion: 'TLS1_0' }),
      account('absent', {}),
      account('param', {
        minimumTlsVersion: new Unresolved("[parameters('tls')]", { file: 't.json', line: 9, column: 1 }),
      }),
    ]);
    const engine = new Engine([tlsRule], { config: defaultConfig() });
    const findings = engine.evaluate(inventory);
    const byName = (name: string) => findings.find((f) => f.resource.name === name) as Finding;
    assert.equal(findings.length, 3);
    assert.equal(byName('bad').status, 'fail');
    assert.equal(byName('absent').status, 'fail');
    assert.match(byName('absent').message, /default interpretation is TLS 1\.0/);
    assert.equal(byName('absent').evidence.actual, 'TLS1_0');
    assert.equal(byName('param').status, 'unknown');
    assert.equal(byName('param').evidence.actual, "[parameters('tls')]");
    assert.equal(byName('param').location?.line, 9);
    assert.deepEqual(engine.counts, { pass: 1, fail: 2, unknown: 1, 'not-applicable': 0 });
    const withPassed = new Engine([tlsRule], { config: defaultConfig(), includePassed: true }).evaluate(inventory);
    assert.equal(withPassed.filter((f) => f.status === 'pass').length, 1);
  });

  it('gives fingerprints that ignore line numbers but not the value', () => {
    const engine = new Engine([tlsRule], { config: defaultConfig() });
    const [a] = engine.evaluate(new Inventory([account('bad', { minimumTlsVersion: 'TLS1_0' })]));
    const [moved] = engine.evaluate(
      new Inventory([account('bad', { minimumTlsVersion: 'TLS1_0' }, { at: { file: 't.json', line: 40, column: 5 } })]),
    );
    const [changed] = engine.evaluate(new Inventory([account('bad', { minimumTlsVersion: 'TLS1_1' })]));
    assert.equal(a.fingerprint, moved.fingerprint);
    assert.notEqual(a.fingerprint, changed.fingerprint);
  });

  it('evaluates PHI-scoped rules only on PHI resources, children inheriting from parents', () => {
    const config = defaultConfig();
    config.classification.default = 'non-phi';
    const tagged = account('tagged', { minimumTlsVersion: 'TLS1_0' }, { tags: { 'Data-Classification': 'PHI' } });
    const plain = account('plain', { minimumTlsVersion: 'TLS1_0' });
    const engine = new Engine([phiOnlyRule], { config });
    const findings = engine.evaluate(new Inventory([tagged, plain]));
    assert.deepEqual(
      findings.map((f) => f.resource.name),
      ['tagged'],
    );
    assert.equal(engine.counts['not-applicable'], 1);
  });
});

describe('defaults table', () => {
  it('resolves apiVersion-dependent defaults and refuses to guess an unresolved apiVersion', () => {
    const path = 'properties.supportsHttpsTrafficOnly';
    const modern = readWithDefaults(account('a', {}, { apiVersion: '2023-01-01' }), path);
    const old = readWithDefaults(account('a', {}, { apiVersion: '2018-07-01' }), path);
    const unresolved = readWithDefaults(account('a', {}, { apiVersion: "[parameters('api')]" }), path);
    assert.equal(modern.state === 'default' && modern.value, true);
    assert.equal(old.state === 'default' && old.value, false);
    assert.equal(unresolved.state, 'unknown');
  });

  it('prefers a default the adapter recorded (Terraform provider defaults) over the ARM table', () => {
    const resource = account('a', {}, { origin: 'terraform' });
    resource.absentDefaults = new Map([
      ['properties.allowblobpublicaccess', { value: false, because: 'absent; azurerm 5.x defaults to false' }],
    ]);
    const read = readWithDefaults(resource, 'properties.allowBlobPublicAccess');
    assert.equal(read.state === 'default' && read.value, false);
    assert.match(read.state === 'default' ? read.because : '', /azurerm 5\.x/);
  });

  it('distinguishes template and live semantics for the same property', () => {
    const path = 'properties.allowBlobPublicAccess';
    const template = readWithDefaults(account('a', {}), path);
    const live = readWithDefaults(account('a', {}, { origin: 'snapshot' }), path);
    assert.equal(template.state === 'default' && template.value, undefined);
    assert.match(template.state === 'default' ? template.because : '', /not pinned in template/);
    assert.equal(live.state === 'default' && live.value, true);
  });
});

describe('StreamingEvaluator', () => {
  const containerRule = defineRule({
    ...phiOnlyRule,
    id: 'PHI-TST-003',
    types: [`${STORAGE}/blobServices/containers`],
    check: (container, { inventory }) => {
      const parents = inventory.related(container, 'parent');
      return pass('parents', parents.length);
    },
  });

  it('evaluates children with their parent facts even when the child arrives first', async () => {
    const config = defaultConfig();
    config.classification.default = 'non-phi';
    const base = `/subscriptions/s/resourceGroups/rg/providers/${STORAGE}/sa`;
    const blob: Resource = {
      id: `${base}/blobServices/default`,
      type: `${STORAGE}/blobServices`,
      name: 'sa/default',
      origin: 'snapshot',
      address: 'b',
    };
    const container: Resource = {
      id: `${base}/blobServices/default/containers/c`,
      type: `${STORAGE}/blobServices/containers`,
      name: 'sa/default/c',
      origin: 'snapshot',
      address: 'c',
      tags: { 'data-classification': 'phi' },
    };
    const engine = new Engine([containerRule], { config, includePassed: true });
    const findings: Finding[] = [];
    const stream = new StreamingEvaluator(engine, (f) => findings.push(f));
    stream.push(container);
    assert.equal(findings.length, 0, 'waits for its parent');
    stream.push(blob);
    await stream.finish();
    assert.equal(findings.length, 1);
    assert.equal(findings[0].evidence.actual, 1);
  });
});

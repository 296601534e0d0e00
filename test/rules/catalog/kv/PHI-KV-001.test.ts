import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/kv/PHI-KV-001.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  body,
  cosmosConsumer,
  HSM,
  hsm,
  key,
  live,
  liveVault,
  PAYLOAD,
  storageConsumer,
  vault,
  vaultCase,
} from './support.js';

const purge = parameterCases((expression) => [vault({ enablePurgeProtection: expression })], 'bool', false);
const purgeOn = parameterCases((expression) => [vault({ enablePurgeProtection: expression })], 'bool', true);

ruleCases(rule, {
  pass: [
    vaultCase({ enableSoftDelete: true, enablePurgeProtection: true }, 'purge protection on'),
    vaultCase({ enablePurgeProtection: 'True' }, 'purge protection as the string "True"'),
    purgeOn.fromDefault,
    purgeOn.fromFile,
    liveVault({ enablePurgeProtection: true }, 'purge protection on'),
    payload(PAYLOAD, (vaultBody) => {
      (vaultBody.properties as Record<string, unknown>).enablePurgeProtection = true;
    }),
    templateCase(template([hsm({})]), 'managed HSM 2025-05-01 without the property (swagger default true)'),
    live(body(HSM, 'phihsm', { enablePurgeProtection: true }), 'live managed HSM with purge protection'),
  ],
  fail: [
    vaultCase({ enableSoftDelete: true }, 'purge protection absent', { needle: '"properties"', after: '"phikv"' }),
    vaultCase({ enablePurgeProtection: false }, 'purge protection false', { needle: '"enablePurgeProtection"' }),
    vaultCase({}, 'purge protection absent on an old API version', undefined, { apiVersion: '2016-10-01' }),
    purge.fromDefault,
    purge.fromFile,
    payload(PAYLOAD),
    liveVault({ enablePurgeProtection: false, enableSoftDelete: true }, 'purge protection false'),
    templateCase(
      template([hsm({}, { apiVersion: '2021-06-01-preview' })]),
      'managed HSM on a preview API version without the property (not pinned)',
      { needle: '"properties"', after: '"phihsm"' },
    ),
    live(body(HSM, 'phihsm', { enablePurgeProtection: false }), 'live managed HSM without purge protection'),
  ],
  unknown: [purge.missing],
});

describe('PHI-KV-001 CMK vault label', () => {
  const withConsumers = template([
    vault({}),
    key({}),
    storageConsumer(),
    cosmosConsumer('https://phikv.vault.azure.net/keys/cmk'),
  ]);

  it('labels a vault holding the CMK of PHI resources and names them', () => {
    const [finding] = run(rule, templateCase(withConsumers, 'vault with consumers')).findings;
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.labels, ['CMK vault']);
    assert.match(finding.message, /customer-managed key of PHI resource\(s\) phistore, phicosmos/);
    assert.match(finding.message, /permanently unreadable/);
  });

  it('does not label a vault whose consumers are not PHI', () => {
    const testCase = withConfig(templateCase(withConsumers, 'vault with non-PHI consumers'), (config) => {
      config.classification.default = 'non-phi';
    });
    const [finding] = run(rule, testCase).findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.labels, undefined);
    assert.doesNotMatch(finding.message, /customer-managed key/);
  });

  it('does not label a vault when the consumers use another vault', () => {
    const other = template([vault({}), cosmosConsumer('https://otherkv.vault.azure.net/keys/cmk')]);
    const [finding] = run(rule, templateCase(other, 'consumer of another vault')).findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.labels, undefined);
  });

  it('labels a vault whose key is referenced even when the key resource is not in the scan', () => {
    const tpl = template([vault({}), storageConsumer(undefined, 'undeclared-key')]);
    const [finding] = run(rule, templateCase(tpl, 'consumer of an undeclared key')).findings;
    assert.deepEqual(finding.labels, ['CMK vault']);
  });

  it('says "not set" for a value that is not pinned, and reports the reason', () => {
    const [finding] = run(
      rule,
      templateCase(template([hsm({}, { apiVersion: '2021-06-01-preview' })]), 'hsm'),
    ).findings;
    assert.match(finding.message, /not set/);
    assert.match(finding.message, /not pinned in template/);
  });
});

describe('PHI-KV-001 live payload', () => {
  it('reports the absent value with its default reason', () => {
    const [finding] = run(rule, payload(PAYLOAD)).findings;
    assert.equal(finding.evidence.path, 'properties.enablePurgeProtection');
    assert.match(finding.message, /purge protection is off unless enabled/);
  });

  it('reads a live vault through the snapshot adapter', () => {
    const [finding] = run(
      rule,
      live(body('Microsoft.KeyVault/vaults', 'phikv', { enablePurgeProtection: 'false' })),
    ).findings;
    assert.equal(finding.status, 'fail');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/kv/PHI-KV-002.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, HSM, hsm, key, live, liveVault, PAYLOAD, storageConsumer, vault, vaultCase } from './support.js';

const softDelete = parameterCases((expression) => [vault({ enableSoftDelete: expression })], 'bool', false);

ruleCases(rule, {
  pass: [
    vaultCase({ enableSoftDelete: true, softDeleteRetentionInDays: 90 }, 'soft delete on'),
    vaultCase({}, 'soft delete absent (2025-05-01: created on)'),
    vaultCase({}, 'soft delete absent on API version 2016-10-01 (enforced since 2025)', undefined, {
      apiVersion: '2016-10-01',
    }),
    vaultCase({ enableSoftDelete: 'true' }, 'soft delete as the string "true"'),
    payload(PAYLOAD),
    liveVault({ enableSoftDelete: true, softDeleteRetentionInDays: 7 }, 'soft delete on, 7 days'),
    templateCase(template([hsm({})]), 'managed HSM without the property'),
    live(body(HSM, 'phihsm', { enableSoftDelete: true }), 'live managed HSM'),
  ],
  fail: [
    vaultCase({ enableSoftDelete: false }, 'soft delete false', { needle: '"enableSoftDelete"' }),
    softDelete.fromDefault,
    softDelete.fromFile,
    liveVault({ enableSoftDelete: false }, 'legacy vault with soft delete off'),
    payload(PAYLOAD, (vaultBody) => {
      (vaultBody.properties as Record<string, unknown>).enableSoftDelete = false;
    }),
  ],
  unknown: [softDelete.missing],
});

describe('PHI-KV-002 evidence', () => {
  it('reports the retention period on a pass, from the value or its default', () => {
    const [seven] = run(rule, liveVault({ enableSoftDelete: true, softDeleteRetentionInDays: 7 }, 'x')).findings;
    assert.match(seven.message, /retention 7 days/);
    const [absent] = run(rule, vaultCase({}, 'absent')).findings;
    assert.match(absent.message, /retention 90 days/);
  });

  it('labels a CMK vault with soft delete off', () => {
    const tpl = template([vault({ enableSoftDelete: false }), key({}), storageConsumer()]);
    const [finding] = run(rule, templateCase(tpl, 'cmk vault')).findings;
    assert.equal(finding.status, 'fail');
    assert.deepEqual(finding.labels, ['CMK vault']);
    assert.match(finding.message, /phistore/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-002.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { account, BLOB_SERVICE, body, nonPhi, res } from './support.js';

const service = (properties: Record<string, unknown>) => res(BLOB_SERVICE, 'phistore/default', properties);
const softDelete = (policy: Record<string, unknown>) => service({ deleteRetentionPolicy: policy });
const days = parameterCases((expression) => [account(), softDelete({ enabled: true, days: expression })], 'int', 3);

ruleCases(rule, {
  pass: [
    resourcesCase([account(), softDelete({ enabled: true, days: 7 })], '7 days (the default minimum)'),
    resourcesCase(
      [account(), softDelete({ enabled: 'True', days: 30, allowPermanentDelete: false })],
      '"True", 30 days',
    ),
    resourcesCase(
      [
        {
          ...account(),
          resources: [res('blobServices', 'default', { deleteRetentionPolicy: { enabled: true, days: 14 } })],
        },
      ],
      'nested blobServices child, 14 days',
    ),
    liveCase(
      [body(BLOB_SERVICE, 'phistore/default', { deleteRetentionPolicy: { enabled: true, days: 14 } })],
      'enabled 14 days',
    ),
    withConfig(resourcesCase([account(), softDelete({ enabled: true, days: 30 })], '30 days'), (config) => {
      config.retention.softDeleteMinDays = 30;
    }),
  ],
  fail: [
    resourcesCase([account()], 'no blobServices resource'),
    resourcesCase([account(), service({})], 'blobServices without deleteRetentionPolicy'),
    resourcesCase([account(), softDelete({ enabled: false, days: 7 })], 'disabled', { needle: '"enabled": false' }),
    resourcesCase([account(), softDelete({ enabled: true, days: 3 })], '3 days', { needle: '"days": 3' }),
    resourcesCase(
      [account(), softDelete({ enabled: true, days: 14, allowPermanentDelete: true })],
      'allowPermanentDelete',
      {
        needle: '"allowPermanentDelete": true',
      },
    ),
    days.fromDefault,
    days.fromFile,
    liveCase(
      [
        body(BLOB_SERVICE, 'phistore/default', {
          deleteRetentionPolicy: { allowPermanentDelete: false, enabled: false },
        }),
      ],
      'disabled',
    ),
    withConfig(
      resourcesCase([account(), softDelete({ enabled: true, days: 7 })], '7 days under a 14-day minimum'),
      (config) => {
        config.retention.softDeleteMinDays = 14;
      },
    ),
  ],
  unknown: [days.missing, resourcesCase([account(), softDelete({ enabled: true })], 'enabled without days')],
  notApplicable: [
    resourcesCase([account('phistore', { kind: 'FileStorage', sku: { name: 'Premium_LRS' } })], 'FileStorage account'),
    nonPhi(resourcesCase([account()], 'no blobServices resource')),
  ],
});

describe('PHI-BAK-002 subjects and messages', () => {
  it('evaluates an account with a blobServices child through the child only', () => {
    const { findings, engine } = run(rule, resourcesCase([account(), softDelete({ enabled: false })], 'disabled'));
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [[BLOB_SERVICE, 'fail']],
    );
    assert.equal(engine.counts['not-applicable'], 1);
  });

  it('reports container soft delete as an advisory on a pass', () => {
    const [finding] = run(
      rule,
      resourcesCase([account(), softDelete({ enabled: true, days: 7 })], 'x'),
    ).findings.filter((f) => f.resource.type === BLOB_SERVICE);
    assert.equal(finding.status, 'pass');
    assert.match(finding.message, /advisory: container soft delete/);
  });

  it('names the configured minimum', () => {
    const testCase = withConfig(resourcesCase([account(), softDelete({ enabled: true, days: 7 })], 'x'), (config) => {
      config.retention.softDeleteMinDays = 10;
    });
    const failure = run(rule, testCase).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /7 day\(s\), less than the 10-day minimum/);
  });
});

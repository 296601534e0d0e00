import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-003.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run } from '../../../helpers/rule-cases.js';
import { account, BLOB_SERVICE, body, nonPhi, res } from './support.js';

const service = (properties: Record<string, unknown>) => res(BLOB_SERVICE, 'phistore/default', properties);
const versioning = parameterCases(
  (expression) => [account(), service({ isVersioningEnabled: expression })],
  'bool',
  false,
);

ruleCases(rule, {
  pass: [
    resourcesCase([account(), service({ isVersioningEnabled: true })], 'versioning on'),
    resourcesCase([account(), service({ isVersioningEnabled: 'true' })], 'versioning "true"'),
    liveCase([body(BLOB_SERVICE, 'phistore/default', { isVersioningEnabled: true })], 'versioning on'),
  ],
  fail: [
    resourcesCase([account()], 'no blobServices resource'),
    resourcesCase(
      [account(), service({ deleteRetentionPolicy: { enabled: true, days: 7 } })],
      'isVersioningEnabled absent',
    ),
    resourcesCase([account(), service({ isVersioningEnabled: false })], 'versioning off', {
      needle: '"isVersioningEnabled": false',
    }),
    versioning.fromDefault,
    versioning.fromFile,
    liveCase([body(BLOB_SERVICE, 'phistore/default', { isVersioningEnabled: false })], 'versioning off'),
  ],
  unknown: [versioning.missing],
  notApplicable: [
    resourcesCase([account('phistore', { kind: 'FileStorage', sku: { name: 'Premium_LRS' } })], 'FileStorage account'),
    nonPhi(resourcesCase([account(), service({ isVersioningEnabled: false })], 'versioning off')),
  ],
});

describe('PHI-BAK-003 messages', () => {
  it('adds the hierarchical namespace advisory', () => {
    const hns = run(rule, resourcesCase([account('phistore', {}, { isHnsEnabled: true })], 'hns')).findings;
    assert.equal(hns.length, 1);
    assert.equal(hns[0].status, 'fail');
    assert.match(hns[0].message, /advisory: the account has a hierarchical namespace/);
    const flat = run(rule, resourcesCase([account()], 'flat')).findings;
    assert.doesNotMatch(flat[0].message, /hierarchical/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-003.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { account, BLOB_SERVICE, body, liveCase, nonPhi, parameterCases, res, templateCase } from './support.js';

const service = (properties: Record<string, unknown>) => res(BLOB_SERVICE, 'phistore/default', properties);
const versioning = parameterCases(
  (expression) => [account(), service({ isVersioningEnabled: expression })],
  'bool',
  false,
);

ruleCases(rule, {
  pass: [
    templateCase([account(), service({ isVersioningEnabled: true })], 'versioning on'),
    templateCase([account(), service({ isVersioningEnabled: 'true' })], 'versioning "true"'),
    liveCase([body(BLOB_SERVICE, 'phistore/default', { isVersioningEnabled: true })], 'versioning on'),
  ],
  fail: [
    templateCase([account()], 'no blobServices resource'),
    templateCase(
      [account(), service({ deleteRetentionPolicy: { enabled: true, days: 7 } })],
      'isVersioningEnabled absent',
    ),
    templateCase([account(), service({ isVersioningEnabled: false })], 'versioning off', {
      needle: '"isVersioningEnabled": false',
    }),
    versioning.fromDefault,
    versioning.fromFile,
    liveCase([body(BLOB_SERVICE, 'phistore/default', { isVersioningEnabled: false })], 'versioning off'),
  ],
  unknown: [versioning.missing],
  notApplicable: [
    templateCase([account('phistore', { kind: 'FileStorage', sku: { name: 'Premium_LRS' } })], 'FileStorage account'),
    nonPhi(templateCase([account(), service({ isVersioningEnabled: false })], 'versioning off')),
  ],
});

describe('PHI-BAK-003 messages', () => {
  it('adds the hierarchical namespace advisory', () => {
    const hns = run(rule, templateCase([account('phistore', {}, { isHnsEnabled: true })], 'hns')).findings;
    assert.equal(hns.length, 1);
    assert.equal(hns[0].status, 'fail');
    assert.match(hns[0].message, /advisory: the account has a hierarchical namespace/);
    const flat = run(rule, templateCase([account()], 'flat')).findings;
    assert.doesNotMatch(flat[0].message, /hierarchical/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-008.js';
import { payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { cosmosCases } from './cosmos.js';

const cases = cosmosCases('disableLocalAuth');
const nonPhi = (config: { classification: { default: 'phi' | 'non-phi' } }) => {
  config.classification.default = 'non-phi';
};

ruleCases(rule, {
  pass: cases.compliant,
  fail: cases.noncompliant,
  unknown: cases.unresolved,
  notApplicable: [withConfig(cases.untagged(false), nonPhi)],
});

describe('PHI-IAM-008 messages', () => {
  it('explains an absent value with the service default', () => {
    const [finding] = run(rule, payload('cosmosdb_account_get_2025-10-15.json')).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /local authentication is enabled/);
    assert.match(finding.message, /service default false/);
  });
});

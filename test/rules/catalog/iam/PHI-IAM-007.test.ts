import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-007.js';
import { payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { cosmosCases } from './cosmos.js';

const cases = cosmosCases('disableKeyBasedMetadataWriteAccess');

ruleCases(rule, {
  pass: cases.compliant,
  fail: [
    ...cases.noncompliant,
    // Not PHI-scoped: an unclassified account is evaluated as well.
    withConfig(cases.untagged(false), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
  unknown: cases.unresolved,
});

describe('PHI-IAM-007 messages', () => {
  it('says what key-based metadata writes allow', () => {
    const [finding] = run(rule, payload('cosmosdb_account_get_2025-10-15.json')).findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.evidence.path, 'properties.disableKeyBasedMetadataWriteAccess');
    assert.match(finding.message, /Account-key clients can create, change and delete databases/);
  });
});

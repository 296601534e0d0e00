import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-007.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { BV, body, nonPhi, PAYLOADS, RSV } from './support.js';
import { bv, rsv, security } from './vaults.js';

const KEY = 'https://phi-kv.vault.azure.net/keys/backup-cmk';
const rsvKey = (keyUri: unknown) => ({
  encryption: { keyVaultProperties: { keyUri }, infrastructureEncryption: 'Enabled' },
});
const bvKey = (settings: Record<string, unknown>) => security({ encryptionSettings: settings });
const state = parameterCases(
  (expression) => [bv(bvKey({ state: expression, keyVaultProperties: { keyUri: KEY } }))],
  'string',
  'Disabled',
);

ruleCases(rule, {
  pass: [
    payload(PAYLOADS.bv),
    resourcesCase([rsv(rsvKey(KEY))], 'Recovery Services vault with a key URI'),
    resourcesCase([rsv(rsvKey("[reference('key').keyUriWithVersion]"))], 'key URI from reference() (presence test)'),
    resourcesCase([bv(bvKey({ keyVaultProperties: { keyUri: KEY } }))], 'Backup vault key URI without state'),
    liveCase([body(RSV, 'phi-rsv', rsvKey(KEY))], 'key URI'),
  ],
  fail: [
    payload(PAYLOADS.rsv),
    resourcesCase([rsv()], 'Recovery Services vault without encryption'),
    resourcesCase([bv()], 'Backup vault without encryptionSettings'),
    resourcesCase([bv(bvKey({ state: 'Disabled', keyVaultProperties: { keyUri: KEY } }))], 'state Disabled', {
      needle: '"state": "Disabled"',
    }),
    liveCase([body(BV, 'phi-bv', bvKey({ state: 'Inconsistent' }))], 'Inconsistent'),
    state.fromDefault,
    state.fromFile,
  ],
  unknown: [state.missing],
  notApplicable: [nonPhi(payload(PAYLOADS.rsv)), nonPhi(resourcesCase([rsv()], 'no CMK'))],
});

describe('PHI-BAK-007 messages', () => {
  it('calls a platform-managed key what it is, never "unencrypted"', () => {
    const [finding] = run(rule, payload(PAYLOADS.rsv)).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /platform-managed key/);
    assert.doesNotMatch(finding.message, /unencrypted|not encrypted/i);
  });
});

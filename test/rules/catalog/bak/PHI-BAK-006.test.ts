import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-006.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, PAYLOADS, RSV } from './support.js';
import { bv, rsv, security } from './vaults.js';

const immutability = (state: unknown) => security({ immutabilitySettings: { state } });
const state = parameterCases((expression) => [bv(immutability(expression))], 'string', 'Disabled');

ruleCases(rule, {
  pass: [
    resourcesCase([rsv(immutability('Locked'))], 'Recovery Services vault Locked'),
    resourcesCase([bv(immutability('unlocked'))], 'Backup vault unlocked'),
    liveCase([body(RSV, 'phi-rsv', immutability('Locked'))], 'Locked'),
    payload(PAYLOADS.bv, (b) => {
      (
        b.properties as { securitySettings: { immutabilitySettings: { state: string } } }
      ).securitySettings.immutabilitySettings.state = 'Locked';
    }),
  ],
  fail: [
    payload(PAYLOADS.rsv),
    payload(PAYLOADS.bv),
    resourcesCase([rsv()], 'Recovery Services vault without immutabilitySettings'),
    resourcesCase([bv()], 'Backup vault without immutabilitySettings'),
    resourcesCase([rsv(immutability('Disabled'))], 'Disabled', { needle: '"state": "Disabled"' }),
    state.fromDefault,
    state.fromFile,
  ],
  unknown: [state.missing],
});

describe('PHI-BAK-006 messages', () => {
  it('passes Unlocked with an advisory to lock', () => {
    const [finding] = run(rule, resourcesCase([rsv(immutability('Unlocked'))], 'x')).findings;
    assert.equal(finding.status, 'pass');
    assert.match(finding.message, /advisory: lock it/);
  });
});

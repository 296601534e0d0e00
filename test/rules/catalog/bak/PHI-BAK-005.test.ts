import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-005.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { BV, body, PAYLOADS } from './support.js';
import { bv, rsv, security } from './vaults.js';

const state = parameterCases(
  (expression) => [
    rsv(security({ softDeleteSettings: { softDeleteState: expression, softDeleteRetentionPeriodInDays: 14 } })),
  ],
  'string',
  'Disabled',
);

ruleCases(rule, {
  pass: [
    payload(PAYLOADS.rsv),
    resourcesCase([rsv()], 'Recovery Services vault without softDeleteSettings (Enabled, 14 days)'),
    resourcesCase(
      [rsv(security({ softDeleteSettings: { softDeleteState: 'AlwaysON', softDeleteRetentionPeriodInDays: 30 } }))],
      'AlwaysON 30 days',
    ),
    resourcesCase([bv()], 'Backup vault without softDeleteSettings (On, 14 days)'),
    resourcesCase(
      [bv(security({ softDeleteSettings: { state: 'alwayson', retentionDurationInDays: 14 } }))],
      'alwayson',
    ),
    liveCase(
      [body(BV, 'phi-bv', security({ softDeleteSettings: { state: 'On', retentionDurationInDays: 90 } }))],
      'On 90 days',
    ),
  ],
  fail: [
    payload(PAYLOADS.bv),
    state.fromDefault,
    state.fromFile,
    resourcesCase([rsv(security({ softDeleteSettings: { softDeleteState: 'Invalid' } }))], 'Invalid'),
    resourcesCase(
      [rsv(security({ softDeleteSettings: { softDeleteState: 'Enabled', softDeleteRetentionPeriodInDays: 7 } }))],
      '7 days',
      {
        needle: '"softDeleteRetentionPeriodInDays": 7',
      },
    ),
    resourcesCase([bv(security({ softDeleteSettings: { state: 'Off', retentionDurationInDays: 14 } }))], 'Off', {
      needle: '"state": "Off"',
    }),
    payload(PAYLOADS.rsv, (b) => {
      const settings = (b.properties as { securitySettings: { softDeleteSettings: Record<string, unknown> } })
        .securitySettings;
      settings.softDeleteSettings.softDeleteState = 'Disabled';
    }),
  ],
  unknown: [state.missing],
});

describe('PHI-BAK-005 messages', () => {
  it('advises AlwaysOn when soft delete can still be turned off', () => {
    const [enabled] = run(rule, payload(PAYLOADS.rsv)).findings;
    assert.equal(enabled.status, 'pass');
    assert.match(enabled.message, /advisory: AlwaysON makes soft delete irreversible/);
    const [always] = run(
      rule,
      resourcesCase([bv(security({ softDeleteSettings: { state: 'AlwaysOn' } }))], 'x'),
    ).findings;
    assert.doesNotMatch(always.message, /advisory/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../../src/core/config.js';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-011.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { addClass, body, both, clinical, nonPhi, PAYLOADS, RSV_POLICY, res } from './support.js';
import { rsv } from './vaults.js';

type Json = Record<string, unknown>;

const PROTECTED_ITEM = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems';
const SQL_LTR = 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies';

function longTerm(schedules: Record<string, [unknown, string]>): Json {
  const policy: Json = { retentionPolicyType: 'LongTermRetentionPolicy' };
  for (const [schedule, [count, durationType]] of Object.entries(schedules)) {
    policy[`${schedule}Schedule`] = { retentionDuration: { count, durationType } };
  }
  return policy;
}

const policy = (retentionPolicy: Json, name = 'vm-policy') =>
  res(RSV_POLICY, `phi-rsv/${name}`, { backupManagementType: 'AzureIaasVM', retentionPolicy });
const vm = (tags: Json = {}) =>
  res(
    'Microsoft.Compute/virtualMachines',
    'vm1',
    { hardwareProfile: { vmSize: 'Standard_D2s_v5' } },
    { apiVersion: '2024-07-01', tags },
  );
const item = (policyId: string, source = "[resourceId('Microsoft.Compute/virtualMachines', 'vm1')]") =>
  res(PROTECTED_ITEM, 'phi-rsv/Azure/iaasvmcontainer;iaasvmcontainerv2;rg;vm1/vm;iaasvmcontainerv2;rg;vm1', {
    protectedItemType: 'Microsoft.Compute/virtualMachines',
    policyId,
    sourceResourceId: source,
  });
const linkTo = (name = 'vm-policy') =>
  `[resourceId('Microsoft.RecoveryServices/vaults/backupPolicies', 'phi-rsv', '${name}')]`;

const archive = (config: Config) => {
  config.retention.backups.role = 'archive';
};
const shortClass = addClass({
  name: 'short-lived',
  minYears: 0,
  maxYears: 1,
  match: { tags: { 'data-class': ['short-lived'] }, containers: [] },
});
const count = parameterCases((expression) => [rsv(), policy(longTerm({ yearly: [expression, 'Years'] }))], 'int', 12);
const withDuration = (duration: string) =>
  payload(PAYLOADS.bvPolicy, (b) => {
    const rules = (b.properties as { policyRules: Json[] }).policyRules;
    ((rules[2].lifecycles as Json[])[0].deleteAfter as Json).duration = duration;
  });

ruleCases(rule, {
  pass: [
    payload(PAYLOADS.bvPolicy),
    resourcesCase([rsv(), policy(longTerm({ daily: [30, 'Days'] }))], 'daily 30 days'),
    resourcesCase(
      [rsv(), policy(longTerm({ daily: [30, 'Days'], yearly: [10, 'Years'] }))],
      'yearly 10 years (3653 days)',
    ),
    withConfig(resourcesCase([rsv(), policy(longTerm({ yearly: [7, 'Years'] }))], 'archive role, 7 years'), archive),
    withConfig(
      resourcesCase([rsv(), policy(longTerm({ monthly: [121, 'Months'] }))], '121 months with 31 grace days'),
      (config) => {
        config.retention.backups.maxGraceDays = 31;
      },
    ),
    liveCase(
      [body(SQL_LTR, 'phisql/phidb/default', { weeklyRetention: 'P12W', yearlyRetention: 'P10Y', weekOfYear: 1 })],
      'SQL LTR 10 years',
    ),
    payload(PAYLOADS.postgres),
    payload(PAYLOADS.cosmos),
    withConfig(
      resourcesCase(
        [rsv(), policy(longTerm({ daily: [30, 'Days'] })), vm({ 'data-class': 'short-lived' }), item(linkTo())],
        'short-lived VM, 30 days',
      ),
      shortClass,
    ),
  ],
  fail: [
    resourcesCase([rsv(), policy(longTerm({ daily: [30, 'Days'], yearly: [11, 'Years'] }))], 'yearly 11 years', {
      needle: '"count": 11',
    }),
    resourcesCase([rsv(), policy(longTerm({ monthly: [121, 'Months'] }))], '121 months'),
    withDuration('P20Y'),
    withConfig(payload(PAYLOADS.bvPolicy), archive),
    withConfig(
      resourcesCase([rsv(), policy(longTerm({ yearly: [6, 'Years'] }))], 'yearly 6 years under a 5-year maximum'),
      clinical({ maxYears: 5 }),
    ),
    resourcesCase(
      [res(SQL_LTR, 'phisql/phidb/default', { yearlyRetention: 'P11Y', weekOfYear: 1 })],
      'SQL LTR 11 years',
      {
        needle: '"yearlyRetention": "P11Y"',
      },
    ),
    withConfig(payload(PAYLOADS.postgres), archive),
    withConfig(
      liveCase(
        [
          body('Microsoft.DocumentDB/databaseAccounts', 'phicosmos', {
            backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } },
          }),
        ],
        'Cosmos DB continuous 7 days',
      ),
      archive,
    ),
    count.fromDefault,
    count.fromFile,
    withConfig(
      resourcesCase(
        [rsv(), policy(longTerm({ daily: [400, 'Days'] })), vm({ 'data-class': 'short-lived' }), item(linkTo())],
        'short-lived VM, 400 days',
      ),
      shortClass,
    ),
    liveCase(
      [
        body(RSV_POLICY, 'phi-rsv/simple', {
          retentionPolicy: {
            retentionPolicyType: 'SimpleRetentionPolicy',
            retentionDuration: { count: 530, durationType: 'Weeks' },
          },
        }),
      ],
      'simple retention 530 weeks (3710 days)',
    ),
  ],
  unknown: [
    count.missing,
    resourcesCase(
      [rsv(), policy(longTerm({ daily: [30, 'Days'] })), vm(), item("[parameters('policyId')]")],
      'protected item linked through an unresolved policy id',
    ),
    withDuration('P1X'),
  ],
  notApplicable: [
    withConfig(payload(PAYLOADS.bvPolicy), clinical({ maxYears: null })),
    resourcesCase(
      [rsv(), policy(longTerm({ daily: [30, 'Days'] })), vm(), item(linkTo('other-policy'))],
      'policy no item uses',
    ),
    liveCase(
      [
        body(RSV_POLICY, 'phi-rsv/unused', {
          protectedItemsCount: 0,
          retentionPolicy: longTerm({ yearly: [20, 'Years'] }),
        }),
      ],
      'protectedItemsCount 0',
    ),
    withConfig(
      resourcesCase(
        [
          rsv({}, { tags: { 'data-classification': 'phi' } }),
          policy(longTerm({ yearly: [20, 'Years'] })),
          vm(),
          item(linkTo()),
        ],
        'PHI vault protecting a non-PHI VM',
      ),
      (config) => {
        config.classification.default = 'non-phi';
      },
    ),
    nonPhi(payload(PAYLOADS.bvPolicy)),
  ],
});

describe('PHI-BAK-011 messages', () => {
  it('cites the class, its maximum and the schedule', () => {
    const failure = run(rule, withDuration('P20Y')).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(
      failure.message,
      /Backup policy 'OSSDBPolicy' keeps recovery points up to 7305 days \(retention rule Weekly P20Y in VaultStore\)/,
    );
    assert.match(failure.message, /phi-clinical maximum of 10 years \(3653 days\)/);
    assert.match(failure.message, /conflicts with your retention schedule \(\.phiguard\.yaml\)/);
    assert.doesNotMatch(failure.message, /HIPAA requires/i);
  });

  it('reports the archive-role minimum', () => {
    const failure = run(rule, withConfig(payload(PAYLOADS.bvPolicy), archive)).findings.find(
      (f) => f.status === 'fail',
    );
    assert.ok(failure);
    assert.match(failure.message, /at most 84 days \(retention rule Weekly P12W in VaultStore\)/);
    assert.match(failure.message, /minimum of 6 years \(2191 days\)/);
    assert.match(failure.message, /retention\.backups\.role is archive/);
  });

  it('says a Locked vault makes the overlong retention irreversible', () => {
    const locked = rsv({ securitySettings: { immutabilitySettings: { state: 'Locked' } } });
    const failure = run(
      rule,
      resourcesCase([locked, policy(longTerm({ yearly: [11, 'Years'] }))], 'locked'),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /Locked immutability \(PHI-BAK-006\)/);
  });

  it('takes the class from the protected datasource', () => {
    const failure = run(
      rule,
      withConfig(
        resourcesCase(
          [rsv(), policy(longTerm({ daily: [400, 'Days'] })), vm({ 'data-class': 'short-lived' }), item(linkTo())],
          'x',
        ),
        both(shortClass),
      ),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(
      failure.message,
      /short-lived maximum of 1 year \(365 days\) \(protects vm1: tag data-class=short-lived\)/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../../src/core/config.js';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-004.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { type Case, liveCase, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { account, body, both, CONTAINER, IMMUTABILITY, PAYLOADS, res, STORAGE } from './support.js';

const LOGS = 'insights-logs-auditevent';
const audit = (properties: Record<string, unknown> = {}) => account('phiaudit', {}, properties);
const container = (name = LOGS, properties: Record<string, unknown> = {}) =>
  res(CONTAINER, `phiaudit/default/${name}`, properties);
const worm = (properties: Record<string, unknown>, name = LOGS) =>
  res(IMMUTABILITY, `phiaudit/default/${name}/default`, properties);
const LOCKED = { immutabilityPeriodSinceCreationInDays: 2191, state: 'Locked', allowProtectedAppendWrites: true };

const liveAudit = (policy: Record<string, unknown>, label: string): Case =>
  liveCase(
    [
      body(STORAGE, 'phiaudit', {}, { kind: 'StorageV2', sku: { name: 'Standard_GRS' } }),
      body(CONTAINER, `phiaudit/default/${LOGS}`, { publicAccess: 'None', hasImmutabilityPolicy: true }),
      body(IMMUTABILITY, `phiaudit/default/${LOGS}/default`, policy),
    ],
    label,
  );

const configured = (config: Config) => {
  config.logging.auditStorageAccounts = ['phiaudit'];
};
const forPayload = (config: Config) => {
  config.logging.auditStorageAccounts = ['sto9177'];
};
const accountLevel = (policy: Record<string, unknown>) => ({
  immutableStorageWithVersioning: { enabled: true, immutabilityPolicy: policy },
});
const period = parameterCases(
  (expression) => [
    audit(),
    container(),
    worm({ immutabilityPeriodSinceCreationInDays: expression, state: 'Locked', allowProtectedAppendWrites: true }),
  ],
  'int',
  365,
);

/** The key vault's audit logs go to `phiaudit` through a diagnostic setting. */
const diagnostics = [
  res(
    'Microsoft.KeyVault/vaults',
    'phikv',
    { tenantId: '00000000-0000-0000-0000-000000000000', sku: { family: 'A', name: 'standard' } },
    { apiVersion: '2025-05-01' },
  ),
  res(
    'Microsoft.Insights/diagnosticSettings',
    'kv-audit',
    {
      storageAccountId: "[resourceId('Microsoft.Storage/storageAccounts', 'phiaudit')]",
      logs: [{ categoryGroup: 'audit', enabled: true }],
    },
    { apiVersion: '2021-05-01-preview', scope: "[resourceId('Microsoft.KeyVault/vaults', 'phikv')]" },
  ),
];

ruleCases(rule, {
  pass: [
    liveAudit(LOCKED, 'Locked 2191 days with protected append writes'),
    liveAudit(
      { ...LOCKED, allowProtectedAppendWrites: false, allowProtectedAppendWritesAll: true },
      'appends for all blob types',
    ),
    withConfig(resourcesCase([audit(accountLevel(LOCKED))], 'account-level Locked policy'), configured),
    withConfig(
      resourcesCase(
        [audit(), container(), worm({ immutabilityPeriodSinceCreationInDays: 2191, allowProtectedAppendWrites: true })],
        'Unlocked (template) while locking is not required',
      ),
      (config) => {
        config.retention.auditLogs.requireLockedImmutability = false;
      },
    ),
    withConfig(
      payload(PAYLOADS.immutability, (b) => {
        b.properties = {
          immutabilityPeriodSinceCreationInDays: 400,
          allowProtectedAppendWrites: true,
          state: 'Locked',
        };
      }),
      both(forPayload, (config) => {
        config.retention.auditLogs.minDays = 365;
      }),
    ),
  ],
  fail: [
    withConfig(payload(PAYLOADS.immutability), forPayload),
    resourcesCase([audit(), container()], 'audit container without a policy'),
    resourcesCase(
      [audit(), container(), worm({ immutabilityPeriodSinceCreationInDays: 2191, allowProtectedAppendWrites: true })],
      'policy not locked (templates cannot lock)',
    ),
    resourcesCase([audit(), container(), worm({ ...LOCKED, state: 'Unlocked' })], 'explicit Unlocked', {
      needle: '"state": "Unlocked"',
    }),
    resourcesCase(
      [audit(), container(), worm({ ...LOCKED, immutabilityPeriodSinceCreationInDays: 1000 })],
      '1000 days',
      {
        needle: '"immutabilityPeriodSinceCreationInDays": 1000',
      },
    ),
    liveAudit({ ...LOCKED, allowProtectedAppendWrites: false }, 'append writes not allowed'),
    period.fromDefault,
    period.fromFile,
    withConfig(resourcesCase([audit()], 'configured audit account without any policy'), configured),
    withConfig(
      resourcesCase([audit(accountLevel({ ...LOCKED, state: 'Unlocked' }))], 'account-level policy Unlocked'),
      configured,
    ),
    resourcesCase([audit(), ...diagnostics], 'destination of a PHI key vault diagnostic setting'),
    resourcesCase([audit(), container('sqldbauditlogs', { legalHold: { hasLegalHold: true } })], 'legal hold only'),
    withConfig(
      resourcesCase([audit(), container(), worm(LOCKED)], '2191 days under a 2556-day audit minimum'),
      (config) => {
        config.retention.auditLogs.minDays = 2556;
      },
    ),
  ],
  unknown: [period.missing],
  notApplicable: [
    resourcesCase([audit(), container('records')], 'an account without audit logs'),
    payload(PAYLOADS.immutability),
  ],
});

describe('PHI-BAK-004 subjects and messages', () => {
  it('an account-level policy covers containers that have none', () => {
    const { findings } = run(
      rule,
      withConfig(resourcesCase([audit(accountLevel(LOCKED)), container()], 'account + container'), configured),
    );
    assert.deepEqual(findings.map((f) => [f.resource.type, f.status]).sort(), [
      [STORAGE, 'pass'],
      [CONTAINER, 'pass'],
    ]);
  });

  it('says a legal hold alone does not count', () => {
    const failure = run(
      rule,
      resourcesCase([audit(), container(LOGS, { legalHold: { hasLegalHold: true } })], 'hold'),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /legal hold alone does not count/);
  });

  it('names why an account holds audit logs', () => {
    const failure = run(rule, resourcesCase([audit(), ...diagnostics], 'diag')).findings.find(
      (f) => f.status === 'fail',
    );
    assert.ok(failure);
    assert.match(failure.message, /diagnostic setting kv-audit sends phikv logs here/);
  });

  it('ignores diagnostic settings of non-PHI resources', () => {
    const { findings } = run(
      rule,
      withConfig(resourcesCase([audit(), ...diagnostics], 'diag, non-PHI'), (config) => {
        config.classification.default = 'non-phi';
      }),
    );
    assert.deepEqual(findings, []);
  });
});

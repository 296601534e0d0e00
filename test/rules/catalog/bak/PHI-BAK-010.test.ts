import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-010.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { deleteBase, lifecycleRule, managementPolicy } from './lifecycle.js';
import {
  account,
  BLOB_SERVICE,
  body,
  CONTAINER,
  clinical,
  IMMUTABILITY,
  nonPhi,
  PAYLOADS,
  REPLICATION,
  res,
  STORAGE,
} from './support.js';

type Json = Record<string, unknown>;

const service = (softDeleteDays?: number, versioning = false) =>
  res(BLOB_SERVICE, 'phistore/default', {
    isVersioningEnabled: versioning,
    deleteRetentionPolicy: softDeleteDays === undefined ? { enabled: false } : { enabled: true, days: softDeleteDays },
  });
const container = (name: string, properties: Json = {}, accountName = 'phistore') =>
  res(CONTAINER, `${accountName}/default/${name}`, properties);
const purge = (actions: Json, prefixMatch?: unknown, extra: Json = {}) =>
  managementPolicy([lifecycleRule('phi-max-retention', actions, prefixMatch, extra)]);
const both = (base: number, version: number): Json => ({
  ...deleteBase(base, 'daysAfterCreationGreaterThan'),
  version: { delete: { daysAfterCreationGreaterThan: version } },
});
const lockedWorm = (days: number, name = 'records') =>
  body(IMMUTABILITY, `phistore/default/${name}/default`, {
    immutabilityPeriodSinceCreationInDays: days,
    state: 'Locked',
    allowProtectedAppendWrites: true,
  });
const threshold = parameterCases((expression) => [account(), purge(deleteBase(expression))], 'int', 4000);
const noMaximum = clinical({ maxYears: null });
const replication = (target: string) =>
  res(REPLICATION, 'phistore/default', {
    sourceAccount: "[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]",
    destinationAccount: `[resourceId('Microsoft.Storage/storageAccounts', '${target}')]`,
    rules: [{ sourceContainer: 'records', destinationContainer: 'records' }],
  });

ruleCases(rule, {
  pass: [
    resourcesCase(
      [account(), service(7, true), purge(both(3600, 3600))],
      'base and versions at 3600 days + 7 days soft delete',
    ),
    resourcesCase([account(), purge(deleteBase(3653))], 'exactly 10 years (3653 days), no soft delete'),
    resourcesCase(
      [
        account(),
        container('a'),
        container('b'),
        managementPolicy([lifecycleRule('a', deleteBase(3000), ['a/']), lifecycleRule('b', deleteBase(3000), ['b'])]),
      ],
      'every container covered by a prefix rule',
    ),
    withConfig(
      resourcesCase([account(), purge(deleteBase(2191))], '6-year delete under a 7-year maximum'),
      clinical({ maxYears: 7 }),
    ),
    liveCase([lockedWorm(3000)], 'Locked container policy of 3000 days'),
    payload(PAYLOADS.immutability),
    resourcesCase(
      [account(), container('records', { legalHold: { hasLegalHold: true } }), purge(deleteBase(3000))],
      'legal hold as a documented exception',
    ),
  ],
  fail: [
    resourcesCase([account()], 'no management policy'),
    resourcesCase([account(), service(14), purge(deleteBase(3653))], '3653 days + 14 days of soft delete', {
      needle: '"daysAfterModificationGreaterThan": 3653',
    }),
    resourcesCase([account(), service(undefined, true), purge(deleteBase(3000))], 'versioning on, no version delete'),
    resourcesCase([account(), service(undefined, true), purge(both(3000, 4000))], 'versions kept 4000 days'),
    resourcesCase(
      [account(), container('a'), container('b'), purge(deleteBase(3000), ['a/'])],
      'container b not covered',
    ),
    resourcesCase([account(), purge(deleteBase(30, 'daysAfterLastAccessTimeGreaterThan'))], 'last-access delete only'),
    resourcesCase(
      [
        account(),
        managementPolicy([
          {
            ...lifecycleRule('tagged', deleteBase(30)),
            definition: {
              filters: { blobTypes: ['blockBlob'], blobIndexMatch: [{ name: 'status', op: '==', value: 'expired' }] },
              actions: deleteBase(30),
            },
          },
        ]),
      ],
      'index-tag filtered delete only',
    ),
    liveCase([lockedWorm(5000)], 'Locked container policy of 5000 days'),
    payload(PAYLOADS.immutability, (b) => {
      b.properties = { immutabilityPeriodSinceCreationInDays: 4000, state: 'Locked', allowProtectedAppendWrites: true };
    }),
    resourcesCase(
      [
        account(
          'phistore',
          {},
          {
            immutableStorageWithVersioning: {
              enabled: true,
              immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 5000, state: 'Locked' },
            },
          },
        ),
        purge(deleteBase(3000)),
      ],
      'account-level Locked policy of 5000 days',
      { needle: '"immutabilityPeriodSinceCreationInDays": 5000' },
    ),
    withConfig(
      resourcesCase(
        [account(), container('records', { legalHold: { hasLegalHold: true } }), purge(deleteBase(3000))],
        'legal hold not accepted as an exception',
      ),
      (config) => {
        config.retention.legalHoldOverridesMax = false;
      },
    ),
    withConfig(
      resourcesCase([account(), purge(deleteBase(2191))], '6-year delete under a 5-year maximum'),
      clinical({ maxYears: 5 }),
    ),
    threshold.fromDefault,
    threshold.fromFile,
    resourcesCase(
      [
        account(),
        container('records'),
        purge(deleteBase(3000)),
        account('phicopy', { location: 'westus' }),
        replication('phicopy'),
      ],
      'object replication to an account without a delete rule',
    ),
  ],
  unknown: [
    payload(PAYLOADS.lifecycle),
    threshold.missing,
    resourcesCase(
      [account(), container('records'), purge(deleteBase(3000)), replication('elsewhere')],
      'replication outside the scan',
    ),
  ],
  notApplicable: [
    withConfig(resourcesCase([account()], 'no management policy'), noMaximum),
    withConfig(payload(PAYLOADS.lifecycle), noMaximum),
    nonPhi(resourcesCase([account()], 'no management policy')),
    liveCase([body(BLOB_SERVICE, 'phistore/default', { isVersioningEnabled: true })], 'blob service alone'),
  ],
});

describe('PHI-BAK-010 subjects and messages', () => {
  it('evaluates the account; its children are evidence', () => {
    const { findings, engine } = run(rule, resourcesCase([account(), service(7, true), purge(both(3600, 3600))], 'x'));
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [[STORAGE, 'pass']],
    );
    assert.equal(engine.counts['not-applicable'], 2);
  });

  it('adds soft-delete days to the lifecycle threshold and cites the schedule', () => {
    const failure = run(rule, resourcesCase([account(), service(14), purge(deleteBase(3653))], 'x')).findings.find(
      (f) => f.status === 'fail',
    );
    assert.ok(failure);
    assert.match(failure.message, /plus 14 days of blob soft delete \(3667 days in all\)/);
    assert.match(failure.message, /phi-clinical maximum of 10 years \(3653 days\)/);
    assert.match(failure.message, /conflicts with your retention schedule \(\.phiguard\.yaml\)/);
  });

  it('names uncovered containers', () => {
    const failure = run(
      rule,
      resourcesCase([account(), container('a'), container('b'), purge(deleteBase(3000), ['a/'])], 'x'),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /phistore\/b\//);
    assert.doesNotMatch(failure.message, /phistore\/a\//);
  });

  it('notes legal holds that the schedule accepts', () => {
    const [finding] = run(
      rule,
      resourcesCase(
        [account(), container('records', { legalHold: { hasLegalHold: true } }), purge(deleteBase(3000))],
        'x',
      ),
    ).findings;
    assert.equal(finding.status, 'pass');
    assert.match(finding.message, /legal hold on records is a documented exception/);
  });
});

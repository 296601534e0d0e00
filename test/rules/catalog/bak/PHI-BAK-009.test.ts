import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-009.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { deleteBase, lifecycleRule, managementPolicy } from './lifecycle.js';
import { account, addClass, body, both, clinical, MANAGEMENT, nonPhi, PAYLOADS } from './support.js';

const single = (actions: Record<string, unknown>, prefixMatch?: unknown, extra: Record<string, unknown> = {}) => [
  account(),
  managementPolicy([lifecycleRule('purge', actions, prefixMatch, extra)]),
];
const threshold = parameterCases((expression) => single(deleteBase(expression), ['records/']), 'int', 1825);
/** `records` belongs to phi-clinical, `scratch` to a class that may go at once; the rest of the account is default. */
const classes = both(
  clinical({ match: { tags: {}, containers: ['phistore/records'] } }),
  addClass({ name: 'scratch', minYears: 0, match: { tags: {}, containers: ['phistore/scratch'] } }),
);

ruleCases(rule, {
  pass: [
    resourcesCase(single(deleteBase(2191), ['records/']), 'delete after 2191 days (6 years)'),
    resourcesCase(
      single({ baseBlob: { tierToArchive: { daysAfterModificationGreaterThan: 30 } } }),
      'tier to archive only',
    ),
    resourcesCase(
      single({
        version: { delete: { daysAfterCreationGreaterThan: 30 } },
        snapshot: { delete: { daysAfterCreationGreaterThan: 7 } },
      }),
      'version and snapshot deletes only',
    ),
    resourcesCase(single(deleteBase(30), undefined, { enabled: false }), 'a disabled rule'),
    withConfig(payload(PAYLOADS.lifecycle), clinical({ minYears: 2 })),
    withConfig(resourcesCase(single(deleteBase(30), ['scratch/']), 'deletes a short-lived class'), classes),
    liveCase(
      [
        body(MANAGEMENT, 'phistore/default', {
          policy: { rules: [lifecycleRule('keep', deleteBase(3000, 'daysAfterCreationGreaterThan'))] },
        }),
      ],
      '3000 days since creation',
    ),
  ],
  fail: [
    payload(PAYLOADS.lifecycle),
    resourcesCase(single(deleteBase(90)), 'whole account after 90 days', {
      needle: '"daysAfterModificationGreaterThan": 90',
    }),
    resourcesCase(single(deleteBase(30, 'daysAfterLastAccessTimeGreaterThan'), ['records/']), '30 days without access'),
    resourcesCase(single(deleteBase(2190, 'daysAfterCreationGreaterThan')), '2190 days (one short of 6 years)'),
    threshold.fromDefault,
    threshold.fromFile,
    withConfig(payload(PAYLOADS.lifecycle), clinical({ minYears: 3 })),
    withConfig(resourcesCase(single(deleteBase(30), ['scratch/', 'records/']), 'one rule over two classes'), classes),
    withConfig(
      resourcesCase(
        [
          account('phistore', { tags: { 'data-class': 'phi-archive' } }),
          managementPolicy([lifecycleRule('purge', deleteBase(2191))]),
        ],
        'account tagged with a 10-year class',
      ),
      addClass({
        name: 'phi-archive',
        minYears: 10,
        match: { tags: { 'data-class': ['phi-archive'] }, containers: [] },
      }),
    ),
    liveCase(
      [
        body(MANAGEMENT, 'phistore/default', {
          policy: {
            rules: [
              {
                name: 'purge',
                type: 'Lifecycle',
                definition: { filters: { blobTypes: ['blockBlob'] }, actions: deleteBase(365) },
              },
            ],
          },
        }),
      ],
      'enabled absent (= true)',
    ),
  ],
  unknown: [
    threshold.missing,
    resourcesCase(
      single(deleteBase(30), undefined, {}).map((r, i) =>
        i === 1
          ? managementPolicy([
              {
                ...lifecycleRule('tagged', deleteBase(30)),
                definition: {
                  filters: {
                    blobTypes: ['blockBlob'],
                    blobIndexMatch: [{ name: 'status', op: '==', value: 'expired' }],
                  },
                  actions: deleteBase(30),
                },
              },
            ])
          : r,
      ),
      'a rule filtered by blob index tags',
    ),
  ],
  notApplicable: [
    nonPhi(payload(PAYLOADS.lifecycle)),
    nonPhi(resourcesCase(single(deleteBase(30)), 'delete after 30 days')),
  ],
});

describe('PHI-BAK-009 messages', () => {
  it('cites the schedule, the class and its minimum, never a HIPAA period', () => {
    const failure = run(rule, payload(PAYLOADS.lifecycle)).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /'olcmtest'/);
    assert.match(failure.message, /1000 days/);
    assert.match(failure.message, /phi-clinical minimum of 6 years \(2191 days\)/);
    assert.match(failure.message, /conflicts with your retention schedule \(\.phiguard\.yaml\)/);
    assert.doesNotMatch(failure.message, /HIPAA requires/i);
  });

  it('judges a rule spanning classes by the strictest one it reaches', () => {
    const failure = run(
      rule,
      withConfig(resourcesCase(single(deleteBase(30), ['scratch/', 'records/']), 'two classes'), classes),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /phistore\/records/);
  });
});

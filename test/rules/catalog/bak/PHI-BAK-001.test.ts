import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-001.js';
import { idOf, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, named, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { account, addClass, body, CONTAINER, nonPhi, PAYLOADS, REPLICATION, res, STORAGE } from './support.js';

const lrs = (name = 'phistore', location = 'eastus') => account(name, { sku: { name: 'Standard_LRS' }, location });

/** An object replication policy on `phistore` copying `containers` to `target`. */
function replication(target: string, containers: string[]) {
  return res(REPLICATION, 'phistore/default', {
    sourceAccount: "[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]",
    destinationAccount: `[resourceId('Microsoft.Storage/storageAccounts', '${target}')]`,
    rules: containers.map((c) => ({ sourceContainer: c, destinationContainer: c })),
  });
}

const container = (name: string, accountName = 'phistore') => res(CONTAINER, `${accountName}/default/${name}`, {});
const sku = parameterCases(
  (expression) => [account('phistore', { sku: { name: expression } })],
  'string',
  'Standard_ZRS',
);

ruleCases(rule, {
  pass: [
    resourcesCase([account()], 'Standard_RAGRS'),
    resourcesCase([account('phistore', { sku: { name: 'standard_gzrs' } })], 'standard_gzrs (case-insensitive)'),
    liveCase([body(STORAGE, 'phistore', {}, { sku: { name: 'Standard_RAGZRS' }, kind: 'StorageV2' })], 'RA-GZRS'),
    payload(PAYLOADS.storage),
    resourcesCase(
      [lrs(), container('records'), account('phicopy', { location: 'westus' }), replication('phicopy', ['records'])],
      'LRS with object replication of every container to another region',
    ),
  ],
  fail: [
    resourcesCase([lrs()], 'Standard_LRS', { needle: '"name": "Standard_LRS"' }),
    resourcesCase([account('phistore', { sku: { name: 'Premium_LRS' }, kind: 'BlockBlobStorage' })], 'Premium_LRS'),
    sku.fromDefault,
    sku.fromFile,
    liveCase([body(STORAGE, 'phistore', {}, { sku: { name: 'Standard_ZRS' } })], 'Standard_ZRS'),
    payload(PAYLOADS.storage, (b) => {
      b.sku = { name: 'Standard_LRS', tier: 'Standard' };
    }),
    named(
      resourcesCase(
        [lrs(), container('records'), account('phicopy'), replication('phicopy', ['records'])],
        'object replication to the same region',
      ),
      'arm object replication to an account in the same region',
      { subject: '/storageAccounts/phistore' },
    ),
    named(
      resourcesCase(
        [
          lrs(),
          container('records'),
          container('images'),
          account('phicopy', { location: 'westus' }),
          replication('phicopy', ['records']),
        ],
        'object replication missing a container',
      ),
      'arm object replication missing a container',
      { subject: '/storageAccounts/phistore' },
    ),
    withConfig(
      resourcesCase(
        [lrs(), container('records'), account('phicopy', { location: 'westus' }), replication('phicopy', ['records'])],
        'a class container (config) not replicated',
      ),
      addClass({ name: 'imaging', match: { tags: {}, containers: ['phistore/images'] } }),
      '/storageAccounts/phistore',
    ),
  ],
  unknown: [
    sku.missing,
    resourcesCase([res(STORAGE, 'phistore', {}, { kind: 'StorageV2' })], 'sku absent (required)'),
    resourcesCase([lrs(), replication('elsewhere', ['records'])], 'object replication to an account outside the scan'),
  ],
  notApplicable: [
    nonPhi(resourcesCase([lrs()], 'Standard_LRS')),
    named(
      liveCase([body(REPLICATION, 'phistore/default', { sourceAccount: 'phistore', destinationAccount: 'x' })], 'x'),
      'an object replication policy alone',
    ),
  ],
});

describe('PHI-BAK-001 messages', () => {
  it('names the replication gap and the single region', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [
          lrs(),
          container('records'),
          container('images'),
          lrs('phicopy', 'westus'),
          replication('phicopy', ['records']),
        ],
        'partial replication',
      ),
    );
    const failure = findings.find((f) => f.status === 'fail' && f.resource.name === 'phistore');
    assert.ok(failure);
    assert.match(failure.message, /one region/);
    assert.match(failure.message, /does not copy container\(s\) images/);
  });

  it('evaluates the source account, not the replication policy', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [lrs(), container('records'), lrs('phicopy', 'westus'), replication('phicopy', ['records'])],
        'orp',
      ),
    );
    assert.deepEqual(findings.map((f) => [f.resource.type, f.resource.name, f.status]).sort(), [
      [STORAGE, 'phicopy', 'fail'],
      [STORAGE, 'phistore', 'pass'],
    ]);
    assert.ok(idOf(STORAGE, 'phistore').endsWith('/storageAccounts/phistore'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-008.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { BV, body, liveCase, nonPhi, PAYLOADS, parameterCases, RSV, res, templateCase } from './support.js';
import { bv, rsv } from './vaults.js';

const redundancy = (standardTierStorageRedundancy: unknown, crossRegionRestore: unknown = 'Enabled') => ({
  redundancySettings: { standardTierStorageRedundancy, crossRegionRestore },
});
const legacy = (properties: Record<string, unknown>) =>
  res('Microsoft.RecoveryServices/vaults/backupstorageconfig', 'phi-rsv/vaultstorageconfig', properties);
const crr = { featureSettings: { crossRegionRestoreSettings: { state: 'Enabled' } } };
const storage = parameterCases((expression) => [rsv(redundancy(expression))], 'string', 'LocallyRedundant');

ruleCases(rule, {
  pass: [
    payload(PAYLOADS.rsv),
    templateCase([rsv(redundancy('GeoRedundant'))], 'GeoRedundant + CRR'),
    templateCase([bv(crr)], 'Backup vault GeoRedundant + CRR'),
    templateCase(
      [rsv(), legacy({ storageModelType: 'GeoRedundant', crossRegionRestoreFlag: true })],
      'legacy vaultstorageconfig GeoRedundant + CRR flag',
    ),
    liveCase(
      [body(BV, 'phi-bv', { storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }], ...crr })],
      'Backup vault',
    ),
  ],
  fail: [
    payload(PAYLOADS.bv),
    templateCase([rsv()], 'no redundancySettings (GeoRedundant, CRR off)'),
    templateCase([rsv(redundancy('GeoRedundant', 'Disabled'))], 'CRR Disabled', {
      needle: '"crossRegionRestore": "Disabled"',
    }),
    templateCase([rsv(redundancy('ZoneRedundant'))], 'ZoneRedundant', {
      needle: '"standardTierStorageRedundancy": "ZoneRedundant"',
    }),
    storage.fromDefault,
    storage.fromFile,
    templateCase(
      [rsv(), legacy({ storageModelType: 'LocallyRedundant' })],
      'legacy vaultstorageconfig LocallyRedundant',
    ),
    templateCase(
      [bv({ storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }] })],
      'Backup vault without CRR',
    ),
    liveCase([body(RSV, 'phi-rsv', redundancy('LocallyRedundant', 'Disabled'))], 'LocallyRedundant'),
  ],
  unknown: [
    storage.missing,
    templateCase([bv({ storageSettings: undefined })], 'Backup vault without storageSettings (required)'),
  ],
  notApplicable: [nonPhi(payload(PAYLOADS.bv))],
});

describe('PHI-BAK-008 messages', () => {
  it('explains that cross-region restore needs geo-redundant storage', () => {
    const [finding] = run(rule, payload(PAYLOADS.bv)).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /"LocallyRedundant"/);
    assert.match(finding.message, /one region/);
  });
});

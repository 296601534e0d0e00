import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/bak/PHI-BAK-008.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { liveCase, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { BV, body, nonPhi, PAYLOADS, RSV, res } from './support.js';
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
    resourcesCase([rsv(redundancy('GeoRedundant'))], 'GeoRedundant + CRR'),
    resourcesCase([bv(crr)], 'Backup vault GeoRedundant + CRR'),
    resourcesCase(
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
    resourcesCase([rsv()], 'no redundancySettings (GeoRedundant, CRR off)'),
    resourcesCase([rsv(redundancy('GeoRedundant', 'Disabled'))], 'CRR Disabled', {
      needle: '"crossRegionRestore": "Disabled"',
    }),
    resourcesCase([rsv(redundancy('ZoneRedundant'))], 'ZoneRedundant', {
      needle: '"standardTierStorageRedundancy": "ZoneRedundant"',
    }),
    storage.fromDefault,
    storage.fromFile,
    resourcesCase(
      [rsv(), legacy({ storageModelType: 'LocallyRedundant' })],
      'legacy vaultstorageconfig LocallyRedundant',
    ),
    resourcesCase(
      [bv({ storageSettings: [{ datastoreType: 'VaultStore', type: 'GeoRedundant' }] })],
      'Backup vault without CRR',
    ),
    liveCase([body(RSV, 'phi-rsv', redundancy('LocallyRedundant', 'Disabled'))], 'LocallyRedundant'),
  ],
  unknown: [
    storage.missing,
    resourcesCase([bv({ storageSettings: undefined })], 'Backup vault without storageSettings (required)'),
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

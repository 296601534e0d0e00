import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-007.js';
import { arm, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import {
  fromMissingParameter,
  fromParameterDefault,
  fromParameterFile,
  liveAccount,
  nonPhi,
  PAYLOAD,
  payloadWith,
} from './support.js';

const KEY_VAULT = { keyvaulturi: 'https://phi-kv.vault.azure.net', keyname: 'storage-cmk' };
const IDENTITY = {
  identity: {
    type: 'UserAssigned',
    userAssignedIdentities: {
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/sa-cmk':
        {},
    },
  },
};

ruleCases(rule, {
  pass: [
    arm({ encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: KEY_VAULT } }, { resource: IDENTITY }),
    arm({ encryption: { keySource: 'Microsoft.KeyVault', keyvaultproperties: KEY_VAULT } }),
    arm(
      {
        encryption: {
          keySource: 'Microsoft.Keyvault',
          keyvaultproperties: { keyvaulturi: "[reference('kv').vaultUri]", keyname: "[parameters('keyName')]" },
        },
      },
      { parameters: { keyName: { type: 'string' } }, label: 'key vault URI and key name from unresolved expressions' },
    ),
    fromParameterFile('encryption.keySource', 'Microsoft.Keyvault', 'string', {
      encryption: { keyvaultproperties: KEY_VAULT },
    }),
    liveAccount({
      encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: { ...KEY_VAULT, keyversion: '' } },
    }),
    payloadWith({ encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: KEY_VAULT } }),
  ],
  fail: [
    arm({ encryption: { keySource: 'Microsoft.Storage' } }),
    arm({ encryption: { services: { blob: { enabled: true } } } }, { label: 'keySource absent (Microsoft.Storage)' }),
    arm({}, { label: 'encryption absent' }),
    arm(
      { encryption: { keySource: 'Microsoft.Keyvault' } },
      { label: 'Microsoft.Keyvault without keyvaultproperties' },
    ),
    arm(
      {
        encryption: {
          keySource: 'Microsoft.Keyvault',
          keyvaultproperties: { keyvaulturi: KEY_VAULT.keyvaulturi, keyname: '' },
        },
      },
      { label: 'Microsoft.Keyvault with an empty key name' },
    ),
    fromParameterFile('encryption.keySource', 'Microsoft.Storage', 'string'),
    fromParameterDefault('encryption.keySource', 'Microsoft.Storage', 'string'),
    liveAccount({ encryption: { keySource: 'Microsoft.Storage' } }),
    payload(PAYLOAD),
  ],
  unknown: [fromMissingParameter('encryption.keySource', 'string', { encryption: { keyvaultproperties: KEY_VAULT } })],
  notApplicable: [nonPhi(arm({})), nonPhi(payload(PAYLOAD))],
});

describe('PHI-STG-007 messages', () => {
  it('calls a platform-managed key what it is, never "unencrypted"', () => {
    for (const testCase of [payload(PAYLOAD), arm({}), arm({ encryption: { keySource: 'microsoft.storage' } })]) {
      const [finding] = run(rule, testCase).findings;
      assert.equal(finding.status, 'fail');
      assert.match(finding.message, /platform-managed key/);
      assert.doesNotMatch(finding.message, /unencrypted|not encrypted/i);
    }
  });

  it('names the missing key vault property', () => {
    const [finding] = run(
      rule,
      arm({
        encryption: { keySource: 'Microsoft.Keyvault', keyvaultproperties: { keyvaulturi: KEY_VAULT.keyvaulturi } },
      }),
    ).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /keyname is not set/);
  });
});

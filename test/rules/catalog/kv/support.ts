// Builders shared by the PHI-KV rule tables: key vault / managed HSM / key templates, consumers that reference a
// key as their CMK, and live bodies.

import { type Json, SUB, template, templateCase } from '../../../helpers/arm-cases.js';
import type { Case } from '../../../helpers/rule-cases.js';
import { body, live, res } from '../net/support.js';

export const VAULT = 'Microsoft.KeyVault/vaults';
export const HSM = 'Microsoft.KeyVault/managedHSMs';
export const KEY = 'Microsoft.KeyVault/vaults/keys';
export const HSM_KEY = 'Microsoft.KeyVault/managedHSMs/keys';
export const PAYLOAD = 'keyvault_get_2025-05-01.json';
export const TENANT = '00000000-0000-0000-0000-000000000000';
export const VAULT_ID = `${SUB}/Microsoft.KeyVault/vaults/phikv`;

/** A key vault template resource (apiVersion 2025-05-01 unless given). */
export function vault(properties: Json, extra: Json = {}): Json {
  return res(
    VAULT,
    'phikv',
    { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, ...properties },
    { apiVersion: '2025-05-01', ...extra },
  );
}

export function hsm(properties: Json, extra: Json = {}): Json {
  return res(
    HSM,
    'phihsm',
    { tenantId: TENANT, initialAdminObjectIds: [TENANT], ...properties },
    { apiVersion: '2025-05-01', sku: { family: 'B', name: 'Standard_B1' }, ...extra },
  );
}

/** A key of vault `phikv` as a top-level template resource. */
export function key(properties: Json, name = 'cmk', extra: Json = {}): Json {
  return res(
    KEY,
    `phikv/${name}`,
    { kty: 'RSA-HSM', keySize: 3072, ...properties },
    { apiVersion: '2025-05-01', ...extra },
  );
}

export function rotation(trigger: Json, extra: Json = {}): Json {
  return { lifetimeActions: [{ trigger, action: { type: 'rotate' } }], ...extra };
}

export const YEARLY = rotation({ timeAfterCreate: 'P1Y' }, { attributes: { expiryTime: 'P13M' } });

/** A storage account that uses key `name` of vault `phikv` as its CMK. */
export function storageConsumer(keyversion?: string, name = 'cmk'): Json {
  return res(
    'Microsoft.Storage/storageAccounts',
    'phistore',
    {
      encryption: {
        keySource: 'Microsoft.Keyvault',
        keyvaultproperties: {
          keyvaulturi: 'https://phikv.vault.azure.net/',
          keyname: name,
          ...(keyversion === undefined ? {} : { keyversion }),
        },
      },
    },
    { apiVersion: '2025-06-01', kind: 'StorageV2', sku: { name: 'Standard_GRS' } },
  );
}

export function cosmosConsumer(uri: string): Json {
  return res(
    'Microsoft.DocumentDB/databaseAccounts',
    'phicosmos',
    { databaseAccountOfferType: 'Standard', keyVaultKeyUri: uri },
    { apiVersion: '2025-10-15' },
  );
}

export function diskEncryptionSet(rotating?: boolean): Json {
  return res(
    'Microsoft.Compute/diskEncryptionSets',
    'phides',
    {
      activeKey: { keyUrl: 'https://phikv.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef' },
      encryptionType: 'EncryptionAtRestWithCustomerKey',
      ...(rotating === undefined ? {} : { rotationToLatestKeyVersionEnabled: rotating }),
    },
    { apiVersion: '2024-03-02', identity: { type: 'SystemAssigned' } },
  );
}

export function vaultCase(
  properties: Json,
  label: string,
  at?: { needle: string; after?: string },
  extra: Json = {},
): Case {
  return templateCase(template([vault(properties, extra)]), `vault ${label}`, at);
}

export function liveVault(properties: Json, label: string): Case {
  return live(body(VAULT, 'phikv', { tenantId: TENANT, ...properties }), `live vault ${label}`);
}

export { body, live };

// Builders shared by the PHI-BAK rule tables: ARM template resources, live GET bodies, and retention-schedule configs.
// The generic template / line / parameter-variant builders are in test/helpers/arm-cases.ts.
import type { Config, DataClass } from '../../../../src/core/config.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { type Case, withConfig } from '../../../helpers/rule-cases.js';

export const STORAGE = 'Microsoft.Storage/storageAccounts';
export const BLOB_SERVICE = 'Microsoft.Storage/storageAccounts/blobServices';
export const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
export const IMMUTABILITY = 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies';
export const MANAGEMENT = 'Microsoft.Storage/storageAccounts/managementPolicies';
export const REPLICATION = 'Microsoft.Storage/storageAccounts/objectReplicationPolicies';
export const RSV = 'Microsoft.RecoveryServices/vaults';
export const BV = 'Microsoft.DataProtection/backupVaults';
export const RSV_POLICY = 'Microsoft.RecoveryServices/vaults/backupPolicies';
export const BV_POLICY = 'Microsoft.DataProtection/backupVaults/backupPolicies';

export const PAYLOADS = {
  rsv: 'recovery_services_vault_get_2025-08-01.json',
  bv: 'backup_vault_get_with_cmk_2025-07-01.json',
  bvPolicy: 'backup_policy_get_2025-07-01.json',
  lifecycle: 'storage_management_policy_get_2025-06-01.json',
  immutability: 'storage_container_immutability_policy_get_2025-06-01.json',
  storage: 'storage_account_get_2025-06-01.json',
  postgres: 'postgresql_flexible_server_get_2025-08-01.json',
  mysql: 'mysql_flexible_server_get_2024-12-30.json',
  cosmos: 'cosmosdb_account_get_2025-10-15.json',
} as const;

const API_VERSIONS: Record<string, string> = {
  'microsoft.storage': '2025-06-01',
  'microsoft.recoveryservices': '2025-08-01',
  'microsoft.dataprotection': '2025-07-01',
  'microsoft.sql': '2023-08-01',
  'microsoft.dbforpostgresql': '2025-08-01',
  'microsoft.dbformysql': '2024-12-30',
  'microsoft.documentdb': '2025-10-15',
};

/** An ARM template resource; top-level resources get a location. */
export function res(type: string, name: string, properties?: Json, extra: Json = {}): Json {
  return {
    type,
    apiVersion: API_VERSIONS[type.split('/')[0].toLowerCase()] ?? '2025-06-01',
    name,
    ...(type.split('/').length === 2 ? { location: 'eastus' } : {}),
    ...(properties ? { properties } : {}),
    ...extra,
  };
}

/** A PHI storage account template resource (RA-GRS, StorageV2) with `extra` top-level keys merged in. */
export function account(name = 'phistore', extra: Json = {}, properties: Json = {}): Json {
  return res(STORAGE, name, properties, { kind: 'StorageV2', sku: { name: 'Standard_RAGRS' }, ...extra });
}

/** A live GET body. */
export function body(type: string, name: string, properties: Json, extra: Json = {}): Json {
  return {
    id: idOf(type, name),
    name: name.split('/').pop(),
    type,
    ...(type.split('/').length === 2 ? { location: 'eastus' } : {}),
    properties,
    ...extra,
  };
}

/** The resources are classified non-PHI (no config selector matches). */
export function nonPhi(testCase: Case): Case {
  return withConfig(testCase, (config) => {
    config.classification.default = 'non-phi';
  });
}

/** Changes the default data class (phi-clinical: 6 to 10 years unless changed). */
export function clinical(change: Partial<Omit<DataClass, 'name'>>): (config: Config) => void {
  return (config) => {
    const dataClass = config.retention.dataClasses.find((c) => c.name === config.retention.defaultPhiClass);
    if (!dataClass) throw new Error('no default class');
    Object.assign(dataClass, change);
  };
}

/** Adds a data class. */
export function addClass(dataClass: Partial<DataClass> & { name: string }): (config: Config) => void {
  return (config) => {
    config.retention.dataClasses.push({
      match: { tags: {}, containers: [] },
      minYears: 6,
      maxYears: null,
      ...dataClass,
    });
  };
}

export function both(...changes: ((config: Config) => void)[]): (config: Config) => void {
  return (config) => {
    for (const change of changes) change(config);
  };
}

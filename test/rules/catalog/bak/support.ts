// Builders shared by the PHI-BAK rule tables: inline ARM templates (with the line a finding must point at),
// parameter default / parameter file / missing parameter variants, live GET bodies, and retention-schedule configs.
import type { Config, DataClass } from '../../../../src/core/config.js';
import { armTemplate, type Case, liveMany, withConfig } from '../../../helpers/rule-cases.js';

export type Json = Record<string, unknown>;

const TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

export const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/phi-rg/providers';

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

export function template(resources: Json[], parameters?: Json): Json {
  return {
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(parameters ? { parameters } : {}),
    resources,
  };
}

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

/** 1-based line of the first line containing `needle` at or after the first line containing `after`. */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  if (start < 0) throw new Error(`"${after}" not found`);
  const index = lines.findIndex((line, i) => i >= start && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

/** A template case; with `at`, the failure must point at the template line holding `at.needle` (after `at.after`). */
export function templateCase(resources: Json[], label: string, at?: { needle: string; after?: string }): Case {
  const tpl = template(resources);
  const testCase = armTemplate(tpl, undefined, `arm ${label}`);
  if (!at) return testCase;
  return { ...testCase, file: 'test.json', line: lineOf(JSON.stringify(tpl, null, 2), at.needle, at.after) };
}

/**
 * `build` receives the expression `[parameters('setting')]` and returns the resources using it. Variants: the
 * parameter's default (finding at the default's line), a parameter file value (finding in the parameter file), and a
 * parameter with no value (needs review).
 */
export function parameterCases(
  build: (expression: string) => Json[],
  type: string,
  value: unknown,
): { fromDefault: Case; fromFile: Case; missing: Case } {
  const expression = "[parameters('setting')]";
  const withDefault = template(build(expression), { setting: { type, defaultValue: value } });
  const withoutDefault = template(build(expression), { setting: { type } });
  const values = { setting: { value } };
  const parameterText = JSON.stringify(
    { $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters: values },
    null,
    2,
  );
  return {
    fromDefault: {
      ...armTemplate(withDefault, undefined, `arm parameter default ${JSON.stringify(value)}`),
      file: 'test.json',
      line: lineOf(JSON.stringify(withDefault, null, 2), '"defaultValue"', '"setting"'),
    },
    fromFile: {
      ...armTemplate(withoutDefault, values, `arm parameter file value ${JSON.stringify(value)}`),
      file: 'test.parameters.json',
      line: lineOf(parameterText, '"value"', '"setting"'),
    },
    missing: armTemplate(withoutDefault, undefined, 'arm parameter without default or parameter file'),
  };
}

/** The live id of `type`/`name` (`Microsoft.Storage/storageAccounts/blobServices`, `sa/default` -> `.../storageAccounts/sa/blobServices/default`). */
export function idOf(type: string, name: string): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  return `${SUB}/${namespace}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
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

export function liveCase(bodies: Json[], label: string): Case {
  return liveMany(bodies, `live ${label}`);
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

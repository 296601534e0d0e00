// Types, sources and cross-resource lookups shared by the PHI-BAK rules.
import { type Inventory, parentId } from '../../../core/inventory.js';
import { sameText, toPlain } from '../../../core/path.js';
import type { Resource, SourceLocation, Value } from '../../../core/types.js';
import type { PathRead } from '../../define.js';

export const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
export const BLOB_SERVICE = 'Microsoft.Storage/storageAccounts/blobServices';
export const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
export const IMMUTABILITY_POLICY = 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies';
export const MANAGEMENT_POLICY = 'Microsoft.Storage/storageAccounts/managementPolicies';
export const OBJECT_REPLICATION = 'Microsoft.Storage/storageAccounts/objectReplicationPolicies';
export const RSV = 'Microsoft.RecoveryServices/vaults';
export const BACKUP_VAULT = 'Microsoft.DataProtection/backupVaults';

export const STORAGE_SWAGGER =
  'Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json';
export const BLOB_SWAGGER =
  'Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/blob.json';
export const RSV_SWAGGER =
  'Azure/azure-rest-api-specs specification/recoveryservices/resource-manager/Microsoft.RecoveryServices/stable/2025-08-01/openapi.json';
export const BV_SWAGGER =
  'Azure/azure-rest-api-specs specification/dataprotection/resource-manager/Microsoft.DataProtection/stable/2025-07-01';
export const RSV_PAYLOAD = 'payloads/recovery_services_vault_get_2025-08-01.json';
export const BV_PAYLOAD = 'payloads/backup_vault_get_with_cmk_2025-07-01.json';

export function isType(resource: Resource, type: string): boolean {
  return sameText(resource.type, type);
}

export function describeValue(value: Value | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(toPlain(value));
}

/** Last segment of a resource name (`sa/default/c` -> `c`). */
export function shortName(resource: Resource): string {
  return resource.name.split('/').pop() ?? resource.name;
}

/** Ancestor of `resource` of the given type, walking ids (declared parents are optional in templates). */
export function ancestorOf(resource: Resource, type: string, inventory: Inventory): Resource | undefined {
  for (let id = parentId(resource.id); id; id = parentId(id)) {
    const found = inventory.byId(id);
    if (found && isType(found, type)) return found;
  }
  return undefined;
}

export function childrenOf(resource: Resource, type: string, inventory: Inventory): Resource[] {
  return inventory.related(resource, 'children').filter((child) => isType(child, type));
}

/** Blob containers of an account (through blobServices/default, whether or not that resource is declared). */
export function containersOfAccount(account: Resource, inventory: Inventory): Resource[] {
  // An account has one blob service, `default`; the child index answers without scanning every container.
  return inventory.childrenOfId(`${account.id}/blobServices/default`).filter((child) => isType(child, CONTAINER));
}

/** The account id a storage child resource id belongs to. */
export function accountIdOf(id: string): string | undefined {
  const match = /^(.*?\/providers\/microsoft\.storage\/storageaccounts\/[^/]+)/i.exec(id);
  return match?.[1];
}

/** A read whose value is known (set, or absent with its default). */
export type KnownRead = Exclude<PathRead, { state: 'unknown' }>;
export type UnknownRead = Extract<PathRead, { state: 'unknown' }>;

/** Where an outcome about `read` should point: the value, else its resource. */
export function where(read: PathRead | undefined, resource: Resource): SourceLocation | undefined {
  return read?.at ?? resource.at;
}

export function lowerLocation(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value.replace(/\s+/g, '').toLowerCase() : undefined;
}

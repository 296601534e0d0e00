// Helpers shared by the PHI-STG rules: resource types, source references, and the boolean-setting check most of
// the storage account rules reduce to.
import { type Inventory, parentId } from '../../../core/inventory.js';
import { asBoolean, sameText, toPlain } from '../../../core/path.js';
import type { Outcome, Resource, Value } from '../../../core/types.js';
import { fail, type PathRead, pass, unknown } from '../../define.js';

export const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
export const BLOB_CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';

/** The swagger the storage semantics were read from (controls.md section A). */
export const STORAGE_SWAGGER =
  'Azure/azure-rest-api-specs specification/storage/resource-manager/Microsoft.Storage/stable/2025-06-01/storage.json';
export const STORAGE_PAYLOAD = 'payloads/storage_account_get_2025-06-01.json (StorageAccountGetProperties example)';
export const AZURERM_STORAGE_ACCOUNT =
  'hashicorp/terraform-provider-azurerm website/docs/r/storage_account.html.markdown (v5.2.0)';

export function describeValue(value: Value | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(toPlain(value));
}

export interface BooleanSetting {
  /** The value a compliant resource has. */
  compliant: boolean;
  /** Says what the non-compliant state means; the read's default reason is appended by `fail()`. */
  failure: string;
  expected: string;
}

/**
 * The shape most storage rules share: an unresolved value needs review, the compliant boolean passes, anything else
 * fails. "Not pinned" (an absent value whose default is undefined) fails too, with the reason from the defaults table.
 */
export function checkBoolean(read: PathRead, setting: BooleanSetting): Outcome {
  if (read.state === 'unknown') return unknown(read);
  const value = asBoolean(read.value);
  if (value === setting.compliant) return pass(read.path, read.value);
  if (read.value !== undefined && value === undefined) {
    return fail(read, {
      expected: setting.expected,
      message: `${setting.failure}: ${read.path} is ${describeValue(read.value)}, which is not a boolean`,
    });
  }
  return fail(read, { expected: setting.expected, message: setting.failure });
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The storage account a blob container belongs to (`.../storageAccounts/sa/blobServices/default/containers/c`). */
export function accountOfContainer(container: Resource, inventory: Inventory): Resource | undefined {
  // The blobServices/default resource is optional in templates, so walk ids rather than declared parents.
  const service = inventory.related(container, 'parent')[0];
  if (service && sameText(service.type, STORAGE_ACCOUNT)) return service;
  const serviceId = service?.id ?? parentId(container.id);
  const accountId = serviceId ? parentId(serviceId) : undefined;
  const account = accountId ? inventory.byId(accountId) : undefined;
  return account && sameText(account.type, STORAGE_ACCOUNT) ? account : undefined;
}

/** Blob containers of an account, whether declared nested, as `blobServices/containers` or as top-level resources. */
export function containersOf(account: Resource, inventory: Inventory): Resource[] {
  // Containers always sit under the account's single blob service, `default`.
  return inventory
    .childrenOfId(`${account.id}/blobServices/default`)
    .filter((container) => sameText(container.type, BLOB_CONTAINER));
}

export function idsEqual(a: Value | undefined, b: string): boolean {
  return typeof a === 'string' && sameId(a, b);
}

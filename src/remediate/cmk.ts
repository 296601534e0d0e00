// How each consumer points at a customer-managed key, in the canonical ARM shape, shared by the ARM and Bicep writers
// (the Terraform writer names provider arguments instead). The values that name the new resources (the identity's
// id, the key's URI) are the writer's own expressions: ARM `[reference(...)]` strings, Bicep symbol references.
import { isObject, lookupIn } from '../core/path.js';
import type { Resource, Value, ValueObject } from '../core/types.js';

/** What the new key set offers to the consumer, as expressions of the writer's language. */
export interface KeyRefs {
  /** The user-assigned identity's id, as an expression. */
  identityId: Value;
  /** `identity.userAssignedIdentities` naming only the new identity (its key is an expression). */
  userAssignedIdentities: Value;
  keyName: Value;
  vaultUri: Value;
  /** Versionless key URI: the consumer follows the key's rotation. */
  keyUri: Value;
  keyUriWithVersion: Value;
  /** A SQL server key's name: `<vault>_<key>_<version>` (Microsoft.Sql/servers/keys naming rule). */
  serverKeyName: Value;
  /** The disk encryption set the writer adds for disks and VMs (needsDiskEncryptionSet). */
  diskEncryptionSetId?: Value;
}

/**
 * The new key vault's settings after its tenant: premium SKU (HSM-backed keys possible), RBAC, soft delete and purge
 * protection (Azure requires both on a vault that holds customer-managed keys), no public access.
 */
export function cmkVaultProperties() {
  return {
    sku: { family: 'A', name: 'premium' },
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    softDeleteRetentionInDays: 90,
    enablePurgeProtection: true,
    publicNetworkAccess: 'Disabled',
  };
}

/** PHI-KV-004's own fix: rotate every 180 days, notify 30 days before the one-year expiry. */
export function cmkRotationPolicy() {
  const lifetimeActions: { trigger: Record<string, string>; action: { type: string } }[] = [
    { trigger: { timeAfterCreate: 'P180D' }, action: { type: 'rotate' } },
    { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'notify' } },
  ];
  return { lifetimeActions, attributes: { expiryTime: 'P1Y' } };
}

/** Disks take a key through a disk encryption set, which the writer adds beside the key. */
export function needsDiskEncryptionSet(type: string): boolean {
  return DISK_CONSUMERS.has(type.toLowerCase());
}

/**
 * The disk encryption set's own settings (Compute swagger DiskEncryptionSet): the key URL must carry a version even
 * when the set follows the key's rotation.
 */
export function diskEncryptionSetProperties(refs: KeyRefs, vaultId: Value): ValueObject {
  return {
    activeKey: { keyUrl: refs.keyUriWithVersion, sourceVault: { id: vaultId } },
    encryptionType: 'EncryptionAtRestWithCustomerKey',
    rotationToLatestKeyVersionEnabled: true,
  };
}

export interface KeyWiring {
  resource: Resource;
  sets: { path: string; value: Value }[];
}

/** Types keyWiring can point at a key; others (a disk needs a disk encryption set) stay a manual step. */
export function canWireKey(type: string): boolean {
  return WIRED.has(type.toLowerCase());
}

const DISK_CONSUMERS = new Set(['microsoft.compute/disks', 'microsoft.compute/virtualmachines']);

const WIRED = new Set([
  'microsoft.storage/storageaccounts',
  'microsoft.sql/servers',
  'microsoft.sql/servers/encryptionprotector',
  'microsoft.recoveryservices/vaults',
  'microsoft.dataprotection/backupvaults',
  'microsoft.healthcareapis/workspaces/fhirservices',
  ...DISK_CONSUMERS,
]);

/**
 * The properties that point each consumer at a customer-managed key through the new user-assigned identity (swagger
 * of each resource provider). A TDE protector's server carries part of the wiring, so a part may name another
 * resource. Undefined when the consumer is not one of canWireKey's types, or a protector's server is not in `related`.
 */
export function keyWiring(resource: Resource, refs: KeyRefs, related: readonly Resource[]): KeyWiring[] | undefined {
  const type = resource.type.toLowerCase();
  const identity = (target: Resource) => {
    const current = target.identity;
    const kind =
      current && typeof current === 'object' && !Array.isArray(current)
        ? String((current as ValueObject).type ?? '')
        : '';
    return [
      {
        path: 'identity',
        value: {
          type: /systemassigned/i.test(kind) ? 'SystemAssigned,UserAssigned' : 'UserAssigned',
          userAssignedIdentities: refs.userAssignedIdentities,
        } as ValueObject,
      },
    ];
  };
  switch (type) {
    case 'microsoft.storage/storageaccounts':
      return [
        {
          resource,
          sets: [
            ...identity(resource),
            { path: 'properties.encryption.keySource', value: 'Microsoft.Keyvault' },
            {
              path: 'properties.encryption.keyvaultproperties',
              value: { keyname: refs.keyName, keyvaulturi: refs.vaultUri },
            },
            { path: 'properties.encryption.identity', value: { userAssignedIdentity: refs.identityId } },
          ],
        },
      ];
    case 'microsoft.sql/servers':
    case 'microsoft.sql/servers/encryptionprotector': {
      const server =
        type === 'microsoft.sql/servers'
          ? resource
          : related.find(
              (r) =>
                r.type.toLowerCase() === 'microsoft.sql/servers' &&
                resource.id.toLowerCase().startsWith(`${r.id.toLowerCase()}/`),
            );
      if (!server) return undefined;
      // Setting keyId on the server registers the key as a server key and makes it the TDE protector.
      const serverSets = [
        ...identity(server),
        { path: 'properties.primaryUserAssignedIdentityId', value: refs.identityId },
        { path: 'properties.keyId', value: refs.keyUriWithVersion },
      ];
      if (server === resource) return [{ resource, sets: serverSets }];
      // A declared protector would reset the server's key on deploy: it names the same key.
      return [
        { resource: server, sets: serverSets },
        {
          resource,
          sets: [
            { path: 'properties.serverKeyType', value: 'AzureKeyVault' },
            { path: 'properties.serverKeyName', value: refs.serverKeyName },
            { path: 'properties.autoRotationEnabled', value: true },
          ],
        },
      ];
    }
    case 'microsoft.recoveryservices/vaults':
      return [
        {
          resource,
          sets: [
            ...identity(resource),
            {
              path: 'properties.encryption',
              value: {
                keyVaultProperties: { keyUri: refs.keyUri },
                kekIdentity: { userAssignedIdentity: refs.identityId, useSystemAssignedIdentity: false },
              },
            },
          ],
        },
      ];
    case 'microsoft.dataprotection/backupvaults':
      return [
        {
          resource,
          sets: [
            ...identity(resource),
            {
              path: 'properties.securitySettings.encryptionSettings',
              value: {
                state: 'Enabled',
                keyVaultProperties: { keyUri: refs.keyUri },
                kekIdentity: { identityType: 'UserAssigned', identityId: refs.identityId },
              },
            },
          ],
        },
      ];
    case 'microsoft.healthcareapis/workspaces/fhirservices':
      return [
        {
          resource,
          sets: [
            ...identity(resource),
            { path: 'properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl', value: refs.keyUri },
          ],
        },
      ];
    case 'microsoft.compute/disks': {
      if (refs.diskEncryptionSetId === undefined) return undefined;
      return [
        {
          resource,
          sets: [
            { path: 'properties.encryption.type', value: 'EncryptionAtRestWithCustomerKey' },
            { path: 'properties.encryption.diskEncryptionSetId', value: refs.diskEncryptionSetId },
          ],
        },
      ];
    }
    case 'microsoft.compute/virtualmachines': {
      if (refs.diskEncryptionSetId === undefined) return undefined;
      // Disks the VM model creates (its OS disk, its data disks): each names the set.
      const set = { id: refs.diskEncryptionSetId };
      const storage = lookupIn(resource as unknown as Value, 'properties.storageProfile');
      const profile = storage.kind === 'present' && isObject(storage.value) ? storage.value : {};
      const sets: { path: string; value: Value }[] = [];
      if (isObject(getKey(profile, 'osDisk')))
        sets.push({ path: 'properties.storageProfile.osDisk.managedDisk.diskEncryptionSet', value: set });
      const data = getKey(profile, 'dataDisks');
      if (Array.isArray(data))
        data.forEach((disk, index) => {
          if (isObject(disk))
            sets.push({
              path: `properties.storageProfile.dataDisks.${index}.managedDisk.diskEncryptionSet`,
              value: set,
            });
        });
      return sets.length > 0 ? [{ resource, sets }] : undefined;
    }
    default:
      return undefined;
  }
}

function getKey(object: ValueObject, key: string): Value | undefined {
  const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

// Which resources use a Key Vault key as their customer-managed key (rules.yaml PHI-KV-001 cross_resource,
// PHI-KV-004 "the consumer's key reference"). Consumers name keys by URI or by vault URI + key name; the vault and
// key names are enough to match them to a key resource, since vault names are unique per cloud.
import type { Inventory } from '../../../core/inventory.js';
import { asBoolean, lookup, sameText } from '../../../core/path.js';
import type { Resource, SourceLocation, Value } from '../../../core/types.js';

export const VAULT = 'Microsoft.KeyVault/vaults';
export const MANAGED_HSM = 'Microsoft.KeyVault/managedHSMs';
export const VAULT_KEY = 'Microsoft.KeyVault/vaults/keys';
export const MANAGED_HSM_KEY = 'Microsoft.KeyVault/managedHSMs/keys';

/** One consumer's reference to a key. */
export interface KeyReference {
  consumer: Resource;
  /** Path of the reference in the consumer (for messages and the location). */
  path: string;
  at?: SourceLocation;
  /** Lower-cased vault (or managed HSM pool) name and key name. */
  vault: string;
  key: string;
  /**
   * The consumer keeps using one key version, so a rotated version never reaches it: a versioned URI, a storage
   * keyversion, a disk encryption set or SQL protector without automatic rotation. Undefined: not judged.
   */
  pinned?: { because: string; path: string; at?: SourceLocation };
}

// https://<vault>.vault.azure.net[:443]/keys/<key>[/<version>] (other clouds: vault.azure.cn, vault.usgovcloudapi.net;
// managed HSM: <pool>.managedhsm.azure.net).
const KEY_URI = /^https:\/\/([a-z0-9-]+)\.(?:vault|managedhsm)\.[^/]+\/keys\/([a-z0-9-]+)(?:\/([a-z0-9]+))?\/?$/i;
const VAULT_URI = /^https:\/\/([a-z0-9-]+)\.(?:vault|managedhsm)\.[^/]+\/?$/i;

export function parseKeyUri(uri: string): { vault: string; key: string; version?: string } | undefined {
  const match = KEY_URI.exec(uri.trim());
  if (!match) return undefined;
  return { vault: match[1].toLowerCase(), key: match[2].toLowerCase(), version: match[3] };
}

function present(resource: Resource, path: string): Value | undefined {
  const found = lookup(resource, path);
  return found.kind === 'present' ? found.value : undefined;
}

function text(resource: Resource, path: string): { value: string; at?: SourceLocation } | undefined {
  const found = lookup(resource, path);
  return found.kind === 'present' && typeof found.value === 'string' && found.value.trim() !== ''
    ? { value: found.value, at: found.at }
    : undefined;
}

function flag(resource: Resource, path: string): boolean | undefined {
  const found = lookup(resource, path);
  return found.kind === 'present' ? asBoolean(found.value) : undefined;
}

/** A consumer that names its key by one URI; a version in the URI pins the consumer to that version. */
function byUri(resource: Resource, path: string): KeyReference[] {
  const uri = text(resource, path);
  const parsed = uri && parseKeyUri(uri.value);
  if (!uri || !parsed) return [];
  return [
    {
      consumer: resource,
      path,
      at: uri.at,
      vault: parsed.vault,
      key: parsed.key,
      pinned: parsed.version ? { because: `${path} names key version ${parsed.version}`, path, at: uri.at } : undefined,
    },
  ];
}

type Extractor = (resource: Resource) => KeyReference[];

const EXTRACTORS: Record<string, Extractor> = {
  'microsoft.storage/storageaccounts': (account) => {
    if (!sameText(present(account, 'properties.encryption.keySource'), 'Microsoft.Keyvault')) return [];
    const base = 'properties.encryption.keyvaultproperties';
    const uri = text(account, `${base}.keyvaulturi`);
    const name = text(account, `${base}.keyname`);
    const vault = uri && VAULT_URI.exec(uri.value.trim());
    if (!uri || !name || !vault) return [];
    const version = text(account, `${base}.keyversion`);
    return [
      {
        consumer: account,
        path: `${base}.keyname`,
        at: name.at,
        vault: vault[1].toLowerCase(),
        key: name.value.trim().toLowerCase(),
        pinned: version
          ? { because: `${base}.keyversion is ${version.value}`, path: `${base}.keyversion`, at: version.at }
          : undefined,
      },
    ];
  },
  'microsoft.storage/storageaccounts/encryptionscopes': (scope) => byUri(scope, 'properties.keyVaultProperties.keyUri'),
  'microsoft.documentdb/databaseaccounts': (account) => byUri(account, 'properties.keyVaultKeyUri'),
  'microsoft.dbforpostgresql/flexibleservers': (server) => [
    ...byUri(server, 'properties.dataEncryption.primaryKeyURI'),
    ...byUri(server, 'properties.dataEncryption.geoBackupKeyURI'),
  ],
  'microsoft.dbformysql/flexibleservers': (server) => [
    ...byUri(server, 'properties.dataEncryption.primaryKeyURI'),
    ...byUri(server, 'properties.dataEncryption.geoBackupKeyURI'),
  ],
  // The server-level keyId is the protector's key at creation; whether it rotates is the protector's setting.
  'microsoft.sql/servers': (server) => byUri(server, 'properties.keyId').map((ref) => ({ ...ref, pinned: undefined })),
  'microsoft.sql/servers/encryptionprotector': (protector) => {
    if (!sameText(present(protector, 'properties.serverKeyType'), 'AzureKeyVault')) return [];
    // Live bodies carry the key URI; templates name the server key `<vault>_<key>_<version>`.
    const uri = text(protector, 'properties.uri');
    const parsed = uri ? parseKeyUri(uri.value) : serverKeyName(protector);
    if (!parsed) return [];
    const path = uri ? 'properties.uri' : 'properties.serverKeyName';
    const rotating = flag(protector, 'properties.autoRotationEnabled') === true;
    return [
      {
        consumer: protector,
        path,
        at: uri?.at ?? text(protector, path)?.at,
        vault: parsed.vault,
        key: parsed.key,
        pinned: rotating
          ? undefined
          : {
              because: 'the TDE protector has autoRotationEnabled off',
              path: 'properties.autoRotationEnabled',
              at: lookup(protector, 'properties.autoRotationEnabled').at,
            },
      },
    ];
  },
  'microsoft.compute/diskencryptionsets': (set) => {
    // activeKey.keyUrl always names a version; rotationToLatestKeyVersionEnabled makes the set follow rotations.
    const refs = byUri(set, 'properties.activeKey.keyUrl');
    const rotating = flag(set, 'properties.rotationToLatestKeyVersionEnabled') === true;
    return refs.map((ref) => ({
      ...ref,
      pinned: rotating
        ? undefined
        : {
            because: 'the disk encryption set has rotationToLatestKeyVersionEnabled off',
            path: 'properties.rotationToLatestKeyVersionEnabled',
            at: lookup(set, 'properties.rotationToLatestKeyVersionEnabled').at,
          },
    }));
  },
  'microsoft.recoveryservices/vaults': (vault) => byUri(vault, 'properties.encryption.keyVaultProperties.keyUri'),
  'microsoft.dataprotection/backupvaults': (vault) =>
    byUri(vault, 'properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri'),
  'microsoft.healthcareapis/workspaces/fhirservices': (fhir) =>
    byUri(fhir, 'properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl'),
  'microsoft.healthcareapis/services': (service) => byUri(service, 'properties.cosmosDbConfiguration.keyVaultKeyUri'),
};

function serverKeyName(protector: Resource): { vault: string; key: string } | undefined {
  const name = text(protector, 'properties.serverKeyName');
  const parts = name?.value.split('_');
  return parts && parts.length === 3 ? { vault: parts[0].toLowerCase(), key: parts[1].toLowerCase() } : undefined;
}

/** The consumer types this module reads (for documentation and tests). */
export const CONSUMER_TYPES = Object.keys(EXTRACTORS);

interface Index {
  /** How many resources of each consumer type are indexed already (Inventory.byType lists only grow). */
  seen: Map<string, number>;
  byKey: Map<string, KeyReference[]>;
  byVault: Map<string, KeyReference[]>;
}

const indexes = new WeakMap<Inventory, Index>();

/**
 * Every key reference in the inventory, indexed by `vault/key` and by vault. Extended with what arrived since the
 * last call: a streamed snapshot adds resources between evaluations, and rebuilding would be quadratic.
 */
function indexOf(inventory: Inventory): Index {
  let index = indexes.get(inventory);
  if (!index) {
    index = { seen: new Map(), byKey: new Map(), byVault: new Map() };
    indexes.set(inventory, index);
  }
  for (const [type, extract] of Object.entries(EXTRACTORS)) {
    const resources = inventory.byType(type);
    for (let i = index.seen.get(type) ?? 0; i < resources.length; i++) {
      for (const ref of extract(resources[i])) {
        push(index.byKey, `${ref.vault}/${ref.key}`, ref);
        push(index.byVault, ref.vault, ref);
      }
    }
    index.seen.set(type, resources.length);
  }
  return index;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The vault (or pool) name and key name of a key resource (`vault/key` names, or the id). */
export function keyIdentity(key: Resource): { vault: string; key: string } {
  const segments = key.id.split('/');
  return { vault: segments[segments.length - 3].toLowerCase(), key: segments[segments.length - 1].toLowerCase() };
}

/** References to keys of this vault or managed HSM pool. */
export function referencesToVault(vault: Resource, inventory: Inventory): KeyReference[] {
  return indexOf(inventory).byVault.get(vault.id.split('/').pop()?.toLowerCase() ?? '') ?? [];
}

/** References to this key. */
export function referencesToKey(key: Resource, inventory: Inventory): KeyReference[] {
  const { vault, key: name } = keyIdentity(key);
  return indexOf(inventory).byKey.get(`${vault}/${name}`) ?? [];
}

/** Short names of the consumers, for messages. */
export function consumerNames(refs: readonly KeyReference[]): string {
  const names = [...new Set(refs.map((ref) => ref.consumer.name))];
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

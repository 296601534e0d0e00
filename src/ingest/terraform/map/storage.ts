// azurerm storage resources -> Microsoft.Storage (controls.md section A; rules.yaml PHI-STG-*, PHI-BAK-001..004/009/010).
import { Unresolved, type Value, type ValueObject } from '../../../core/types.js';
import { type Builder, groupId, keyParts, lastSegment, segment, type View } from './builder.js';
import { common, enabledView, listOfObjects } from './common.js';
import type { IdContext, Mapping, Patch, TypeMapping } from './types.js';

const ACCOUNT = 'Microsoft.Storage/storageAccounts';
const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';

/** The account a child names by `storage_account_id` (4.x+) or `storage_account_name` (legacy). */
function accountId(values: Record<string, Value>, context: IdContext): string | undefined {
  const byId = segment(values.storage_account_id);
  if (byId) return byId;
  const name = values.storage_account_name;
  if (typeof name === 'string')
    return (
      context.findId('azurerm_storage_account', name) ??
      groupId({ name, resource_group_name: values.resource_group_name ?? null }, ACCOUNT)
    );
  if (name instanceof Unresolved)
    return `${groupId({ name: `\${${name.expression}}`, resource_group_name: values.resource_group_name ?? null }, ACCOUNT)}`;
  return undefined;
}

/** network_rules { } (inline) or azurerm_storage_account_network_rules -> properties.networkAcls. */
function networkRules(rules: View, out: Builder): void {
  const base = 'properties.networkAcls';
  if (rules.unknown) {
    out.put(base, rules);
    return;
  }
  out.locate(base, rules);
  out.put(`${base}.defaultAction`, rules.get('default_action'));
  const bypass = rules.get('bypass');
  // ARM takes a comma-separated string; Terraform a set.
  out.put(
    `${base}.bypass`,
    bypass.map((v) => (Array.isArray(v) ? v.filter((s) => typeof s === 'string').join(', ') : v)),
  );
  listOfObjects(rules.get('ip_rules'), out, `${base}.ipRules`, 'value', { action: 'Allow' });
  listOfObjects(rules.get('virtual_network_subnet_ids'), out, `${base}.virtualNetworkRules`, 'id', { action: 'Allow' });
  const access = rules.get('private_link_access');
  if (access.unknown) out.put(`${base}.resourceAccessRules`, access);
  else
    access.items().forEach((rule, i) => {
      out.put(`${base}.resourceAccessRules.${i}.resourceId`, rule.get('endpoint_resource_id'));
      out.put(`${base}.resourceAccessRules.${i}.tenantId`, rule.get('endpoint_tenant_id'));
    });
  out.absent(`${base}.defaultAction`, { attribute: 'network_rules.default_action', byMajor: { all: 'Allow' } });
}

/** customer_managed_key { } or azurerm_storage_account_customer_managed_key -> properties.encryption. */
function customerManagedKey(cmk: View, out: Builder, where: View): void {
  out.set('properties.encryption.keySource', 'Microsoft.Keyvault', where);
  const keyId = cmk.first('key_vault_key_id', 'managed_hsm_key_id');
  if (keyId.present) {
    const parts = keyParts(keyId.value);
    if (parts.vault !== undefined) out.set('properties.encryption.keyvaultproperties.keyvaulturi', parts.vault, keyId);
    if (parts.name !== undefined) out.set('properties.encryption.keyvaultproperties.keyname', parts.name, keyId);
    if (parts.version !== undefined)
      out.set('properties.encryption.keyvaultproperties.keyversion', parts.version, keyId);
  } else {
    // The separate resource may name the vault and key instead (key_vault_id + key_name [+ key_version]).
    const vault = cmk.first('key_vault_uri', 'key_vault_id');
    out.put('properties.encryption.keyvaultproperties.keyvaulturi', vault);
    out.put('properties.encryption.keyvaultproperties.keyname', cmk.get('key_name'));
    out.put('properties.encryption.keyvaultproperties.keyversion', cmk.get('key_version'));
  }
  out.put('properties.encryption.identity.userAssignedIdentity', cmk.get('user_assigned_identity_id'));
  out.put('properties.encryption.identity.federatedIdentityClientId', cmk.get('federated_identity_client_id'));
}

/** blob_properties { } -> the account's blobServices/default child (PHI-BAK-002/003). */
function blobService(tf: View, blob: View, out: Builder, context: Parameters<Mapping['map']>[2]): void {
  const service = context.child({
    id: `${context.id}/blobServices/default`,
    type: `${ACCOUNT}/blobServices`,
    name: `${out.resource.name}/default`,
  });
  service.locate('properties', blob);
  if (blob.unknown) {
    service.put('properties', blob);
    return;
  }
  const retention = blob.block('delete_retention_policy');
  if (retention) {
    service.set('properties.deleteRetentionPolicy.enabled', true, retention);
    service.put('properties.deleteRetentionPolicy.days', retention.get('days'));
    service.put('properties.deleteRetentionPolicy.allowPermanentDelete', retention.get('permanent_delete_enabled'));
    service.absent('properties.deleteRetentionPolicy.days', {
      attribute: 'blob_properties.delete_retention_policy.days',
      byMajor: { all: 7 },
    });
  }
  const containerRetention = blob.block('container_delete_retention_policy');
  if (containerRetention) {
    service.set('properties.containerDeleteRetentionPolicy.enabled', true, containerRetention);
    service.put('properties.containerDeleteRetentionPolicy.days', containerRetention.get('days'));
    service.absent('properties.containerDeleteRetentionPolicy.days', {
      attribute: 'blob_properties.container_delete_retention_policy.days',
      byMajor: { all: 7 },
    });
  }
  service.put('properties.isVersioningEnabled', blob.get('versioning_enabled'));
  service.put('properties.changeFeed.enabled', blob.get('change_feed_enabled'));
  service.put('properties.changeFeed.retentionInDays', blob.get('change_feed_retention_in_days'));
  service.put('properties.lastAccessTimeTrackingPolicy.enable', blob.get('last_access_time_enabled'));
  const restore = blob.block('restore_policy');
  if (restore) {
    service.set('properties.restorePolicy.enabled', true, restore);
    service.put('properties.restorePolicy.days', restore.get('days'));
  }
  // No delete_retention_policy block: blob soft delete is off (rules.yaml PHI-BAK-002).
  service.absent('properties.deleteRetentionPolicy.enabled', {
    attribute: 'blob_properties.delete_retention_policy',
    byMajor: { all: false },
  });
  service.absent('properties.isVersioningEnabled', {
    attribute: 'blob_properties.versioning_enabled',
    byMajor: { all: false },
  });
  void tf;
}

const storageAccount: Mapping = {
  type: ACCOUNT,
  id: (values) => groupId(values, ACCOUNT),
  computed: (values): ValueObject => {
    const name = values.name;
    if (typeof name !== 'string') return {};
    return {
      primary_blob_endpoint: `https://${name}.blob.core.windows.net/`,
      primary_dfs_endpoint: `https://${name}.dfs.core.windows.net/`,
      primary_blob_host: `${name}.blob.core.windows.net`,
    };
  },
  map(tf, out, context) {
    common(tf, out);
    out.put('kind', tf.get('account_kind'));
    out.absent('kind', { attribute: 'account_kind', byMajor: { all: 'StorageV2' } });
    const tier = tf.get('account_tier');
    const replication = tf.get('account_replication_type');
    if (tier.unknown || replication.unknown) out.put('sku.name', tier.unknown ? tier : replication);
    else if (tier.present && replication.present)
      out.set('sku.name', `${tier.value}_${replication.value}`, replication);
    out.put('sku.tier', tier);
    out.put('properties.accessTier', tf.get('access_tier'));
    out.put('properties.minimumTlsVersion', tf.get('min_tls_version'));
    out.absent('properties.minimumTlsVersion', { attribute: 'min_tls_version', byMajor: { all: 'TLS1_2' } });
    out.put('properties.supportsHttpsTrafficOnly', tf.first('https_traffic_only_enabled', 'enable_https_traffic_only'));
    out.absent('properties.supportsHttpsTrafficOnly', {
      attribute: 'https_traffic_only_enabled (3.x enable_https_traffic_only)',
      byMajor: { all: true },
    });
    out.put(
      'properties.allowBlobPublicAccess',
      tf.first('allow_nested_items_to_be_public', 'allow_blob_public_access'),
    );
    out.absent('properties.allowBlobPublicAccess', {
      attribute: 'allow_nested_items_to_be_public',
      byMajor: { 3: true, 4: true, 5: false },
      order: [true, false],
    });
    out.put('properties.allowSharedKeyAccess', tf.get('shared_access_key_enabled'));
    out.absent('properties.allowSharedKeyAccess', { attribute: 'shared_access_key_enabled', byMajor: { all: true } });
    out.put('properties.defaultToOAuthAuthentication', tf.get('default_to_oauth_authentication'));
    out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
    out.absent('properties.publicNetworkAccess', {
      attribute: 'public_network_access_enabled',
      byMajor: { all: 'Enabled' },
    });
    out.put('properties.isHnsEnabled', tf.get('is_hns_enabled'));
    out.put('properties.isSftpEnabled', tf.get('sftp_enabled'));
    out.put('properties.isNfsV3Enabled', tf.get('nfsv3_enabled'));
    out.put('properties.allowCrossTenantReplication', tf.get('cross_tenant_replication_enabled'));
    out.put('properties.encryption.requireInfrastructureEncryption', tf.get('infrastructure_encryption_enabled'));
    out.absent('properties.encryption.requireInfrastructureEncryption', {
      attribute: 'infrastructure_encryption_enabled',
      byMajor: { all: false },
    });
    const rules = tf.block('network_rules');
    if (rules) networkRules(rules, out);
    else
      out.absent('properties.networkAcls.defaultAction', {
        attribute: 'network_rules',
        byMajor: { all: 'Allow' },
        note: 'no network_rules block: the firewall admits all networks',
      });
    const cmk = tf.block('customer_managed_key');
    if (cmk?.unknown) out.put('properties.encryption', cmk);
    else if (cmk) customerManagedKey(cmk, out, cmk);
    else
      out.absent('properties.encryption.keySource', {
        attribute: 'customer_managed_key',
        byMajor: { all: 'Microsoft.Storage' },
        note: 'platform-managed key',
      });
    const immutability = tf.block('immutability_policy');
    if (immutability) {
      const base = 'properties.immutableStorageWithVersioning';
      out.set(`${base}.enabled`, true, immutability);
      out.put(
        `${base}.immutabilityPolicy.immutabilityPeriodSinceCreationInDays`,
        immutability.get('period_since_creation_in_days'),
      );
      out.put(`${base}.immutabilityPolicy.state`, immutability.get('state'));
      out.put(
        `${base}.immutabilityPolicy.allowProtectedAppendWrites`,
        immutability.get('allow_protected_append_writes'),
      );
    }
    const blob = tf.block('blob_properties');
    if (blob) blobService(tf, blob, out, context);
  },
};

const ACCESS: Record<string, string> = { private: 'None', blob: 'Blob', container: 'Container' };

const storageContainer: Mapping = {
  type: CONTAINER,
  id: (values, context) => {
    const account = accountId(values, context);
    return account && typeof values.name === 'string'
      ? `${account}/blobServices/default/containers/${values.name}`
      : undefined;
  },
  map(tf, out) {
    out.put(
      'properties.publicAccess',
      tf.get('container_access_type').map((v) => (typeof v === 'string' ? (ACCESS[v.toLowerCase()] ?? v) : v)),
    );
    out.absent('properties.publicAccess', {
      attribute: 'container_access_type',
      byMajor: { all: 'None' },
      note: 'private',
    });
    out.put('properties.metadata', tf.get('metadata'));
    out.put('properties.defaultEncryptionScope', tf.get('default_encryption_scope'));
    out.put(
      'properties.denyEncryptionScopeOverride',
      tf.get('encryption_scope_override_enabled').map((v) => (typeof v === 'boolean' ? !v : v)),
    );
  },
};

const networkRulesPatch: Patch = {
  kind: 'patch',
  targetType: 'azurerm_storage_account',
  target: (values, context) => accountId(values, context),
  apply(tf, target) {
    networkRules(tf, target);
  },
};

const customerManagedKeyPatch: Patch = {
  kind: 'patch',
  targetType: 'azurerm_storage_account',
  target: (values, context) => accountId(values, context),
  apply(tf, target) {
    customerManagedKey(tf, target, tf);
  },
};

const managementPolicy: Mapping = {
  type: `${ACCOUNT}/managementPolicies`,
  id: (values, context) => {
    const account = accountId(values, context);
    return account ? `${account}/managementPolicies/default` : undefined;
  },
  map(tf, out) {
    const rules = tf.get('rule');
    if (rules.unknown) {
      out.put('properties.policy.rules', rules);
      return;
    }
    out.set('properties.policy.rules', [], rules);
    rules.items().forEach((rule, i) => {
      const base = `properties.policy.rules.${i}`;
      out.put(`${base}.name`, rule.get('name'));
      out.put(`${base}.enabled`, rule.get('enabled'));
      out.set(`${base}.type`, 'Lifecycle', rule);
      const filters = rule.block('filters');
      if (filters) {
        out.put(`${base}.definition.filters.prefixMatch`, filters.get('prefix_match'));
        out.put(`${base}.definition.filters.blobTypes`, filters.get('blob_types'));
        const tags = filters.get('match_blob_index_tag');
        tags.items().forEach((tag, j) => {
          out.put(`${base}.definition.filters.blobIndexMatch.${j}.name`, tag.get('name'));
          out.put(`${base}.definition.filters.blobIndexMatch.${j}.op`, tag.get('operation'));
          out.put(`${base}.definition.filters.blobIndexMatch.${j}.value`, tag.get('value'));
        });
      }
      const actions = rule.block('actions');
      if (!actions) return;
      const days = (view: View | undefined, path: string, attrs: Record<string, string>) => {
        if (!view) return;
        for (const [from, to] of Object.entries(attrs)) {
          // -1 is the provider's "unset".
          const value = view.get(from);
          if (value.present && value.value !== -1) out.put(`${base}.definition.actions.${path}.${to}`, value);
        }
      };
      days(actions.block('base_blob'), 'baseBlob', {
        delete_after_days_since_modification_greater_than: 'delete.daysAfterModificationGreaterThan',
        delete_after_days_since_creation_greater_than: 'delete.daysAfterCreationGreaterThan',
        delete_after_days_since_last_access_time_greater_than: 'delete.daysAfterLastAccessTimeGreaterThan',
        tier_to_cool_after_days_since_modification_greater_than: 'tierToCool.daysAfterModificationGreaterThan',
        tier_to_archive_after_days_since_modification_greater_than: 'tierToArchive.daysAfterModificationGreaterThan',
      });
      days(actions.block('snapshot'), 'snapshot', {
        delete_after_days_since_creation_greater_than: 'delete.daysAfterCreationGreaterThan',
      });
      days(actions.block('version'), 'version', {
        delete_after_days_since_creation: 'delete.daysAfterCreationGreaterThan',
      });
    });
  },
};

const containerImmutability: Mapping = {
  type: `${CONTAINER}/immutabilityPolicies`,
  id: (values) => {
    const container = segment(values.storage_container_resource_manager_id);
    return container ? `${container}/immutabilityPolicies/default` : undefined;
  },
  map(tf, out) {
    out.put('properties.immutabilityPeriodSinceCreationInDays', tf.get('immutability_period_in_days'));
    out.put(
      'properties.state',
      tf.get('locked').map((v) => (v === true ? 'Locked' : v === false ? 'Unlocked' : v)),
    );
    out.absent('properties.state', { attribute: 'locked', byMajor: { all: 'Unlocked' } });
    out.put('properties.allowProtectedAppendWrites', tf.get('protected_append_writes_enabled'));
    out.put('properties.allowProtectedAppendWritesAll', tf.get('protected_append_writes_all_enabled'));
  },
};

const objectReplication: Mapping = {
  type: `${ACCOUNT}/objectReplicationPolicies`,
  id: (values) => {
    const source = segment(values.source_storage_account_id);
    return source
      ? `${source}/objectReplicationPolicies/${lastSegment(values.destination_storage_account_id) ?? 'default'}`
      : undefined;
  },
  map(tf, out) {
    out.put('properties.sourceAccount', tf.get('source_storage_account_id'));
    out.put('properties.destinationAccount', tf.get('destination_storage_account_id'));
    const rules = tf.get('rules');
    rules.items().forEach((rule, i) => {
      out.put(`properties.rules.${i}.sourceContainer`, rule.get('source_container_name'));
      out.put(`properties.rules.${i}.destinationContainer`, rule.get('destination_container_name'));
      out.put(`properties.rules.${i}.filters.prefixMatch`, rule.get('filter_out_blobs_with_prefix'));
    });
  },
};

export const STORAGE_MAPPINGS: Record<string, TypeMapping> = {
  azurerm_storage_account: storageAccount,
  azurerm_storage_container: storageContainer,
  azurerm_storage_account_network_rules: networkRulesPatch,
  azurerm_storage_account_customer_managed_key: customerManagedKeyPatch,
  azurerm_storage_management_policy: managementPolicy,
  azurerm_storage_container_immutability_policy: containerImmutability,
  azurerm_storage_object_replication: objectReplication,
};

// azurerm database resources -> Microsoft.Sql, Microsoft.DocumentDB, Microsoft.DBforPostgreSQL/MySQL
// (controls.md B2-B4; rules.yaml PHI-NET-004..010, PHI-TLS-010/011, PHI-LOG-005/006, PHI-BAK-011/012, PHI-IAM-007/008).
import { type Builder, childId, groupId, lastSegment, namedChildId, segment, type View } from './builder.js';
import { common, enabledView, notView, splitList } from './common.js';
import type { MapContext, Mapping, TypeMapping } from './types.js';

const SQL = 'Microsoft.Sql/servers';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const PG_FLEX = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL_FLEX = 'Microsoft.DBforMySQL/flexibleServers';
const PG = 'Microsoft.DBforPostgreSQL/servers';
const MYSQL = 'Microsoft.DBforMySQL/servers';

function firewallRule(type: string, parent: string, parentKey: 'server_id' | 'server_name'): Mapping {
  return {
    type: `${type}/firewallRules`,
    id: (values) =>
      parentKey === 'server_id'
        ? childId(values.server_id, 'firewallRules', values.name)
        : namedChildId(values, parent, 'server_name', 'firewallRules'),
    map(tf, out) {
      out.put('properties.startIpAddress', tf.get('start_ip_address'));
      out.put('properties.endIpAddress', tf.get('end_ip_address'));
    },
  };
}

/** extended_auditing_policy (inline, 2.x/3.x) or azurerm_mssql_*_extended_auditing_policy -> auditingSettings. */
function auditing(tf: View, out: Builder): void {
  out.put('properties.state', enabledView(tf.get('enabled')));
  out.absent('properties.state', { attribute: 'enabled', byMajor: { all: 'Enabled' } });
  out.put('properties.storageEndpoint', tf.first('blob_storage_endpoint', 'storage_endpoint'));
  out.put('properties.retentionDays', tf.get('retention_in_days'));
  out.absent('properties.retentionDays', {
    attribute: 'retention_in_days',
    byMajor: { all: 0 },
    note: '0 = unlimited',
  });
  out.put('properties.isAzureMonitorTargetEnabled', tf.get('log_monitoring_enabled'));
  out.absent('properties.isAzureMonitorTargetEnabled', { attribute: 'log_monitoring_enabled', byMajor: { all: true } });
  out.put('properties.storageAccountAccessKeyIsSecondary', tf.get('storage_account_access_key_is_secondary'));
}

function sqlServer(tf: View, out: Builder, context: MapContext, legacy: boolean): void {
  common(tf, out);
  out.put('properties.version', tf.get('version'));
  out.put('properties.administratorLogin', tf.get('administrator_login'));
  out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
  out.absent('properties.publicNetworkAccess', {
    attribute: 'public_network_access_enabled',
    byMajor: { all: 'Enabled' },
  });
  out.put('properties.minimalTlsVersion', tf.get('minimum_tls_version'));
  // 3.x legacy azurerm_sql_server has no minimum_tls_version: the ARM rule for its API version applies.
  if (!legacy)
    out.absent('properties.minimalTlsVersion', { attribute: 'minimum_tls_version', byMajor: { all: '1.2' } });
  out.put('properties.keyId', tf.get('transparent_data_encryption_key_vault_key_id'));
  out.put('properties.restrictOutboundNetworkAccess', enabledView(tf.get('outbound_network_restriction_enabled')));
  const inline = tf.block('extended_auditing_policy');
  if (inline) {
    const child = context.child({
      id: `${context.id}/auditingSettings/default`,
      type: `${SQL}/auditingSettings`,
      name: `${out.resource.name}/default`,
    });
    if (inline.unknown) child.put('properties', inline);
    else auditing(inline, child);
  }
}

function cosmosAccount(tf: View, out: Builder): void {
  common(tf, out);
  out.put('kind', tf.get('kind'));
  out.absent('kind', { attribute: 'kind', byMajor: { all: 'GlobalDocumentDB' } });
  out.put('properties.databaseAccountOfferType', tf.get('offer_type'));
  out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
  out.absent('properties.publicNetworkAccess', {
    attribute: 'public_network_access_enabled',
    byMajor: { all: 'Enabled' },
  });
  out.put('properties.isVirtualNetworkFilterEnabled', tf.get('is_virtual_network_filter_enabled'));
  out.absent('properties.isVirtualNetworkFilterEnabled', {
    attribute: 'is_virtual_network_filter_enabled',
    byMajor: { all: false },
  });
  // ip_range_filter: a comma-separated string in 3.x, a set of strings in 4.x/5.x.
  const filter = splitList(tf.get('ip_range_filter'));
  if (filter.unknown) out.put('properties.ipRules', filter);
  else if (Array.isArray(filter.value)) {
    out.set('properties.ipRules', [], filter);
    for (const [i, item] of filter.items().entries()) out.put(`properties.ipRules.${i}.ipAddressOrRange`, item);
  }
  out.absent('properties.ipRules', { attribute: 'ip_range_filter', byMajor: { all: [] } });
  tf.get('virtual_network_rule')
    .items()
    .forEach((rule, i) => {
      out.put(`properties.virtualNetworkRules.${i}.id`, rule.get('id'));
      out.put(
        `properties.virtualNetworkRules.${i}.ignoreMissingVNetServiceEndpoint`,
        rule.get('ignore_missing_vnet_service_endpoint'),
      );
    });
  out.put('properties.keyVaultKeyUri', tf.get('key_vault_key_id'));
  out.absent('properties.keyVaultKeyUri', {
    attribute: 'key_vault_key_id',
    byMajor: { all: null },
    note: 'service-managed key',
  });
  // local_authentication_enabled (5.x) replaced local_authentication_disabled (4.x and earlier).
  const enabled = tf.get('local_authentication_enabled');
  if (enabled.present) out.put('properties.disableLocalAuth', notView(enabled));
  else out.put('properties.disableLocalAuth', tf.get('local_authentication_disabled'));
  out.absent('properties.disableLocalAuth', {
    attribute: 'local_authentication_enabled (4.x local_authentication_disabled)',
    byMajor: { all: false },
  });
  out.put('properties.disableKeyBasedMetadataWriteAccess', notView(tf.get('access_key_metadata_writes_enabled')));
  out.absent('properties.disableKeyBasedMetadataWriteAccess', {
    attribute: 'access_key_metadata_writes_enabled',
    byMajor: { all: false },
    note: 'metadata writes with account keys allowed',
  });
  out.put('properties.minimalTlsVersion', tf.get('minimal_tls_version'));
  out.absent('properties.minimalTlsVersion', { attribute: 'minimal_tls_version', byMajor: { all: 'Tls12' } });
  out.put(
    'properties.networkAclBypass',
    tf
      .get('network_acl_bypass_for_azure_services')
      .map((v) => (v === true ? 'AzureServices' : v === false ? 'None' : v)),
  );
  out.put('properties.networkAclBypassResourceIds', tf.get('network_acl_bypass_ids'));
  out.put('properties.enableAutomaticFailover', tf.get('automatic_failover_enabled'));
  const backup = tf.block('backup');
  if (backup && !backup.unknown) {
    out.put('properties.backupPolicy.type', backup.get('type'));
    out.put(
      'properties.backupPolicy.periodicModeProperties.backupIntervalInMinutes',
      backup.get('interval_in_minutes'),
    );
    out.put(
      'properties.backupPolicy.periodicModeProperties.backupRetentionIntervalInHours',
      backup.get('retention_in_hours'),
    );
    out.put('properties.backupPolicy.periodicModeProperties.backupStorageRedundancy', backup.get('storage_redundancy'));
    out.put('properties.backupPolicy.continuousModeProperties.tier', backup.get('tier'));
  }
  tf.get('geo_location')
    .items()
    .forEach((location, i) => {
      out.put(`properties.locations.${i}.locationName`, location.get('location'));
      out.put(`properties.locations.${i}.failoverPriority`, location.get('failover_priority'));
    });
}

/** Flexible servers: network, backup and data encryption (PostgreSQL and MySQL share the shape). */
function flexibleServer(tf: View, out: Builder, mysql: boolean): void {
  common(tf, out);
  out.put('properties.version', tf.get('version'));
  out.put('sku.name', tf.get('sku_name'));
  const subnet = tf.get('delegated_subnet_id');
  out.put('properties.network.delegatedSubnetResourceId', subnet);
  out.put(
    mysql ? 'properties.network.privateDnsZoneResourceId' : 'properties.network.privateDnsZoneArmResourceId',
    tf.get('private_dns_zone_id'),
  );
  // MySQL 5.x: public_network_access = "Enabled"|"Disabled"; 4.x and PostgreSQL: public_network_access_enabled.
  const access =
    mysql && tf.get('public_network_access').present
      ? tf.get('public_network_access')
      : enabledView(tf.get('public_network_access_enabled'));
  out.put('properties.network.publicNetworkAccess', access);
  // 3.x derived public access from the delegation; later majors default to true unless a subnet is delegated.
  const delegated = subnet.present;
  out.absent('properties.network.publicNetworkAccess', {
    attribute: mysql ? 'public_network_access (4.x public_network_access_enabled)' : 'public_network_access_enabled',
    byMajor: { all: delegated ? 'Disabled' : 'Enabled' },
    note: delegated ? 'VNet-injected (delegated_subnet_id set)' : 'no delegated_subnet_id',
  });
  out.put('properties.backup.geoRedundantBackup', enabledView(tf.get('geo_redundant_backup_enabled')));
  out.absent('properties.backup.geoRedundantBackup', {
    attribute: 'geo_redundant_backup_enabled',
    byMajor: { all: 'Disabled' },
  });
  out.put('properties.backup.backupRetentionDays', tf.get('backup_retention_days'));
  out.absent('properties.backup.backupRetentionDays', { attribute: 'backup_retention_days', byMajor: { all: 7 } });
  const cmk = tf.block('customer_managed_key');
  if (cmk?.unknown) out.put('properties.dataEncryption', cmk);
  else if (cmk) {
    out.set('properties.dataEncryption.type', 'AzureKeyVault', cmk);
    out.put('properties.dataEncryption.primaryKeyURI', cmk.get('key_vault_key_id'));
    out.put('properties.dataEncryption.primaryUserAssignedIdentityId', cmk.get('primary_user_assigned_identity_id'));
    out.put('properties.dataEncryption.geoBackupKeyURI', cmk.get('geo_backup_key_vault_key_id'));
  } else
    out.absent('properties.dataEncryption.type', {
      attribute: 'customer_managed_key',
      byMajor: { all: 'SystemManaged' },
      note: 'service-managed key',
    });
  const auth = tf.block('authentication');
  if (auth && !auth.unknown) {
    out.put('properties.authConfig.activeDirectoryAuth', enabledView(auth.get('active_directory_auth_enabled')));
    out.put('properties.authConfig.passwordAuth', enabledView(auth.get('password_auth_enabled')));
  }
}

/** Legacy single servers (azurerm 3.x and earlier). */
function singleServer(tf: View, out: Builder): void {
  common(tf, out);
  out.put('sku.name', tf.get('sku_name'));
  out.put('properties.version', tf.get('version'));
  out.put('properties.publicNetworkAccess', enabledView(tf.get('public_network_access_enabled')));
  out.absent('properties.publicNetworkAccess', {
    attribute: 'public_network_access_enabled',
    byMajor: { all: 'Enabled' },
  });
  // 2.x: ssl_enforcement = "Enabled"|"Disabled"; 3.x: ssl_enforcement_enabled (required, no default).
  const ssl = tf.get('ssl_enforcement_enabled');
  out.put('properties.sslEnforcement', ssl.present ? enabledView(ssl) : tf.get('ssl_enforcement'));
  out.put('properties.minimalTlsVersion', tf.get('ssl_minimal_tls_version_enforced'));
  out.absent('properties.minimalTlsVersion', {
    attribute: 'ssl_minimal_tls_version_enforced',
    byMajor: { all: 'TLS1_2' },
  });
  out.put('properties.infrastructureEncryption', enabledView(tf.get('infrastructure_encryption_enabled')));
  out.put('properties.storageProfile.geoRedundantBackup', enabledView(tf.get('geo_redundant_backup_enabled')));
  out.absent('properties.storageProfile.geoRedundantBackup', {
    attribute: 'geo_redundant_backup_enabled',
    byMajor: { all: 'Disabled' },
  });
  out.put('properties.storageProfile.backupRetentionDays', tf.get('backup_retention_days'));
  const threat = tf.block('threat_detection_policy');
  if (threat && !threat.unknown) out.put('properties.threatDetection.enabled', threat.get('enabled'));
}

function configuration(type: string, parent: string, parentKey: 'server_id' | 'server_name'): Mapping {
  return {
    type: `${type}/configurations`,
    id: (values) =>
      parentKey === 'server_id'
        ? childId(values.server_id, 'configurations', values.name)
        : namedChildId(values, parent, 'server_name', 'configurations'),
    map(tf, out) {
      out.put('properties.value', tf.get('value'));
      out.set('properties.source', 'user-override', tf.get('value'));
    },
  };
}

function serverKey(type: string): Mapping {
  return {
    type: `${type}/keys`,
    id: (values) =>
      childId(values.server_id, 'keys', lastSegment(values.key_vault_key_id)?.replace(/[^\w-]/g, '_') ?? 'key'),
    map(tf, out) {
      out.set('properties.serverKeyType', 'AzureKeyVault', tf.get('key_vault_key_id'));
      out.put('properties.uri', tf.get('key_vault_key_id'));
    },
  };
}

const sqlDatabase: Mapping = {
  type: `${SQL}/databases`,
  id: (values) => childId(values.server_id, 'databases', values.name),
  map(tf, out, context) {
    common(tf, out);
    out.put('sku.name', tf.get('sku_name'));
    out.put('properties.requestedBackupStorageRedundancy', tf.get('storage_account_type'));
    out.absent('properties.requestedBackupStorageRedundancy', {
      attribute: 'storage_account_type',
      byMajor: { all: 'Geo' },
    });
    out.put('properties.zoneRedundant', tf.get('zone_redundant'));
    out.put('properties.ledgerOn', tf.get('ledger_enabled'));
    // TDE: a child transparentDataEncryption/current, as ARM templates declare it (PHI-NET-009).
    const tde = tf.get('transparent_data_encryption_enabled');
    if (tde.present) {
      const child = context.child({
        id: `${context.id}/transparentDataEncryption/current`,
        type: `${SQL}/databases/transparentDataEncryption`,
        name: `${out.resource.name}/current`,
      });
      child.put('properties.state', enabledView(tde));
    }
    const ltr = tf.block('long_term_retention_policy');
    if (ltr && !ltr.unknown) {
      const child = context.child({
        id: `${context.id}/backupLongTermRetentionPolicies/default`,
        type: `${SQL}/databases/backupLongTermRetentionPolicies`,
        name: `${out.resource.name}/default`,
      });
      child.put('properties.weeklyRetention', ltr.get('weekly_retention'));
      child.put('properties.monthlyRetention', ltr.get('monthly_retention'));
      child.put('properties.yearlyRetention', ltr.get('yearly_retention'));
      child.put('properties.weekOfYear', ltr.get('week_of_year'));
    }
    const str = tf.block('short_term_retention_policy');
    if (str && !str.unknown) {
      const child = context.child({
        id: `${context.id}/backupShortTermRetentionPolicies/default`,
        type: `${SQL}/databases/backupShortTermRetentionPolicies`,
        name: `${out.resource.name}/default`,
      });
      child.put('properties.retentionDays', str.get('retention_days'));
    }
  },
};

const legacySqlDatabase: Mapping = {
  type: `${SQL}/databases`,
  id: (values) => namedChildId(values, SQL, 'server_name', 'databases'),
  map(tf, out, context) {
    common(tf, out);
    const inline = tf.block('extended_auditing_policy');
    if (inline && !inline.unknown) {
      const child = context.child({
        id: `${context.id}/auditingSettings/default`,
        type: `${SQL}/databases/auditingSettings`,
        name: `${out.resource.name}/default`,
      });
      auditing(inline, child);
    }
  },
};

function auditingPolicy(parentKey: 'server_id' | 'database_id', type: string): Mapping {
  return {
    type,
    id: (values) => {
      const parent = segment(values[parentKey]);
      return parent ? `${parent}/extendedAuditingSettings/default` : undefined;
    },
    map(tf, out) {
      auditing(tf, out);
    },
  };
}

const tdeProtector: Mapping = {
  type: `${SQL}/encryptionProtector`,
  id: (values) => {
    const server = segment(values.server_id);
    return server ? `${server}/encryptionProtector/current` : undefined;
  },
  map(tf, out) {
    const key = tf.first('key_vault_key_id', 'managed_hsm_key_id');
    if (key.present) {
      out.set('properties.serverKeyType', 'AzureKeyVault', key);
      out.put('properties.uri', key);
      if (!key.unknown) out.set('properties.serverKeyName', lastSegment(key.value) ?? '', key);
    } else out.set('properties.serverKeyType', 'ServiceManaged', out.resource.at);
    out.put('properties.autoRotationEnabled', tf.get('auto_rotation_enabled'));
  },
};

const managedInstance: Mapping = {
  type: 'Microsoft.Sql/managedInstances',
  id: (values) => groupId(values, 'Microsoft.Sql/managedInstances'),
  map(tf, out) {
    common(tf, out);
    out.put('properties.publicDataEndpointEnabled', tf.get('public_data_endpoint_enabled'));
    out.absent('properties.publicDataEndpointEnabled', {
      attribute: 'public_data_endpoint_enabled',
      byMajor: { all: false },
    });
    out.put('properties.minimalTlsVersion', tf.get('minimum_tls_version'));
    out.absent('properties.minimalTlsVersion', { attribute: 'minimum_tls_version', byMajor: { all: '1.2' } });
    out.put('properties.subnetId', tf.get('subnet_id'));
  },
};

export const DATABASE_MAPPINGS: Record<string, TypeMapping> = {
  azurerm_mssql_server: {
    type: SQL,
    id: (values) => groupId(values, SQL),
    map: (tf, out, context) => sqlServer(tf, out, context, false),
  },
  azurerm_sql_server: {
    type: SQL,
    id: (values) => groupId(values, SQL),
    map: (tf, out, context) => sqlServer(tf, out, context, true),
  },
  azurerm_mssql_firewall_rule: firewallRule(SQL, SQL, 'server_id'),
  azurerm_sql_firewall_rule: firewallRule(SQL, SQL, 'server_name'),
  azurerm_mssql_virtual_network_rule: {
    type: `${SQL}/virtualNetworkRules`,
    id: (values) => childId(values.server_id, 'virtualNetworkRules', values.name),
    map(tf, out) {
      out.put('properties.virtualNetworkSubnetId', tf.get('subnet_id'));
    },
  },
  azurerm_mssql_database: sqlDatabase,
  azurerm_sql_database: legacySqlDatabase,
  azurerm_mssql_server_transparent_data_encryption: tdeProtector,
  azurerm_mssql_server_extended_auditing_policy: {
    ...auditingPolicy('server_id', `${SQL}/extendedAuditingSettings`),
    // Some configurations (and KICS samples) attach the server policy to a database_id: treat it as that database's.
    type: (values) =>
      values.server_id === undefined && values.database_id !== undefined
        ? `${SQL}/databases/extendedAuditingSettings`
        : `${SQL}/extendedAuditingSettings`,
    id: (values) => {
      const parent = segment(values.server_id) ?? segment(values.database_id);
      return parent ? `${parent}/extendedAuditingSettings/default` : undefined;
    },
  },
  azurerm_mssql_database_extended_auditing_policy: auditingPolicy(
    'database_id',
    `${SQL}/databases/extendedAuditingSettings`,
  ),
  azurerm_mssql_managed_instance: managedInstance,
  azurerm_cosmosdb_account: {
    type: COSMOS,
    id: (values) => groupId(values, COSMOS),
    map: (tf, out) => cosmosAccount(tf, out),
  },
  azurerm_postgresql_flexible_server: {
    type: PG_FLEX,
    id: (values) => groupId(values, PG_FLEX),
    map: (tf, out) => flexibleServer(tf, out, false),
  },
  azurerm_mysql_flexible_server: {
    type: MYSQL_FLEX,
    id: (values) => groupId(values, MYSQL_FLEX),
    map: (tf, out) => flexibleServer(tf, out, true),
  },
  azurerm_postgresql_server: { type: PG, id: (values) => groupId(values, PG), map: (tf, out) => singleServer(tf, out) },
  azurerm_mysql_server: {
    type: MYSQL,
    id: (values) => groupId(values, MYSQL),
    map: (tf, out) => singleServer(tf, out),
  },
  azurerm_postgresql_flexible_server_firewall_rule: firewallRule(PG_FLEX, PG_FLEX, 'server_id'),
  azurerm_mysql_flexible_server_firewall_rule: firewallRule(MYSQL_FLEX, MYSQL_FLEX, 'server_id'),
  azurerm_postgresql_firewall_rule: firewallRule(PG, PG, 'server_name'),
  azurerm_mysql_firewall_rule: firewallRule(MYSQL, MYSQL, 'server_name'),
  azurerm_postgresql_flexible_server_configuration: configuration(PG_FLEX, PG_FLEX, 'server_id'),
  azurerm_mysql_flexible_server_configuration: configuration(MYSQL_FLEX, MYSQL_FLEX, 'server_id'),
  azurerm_postgresql_configuration: configuration(PG, PG, 'server_name'),
  azurerm_mysql_configuration: configuration(MYSQL, MYSQL, 'server_name'),
  azurerm_postgresql_server_key: serverKey(PG),
  azurerm_mysql_server_key: serverKey(MYSQL),
};

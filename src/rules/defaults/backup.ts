// What absent backup, retention and immutability properties mean (PHI-BAK-*). Quotes and sources: controls.md
// section F and rules.yaml PHI-BAK-* check.absent.
import type { Value } from '../../core/types.js';
import type { DefaultEntry } from '../defaults.js';

const RSV = 'Microsoft.RecoveryServices/vaults';
const BV = 'Microsoft.DataProtection/backupVaults';
const BLOB_SERVICE = 'Microsoft.Storage/storageAccounts/blobServices';
const IMMUTABILITY = 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies';
const STORAGE_SWAGGER = 'azure-rest-api-specs storage.json 2025-06-01';
const RSV_SOURCE = 'azure-rest-api-specs recoveryservices 2025-08-01 openapi.json (controls.md F1)';
const BV_SOURCE =
  'azure-rest-api-specs dataprotection 2025-07-01; azurerm data_protection_backup_vault (controls.md F2)';

export const BACKUP_DEFAULTS: DefaultEntry[] = [
  // Recovery Services and Backup vaults (PHI-BAK-005..008).
  {
    type: RSV,
    path: 'properties.securitySettings.softDeleteSettings.softDeleteState',
    value: 'Enabled',
    because: 'absent; soft delete is enabled on Recovery Services vaults by default',
    source: `${RSV_SOURCE}; rules.yaml PHI-BAK-005 absent ("Enabled, 14 days (service default)")`,
  },
  {
    type: RSV,
    path: 'properties.securitySettings.softDeleteSettings.softDeleteRetentionPeriodInDays',
    value: 14,
    because: 'absent; soft-deleted backup data is kept 14 days by default',
    source: `${RSV_SOURCE}; rules.yaml PHI-BAK-005`,
  },
  {
    type: BV,
    path: 'properties.securitySettings.softDeleteSettings.state',
    value: 'On',
    because: 'absent; soft delete is On for Backup vaults by default',
    source: `${BV_SOURCE}: soft_delete default On`,
  },
  {
    type: BV,
    path: 'properties.securitySettings.softDeleteSettings.retentionDurationInDays',
    value: 14,
    because: 'absent; soft-deleted backup data is kept 14 days by default',
    source: `${BV_SOURCE}: retention_duration_in_days default 14`,
  },
  {
    type: RSV,
    path: 'properties.securitySettings.immutabilitySettings.state',
    value: 'Disabled',
    because: 'absent; vault immutability is disabled unless enabled',
    source: `${RSV_SOURCE}; azurerm recovery_services_vault immutability; rules.yaml PHI-BAK-006`,
  },
  {
    type: BV,
    path: 'properties.securitySettings.immutabilitySettings.state',
    value: 'Disabled',
    because: 'absent; vault immutability is disabled unless enabled',
    source: `${BV_SOURCE}: immutability default Disabled`,
  },
  {
    type: RSV,
    path: 'properties.encryption.keyVaultProperties.keyUri',
    value: undefined,
    because: 'absent; no customer-managed key is configured',
    source: `${RSV_SOURCE} VaultPropertiesEncryption; Azure Policy 2e94d99a`,
  },
  {
    type: BV,
    path: 'properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri',
    value: undefined,
    because: 'absent; no customer-managed key is configured',
    source: `${BV_SOURCE} EncryptionSettings; Azure Policy d6588149`,
  },
  {
    type: RSV,
    path: 'properties.redundancySettings.standardTierStorageRedundancy',
    value: 'GeoRedundant',
    because: 'absent; new Recovery Services vaults use geo-redundant storage',
    source: `${RSV_SOURCE}; azurerm recovery_services_vault storage_mode_type default GeoRedundant`,
  },
  {
    type: RSV,
    path: 'properties.redundancySettings.crossRegionRestore',
    value: 'Disabled',
    because: 'absent; cross-region restore is disabled unless enabled',
    source: `${RSV_SOURCE}; azurerm cross_region_restore_enabled default false`,
  },
  {
    type: BV,
    path: 'properties.featureSettings.crossRegionRestoreSettings.state',
    value: 'Disabled',
    because: 'absent; cross-region restore is disabled unless enabled',
    source: `${BV_SOURCE}: cross_region_restore_enabled default false`,
  },
  // Blob service (PHI-BAK-002/003/010).
  {
    type: BLOB_SERVICE,
    path: 'properties.deleteRetentionPolicy.enabled',
    value: false,
    because: 'absent; blob soft delete is off for accounts created through the API',
    source: `${STORAGE_SWAGGER} DeleteRetentionPolicy; rules.yaml PHI-BAK-002 absent`,
  },
  {
    type: BLOB_SERVICE,
    path: 'properties.deleteRetentionPolicy.days',
    value: undefined,
    because: 'absent; no soft-delete retention period is set',
    source: `${STORAGE_SWAGGER} DeleteRetentionPolicy.days (1-365, no default)`,
  },
  {
    type: BLOB_SERVICE,
    path: 'properties.deleteRetentionPolicy.allowPermanentDelete',
    value: false,
    because: 'absent; permanent delete of soft-deleted blobs is not allowed',
    source: `${STORAGE_SWAGGER} DeleteRetentionPolicy.allowPermanentDelete`,
  },
  {
    type: BLOB_SERVICE,
    path: 'properties.containerDeleteRetentionPolicy.enabled',
    value: false,
    because: 'absent; container soft delete is off',
    source: `${STORAGE_SWAGGER} BlobServicePropertiesProperties.containerDeleteRetentionPolicy`,
  },
  {
    type: BLOB_SERVICE,
    path: 'properties.isVersioningEnabled',
    value: false,
    because: 'absent; blob versioning is off',
    source: `${STORAGE_SWAGGER} BlobServicePropertiesProperties.isVersioningEnabled; rules.yaml PHI-BAK-003`,
  },
  {
    type: 'Microsoft.Storage/storageAccounts',
    path: 'properties.immutableStorageWithVersioning.enabled',
    value: false,
    because: 'absent; account-level (version-level) immutability is off',
    source: `${STORAGE_SWAGGER} ImmutableStorageAccount.enabled (controls.md F4)`,
  },
  {
    type: IMMUTABILITY,
    path: 'properties.state',
    applies: 'template',
    value: 'Unlocked',
    because: 'a template cannot lock a policy; it is Unlocked until the lock action runs',
    source: `${STORAGE_SWAGGER} ImmutabilityPolicyProperty.state (read-only; "lock" is a separate POST) (controls.md F4)`,
  },
  {
    type: IMMUTABILITY,
    path: 'properties.allowProtectedAppendWrites',
    value: false,
    because: 'absent; appends to protected append blobs are not allowed',
    source: `${STORAGE_SWAGGER} ImmutabilityPolicyProperty.allowProtectedAppendWrites`,
  },
  {
    type: IMMUTABILITY,
    path: 'properties.allowProtectedAppendWritesAll',
    value: false,
    because: 'absent; appends to protected block and append blobs are not allowed',
    source: `${STORAGE_SWAGGER} ImmutabilityPolicyProperty.allowProtectedAppendWritesAll`,
  },
  // Database backups (PHI-BAK-011/012).
  ...['Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.DBforMySQL/flexibleServers'].flatMap(
    (type): DefaultEntry[] => [
      {
        type,
        path: 'properties.backup.geoRedundantBackup',
        value: 'Disabled',
        because: 'absent; backups are kept in the server region only',
        source: 'azure-rest-api-specs Backup.geoRedundantBackup; azurerm geo_redundant_backup_enabled default false',
      },
      {
        type,
        path: 'properties.backup.backupRetentionDays',
        value: 7,
        because: 'absent; backups are kept 7 days',
        source: 'azure-rest-api-specs Backup.backupRetentionDays (7-35, default 7); controls.md F3',
      },
    ],
  ),
  ...['Microsoft.DBforPostgreSQL/servers', 'Microsoft.DBforMySQL/servers'].map(
    (type): DefaultEntry => ({
      type,
      path: 'properties.storageProfile.geoRedundantBackup',
      value: 'Disabled',
      because: 'absent; backups are kept in the server region only',
      source: 'azure-rest-api-specs StorageProfile.geoRedundantBackup; Azure Policy 48af4db5 / 82339799',
    }),
  ),
  {
    type: 'Microsoft.Sql/servers/databases',
    path: 'properties.requestedBackupStorageRedundancy',
    value: 'Geo',
    because: 'absent; database backups use geo-redundant storage by default',
    source:
      'azure-rest-api-specs sql 2025-01-01 DatabaseProperties.requestedBackupStorageRedundancy; rules.yaml PHI-BAK-012',
  },
  ...['weeklyRetention', 'monthlyRetention', 'yearlyRetention'].map(
    (name): DefaultEntry => ({
      type: 'Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies',
      path: `properties.${name}`,
      value: 'PT0S',
      because: `absent; no ${name.replace('Retention', '')} long-term backups are kept`,
      source: 'azure-rest-api-specs sql BaseLongTermRetentionPolicyProperties (ISO 8601; PT0S = none); controls.md F3',
    }),
  ),
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.backupPolicy.type',
    value: 'Periodic',
    because: 'absent; the account uses periodic backups',
    source: 'azure-rest-api-specs cosmos-db 2025-10-15 BackupPolicy; controls.md F3',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.backupPolicy.periodicModeProperties.backupStorageRedundancy',
    value: 'Geo',
    because: 'absent; periodic backups are stored geo-redundantly',
    source:
      'learn.microsoft.com/azure/cosmos-db/periodic-backup-storage-redundancy ("By default, Azure Cosmos DB stores periodic mode backup data in geo-redundant Azure Blob Storage")',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.backupPolicy.periodicModeProperties.backupRetentionIntervalInHours',
    value: 8,
    because: 'absent; periodic backups are kept 8 hours',
    source:
      'azure-rest-api-specs cosmos-db PeriodicModeProperties.backupRetentionIntervalInHours; azurerm backup retention_in_hours default 8',
  },
  {
    type: 'Microsoft.DocumentDB/databaseAccounts',
    path: 'properties.backupPolicy.continuousModeProperties.tier',
    value: 'Continuous30Days',
    because: 'absent; continuous backups keep 30 days',
    source:
      'azure-rest-api-specs cosmos-db ContinuousModeProperties.tier; azurerm backup tier default Continuous30Days',
  },
];

/** A default for a property inside an array element, which the path-keyed table cannot express. */
export interface ElementDefault {
  value: Value;
  because: string;
  source: string;
}

/** `properties.policy.rules[].enabled` of a lifecycle management policy. */
export const LIFECYCLE_RULE_ENABLED: ElementDefault = {
  value: true,
  because: 'absent; a lifecycle rule is enabled unless disabled',
  source: `${STORAGE_SWAGGER} ManagementPolicyRule.enabled ("Rule is enabled if set to true"); rules.yaml PHI-BAK-009 ("absent = true")`,
};

/** A storage account without a blobServices/default resource (PHI-BAK-002/003/010). */
export const NO_BLOB_SERVICE = {
  softDelete: 'no blobServices/default resource; blob soft delete is off for accounts created through the API',
  versioning: 'no blobServices/default resource; blob versioning is off',
  source: 'rules.yaml PHI-BAK-002/003 check.absent',
} as const;

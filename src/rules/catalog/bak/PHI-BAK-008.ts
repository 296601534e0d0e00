import { asBoolean, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { manual, set } from '../fixes.js';
import {
  BACKUP_VAULT,
  BV_PAYLOAD,
  BV_SWAGGER,
  childrenOf,
  describeValue,
  isType,
  type KnownRead,
  RSV,
  RSV_PAYLOAD,
  RSV_SWAGGER,
  shortName,
} from './shared.js';

/** Legacy vault storage configuration (`vaults/backupstorageconfig/vaultstorageconfig`). */
const STORAGE_CONFIG = 'Microsoft.RecoveryServices/vaults/backupstorageconfig';

const EXPECTED = 'GeoRedundant storage with cross-region restore Enabled';

function redundancyFailure(read: KnownRead): Outcome {
  return fail(read, {
    expected: EXPECTED,
    message: `Backup storage is ${describeValue(read.value)}: PHI backups exist in one region only, so a regional disaster can take the data and its backups together (cross-region restore needs GeoRedundant storage)`,
  });
}

function crrFailure(read: KnownRead): Outcome {
  return fail(read, {
    expected: EXPECTED,
    message:
      'Backups are geo-redundant but cross-region restore is disabled: the secondary copy can only be restored after Microsoft declares a regional outage',
  });
}

/** A set vault value wins; else the legacy storage configuration child; else the vault's default. */
function vaultOrLegacy(vault: Resource, path: string, legacy: string[], context: RuleContext): PathRead {
  const own = context.read(vault, path);
  if (own.state !== 'default') return own;
  for (const config of childrenOf(vault, STORAGE_CONFIG, context.inventory)) {
    for (const legacyPath of legacy) {
      const value = context.read(config, legacyPath);
      if (value.state === 'unknown' || value.value !== undefined) return value;
    }
  }
  return own;
}

function checkRecoveryServices(vault: Resource, context: RuleContext): Outcome {
  const redundancy = vaultOrLegacy(
    vault,
    'properties.redundancySettings.standardTierStorageRedundancy',
    ['properties.storageModelType', 'properties.storageType'],
    context,
  );
  if (redundancy.state === 'unknown') return unknown(redundancy);
  if (!sameText(redundancy.value, 'GeoRedundant')) return redundancyFailure(redundancy);
  const crr = vaultOrLegacy(
    vault,
    'properties.redundancySettings.crossRegionRestore',
    ['properties.crossRegionRestoreFlag'],
    context,
  );
  if (crr.state === 'unknown') return unknown(crr);
  if (sameText(crr.value, 'Enabled') || asBoolean(crr.value) === true) return pass(crr.path, crr.value ?? undefined);
  return crrFailure(crr);
}

function checkBackupVault(vault: Resource, context: RuleContext): Outcome {
  const settings = context.read(vault, 'properties.storageSettings');
  if (settings.state === 'unknown') return unknown(settings);
  if (!Array.isArray(settings.value) || settings.value.length === 0) {
    return unknown(
      { path: settings.path, expression: describeValue(settings.value), at: settings.at },
      'storageSettings is required and absent, so the vault redundancy cannot be determined',
    );
  }
  let vaultStore: PathRead | undefined;
  for (let i = 0; i < settings.value.length; i++) {
    const datastore = context.read(vault, `properties.storageSettings.${i}.datastoreType`);
    if (datastore.state === 'unknown') return unknown(datastore);
    if (!sameText(datastore.value, 'VaultStore')) continue;
    vaultStore = context.read(vault, `properties.storageSettings.${i}.type`);
    break;
  }
  if (!vaultStore) {
    return unknown(
      { path: settings.path, expression: describeValue(settings.value), at: settings.at },
      'storageSettings has no VaultStore entry, so the vault redundancy cannot be determined',
    );
  }
  if (vaultStore.state === 'unknown') return unknown(vaultStore);
  if (!sameText(vaultStore.value, 'GeoRedundant')) return redundancyFailure(vaultStore);
  const crr = context.read(vault, 'properties.featureSettings.crossRegionRestoreSettings.state');
  if (crr.state === 'unknown') return unknown(crr);
  if (sameText(crr.value, 'Enabled')) return pass(crr.path, crr.value ?? undefined);
  return crrFailure(crr);
}

export default defineRule({
  id: 'PHI-BAK-008',
  title: 'Backup vault protecting PHI is not geo-redundant or cross-region restore is disabled',
  severity: 'low',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(B)', type: 'R' },
    { cite: '164.310(d)(2)(iv)', type: 'A' },
  ],
  phiScoped: true,
  types: [RSV, BACKUP_VAULT],
  children: [STORAGE_CONFIG],
  policies: [
    {
      id: '8f09fda1-91a2-4e14-96a2-67c6281158f7',
      name: '[Preview]: Do not allow creation of Recovery Services vaults of chosen storage redundancy.',
      relation: 'related (deny at creation)',
    },
  ],
  remediation: {
    az: 'az backup vault backup-properties set -g "$RG" -n "$RSV" --backup-storage-redundancy GeoRedundant --cross-region-restore-flag true   # flags UNVERIFIED',
    arm: '{"properties": {"redundancySettings": {"standardTierStorageRedundancy": "GeoRedundant", "crossRegionRestore": "Enabled"}}}',
    terraform: 'storage_mode_type = "GeoRedundant"  cross_region_restore_enabled = true',
    note: 'Redundancy can only be changed before items are protected (UNVERIFIED wording); CRR can be enabled later but not disabled.',
  },
  docs: {
    evaluation:
      'Recovery Services vault: properties.redundancySettings.standardTierStorageRedundancy (else the legacy backupstorageconfig/vaultstorageconfig child storageModelType/storageType) and redundancySettings.crossRegionRestore (else the legacy crossRegionRestoreFlag). Backup vault: the properties.storageSettings[] entry with datastoreType VaultStore and properties.featureSettings.crossRegionRestoreSettings.state. GeoRedundant with cross-region restore Enabled passes; LocallyRedundant or ZoneRedundant fails; GeoRedundant with cross-region restore disabled fails.',
    absent:
      'Recovery Services vault: redundancy absent -> GeoRedundant (default); cross-region restore absent -> Disabled -> fail. Backup vault: storageSettings is required (absent -> needs review); cross-region restore absent -> Disabled -> fail.',
    unresolvable: 'An unresolved redundancy, datastore type or cross-region restore setting -> needs review.',
    crossResource:
      'PHI relevance as in PHI-BAK-007: a vault tagged or classified PHI (propagation from protected items is not implemented in the classifier yet).',
    references: [
      `${RSV_SWAGGER} VaultPropertiesRedundancySettings.{standardTierStorageRedundancy (Invalid|LocallyRedundant|GeoRedundant|ZoneRedundant), crossRegionRestore}; BackupResourceConfig.{storageModelType, crossRegionRestoreFlag}`,
      `${BV_SWAGGER} StorageSetting.{datastoreType, type}; FeatureSettings.crossRegionRestoreSettings.state`,
      'Azure/azure-policy built-in 8f09fda1-91a2-4e14-96a2-67c6281158f7 (Deny at creation)',
      'hashicorp/terraform-provider-azurerm recovery_services_vault storage_mode_type (default GeoRedundant), cross_region_restore_enabled (default false)',
      `controls.md F1, F2; ${RSV_PAYLOAD} (GeoRedundant + CRR Enabled); ${BV_PAYLOAD} (VaultStore LocallyRedundant)`,
    ],
  },
  fix(vault, { path }) {
    const note =
      'redundancy can only be changed before the first item is protected; afterwards a new vault and re-protection are needed';
    if (isType(vault, RSV)) {
      if (path === 'properties.redundancySettings.standardTierStorageRedundancy') {
        return [set(path, 'GeoRedundant', note), set('properties.redundancySettings.crossRegionRestore', 'Enabled')];
      }
      if (path === 'properties.redundancySettings.crossRegionRestore') {
        return [set(path, 'Enabled', 'cross-region restore cannot be disabled again')];
      }
      return [
        manual(
          `The redundancy of vault '${shortName(vault)}' comes from its legacy backupstorageconfig child (${path}): set properties.redundancySettings standardTierStorageRedundancy GeoRedundant and crossRegionRestore Enabled on the vault instead (${note}).`,
        ),
      ];
    }
    if (/^properties\.storageSettings\.\d+\.type$/.test(path)) {
      return [
        set(path, 'GeoRedundant', note),
        set('properties.featureSettings.crossRegionRestoreSettings.state', 'Enabled'),
      ];
    }
    return [set(path, 'Enabled', 'cross-region restore cannot be disabled again')];
  },
  check(vault, context) {
    return isType(vault, RSV) ? checkRecoveryServices(vault, context) : checkBackupVault(vault, context);
  },
});

import { sameText } from '../../../core/path.js';
import { defineRule, fail, type PathRead, pass, unknown } from '../../define.js';
import { customerManagedKey } from '../fixes.js';
import {
  BACKUP_VAULT,
  BV_PAYLOAD,
  BV_SWAGGER,
  describeValue,
  isType,
  RSV,
  RSV_PAYLOAD,
  RSV_SWAGGER,
  shortName,
} from './shared.js';

/** Presence test: an unresolved expression still names a key (rules.yaml conventions.unresolvable). */
function keySet(read: PathRead): boolean {
  if (read.state === 'unknown') return true;
  return typeof read.value === 'string' ? read.value !== '' : read.value !== undefined;
}

const PMK = 'Backup data is encrypted with a platform-managed key, not a customer-managed key';

export default defineRule({
  id: 'PHI-BAK-007',
  title: 'Backup vault protecting PHI is not encrypted with a customer-managed key',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.310(d)(2)(iv)', type: 'A' },
  ],
  phiScoped: true,
  types: [RSV, BACKUP_VAULT],
  policies: [
    {
      id: '2e94d99a-8a36-4563-bc77-810d8893b671',
      name: '[Preview]: Azure Recovery Services vaults should use customer-managed keys for encrypting backup data',
      relation: 'equivalent (RSV)',
    },
    {
      id: 'd6588149-9f06-462c-a076-56aece45b5ba',
      name: '[Preview]: Azure Backup Vaults should use customer-managed keys for encrypting backup data. Also an option to enforce Infra Encryption.',
      relation: 'equivalent (Backup vault)',
    },
  ],
  remediation: {
    az: 'az backup vault encryption update -g "$RG" -n "$RSV" --encryption-key-id "$KEY_URI" --mi-user-assigned "$UAMI_ID"   # flags UNVERIFIED',
    arm: '{"properties": {"encryption": {"keyVaultProperties": {"keyUri": "https://<kv>.vault.azure.net/keys/<key>"}, "kekIdentity": {"userAssignedIdentity": "<uamiId>"}, "infrastructureEncryption": "Enabled"}}}',
    terraform:
      'encryption { key_id = azurerm_key_vault_key.bkp.id infrastructure_encryption_enabled = true user_assigned_identity_id = azurerm_user_assigned_identity.bkp.id }',
    note: 'RSV: CMK must be configured before the first item is protected (UNVERIFIED for current service versions); otherwise a new vault and re-protection are needed. Infrastructure encryption is create-time only.',
  },
  docs: {
    evaluation:
      'Recovery Services vault: properties.encryption.keyVaultProperties.keyUri set passes. Backup vault: properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri set passes unless encryptionSettings.state is Disabled or Inconsistent (an absent state follows the key). Otherwise the vault uses a platform-managed key: the backups ARE encrypted, just not under a key the organisation controls.',
    absent: 'No key URI -> platform-managed key -> fail.',
    unresolvable:
      'A key URI given by an unresolved expression counts as set (presence test); an unresolved Backup vault encryption state -> needs review.',
    crossResource:
      'A vault is PHI when it is tagged or classified PHI (classification in .phiguard.yaml). rules.yaml also makes a vault PHI when it protects a PHI item (protectedItems / backupInstances); the classifier does not propagate PHI-ness yet, so tag or list such vaults. The key vault holding the key must pass PHI-KV-001/KV-002.',
    references: [
      `${RSV_SWAGGER} VaultPropertiesEncryption.{keyVaultProperties.keyUri, kekIdentity, infrastructureEncryption}`,
      `${BV_SWAGGER} EncryptionSettings.{state (Enabled|Disabled|Inconsistent), keyVaultProperties.keyUri, kekIdentity}`,
      'Azure/azure-policy built-ins 2e94d99a-8a36-4563-bc77-810d8893b671 (RSV), d6588149-9f06-462c-a076-56aece45b5ba (Backup vault)',
      `controls.md F1, F2; ${RSV_PAYLOAD} (no encryption); ${BV_PAYLOAD} (CMK, state Enabled)`,
    ],
  },
  fix: (vault) => [customerManagedKey('backup-vault', `cmk-${shortName(vault)}`)],
  check(vault, { read }) {
    const expected = 'a customer-managed key (keyVaultProperties.keyUri)';
    if (isType(vault, RSV)) {
      const key = read(vault, 'properties.encryption.keyVaultProperties.keyUri');
      if (keySet(key)) return pass(key.path, key.state === 'unknown' ? key.expression : (key.value ?? undefined));
      return fail(key, { expected, message: PMK });
    }
    const state = read(vault, 'properties.securitySettings.encryptionSettings.state');
    if (state.state === 'unknown') return unknown(state);
    const key = read(vault, 'properties.securitySettings.encryptionSettings.keyVaultProperties.keyUri');
    if (state.value !== undefined && !sameText(state.value, 'Enabled')) {
      return fail(state, {
        expected: 'encryptionSettings.state Enabled with a key URI',
        message: `${PMK} (encryptionSettings.state is ${describeValue(state.value)})`,
      });
    }
    if (keySet(key)) return pass(key.path, key.state === 'unknown' ? key.expression : (key.value ?? undefined));
    return fail(key, { expected, message: PMK });
  },
});

import { sameText } from '../../../core/path.js';
import { defineRule, fail, type PathRead, pass, unknown } from '../../define.js';
import { customerManagedKey, leafName } from '../fixes.js';
import { AZURERM_STORAGE_ACCOUNT, describeValue, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

/** Presence test: an unresolved expression still names a vault/key (rules.yaml conventions.unresolvable). */
function isSet(read: PathRead): boolean {
  if (read.state === 'unknown') return true;
  return read.value !== undefined && read.value !== '';
}

export default defineRule({
  id: 'PHI-STG-007',
  title: 'PHI storage account not encrypted with a customer-managed key',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '6fac406b-40ca-413b-bf8e-0bf964659c25',
      name: 'Storage accounts should use customer-managed key for encryption',
      relation: 'equivalent',
    },
    {
      id: 'b5ec538c-daa0-4006-8596-35468b9148e8',
      name: 'Storage account encryption scopes should use customer-managed keys to encrypt data at rest',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --identity-type UserAssigned --user-identity-id "$UAMI_ID" \\\n  --encryption-key-source Microsoft.Keyvault --encryption-key-vault "https://$KV.vault.azure.net" \\\n  --encryption-key-name "$KEY" --key-vault-user-identity-id "$UAMI_ID"   # flag set UNVERIFIED',
    arm: '{"identity": {"type": "UserAssigned", "userAssignedIdentities": {"<uamiId>": {}}}, "properties": {"encryption": {"keySource": "Microsoft.Keyvault", "identity": {"userAssignedIdentity": "<uamiId>"}, "keyvaultproperties": {"keyvaulturi": "https://<kv>.vault.azure.net", "keyname": "<key>"}}}}',
    bicep: `resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  identity: { type: 'UserAssigned', userAssignedIdentities: { '\${uamiId}': {} } }\n  properties: {\n    encryption: {\n      keySource: 'Microsoft.Keyvault'\n      identity: { userAssignedIdentity: uamiId }\n      keyvaultproperties: { keyvaulturi: kvUri, keyname: keyName } // no keyversion => automatic rotation\n    }\n  }\n}`,
    terraform:
      'resource "azurerm_storage_account_customer_managed_key" "phi" { storage_account_id = azurerm_storage_account.phi.id\n  key_vault_key_id = azurerm_key_vault_key.sa.versionless_id  user_assigned_identity_id = azurerm_user_assigned_identity.sa.id }\n# and lifecycle { ignore_changes = [customer_managed_key] } on the account; never use both forms',
    note: 'Online switch (no data migration; the account re-wraps the account encryption key). The identity needs "Key Vault Crypto Service Encryption User" on the key, and the vault must have purge protection (PHI-KV-001) or the update is rejected. Omit keyversion for automatic rotation.',
  },
  docs: {
    evaluation:
      'Reads properties.encryption.keySource of a PHI storage account (case-insensitive). Microsoft.Keyvault with keyvaultproperties.keyvaulturi and keyname set passes. Microsoft.Storage fails as a platform-managed key: the data IS encrypted (storage service encryption cannot be disabled, which is why Azure Policy deprecated the "blob encryption" audits), just not under a key the organisation controls. Microsoft.Keyvault without a key vault URI or key name fails as an incomplete CMK configuration.',
    absent: 'keySource defaults to Microsoft.Storage (swagger) -> fail (platform-managed key).',
    unresolvable:
      'keySource unresolved -> needs review. keyvaulturi / keyname given by unresolved expressions count as set (presence test).',
    crossResource:
      'Related findings, not part of this verdict: the key vault holding the key must pass PHI-KV-001/KV-002; an explicit keyversion disables automatic rotation (PHI-KV-004); encryption scopes with keySource Microsoft.Storage on PHI containers are evidence.',
    references: [
      `${STORAGE_SWAGGER} Encryption.keySource (default "Microsoft.Storage"), KeyVaultProperties.{keyvaulturi,keyname,keyversion}`,
      'Azure/azure-policy built-in 6fac406b-40ca-413b-bf8e-0bf964659c25 (Audit, Disabled); encryption scopes b5ec538c-daa0-4006-8596-35468b9148e8; deprecated 655cb504-bcee-4362-bd4c-402e6aa38759 and 7c5a74bf-ae94-4a74-8fcf-644d1e0e6e6f ("storage blob encryption is enabled by default and cannot be turned off")',
      `${AZURERM_STORAGE_ACCOUNT}: customer_managed_key; website/docs/r/storage_account_customer_managed_key.html.markdown`,
      `controls.md A1-A3; ${STORAGE_PAYLOAD} (keySource Microsoft.Storage)`,
    ],
  },
  fix: (account) => [customerManagedKey('storage-account', `cmk-${leafName(account.name)}`)],
  check(account, { read }) {
    const source = read(account, 'properties.encryption.keySource');
    if (source.state === 'unknown') return unknown(source);
    if (sameText(source.value, 'Microsoft.Keyvault')) {
      const uri = read(account, 'properties.encryption.keyvaultproperties.keyvaulturi');
      const key = read(account, 'properties.encryption.keyvaultproperties.keyname');
      const missing = [uri, key].filter((r) => !isSet(r)).map((r) => r.path.split('.').pop());
      if (missing.length === 0) return pass(source.path, source.value);
      return fail(source, {
        expected: 'Microsoft.Keyvault with keyvaultproperties.keyvaulturi and keyname',
        message: `keySource is Microsoft.Keyvault but keyvaultproperties ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set, so no customer-managed key is configured`,
      });
    }
    const message = sameText(source.value, 'Microsoft.Storage')
      ? 'Data is encrypted at rest with a platform-managed key (keySource Microsoft.Storage), not a customer-managed key'
      : `keySource ${describeValue(source.value)} is not a customer-managed key source (Microsoft.Keyvault)`;
    return fail(source, { expected: 'Microsoft.Keyvault', message });
  },
});

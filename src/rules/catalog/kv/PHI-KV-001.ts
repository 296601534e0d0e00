import { asBoolean } from '../../../core/path.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue } from '../stg/shared.js';
import { MANAGED_HSM, VAULT } from './cmk.js';
import { AZURERM_KEY_VAULT, CONTROLS_G, cmkContext, KEYVAULT_PAYLOAD, KEYVAULT_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-KV-001',
  title: 'Key Vault purge protection is disabled',
  severity: 'high',
  pattern: 7,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.312(c)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [VAULT, MANAGED_HSM],
  policies: [
    {
      id: '0b60c0b2-2dc2-4e1c-b5c9-abbed971de53',
      name: 'Key vaults should have deletion protection enabled',
      relation: 'equivalent (its rule also fails enableSoftDelete absent for apiVersion < 2019-09-01)',
    },
    {
      id: 'c39ba22d-4428-4149-b981-70acb31fc383',
      name: 'Azure Key Vault Managed HSM should have purge protection enabled',
      relation: 'equivalent (HSM)',
    },
  ],
  remediation: {
    az: 'az keyvault update -g "$RG" -n "$KV" --enable-purge-protection true\n# managed HSM: az keyvault update-hsm -g "$RG" --hsm-name "$HSM" --enable-purge-protection true',
    arm: '{"properties": {"enablePurgeProtection": true}}',
    bicep:
      "resource kv 'Microsoft.KeyVault/vaults@2025-05-01' = {\n  // ...\n  properties: {\n    enableSoftDelete: true\n    softDeleteRetentionInDays: 90\n    enablePurgeProtection: true\n  }\n}",
    terraform: 'purge_protection_enabled = true',
    note: 'Irreversible; the vault (and its keys) can then not be purged before the soft-delete retention ends. Required anyway for storage/SQL CMK.',
  },
  docs: {
    evaluation:
      'Reads properties.enablePurgeProtection of a key vault or managed HSM pool: true passes; false or absent fails, because a soft-deleted vault (and every key in it) can then be purged at once by anyone with purge rights, destroying the keys that decrypt PHI. The failure is labelled "CMK vault" and names the consumers when a PHI resource of the scan uses a key of this vault as its customer-managed key.',
    absent:
      'Key vault: purge protection is off unless enabled (all API versions) -> fail. Managed HSM: the swagger documents "default": true from API version 2021-10-01 -> pass; older preview API versions are not pinned -> fail. (Deviation from rules.yaml, whose "absent -> fail" is written for vaults; Azure Policy c39ba22d still flags an absent HSM value.)',
    unresolvable: 'enablePurgeProtection given by an unresolved expression -> needs review.',
    crossResource:
      'Consumers read for the "CMK vault" label: storage accounts (encryption.keyvaultproperties) and encryption scopes, Cosmos DB keyVaultKeyUri, PostgreSQL/MySQL flexible dataEncryption key URIs, SQL servers keyId and encryptionProtector, disk encryption sets activeKey.keyUrl, Recovery Services and Backup vaults, FHIR services and Azure API for FHIR. Only consumers present in the same scan are seen: a streamed live snapshot keeps no consumer bodies, so live findings carry the label only when the consumers are in the evaluated inventory.',
    references: [
      `${KEYVAULT_SWAGGER}: enablePurgeProtection ("Enabling this functionality is irreversible"); managedHsm.json "default": true`,
      'Azure Policy 0b60c0b2-2dc2-4e1c-b5c9-abbed971de53 (enablePurgeProtection exists false / equals false is non-compliant); c39ba22d-4428-4149-b981-70acb31fc383 (managed HSM, notEquals true)',
      `${AZURERM_KEY_VAULT}: purge_protection_enabled (default false)`,
      `${CONTROLS_G}; ${KEYVAULT_PAYLOAD} (no enablePurgeProtection key: fail)`,
      'KICS arm/key_vault_not_recoverable',
    ],
  },
  fix: () => [
    set(
      'properties.enablePurgeProtection',
      true,
      'irreversible: the vault and its keys can then not be purged before the soft-delete retention ends (storage and SQL CMK require it anyway)',
    ),
  ],
  check(vault, context) {
    const purge = context.read(vault, 'properties.enablePurgeProtection');
    if (purge.state === 'unknown') return unknown(purge);
    const enabled = asBoolean(purge.value);
    if (enabled === true) return pass(purge.path, purge.value);
    const { labels, suffix } = cmkContext(vault, context);
    const consequence = 'a deleted vault and its keys can be purged before the retention period ends';
    const what =
      enabled === false
        ? `Purge protection is disabled: ${consequence}`
        : purge.value === undefined
          ? `Purge protection is not set: ${consequence}`
          : `Purge protection is not enabled (enablePurgeProtection is ${describeValue(purge.value)}, not a boolean): ${consequence}`;
    return fail(purge, { expected: 'true', message: `${what}${suffix}`, labels });
  },
});

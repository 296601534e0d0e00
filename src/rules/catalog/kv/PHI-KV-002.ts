import { asBoolean } from '../../../core/path.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue } from '../stg/shared.js';
import { MANAGED_HSM, VAULT } from './cmk.js';
import { AZURERM_KEY_VAULT, CONTROLS_G, cmkContext, KEYVAULT_PAYLOAD, KEYVAULT_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-KV-002',
  title: 'Key Vault soft delete is disabled',
  severity: 'high',
  pattern: 7,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.312(a)(2)(iv)', type: 'A' },
  ],
  phiScoped: false,
  types: [VAULT, MANAGED_HSM],
  policies: [
    {
      id: '1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d',
      name: 'Key vaults should have soft delete enabled',
      relation: 'related (absent is non-compliant there)',
    },
  ],
  remediation: {
    az: 'az keyvault update -g "$RG" -n "$KV" --enable-soft-delete true   # flag deprecated on current CLI versions; soft delete is on by default',
    arm: '{"properties": {"enableSoftDelete": true, "softDeleteRetentionInDays": 90}}',
    bicep:
      "resource kv 'Microsoft.KeyVault/vaults@2025-05-01' = {\n  // ...\n  properties: {\n    enableSoftDelete: true   // or omit it: soft delete cannot be turned off\n    softDeleteRetentionInDays: 90\n  }\n}",
    terraform: '# remove soft_delete_enabled = false (2.x); set soft_delete_retention_days = 90',
    note: 'Cannot be turned off once on; a template that still says false is stale configuration and may fail to deploy.',
  },
  docs: {
    evaluation:
      'Reads properties.enableSoftDelete of a key vault or managed HSM pool: true or absent passes, false fails (a deleted vault or key is then gone at once). softDeleteRetentionInDays is reported as evidence on a pass. The failure is labelled "CMK vault" when PHI resources of the scan use a key of the vault as their customer-managed key.',
    absent:
      'Pass for every API version: the swagger sets soft delete on when a vault is created without the property, and Microsoft enforces soft delete on all key vaults since February 2025 (older API versions that created vaults without it are covered by that enforcement); managed HSM soft delete is always on. This deliberately differs from Azure Policy 1e66c121, which treats absent as non-compliant.',
    unresolvable: 'enableSoftDelete given by an unresolved expression -> needs review.',
    crossResource: 'As PHI-KV-001 (the "CMK vault" label).',
    references: [
      `${KEYVAULT_SWAGGER}: enableSoftDelete "default": true ("If it's not set to any value(true or false) when creating new key vault, it will be set to true by default. Once set to true, it cannot be reverted to false."), softDeleteRetentionInDays "default": 90`,
      'learn.microsoft.com/azure/key-vault/general/soft-delete-change ("In February 2025, Microsoft will enable soft-delete protection on all key vaults")',
      'Azure Policy 1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d (related; absent is non-compliant there)',
      `${AZURERM_KEY_VAULT}: soft_delete_retention_days (soft_delete_enabled removed in 3.0)`,
      `${CONTROLS_G}; ${KEYVAULT_PAYLOAD} (no enableSoftDelete key: pass)`,
    ],
  },
  fix: () => [
    set(
      'properties.enableSoftDelete',
      true,
      'cannot be turned off again; deleted vaults, keys and secrets are kept (and block their names) for the retention period',
    ),
  ],
  check(vault, context) {
    const softDelete = context.read(vault, 'properties.enableSoftDelete');
    if (softDelete.state === 'unknown') return unknown(softDelete);
    const enabled = asBoolean(softDelete.value);
    if (enabled === true) {
      const retention = context.read(vault, 'properties.softDeleteRetentionInDays');
      const days = retention.state === 'unknown' ? retention.expression : describeValue(retention.value);
      return {
        ...pass(softDelete.path, softDelete.value),
        message: `Soft delete is enabled (retention ${days} days)`,
      };
    }
    const { labels, suffix } = cmkContext(vault, context);
    const what =
      enabled === false
        ? 'Soft delete is disabled: a deleted vault, key or secret is destroyed immediately and cannot be recovered'
        : `Soft delete is not enabled: enableSoftDelete is ${describeValue(softDelete.value)}, not a boolean`;
    return fail(softDelete, { expected: 'true', message: `${what}${suffix}`, labels });
  },
});

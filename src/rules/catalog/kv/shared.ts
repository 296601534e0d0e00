// Sources and the "CMK vault" context shared by the PHI-KV rules.
import type { Resource } from '../../../core/types.js';
import type { RuleContext } from '../../define.js';
import { consumerNames, type KeyReference, referencesToVault } from './cmk.js';

export const KEYVAULT_SWAGGER =
  'Azure/azure-rest-api-specs specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01 (keyvault.json VaultProperties, managedHsm.json ManagedHsmProperties, keys.json RotationPolicy)';
export const KEYVAULT_PAYLOAD = 'payloads/keyvault_get_2025-05-01.json (getVault example)';
export const AZURERM_KEY_VAULT = 'hashicorp/terraform-provider-azurerm website/docs/r/key_vault.html.markdown (v5.2.0)';
export const CONTROLS_G = 'controls.md G (Key Vault)';

export const CMK_LABEL = 'CMK vault';

/** PHI resources that use a key of this vault as their customer-managed key. */
export function phiConsumersOfVault(vault: Resource, context: RuleContext): KeyReference[] {
  return referencesToVault(vault, context.inventory).filter((ref) => context.isPhi(ref.consumer));
}

/**
 * The label and message suffix of a vault finding when the vault holds the CMK of PHI resources: losing the vault
 * makes that PHI unreadable (rules.yaml PHI-KV-001 cross_resource).
 */
export function cmkContext(vault: Resource, context: RuleContext): { labels?: string[]; suffix: string } {
  const consumers = phiConsumersOfVault(vault, context);
  if (consumers.length === 0) return { suffix: '' };
  return {
    labels: [CMK_LABEL],
    suffix: `; it holds the customer-managed key of PHI resource(s) ${consumerNames(consumers)}, which would become permanently unreadable`,
  };
}

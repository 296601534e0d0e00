// What absent Key Vault properties mean (PHI-KV-*). Quotes and sources: controls.md section G.
import type { DefaultEntry } from '../defaults.js';

const VAULT = 'Microsoft.KeyVault/vaults';
const HSM = 'Microsoft.KeyVault/managedHSMs';
const VAULT_SWAGGER =
  'azure-rest-api-specs keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json VaultProperties (controls.md G)';
const HSM_SWAGGER =
  'azure-rest-api-specs keyvault/resource-manager/Microsoft.KeyVault/stable/2021-10-01 and 2025-05-01 managedHsm.json ManagedHsmProperties';
const SOFT_DELETE_CHANGE =
  'learn.microsoft.com/azure/key-vault/general/soft-delete-change ("In February 2025, Microsoft will enable soft-delete protection on all key vaults, and users will no longer be able to opt out of or turn off soft-delete")';

export const KEYVAULT_DEFAULTS: DefaultEntry[] = [
  {
    type: VAULT,
    path: 'properties.enablePurgeProtection',
    value: false,
    because: 'absent; purge protection is off unless enabled',
    source: `${VAULT_SWAGGER} enablePurgeProtection (no default; "Enabling this functionality is irreversible"); Azure Policy 0b60c0b2 (exists false is non-compliant)`,
  },
  // Managed HSM documents a default of true; API versions before 2021-10-01 were not checked, so absent is not pinned.
  {
    type: HSM,
    path: 'properties.enablePurgeProtection',
    apiVersion: { from: '2021-10-01' },
    value: true,
    because: 'absent; managed HSM pools default to purge protection on (swagger default true)',
    source: `${HSM_SWAGGER} enablePurgeProtection "default": true`,
  },
  {
    type: HSM,
    path: 'properties.enablePurgeProtection',
    applies: 'template',
    apiVersion: { before: '2021-10-01' },
    value: undefined,
    because: 'not pinned in template; no documented default for this preview API version',
    source: `${HSM_SWAGGER}; Azure Policy c39ba22d (notEquals true is non-compliant)`,
  },
  {
    type: VAULT,
    path: 'properties.enableSoftDelete',
    apiVersion: { from: '2019-09-01' },
    value: true,
    because:
      'absent; a new vault is created with soft delete on, and soft delete is enforced on every vault since 2025',
    source: `${VAULT_SWAGGER} enableSoftDelete "default": true ("If it's not set to any value(true or false) when creating new key vault, it will be set to true by default"); ${SOFT_DELETE_CHANGE}`,
  },
  {
    type: VAULT,
    path: 'properties.enableSoftDelete',
    apiVersion: { before: '2019-09-01' },
    value: true,
    because:
      'absent; this API version created vaults without soft delete, but soft delete is enforced on every vault since February 2025',
    source: `${SOFT_DELETE_CHANGE}; rules.yaml PHI-KV-002 (pass for every apiVersion; deliberately differs from Azure Policy 1e66c121)`,
  },
  {
    type: HSM,
    path: 'properties.enableSoftDelete',
    value: true,
    because: 'absent; soft delete is enabled for all managed HSM pools and is immutable',
    source: `${HSM_SWAGGER} enableSoftDelete ("Soft delete is enabled by default for all managed HSMs and is immutable")`,
  },
  {
    type: VAULT,
    path: 'properties.softDeleteRetentionInDays',
    value: 90,
    because: 'absent; deleted vaults and objects are kept 90 days',
    source: `${VAULT_SWAGGER} softDeleteRetentionInDays "default": 90`,
  },
  {
    type: HSM,
    path: 'properties.softDeleteRetentionInDays',
    value: 90,
    because: 'absent; deleted pools and keys are kept 90 days',
    source: `${HSM_SWAGGER} softDeleteRetentionInDays "default": 90`,
  },
  {
    type: VAULT,
    path: 'properties.publicNetworkAccess',
    value: 'enabled',
    because: 'absent; public network access is enabled unless disabled',
    source: `${VAULT_SWAGGER} publicNetworkAccess "default": "enabled"`,
  },
  {
    type: VAULT,
    path: 'properties.networkAcls.defaultAction',
    value: 'Allow',
    because: 'absent; without a firewall every network is admitted',
    source:
      'rules.yaml PHI-KV-003 ("networkAcls absent = Allow"); Azure Policy 55615ac9 (defaultAction notEquals Deny is non-compliant); controls.md G (UNVERIFIED in the swagger)',
  },
  // Not read by a KV rule; kept here so the Key Vault defaults live in one place (controls.md G "RBAC model").
  {
    type: VAULT,
    path: 'properties.enableRbacAuthorization',
    applies: 'template',
    apiVersion: { before: '2026-02-01' },
    value: false,
    because: 'absent; API versions before 2026-02-01 create vaults with the access policy model',
    source: `${VAULT_SWAGGER} enableRbacAuthorization ("If null or not specified, the vault is created with the default value of false")`,
  },
  {
    type: VAULT,
    path: 'properties.enableRbacAuthorization',
    applies: 'template',
    apiVersion: { from: '2026-02-01' },
    value: undefined,
    because:
      'not pinned in template; API version 2026-02-01 creates new vaults with Azure RBAC, but an existing vault keeps its access model',
    source: 'learn.microsoft.com/azure/key-vault/general/access-control-default',
  },
  {
    type: VAULT,
    path: 'properties.enableRbacAuthorization',
    applies: 'live',
    value: false,
    because: 'not returned; a vault whose enableRbacAuthorization is null uses access policies',
    source:
      'learn.microsoft.com/azure/key-vault/general/access-control-default ("Vaults where enableRbacAuthorization is null ... continue using access policies")',
  },
  {
    type: 'Microsoft.KeyVault/vaults/keys',
    path: 'properties.rotationPolicy',
    value: null,
    because: 'absent; the key has no rotation policy (the GET omits an empty policy)',
    source:
      'azure-rest-api-specs keyvault 2025-05-01 keys.json KeyProperties.rotationPolicy ("Omitted if empty"); rules.yaml PHI-KV-004',
  },
  {
    type: 'Microsoft.KeyVault/managedHSMs/keys',
    path: 'properties.rotationPolicy',
    value: null,
    because: 'absent; the key has no rotation policy (the GET omits an empty policy)',
    source: 'azure-rest-api-specs keyvault 2025-05-01 keysManagedHsm.json; rules.yaml PHI-KV-004',
  },
];

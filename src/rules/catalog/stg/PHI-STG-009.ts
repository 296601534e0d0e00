import { defineRule } from '../../define.js';
import { set } from '../fixes.js';
import { AZURERM_STORAGE_ACCOUNT, checkBoolean, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-STG-009',
  title: 'PHI storage account permits Shared Key (account key and SAS) authorization',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(i)', type: 'R' },
    { cite: '164.312(d)', type: 'R' },
    { cite: '164.312(b)', type: 'R' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54',
      name: 'Storage accounts should prevent shared key access',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --allow-shared-key-access false',
    arm: '{"properties": {"allowSharedKeyAccess": false}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  properties: {\n    allowSharedKeyAccess: false\n  }\n}",
    terraform:
      'shared_access_key_enabled = false   # the azurerm provider then needs storage_use_azuread = true for data-plane calls',
    note: 'Breaks account-key and service-SAS clients immediately (user-delegation SAS keeps working). Rotate both account keys in an incident even if Shared Key stays enabled.',
  },
  docs: {
    evaluation:
      'Reads properties.allowSharedKeyAccess of a PHI storage account. false passes; true fails: account keys and service SAS tokens are not tied to an identity.',
    absent: 'Swagger: "The default value is null, which is equivalent to true" -> fail.',
    unresolvable: 'An unresolved value -> needs review.',
    crossResource:
      'Advisory only: diagnostic settings / Log Analytics queries showing AuthenticationType AccountKey or SAS on the account tell whether disabling Shared Key would break clients (Azure Functions host storage, classic tools). They do not change the verdict.',
    references: [
      `${STORAGE_SWAGGER} StorageAccountPropertiesCreateParameters.allowSharedKeyAccess`,
      'Azure/azure-policy built-in 8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54 (Audit, Deny, Disabled)',
      `${AZURERM_STORAGE_ACCOUNT}: shared_access_key_enabled (default true)`,
      `controls.md A12; ${STORAGE_PAYLOAD} (no allowSharedKeyAccess key)`,
    ],
  },
  fix: () => [
    set(
      'properties.allowSharedKeyAccess',
      false,
      'account-key and service-SAS clients fail at once (user-delegation SAS keeps working); move them to Entra ID first',
    ),
  ],
  check(account, { read }) {
    return checkBoolean(read(account, 'properties.allowSharedKeyAccess'), {
      compliant: false,
      expected: 'false',
      failure: 'Shared Key authorization (account keys and service SAS) is permitted on a PHI storage account',
    });
  },
});

import { defineRule } from '../../define.js';
import { manual } from '../fixes.js';
import { AZURERM_STORAGE_ACCOUNT, checkBoolean, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-STG-008',
  title: 'PHI storage account without infrastructure (double) encryption',
  severity: 'low',
  pattern: 1,
  hipaa: [{ cite: '164.312(a)(2)(iv)', type: 'A' }],
  phiScoped: true,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '4733ea7b-a883-42fe-8cac-97454c2a9e4a',
      name: 'Storage accounts should have infrastructure encryption',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az storage account create -g "$RG" -n "$NEW_SA" --require-infrastructure-encryption true --kind StorageV2 --sku Standard_RAGZRS\naz storage copy -s "https://$SA.blob.core.windows.net/$C" -d "https://$NEW_SA.blob.core.windows.net/$C" --recursive   # then cut over',
    arm: '{"properties": {"encryption": {"requireInfrastructureEncryption": true, "keySource": "Microsoft.Keyvault"}}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // a new account: the setting is honoured only at creation\n  properties: {\n    encryption: {\n      requireInfrastructureEncryption: true\n      keySource: 'Microsoft.Keyvault'\n      // keyvaultproperties, identity: see PHI-STG-007\n    }\n  }\n}",
    terraform: 'infrastructure_encryption_enabled = true   # forces a new account',
    note: 'Create-time only; requires a new account and data migration (AzCopy / object replication). Not an emergency action.',
  },
  docs: {
    evaluation:
      'Reads properties.encryption.requireInfrastructureEncryption of a PHI storage account. true passes; false fails. A failure means a second, infrastructure-level encryption layer is missing: the data is still encrypted once by storage service encryption, which cannot be disabled.',
    absent: 'Swagger default false (and the setting is create-time only) -> fail.',
    unresolvable: 'An unresolved value -> needs review.',
    crossResource: 'None.',
    references: [
      `${STORAGE_SWAGGER} Encryption.requireInfrastructureEncryption (default false)`,
      'Azure/azure-policy built-in 4733ea7b-a883-42fe-8cac-97454c2a9e4a (Audit, Deny, Disabled)',
      `${AZURERM_STORAGE_ACCOUNT}: infrastructure_encryption_enabled (ForceNew, default false)`,
      `controls.md A4; ${STORAGE_PAYLOAD} (no requireInfrastructureEncryption key)`,
    ],
  },
  fix: () => [
    manual(
      'Infrastructure encryption can only be chosen when an account is created: create a new account with requireInfrastructureEncryption true (and a customer-managed key, PHI-STG-007), copy the data (AzCopy or object replication), cut clients over, then delete this account. Decide the migration window and whether double encryption is required for this data.',
    ),
  ],
  check(account, { read }) {
    return checkBoolean(read(account, 'properties.encryption.requireInfrastructureEncryption'), {
      compliant: true,
      expected: 'true',
      failure:
        'Infrastructure (double) encryption is off: data is encrypted once by storage service encryption, without the second infrastructure layer',
    });
  },
});

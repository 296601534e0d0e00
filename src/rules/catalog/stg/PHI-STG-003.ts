import { defineRule } from '../../define.js';
import { set } from '../fixes.js';
import { AZURERM_STORAGE_ACCOUNT, checkBoolean, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

export default defineRule({
  id: 'PHI-STG-003',
  title: 'Storage account accepts unencrypted HTTP (secure transfer disabled)',
  severity: 'high',
  pattern: 1,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
    { cite: '164.312(e)(2)(i)', type: 'A' },
  ],
  phiScoped: false,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '404c3081-a854-4457-ae30-26a93ef643f9',
      name: 'Secure transfer to storage accounts should be enabled',
      relation: 'equivalent',
    },
    {
      id: 'f81e3117-0093-4b17-8a60-82363134f0eb',
      name: 'Configure secure transfer of data on a storage account (Modify)',
      relation: 'remediation',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --https-only true',
    arm: '{"properties": {"supportsHttpsTrafficOnly": true}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  properties: {\n    supportsHttpsTrafficOnly: true\n  }\n}",
    terraform: 'https_traffic_only_enabled = true   # v3: enable_https_traffic_only = true',
    note: 'HTTP clients (and HTTP-only custom domains without Front Door) break immediately.',
  },
  docs: {
    evaluation:
      'Reads properties.supportsHttpsTrafficOnly of the storage account. true passes; false fails (booleans given as strings are accepted).',
    absent:
      'Depends on the apiVersion of the PUT (swagger: "The default value is true since API version 2019-04-01"): apiVersion >= 2019-04-01 -> true -> pass; an older apiVersion -> false -> fail. A live GET always returns the value.',
    unresolvable:
      'An unresolved value -> needs review; an absent value under an unresolved apiVersion is also needs review (the default cannot be chosen).',
    crossResource: 'None.',
    references: [
      `${STORAGE_SWAGGER} StorageAccountPropertiesCreateParameters.supportsHttpsTrafficOnly`,
      'Azure/azure-policy built-in 404c3081-a854-4457-ae30-26a93ef643f9 (HITRUST/HIPAA initiative; requestContext().apiVersion less 2019-04-01); Modify f81e3117-0093-4b17-8a60-82363134f0eb',
      `${AZURERM_STORAGE_ACCOUNT}: https_traffic_only_enabled (default true; v3 enable_https_traffic_only)`,
      `controls.md A5; ${STORAGE_PAYLOAD} (supportsHttpsTrafficOnly false)`,
    ],
  },
  fix: () => [set('properties.supportsHttpsTrafficOnly', true, 'HTTP clients are refused at once')],
  check(account, { read }) {
    return checkBoolean(read(account, 'properties.supportsHttpsTrafficOnly'), {
      compliant: true,
      expected: 'true',
      failure: 'The storage account accepts unencrypted HTTP requests (secure transfer required is off)',
    });
  },
});

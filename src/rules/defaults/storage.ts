// What absent storage properties mean (PHI-STG-*). Quotes and sources: controls.md section A.
import type { DefaultEntry } from '../defaults.js';

const STORAGE = 'Microsoft.Storage/storageAccounts';
const STORAGE_SWAGGER = 'azure-rest-api-specs storage.json 2025-06-01 (controls.md A)';

export const STORAGE_DEFAULTS: DefaultEntry[] = [
  {
    type: STORAGE,
    path: 'properties.supportsHttpsTrafficOnly',
    apiVersion: { from: '2019-04-01' },
    value: true,
    because: 'absent; HTTPS-only is the default since API version 2019-04-01',
    source: `${STORAGE_SWAGGER}: "The default value is true since API version 2019-04-01"`,
  },
  {
    type: STORAGE,
    path: 'properties.supportsHttpsTrafficOnly',
    apiVersion: { before: '2019-04-01' },
    value: false,
    because: 'absent; API versions before 2019-04-01 default to accepting HTTP',
    source: `${STORAGE_SWAGGER}; Azure Policy 404c3081 (requestContext().apiVersion less 2019-04-01)`,
  },
  {
    type: STORAGE,
    path: 'properties.minimumTlsVersion',
    value: 'TLS1_0',
    because: 'absent; the service default interpretation is TLS 1.0',
    source: `${STORAGE_SWAGGER}: "The default interpretation is TLS 1.0"; Azure Policy fe83a0eb treats absent as non-compliant`,
  },
  {
    type: STORAGE,
    path: 'properties.allowBlobPublicAccess',
    applies: 'template',
    value: undefined,
    because:
      'not pinned in template; the default differs by API version and an existing account keeps its current value',
    source: `${STORAGE_SWAGGER} vs 2021-04-01 ("default true"); Azure Policy 4fa4b6c0 ("not equals false" is non-compliant)`,
  },
  {
    type: STORAGE,
    path: 'properties.allowBlobPublicAccess',
    applies: 'live',
    value: true,
    because: 'not returned; accounts created before the 2023 default change permit anonymous access at account level',
    source: 'controls.md A7; Azure Policy 4fa4b6c0',
  },
  {
    type: STORAGE,
    path: 'properties.publicNetworkAccess',
    value: 'Enabled',
    because: 'absent; public network access is enabled unless disabled',
    source: `${STORAGE_SWAGGER} (controls.md A8)`,
  },
  {
    type: STORAGE,
    path: 'properties.networkAcls.defaultAction',
    value: 'Allow',
    because: 'absent; the storage firewall default action is Allow',
    source: `${STORAGE_SWAGGER} NetworkRuleSet.defaultAction default "Allow" (controls.md A9)`,
  },
  {
    type: STORAGE,
    path: 'properties.encryption.keySource',
    value: 'Microsoft.Storage',
    because: 'absent; data is encrypted with a platform-managed key (Microsoft.Storage)',
    source: `${STORAGE_SWAGGER} Encryption.keySource default "Microsoft.Storage" (controls.md A1)`,
  },
  {
    type: STORAGE,
    path: 'properties.encryption.requireInfrastructureEncryption',
    value: false,
    because: 'absent; infrastructure encryption is off unless requested at creation',
    source: `${STORAGE_SWAGGER} Encryption.requireInfrastructureEncryption default false (controls.md A4)`,
  },
  {
    type: STORAGE,
    path: 'properties.allowSharedKeyAccess',
    value: true,
    because: 'absent; "the default value is null, which is equivalent to true"',
    source: `${STORAGE_SWAGGER} allowSharedKeyAccess (controls.md A12)`,
  },
  {
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    path: 'properties.publicAccess',
    value: 'None',
    because: 'absent; containers are private by default',
    source: `${STORAGE_SWAGGER} ContainerProperties.publicAccess (rules.yaml PHI-STG-002)`,
  },
  // NET: database exposure and encryption (controls.md B2-B4; rules.yaml PHI-NET-006/007/010 "absent").
];

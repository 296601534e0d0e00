import { defineRule, fail, pass } from '../../define.js';
import { customerManagedKey, leafName } from '../fixes.js';
import { AHDS_SWAGGER, CONTROLS_H1, FHIR_PAYLOAD, FHIR_SERVICE, isType, LEGACY_FHIR } from './shared.js';

export default defineRule({
  id: 'PHI-DAT-002',
  title: 'FHIR service data is not encrypted with a customer-managed key',
  severity: 'medium',
  pattern: 8,
  hipaa: [{ cite: '164.312(a)(2)(iv)', type: 'A' }],
  phiScoped: false,
  types: [FHIR_SERVICE, LEGACY_FHIR],
  policies: [
    {
      id: 'c42dee8c-0202-4a12-bd8e-3e171cbf64dd',
      name: 'FHIR Service should use a customer-managed key to encrypt data at rest',
      relation: 'equivalent',
    },
    {
      id: '051cba44-2429-45b9-9649-46cec11c7119',
      name: 'Azure API for FHIR should use a customer-managed key to encrypt data at rest',
      relation: 'equivalent (legacy)',
    },
  ],
  remediation: {
    az: 'az resource update --ids "$FHIR_ID" --set properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl="$KEY_URL"   # may be create-time only (UNVERIFIED)',
    arm: '{"identity": {"type": "SystemAssigned"}, "properties": {"encryption": {"customerManagedKeyEncryption": {"keyEncryptionKeyUrl": "https://<kv>.vault.azure.net/keys/<key>"}}}}',
    bicep:
      "resource fhir 'Microsoft.HealthcareApis/workspaces/fhirservices@2024-03-31' = {\n  // ...\n  identity: { type: 'SystemAssigned' }\n  properties: {\n    encryption: { customerManagedKeyEncryption: { keyEncryptionKeyUrl: 'https://<kv>.vault.azure.net/keys/<key>' } }\n  }\n}",
    terraform:
      '# azapi_resource / azapi_update_resource setting properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl',
    note: 'If CMK cannot be added to an existing service, create a new FHIR service with CMK and move data ($export / $import).',
  },
  docs: {
    evaluation:
      'FHIR service: properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl; Azure API for FHIR (legacy): properties.cosmosDbConfiguration.keyVaultKeyUri. A non-empty key URL passes; absent or empty fails. The data is encrypted either way: without the key URL it is encrypted with a Microsoft-managed key.',
    absent: 'Absent = Microsoft-managed key -> fail.',
    unresolvable: 'A key URL given by an unresolved expression counts as set (presence test).',
    crossResource:
      "The key's vault must pass PHI-KV-001/002 and the key's rotation is PHI-KV-004 (a versioned key URL pins the service to one key version); the FHIR service identity needs wrap/unwrap on the key.",
    references: [
      `${AHDS_SWAGGER}: Encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl; ServiceCosmosDbConfigurationInfo.keyVaultKeyUri`,
      'Azure Policy c42dee8c-0202-4a12-bd8e-3e171cbf64dd (absent/empty keyEncryptionKeyUrl is non-compliant); 051cba44-2429-45b9-9649-46cec11c7119',
      `${CONTROLS_H1}; ${FHIR_PAYLOAD} (keyEncryptionKeyUrl set: pass)`,
    ],
  },
  fix: (resource) => [
    customerManagedKey(
      isType(resource, LEGACY_FHIR) ? 'api-for-fhir' : 'fhir-service',
      `cmk-${leafName(resource.name)}`,
    ),
  ],
  check(resource, { read }) {
    const legacy = isType(resource, LEGACY_FHIR);
    const key = read(
      resource,
      legacy
        ? 'properties.cosmosDbConfiguration.keyVaultKeyUri'
        : 'properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl',
    );
    if (key.state === 'unknown') return pass(key.path, key.expression);
    if (typeof key.value === 'string' && key.value.trim() !== '') return pass(key.path, key.value);
    return fail(key, {
      expected: 'a Key Vault key URL (customer-managed key)',
      message: `The ${legacy ? 'Azure API for FHIR' : 'FHIR service'} encrypts its data with a Microsoft-managed key, not a customer-managed key`,
    });
  },
});

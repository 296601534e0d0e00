// What absent properties of PHI data services mean (PHI-DAT-*): Azure Health Data Services, Azure API for FHIR,
// Microsoft Purview. Quotes and sources: controls.md section H.
import type { DefaultEntry } from '../defaults.js';

const WORKSPACE = 'Microsoft.HealthcareApis/workspaces';
const FHIR = 'Microsoft.HealthcareApis/workspaces/fhirservices';
const LEGACY_FHIR = 'Microsoft.HealthcareApis/services';
const AHDS_SWAGGER =
  'azure-rest-api-specs healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31 (controls.md H1)';

const PUBLIC = {
  path: 'properties.publicNetworkAccess',
  value: 'Enabled',
  because: 'absent; public network access is enabled unless disabled',
} as const;

export const DATA_DEFAULTS: DefaultEntry[] = [
  { type: WORKSPACE, ...PUBLIC, source: `${AHDS_SWAGGER}; rules.yaml PHI-DAT-001 ("absent = Enabled")` },
  { type: FHIR, ...PUBLIC, source: `${AHDS_SWAGGER}; rules.yaml PHI-DAT-001 ("absent = Enabled")` },
  { type: LEGACY_FHIR, ...PUBLIC, source: 'rules.yaml PHI-DAT-001; Azure Policy 1ee56206' },
  {
    type: 'Microsoft.Purview/accounts',
    ...PUBLIC,
    source: 'rules.yaml PHI-DAT-004 ("absent: Enabled"; API version and property names UNVERIFIED per controls.md H2)',
  },
  {
    type: FHIR,
    path: 'properties.encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl',
    value: null,
    because: 'absent; data is encrypted with a Microsoft-managed key',
    source: `${AHDS_SWAGGER} Encryption.customerManagedKeyEncryption; Azure Policy c42dee8c (absent/empty keyEncryptionKeyUrl is non-compliant)`,
  },
  {
    type: LEGACY_FHIR,
    path: 'properties.cosmosDbConfiguration.keyVaultKeyUri',
    value: null,
    because: 'absent; data is encrypted with a Microsoft-managed key',
    source: 'Azure Policy 051cba44 (Azure API for FHIR should use a customer-managed key)',
  },
  {
    type: FHIR,
    path: 'properties.corsConfiguration.origins',
    value: [],
    because: 'absent; no cross-origin requests are allowed',
    source: `${AHDS_SWAGGER} CorsConfiguration; rules.yaml PHI-DAT-003 ("no CORS configuration -> pass")`,
  },
  {
    type: LEGACY_FHIR,
    path: 'properties.corsConfiguration.origins',
    value: [],
    because: 'absent; no cross-origin requests are allowed',
    source: 'rules.yaml PHI-DAT-003 ("no CORS configuration -> pass"); Azure Policy 0fea8f8a',
  },
];

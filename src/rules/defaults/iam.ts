// What absent identity properties mean (PHI-IAM-*). Quotes and sources: controls.md sections B3 and C3, rules.yaml.
import type { DefaultEntry } from '../defaults.js';

const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const COSMOS_SWAGGER =
  'azure-rest-api-specs cosmos-db 2025-10-15 DatabaseAccountGetProperties (controls.md B3; payload cosmosdb_account_get_2025-10-15.json)';

export const IAM_DEFAULTS: DefaultEntry[] = [
  {
    type: COSMOS,
    path: 'properties.disableKeyBasedMetadataWriteAccess',
    value: false,
    because: 'absent; account-key clients may change databases, containers and throughput (service default false)',
    source: `${COSMOS_SWAGGER}; rules.yaml PHI-IAM-007 ("absent: false (service default)"); Azure Policy 4750c32b (Append true)`,
  },
  {
    type: COSMOS,
    path: 'properties.disableLocalAuth',
    value: false,
    because: 'absent; account keys and resource tokens are accepted (service default false)',
    source: `${COSMOS_SWAGGER}; rules.yaml PHI-IAM-008 ("absent: false"); Azure Policy 5450f5bd (Audit when not true)`,
  },
  {
    type: 'microsoft.graph/conditionalAccessPolicy',
    path: 'properties.sessionControls.signInFrequency',
    value: null,
    because: 'absent; the Entra default session lifetime applies (rolling window, up to 90 days)',
    source:
      'rules.yaml PHI-IAM-006 ("sessionControls absent -> default Entra session lifetime (rolling, up to 90 days)"); controls.md C3 (signInFrequencySessionControl)',
  },
];

import { sameText } from '../../../core/path.js';
import { defineRule } from '../../define.js';
import { set } from '../fixes.js';
import {
  AZURERM_STORAGE_ACCOUNT,
  checkBoolean,
  containersOf,
  STORAGE_ACCOUNT,
  STORAGE_PAYLOAD,
  STORAGE_SWAGGER,
} from './shared.js';

export default defineRule({
  id: 'PHI-STG-001',
  title: 'Storage account allows anonymous (public) blob access',
  severity: 'critical',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '4fa4b6c0-31ca-4c0d-b10d-24b96f62a751',
      name: 'Storage account public access should be disallowed',
      relation: 'equivalent',
    },
    {
      id: '13502221-8df0-4414-9937-de9c5c4e396b',
      name: 'Configure storage account public access to be disallowed (Modify)',
      relation: 'remediation',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --allow-blob-public-access false',
    arm: '{"properties": {"allowBlobPublicAccess": false}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  properties: {\n    allowBlobPublicAccess: false\n  }\n}",
    terraform: 'allow_nested_items_to_be_public = false   # azurerm_storage_account',
    note: 'Takes effect immediately; anonymous requests to every container start failing (HTTP 409/403). Check for legitimate anonymous consumers first. Container-level publicAccess values are kept but become inert.',
  },
  docs: {
    evaluation:
      'Reads properties.allowBlobPublicAccess of the storage account. false passes; true fails (booleans given as strings are accepted).',
    absent:
      'ARM/Bicep: "not pinned" -> fail. The swagger text differs by API version (2025-06-01: "default interpretation is false"; 2021-04-01 documented true), the new-account default changed in 2023 (exact API version UNVERIFIED), and an existing account keeps its value when the property is omitted; Azure Policy 4fa4b6c0 likewise treats anything "not equals false" as non-compliant. Live GET: a missing value on accounts created before the 2023 change means anonymous access is permitted at account level -> fail.',
    unresolvable: 'An unresolved expression (e.g. "[parameters(\'allowPublic\')]" without a value) -> needs review.',
    crossResource:
      'None for the verdict. A failure message names the containers of the account whose publicAccess is Blob or Container (PHI-STG-002): the data actually exposed.',
    references: [
      `${STORAGE_SWAGGER} StorageAccountPropertiesCreateParameters.allowBlobPublicAccess; 2021-04-01 storage.json (older default text)`,
      'Azure/azure-policy built-in 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751 (Audit, Deny, Disabled); Modify 13502221-8df0-4414-9937-de9c5c4e396b',
      `${AZURERM_STORAGE_ACCOUNT}: allow_nested_items_to_be_public (v4 default true, v5 default false)`,
      `controls.md A7; ${STORAGE_PAYLOAD} (no allowBlobPublicAccess key)`,
    ],
  },
  fix: () => [
    set(
      'properties.allowBlobPublicAccess',
      false,
      'anonymous reads of every container stop at once: check StorageBlobLogs for legitimate anonymous callers first',
    ),
  ],
  check(account, { read, inventory }) {
    const access = read(account, 'properties.allowBlobPublicAccess');
    const outcome = checkBoolean(access, {
      compliant: false,
      expected: 'false',
      failure: 'Anonymous (public) read access to blobs is permitted at account level',
    });
    if (outcome.verdict !== 'fail') return outcome;
    const exposed = containersOf(account, inventory).filter((container) => {
      const level = read(container, 'properties.publicAccess');
      return level.state !== 'unknown' && typeof level.value === 'string' && !sameText(level.value, 'None');
    });
    if (exposed.length === 0) return outcome;
    const names = exposed.map((container) => container.name.split('/').pop() ?? container.name).join(', ');
    return { ...outcome, message: `${outcome.message}; containers allowing anonymous reads: ${names}` };
  },
});

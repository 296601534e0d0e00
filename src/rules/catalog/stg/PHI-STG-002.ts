import { asBoolean, sameText } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { accountOfContainer, BLOB_CONTAINER, describeValue, STORAGE_SWAGGER } from './shared.js';

const LEVELS: Record<string, string> = {
  blob: 'anonymous clients can read any blob whose name they know',
  container: 'anonymous clients can list the container and read every blob in it',
};

export default defineRule({
  id: 'PHI-STG-002',
  title: 'Blob container grants anonymous public read access',
  severity: 'critical',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(d)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [BLOB_CONTAINER],
  policies: [
    {
      id: '4fa4b6c0-31ca-4c0d-b10d-24b96f62a751',
      name: 'Storage account public access should be disallowed',
      relation: 'related (account level only)',
    },
  ],
  remediation: {
    az: 'az storage container-rm update -g "$RG" --storage-account "$SA" -n "$CONTAINER" --public-access off',
    arm: '{"properties": {"publicAccess": "None"}}',
    bicep:
      "resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {\n  parent: blobService\n  name: containerName\n  properties: {\n    publicAccess: 'None'\n  }\n}",
    terraform: 'container_access_type = "private"   # azurerm_storage_container',
    note: 'Emergency containment is faster at account level (PHI-STG-001 remediation blocks all containers at once). Review $logs / StorageBlobLogs for anonymous GetBlob calls (AuthenticationType Anonymous) to size a possible breach (164.402 risk assessment).',
  },
  docs: {
    evaluation:
      'Reads properties.publicAccess of every blob container: nested "containers" / "blobServices/containers" children and top-level Microsoft.Storage/storageAccounts/blobServices/containers resources alike. None passes; Blob or Container fails (case-insensitive).',
    absent: 'Service default None -> pass.',
    unresolvable: 'An unresolved publicAccess expression -> needs review.',
    crossResource:
      'The verdict does not depend on the account. Anonymous access is only effective while the parent account has allowBlobPublicAccess true; when the parent explicitly sets it to false the failure stays but is labelled "latent" (a later flip of PHI-STG-001 exposes the container at once). Live: the service keeps reporting the stored container value while the account blocks anonymous access; it is still evaluated.',
    references: [
      `${STORAGE_SWAGGER} ContainerProperties.publicAccess (None | Blob | Container)`,
      'Azure/azure-policy built-in 4fa4b6c0-31ca-4c0d-b10d-24b96f62a751 (account level only)',
      'hashicorp/terraform-provider-azurerm website/docs/r/storage_container.html.markdown: container_access_type (default private)',
      'KICS arm/storage_blob_service_container_with_public_access (corpus/kics)',
    ],
  },
  fix: () => [set('properties.publicAccess', 'None', 'anonymous clients of this container get 404/409 at once')],
  check(container, { read, inventory }): Outcome {
    const level = read(container, 'properties.publicAccess');
    if (level.state === 'unknown') return unknown(level);
    if (sameText(level.value, 'None')) return pass(level.path, level.value);
    const effect =
      typeof level.value === 'string'
        ? (LEVELS[level.value.toLowerCase()] ?? 'the value is not a documented access level (None | Blob | Container)')
        : 'the value is not a documented access level (None | Blob | Container)';
    const message = `Container publicAccess is ${describeValue(level.value)}: ${effect}`;
    const account = accountOfContainer(container, inventory);
    const accountSetting = account ? read(account, 'properties.allowBlobPublicAccess') : undefined;
    if (accountSetting?.state === 'set' && asBoolean(accountSetting.value) === false) {
      return fail(level, {
        expected: 'None',
        message: `${message} (latent: account ${account?.name} sets allowBlobPublicAccess false, so anonymous requests are refused until that setting is changed)`,
        labels: ['latent'],
      });
    }
    return fail(level, { expected: 'None', message });
  },
});

import { asBoolean } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';
import { NO_BLOB_SERVICE } from '../../defaults/backup.js';
import { defineRule, fail, failAt, pass, type RuleContext, unknown } from '../../define.js';
import { blobServiceProperties, set } from '../fixes.js';
import { blobServiceSubject } from './blob-service.js';
import { BLOB_SERVICE, BLOB_SWAGGER, STORAGE_ACCOUNT } from './shared.js';

const HNS_ADVISORY =
  'advisory: the account has a hierarchical namespace, which supports blob versioning only in newer service versions';

function hnsNote(account: Resource | undefined, context: RuleContext): string {
  if (!account) return '';
  const hns = context.read(account, 'properties.isHnsEnabled');
  return hns.state !== 'unknown' && asBoolean(hns.value) === true ? `; ${HNS_ADVISORY}` : '';
}

export default defineRule({
  id: 'PHI-BAK-003',
  title: 'Blob versioning disabled on PHI storage',
  severity: 'low',
  pattern: 6,
  hipaa: [
    { cite: '164.312(c)(1)', type: 'R' },
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT, BLOB_SERVICE],
  children: [BLOB_SERVICE],
  policies: [
    {
      id: 'c36a325b-ae04-4863-ad4f-19c6678f8e08',
      name: 'Configure your Storage account to enable blob versioning',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az storage account blob-service-properties update -g "$RG" --account-name "$SA" --enable-versioning true',
    arm: '{"properties": {"isVersioningEnabled": true}}',
    bicep:
      "resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {\n  parent: sa\n  name: 'default'\n  properties: {\n    isVersioningEnabled: true\n  }\n}",
    terraform: 'blob_properties { versioning_enabled = true }',
    note: 'Every overwrite keeps a billed version; add a lifecycle version-delete action (PHI-BAK-010).',
  },
  docs: {
    evaluation:
      'Reads blobServices/default properties.isVersioningEnabled of a PHI storage account: true passes, false fails (an overwritten PHI blob cannot be restored). The subject is the blobServices resource when the scan has one, else the account.',
    absent:
      'No blobServices/default resource or no isVersioningEnabled -> false -> fail. FileStorage accounts -> not applicable. Accounts with a hierarchical namespace still fail, with an advisory that versioning there needs a newer service version.',
    unresolvable: 'An unresolved isVersioningEnabled -> needs review.',
    crossResource:
      'Versions are PHI copies: PHI-BAK-010 requires a lifecycle version-delete action within the retention maximum.',
    references: [
      `${BLOB_SWAGGER} BlobServicePropertiesProperties.isVersioningEnabled`,
      'Azure/azure-policy built-in c36a325b-ae04-4863-ad4f-19c6678f8e08 (Audit, Deny, Disabled)',
      'hashicorp/terraform-provider-azurerm storage_account blob_properties.versioning_enabled (default false)',
      'controls.md F4',
    ],
  },
  fix(_resource, { path }) {
    if (path === 'blobServices/default') return [blobServiceProperties({ isVersioningEnabled: true })];
    return [
      set(
        'properties.isVersioningEnabled',
        true,
        'every overwrite keeps a billed version: add a lifecycle version-delete action (PHI-BAK-010)',
      ),
    ];
  },
  check(resource, context) {
    const subject = blobServiceSubject(resource, context);
    if (subject.kind === 'skip') return subject.outcome;
    if (subject.kind === 'absent') {
      return failAt('blobServices/default', {
        expected: 'isVersioningEnabled true',
        message: `Blob versioning is off: an overwritten or deleted PHI blob cannot be restored to an earlier version (${NO_BLOB_SERVICE.versioning})${hnsNote(resource, context)}`,
        at: resource.at,
        because: NO_BLOB_SERVICE.versioning,
      });
    }
    const versioning = context.read(subject.service, 'properties.isVersioningEnabled');
    if (versioning.state === 'unknown') return unknown(versioning);
    if (asBoolean(versioning.value) === true) return pass(versioning.path, versioning.value);
    return fail(versioning, {
      expected: 'true',
      message: `Blob versioning is off: an overwritten or deleted PHI blob cannot be restored to an earlier version${hnsNote(subject.account, context)}`,
    });
  },
});

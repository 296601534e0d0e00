import { asBoolean, lookup } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { NO_BLOB_SERVICE } from '../../defaults/backup.js';
import { defineRule, fail, failAt, unknown } from '../../define.js';
import { blobServiceProperties, set } from '../fixes.js';
import { blobServiceSubject } from './blob-service.js';
import { BLOB_SERVICE, BLOB_SWAGGER, describeValue, STORAGE_ACCOUNT } from './shared.js';

export default defineRule({
  id: 'PHI-BAK-002',
  title: 'Blob soft delete disabled or shorter than the minimum',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.312(c)(1)', type: 'R' },
    { cite: '164.312(a)(2)(ii)', type: 'R' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT, BLOB_SERVICE],
  children: [BLOB_SERVICE],
  policies: [
    {
      id: '9fbd64e3-67b8-489b-98e5-fa0007d17e76',
      name: 'Configure soft delete for blobs and containers on Storage Accounts',
      relation: 'remediation (also requires container soft delete)',
    },
  ],
  remediation: {
    az: 'az storage account blob-service-properties update -g "$RG" --account-name "$SA" \\\n  --enable-delete-retention true --delete-retention-days 14 --enable-container-delete-retention true --container-delete-retention-days 14',
    arm: '{"type": "Microsoft.Storage/storageAccounts/blobServices", "name": "<sa>/default", "properties": {"deleteRetentionPolicy": {"enabled": true, "days": 14, "allowPermanentDelete": false}, "containerDeleteRetentionPolicy": {"enabled": true, "days": 14}}}',
    bicep:
      "resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {\n  parent: sa\n  name: 'default'\n  properties: {\n    deleteRetentionPolicy: { enabled: true, days: 14, allowPermanentDelete: false }\n    containerDeleteRetentionPolicy: { enabled: true, days: 14 }\n  }\n}",
    terraform:
      'blob_properties { delete_retention_policy { days = 14 } container_delete_retention_policy { days = 14 } }',
    note: 'Non-disruptive; soft-deleted data is billed.',
  },
  docs: {
    evaluation:
      'Reads blobServices/default properties.deleteRetentionPolicy.{enabled, days, allowPermanentDelete} of a PHI storage account. enabled true with days >= retention.soft_delete_min_days (default 7) and allowPermanentDelete not true passes. Disabled, shorter, or allowPermanentDelete true (soft-deleted blobs can be purged before the period ends) fails. The subject is the blobServices resource when the scan has one, else the account.',
    absent:
      'No blobServices/default resource, or no deleteRetentionPolicy -> soft delete off (the service default for accounts created through the API) -> fail. enabled true without days -> needs review (days has no default). Accounts of kind FileStorage have no blob service -> not applicable.',
    unresolvable: 'An unresolved enabled, days or allowPermanentDelete -> needs review.',
    crossResource:
      'containerDeleteRetentionPolicy is reported as an advisory in the message (not part of the verdict). Soft-deleted data counts towards PHI-BAK-010 persistence: deleted PHI stays recoverable for "days".',
    references: [
      `${BLOB_SWAGGER} BlobServicePropertiesProperties.deleteRetentionPolicy (DeleteRetentionPolicy.enabled, days 1-365, allowPermanentDelete)`,
      'Azure/azure-policy built-in 9fbd64e3-67b8-489b-98e5-fa0007d17e76 (DeployIfNotExists, Disabled)',
      'hashicorp/terraform-provider-azurerm storage_account blob_properties.delete_retention_policy',
      'controls.md F4',
    ],
  },
  fix(resource, { path, config }) {
    const days = config.retention.softDeleteMinDays;
    if (path === 'blobServices/default') {
      return [
        blobServiceProperties({
          deleteRetentionPolicy: { enabled: true, days, allowPermanentDelete: false },
          containerDeleteRetentionPolicy: { enabled: true, days },
        }),
      ];
    }
    if (path.endsWith('.allowPermanentDelete')) return [set(path, false)];
    const steps = [set('properties.deleteRetentionPolicy.days', days, 'soft-deleted blobs are billed while kept')];
    if (path.endsWith('.enabled')) steps.unshift(set(path, true));
    else return steps;
    const current = lookup(resource, 'properties.deleteRetentionPolicy.days');
    return current.kind === 'present' && typeof current.value === 'number' && current.value >= days
      ? steps.slice(0, 1)
      : steps;
  },
  check(resource, context) {
    const subject = blobServiceSubject(resource, context);
    if (subject.kind === 'skip') return subject.outcome;
    if (subject.kind === 'absent') {
      return failAt('blobServices/default', {
        expected: `deleteRetentionPolicy enabled with days >= ${context.config.retention.softDeleteMinDays}`,
        message: `Blob soft delete is off: a deleted or overwritten PHI blob cannot be recovered (${NO_BLOB_SERVICE.softDelete})`,
        at: resource.at,
        because: NO_BLOB_SERVICE.softDelete,
      });
    }
    const { service } = subject;
    const minimum = context.config.retention.softDeleteMinDays;
    const expected = `deleteRetentionPolicy enabled with days >= ${minimum} and allowPermanentDelete not true`;
    const enabled = context.read(service, 'properties.deleteRetentionPolicy.enabled');
    if (enabled.state === 'unknown') return unknown(enabled);
    if (asBoolean(enabled.value) !== true) {
      return fail(enabled, {
        expected,
        message: 'Blob soft delete is disabled: a deleted or overwritten PHI blob cannot be recovered',
      });
    }
    const days = context.read(service, 'properties.deleteRetentionPolicy.days');
    if (days.state === 'unknown') return unknown(days);
    if (typeof days.value !== 'number') {
      return unknown(
        { path: days.path, expression: describeValue(days.value), at: days.at },
        'blob soft delete is enabled but the retention days are not set, so the recovery window cannot be determined',
      );
    }
    const outcomes: Outcome[] = [];
    if (days.value < minimum) {
      outcomes.push(
        fail(days, {
          expected,
          message: `Blob soft delete keeps deleted blobs ${days.value} day(s), less than the ${minimum}-day minimum (retention.soft_delete_min_days)`,
        }),
      );
    }
    const permanent = context.read(service, 'properties.deleteRetentionPolicy.allowPermanentDelete');
    if (permanent.state === 'unknown') outcomes.push(unknown(permanent));
    else if (asBoolean(permanent.value) === true) {
      outcomes.push(
        fail(permanent, {
          expected,
          message:
            'allowPermanentDelete is true: soft-deleted PHI blobs can be purged before the soft-delete period ends',
        }),
      );
    }
    if (outcomes.length > 0) return outcomes;
    const container = context.read(service, 'properties.containerDeleteRetentionPolicy.enabled');
    const advisory =
      container.state !== 'unknown' && asBoolean(container.value) !== true
        ? '; advisory: container soft delete (containerDeleteRetentionPolicy) is off, so a deleted container is not recoverable'
        : '';
    return {
      verdict: 'pass',
      path: days.path,
      actual: days.value,
      message: `Blob soft delete keeps deleted blobs ${days.value} days${advisory}`,
    };
  },
});

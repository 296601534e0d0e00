import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-004.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  AUDIT_LOGS,
  armCase,
  body,
  legacySetting,
  liveSetting,
  PHI_TAGS,
  res,
  setting,
  tagged,
  WORKSPACE_ID,
  WORKSPACE_REF,
} from './support.js';

const STORAGE = 'Microsoft.Storage/storageAccounts';
const BLOB_LOGS = [
  { category: 'StorageRead', enabled: true },
  { category: 'StorageWrite', enabled: true },
  { category: 'StorageDelete', enabled: true },
];
const account = (extra: Json = {}) =>
  res(
    STORAGE,
    'phistore',
    { minimumTlsVersion: 'TLS1_2' },
    { apiVersion: '2025-06-01', kind: 'StorageV2', tags: PHI_TAGS, ...extra },
  );
const blobLegacy = (properties: Json) =>
  legacySetting('Microsoft.Storage/storageAccounts/blobServices', 'phistore/default', properties, 'blob-audit');
const blobScope = (properties: Json) =>
  setting(
    "[format('Microsoft.Storage/storageAccounts/{0}/blobServices/default', 'phistore')]",
    properties,
    'blob-audit',
  );
const ACCOUNT_ID = idOf(STORAGE, 'phistore');
const liveAccount = body(STORAGE, 'phistore', { minimumTlsVersion: 'TLS1_2' }, { kind: 'StorageV2', tags: PHI_TAGS });

ruleCases(rule, {
  pass: [
    armCase(
      [account(), blobLegacy({ workspaceId: WORKSPACE_REF, logs: BLOB_LOGS })],
      'StorageRead/Write/Delete (legacy blobServices/providers form)',
    ),
    armCase(
      [account(), blobScope({ workspaceId: WORKSPACE_REF, logs: ALL_LOGS })],
      'allLogs (relative scope, as Bicep emits)',
    ),
    liveCase(
      [liveAccount, liveSetting(`${ACCOUNT_ID}/blobServices/default`, { workspaceId: WORKSPACE_ID, logs: BLOB_LOGS })],
      'live blob service setting',
    ),
  ],
  fail: [
    armCase([account()], 'no blob diagnostic setting'),
    armCase([account(), blobScope({ workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })], 'categoryGroup audit only'),
    armCase(
      [
        account(),
        blobLegacy({
          workspaceId: WORKSPACE_REF,
          logs: [...BLOB_LOGS.slice(0, 2), { category: 'StorageDelete', enabled: false }],
        }),
      ],
      'StorageDelete disabled',
    ),
    armCase(
      [
        account(),
        setting("[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]", {
          workspaceId: WORKSPACE_REF,
          metrics: [{ category: 'Transaction', enabled: true }],
        }),
      ],
      'setting on the account itself (metrics only)',
    ),
    liveCase(
      [
        liveAccount,
        liveSetting(`${ACCOUNT_ID}/blobServices/default`, {
          workspaceId: WORKSPACE_ID,
          logs: [{ category: 'StorageRead', enabled: true }],
        }),
      ],
      'live: reads only',
    ),
    liveCase([liveAccount], 'live account without settings'),
  ],
  unknown: [
    armCase(
      [
        account(),
        blobLegacy({
          workspaceId: WORKSPACE_REF,
          logs: BLOB_LOGS.map((l) => ({ ...l, enabled: "[parameters('on')]" })),
        }),
      ],
      'enabled from a parameter without value',
      { on: { type: 'bool' } },
    ),
    withConfig(armCase([account()], 'no setting, diagnostics managed by policy'), (c) => {
      c.logging.diagnosticsManagedByPolicy = true;
    }),
  ],
  notApplicable: [
    armCase([account({ kind: 'FileStorage' })], 'FileStorage account'),
    withConfig(armCase([account({ tags: {} })], 'non-PHI account'), tagged),
  ],
});

describe('PHI-LOG-004 messages', () => {
  it('says why the audit group does not count', () => {
    const { findings } = run(
      rule,
      armCase([account(), blobScope({ workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })], 'x'),
    );
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /whether categoryGroup "audit" covers StorageRead is UNVERIFIED/);
    assert.equal(findings[0].evidence.path, 'diagnosticSettings/blob-audit.properties.logs');
  });

  it('notes settings on the account itself, which carry metrics only', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          account(),
          setting("[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]", {
            workspaceId: WORKSPACE_REF,
            metrics: [{ category: 'Transaction', enabled: true }],
          }),
        ],
        'x',
      ),
    );
    assert.match(findings[0].message, /on the account itself carry metrics only/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-003.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  AUDIT_LOGS,
  armCase,
  body,
  legacySetting,
  liveSetting,
  payloadBody,
  res,
  setting,
  tagged,
  WORKSPACE_ID,
  WORKSPACE_REF,
} from './support.js';

const VAULT = 'Microsoft.KeyVault/vaults';
const HSM = 'Microsoft.KeyVault/managedHSMs';
const VAULT_ID = idOf(VAULT, 'kv-cmk');
// Not PHI-tagged on purpose: the rule is not PHI-scoped.
const vault = res(
  VAULT,
  'kv-cmk',
  { tenantId: '00000000-0000-0000-0000-000000000000', sku: { family: 'A', name: 'standard' } },
  { apiVersion: '2025-05-01' },
);
const liveVault = body(VAULT, 'kv-cmk', { enableSoftDelete: true });
const legacy = (properties: Json) => legacySetting(VAULT, 'kv-cmk', properties, 'kv-audit');

/** The diagnostic setting payload (allLogs; storage, event hub and partner destinations) moved onto the vault. */
function payloadOnVault(change: (properties: Json) => void = () => {}): Json {
  const s = payloadBody('diagnostic_setting_get_2021-05-01-preview.json');
  s.id = `${VAULT_ID}/providers/microsoft.insights/diagnosticSettings/mysetting`;
  change(s.properties as Json);
  return s;
}

ruleCases(rule, {
  pass: [
    armCase(
      [vault, legacy({ workspaceId: WORKSPACE_REF, logs: [{ category: 'AuditEvent', enabled: true }] })],
      'AuditEvent category (legacy providers/diagnosticSettings form)',
    ),
    armCase(
      [
        vault,
        setting("[resourceId('Microsoft.KeyVault/vaults', 'kv-cmk')]", {
          workspaceId: WORKSPACE_REF,
          logs: AUDIT_LOGS,
        }),
      ],
      'categoryGroup audit (scope form)',
    ),
    armCase(
      [
        res(HSM, 'hsm-cmk', {}, { apiVersion: '2025-05-01' }),
        setting("[resourceId('Microsoft.KeyVault/managedHSMs', 'hsm-cmk')]", {
          eventHubAuthorizationRuleId:
            '/subscriptions/x/resourceGroups/y/providers/Microsoft.EventHub/namespaces/n/authorizationRules/r',
          logs: ALL_LOGS,
        }),
      ],
      'Managed HSM with allLogs to an event hub',
    ),
    liveCase([liveVault, payloadOnVault()], 'payload setting (allLogs) on the vault'),
    withConfig(
      liveCase(
        [liveVault, liveSetting(VAULT_ID, { workspaceId: WORKSPACE_ID, logs: AUDIT_LOGS })],
        'untagged vault, PHI classification by tags',
      ),
      tagged,
    ),
  ],
  fail: [
    armCase([vault], 'no diagnostic setting'),
    armCase(
      [vault, legacy({ workspaceId: WORKSPACE_REF, logs: [{ category: 'AuditEvent', enabled: false }] })],
      'AuditEvent disabled',
    ),
    armCase(
      [
        vault,
        legacy({ workspaceId: WORKSPACE_REF, logs: [{ category: 'AzurePolicyEvaluationDetails', enabled: true }] }),
      ],
      'another category only',
    ),
    armCase([vault, legacy({ workspaceId: '', logs: AUDIT_LOGS })], 'empty destination'),
    liveCase([liveVault], 'live vault without a setting'),
    liveCase(
      [
        liveVault,
        payloadOnVault((p) =>
          Object.assign(p, { storageAccountId: '', eventHubAuthorizationRuleId: null, marketplacePartnerId: null }),
        ),
      ],
      'payload setting with no destination',
    ),
  ],
  unknown: [
    armCase(
      [vault, setting("[parameters('vaultId')]", { workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })],
      'setting on an unresolved target (data source id)',
      { vaultId: { type: 'string' } },
    ),
    armCase(
      [vault, legacy({ workspaceId: WORKSPACE_REF, logs: [{ category: "[parameters('category')]", enabled: true }] })],
      'category from a parameter without value',
      { category: { type: 'string' } },
    ),
    withConfig(armCase([vault], 'no setting, diagnostics managed by policy'), (c) => {
      c.logging.diagnosticsManagedByPolicy = true;
    }),
  ],
  notApplicable: [
    armCase(
      [
        setting("[resourceId('Microsoft.KeyVault/vaults', 'kv-cmk')]", {
          workspaceId: WORKSPACE_REF,
          logs: AUDIT_LOGS,
        }),
      ],
      'a setting whose vault is not in the scan',
    ),
  ],
});

describe('PHI-LOG-003 outcomes', () => {
  it('an unlinked setting that could not pass anyway does not make the vault unknown', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          vault,
          setting("[parameters('vaultId')]", {
            workspaceId: WORKSPACE_REF,
            metrics: [{ category: 'AllMetrics', enabled: true }],
          }),
        ],
        'x',
        { vaultId: { type: 'string' } },
      ),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });

  it('is evaluated in live mode with diagnostics_managed_by_policy too (the setting either exists or not)', () => {
    const { findings } = run(
      rule,
      withConfig(liveCase([liveVault], 'x'), (c) => {
        c.logging.diagnosticsManagedByPolicy = true;
      }),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });
});

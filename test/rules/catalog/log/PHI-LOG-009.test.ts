import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-009.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  armCase,
  body,
  liveSetting,
  PHI_TAGS,
  payloadBody,
  res,
  setting,
  tagged,
  WORKSPACE,
  WORKSPACE_ID,
  WORKSPACE_REF,
  workspace,
} from './support.js';

const VAULT_ID = idOf('Microsoft.KeyVault/vaults', 'kv-phi');
const liveWorkspace = body(WORKSPACE, 'law-audit', { retentionInDays: 730 });
const liveVault = body('Microsoft.KeyVault/vaults', 'kv-phi', {}, { tags: PHI_TAGS });
const feed = liveSetting(VAULT_ID, { workspaceId: WORKSPACE_ID, logs: ALL_LOGS });
const onboarding = {
  id: `${WORKSPACE_ID}/providers/Microsoft.SecurityInsights/onboardingStates/default`,
  name: 'default',
  type: 'Microsoft.SecurityInsights/onboardingStates',
  properties: {},
};
const phiApp = res('Microsoft.Web/sites', 'app-phi', {}, { tags: PHI_TAGS });
const appFeed = setting("[resourceId('Microsoft.Web/sites', 'app-phi')]", {
  workspaceId: WORKSPACE_REF,
  logs: ALL_LOGS,
});
const WS_SCOPE = "[resourceId('Microsoft.OperationalInsights/workspaces', 'law-audit')]";

/** The Sentinel scheduled rule payload, re-homed onto the test workspace, with its query. */
function scheduledRule(query: string): Json {
  const r = payloadBody('sentinel_scheduled_alert_rule_get_2024-09-01.json');
  r.id = `${WORKSPACE_ID}/providers/Microsoft.SecurityInsights/alertRules/${r.name}`;
  (r.properties as Json).query = query;
  return r;
}

ruleCases(rule, {
  pass: [
    liveCase([liveWorkspace, liveVault, feed, onboarding], 'onboarding state on the audit workspace'),
    liveCase(
      [liveWorkspace, liveVault, feed, onboarding, scheduledRule('StorageBlobLogs | where OperationName == "GetBlob"')],
      'onboarded, with a PHI analytics rule (payload)',
    ),
    armCase(
      [
        workspace(),
        phiApp,
        appFeed,
        {
          type: 'Microsoft.SecurityInsights/onboardingStates',
          apiVersion: '2024-09-01',
          name: 'default',
          scope: WS_SCOPE,
          properties: {},
        },
      ],
      'template onboarding state with scope',
    ),
    armCase(
      [
        workspace(),
        phiApp,
        appFeed,
        {
          type: 'Microsoft.OperationalInsights/workspaces/providers/onboardingStates',
          apiVersion: '2024-09-01',
          name: 'law-audit/Microsoft.SecurityInsights/default',
          properties: {},
        },
      ],
      'template legacy providers form',
    ),
    armCase(
      [
        workspace(),
        phiApp,
        appFeed,
        res(
          'Microsoft.OperationsManagement/solutions',
          'SecurityInsights(law-audit)',
          { workspaceResourceId: WORKSPACE_REF },
          { apiVersion: '2015-11-01-preview' },
        ),
      ],
      'legacy SecurityInsights solution',
    ),
  ],
  fail: [
    liveCase([liveWorkspace, liveVault, feed], 'audit workspace without Sentinel'),
    liveCase(
      [liveWorkspace, liveVault, feed, scheduledRule('Heartbeat')],
      'analytics rule payload on a workspace that is not onboarded',
    ),
    armCase([workspace(), phiApp, appFeed], 'template workspace without onboarding'),
    withConfig(
      liveCase(
        [payloadBody('log_analytics_workspace_get_2025-02-01.json')],
        'payload workspace listed in logging.audit_workspace_ids',
      ),
      (c) => {
        c.logging.auditWorkspaceIds = ['oiautorest6685'];
      },
    ),
  ],
  unknown: [
    armCase(
      [
        workspace(),
        phiApp,
        appFeed,
        {
          type: 'Microsoft.SecurityInsights/onboardingStates',
          apiVersion: '2024-09-01',
          name: 'default',
          scope: "[parameters('workspace')]",
          properties: {},
        },
      ],
      'onboarding state on an unresolved workspace',
      { workspace: { type: 'string' } },
    ),
  ],
  notApplicable: [
    liveCase([liveWorkspace], 'workspace that receives no audit logs'),
    withConfig(
      liveCase(
        [liveWorkspace, body('Microsoft.KeyVault/vaults', 'kv-phi', {}), feed],
        'workspace fed by a non-PHI vault',
      ),
      tagged,
    ),
    liveCase([scheduledRule('StorageBlobLogs')], 'analytics rule alone'),
  ],
});

describe('PHI-LOG-009 advisory', () => {
  it('mentions the missing PHI analytics without changing the verdict', () => {
    const { findings } = run(
      rule,
      liveCase([liveWorkspace, liveVault, feed, onboarding, scheduledRule('Heartbeat')], 'x'),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass'],
    );
    assert.match(
      findings[0].message,
      /advisory: no enabled scheduled analytics rule queries StorageBlobLogs or SigninLogs/,
    );
  });

  it('counts an enabled scheduled rule that queries SigninLogs', () => {
    const { findings } = run(
      rule,
      liveCase(
        [liveWorkspace, liveVault, feed, onboarding, scheduledRule('SigninLogs | where AppId in (phiAppIds)')],
        'x',
      ),
    );
    assert.match(findings[0].message, /1 enabled scheduled analytics rule\(s\) query/);
  });
});

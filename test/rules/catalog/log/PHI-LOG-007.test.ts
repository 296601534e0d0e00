import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-007.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { armTemplate, liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  AUDIT_LOGS,
  armCase,
  body,
  DIAGNOSTIC,
  liveSetting,
  PHI_TAGS,
  res,
  SUBSCRIPTION,
  setting,
  tagged,
  WORKSPACE_ID,
  WORKSPACE_REF,
} from './support.js';

const ACTIVITY = ['Administrative', 'Security', 'Alert', 'Policy'].map((category) => ({ category, enabled: true }));
const SUBSCRIPTION_ID = `/subscriptions/${SUBSCRIPTION}`;
const phiAccount = body('Microsoft.Storage/storageAccounts', 'phistore', {}, { tags: PHI_TAGS });
const vaultSetting = liveSetting(
  idOf('Microsoft.KeyVault/vaults', 'kv-phi'),
  { workspaceId: WORKSPACE_ID, logs: AUDIT_LOGS },
  'kv-audit',
);
const subscriptionSetting = (properties: Json, name = 'activity') => liveSetting(SUBSCRIPTION_ID, properties, name);
const logProfile = {
  id: `${SUBSCRIPTION_ID}/providers/microsoft.insights/logprofiles/default`,
  name: 'default',
  type: 'Microsoft.Insights/logProfiles',
  properties: {
    categories: ['Write', 'Delete', 'Action'],
    locations: ['global'],
    storageAccountId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z',
  },
};

const SUBSCRIPTION_SCHEMA =
  'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
/** A subscription-scope template: a resource group and the activity log setting. */
function subscriptionTemplate(properties: Json): ReturnType<typeof armTemplate> {
  return armTemplate(
    {
      $schema: SUBSCRIPTION_SCHEMA,
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Resources/resourceGroups',
          apiVersion: '2024-03-01',
          name: 'rg-phi',
          location: 'eastus',
          tags: PHI_TAGS,
        },
        { type: DIAGNOSTIC, apiVersion: '2021-05-01-preview', name: 'activity-to-law', properties },
      ],
    },
    undefined,
    `arm subscription template ${JSON.stringify(properties).slice(0, 60)}`,
  );
}
/** A resource-group template with a PHI account, its setting, and a role assignment at subscription scope. */
const withSubscriptionDeployment = (extra: Json[] = []) =>
  armCase(
    [
      res('Microsoft.Storage/storageAccounts', 'phistore', {}, { apiVersion: '2025-06-01', tags: PHI_TAGS }),
      setting("[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]", {
        workspaceId: WORKSPACE_REF,
        logs: ALL_LOGS,
      }),
      {
        type: 'Microsoft.Authorization/roleAssignments',
        apiVersion: '2022-04-01',
        name: '[guid(subscription().id)]',
        scope: '[subscription().id]',
        properties: { roleDefinitionId: 'x', principalId: 'y' },
      },
      ...extra,
    ],
    'resource template with a subscription-scope role assignment',
  );

ruleCases(rule, {
  pass: [
    liveCase(
      [phiAccount, subscriptionSetting({ workspaceId: WORKSPACE_ID, logs: ACTIVITY })],
      'subscription setting with the four categories',
    ),
    liveCase(
      [
        phiAccount,
        subscriptionSetting({
          storageAccountId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z',
          logs: ALL_LOGS,
        }),
        vaultSetting,
      ],
      'subscription setting with allLogs',
    ),
    subscriptionTemplate({ workspaceId: WORKSPACE_REF, logs: ACTIVITY }),
  ],
  fail: [
    liveCase(
      [phiAccount, subscriptionSetting({ workspaceId: WORKSPACE_ID, logs: ACTIVITY.slice(0, 3) })],
      'Policy category missing',
    ),
    liveCase([phiAccount, vaultSetting], 'no subscription setting (reported on the first diagnostic setting)'),
    liveCase([phiAccount, logProfile, vaultSetting], 'legacy log profile only (retired 2026-09-30)'),
    subscriptionTemplate({ logs: ACTIVITY }),
    withSubscriptionDeployment(),
  ],
  unknown: [
    armCase(
      [
        res('Microsoft.Storage/storageAccounts', 'phistore', {}, { apiVersion: '2025-06-01' }),
        setting("[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]", {
          workspaceId: WORKSPACE_REF,
          logs: ALL_LOGS,
        }),
      ],
      'templates without a subscription-scope deployment',
    ),
    subscriptionTemplate({ workspaceId: "[parameters('workspace')]", logs: ACTIVITY }),
  ],
  notApplicable: [
    withConfig(
      liveCase(
        [body('Microsoft.Storage/storageAccounts', 'plain', {}), vaultSetting],
        'subscription without PHI resources',
      ),
      tagged,
    ),
  ],
});

describe('PHI-LOG-007 subjects', () => {
  it('reports a missing subscription setting once, on the first setting by id', () => {
    const other = liveSetting(
      idOf('Microsoft.Web/sites', 'app'),
      { workspaceId: WORKSPACE_ID, logs: AUDIT_LOGS },
      'app-audit',
    );
    const { findings, engine } = run(rule, liveCase([phiAccount, other, vaultSetting], 'x'));
    assert.deepEqual(
      findings.map((f) => [f.status, f.resource.name]),
      [['fail', 'kv-audit']],
    );
    assert.match(findings[0].message, new RegExp(`Subscription ${SUBSCRIPTION} holds PHI resources`));
    assert.equal(engine.counts['not-applicable'], 1);
  });

  it('passes the compliant subscription setting and leaves the others of the subscription not applicable', () => {
    const { findings } = run(
      rule,
      liveCase(
        [
          phiAccount,
          subscriptionSetting({ workspaceId: WORKSPACE_ID, logs: ACTIVITY.slice(0, 1) }, 'partial'),
          subscriptionSetting({ workspaceId: WORKSPACE_ID, logs: ACTIVITY }, 'full'),
          logProfile,
          vaultSetting,
        ],
        'x',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.status, f.resource.name]),
      [['pass', 'full']],
    );
  });
});

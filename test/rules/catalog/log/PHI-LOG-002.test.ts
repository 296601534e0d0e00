import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-002.js';
import { idOf, type Json, lineOf, template } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  AUDIT_LOGS,
  armCase,
  body,
  legacySetting,
  liveSetting,
  PHI_TAGS,
  payloadBody,
  res,
  setting,
  tagged,
  WORKSPACE_ID,
  WORKSPACE_REF,
} from './support.js';

const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const COSMOS_REF = "[resourceId('Microsoft.DocumentDB/databaseAccounts', 'cosmos-phi')]";
const cosmos = (tags: Json = PHI_TAGS) =>
  res(COSMOS, 'cosmos-phi', { databaseAccountOfferType: 'Standard' }, { apiVersion: '2025-10-15', tags });
const cosmosSetting = (properties: Json) => setting(COSMOS_REF, properties);
const COSMOS_ID = idOf(COSMOS, 'cosmos-phi');
const liveCosmos = body(COSMOS, 'cosmos-phi', { databaseAccountOfferType: 'Standard' }, { tags: PHI_TAGS });

const mysql = res(MYSQL, 'mysql-phi', { version: '8.0.21' }, { apiVersion: '2024-12-30', tags: PHI_TAGS });
const auditLogParameter = (value: string) =>
  res(
    `${MYSQL}/configurations`,
    'mysql-phi/audit_log_enabled',
    { value, source: 'user-override' },
    { apiVersion: '2024-12-30' },
  );
const mysqlSetting = legacySetting(MYSQL, 'mysql-phi', { workspaceId: WORKSPACE_REF, logs: ALL_LOGS });

/** The diagnostic setting payload (allLogs to storage, event hub and a partner; workspaceId ""), moved onto `target`. */
function payloadSettingOn(target: string, change: (properties: Json) => void = () => {}): Json {
  const setting = payloadBody('diagnostic_setting_get_2021-05-01-preview.json');
  setting.id = `${target}/providers/microsoft.insights/diagnosticSettings/mysetting`;
  change(setting.properties as Json);
  return setting;
}

/** The line of the `{` opening the resource of `type` (findings without a property point at the resource). */
function resourceLine(tpl: Json, type: string): number {
  return lineOf(JSON.stringify(tpl, null, 2), `"type": "${type}"`) - 1;
}

const withoutDestination = template([cosmos(), cosmosSetting({ logs: AUDIT_LOGS })]);

ruleCases(rule, {
  pass: [
    armCase(
      [cosmos(), cosmosSetting({ workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })],
      'Cosmos DB with categoryGroup audit',
    ),
    armCase(
      [
        res('Microsoft.ApiManagement/service', 'apim-phi', {}, { tags: PHI_TAGS }),
        setting("[resourceId('Microsoft.ApiManagement/service', 'apim-phi')]", {
          workspaceId: WORKSPACE_REF,
          logs: [{ category: 'GatewayLogs', enabled: true }],
        }),
      ],
      'API Management with its audit category GatewayLogs',
    ),
    armCase(
      [mysql, auditLogParameter('ON'), mysqlSetting],
      'MySQL allLogs + audit_log_enabled ON (legacy setting form)',
    ),
    armCase(
      [
        cosmos(),
        cosmosSetting({
          storageAccountId: "[resourceId('Microsoft.Storage/storageAccounts', 'starchive')]",
          logs: ALL_LOGS,
        }),
      ],
      'storage destination',
    ),
    liveCase(
      [liveCosmos, payloadSettingOn(COSMOS_ID)],
      'payload setting (allLogs, storage + event hub) on a PHI Cosmos DB account',
    ),
    liveCase(
      [
        body('Microsoft.Web/sites', 'app-phi', {}, { tags: PHI_TAGS }),
        liveSetting(idOf('Microsoft.Web/sites', 'app-phi'), { workspaceId: WORKSPACE_ID, logs: ALL_LOGS }),
      ],
      'web app with allLogs',
    ),
  ],
  fail: [
    {
      ...armCase([cosmos()], 'Cosmos DB without a diagnostic setting'),
      line: resourceLine(template([cosmos()]), COSMOS),
    },
    armCase(
      [cosmos(), cosmosSetting({ workspaceId: WORKSPACE_REF, metrics: [{ category: 'Requests', enabled: true }] })],
      'metrics only',
    ),
    armCase(
      [cosmos(), cosmosSetting({ workspaceId: WORKSPACE_REF, logs: [{ categoryGroup: 'audit', enabled: false }] })],
      'audit group disabled',
    ),
    {
      ...armCase([cosmos(), cosmosSetting({ logs: AUDIT_LOGS })], 'no destination'),
      line: resourceLine(withoutDestination, 'Microsoft.Insights/diagnosticSettings'),
    },
    armCase([mysql, auditLogParameter('OFF'), mysqlSetting], 'MySQL audit_log_enabled OFF'),
    armCase([mysql, mysqlSetting], 'MySQL without audit_log_enabled (defaults to OFF)'),
    liveCase([liveCosmos], 'Cosmos DB without a setting'),
    liveCase(
      [
        liveCosmos,
        payloadSettingOn(COSMOS_ID, (p) =>
          Object.assign(p, { storageAccountId: null, eventHubAuthorizationRuleId: null, marketplacePartnerId: null }),
        ),
      ],
      'payload setting without any destination',
    ),
    liveCase(
      [liveCosmos, payloadSettingOn(COSMOS_ID, (p) => Object.assign(p, { logs: [] }))],
      'payload setting with metrics only',
    ),
  ],
  unknown: [
    withConfig(armCase([cosmos()], 'no setting, diagnostics managed by policy'), (c) => {
      c.logging.diagnosticsManagedByPolicy = true;
    }),
    armCase(
      [cosmos(), cosmosSetting({ workspaceId: "[parameters('workspaceId')]", logs: AUDIT_LOGS })],
      'destination from a parameter without value',
      { workspaceId: { type: 'string' } },
    ),
    armCase(
      [
        cosmos(),
        cosmosSetting({
          workspaceId: WORKSPACE_REF,
          logs: [{ categoryGroup: 'audit', enabled: "[parameters('on')]" }],
        }),
      ],
      'enabled from a parameter without value',
      { on: { type: 'bool' } },
    ),
    armCase(
      [
        cosmos(),
        cosmosSetting({ workspaceId: WORKSPACE_REF, logs: [{ category: 'DataPlaneRequests', enabled: true }] }),
      ],
      'Cosmos DB categories only (audit categories UNVERIFIED)',
    ),
    armCase(
      [cosmos(), setting("[parameters('target')]", { workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })],
      'setting whose target is unresolved',
      { target: { type: 'string' } },
    ),
    armCase(
      [
        mysql,
        res(
          `${MYSQL}/configurations`,
          'mysql-phi/audit_log_enabled',
          { value: "[parameters('audit')]" },
          { apiVersion: '2024-12-30' },
        ),
        mysqlSetting,
      ],
      'MySQL audit_log_enabled unresolved',
      { audit: { type: 'string' } },
    ),
  ],
  notApplicable: [
    withConfig(armCase([cosmos({})], 'non-PHI Cosmos DB'), tagged),
    armCase(
      [cosmos(), cosmosSetting({ workspaceId: WORKSPACE_REF, logs: AUDIT_LOGS })].slice(1),
      'a diagnostic setting alone',
    ),
  ],
});

describe('PHI-LOG-002 outcomes', () => {
  it('passes on a setting with the audit group even when another setting of the resource fails', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          cosmos(),
          cosmosSetting({ workspaceId: WORKSPACE_REF, metrics: [{ category: 'Requests', enabled: true }] }),
          { ...cosmosSetting({ workspaceId: WORKSPACE_REF, logs: ALL_LOGS }), name: 'second' },
        ],
        'x',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path]),
      [['pass', 'diagnosticSettings/second.properties.logs']],
    );
  });

  it('names every failing setting and why', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          cosmos(),
          cosmosSetting({ workspaceId: WORKSPACE_REF, metrics: [{ category: 'Requests', enabled: true }] }),
          { ...cosmosSetting({ logs: AUDIT_LOGS }), name: 'second' },
        ],
        'x',
      ),
    );
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /'audit' it exports metrics only/);
    assert.match(findings[0].message, /'second' it names no destination/);
  });

  it('reports a MySQL server with a good setting but audit_log_enabled OFF as one pass and one failure', () => {
    const { findings } = run(rule, armCase([mysql, auditLogParameter('OFF'), mysqlSetting], 'x'));
    assert.deepEqual(findings.map((f) => [f.status, f.evidence.path]).sort(), [
      ['fail', 'configurations/audit_log_enabled.properties.value'],
      ['pass', 'diagnosticSettings/audit.properties.logs'],
    ]);
  });
});

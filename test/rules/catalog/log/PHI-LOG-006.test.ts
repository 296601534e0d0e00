import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-006.js';
import { idOf, type Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  armCase,
  body,
  legacySetting,
  liveSetting,
  payloadBody,
  res,
  WORKSPACE_ID,
  WORKSPACE_REF,
  workspace,
} from './support.js';

const SERVER = 'Microsoft.Sql/servers';
const SERVER_ID = idOf(SERVER, 'sql-phi');
const server = res(SERVER, 'sql-phi', { administratorLogin: 'admin' });
const audit = (properties: Json) =>
  res('Microsoft.Sql/servers/auditingSettings', 'sql-phi/default', { state: 'Enabled', ...properties });
const STORAGE = { storageEndpoint: 'https://staudit.blob.core.windows.net/' };
/** The diagnostic setting on the master database that carries SQLSecurityAuditEvents to the workspace. */
const masterSetting = (properties: Json = {}) =>
  legacySetting('Microsoft.Sql/servers/databases', 'sql-phi/master', {
    workspaceId: WORKSPACE_REF,
    logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }],
    ...properties,
  });
const liveServer = body(SERVER, 'sql-phi', { version: '12.0' });
const liveAudit = (properties: Json) => ({
  ...body('Microsoft.Sql/servers/auditingSettings', 'sql-phi/default', { state: 'Enabled', ...properties }),
  name: 'Default',
});

/** The auditing payload with its server, re-homed so the ids link. */
function payloadServer(change: (properties: Json) => void = () => {}): Json[] {
  const a = payloadBody('sql_server_auditing_settings_get_2023-08-01.json');
  change(a.properties as Json);
  return [
    {
      id: (a.id as string).replace(/\/auditingSettings\/default$/, ''),
      name: 'blobauditingtest-2080',
      type: SERVER,
      properties: {},
    },
    a,
  ];
}

ruleCases(rule, {
  pass: [
    armCase([server, audit({ ...STORAGE, retentionDays: 0 })], 'storage, retentionDays 0 (unlimited)'),
    armCase([server, audit(STORAGE)], 'storage, retentionDays absent (0 = unlimited)'),
    armCase([server, audit({ ...STORAGE, retentionDays: 2191 })], 'storage, 2191 days'),
    armCase(
      [server, audit({ storageEndpoint: "[parameters('endpoint')]", retentionDays: 0 })],
      'unresolved storage endpoint still names a storage destination',
      { endpoint: { type: 'string' } },
    ),
    armCase(
      [
        server,
        audit({ isAzureMonitorTargetEnabled: true }),
        masterSetting({ logAnalyticsDestinationType: 'Dedicated' }),
        workspace({ retentionInDays: 730 }),
        res(
          'Microsoft.OperationalInsights/workspaces/tables',
          'law-audit/SQLSecurityAuditEvents',
          { totalRetentionInDays: 2191 },
          { apiVersion: '2025-02-01' },
        ),
      ],
      'Azure Monitor via master to a SQLSecurityAuditEvents table of 2191 days',
    ),
    withConfig(
      armCase([server, audit({ ...STORAGE, retentionDays: 100 })], 'storage, 100 days with min_days 90'),
      (c) => {
        c.retention.auditLogs.minDays = 90;
      },
    ),
    liveCase(
      payloadServer((p) =>
        Object.assign(p, { state: 'Enabled', storageEndpoint: 'https://st.blob.core.windows.net/' }),
      ),
      'payload Enabled with storage, retentionDays 0',
    ),
  ],
  fail: [
    armCase([server, audit({ ...STORAGE, retentionDays: 100 })], 'storage, 100 days'),
    armCase(
      [server, audit({ isAzureMonitorTargetEnabled: true }), masterSetting(), workspace({ retentionInDays: 90 })],
      'Azure Monitor via master to a 90-day workspace (AzureDiagnostics)',
    ),
    armCase([server, audit({ isAzureMonitorTargetEnabled: true })], 'Azure Monitor without a setting on master'),
    armCase([server, audit({})], 'enabled without any destination'),
    armCase([server], 'no auditing (zero retention)'),
    liveCase(payloadServer(), 'payload (state Disabled): no audit trail'),
    liveCase([liveServer, liveAudit({ ...STORAGE, retentionDays: 30 })], 'live storage 30 days'),
  ],
  unknown: [
    armCase(
      [server, audit({ ...STORAGE, retentionDays: "[parameters('days')]" })],
      'retentionDays from a parameter without value',
      { days: { type: 'int' } },
    ),
    armCase([server, audit({ isAzureMonitorTargetEnabled: true }), masterSetting()], 'workspace not in the scan'),
    armCase(
      [
        server,
        audit({ isAzureMonitorTargetEnabled: true }),
        masterSetting({
          workspaceId: undefined,
          eventHubAuthorizationRuleId:
            '/subscriptions/x/resourceGroups/y/providers/Microsoft.EventHub/namespaces/n/authorizationRules/r',
        }),
      ],
      'event hub only (retention outside Azure)',
    ),
    withConfig(
      armCase(
        [server, audit({ isAzureMonitorTargetEnabled: true })],
        'no setting on master, diagnostics managed by policy',
      ),
      (c) => {
        c.logging.diagnosticsManagedByPolicy = true;
      },
    ),
    liveCase(
      [
        liveServer,
        liveAudit({ isAzureMonitorTargetEnabled: true }),
        liveSetting(`${SERVER_ID}/databases/master`, { workspaceId: WORKSPACE_ID, logs: ALL_LOGS }),
      ],
      'live Azure Monitor to a workspace that is not in the snapshot',
    ),
  ],
  notApplicable: [
    armCase(
      [res('Microsoft.Sql/servers/auditingSettings', 'sql-phi/default', { state: 'Enabled' })],
      'server auditing settings are evaluated on the server',
    ),
    armCase(
      [res('Microsoft.Sql/servers/databases/auditingSettings', 'sql-phi/db1/default', { state: 'Disabled' })],
      'database auditing Disabled',
    ),
  ],
});

describe('PHI-LOG-006 outcomes', () => {
  it('evaluates database-level auditing on its own settings', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          server,
          audit(STORAGE),
          res('Microsoft.Sql/servers/databases', 'sql-phi/db1', {}),
          res('Microsoft.Sql/servers/databases/auditingSettings', 'sql-phi/db1/default', {
            state: 'Enabled',
            ...STORAGE,
            retentionDays: 7,
          }),
        ],
        'x',
      ),
    );
    assert.deepEqual(findings.map((f) => [f.resource.type, f.status, f.evidence.path]).sort(), [
      ['Microsoft.Sql/servers', 'pass', 'properties.retentionDays'],
      ['Microsoft.Sql/servers/databases/auditingSettings', 'fail', 'properties.retentionDays'],
    ]);
    assert.equal(findings.find((f) => f.status === 'fail')?.evidence.actual, 7);
  });

  it('leaves a server without auditing to its databases when every one audits itself', () => {
    const { findings, engine } = run(
      rule,
      armCase(
        [
          server,
          res('Microsoft.Sql/servers/databases', 'sql-phi/db1', {}),
          res('Microsoft.Sql/servers/databases/auditingSettings', 'sql-phi/db1/default', {
            state: 'Enabled',
            ...STORAGE,
          }),
        ],
        'x',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [['Microsoft.Sql/servers/databases/auditingSettings', 'pass']],
    );
    assert.ok(engine.counts['not-applicable'] >= 1);
  });

  it('passes when one destination keeps long enough though another does not', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          server,
          audit({ ...STORAGE, retentionDays: 0, isAzureMonitorTargetEnabled: true }),
          masterSetting(),
          workspace({ retentionInDays: 90 }),
        ],
        'x',
      ),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass'],
    );
  });

  it('names the workspace and table when the Azure Monitor path is short', () => {
    const { findings } = run(
      rule,
      armCase(
        [server, audit({ isAzureMonitorTargetEnabled: true }), masterSetting(), workspace({ retentionInDays: 90 })],
        'x',
      ),
    );
    assert.match(findings[0].message, /workspace law-audit: AzureDiagnostics keeps PHI audit logs 90 days/);
    assert.equal(findings[0].evidence.path, 'properties.retentionInDays');
  });
});

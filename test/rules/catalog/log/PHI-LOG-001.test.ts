import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-001.js';
import { idOf, type Json, lineOf, SUB, template } from '../../../helpers/arm-cases.js';
import { type Case, liveCase, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  ALL_LOGS,
  armCase,
  body,
  legacySetting,
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

const STORAGE = 'Microsoft.Storage/storageAccounts';
const TABLE = 'Microsoft.OperationalInsights/workspaces/tables';
const BLOB_LOGS = [
  { category: 'StorageRead', enabled: true },
  { category: 'StorageWrite', enabled: true },
  { category: 'StorageDelete', enabled: true },
];

const account = (name = 'phistore', tags: Json = PHI_TAGS) =>
  res(STORAGE, name, { minimumTlsVersion: 'TLS1_2' }, { apiVersion: '2025-06-01', kind: 'StorageV2', tags });
/** Blob logs of the account to the workspace (legacy `blobServices/providers/diagnosticSettings` form). */
const blobSetting = (extra: Json = {}, name = 'phistore') =>
  legacySetting('Microsoft.Storage/storageAccounts/blobServices', `${name}/default`, {
    workspaceId: WORKSPACE_REF,
    logs: BLOB_LOGS,
    ...extra,
  });
const table = (name: string, properties: Json) =>
  res(TABLE, `law-audit/${name}`, properties, { apiVersion: '2025-02-01' });

// Live records: a workspace, a PHI vault logging to it (AzureDiagnostics), tables.
const VAULT_ID = idOf('Microsoft.KeyVault/vaults', 'kv-phi');
const liveWorkspace = (properties: Json = { sku: { name: 'PerGB2018' }, retentionInDays: 90 }) =>
  body(WORKSPACE, 'law-audit', properties);
const liveVault = body('Microsoft.KeyVault/vaults', 'kv-phi', { enableSoftDelete: true }, { tags: PHI_TAGS });
const vaultToWorkspace = (properties: Json = {}) =>
  liveSetting(VAULT_ID, { workspaceId: WORKSPACE_ID, logs: ALL_LOGS, ...properties });
const liveTable = (name: string, properties: Json) => body(TABLE, `law-audit/${name}`, properties);

/** The workspace payload (retentionInDays 30) fed by a PHI vault. */
function payloadWorkspace(): Json[] {
  const ws = payloadBody('log_analytics_workspace_get_2025-02-01.json');
  return [ws, liveVault, liveSetting(VAULT_ID, { workspaceId: ws.id, logs: ALL_LOGS })];
}

/** The table payload, renamed to the table the vault's Dedicated logs land in. */
function payloadTable(total: number): Json[] {
  const records = payloadWorkspace();
  const ws = records[0];
  const t = payloadBody('log_analytics_table_get_2025-02-01.json');
  t.id = `${ws.id}/tables/AZKVAuditLogs`;
  t.name = 'AZKVAuditLogs';
  Object.assign(t.properties as Json, { totalRetentionInDays: total, retentionInDays: 90 });
  records[2] = liveSetting(VAULT_ID, { workspaceId: ws.id, logs: ALL_LOGS, logAnalyticsDestinationType: 'Dedicated' });
  return [...records, t];
}

/** A storage account with an immutability policy on an insights-logs container. */
function immutableArchive(days: number): Json[] {
  return [
    res(STORAGE, 'starchive', {}, { apiVersion: '2025-06-01', kind: 'StorageV2' }),
    res(
      'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies',
      'starchive/default/insights-logs-storageread/default',
      { immutabilityPeriodSinceCreationInDays: days },
      { apiVersion: '2025-06-01' },
    ),
  ];
}
const ARCHIVE_REF = "[resourceId('Microsoft.Storage/storageAccounts', 'starchive')]";

const retentionParameter = template(
  [workspace({ retentionInDays: "[parameters('days')]" }), account(), blobSetting()],
  {
    days: { type: 'int', defaultValue: 90 },
  },
);

const cases: { pass: Case[]; fail: Case[]; unknown: Case[]; notApplicable: Case[] } = {
  pass: [
    armCase(
      [
        workspace({ retentionInDays: 730 }),
        table('StorageBlobLogs', { retentionInDays: 730, totalRetentionInDays: 2191 }),
        account(),
        blobSetting(),
      ],
      'StorageBlobLogs total retention 2191',
    ),
    armCase(
      [
        workspace({ retentionInDays: 30 }),
        table('StorageBlobLogs', { totalRetentionInDays: 4383 }),
        account(),
        blobSetting(),
      ],
      'workspace 30, table total 4383',
    ),
    armCase(
      [workspace(), account(), blobSetting({ storageAccountId: ARCHIVE_REF }), ...immutableArchive(2191)],
      'workspace 90 with an immutable storage copy of 2191 days',
    ),
    armCase(
      [
        workspace(),
        account(),
        blobSetting(),
        ...immutableArchive(2191).map((r) =>
          r.name === 'starchive' ? r : { ...r, name: 'starchive/default/am-storagebloblogs/default' },
        ),
        res(
          'Microsoft.OperationalInsights/workspaces/dataExports',
          'law-audit/to-archive',
          { destination: { resourceId: ARCHIVE_REF }, tableNames: ['StorageBlobLogs'], enable: true },
          { apiVersion: '2025-02-01' },
        ),
      ],
      'data export of StorageBlobLogs to an immutable account',
    ),
    withConfig(armCase([workspace(), account(), blobSetting()], 'workspace 90, min_days 90'), (c) => {
      c.retention.auditLogs.minDays = 90;
    }),
    liveCase(
      [
        liveWorkspace({ retentionInDays: 730 }),
        liveVault,
        vaultToWorkspace({ logAnalyticsDestinationType: 'Dedicated' }),
        liveTable('AZKVAuditLogs', { totalRetentionInDays: 2191, retentionInDays: 730 }),
      ],
      'AZKVAuditLogs total 2191',
    ),
    liveCase(payloadTable(2191), 'payload table renamed AZKVAuditLogs, total 2191'),
  ],
  fail: [
    {
      ...armCase(
        [workspace({ retentionInDays: "[parameters('days')]" }), account(), blobSetting()],
        'retention 90 from a parameter file',
        { days: { type: 'int' } },
        { days: 90 },
      ),
      file: 'test.parameters.json',
    },
    {
      ...armCase(
        [workspace({ retentionInDays: "[parameters('days')]" }), account(), blobSetting()],
        'retention 90 from a parameter default',
        { days: { type: 'int', defaultValue: 90 } },
      ),
      file: 'test.json',
      line: lineOf(JSON.stringify(retentionParameter, null, 2), '"defaultValue"'),
    },
    armCase([workspace({ sku: { name: 'PerGB2018' } }), account(), blobSetting()], 'retention absent (30 days)'),
    armCase(
      [workspace({ sku: { name: 'Free' }, retentionInDays: 730 }), account(), blobSetting()],
      'Free tier keeps 7 days',
    ),
    armCase(
      [
        workspace({ retentionInDays: 730 }),
        table('StorageBlobLogs', { totalRetentionInDays: 1826 }),
        account(),
        blobSetting(),
      ],
      'table total 1826 (5 years)',
    ),
    armCase(
      [workspace(), account(), blobSetting({ storageAccountId: ARCHIVE_REF }), ...immutableArchive(365)],
      'immutable copy shorter than the minimum',
    ),
    armCase(
      [
        workspace(),
        account(),
        setting("[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]", {
          workspaceId: WORKSPACE_REF,
          logs: ALL_LOGS,
        }),
        account('other'),
        legacySetting('Microsoft.Storage/storageAccounts/blobServices', 'other/default', {
          workspaceId: WORKSPACE_REF,
          logs: BLOB_LOGS,
        }),
      ],
      'two PHI sources, AzureDiagnostics and StorageBlobLogs inherit 90 days',
    ),
    liveCase(
      [liveWorkspace(), liveVault, vaultToWorkspace()],
      'PHI vault logs to a 90-day workspace (AzureDiagnostics)',
    ),
    liveCase(payloadWorkspace(), 'payload workspace (30 days) fed by a PHI vault'),
    liveCase(payloadTable(50), 'payload table renamed AZKVAuditLogs, total 50'),
    withConfig(payload('log_analytics_workspace_get_2025-02-01.json'), (c) => {
      c.logging.auditWorkspaceIds = [
        '/subscriptions/00000000-0000-0000-0000-00000000000/resourcegroups/oiautorest6685/providers/microsoft.operationalinsights/workspaces/oiautorest6685',
      ];
    }),
  ],
  unknown: [
    armCase(
      [workspace({ retentionInDays: "[parameters('days')]" }), account(), blobSetting()],
      'retention parameter without value',
      { days: { type: 'int' } },
    ),
    armCase(
      [
        workspace({ retentionInDays: 730 }),
        table('StorageBlobLogs', { totalRetentionInDays: "[parameters('total')]" }),
        account(),
        blobSetting(),
      ],
      'table total from a parameter without value',
      { total: { type: 'int' } },
    ),
    armCase(
      [
        workspace(),
        res('Microsoft.Web/sites', 'app-phi', {}, { tags: PHI_TAGS }),
        setting("[resourceId('Microsoft.Web/sites', 'app-phi')]", {
          workspaceId: WORKSPACE_REF,
          logs: ALL_LOGS,
          logAnalyticsDestinationType: "[parameters('destination')]",
        }),
      ],
      'destination type unresolved',
      { destination: { type: 'string' } },
    ),
    armCase(
      [
        workspace(),
        res('Microsoft.Web/sites', 'app-phi', {}, { tags: PHI_TAGS }),
        setting("[resourceId('Microsoft.Web/sites', 'app-phi')]", {
          workspaceId: WORKSPACE_REF,
          logs: ALL_LOGS,
          logAnalyticsDestinationType: 'Dedicated',
        }),
        table('AppServiceAuditLogs', { totalRetentionInDays: 2191 }),
      ],
      'resource-specific tables of a web app with a table override phiguard cannot attribute',
    ),
  ],
  notApplicable: [
    armCase([workspace()], 'workspace that receives no audit logs'),
    liveCase([payloadBody('log_analytics_table_get_2025-02-01.json')], 'payload table without its workspace'),
    withConfig(
      armCase([workspace(), account('plain', {}), blobSetting({}, 'plain')], 'logs of a non-PHI account only'),
      tagged,
    ),
    armCase(
      [
        workspace(),
        account(),
        blobSetting({
          logs: [{ category: 'StorageRead', enabled: false }],
          metrics: [{ category: 'Transaction', enabled: true }],
        }),
      ],
      'setting with metrics only writes no audit table',
    ),
  ],
};

ruleCases(rule, cases);

describe('PHI-LOG-001 subjects and messages', () => {
  it('reports tables inheriting the workspace retention once, on retentionInDays, at the parameter file line', () => {
    const { findings } = run(
      rule,
      armCase(
        [workspace({ retentionInDays: "[parameters('days')]" }), account(), blobSetting()],
        'x',
        { days: { type: 'int' } },
        { days: 90 },
      ),
    );
    const failures = findings.filter((f) => f.status === 'fail');
    assert.equal(failures.length, 1);
    assert.equal(failures[0].evidence.path, 'properties.retentionInDays');
    assert.equal(failures[0].evidence.actual, 90);
    assert.match(failures[0].message, /StorageBlobLogs/);
    assert.match(failures[0].evidence.expected ?? '', /totalRetentionInDays 2191/);
  });

  it('reports a short table override on the table property, not on the workspace', () => {
    const { findings } = run(
      rule,
      armCase(
        [
          workspace({ retentionInDays: 730 }),
          table('StorageBlobLogs', { totalRetentionInDays: 1826 }),
          account(),
          blobSetting(),
        ],
        'x',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path, f.evidence.actual]),
      [['fail', 'tables/StorageBlobLogs.properties.totalRetentionInDays', 1826]],
    );
  });

  it('makes a non-PHI workspace PHI when a PHI resource logs to it (classification.propagate)', () => {
    const inventory = armCase([workspace(), account(), blobSetting()], 'x');
    const withPropagation = run(rule, withConfig(inventory, tagged)).findings;
    assert.deepEqual(
      withPropagation.map((f) => [f.status, f.phi]),
      [['fail', true]],
    );
    const without = run(
      rule,
      withConfig(inventory, (c) => {
        tagged(c);
        c.classification.propagate = false;
      }),
    );
    assert.deepEqual(without.findings, []);
    assert.ok(without.engine.counts['not-applicable'] > 0);
  });

  it('links a setting naming the workspace in another resource group of the templates by type and name', () => {
    const ref = "[resourceId('rg-other', 'Microsoft.OperationalInsights/workspaces', 'law-audit')]";
    const { findings } = run(rule, armCase([workspace(), account(), blobSetting({ workspaceId: ref })], 'x'));
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });

  it('does not link live settings by name across resource groups', () => {
    const other = `${SUB.replace('phi-rg', 'other-rg')}/Microsoft.OperationalInsights/workspaces/law-audit`;
    const { findings, engine } = run(
      rule,
      liveCase([liveWorkspace(), liveVault, liveSetting(VAULT_ID, { workspaceId: other, logs: ALL_LOGS })], 'x'),
    );
    assert.deepEqual(findings, []);
    assert.ok(engine.counts['not-applicable'] > 0);
  });

  it('treats a diagnostic setting as evidence, not a subject', () => {
    const { findings } = run(rule, liveCase([liveWorkspace(), liveVault, vaultToWorkspace()], 'x'));
    assert.ok(findings.length > 0);
    assert.deepEqual(new Set(findings.map((f) => f.resource.type)), new Set([WORKSPACE]));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/log/PHI-LOG-005.js';
import type { Json } from '../../../helpers/arm-cases.js';
import { liveCase, ruleCases, run } from '../../../helpers/rule-cases.js';
import { armCase, body, payloadBody, res } from './support.js';

const SERVER = 'Microsoft.Sql/servers';
const DATABASE = 'Microsoft.Sql/servers/databases';
const server = (children: Json[] = []) =>
  res(SERVER, 'sql-phi', { administratorLogin: 'admin' }, { ...(children.length ? { resources: children } : {}) });
const database = (name = 'sql-phi/db1', children: Json[] = []) =>
  res(DATABASE, name, { collation: 'SQL_Latin1_General_CP1_CI_AS' }, children.length ? { resources: children } : {});
const serverAudit = (properties: Json, type = 'Microsoft.Sql/servers/auditingSettings') =>
  res(type, 'sql-phi/default', properties);
const databaseAudit = (properties: Json, name = 'sql-phi/db1/default') =>
  res('Microsoft.Sql/servers/databases/auditingSettings', name, properties);

/** The auditing settings payload (state Disabled) with its server, re-homed so the ids link. */
function payloadServer(change: (properties: Json) => void = () => {}): Json[] {
  const audit = payloadBody('sql_server_auditing_settings_get_2023-08-01.json');
  const serverId = (audit.id as string).replace(/\/auditingSettings\/default$/, '');
  change(audit.properties as Json);
  return [
    { id: serverId, name: 'blobauditingtest-2080', type: SERVER, location: 'eastus', properties: { version: '12.0' } },
    audit,
  ];
}

ruleCases(rule, {
  pass: [
    armCase(
      [server(), serverAudit({ state: 'Enabled', isAzureMonitorTargetEnabled: true }), database()],
      'server auditing Enabled (server and database pass)',
    ),
    armCase(
      [server(), serverAudit({ state: 'enabled' }, 'Microsoft.Sql/servers/extendedAuditingSettings')],
      'extendedAuditingSettings enabled (case-insensitive)',
    ),
    armCase(
      [
        server([
          {
            type: 'databases',
            apiVersion: '2023-08-01',
            name: 'db1',
            properties: {},
            resources: [
              { type: 'auditingSettings', apiVersion: '2023-08-01', name: 'default', properties: { state: 'Enabled' } },
            ],
          },
        ]),
      ],
      'no server auditing, the only database audits itself (nested children, as KICS negative1)',
    ),
    liveCase(
      payloadServer((p) =>
        Object.assign(p, { state: 'Enabled', storageEndpoint: 'https://st.blob.core.windows.net/' }),
      ),
      'payload auditing settings set to Enabled',
    ),
  ],
  fail: [
    armCase([server()], 'server without auditing settings'),
    armCase([server(), database()], 'server and database without auditing'),
    armCase(
      [server(), serverAudit({ state: 'Disabled' }), database(), databaseAudit({ state: 'Disabled' })],
      'both levels Disabled',
    ),
    armCase(
      [server(), serverAudit({ isAzureMonitorTargetEnabled: true })],
      'declared settings without state (required)',
    ),
    armCase(
      [server(), database(), databaseAudit({ state: 'Enabled' }), database('sql-phi/db2')],
      'one of two databases audits itself',
    ),
    liveCase(payloadServer(), 'payload auditing settings (state Disabled)'),
  ],
  unknown: [
    armCase([server(), serverAudit({ state: "[parameters('state')]" })], 'state from a parameter without value', {
      state: { type: 'string' },
    }),
    armCase([database('sql-elsewhere/db1')], 'database whose server is not in the scan'),
  ],
  notApplicable: [
    liveCase([body(DATABASE, 'sql-phi/master', { status: 'Online' })], 'master database'),
    armCase([serverAudit({ state: 'Disabled' })], 'an auditing settings resource alone'),
  ],
});

describe('PHI-LOG-005 subjects', () => {
  it('fails the server at the Disabled state and each unaudited database on its own', () => {
    const { findings } = run(
      rule,
      armCase([server(), serverAudit({ state: 'Disabled' }), database(), database('sql-phi/db2')], 'x'),
    );
    assert.deepEqual(findings.map((f) => [f.resource.type, f.status, f.evidence.path]).sort(), [
      [SERVER, 'fail', 'properties.state'],
      [DATABASE, 'fail', 'auditingSettings'],
      [DATABASE, 'fail', 'auditingSettings'],
    ]);
  });

  it('passes a database through its server, and a database auditing itself under an unaudited server', () => {
    const viaServer = run(rule, armCase([server(), serverAudit({ state: 'Enabled' }), database()], 'x')).findings;
    assert.match(viaServer.find((f) => f.resource.type === DATABASE)?.message ?? '', /audits database/);
    const own = run(
      rule,
      armCase([server(), database(), databaseAudit({ state: 'Enabled' }), database('sql-phi/db2')], 'x'),
    ).findings;
    assert.deepEqual(own.map((f) => [f.resource.name, f.status]).sort(), [
      ['sql-phi', 'fail'],
      ['sql-phi/db1', 'pass'],
      ['sql-phi/db2', 'fail'],
    ]);
  });
});

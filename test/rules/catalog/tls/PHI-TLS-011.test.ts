import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-011.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, res } from './support.js';

const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const PG_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';

const configuration = (type: string, name: string, properties: Json | undefined, server = 'db-phi') =>
  res(`${type}/configurations`, `${server}/${name}`, properties, { apiVersion: '2025-08-01' });
const single = (type: string, properties: Json) =>
  res(type, 'db-legacy', { version: '11', administratorLogin: 'admin', ...properties }, { apiVersion: '2017-12-01' });
const secure = parameterCases(
  (expression) => [configuration(PG, 'require_secure_transport', { value: expression, source: 'user-override' })],
  'string',
  'off',
);
const enforcement = parameterCases(
  (expression) => [single(MYSQL_SINGLE, { sslEnforcement: expression })],
  'string',
  'Disabled',
);

ruleCases(rule, {
  pass: [
    resourcesCase(
      [configuration(PG, 'require_secure_transport', { value: 'on', source: 'user-override' })],
      'PostgreSQL on',
    ),
    resourcesCase([configuration(MYSQL, 'require_secure_transport', { value: 'ON' })], 'MySQL ON'),
    resourcesCase(
      [configuration(PG, 'require_secure_transport', { source: 'system-default' })],
      'no value (server default on)',
    ),
    resourcesCase([single(PG_SINGLE, { sslEnforcement: 'Enabled' })], 'single server Enabled'),
    live(body(`${MYSQL}/configurations`, 'db-phi/require_secure_transport', { value: 'ON', defaultValue: 'ON' })),
  ],
  fail: [
    resourcesCase([configuration(PG, 'require_secure_transport', { value: 'off' })], 'PostgreSQL off', {
      needle: '"value": "off"',
    }),
    resourcesCase([configuration(MYSQL, 'require_secure_transport', { value: 'OFF' })], 'MySQL OFF'),
    secure.fromDefault,
    secure.fromFile,
    resourcesCase([single(PG_SINGLE, { sslEnforcement: 'Disabled' })], 'single server Disabled', {
      needle: '"sslEnforcement": "Disabled"',
    }),
    resourcesCase([single(MYSQL_SINGLE, {})], 'single server not pinned'),
    enforcement.fromFile,
    live(body(`${PG}/configurations`, 'db-phi/require_secure_transport', { value: 'off', defaultValue: 'on' })),
    live(body(PG_SINGLE, 'db-legacy', { sslEnforcement: 'Disabled' })),
  ],
  unknown: [
    secure.missing,
    enforcement.missing,
    live(body(MYSQL_SINGLE, 'db-legacy', { version: '5.7' }), 'live single server without sslEnforcement'),
  ],
  notApplicable: [resourcesCase([configuration(MYSQL, 'audit_log_enabled', { value: 'ON' })], 'other parameter')],
});

describe('PHI-TLS-011 messages', () => {
  it('says a template leaves sslEnforcement unpinned', () => {
    const { findings } = run(rule, resourcesCase([single(PG_SINGLE, {})], 'absent'));
    assert.match(findings[0].message, /not pin/);
    assert.equal(findings[0].evidence.expected, 'Enabled');
  });
});

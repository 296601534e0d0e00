import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-010.js';
import { type Json, parameterCases, resourcesCase, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, liveMany, payloadWith, res } from './support.js';

const SQL = 'Microsoft.Sql/servers';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const PG = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL = 'Microsoft.DBforMySQL/flexibleServers';
const PG_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';

const sql = (properties: Json) =>
  res(SQL, 'sql-phi', { administratorLogin: 'admin', ...properties }, { apiVersion: '2023-08-01' });
const cosmos = (properties: Json, apiVersion = '2025-10-15') =>
  res(
    COSMOS,
    'cosmos-phi',
    { databaseAccountOfferType: 'Standard', locations: [{ locationName: 'eastus' }], ...properties },
    { apiVersion },
  );
const configuration = (
  server: string,
  type: string,
  name: string,
  properties: Json | undefined,
  apiVersion = '2025-08-01',
) => res(`${type}/configurations`, `${server}/${name}`, properties, { apiVersion });
const mysqlServer = (version: string) => res(MYSQL, 'mysql-phi', { version }, { apiVersion: '2024-12-30' });
const sqlTls = parameterCases((expression) => [sql({ minimalTlsVersion: expression })], 'string', '1.0');
const pgTls = parameterCases(
  (expression) => [
    configuration('pg-phi', PG, 'ssl_min_protocol_version', { value: expression, source: 'user-override' }),
  ],
  'string',
  'TLSv1.1',
);

ruleCases(rule, {
  pass: [
    resourcesCase([sql({ minimalTlsVersion: '1.2' })], 'SQL 1.2'),
    resourcesCase([sql({ minimalTlsVersion: 1.3 })], 'SQL 1.3 as a number'),
    resourcesCase([cosmos({ minimalTlsVersion: 'Tls12' })], 'Cosmos Tls12'),
    resourcesCase([cosmos({})], 'Cosmos absent at 2025-10-15 (default Tls12)'),
    resourcesCase(
      [configuration('pg-phi', PG, 'ssl_min_protocol_version', { value: 'TLSv1.3', source: 'user-override' })],
      'PostgreSQL TLSv1.3',
    ),
    resourcesCase(
      [configuration('pg-phi', PG, 'ssl_min_protocol_version', { source: 'system-default' })],
      'PostgreSQL configuration without value (server default TLSv1.2)',
    ),
    resourcesCase(
      [configuration('mysql-phi', MYSQL, 'tls_version', { value: 'TLSv1.2,TLSv1.3' }, '2024-12-30')],
      'MySQL TLSv1.2,TLSv1.3',
    ),
    resourcesCase(
      [mysqlServer('8.0.21'), configuration('mysql-phi', MYSQL, 'tls_version', {}, '2024-12-30')],
      'MySQL 8.0 configuration without value',
    ),
    resourcesCase(
      [
        res(
          PG_SINGLE,
          'pg-legacy',
          { minimalTlsVersion: 'TLS1_2', sslEnforcement: 'Enabled' },
          { apiVersion: '2017-12-01' },
        ),
      ],
      'single server TLS1_2',
    ),
    live(body(SQL, 'sql-phi', { minimalTlsVersion: '1.2' })),
  ],
  fail: [
    resourcesCase([sql({ minimalTlsVersion: '1.1' })], 'SQL 1.1', { needle: '"minimalTlsVersion": "1.1"' }),
    resourcesCase([sql({ minimalTlsVersion: 'None' })], 'SQL None'),
    resourcesCase([sql({})], 'SQL not pinned'),
    sqlTls.fromDefault,
    sqlTls.fromFile,
    payload('sql_server_get_2025-01-01.json'),
    resourcesCase([cosmos({}, '2021-04-15')], 'Cosmos absent at 2021-04-15 (default Tls)'),
    resourcesCase([cosmos({ minimalTlsVersion: 'Tls11' })], 'Cosmos Tls11'),
    payload('cosmosdb_account_get_2025-10-15.json'),
    pgTls.fromDefault,
    pgTls.fromFile,
    resourcesCase(
      [configuration('mysql-phi', MYSQL, 'tls_version', { value: 'TLSv1.1,TLSv1.2' }, '2024-12-30')],
      'MySQL list with TLSv1.1',
      {
        needle: '"value": "TLSv1.1,TLSv1.2"',
      },
    ),
    resourcesCase(
      [
        res(
          MYSQL_SINGLE,
          'mysql-legacy',
          { minimalTlsVersion: 'TLSEnforcementDisabled' },
          { apiVersion: '2017-12-01' },
        ),
      ],
      'single server TLSEnforcementDisabled',
    ),
    resourcesCase(
      [res(PG_SINGLE, 'pg-legacy', { sslEnforcement: 'Enabled' }, { apiVersion: '2017-12-01' })],
      'single server not pinned',
    ),
    liveMany(
      [body(`${PG}/configurations`, 'pg-phi/ssl_min_protocol_version', { value: 'TLSv1', defaultValue: 'TLSv1.2' })],
      'live PostgreSQL TLSv1',
    ),
  ],
  unknown: [
    sqlTls.missing,
    pgTls.missing,
    live(
      body(COSMOS, 'cosmos-phi', { databaseAccountOfferType: 'Standard' }),
      'live Cosmos record without minimalTlsVersion',
    ),
    resourcesCase(
      [mysqlServer('5.7'), configuration('mysql-phi', MYSQL, 'tls_version', {}, '2024-12-30')],
      'MySQL 5.7 configuration without value',
    ),
    templateCase(
      template(
        [
          res(
            `${PG}/configurations`,
            "[concat('pg-phi/', parameters('name'))]",
            { value: 'on' },
            { apiVersion: '2025-08-01' },
          ),
        ],
        {
          name: { type: 'string' },
        },
      ),
      'configuration name from a parameter without value',
    ),
    resourcesCase([cosmos({}, "[parameters('v')]")], 'Cosmos absent under an unresolved apiVersion'),
  ],
  notApplicable: [
    resourcesCase([configuration('pg-phi', PG, 'log_connections', { value: 'on' })], 'other PostgreSQL parameter'),
    resourcesCase(
      [configuration('mysql-phi', MYSQL, 'require_secure_transport', { value: 'OFF' }, '2024-12-30')],
      'TLS enforcement is PHI-TLS-011',
    ),
  ],
});

describe('PHI-TLS-010 messages', () => {
  it('names the lowest version a MySQL list allows', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [configuration('mysql-phi', MYSQL, 'tls_version', { value: 'TLSv1,TLSv1.2' }, '2024-12-30')],
        'list',
      ),
    );
    assert.match(findings[0].message, /TLS 1\.0/);
  });

  it('the Cosmos payload names its value', () => {
    const { findings } = run(
      rule,
      payloadWith('cosmosdb_account_get_2025-10-15.json', () => {}),
    );
    assert.equal(findings[0].evidence.actual, 'Tls');
  });
});

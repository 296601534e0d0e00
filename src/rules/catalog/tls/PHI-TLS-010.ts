import type { Outcome, Resource, Value } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type PathRead, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import {
  FLEXIBLE_DOCS,
  isConfiguration,
  MYSQL_FLEXIBLE_CONFIGURATION,
  MYSQL_SINGLE,
  PG_FLEXIBLE_CONFIGURATION,
  PG_SINGLE,
  parameterName,
  readParameter,
  serverName,
} from './db.js';
import { describeValue, isType, notPinned, tlsVersion } from './shared.js';

const SQL = 'Microsoft.Sql/servers';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';

/** Each comma-separated version of a MySQL tls_version list; undefined when one is not a TLS version. */
function versionsOf(value: Value | undefined): number[] | undefined {
  if (typeof value !== 'string') return undefined;
  const versions = value.split(',').map((part) => tlsVersion(part.trim()));
  return versions.every((v): v is number => v !== undefined) && versions.length > 0 ? versions : undefined;
}

function judge(resource: Resource, read: PathRead, what: string, expected: string, list = false): Outcome {
  if (read.state === 'unknown') return unknown(read);
  if (read.value === undefined) {
    if (isConfiguration(resource)) {
      return unknown(
        { path: read.path, expression: 'server default', at: read.at },
        `${what}: the value is absent and the server default is not documented (${read.state === 'default' ? read.because : 'absent'})`,
      );
    }
    return notPinned(resource, read, { expected, message: `${what} does not pin a minimum TLS version` });
  }
  const versions = list ? versionsOf(read.value) : [tlsVersion(read.value)].filter((v) => v !== undefined);
  if (versions && versions.length > 0 && versions.every((v) => v >= 1.2)) return pass(read.path, read.value);
  const lowest = versions && versions.length > 0 ? Math.min(...versions) : undefined;
  return fail(read, {
    expected,
    message:
      lowest === undefined
        ? `${what} accepts connections without a TLS minimum (${describeValue(read.value)})`
        : `${what} accepts TLS ${lowest.toFixed(1)} (${describeValue(read.value)})`,
  });
}

export default defineRule({
  id: 'PHI-TLS-010',
  title: 'Database minimum TLS version below 1.2',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [SQL, COSMOS, PG_FLEXIBLE_CONFIGURATION, MYSQL_FLEXIBLE_CONFIGURATION, PG_SINGLE, MYSQL_SINGLE],
  policies: [
    {
      id: '32e6bbec-16b6-44c2-be37-c5b672d103cf',
      name: 'Azure SQL Database should be running TLS version 1.2 or newer',
      relation: 'equivalent (SQL)',
    },
    {
      id: 'a43d5475-c569-45ce-a268-28fa79f4e87a',
      name: 'PostgreSQL flexible servers should be running TLS version 1.2 or newer',
      relation: 'equivalent (PostgreSQL flexible)',
    },
  ],
  remediation: {
    az: 'az sql server update -g "$RG" -n "$SERVER" --minimal-tls-version 1.2\naz postgres flexible-server parameter set -g "$RG" -s "$SERVER" -n ssl_min_protocol_version --value TLSv1.2\naz mysql flexible-server parameter set -g "$RG" -s "$SERVER" -n tls_version --value TLSv1.2\naz resource update --ids "$COSMOS_ID" --set properties.minimalTlsVersion=Tls12',
    arm: '{"properties": {"minimalTlsVersion": "1.2"}}\n{"properties": {"value": "TLSv1.2", "source": "user-override"}}',
    bicep:
      "resource sql 'Microsoft.Sql/servers@2023-08-01' = {\n  // ...\n  properties: {\n    minimalTlsVersion: '1.2'\n  }\n}\nresource pgTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {\n  parent: pg\n  name: 'ssl_min_protocol_version'\n  properties: { value: 'TLSv1.2', source: 'user-override' }\n}",
    terraform:
      'minimum_tls_version = "1.2"     # azurerm_mssql_server ; minimal_tls_version = "Tls12" on azurerm_cosmosdb_account',
    note: 'MySQL tls_version is a static parameter (server restart required).',
  },
  docs: {
    evaluation:
      'Azure SQL logical server: properties.minimalTlsVersion (None | 1.0 | 1.1 | 1.2 | 1.3). Cosmos DB: properties.minimalTlsVersion (Tls | Tls11 | Tls12). PostgreSQL flexible: the configurations child ssl_min_protocol_version (TLSv1 .. TLSv1.3). MySQL flexible: the configurations child tls_version, a comma-separated list that must name only TLSv1.2 and/or TLSv1.3. Legacy single servers: properties.minimalTlsVersion (TLS1_0 | TLS1_1 | TLS1_2 | TLSEnforcementDisabled). 1.2 and above pass; lower versions, None and TLSEnforcementDisabled fail. Other configuration parameters are not applicable.',
    absent:
      'SQL: not pinned in a template -> fail; a live record without the value -> None -> fail. Cosmos DB templates: by apiVersion, before 2024-08-15 "Tls" (fail), from 2024-08-15 "Tls12" (pass) (exact switch version UNVERIFIED); a live record without it -> needs review. A configuration resource without a value -> the server default (PostgreSQL TLSv1.2, MySQL 8.0 TLSv1.2 -> pass; MySQL 5.7 UNVERIFIED -> needs review). Legacy single servers: not pinned -> fail (live: needs review).',
    unresolvable: 'An unresolved value or configuration name -> needs review.',
    crossResource:
      'Deviation: a flexible server with no configuration child in the scan is not evaluated (the rule types are the configuration resources, as rules.yaml lists them), so the server default (and the MySQL 5.7 "needs review") is only applied to configuration resources without a value. TLS enforcement itself (require_secure_transport, sslEnforcement) is PHI-TLS-011.',
    references: [
      'controls.md B2 (SQL TLS row), B3 (Cosmos TLS row), B4 (flexible server configurations)',
      'Azure Policy 32e6bbec-16b6-44c2-be37-c5b672d103cf (SQL), a43d5475-c569-45ce-a268-28fa79f4e87a (PostgreSQL flexible, AuditIfNotExists)',
      FLEXIBLE_DOCS,
      'payloads: sql_server_get_2025-01-01.json (no minimalTlsVersion: fail), cosmosdb_account_get_2025-10-15.json (minimalTlsVersion Tls: fail)',
    ],
  },
  fix(resource, { path }) {
    if (isConfiguration(resource)) {
      const mysql = isType(resource, MYSQL_FLEXIBLE_CONFIGURATION);
      return [
        set(
          'properties.value',
          'TLSv1.2',
          mysql ? 'tls_version is a static parameter: the server restarts' : 'clients limited to TLS 1.0/1.1 fail',
        ),
        set('properties.source', 'user-override'),
      ];
    }
    const value = isType(resource, SQL) ? '1.2' : isType(resource, COSMOS) ? 'Tls12' : 'TLS1_2';
    return [set(path, value, 'clients limited to TLS 1.0/1.1 can no longer connect')];
  },
  check(resource, context) {
    if (isConfiguration(resource)) {
      const name = parameterName(resource);
      if (name === undefined) {
        return unknown(
          { path: 'name', expression: resource.name, at: resource.at },
          `the configuration name ${resource.name} cannot be resolved; it may set the minimum TLS version`,
        );
      }
      const mysql = isType(resource, MYSQL_FLEXIBLE_CONFIGURATION);
      if (name !== (mysql ? 'tls_version' : 'ssl_min_protocol_version')) {
        return notApplicable(`server parameter ${name} does not set the TLS version`);
      }
      return judge(
        resource,
        readParameter(resource, context),
        `Server '${serverName(resource)}' (${name})`,
        mysql ? 'TLSv1.2 (or TLSv1.2,TLSv1.3)' : 'TLSv1.2',
        mysql,
      );
    }
    const read = context.read(resource, 'properties.minimalTlsVersion');
    if (isType(resource, SQL)) return judge(resource, read, `SQL server '${resource.name}'`, '1.2');
    if (isType(resource, COSMOS)) return judge(resource, read, `Cosmos DB account '${resource.name}'`, 'Tls12');
    return judge(resource, read, `Server '${resource.name}'`, 'TLS1_2');
  },
});

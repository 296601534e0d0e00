import { sameText } from '../../../core/path.js';
import { defineRule, fail, notApplicable, pass, unknown } from '../../define.js';
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
import { describeValue, isType, notPinned } from './shared.js';

export default defineRule({
  id: 'PHI-TLS-011',
  title: 'PostgreSQL or MySQL server does not enforce TLS connections',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [PG_FLEXIBLE_CONFIGURATION, MYSQL_FLEXIBLE_CONFIGURATION, PG_SINGLE, MYSQL_SINGLE],
  policies: [
    {
      id: 'c29c38cb-74a7-4505-9a06-e588ab86620a',
      name: 'Enforce SSL connection should be enabled for PostgreSQL flexible servers',
      relation: 'equivalent (PostgreSQL flexible)',
    },
    {
      id: 'd158790f-bfb0-486c-8631-2dc6b4e8e6af',
      name: 'Enforce SSL connection should be enabled for PostgreSQL database servers',
      relation: 'equivalent (legacy)',
    },
    {
      id: 'e802a67a-daf5-4436-9ea6-f6d821dd0c5d',
      name: 'Enforce SSL connection should be enabled for MySQL database servers',
      relation: 'equivalent (legacy)',
    },
  ],
  remediation: {
    az: 'az postgres flexible-server parameter set -g "$RG" -s "$SERVER" -n require_secure_transport --value on\naz mysql flexible-server parameter set -g "$RG" -s "$SERVER" -n require_secure_transport --value ON',
    arm: '{"properties": {"value": "on", "source": "user-override"}}',
    bicep:
      "resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {\n  parent: server\n  name: 'require_secure_transport'\n  properties: {\n    value: 'on'\n    source: 'user-override'\n  }\n}",
    terraform:
      'resource "azurerm_postgresql_flexible_server_configuration" "tls" { name = "require_secure_transport" server_id = azurerm_postgresql_flexible_server.phi.id value = "on" }',
    note: 'Dynamic parameter (no restart); clients connecting without TLS are rejected.',
  },
  docs: {
    evaluation:
      'Flexible servers: the configurations child require_secure_transport; properties.value on/ON passes, off/OFF fails (case-insensitive), anything else fails. Legacy single servers: properties.sslEnforcement Enabled passes, Disabled fails. Other configuration parameters are not applicable.',
    absent:
      'A require_secure_transport configuration without a value -> the server default ON -> pass. Legacy single servers with sslEnforcement absent -> not pinned -> fail (a live record without it -> needs review).',
    unresolvable: 'An unresolved value, sslEnforcement or configuration name -> needs review.',
    crossResource:
      'The configuration child is matched to its server by its resource id (parent name / server_id). Deviation: a flexible server with no require_secure_transport child in the scan is not reported (the server default is on and the rule types are the configuration resources, as rules.yaml lists them).',
    references: [
      'controls.md B4 (TLS row: require_secure_transport on/ON)',
      'Azure Policy c29c38cb-74a7-4505-9a06-e588ab86620a (PostgreSQL flexible, AuditIfNotExists), d158790f-bfb0-486c-8631-2dc6b4e8e6af and e802a67a-daf5-4436-9ea6-f6d821dd0c5d (single servers, HITRUST/HIPAA initiative)',
      FLEXIBLE_DOCS,
      'KICS arm/mysql_server_ssl_enforcement_disabled, arm/postgresql_server_ssl_disabled (absent and Disabled fail)',
    ],
  },
  fix(resource) {
    const note = 'clients connecting without TLS are refused (dynamic parameter, no restart)';
    if (isConfiguration(resource)) {
      const value = isType(resource, MYSQL_FLEXIBLE_CONFIGURATION) ? 'ON' : 'on';
      return [set('properties.value', value, note), set('properties.source', 'user-override')];
    }
    return [set('properties.sslEnforcement', 'Enabled', note)];
  },
  check(resource, context) {
    if (isConfiguration(resource)) {
      const name = parameterName(resource);
      if (name === undefined) {
        return unknown(
          { path: 'name', expression: resource.name, at: resource.at },
          `the configuration name ${resource.name} cannot be resolved; it may set require_secure_transport`,
        );
      }
      if (name !== 'require_secure_transport') {
        return notApplicable(`server parameter ${name} does not control TLS enforcement`);
      }
      const value = readParameter(resource, context);
      if (value.state === 'unknown') return unknown(value);
      if (sameText(value.value, 'on')) return pass(value.path, value.value);
      return fail(value, {
        expected: 'on',
        message: `Server '${serverName(resource)}' accepts unencrypted connections (require_secure_transport ${describeValue(value.value)})`,
      });
    }
    const enforcement = context.read(resource, 'properties.sslEnforcement');
    if (enforcement.state === 'unknown') return unknown(enforcement);
    if (enforcement.value === undefined) {
      return notPinned(resource, enforcement, {
        expected: 'Enabled',
        message: `Server '${resource.name}' does not pin sslEnforcement, so unencrypted connections may be accepted`,
      });
    }
    if (sameText(enforcement.value, 'Enabled')) return pass(enforcement.path, enforcement.value);
    return fail(enforcement, {
      expected: 'Enabled',
      message: `Server '${resource.name}' accepts unencrypted connections (sslEnforcement ${describeValue(enforcement.value)})`,
    });
  },
});

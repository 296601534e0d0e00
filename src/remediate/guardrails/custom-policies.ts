// Custom Azure Policy definitions for the phiguard rules no built-in covers (controls.md: "No built-in policy for the
// customProperties TLS keys", "no built-in audits LA retention", "No built-in evaluates arbitrary inbound DB ports").
// Rule bodies use only documented aliases; each definition's expressions read its own parameters.
import type { Config } from '../../core/config.js';
import { APIM_LEGACY_PROTOCOL_KEYS } from '../../rules/defaults/tls.js';
import type { JsonObject } from './emit.js';

export interface CustomPolicy {
  /** The definition's resource name (also its Terraform/Bicep symbol stem). */
  name: string;
  rules: string[];
  /** Effects its `effect` parameter allows. */
  effects: string[];
  properties: {
    displayName: string;
    description: string;
    mode: 'All' | 'Indexed';
    metadata: JsonObject;
    parameters: JsonObject;
    policyRule: JsonObject;
  };
  /** Values the initiative passes for the definition's non-effect parameters (initiative parameter names). */
  inputs: Record<string, string>;
}

const EFFECTS = ['Audit', 'Deny', 'Disabled'];

function effectParameter(): JsonObject {
  return {
    type: 'String',
    allowedValues: EFFECTS,
    defaultValue: 'Audit',
    metadata: { displayName: 'Effect', description: 'Audit reports non-compliance; Deny blocks the create/update.' },
  };
}

const metadata = (category: string, rule: string): JsonObject => ({
  version: '1.0.0',
  category,
  source: 'phiguard',
  phiguardRules: [rule],
});

/** Client- and backend-side legacy protocol switches (swagger text of customProperties, controls.md D1). */
export const APIM_LEGACY_KEYS = APIM_LEGACY_PROTOCOL_KEYS.filter((key) => key.includes('.Protocols.'));

const APIM_PROPERTIES = 'Microsoft.ApiManagement/service/customProperties';

function apimLegacyTls(): CustomPolicy {
  // The keys contain dots, which an alias path cannot address, so the map is searched as lower-cased JSON text;
  // values are the strings "True"/"true" (or a JSON boolean from some clients).
  const enabled = APIM_LEGACY_KEYS.flatMap((key) =>
    [`"${key.toLowerCase()}":"true"`, `"${key.toLowerCase()}":true`].map((literal) => ({
      value: `[indexof(toLower(string(field('${APIM_PROPERTIES}'))), '${literal.replaceAll("'", "''")}')]`,
      greater: -1,
    })),
  );
  return {
    name: 'phiguard-apim-legacy-tls',
    rules: ['PHI-TLS-001'],
    effects: EFFECTS,
    properties: {
      displayName: 'API Management gateways should not accept TLS 1.0/1.1 or SSL 3.0',
      description:
        'Flags API Management services whose customProperties enable TLS 1.0, TLS 1.1 or SSL 3.0 on the client or backend side (HIPAA 164.312(e)(1)). Services created before 2018-04-01 default to enabled when a key is absent; phiguard scan reports those from live state.',
      mode: 'Indexed',
      metadata: metadata('API Management', 'PHI-TLS-001'),
      parameters: { effect: effectParameter() },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: 'Microsoft.ApiManagement/service' },
            { field: APIM_PROPERTIES, exists: 'true' },
            { anyOf: enabled },
          ],
        },
        // biome-ignore lint/suspicious/noThenProperty: `then` is Azure Policy rule syntax (if/then).
        then: { effect: "[parameters('effect')]" },
      },
    },
    inputs: {},
  };
}

/** The audit tables PHI-LOG-001 checks (its docs: storage services, activity log, AzureDiagnostics, KV, SQL). */
export const AUDIT_TABLES = [
  'StorageBlobLogs',
  'StorageFileLogs',
  'StorageQueueLogs',
  'StorageTableLogs',
  'AzureActivity',
  'AzureDiagnostics',
  'AZKVAuditLogs',
  'SQLSecurityAuditEvents',
];

function logAnalyticsRetention(config: Config): CustomPolicy {
  return {
    name: 'phiguard-log-analytics-audit-retention',
    rules: ['PHI-LOG-001'],
    effects: EFFECTS,
    properties: {
      displayName: 'Log Analytics audit tables should keep data for the PHI audit-log retention period',
      description:
        'Flags audit tables of Log Analytics workspaces whose total retention (interactive + long-term) is below the configured minimum (HIPAA 164.312(b); 6 years = 2191 days, as Log Analytics accepts it). Workspace retentionInDays stops at 730 days, so the period is set per table with totalRetentionInDays.',
      mode: 'All',
      metadata: metadata('Monitoring', 'PHI-LOG-001'),
      parameters: {
        effect: effectParameter(),
        minTotalRetentionInDays: {
          type: 'Integer',
          defaultValue: config.retention.auditLogs.minDays,
          metadata: {
            displayName: 'Minimum total retention (days)',
            description:
              'retention.audit_logs.min_days of .phiguard.yaml; accepted table values are 4-730 or whole years (1095, 1460, 1826, 2191, ... 4383).',
          },
        },
        auditTables: {
          type: 'Array',
          defaultValue: AUDIT_TABLES,
          metadata: { displayName: 'Audit tables', description: 'Tables that hold PHI audit logs.' },
        },
      },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: 'Microsoft.OperationalInsights/workspaces/tables' },
            { field: 'name', in: "[parameters('auditTables')]" },
            {
              field: 'Microsoft.OperationalInsights/workspaces/tables/totalRetentionInDays',
              less: "[parameters('minTotalRetentionInDays')]",
            },
          ],
        },
        // biome-ignore lint/suspicious/noThenProperty: `then` is Azure Policy rule syntax (if/then).
        then: { effect: "[parameters('effect')]" },
      },
    },
    inputs: { minTotalRetentionInDays: 'minTotalRetentionInDays', auditTables: 'auditTables' },
  };
}

const RULE = 'Microsoft.Network/networkSecurityGroups/securityRules';
const INLINE = 'Microsoft.Network/networkSecurityGroups/securityRules[*]';

/** `[if(range contains current port, true, false)]` for a port-range field such as "1000-2000". */
function rangeContains(range: string, port: string): string {
  return `[if(and(not(empty(${range})), contains(${range}, '-')), and(lessOrEquals(int(first(split(${range}, '-'))), int(${port})), greaterOrEquals(int(last(split(${range}, '-'))), int(${port}))), false)]`;
}

function nsgDatabasePorts(): CustomPolicy {
  const portRange = `field('${RULE}/destinationPortRange')`;
  const standalone: JsonObject = {
    allOf: [
      { field: 'type', equals: RULE },
      { field: `${RULE}/direction`, equals: 'Inbound' },
      { field: `${RULE}/access`, equals: 'Allow' },
      {
        anyOf: [
          { field: `${RULE}/sourceAddressPrefix`, in: "[parameters('internetSources')]" },
          {
            count: {
              field: `${RULE}/sourceAddressPrefixes[*]`,
              where: { field: `${RULE}/sourceAddressPrefixes[*]`, in: "[parameters('internetSources')]" },
            },
            greater: 0,
          },
        ],
      },
      {
        anyOf: [
          { field: `${RULE}/destinationPortRange`, equals: '*' },
          { field: `${RULE}/destinationPortRange`, in: "[parameters('databasePorts')]" },
          {
            count: {
              value: "[parameters('databasePorts')]",
              where: { value: rangeContains(portRange, 'current()'), equals: true },
            },
            greater: 0,
          },
          {
            count: {
              field: `${RULE}/destinationPortRanges[*]`,
              where: {
                anyOf: [
                  { field: `${RULE}/destinationPortRanges[*]`, equals: '*' },
                  { field: `${RULE}/destinationPortRanges[*]`, in: "[parameters('databasePorts')]" },
                ],
              },
            },
            greater: 0,
          },
        ],
      },
    ],
  };
  const inline: JsonObject = {
    allOf: [
      { field: 'type', equals: 'Microsoft.Network/networkSecurityGroups' },
      {
        count: {
          field: INLINE,
          where: {
            allOf: [
              { field: `${INLINE}.direction`, equals: 'Inbound' },
              { field: `${INLINE}.access`, equals: 'Allow' },
              {
                anyOf: [
                  { field: `${INLINE}.sourceAddressPrefix`, in: "[parameters('internetSources')]" },
                  {
                    count: {
                      field: `${INLINE}.sourceAddressPrefixes[*]`,
                      where: { field: `${INLINE}.sourceAddressPrefixes[*]`, in: "[parameters('internetSources')]" },
                    },
                    greater: 0,
                  },
                ],
              },
              {
                anyOf: [
                  { field: `${INLINE}.destinationPortRange`, equals: '*' },
                  { field: `${INLINE}.destinationPortRange`, in: "[parameters('databasePorts')]" },
                  {
                    count: {
                      field: `${INLINE}.destinationPortRanges[*]`,
                      where: {
                        anyOf: [
                          { field: `${INLINE}.destinationPortRanges[*]`, equals: '*' },
                          { field: `${INLINE}.destinationPortRanges[*]`, in: "[parameters('databasePorts')]" },
                        ],
                      },
                    },
                    greater: 0,
                  },
                ],
              },
            ],
          },
        },
        greater: 0,
      },
    ],
  };
  return {
    name: 'phiguard-nsg-internet-database-ports',
    rules: ['PHI-NET-001'],
    effects: EFFECTS,
    properties: {
      displayName: 'Network security groups should not allow database ports from the internet',
      description:
        'Flags inbound Allow rules from an internet source to a database port (network.db_ports of .phiguard.yaml: SQL, MySQL, PostgreSQL, Cosmos DB, Redis, Oracle, Elastic...), HIPAA 164.312(a)(1) and 164.312(e)(1). Port ranges (e.g. "1000-2000") are matched on standalone securityRules resources; inside an NSG body only single ports and "*" are matched, and phiguard scan covers the rest.',
      mode: 'All',
      metadata: metadata('Network', 'PHI-NET-001'),
      parameters: {
        effect: effectParameter(),
        databasePorts: {
          type: 'Array',
          metadata: {
            displayName: 'Database ports',
            description: 'Single ports as strings; ranges of network.db_ports contribute both ends.',
          },
        },
        internetSources: {
          type: 'Array',
          metadata: {
            displayName: 'Internet sources',
            description: 'Source prefixes that mean "the internet" (network.internet_sources).',
          },
        },
      },
      // biome-ignore lint/suspicious/noThenProperty: `then` is Azure Policy rule syntax (if/then).
      policyRule: { if: { anyOf: [standalone, inline] }, then: { effect: "[parameters('effect')]" } },
    },
    inputs: { databasePorts: 'databasePorts', internetSources: 'internetSources' },
  };
}

function sqlFirewallAllInternet(): CustomPolicy {
  const FIREWALL = 'Microsoft.Sql/servers/firewallRules';
  return {
    name: 'phiguard-sql-firewall-entire-internet',
    rules: ['PHI-NET-004'],
    effects: EFFECTS,
    properties: {
      displayName: 'Azure SQL firewall rules should not open the server to the entire internet',
      description:
        'Flags Azure SQL server firewall rules from 0.0.0.0 to 255.255.255.255 (HIPAA 164.312(a)(1), 164.312(e)(1)). Narrower but still very wide ranges (network.wide_range_min_addresses) are reported by phiguard scan.',
      mode: 'All',
      metadata: metadata('SQL', 'PHI-NET-004'),
      parameters: { effect: effectParameter() },
      policyRule: {
        if: {
          allOf: [
            { field: 'type', equals: FIREWALL },
            { field: `${FIREWALL}/startIpAddress`, equals: '0.0.0.0' },
            { field: `${FIREWALL}/endIpAddress`, equals: '255.255.255.255' },
          ],
        },
        // biome-ignore lint/suspicious/noThenProperty: `then` is Azure Policy rule syntax (if/then).
        then: { effect: "[parameters('effect')]" },
      },
    },
    inputs: {},
  };
}

export function customPolicies(config: Config): CustomPolicy[] {
  return [apimLegacyTls(), logAnalyticsRetention(config), nsgDatabasePorts(), sqlFirewallAllInternet()];
}

/**
 * network.db_ports as the policy can compare them: protocol suffixes dropped ("1434/udp"), ranges contribute both
 * ends (int() must succeed on every entry), duplicates removed.
 */
export function databasePorts(config: Config): string[] {
  const ports = new Set<string>();
  for (const entry of config.network.dbPorts) {
    const port = entry.split('/')[0].trim();
    for (const end of port.split('-')) if (/^\d+$/.test(end)) ports.add(String(Number(end)));
  }
  return [...ports];
}

import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { deleteResource } from '../fixes.js';
import { isType, publicAccessOff, SQL_IPV6_FIREWALL_RULE, vnetInjected } from './db.js';
import { IPV4_MAX, IPV6_MAX, parseIPv4, parseIPv6 } from './ip.js';
import { MYSQL_FLEXIBLE_SWAGGER, PG_FLEXIBLE_SWAGGER, SQL_SWAGGER } from './refs.js';
import { absentBlocker, blockerMessage } from './tri.js';

type Address = { read: PathRead; text: string; value: bigint } | { outcome: Outcome };

function address(rule: Resource, field: string, ipv6: boolean, context: RuleContext): Address {
  const read = context.read(rule, `properties.${field}`);
  if (read.state === 'unknown') return { outcome: unknown(read) };
  if (typeof read.value !== 'string' || read.value.trim() === '') {
    const blocker = absentBlocker(read);
    return { outcome: unknown(blocker, blockerMessage(blocker)) };
  }
  const parsed = ipv6 ? parseIPv6(read.value) : parseIPv4(read.value);
  if (parsed === undefined) {
    const blocker = { path: read.path, expression: read.value, at: read.at };
    return { outcome: unknown(blocker, `${read.path} '${read.value}' is not an IPv${ipv6 ? 6 : 4} address`) };
  }
  return { read, text: read.value, value: BigInt(parsed) };
}

export default defineRule({
  id: 'PHI-NET-004',
  title: 'Database firewall rule opens the server to the entire internet',
  severity: 'critical',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [
    'Microsoft.Sql/servers/firewallRules',
    'Microsoft.Sql/servers/ipv6FirewallRules',
    'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
    'Microsoft.DBforMySQL/flexibleServers/firewallRules',
    'Microsoft.DBforPostgreSQL/servers/firewallRules',
    'Microsoft.DBforMySQL/servers/firewallRules',
  ],
  policies: [],
  remediation: {
    az: 'az sql server firewall-rule delete -g "$RG" -s "$SERVER" -n "$RULE"\naz postgres flexible-server firewall-rule delete -g "$RG" -n "$SERVER" --rule-name "$RULE" --yes\naz mysql flexible-server firewall-rule delete -g "$RG" -n "$SERVER" --rule-name "$RULE" --yes',
    arm: '{"properties": {"startIpAddress": "<client IP>", "endIpAddress": "<client IP>"}}',
    bicep:
      "resource rule 'Microsoft.Sql/servers/firewallRules@2023-08-01' = {\n  parent: sqlServer\n  name: 'office'\n  properties: {\n    startIpAddress: '203.0.113.10'   // named client addresses only\n    endIpAddress: '203.0.113.20'\n  }\n}\n// or delete the rule and connect through a private endpoint",
    terraform:
      '# delete the azurerm_*_firewall_rule resource or set start_ip_address/end_ip_address to the client range',
    note: 'Deleting the rule cuts all internet clients immediately; add named client IPs or a private endpoint first if the application depends on it. Rotate database credentials and review audit logs for foreign client IPs (breach assessment).',
  },
  docs: {
    evaluation:
      'Subject: each firewall rule (SQL logical server, PostgreSQL/MySQL flexible and single servers) with properties.startIpAddress / endIpAddress, and Azure SQL ipv6FirewallRules with startIPv6Address / endIPv6Address. Fails when the rule spans 0.0.0.0-255.255.255.255 or its inclusive size reaches network.wideRangeMinAddresses (default 16,777,216 = a /8), or for IPv6 when it spans ::/0. A CIDR-suffixed value such as "0.0.0.0/0" is parsed as its address part. start = end = 0.0.0.0 is the "allow Azure services" rule (PHI-NET-005, not this rule); start > end is an empty range -> pass.',
    absent: 'startIpAddress and endIpAddress are required by the API: an absent one -> unknown.',
    unresolvable:
      'An unresolved address -> unknown, unless the known address already bounds the range below the threshold (e.g. end 10.0.0.5 with an unresolved start).',
    crossResource:
      'The parent server (inventory parent) is checked: publicNetworkAccess Disabled makes the rule inert, so it still fails, labelled "latent" (it re-applies the moment public access is enabled). Rules on a VNet-injected flexible server (network.delegatedSubnetResourceId set) are not applicable. Azure SQL applies IP firewall rules only while public network access is enabled (controls.md B2).',
    references: [
      `${SQL_SWAGGER} FirewallRules.json ("Use value '0.0.0.0' for all Azure-internal IP addresses") and IPv6FirewallRules.json`,
      `${PG_FLEXIBLE_SWAGGER} FirewallRules; ${MYSQL_FLEXIBLE_SWAGGER} FirewallRules`,
      'controls.md B2 (Firewall: internet 0.0.0.0-255.255.255.255 "or any very wide public range"), B4',
      'Checkmarx/kics arm/sql_database_server_firewall_allows_all_ips (corpus/kics)',
      'payloads/sql_firewall_rules_list_2023-08-01.json (single addresses and 0.0.0.0-0.0.0.0: no NET-004 finding)',
    ],
  },
  fix: () => [
    deleteResource(
      'every internet client of this rule loses access at once: add named client IPs or a private endpoint (PHI-NET-008) first, then rotate the database credentials and review the audit logs for foreign client IPs',
    ),
  ],
  check(rule, context) {
    const ipv6 = isType(rule, SQL_IPV6_FIREWALL_RULE);
    const server = context.inventory.related(rule, 'parent')[0];
    if (server && vnetInjected(server, context)) {
      return notApplicable('the server is VNet-injected: it has no public endpoint, so IP firewall rules do not apply');
    }
    const start = address(rule, ipv6 ? 'startIPv6Address' : 'startIpAddress', ipv6, context);
    const end = address(rule, ipv6 ? 'endIPv6Address' : 'endIpAddress', ipv6, context);
    const max = ipv6 ? IPV6_MAX : BigInt(IPV4_MAX);
    const wide = ipv6 ? max + 1n : BigInt(context.config.network.wideRangeMinAddresses);
    if ('outcome' in start || 'outcome' in end) {
      // The known end bounds the range: [0, end] or [start, max] may already be too small to matter.
      if ('read' in end && end.value + 1n < wide) return pass(end.read.path, end.text);
      if ('read' in start && max - start.value + 1n < wide) return pass(start.read.path, start.text);
      return [start, end].flatMap((a) => ('outcome' in a ? [a.outcome] : []));
    }
    if (!ipv6 && start.value === 0n && end.value === 0n) {
      return pass(start.read.path, start.text);
    }
    if (start.value > end.value) return pass(start.read.path, start.text);
    const size = end.value - start.value + 1n;
    const everything = start.value === 0n && end.value === max;
    if (!everything && size < wide) return pass(start.read.path, start.text);
    const latent = server !== undefined && publicAccessOff(server, context);
    const range = `${start.text} - ${end.text}`;
    return fail(start.read, {
      expected: ipv6
        ? 'a range narrower than ::/0'
        : `a range of fewer than ${context.config.network.wideRangeMinAddresses} addresses (named client IPs)`,
      message: `Firewall rule '${rule.name.split('/').pop()}' admits ${everything ? 'every address' : `${size} addresses`} (${range})${
        latent
          ? "; the server's public network access is Disabled, so the rule is inert until it is re-enabled (latent)"
          : ''
      }`,
      labels: latent ? ['latent'] : undefined,
    });
  },
});

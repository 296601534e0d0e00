import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { deleteResource, remove, set } from '../fixes.js';
import { COSMOS, isType, publicAccessOff } from './db.js';
import { parseIPv4 } from './ip.js';
import { COSMOS_SWAGGER, SQL_SWAGGER } from './refs.js';
import { absentBlocker, blockerMessage } from './tri.js';

const LATENT = '; public network access is Disabled, so it is inert until access is re-enabled (latent)';

/** start = end = 0.0.0.0: the portal's "Allow Azure services and resources to access this server". */
function checkFirewallRule(rule: Resource, context: RuleContext): Outcome | Outcome[] {
  const reads = ['startIpAddress', 'endIpAddress'].map((field) => context.read(rule, `properties.${field}`));
  const unresolved: Outcome[] = [];
  for (const read of reads) {
    if (read.state === 'unknown') unresolved.push(unknown(read));
    else if (typeof read.value !== 'string' || read.value.trim() === '') {
      const blocker = absentBlocker(read);
      unresolved.push(unknown(blocker, blockerMessage(blocker)));
    } else if (parseIPv4(read.value) !== 0) {
      // One known non-zero address decides: this is not the all-Azure rule.
      return pass(read.path, read.value);
    }
  }
  if (unresolved.length > 0) return unresolved;
  const server = context.inventory.related(rule, 'parent')[0];
  const latent = server !== undefined && publicAccessOff(server, context);
  return fail(reads[0], {
    expected: 'no 0.0.0.0 - 0.0.0.0 rule (explicit client addresses, VNet rules or a private endpoint instead)',
    message: `Firewall rule '${rule.name.split('/').pop()}' (0.0.0.0 - 0.0.0.0) accepts connections from every Azure service and datacenter, including other customers' resources${latent ? LATENT : ''}`,
    labels: latent ? ['latent'] : undefined,
  });
}

/** Cosmos DB: an IP rule (or legacy ipRangeFilter entry) "0.0.0.0" = "Accept connections from within public Azure datacenters". */
function checkCosmos(account: Resource, context: RuleContext): Outcome[] {
  const outcomes: Outcome[] = [];
  const latent = publicAccessOff(account, context);
  const flag = (read: PathRead): void => {
    outcomes.push(
      fail(read, {
        expected: 'no "0.0.0.0" entry (explicit client addresses instead)',
        message: `${read.path} contains "0.0.0.0": the account accepts connections from every public Azure datacenter${latent ? LATENT : ''}`,
        labels: latent ? ['latent'] : undefined,
      }),
    );
  };
  const rules = context.read(account, 'properties.ipRules');
  if (rules.state === 'unknown') outcomes.push(unknown(rules));
  else if (Array.isArray(rules.value)) {
    for (let i = 0; i < rules.value.length; i++) {
      const entry = context.read(account, `properties.ipRules.${i}.ipAddressOrRange`);
      if (entry.state === 'unknown') outcomes.push(unknown(entry));
      else if (typeof entry.value === 'string' && entry.value.trim() === '0.0.0.0') flag(entry);
    }
  }
  const filter = context.read(account, 'properties.ipRangeFilter');
  if (filter.state === 'unknown') outcomes.push(unknown(filter));
  else if (typeof filter.value === 'string' && filter.value.split(',').some((item) => item.trim() === '0.0.0.0')) {
    flag(filter);
  }
  return outcomes.length > 0 ? outcomes : [pass('properties.ipRules')];
}

export default defineRule({
  id: 'PHI-NET-005',
  title: 'Database firewall accepts connections from all Azure services and datacenters',
  severity: 'high',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
  ],
  phiScoped: false,
  types: [
    'Microsoft.Sql/servers/firewallRules',
    'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
    'Microsoft.DBforMySQL/flexibleServers/firewallRules',
    'Microsoft.DBforPostgreSQL/servers/firewallRules',
    'Microsoft.DBforMySQL/servers/firewallRules',
    'Microsoft.DocumentDB/databaseAccounts',
  ],
  policies: [
    {
      id: '12339a85-a25c-4f17-9f82-4766f13f5c4c',
      name: 'Azure Cosmos DB accounts should not allow traffic from all Azure data centers',
      relation: 'equivalent (Cosmos part)',
    },
  ],
  remediation: {
    az: 'az sql server firewall-rule delete -g "$RG" -s "$SERVER" -n AllowAllWindowsAzureIps\naz cosmosdb update -g "$RG" -n "$ACCOUNT" --ip-range-filter "<explicit client IPs>"',
    arm: '{"properties": {"ipRules": [{"ipAddressOrRange": "<client CIDR>"}]}}',
    bicep:
      "// SQL/PostgreSQL/MySQL: delete the 0.0.0.0 - 0.0.0.0 firewallRules resource (often named AllowAllWindowsAzureIps)\nresource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {\n  properties: {\n    ipRules: [\n      { ipAddressOrRange: '203.0.113.10' }   // explicit client addresses, no '0.0.0.0'\n    ]\n  }\n}",
    terraform: '# remove the 0.0.0.0 firewall rule resource / remove "0.0.0.0" from ip_range_filter',
    note: 'Azure services that relied on it (Data Factory, Functions without VNet integration, Power BI) need a private endpoint, VNet integration or explicit egress IPs first.',
  },
  docs: {
    evaluation:
      'Firewall rules (SQL logical server, PostgreSQL/MySQL flexible and single servers) fail when startIpAddress == endIpAddress == 0.0.0.0, the portal\'s "AllowAllWindowsAzureIps" / "Allow public access from any Azure service": any Azure customer\'s resources can reach the endpoint. Cosmos DB accounts fail for every properties.ipRules[].ipAddressOrRange equal to "0.0.0.0" and for a legacy ipRangeFilter whose comma list contains "0.0.0.0" ("Accept connections from within public Azure datacenters"), one outcome per entry. A CIDR-suffixed value is parsed as its address part.',
    absent:
      'No such rule or entry -> pass. start/end are required on a firewall rule: an absent one -> unknown unless the other address is known and not 0.0.0.0.',
    unresolvable:
      'An unresolved address or IP rule entry -> unknown, unless the other address is known and not 0.0.0.0.',
    crossResource:
      'Subject is the firewall rule (its parent server is attached through the inventory) or the Cosmos account. Parent (or account) publicNetworkAccess Disabled, or a VNet-injected flexible server: still fail, labelled "latent".',
    references: [
      `${SQL_SWAGGER} FirewallRules.json: "Use value '0.0.0.0' for all Azure-internal IP addresses"`,
      `${COSMOS_SWAGGER} IpAddressOrRange, ipRangeFilter`,
      'Azure Policy 12339a85-a25c-4f17-9f82-4766f13f5c4c (Cosmos ipRules[*].ipAddressOrRange equals 0.0.0.0)',
      'controls.md B2 (Firewall: all Azure), B3 ("All Azure DCs"), B4',
      'payloads/sql_firewall_rules_list_2023-08-01.json (firewallrulecrudtest-2304 is 0.0.0.0 - 0.0.0.0)',
    ],
  },
  fix(resource, { path, actual }) {
    const note =
      'Azure services that relied on the all-Azure rule (Data Factory, Functions without VNet integration, Power BI) need a private endpoint, VNet integration or explicit egress IPs first';
    if (!isType(resource, COSMOS)) return [deleteResource(note)];
    if (path === 'properties.ipRangeFilter' && typeof actual === 'string') {
      const kept = actual
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '' && item !== '0.0.0.0');
      return [set(path, kept.join(','), note)];
    }
    return [remove(path.replace(/\.ipAddressOrRange$/, ''), note)];
  },
  check(resource, context) {
    return isType(resource, COSMOS) ? checkCosmos(resource, context) : checkFirewallRule(resource, context);
  },
});

import { asBoolean } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, type PathRead, pass, unknown } from '../../define.js';
import { remove, set } from '../fixes.js';
import { approvedPrivateEndpoint, COSMOS } from './db.js';
import { COSMOS_SWAGGER } from './refs.js';
import { type Blocker, blockerMessage, blockerOf, isBlocker, or, type Tri } from './tri.js';

/** An IPv4 CIDR with prefix length 0 admits every address. */
function coversEverything(entry: string): boolean {
  return /\/0$/.test(entry.trim()) && !entry.includes(':');
}

export default defineRule({
  id: 'PHI-NET-007',
  title: 'Cosmos DB account accepts traffic from all networks',
  severity: 'critical',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [COSMOS],
  policies: [
    {
      id: '862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb',
      name: 'Azure Cosmos DB accounts should have firewall rules',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az cosmosdb update -g "$RG" -n "$ACCOUNT" --ip-range-filter "203.0.113.10,198.51.100.0/24"\n# or: az cosmosdb update -g "$RG" -n "$ACCOUNT" --public-network-access Disabled',
    arm: '{"properties": {"ipRules": [{"ipAddressOrRange": "203.0.113.10"}], "isVirtualNetworkFilterEnabled": true}}',
    bicep:
      "resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {\n  properties: {\n    publicNetworkAccess: 'Disabled'   // with a private endpoint, or:\n    isVirtualNetworkFilterEnabled: true\n    virtualNetworkRules: [ { id: appSubnetId } ]\n    ipRules: [ { ipAddressOrRange: '203.0.113.10' } ]\n  }\n}",
    terraform:
      'ip_range_filter = ["203.0.113.10"]   # and/or is_virtual_network_filter_enabled = true + virtual_network_rule',
    note: "The portal's own IPs must be added to keep Data Explorer working; application IPs first.",
  },
  docs: {
    evaluation:
      'Reads properties.publicNetworkAccess, isVirtualNetworkFilterEnabled, ipRules[], legacy ipRangeFilter and private endpoint connections. Passes when any of: publicNetworkAccess Disabled; the VNet filter enabled (even with zero VNet rules, which admits no public traffic); at least one explicit IP rule other than "0.0.0.0" (see PHI-NET-005); an Approved private endpoint connection. Otherwise the account accepts traffic from all networks (the Azure Policy 862e97cf condition, the portal\'s "All networks") -> fail. An IP rule covering 0.0.0.0/0 fails whatever else is set, unless public network access is Disabled (IP rules and VNet rules admit traffic independently, and a private endpoint does not close the public endpoint).',
    absent:
      'publicNetworkAccess absent = Enabled; isVirtualNetworkFilterEnabled absent = false; ipRules absent = []; no private endpoint connection.',
    unresolvable:
      'Unknown unless another resolved condition already yields pass (e.g. publicNetworkAccess Disabled decides whatever the IP rules are).',
    crossResource:
      'Live: properties.privateEndpointConnections[] with status Approved. Templates: a Microsoft.Network/privateEndpoints resource of the scan targeting the account with a Cosmos group id (Sql, MongoDB, Cassandra, Gremlin, Table) through privateLinkServiceConnections counts as Approved; a manual connection or an endpoint whose target cannot be resolved -> unknown.',
    references: [
      `${COSMOS_SWAGGER} DatabaseAccountGetProperties (publicNetworkAccess, isVirtualNetworkFilterEnabled, ipRules, ipRangeFilter, privateEndpointConnections)`,
      'Azure Policy 862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb "Azure Cosmos DB accounts should have firewall rules" (its rule encodes this condition)',
      'controls.md B3 (Firewall present), B5',
      'payloads/cosmosdb_account_get_2025-10-15.json (no firewall, but an Approved private endpoint connection: pass)',
    ],
  },
  fix(_account, { path, actual }) {
    if (path === 'properties.ipRangeFilter' && typeof actual === 'string') {
      const kept = actual
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '' && !coversEverything(item));
      return [set(path, kept.join(','), 'a /0 entry admits the whole internet')];
    }
    if (/^properties\.ipRules\.\d+\.ipAddressOrRange$/.test(path)) {
      return [remove(path.replace(/\.ipAddressOrRange$/, ''), 'a /0 entry admits the whole internet')];
    }
    return [
      set(
        'properties.publicNetworkAccess',
        'Disabled',
        'clients must reach the account through a private endpoint (PHI-NET-008); to keep some public clients, list their addresses in ipRules instead',
      ),
    ];
  },
  check(account, context) {
    const { read } = context;
    const access = read(account, 'properties.publicNetworkAccess');
    const publicOff: Tri =
      access.state === 'unknown'
        ? blockerOf(access)
        : typeof access.value === 'string' && access.value.toLowerCase() === 'disabled';
    if (publicOff === true) return pass(access.path, 'Disabled');

    const entries: { text: string; read: PathRead }[] = [];
    let entryBlocker: Blocker | undefined;
    const rules = read(account, 'properties.ipRules');
    if (rules.state === 'unknown') entryBlocker = blockerOf(rules);
    else if (Array.isArray(rules.value)) {
      for (let i = 0; i < rules.value.length; i++) {
        const entry = read(account, `properties.ipRules.${i}.ipAddressOrRange`);
        if (entry.state === 'unknown') entryBlocker ??= blockerOf(entry);
        else if (typeof entry.value === 'string' && entry.value.trim() !== '')
          entries.push({ text: entry.value, read: entry });
      }
    }
    const filter = read(account, 'properties.ipRangeFilter');
    if (filter.state === 'unknown') entryBlocker ??= blockerOf(filter);
    else if (typeof filter.value === 'string') {
      for (const item of filter.value.split(','))
        if (item.trim() !== '') entries.push({ text: item.trim(), read: filter });
    }

    const open = entries.filter((entry) => coversEverything(entry.text));
    if (open.length > 0) {
      if (isBlocker(publicOff)) return unknown(publicOff, blockerMessage(publicOff));
      return open.map(
        (entry): Outcome =>
          fail(entry.read, {
            expected: 'explicit client addresses, not a /0 range',
            message: `IP rule "${entry.text}" admits every IPv4 address: the account accepts traffic from the whole internet`,
          }),
      );
    }

    const filterRead = read(account, 'properties.isVirtualNetworkFilterEnabled');
    const vnetFilter: Tri =
      filterRead.state === 'unknown' ? blockerOf(filterRead) : asBoolean(filterRead.value) === true;
    const explicit: Tri = entries.some((entry) => entry.text !== '0.0.0.0') ? true : (entryBlocker ?? false);
    const endpoint = approvedPrivateEndpoint(account, context);
    const privateLink: Tri =
      endpoint.state === 'approved' ? true : endpoint.state === 'unknown' ? endpoint.blocker : false;
    const compliant = or(publicOff, vnetFilter, explicit, privateLink);
    if (compliant === true) return pass('properties');
    if (isBlocker(compliant)) return unknown(compliant, blockerMessage(compliant));
    return fail(access, {
      expected: 'publicNetworkAccess Disabled, a VNet filter, explicit IP rules or an approved private endpoint',
      message:
        'The account accepts traffic from all networks: public network access is on, no IP rule other than 0.0.0.0, VNet filter off, no approved private endpoint',
    });
  },
});

import { defineRule } from '../../define.js';
import { checkNsgResource, denySecurityRule, NSG_TYPE, SECURITY_RULE_TYPE } from './nsg.js';
import { type PortTarget, parsePortTarget } from './ports.js';
import { CHECKOV_NSG, CONTROLS_B1, NSG_SWAGGER } from './refs.js';

export default defineRule({
  id: 'PHI-NET-001',
  title: 'NSG allows inbound traffic from the internet to database ports',
  severity: 'critical',
  pattern: 2,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [NSG_TYPE, SECURITY_RULE_TYPE],
  policies: [
    {
      id: '9daedab3-fb2d-461e-b861-71790eead4f6',
      name: 'All network ports should be restricted on network security groups associated to your virtual machine',
      relation: 'related (Defender assessment)',
    },
    {
      id: 'f6de0be7-9a8a-4b8a-b349-43cf02d22f7c',
      name: 'Internet-facing virtual machines should be protected with network security groups',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az network nsg rule update -g "$RG" --nsg-name "$NSG" -n "$RULE" --access Deny\n# or narrow: --source-address-prefixes 10.20.0.0/16\n# emergency blanket deny (pick an unused priority lower than the offending rule):\naz network nsg rule create -g "$RG" --nsg-name "$NSG" -n deny-db-from-internet --priority 100 --direction Inbound \\\n  --access Deny --protocol \'*\' --source-address-prefixes Internet --destination-port-ranges 1433 3306 5432 6432 27017 10255 6379 6380',
    arm: '{"properties": {"access": "Deny"}}',
    bicep:
      "resource rule 'Microsoft.Network/networkSecurityGroups/securityRules@2025-07-01' = {\n  parent: nsg\n  name: ruleName\n  properties: {\n    // ...the rule as before, then either:\n    access: 'Deny'\n    // or narrow the source: sourceAddressPrefix: '10.20.0.0/16'\n  }\n}",
    terraform: 'access = "Deny"                          # or source_address_prefix = "10.20.0.0/16"',
    note: 'A Deny rule takes effect within seconds and does not drop established flows immediately; combine with rotating database credentials if exposure was real. Check NSG flow logs / DB logs for external sources.',
  },
  docs: {
    evaluation:
      'Every security rule is evaluated: the inline properties.securityRules[] of an NSG (subject: the NSG, one outcome per offending rule at that rule\'s source line) and standalone Microsoft.Network/networkSecurityGroups/securityRules resources (subject: the rule). A rule fails when direction is Inbound, access is Allow, a source (sourceAddressPrefix or any sourceAddressPrefixes[] entry) is an internet source (network.internetSources: *, Internet, Any, 0.0.0.0, 0.0.0.0/0, ::/0, plus any CIDR with prefix length /0 including a bare "/0"), and the destination port set (destinationPortRange plus destinationPortRanges[]; items "N", "A-B" inclusive or "*"; comma lists in the singular field split leniently) intersects network.dbPorts with a matching protocol: TCP ports need Tcp, * or Any, "1434/udp" needs Udp, * or Any. It passes when Deny rules of the same NSG with lower priority numbers cover the exposed internet sources, protocol and ports. Service tags other than Internet (VirtualNetwork, AzureLoadBalancer, AzureCloud) and application security groups are not internet; a narrow destinationAddressPrefix does not make an internet rule compliant (controls.md B1).',
    absent:
      'direction, access, protocol and priority are required by the API: an absent one makes that security rule unknown unless the known fields already clear it (access Deny, direction Outbound, no internet source, no target port). Absent destinationPortRange with absent destinationPortRanges -> unknown; a rule with neither a source prefix nor an application security group -> unknown. An NSG without security rules passes; defaultSecurityRules (AllowVnetInBound, DenyAllInBound ...) are never evaluated.',
    unresolvable:
      'An unresolved field makes that security rule unknown unless the known values decide; the other rules of the NSG are still evaluated. ARM parameters with a defaultValue are resolved ("[parameters(\'sourceRange\')]" with default "*" is an internet source, reported at the default\'s line). A Deny rule with a lower priority number whose fields cannot be resolved turns a would-be failure into unknown (it may shadow it).',
    crossResource:
      'Shadowing looks at every rule of the same NSG: inline rules, standalone securityRules children and, for a standalone rule, its parent\'s inline rules and sibling standalone rules. Attachment is a label: "exposed" when the NSG lists properties.subnets[]/networkInterfaces[] or a subnet/NIC in the scan references it (subnet.networkSecurityGroup.id); "latent" when a live NSG is attached to nothing (still a failure); no label when a template does not show the attachment. Deviation from rules.yaml: any attachment counts as exposed (the hosted workload is not inspected). PaaS public endpoints (Azure SQL Database, Cosmos DB) are not governed by NSGs: see PHI-NET-004..007.',
    references: [
      `${NSG_SWAGGER}: direction, access, priority (lower wins), protocol (Tcp|Udp|Icmp|Esp|Ah|*), source/destination prefixes and port ranges`,
      CONTROLS_B1,
      CHECKOV_NSG,
      'rules.yaml PHI-NET-001 db_ports: SQL incl. 11000-11999 redirect, 1434/udp browser, MySQL, PostgreSQL/PgBouncer, MongoDB/Cosmos, Cassandra, Redis, Oracle, Elasticsearch',
      'payloads/nsg_get_2025-07-01.json (rule1: * -> port 80, not a finding)',
    ],
  },
  fix: (_resource, { path }) => denySecurityRule(path, 'the database ports'),
  check(resource, context) {
    return checkNsgResource(resource, context, {
      targets: context.config.network.dbPorts.map(parsePortTarget).filter((t): t is PortTarget => t !== undefined),
      what: 'database ports',
      expected: 'no Allow rule from internet sources to database ports (set access Deny or narrow the source)',
    });
  },
});

import { defineRule } from '../../define.js';
import { checkNsgResource, denySecurityRule, NSG_TYPE, SECURITY_RULE_TYPE } from './nsg.js';
import { CHECKOV_NSG, CONTROLS_B1, NSG_SWAGGER } from './refs.js';

const RDP = [{ text: '3389', ranges: [{ from: 3389, to: 3389 }], protocol: 'tcp' as const }];

export default defineRule({
  id: 'PHI-NET-003',
  title: 'NSG allows RDP (TCP 3389) from the internet',
  severity: 'high',
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
      id: '22730e10-96f6-4aac-ad84-9383d35b5917',
      name: 'Management ports should be closed on your virtual machines',
      relation: 'related (Defender assessment)',
    },
    {
      id: 'b0f33259-77d7-4c9e-aac6-3aabcfae693c',
      name: 'Management ports of virtual machines should be protected with just-in-time network access control',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az network nsg rule update -g "$RG" --nsg-name "$NSG" -n "$RULE" --access Deny',
    arm: '{"properties": {"access": "Deny"}}',
    bicep:
      "resource rule 'Microsoft.Network/networkSecurityGroups/securityRules@2025-07-01' = {\n  parent: nsg\n  name: ruleName\n  properties: {\n    // ...the rule as before, then either:\n    access: 'Deny'\n    // or narrow the source: sourceAddressPrefix: '10.20.0.0/16'\n  }\n}",
    terraform: 'access = "Deny"',
    note: 'As PHI-NET-002.',
  },
  docs: {
    evaluation:
      'Same rule model as PHI-NET-001 with the target TCP 3389: Inbound + Allow + protocol Tcp, * or Any + an internet source + a port set covering 3389 fails, one outcome per offending rule. A UDP-only rule on 3389 (RDP UDP transport) is not flagged. A Deny rule with a lower priority number covering the internet source and port 3389 shadows it.',
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
      'Checkmarx/kics arm/network_security_group_with_unrestricted_access_to_rdp (corpus/kics)',
      'payloads/nsg_get_2025-07-01.json (rule1: * -> port 80, not a finding)',
    ],
  },
  fix: (_resource, { path }) => denySecurityRule(path, 'RDP'),
  check(resource, context) {
    return checkNsgResource(resource, context, {
      targets: RDP,
      what: 'RDP (TCP 3389)',
      expected:
        'no Allow rule from internet sources to TCP 3389 (set access Deny, narrow the source, or use Bastion/JIT)',
    });
  },
});

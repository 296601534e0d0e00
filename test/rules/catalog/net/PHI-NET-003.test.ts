import rule from '../../../../src/rules/catalog/net/PHI-NET-003.js';
import { parameterCases } from '../../../helpers/arm-cases.js';
import { payload, ruleCases } from '../../../helpers/rule-cases.js';
import { liveNsg, nsg, nsgCase, secRule } from './support.js';

const SOURCE_STAR = '"sourceAddressPrefix": "*"';
const rdp = (overrides: Record<string, unknown> = {}) => secRule('rdp', { destinationPortRange: '3389', ...overrides });
const source = parameterCases((expression) => [nsg([rdp({ sourceAddressPrefix: expression })])], 'string', 'Internet');

ruleCases(rule, {
  pass: [
    nsgCase([rdp({ protocol: 'Udp' })], 'UDP-only 3389 (RDP UDP transport)'),
    nsgCase([rdp({ destinationPortRange: '22' })], 'port 22'),
    nsgCase([rdp({ access: 'Deny' })], 'Deny (KICS negative)'),
    nsgCase(
      [rdp({ destinationPortRange: undefined, destinationPortRanges: ['4030-5100'] })],
      'ranges without 3389 (KICS negative)',
    ),
    nsgCase(
      [
        secRule('deny-all', { access: 'Deny', priority: 100, protocol: '*', destinationPortRange: '*' }),
        rdp({ priority: 4000 }),
      ],
      'shadowed by Deny * *',
    ),
    payload('nsg_get_2025-07-01.json'),
    liveNsg([rdp({ sourceAddressPrefix: '198.51.100.0/24' })], 'office range'),
  ],
  fail: [
    nsgCase([rdp()], 'Allow * -> 3389', { rule: 'rdp', needle: SOURCE_STAR }),
    nsgCase([rdp({ destinationPortRange: '3000-4000' })], 'range covering 3389'),
    nsgCase(
      [rdp({ priority: 301 }), secRule('ssh', { access: 'Deny', priority: 301 })],
      'Allow RDP next to a Deny SSH (KICS positive1)',
    ),
    nsgCase([rdp({ destinationPortRange: '3389,3390', protocol: '*' })], 'comma list, protocol *'),
    source.fromDefault,
    source.fromFile,
    liveNsg([rdp({ sourceAddressPrefix: 'Internet' })], 'Internet -> 3389'),
  ],
  unknown: [source.missing, nsgCase([rdp({ direction: undefined })], 'direction absent')],
});

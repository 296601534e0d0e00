import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-002.js';
import { lineOf, parameterCases, SUB, template, templateCase } from '../../../helpers/arm-cases.js';
import { type Case, named, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { liveMany, liveNsg, NSG_ID, nsg, nsgBody, nsgCase, secRule } from './support.js';

const SOURCE_STAR = '"sourceAddressPrefix": "*"';
const NSG_PAYLOAD = 'nsg_get_2025-07-01.json';

const source = parameterCases(
  (expression) => [nsg([secRule('ssh', { sourceAddressPrefix: expression })])],
  'string',
  '*',
);

function standalone(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { properties } = secRule(name, overrides) as { properties: unknown };
  return {
    type: 'Microsoft.Network/networkSecurityGroups/securityRules',
    apiVersion: '2025-07-01',
    name: `phi-nsg/${name}`,
    properties,
  };
}

/** Unresolved fields: a parameter declared without default and no parameter file. */
function unresolved(overrides: Record<string, unknown>, label: string, rules: Record<string, unknown>[] = []): Case {
  return templateCase(
    template([nsg([...rules, secRule('ssh', overrides)])], { p: { type: 'string' }, arr: { type: 'array' } }),
    label,
  );
}

ruleCases(rule, {
  pass: [
    nsgCase([secRule('ssh', { access: 'Deny' })], 'Deny * -> 22'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: '10.0.0.0/8' })], 'private source'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: '0.0.0.0/1' })], 'a /1 source is not the internet (KICS negative)'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: '203.0.113.7/32' })], 'just-in-time requester IP'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: 'VirtualNetwork' })], 'VirtualNetwork tag'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: 'AzureCloud' })], 'AzureCloud tag'),
    nsgCase([secRule('ssh', { protocol: 'Udp' })], 'UDP only'),
    nsgCase([secRule('ssh', { direction: 'Outbound' })], 'outbound'),
    nsgCase([secRule('web', { destinationPortRange: '80' })], 'port 80'),
    nsgCase(
      [secRule('range', { destinationPortRange: undefined, destinationPortRanges: ['4030-5100', '6634'] })],
      'ranges without 22 (KICS negative)',
    ),
    nsgCase(
      [
        secRule('asg', {
          sourceAddressPrefix: undefined,
          sourceApplicationSecurityGroups: [{ id: `${SUB}/Microsoft.Network/applicationSecurityGroups/admins` }],
        }),
      ],
      'application security group source',
    ),
    nsgCase([], 'no security rules'),
    nsgCase(
      [
        secRule('deny-internet', {
          access: 'Deny',
          priority: 100,
          protocol: '*',
          sourceAddressPrefix: 'Internet',
          destinationPortRange: '*',
        }),
        secRule('ssh', { priority: 200 }),
      ],
      'shadowed by a higher-precedence Deny Internet *',
    ),
    nsgCase(
      [
        secRule('deny-ssh', { access: 'Deny', priority: 150, protocol: 'Tcp', destinationPortRange: '20-30' }),
        secRule('ssh', { priority: 300, destinationPortRange: undefined, destinationPortRanges: ['22'] }),
      ],
      'shadowed by a Deny * on a covering range',
    ),
    templateCase(
      template([nsg([secRule('deny', { access: 'Deny', priority: 100 })]), standalone('ssh', { priority: 200 })]),
      'standalone Allow shadowed by an inline Deny of its parent',
    ),
    templateCase(
      template([nsg([]), standalone('deny', { access: 'Deny', priority: 100 }), standalone('ssh', { priority: 200 })]),
      'standalone Allow shadowed by a sibling standalone Deny',
    ),
    unresolved(
      { destinationPortRange: '80', access: "[parameters('p')]" },
      'unresolved access on a rule that cannot reach 22',
    ),
    unresolved({ direction: 'Outbound', sourceAddressPrefix: "[parameters('p')]" }, 'unresolved source, outbound'),
    payload(NSG_PAYLOAD),
    liveNsg([secRule('ssh', { access: 'Deny' })], 'Deny * -> 22'),
  ],
  fail: [
    nsgCase([secRule('ssh')], 'Allow * -> 22', { rule: 'ssh', needle: SOURCE_STAR }),
    nsgCase(
      [secRule('ssh', { destinationPortRange: undefined, destinationPortRanges: ['22-23'] })],
      'destinationPortRanges 22-23 (KICS positive)',
      { rule: 'ssh', needle: SOURCE_STAR },
    ),
    nsgCase([secRule('ssh', { destinationPortRange: '21, 22' })], 'comma list in the singular field'),
    nsgCase([secRule('ssh', { destinationPortRange: '*' })], 'any port'),
    nsgCase([secRule('ssh', { destinationPortRange: '', destinationPortRanges: ['80', '20-25'] })], 'empty singular'),
    nsgCase([secRule('ssh', { protocol: 'TCP' })], 'protocol TCP in upper case (KICS positive)'),
    nsgCase([secRule('ssh', { protocol: '*' })], 'protocol *'),
    ...['Internet', 'any', '/0', '0.0.0.0', '0.0.0.0/0', '::/0', '10.1.2.3/0'].map((prefix) =>
      nsgCase([secRule('ssh', { sourceAddressPrefix: prefix })], `source ${prefix}`, {
        rule: 'ssh',
        needle: `"sourceAddressPrefix": "${prefix}"`,
      }),
    ),
    nsgCase(
      [secRule('ssh', { sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.0.0/8', '0.0.0.0/0'] })],
      'internet entry in sourceAddressPrefixes',
      { rule: 'ssh', needle: '"0.0.0.0/0"' },
    ),
    nsgCase(
      [
        secRule('ssh', { priority: 301 }),
        secRule('rdp', { access: 'Deny', priority: 301, destinationPortRange: '3389' }),
      ],
      'Allow SSH next to a Deny RDP (KICS positive1)',
    ),
    nsgCase(
      [secRule('deny', { access: 'Deny', priority: 300 }), secRule('ssh', { priority: 200 })],
      'a Deny with a higher priority number does not shadow',
    ),
    nsgCase(
      [secRule('deny', { access: 'Deny', priority: 100, sourceAddressPrefix: '0.0.0.0/0' }), secRule('ssh')],
      'a Deny of IPv4 /0 leaves "*" (IPv6) exposed',
    ),
    nsgCase(
      [secRule('deny', { access: 'Deny', priority: 50, protocol: 'Udp' }), secRule('ssh', { priority: 100 })],
      'a UDP Deny does not shadow TCP',
    ),
    nsgCase(
      [secRule('deny', { access: 'Deny', priority: 50, destinationPortRange: '23' }), secRule('ssh')],
      'a Deny on other ports does not shadow',
    ),
    templateCase(template([standalone('ssh')]), 'standalone securityRules resource', {
      needle: SOURCE_STAR,
      after: '"name": "phi-nsg/ssh"',
    }),
    templateCase(
      template([
        {
          ...nsg([]),
          resources: [
            { type: 'securityRules', apiVersion: '2025-07-01', name: 'ssh', properties: secRule('ssh').properties },
          ],
        },
      ]),
      'nested child securityRules resource (KICS positive3)',
      { needle: SOURCE_STAR, after: '"type": "securityRules"' },
    ),
    source.fromDefault,
    source.fromFile,
    liveNsg([secRule('ssh')], 'Allow * -> 22'),
    payload(NSG_PAYLOAD, (body) => {
      const rules = (body.properties as { securityRules: { properties: Record<string, unknown> }[] }).securityRules;
      rules[0].properties.destinationPortRange = '22';
    }),
  ],
  unknown: [
    source.missing,
    unresolved({ access: "[parameters('p')]" }, 'unresolved access'),
    unresolved({ destinationPortRange: "[parameters('p')]" }, 'unresolved port'),
    unresolved({ protocol: "[parameters('p')]" }, 'unresolved protocol'),
    unresolved({ sourceAddressPrefix: undefined, sourceAddressPrefixes: "[parameters('arr')]" }, 'unresolved list'),
    unresolved({ priority: 200 }, 'a lower-number Deny with an unresolved source may shadow', [
      secRule('deny', { access: 'Deny', priority: 100, sourceAddressPrefix: "[parameters('p')]" }),
    ]),
    nsgCase([secRule('ssh', { access: undefined })], 'access absent'),
    nsgCase([secRule('ssh', { direction: undefined })], 'direction absent'),
    nsgCase([secRule('ssh', { priority: undefined })], 'priority absent'),
    nsgCase([secRule('ssh', { destinationPortRange: undefined })], 'no destination port'),
    nsgCase([secRule('ssh', { sourceAddressPrefix: undefined })], 'no source'),
  ],
  notApplicable: [
    named(
      liveMany(
        [
          nsgBody([secRule('ssh')]),
          {
            id: `${NSG_ID}/securityRules/ssh`,
            name: 'phi-nsg/ssh',
            type: 'Microsoft.Network/networkSecurityGroups/securityRules',
            properties: secRule('ssh').properties,
          },
        ],
        'live NSG and its rule listed separately',
      ),
      'live standalone rule already listed inline in its NSG is evaluated once',
      { subject: '/securityRules/' },
    ),
  ],
});

describe('PHI-NET-002 outcomes', () => {
  it('reports one failure per offending rule, each at its own source line', () => {
    const tpl = template([
      nsg([
        secRule('ssh-a', { priority: 100 }),
        secRule('web', { priority: 110, destinationPortRange: '443' }),
        secRule('ssh-b', { priority: 120, sourceAddressPrefix: 'Internet' }),
      ]),
    ]);
    const text = JSON.stringify(tpl, null, 2);
    const { findings } = run(rule, templateCase(tpl, 'two offenders'));
    const failures = findings.filter((f) => f.status === 'fail');
    assert.deepEqual(
      failures.map((f) => f.location?.line),
      [lineOf(text, SOURCE_STAR, '"ssh-a"'), lineOf(text, '"sourceAddressPrefix": "Internet"', '"ssh-b"')],
    );
    assert.deepEqual(
      failures.map((f) => f.evidence.path),
      [
        'properties.securityRules.0.properties.sourceAddressPrefix',
        'properties.securityRules.2.properties.sourceAddressPrefix',
      ],
    );
    assert.match(failures[0].message, /'ssh-a'.*TCP 22/);
  });

  it('labels a live NSG attached to nothing "latent" and an attached one "exposed"', () => {
    const latent = run(rule, liveNsg([secRule('ssh')], 'unattached')).findings;
    assert.deepEqual(
      latent.map((f) => f.labels),
      [['latent']],
    );
    const subnet = { id: `${SUB}/Microsoft.Network/virtualNetworks/vnet/subnets/db` };
    const exposed = run(rule, liveNsg([secRule('ssh')], 'attached', { subnets: [subnet] })).findings;
    assert.deepEqual(
      exposed.map((f) => f.labels),
      [['exposed']],
    );
  });

  it('labels a template NSG "exposed" when a subnet of the template references it, and leaves it unlabelled otherwise', () => {
    const vnet = {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2025-07-01',
      name: 'vnet',
      location: 'eastus',
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [
          {
            name: 'db',
            properties: {
              addressPrefix: '10.0.1.0/24',
              networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', 'phi-nsg')]" },
            },
          },
        ],
      },
    };
    const attached = run(rule, templateCase(template([nsg([secRule('ssh')]), vnet]), 'attached')).findings;
    assert.deepEqual(
      attached.map((f) => f.labels),
      [['exposed']],
    );
    const alone = run(rule, nsgCase([secRule('ssh')], 'alone')).findings;
    assert.deepEqual(
      alone.map((f) => f.labels),
      [undefined],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-001.js';
import { parameterCases } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { liveNsg, nsg, nsgCase, secRule } from './support.js';

const SOURCE_STAR = '"sourceAddressPrefix": "*"';
const db = (overrides: Record<string, unknown> = {}) => secRule('db', { destinationPortRange: '1433', ...overrides });
const source = parameterCases((expression) => [nsg([db({ sourceAddressPrefix: expression })])], 'string', '*');
const port = parameterCases((expression) => [nsg([db({ destinationPortRange: expression })])], 'string', '1433');

ruleCases(rule, {
  pass: [
    nsgCase([db({ destinationPortRange: '80' })], 'port 80'),
    nsgCase([db({ destinationPortRange: '1434' })], 'TCP 1434 (only UDP 1434 is a database port)'),
    nsgCase([db({ protocol: 'Udp' })], 'UDP 1433'),
    nsgCase([db({ sourceAddressPrefix: 'VirtualNetwork' })], 'VirtualNetwork source'),
    nsgCase([db({ access: 'Deny' })], 'Deny'),
    nsgCase(
      [
        secRule('deny-sql', { access: 'Deny', priority: 100, destinationPortRange: '1433' }),
        secRule('deny-mysql', {
          access: 'Deny',
          priority: 110,
          sourceAddressPrefix: 'Internet',
          destinationPortRange: '3306',
        }),
        db({ priority: 200, destinationPortRange: undefined, destinationPortRanges: ['1433', '3306'] }),
      ],
      'shadowed by two Deny rules together',
    ),
    withConfig(nsgCase([db()], '1433 with db_ports [5432]'), (config) => {
      config.network.dbPorts = ['5432'];
    }),
    payload('nsg_get_2025-07-01.json'),
  ],
  fail: [
    nsgCase([db()], 'Allow * -> 1433', { rule: 'db', needle: SOURCE_STAR }),
    nsgCase([db({ destinationPortRange: '11500' })], 'Azure SQL redirect range'),
    nsgCase([db({ destinationPortRange: '1434', protocol: 'Udp' })], 'UDP 1434 (SQL browser)'),
    nsgCase([db({ destinationPortRange: '*', protocol: '*' })], 'any port, any protocol'),
    nsgCase([db({ destinationPortRange: '5000-6000' })], 'a range covering 5432'),
    nsgCase([db({ destinationPortRange: '27017', sourceAddressPrefix: 'Internet' })], 'MongoDB from Internet'),
    nsgCase(
      [
        secRule('deny-sql', { access: 'Deny', priority: 100, destinationPortRange: '1433' }),
        db({ priority: 200, destinationPortRange: undefined, destinationPortRanges: ['1433', '3306'] }),
      ],
      'a Deny covering only part of the exposed ports',
      { rule: 'db', needle: SOURCE_STAR },
    ),
    withConfig(nsgCase([db({ destinationPortRange: '8080' })], 'a configured extra port'), (config) => {
      config.network.dbPorts = [...config.network.dbPorts, '8080'];
    }),
    source.fromDefault,
    source.fromFile,
    { ...port.fromDefault, line: undefined, name: `${port.fromDefault.name} (reported at the internet source)` },
    liveNsg([db()], 'Allow * -> 1433'),
    payload('nsg_get_2025-07-01.json', (body) => {
      const rules = (body.properties as { securityRules: { properties: Record<string, unknown> }[] }).securityRules;
      rules[0].properties.destinationPortRange = '5432';
    }),
  ],
  unknown: [port.missing, source.missing, nsgCase([db({ protocol: undefined })], 'protocol absent')],
});

describe('PHI-NET-001 messages', () => {
  it('names the database ports that stay exposed after partial shadowing', () => {
    const { findings } = run(
      rule,
      liveNsg(
        [
          secRule('deny-sql', { access: 'Deny', priority: 100, destinationPortRange: '1433' }),
          db({ priority: 200, destinationPortRange: '*', protocol: '*' }),
        ],
        'partial shadow',
      ),
    );
    const [failure] = findings.filter((f) => f.status === 'fail');
    assert.match(failure.message, /TCP [^;]*\b3306\b/);
    assert.match(failure.message, /UDP 1434/);
    assert.doesNotMatch(failure.message, /\b1433\b/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/kv/PHI-KV-003.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { connection } from '../net/support.js';
import { liveVault, PAYLOAD, vault, vaultCase } from './support.js';

const DENY = { defaultAction: 'Deny', bypass: 'AzureServices' };
const action = parameterCases(
  (expression) => [vault({ networkAcls: { defaultAction: expression, bypass: 'AzureServices' } })],
  'string',
  'Allow',
);
const access = parameterCases(
  (expression) => [vault({ publicNetworkAccess: expression, networkAcls: { defaultAction: 'Allow' } })],
  'string',
  'Enabled',
);
const ipRule = parameterCases(
  (expression) => [vault({ networkAcls: { ...DENY, ipRules: [{ value: expression }] } })],
  'string',
  '0.0.0.0/0',
);
const accessOff = parameterCases(
  (expression) => [vault({ publicNetworkAccess: expression, networkAcls: { defaultAction: 'Allow' } })],
  'string',
  'Disabled',
);

ruleCases(rule, {
  pass: [
    vaultCase({ publicNetworkAccess: 'disabled' }, 'public network access disabled'),
    vaultCase({ publicNetworkAccess: 'Disabled', networkAcls: { defaultAction: 'Allow' } }, 'Disabled wins over Allow'),
    vaultCase({ networkAcls: { ...DENY, ipRules: [{ value: '203.0.113.0/24' }] } }, 'firewall Deny with one range'),
    vaultCase({ publicNetworkAccess: 'Enabled', networkAcls: DENY }, 'public, firewall Deny, no rules'),
    templateCase(
      template([vault({ publicNetworkAccess: "[parameters('access')]", networkAcls: DENY })], {
        access: { type: 'string' },
      }),
      'unresolved public access, but the firewall denies (decided)',
    ),
    accessOff.fromFile,
    liveVault({ publicNetworkAccess: 'Disabled', privateEndpointConnections: [connection('Approved')] }, 'private'),
    payload(PAYLOAD, (vaultBody) => {
      (vaultBody.properties as Record<string, unknown>).networkAcls = { ...DENY, ipRules: [{ value: '198.51.100.7' }] };
    }),
  ],
  fail: [
    vaultCase({}, 'nothing set', { needle: '"properties"', after: '"phikv"' }),
    vaultCase({ publicNetworkAccess: 'enabled', networkAcls: { defaultAction: 'Allow' } }, 'default action Allow', {
      needle: '"defaultAction"',
    }),
    vaultCase(
      { networkAcls: { ...DENY, ipRules: [{ value: '203.0.113.0/24' }, { value: '0.0.0.0/0' }] } },
      'Deny with a /0 IP rule',
      { needle: '"0.0.0.0/0"' },
    ),
    action.fromDefault,
    action.fromFile,
    // Public access from the parameter file; the finding points at the firewall default action, the usual fix.
    named(access.fromFile, 'arm public access Enabled from the parameter file, firewall Allow', {
      line: undefined,
      file: undefined,
    }),
    ipRule.fromFile,
    payload(PAYLOAD),
    liveVault(
      {
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Allow' },
        privateEndpointConnections: [connection('Approved')],
      },
      'public with a private endpoint',
    ),
  ],
  unknown: [action.missing, ipRule.missing, access.missing],
});

describe('PHI-KV-003 messages', () => {
  it('treats a private endpoint as advisory evidence only', () => {
    const testCase = liveVault(
      {
        publicNetworkAccess: 'Enabled',
        networkAcls: { defaultAction: 'Allow' },
        privateEndpointConnections: [connection('Approved')],
      },
      'pe',
    );
    const [finding] = run(rule, testCase).findings;
    assert.equal(finding.status, 'fail');
    assert.match(
      finding.message,
      /1 approved private endpoint connection\(s\) exist, but a private endpoint does not close/,
    );
  });

  it('names the /0 rule', () => {
    const [finding] = run(
      rule,
      vaultCase({ networkAcls: { ...DENY, ipRules: [{ value: '0.0.0.0/0' }] } }, 'x'),
    ).findings;
    assert.equal(finding.evidence.path, 'properties.networkAcls.ipRules.0.value');
    assert.match(finding.message, /"0\.0\.0\.0\/0" admits every address/);
  });

  it('explains an absent firewall with the default reason', () => {
    const [finding] = run(rule, payload(PAYLOAD)).findings;
    assert.match(finding.message, /without a firewall every network is admitted/);
  });
});

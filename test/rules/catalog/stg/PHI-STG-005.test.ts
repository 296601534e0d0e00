import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-005.js';
import { lineOf } from '../../../helpers/arm-cases.js';
import { arm, armTemplate, type Case, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import {
  fromMissingParameter,
  fromParameterDefault,
  fromParameterFile,
  liveAccount,
  PAYLOAD,
  payloadWith,
  storageTemplate,
} from './support.js';

const NSP_API = '2024-07-01';

/** An account with publicNetworkAccess SecuredByPerimeter, associated to a perimeter profile with one inbound rule. */
function perimeter(accessMode: string, addressPrefixes: string[], label: string): Case {
  const template = storageTemplate(
    { publicNetworkAccess: 'SecuredByPerimeter' },
    {
      others: [
        {
          type: 'Microsoft.Network/networkSecurityPerimeters',
          apiVersion: NSP_API,
          name: 'phi-nsp',
          location: 'eastus',
        },
        {
          type: 'Microsoft.Network/networkSecurityPerimeters/profiles',
          apiVersion: NSP_API,
          name: 'phi-nsp/default',
          location: 'eastus',
        },
        {
          type: 'Microsoft.Network/networkSecurityPerimeters/profiles/accessRules',
          apiVersion: NSP_API,
          name: 'phi-nsp/default/clinics',
          location: 'eastus',
          properties: { direction: 'Inbound', addressPrefixes },
        },
        {
          type: 'Microsoft.Network/networkSecurityPerimeters/resourceAssociations',
          apiVersion: NSP_API,
          name: 'phi-nsp/phistore',
          location: 'eastus',
          properties: {
            privateLinkResource: { id: "[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]" },
            profile: {
              id: "[resourceId('Microsoft.Network/networkSecurityPerimeters/profiles', 'phi-nsp', 'default')]",
            },
            accessMode,
          },
        },
      ],
    },
  );
  return armTemplate(template, undefined, label);
}

function openIpRule(): Case {
  const template = storageTemplate({
    publicNetworkAccess: 'Enabled',
    networkAcls: {
      defaultAction: 'Deny',
      ipRules: [
        { value: '203.0.113.7', action: 'Allow' },
        { value: '0.0.0.0/0', action: 'Allow' },
      ],
    },
  });
  const text = JSON.stringify(template, null, 2);
  return { ...armTemplate(template, undefined, 'Deny with a 0.0.0.0/0 ip rule'), line: lineOf(text, '"0.0.0.0/0"') };
}

ruleCases(rule, {
  pass: [
    arm({ publicNetworkAccess: 'Disabled' }),
    arm(
      { publicNetworkAccess: 'disabled', networkAcls: { defaultAction: 'Allow' } },
      { label: 'Disabled wins over Allow' },
    ),
    arm({ networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } }),
    arm({ networkAcls: { defaultAction: 'deny', ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }] } }),
    arm(
      { publicNetworkAccess: "[parameters('pna')]", networkAcls: { defaultAction: 'Deny' } },
      { parameters: { pna: { type: 'string' } }, label: 'unresolved publicNetworkAccess, firewall Deny decides' },
    ),
    arm(
      { publicNetworkAccess: 'Disabled', networkAcls: "[parameters('acls')]" },
      { parameters: { acls: { type: 'object' } }, label: 'Disabled decides whatever the firewall is' },
    ),
    fromParameterFile('networkAcls.defaultAction', 'Deny', 'string'),
    perimeter('Enforced', ['203.0.113.0/24'], 'SecuredByPerimeter, enforced perimeter without /0 rules'),
    liveAccount({ publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Deny', ipRules: [] } }),
    payloadWith({
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [], virtualNetworkRules: [] },
    }),
    payloadWith({ publicNetworkAccess: 'Disabled' }),
  ],
  fail: [
    arm({}, { label: 'publicNetworkAccess and networkAcls absent' }),
    arm(undefined, { apiVersion: '2016-12-01', label: 'no properties, apiVersion before networkAcls existed' }),
    arm({ networkAcls: { defaultAction: 'Allow' } }),
    arm({ publicNetworkAccess: 'Enabled' }),
    arm({ publicNetworkAccess: 'Enabled', networkAcls: { ipRules: [{ value: '::/0' }], defaultAction: 'Deny' } }),
    openIpRule(),
    fromParameterFile('networkAcls.defaultAction', 'Allow', 'string'),
    fromParameterDefault('networkAcls.defaultAction', 'Allow', 'string'),
    perimeter('Enforced', ['0.0.0.0/0'], 'SecuredByPerimeter, perimeter admits 0.0.0.0/0'),
    liveAccount({ publicNetworkAccess: 'Enabled', networkAcls: { defaultAction: 'Allow' } }),
    payload(PAYLOAD),
  ],
  unknown: [
    fromMissingParameter('networkAcls.defaultAction', 'string'),
    arm(
      { publicNetworkAccess: "[parameters('pna')]", networkAcls: { defaultAction: 'Allow' } },
      { parameters: { pna: { type: 'string' } }, label: 'unresolved publicNetworkAccess with Allow' },
    ),
    arm(
      { networkAcls: "[parameters('acls')]" },
      { parameters: { acls: { type: 'object' } }, label: 'unresolved networkAcls object' },
    ),
    arm(
      { networkAcls: { defaultAction: 'Deny', ipRules: [{ value: "[parameters('clientRange')]" }] } },
      { parameters: { clientRange: { type: 'string' } }, label: 'Deny with an unresolved ip rule' },
    ),
    arm({ networkAcls: 'Deny' }, { label: 'malformed networkAcls (a string)' }),
    arm({ publicNetworkAccess: 'SecuredByPerimeter' }, { label: 'SecuredByPerimeter, perimeter not in scope' }),
    perimeter('Learning', ['203.0.113.0/24'], 'SecuredByPerimeter, association in Learning mode'),
  ],
});

describe('PHI-STG-005 messages', () => {
  it('says why an absent firewall fails', () => {
    const [finding] = run(rule, arm({})).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /publicNetworkAccess is not set/);
    assert.match(finding.message, /default action is Allow/);
  });

  it('points at the /0 rule', () => {
    const [finding] = run(rule, openIpRule()).findings;
    assert.equal(finding.evidence.path, 'properties.networkAcls.ipRules.1.value');
    assert.equal(finding.evidence.actual, '0.0.0.0/0');
  });
});

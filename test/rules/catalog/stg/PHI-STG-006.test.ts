import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-006.js';
import { arm, armTemplate, type Case, liveMany, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { ACCOUNT_ID, accountBody, liveAccount, nonPhi, PAYLOAD, payloadWith, storageTemplate } from './support.js';

const ACCOUNT_REF = "[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]";
const PE_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/net-rg/providers/Microsoft.Network/privateEndpoints/pe-phistore-blob';

interface EndpointOptions {
  target?: string;
  groupIds?: unknown;
  manual?: boolean;
  name?: string;
}

function endpoint({
  target = ACCOUNT_REF,
  groupIds = ['blob'],
  manual = false,
  name = 'pe-phistore',
}: EndpointOptions) {
  const connection = { name: `${name}-conn`, properties: { privateLinkServiceId: target, groupIds } };
  return {
    type: 'Microsoft.Network/privateEndpoints',
    apiVersion: '2025-07-01',
    name,
    location: 'eastus',
    properties: {
      subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'phi-vnet', 'endpoints')]" },
      [manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections']: [connection],
    },
  };
}

function withEndpoints(label: string, ...endpoints: EndpointOptions[]): Case {
  return armTemplate(storageTemplate({}, { others: endpoints.map(endpoint) }), undefined, label);
}

function connection(status: string, extra: Record<string, unknown> = {}) {
  return {
    id: `${ACCOUNT_ID}/privateEndpointConnections/phistore.pe`,
    name: 'phistore.pe',
    type: 'Microsoft.Storage/storageAccounts/privateEndpointConnections',
    properties: {
      privateEndpoint: { id: PE_ID },
      privateLinkServiceConnectionState: { status, description: '', actionRequired: 'None' },
      provisioningState: 'Succeeded',
      ...extra,
    },
  };
}

/** A live private endpoint body as GET returns it, with the connection state on the endpoint side. */
function liveEndpoint(status: string, groupIds: string[]) {
  return {
    id: PE_ID,
    name: 'pe-phistore-blob',
    type: 'Microsoft.Network/privateEndpoints',
    location: 'eastus',
    properties: {
      privateLinkServiceConnections: [
        {
          name: 'blob',
          properties: {
            privateLinkServiceId: ACCOUNT_ID,
            groupIds,
            privateLinkServiceConnectionState: { status, description: 'Auto-approved', actionsRequired: 'None' },
          },
        },
      ],
    },
  };
}

ruleCases(rule, {
  pass: [
    withEndpoints('private endpoint for blob', {}),
    withEndpoints('private endpoint for dfs', { groupIds: ['DFS'] }),
    withEndpoints('file endpoint plus blob endpoint', { groupIds: ['file'], name: 'pe-file' }, { name: 'pe-blob' }),
    withEndpoints(
      'approved blob endpoint wins over an unresolved one',
      {},
      { target: "[parameters('target')]", name: 'pe-other' },
    ),
    liveAccount({ privateEndpointConnections: [connection('Approved')] }),
    liveAccount({ privateEndpointConnections: [connection('Rejected'), connection('approved')] }),
    liveMany([accountBody({}), liveEndpoint('Approved', ['blob'])], 'live endpoint resource approved for blob'),
    liveMany(
      [accountBody({ privateEndpointConnections: [connection('Approved')] }), liveEndpoint('Approved', ['dfs'])],
      'approved connection whose endpoint targets dfs',
    ),
    payloadWith({ privateEndpointConnections: [connection('Approved')] }),
  ],
  fail: [
    arm({}, { label: 'account without private endpoint' }),
    withEndpoints('private endpoint for file only', { groupIds: ['file'] }),
    withEndpoints('private endpoint for another account', {
      target: "[resourceId('Microsoft.Storage/storageAccounts', 'otherstore')]",
    }),
    liveAccount({ privateEndpointConnections: [connection('Pending')] }),
    liveAccount({ privateEndpointConnections: [] }),
    liveAccount({ privateEndpointConnections: [connection('Approved', { groupIds: ['queue'] })] }),
    liveMany(
      [accountBody({ privateEndpointConnections: [connection('Approved')] }), liveEndpoint('Approved', ['table'])],
      'approved connection whose endpoint targets table',
    ),
    payload(PAYLOAD),
  ],
  unknown: [
    withEndpoints('manual connection for blob', { manual: true }),
    withEndpoints('endpoint with an unresolved target', { target: "[parameters('target')]" }),
    withEndpoints('endpoint with unresolved groupIds', { groupIds: "[parameters('groups')]" }),
  ],
  notApplicable: [
    nonPhi(arm({})),
    nonPhi(payload(PAYLOAD)),
    armTemplate(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [endpoint({})],
      },
      undefined,
      'a private endpoint alone is not a subject',
    ),
  ],
});

describe('PHI-STG-006 scope', () => {
  it('evaluates an account tagged PHI when the default classification is non-phi', () => {
    const tagged = arm({}, { resource: { tags: { 'data-classification': 'ePHI' } } });
    const { findings } = run(rule, {
      ...tagged,
      config: (config) => {
        config.classification.default = 'non-phi';
      },
    });
    assert.deepEqual(
      findings.map((f) => [f.status, f.phi]),
      [['fail', true]],
    );
  });

  it('does not let an unresolved endpoint for another sub-resource make the account unknown', () => {
    const { findings } = run(
      rule,
      withEndpoints('sql endpoint, unresolved target', { target: "[parameters('target')]", groupIds: ['sqlServer'] }),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });
});

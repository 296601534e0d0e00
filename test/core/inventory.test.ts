import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory, parentId } from '../../src/core/inventory.js';
import { lookup } from '../../src/core/path.js';
import { type Resource, Unresolved } from '../../src/core/types.js';

const SUB = '/subscriptions/s/resourceGroups/rg/providers';
function resource(id: string, type: string, extra: Partial<Resource> = {}): Resource {
  return { id, type, name: id.split('/').pop() ?? '', origin: 'snapshot', address: id, ...extra };
}

describe('Inventory', () => {
  it('derives parent ids of child resources only', () => {
    assert.equal(parentId(`${SUB}/Microsoft.Sql/servers/db1/firewallRules/all`), `${SUB}/Microsoft.Sql/servers/db1`);
    assert.equal(
      parentId(`${SUB}/Microsoft.Storage/storageAccounts/sa/blobServices/default/containers/c`),
      `${SUB}/Microsoft.Storage/storageAccounts/sa/blobServices/default`,
    );
    assert.equal(parentId(`${SUB}/Microsoft.Sql/servers/db1`), undefined);
  });

  it('links children, extensions and private endpoints case-insensitively', () => {
    const server = resource(`${SUB}/Microsoft.Sql/servers/db1`, 'Microsoft.Sql/servers');
    const rule = resource(`${SUB}/microsoft.sql/servers/DB1/firewallRules/all`, 'Microsoft.Sql/servers/firewallRules');
    const diagnostic = resource(
      `${server.id}/providers/Microsoft.Insights/diagnosticSettings/d`,
      'Microsoft.Insights/diagnosticSettings',
      {
        scope: server.id.toUpperCase(),
      },
    );
    const endpoint = resource(`${SUB}/Microsoft.Network/privateEndpoints/pe`, 'Microsoft.Network/privateEndpoints', {
      properties: {
        privateLinkServiceConnections: [
          { properties: { privateLinkServiceId: server.id.toLowerCase(), groupIds: ['sqlServer'] } },
        ],
        manualPrivateLinkServiceConnections: [
          { properties: { privateLinkServiceId: new Unresolved("[parameters('x')]") } },
        ],
      },
    });
    const inventory = new Inventory([server, rule, diagnostic, endpoint]);
    assert.deepEqual(inventory.related(server, 'children'), [rule]);
    assert.deepEqual(inventory.related(rule, 'parent'), [server]);
    assert.deepEqual(inventory.related(server, 'diagnosticSettings'), [diagnostic]);
    assert.deepEqual(inventory.related(server, 'privateEndpoints'), [endpoint]);
    assert.equal(inventory.privateEndpointsTo(server)[0].manual, false);
    assert.equal(inventory.privateEndpointsWithUnknownTarget().length, 1);
    assert.equal(inventory.privateEndpointsWithUnknownTarget()[0].manual, true);
    assert.deepEqual(inventory.byType('microsoft.sql/SERVERS'), [server]);
  });

  it('reads paths case-insensitively and surfaces unresolved values', () => {
    const account = resource('x', 'Microsoft.Storage/storageAccounts', {
      properties: {
        NetworkAcls: { defaultAction: 'Deny' },
        minimumTlsVersion: new Unresolved("[parameters('tls')]"),
        gone: null,
      },
      locations: new Map([['properties.networkacls', { file: 't.json', line: 9, column: 5 }]]),
    });
    const acl = lookup(account, 'properties.networkAcls.DefaultAction');
    assert.equal(acl.kind, 'present');
    assert.equal(acl.kind === 'present' && acl.value, 'Deny');
    // No location of its own: reported at the nearest recorded ancestor.
    assert.equal(acl.at?.line, 9);
    const tls = lookup(account, 'properties.minimumTlsVersion');
    assert.equal(tls.kind === 'unresolved' && tls.expression, "[parameters('tls')]");
    assert.equal(lookup(account, 'properties.gone').kind, 'absent');
    assert.equal(lookup(account, 'properties.minimumTlsVersion.deeper').kind, 'unresolved');
  });
});

// App role assignments listed on their own (`GET /servicePrincipals/{id}/appRoleAssignments`) are linked to the
// principal they grant a role to, so rules find a service principal's application permissions in the Inventory.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Inventory } from '../../../src/core/inventory.js';
import { parseSnapshotText } from '../../../src/ingest/snapshot/index.js';
import { PAYLOADS } from '../../helpers/rule-cases.js';

const FILE = 'graph/serviceprincipal-list-approleassignments.json';

describe('snapshot: Graph app role assignments', () => {
  it('links a listed assignment to its principal (scope = principalId)', () => {
    const [assignment] = parseSnapshotText(readFileSync(new URL(FILE, PAYLOADS), 'utf8'), FILE).resources;
    assert.equal(assignment.type, 'microsoft.graph/appRoleAssignment');
    assert.equal(assignment.scope, '8e881353-1735-45af-af21-ee1344582a4d');
  });

  it('lets the Inventory find the assignments of a service principal', () => {
    const text = JSON.stringify([
      { '@odata.type': '#microsoft.graph.servicePrincipal', id: 'sp-1', appId: 'app-1', servicePrincipalNames: [] },
      { id: 'a-1', appRoleId: 'r-1', principalId: 'sp-1', resourceId: 'graph-sp' },
      { id: 'a-2', appRoleId: 'r-2', principalId: 'sp-2', resourceId: 'graph-sp' },
    ]);
    const inventory = new Inventory(parseSnapshotText(text, 'entra.json').resources);
    const sp = inventory.byId('sp-1');
    assert.ok(sp);
    assert.deepEqual(
      inventory.related(sp, 'extensions').map((r) => r.id),
      ['a-1'],
    );
  });

  it('leaves an assignment whose principal id is not a string unlinked', () => {
    const text = JSON.stringify([{ id: 'a-1', appRoleId: 'r-1', principalId: null, resourceId: 'graph-sp' }]);
    const [assignment] = parseSnapshotText(text, 'entra.json').resources;
    assert.equal(assignment.type, 'microsoft.graph/appRoleAssignment');
    assert.equal(assignment.scope, undefined);
  });
});

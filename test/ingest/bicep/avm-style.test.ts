// A storage module written in the style of Azure Verified Modules (fixtures/avm-style, written for these tests):
// user-defined and registry-imported types, resourceInput<> types, linter pragmas, reduce/map/union identity
// building, `existing` vaults in another resource group, spreads, safe dereference, extension resource loops, a
// telemetry deployment, a registry module loop and a local child module with `parent:` and outputs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Inventory } from '../../../src/core/inventory.js';
import { lookup, toPlain } from '../../../src/core/path.js';
import { loadBicep } from '../../../src/ingest/bicep/index.js';
import { byAddress, RG_ID, SUB } from './helpers.js';

const MAIN = fileURLToPath(new URL('fixtures/avm-style/main.bicep', import.meta.url));
const MODULE = 'records.resources.';

describe('AVM-style storage module', async () => {
  const { resources, diagnostics } = await loadBicep(MAIN);

  it('evaluates the module tree with only the registry private endpoint module not scanned', () => {
    assert.deepEqual(
      resources.map((r) => r.address.slice(MODULE.length)),
      [
        'storageAccount',
        'storageAccount_diagnosticSettings[0]',
        'storageAccount_roleAssignments[0]',
        'storageAccount_roleAssignments[1]',
        'storageAccount_blobServices.resources.blobServices',
        'storageAccount_blobServices.resources.blobContainers[0]',
        'storageAccount_blobServices.resources.blobContainers[1]',
      ],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.file.endsWith('storage-account/main.bicep')]),
      [['not-scanned', true]],
    );
    assert.ok(diagnostics[0].message.includes('br/public:avm/res/network/private-endpoint:0.7.1'));
  });

  it('computes the account properties as a deployment would', () => {
    const account = byAddress(resources, `${MODULE}storageAccount`);
    assert.deepEqual(toPlain(account.identity), {
      type: 'UserAssigned',
      userAssignedIdentities: {
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-records': {},
      },
    });
    assert.equal(lookup(account, 'properties.encryption.keySource').kind, 'present');
    assert.deepEqual(toPlain(account.properties), {
      encryption: {
        keySource: 'Microsoft.Keyvault',
        services: { blob: { enabled: true }, file: { enabled: true } },
        keyvaultproperties: {
          keyname: 'cmk-records',
          keyvaulturi: 'cMKKeyVault!.properties.vaultUri',
          keyversion: "last(split(cMKKeyVault::cMKKey!.properties.keyUriWithVersion, '/'))",
        },
        identity: {
          userAssignedIdentity:
            '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-records',
        },
        requireInfrastructureEncryption: true,
      },
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24' }] },
      publicNetworkAccess: null,
    });
    assert.equal(lookup(account, 'properties.encryption.keyvaultproperties.keyvaulturi').kind, 'unresolved');
  });

  it('links the extension resources to the account and resolves built-in role names', () => {
    const account = byAddress(resources, `${MODULE}storageAccount`);
    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory
        .related(account, 'extensions')
        .map((r) => r.type)
        .sort(),
      [
        'Microsoft.Authorization/roleAssignments',
        'Microsoft.Authorization/roleAssignments',
        'Microsoft.Insights/diagnosticSettings',
      ],
    );
    const reader = byAddress(resources, `${MODULE}storageAccount_roleAssignments[0]`);
    assert.equal(
      (reader.properties as { roleDefinitionId: string }).roleDefinitionId,
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
    );
    assert.match(reader.name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('builds child resources of an existing parent in the child module', () => {
    const container = byAddress(resources, `${MODULE}storageAccount_blobServices.resources.blobContainers[1]`);
    assert.equal(container.name, 'stcontosorecords/default/exports');
    assert.equal(
      container.id,
      `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stcontosorecords/blobServices/default/containers/exports`,
    );
    assert.deepEqual(toPlain(container.properties), { publicAccess: 'None', metadata: null });
    const service = byAddress(resources, `${MODULE}storageAccount_blobServices.resources.blobServices`);
    assert.equal(lookup(service, 'properties.deleteRetentionPolicy.days').kind, 'present');
    assert.equal(service.locations?.get('properties.deleteretentionpolicy.days')?.file, MAIN);
  });
});

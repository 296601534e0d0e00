// azurerm_management_lock -> Microsoft.Authorization/locks scoped to the resource it names, so a lock `phiguard fix`
// writes (or one the estate has) is seen by the rescan.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTerraformFiles } from '../../../src/ingest/terraform/index.js';

const MAIN = `resource "azurerm_storage_account" "phi" {
  name                     = "stphi"
  resource_group_name      = "rg-phi"
  location                 = "eastus"
  account_tier             = "Standard"
  account_replication_type = "GRS"
}

resource "azurerm_management_lock" "phi" {
  name       = "phi-no-delete"
  scope      = azurerm_storage_account.phi.id
  lock_level = "CanNotDelete"
  notes      = "PHI documents"
}
`;

describe('azurerm_management_lock mapping', () => {
  it('maps to Microsoft.Authorization/locks with level and notes, scoped to and linked with the resource', () => {
    const { resources } = loadTerraformFiles({ 'main.tf': MAIN }, {});
    const account = resources.find((r) => r.type === 'Microsoft.Storage/storageAccounts');
    const lock = resources.find((r) => r.type === 'Microsoft.Authorization/locks');
    assert.ok(account && lock);
    assert.equal(lock.scope?.toLowerCase(), account.id.toLowerCase());
    assert.equal(
      lock.id.toLowerCase(),
      `${account.id}/providers/Microsoft.Authorization/locks/phi-no-delete`.toLowerCase(),
    );
    assert.deepEqual(lock.properties, { level: 'CanNotDelete', notes: 'PHI documents' });
    assert.ok(lock.locations?.get('properties.level'), 'the level is located in the source');
  });

  it('keeps an unresolvable scope visible in the lock scope rather than guessing an id', () => {
    const { resources } = loadTerraformFiles(
      {
        'main.tf':
          'resource "azurerm_management_lock" "x" {\n  name = "x"\n  scope = var.target\n  lock_level = "ReadOnly"\n}\n',
      },
      {},
    );
    const lock = resources.find((r) => r.type === 'Microsoft.Authorization/locks');
    assert.ok(lock);
    assert.deepEqual(lock.properties, { level: 'ReadOnly' });
    assert.match(lock.scope ?? '', /var\.target/);
  });
});

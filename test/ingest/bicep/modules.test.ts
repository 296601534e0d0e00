import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory } from '../../../src/core/inventory.js';
import { lookup } from '../../../src/core/path.js';
import { bicep, byAddress, lineOf, RG_ID, SUB } from './helpers.js';

const STORAGE_MODULE = `
param name string
param tls string = 'TLS1_2'
param location string = resourceGroup().location

resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: name
  location: location
  properties: {
    minimumTlsVersion: tls
    deployedBy: deployment().name
  }
}

output id string = sa.id
output name string = sa.name
output endpoint string = sa.properties.primaryEndpoints.blob
`;

describe('Bicep modules', () => {
  it('evaluates local modules with their params, addresses and files, and reads their outputs', () => {
    const main = `
module storage 'modules/storage.bicep' = {
  name: 'storage-deployment'
  params: {
    name: 'phistore'
    tls: 'TLS1_0'
  }
}

resource pe 'Microsoft.Network/privateEndpoints@2023-05-01' = {
  name: 'pe-phistore'
  properties: {
    privateLinkServiceConnections: [
      {
        name: 'blob'
        properties: {
          privateLinkServiceId: storage.outputs.id
          groupIds: ['blob']
        }
      }
    ]
    note: storage.outputs.endpoint
  }
}
`;
    const { resources, diagnostics } = bicep(main, { files: { 'modules/storage.bicep': STORAGE_MODULE } });
    assert.deepEqual(diagnostics, []);
    const account = byAddress(resources, 'storage.resources.sa');
    assert.equal(account.file, 'modules/storage.bicep');
    assert.equal(account.id, `${RG_ID}/providers/Microsoft.Storage/storageAccounts/phistore`);
    assert.equal(lookup(account, 'properties.minimumTlsVersion').kind, 'present');
    assert.deepEqual((account.properties as Record<string, unknown>).deployedBy, 'storage-deployment');
    // The value was written in the parent's module block: the finding must point there.
    assert.deepEqual(
      {
        file: account.locations?.get('properties.minimumtlsversion')?.file,
        line: account.locations?.get('properties.minimumtlsversion')?.line,
      },
      { file: 'main.bicep', line: lineOf(main, "tls: 'TLS1_0'") },
    );
    assert.equal(account.via?.get('properties.minimumtlsversion'), 'module parameter');
    // A module's default applies when the parent gives no value (location = the module's resourceGroup()).
    assert.equal(account.location, 'eastus');
    assert.equal(account.locations?.get('location')?.file, 'modules/storage.bicep');

    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory.related(account, 'privateEndpoints').map((r) => r.address),
      ['pe'],
    );
    assert.equal(lookup(byAddress(resources, 'pe'), 'properties.note').kind, 'unresolved');
  });

  it('deploys into the scope a module names, at subscription level too', () => {
    const main = `
targetScope = 'subscription'
resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-data'
  location: 'eastus2'
}
module inRg 'modules/storage.bicep' = {
  name: 'in-rg'
  scope: rg
  params: { name: 'stone' }
}
module byName 'modules/storage.bicep' = {
  name: 'by-name'
  scope: resourceGroup('other-sub', 'rg-other')
  params: { name: 'sttwo' }
}
`;
    const { resources } = bicep(main, { files: { 'modules/storage.bicep': STORAGE_MODULE } });
    assert.deepEqual(
      resources.map((r) => r.id),
      [
        `/subscriptions/${SUB}/resourceGroups/rg-data`,
        `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stone`,
        '/subscriptions/other-sub/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/sttwo',
      ],
    );
  });

  it('expands module loops and conditions, and nests module addresses', () => {
    const main = `
param regions array = ['eastus', 'westus']
module perRegion 'modules/wrapper.bicep' = [for (region, i) in regions: {
  name: 'wrap-\${i}'
  params: { name: 'st\${region}' }
}]
module off 'modules/storage.bicep' = if (false) {
  name: 'off'
  params: { name: 'never' }
}
`;
    const wrapper = `
param name string
module inner './storage.bicep' = {
  name: 'inner'
  params: { name: name }
}
`;
    const { resources } = bicep(main, {
      files: { 'modules/storage.bicep': STORAGE_MODULE, 'modules/wrapper.bicep': wrapper },
    });
    assert.deepEqual(
      resources.map((r) => `${r.address}=${r.name}`),
      ['perRegion[0].resources.inner.resources.sa=steastus', 'perRegion[1].resources.inner.resources.sa=stwestus'],
    );
  });

  it('reports registry and template-spec modules as not scanned, at their line', () => {
    const main = `
module avm 'br/public:avm/res/storage/storage-account:0.9.0' = {
  name: 'avm'
  params: { name: 'x' }
}
module spec 'ts:00000000-0000-0000-0000-000000000000/rg/spec:1.0' = {
  name: 'spec'
}
module local 'modules/storage.bicep' = {
  name: 'local'
  params: { name: 'stlocal' }
}
`;
    const { resources, diagnostics } = bicep(main, { files: { 'modules/storage.bicep': STORAGE_MODULE } });
    assert.deepEqual(
      resources.map((r) => r.address),
      ['local.resources.sa'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.file, d.line, d.column]),
      [
        ['not-scanned', 'main.bicep', 2, 12],
        ['not-scanned', 'main.bicep', 6, 13],
      ],
    );
    assert.ok(diagnostics[0].message.includes("'br/public:avm/res/storage/storage-account:0.9.0'"));
  });

  it('reports missing and invalid module files and still scans the rest', () => {
    const main = `
module gone 'modules/gone.bicep' = { name: 'gone' }
module broken 'modules/broken.bicep' = { name: 'broken' }
module arm 'modules/template.json' = { name: 'arm' }
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'stkept' }
`;
    const { resources, diagnostics } = bicep(main, {
      files: {
        'modules/broken.bicep': "resource x 'T@1' = {\n  name: 'x'\n  oops\n}\n",
        'modules/template.json': '{"a": 1}',
      },
    });
    assert.deepEqual(
      resources.map((r) => r.address),
      ['sa'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.file, d.line]),
      [
        ['read-error', 'main.bicep', 2],
        ['parse-error', 'modules/broken.bicep', 4],
        ['parse-error', 'modules/template.json', 1],
      ],
    );
  });

  it("scans an ARM JSON template used as a module with the module block's values", () => {
    const template = JSON.stringify(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: {
          name: { type: 'string' },
          tls: { type: 'string', defaultValue: 'TLS1_2' },
          secret: { type: 'securestring' },
        },
        resources: [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2023-01-01',
            name: "[parameters('name')]",
            properties: {
              minimumTlsVersion: "[parameters('tls')]",
              label: '[deployment().name]',
              key: "[parameters('secret')]",
            },
          },
        ],
      },
      null,
      2,
    );
    const main = `
param unknownName string
module legacy 'modules/legacy.json' = {
  name: 'legacy-deployment'
  scope: resourceGroup('rg-legacy')
  params: {
    name: 'stlegacy'
    tls: 'TLS1_0'
    secret: 'never-printed'
  }
}
module other 'modules/legacy.json' = {
  name: 'other'
  params: { name: unknownName }
}
`;
    const { resources, diagnostics } = bicep(main, { files: { 'modules/legacy.json': template } });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      resources.map((r) => [r.address, r.origin, r.file, r.id]),
      [
        [
          'legacy.resources[0]',
          'arm',
          'modules/legacy.json',
          `/subscriptions/${SUB}/resourceGroups/rg-legacy/providers/Microsoft.Storage/storageAccounts/stlegacy`,
        ],
        [
          'other.resources[0]',
          'arm',
          'modules/legacy.json',
          `${RG_ID}/providers/Microsoft.Storage/storageAccounts/unknownName`,
        ],
      ],
    );
    const properties = resources[0].properties as Record<string, unknown>;
    assert.equal(properties.minimumTlsVersion, 'TLS1_0');
    assert.equal(properties.label, 'legacy-deployment');
    assert.ok(!JSON.stringify(resources).includes('never-printed'));
  });

  it('warns about params a module does not declare', () => {
    const main =
      "module m 'modules/storage.bicep' = {\n  name: 'm'\n  params: {\n    name: 'st'\n    typo: 1\n  }\n}\n";
    const { diagnostics } = bicep(main, { files: { 'modules/storage.bicep': STORAGE_MODULE } });
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line, d.message]),
      [['warning', 5, "value given for parameter 'typo', which modules/storage.bicep does not declare"]],
    );
  });
});

describe('Bicep module and import cycles', () => {
  it('stops at a module that deploys itself, with a warning', () => {
    const main =
      "module again 'main.bicep' = { name: 'again' }\nresource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'st' }\n";
    const { resources, diagnostics } = bicep(main, { files: { 'main.bicep': main } });
    assert.deepEqual(
      resources.map((r) => r.address),
      ['sa'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['warning', 1]],
    );
  });

  it('stops at files that import each other', () => {
    const a = "import { b } from 'b.bicep'\n@export()\nvar a = 'A'\n";
    const b = "import { a } from 'a.bicep'\n@export()\nvar b = 'B'\n";
    const main = "import { a } from 'a.bicep'\nresource r 'Microsoft.Test/things@2020-01-01' = {\n  name: a\n}\n";
    const { resources, diagnostics } = bicep(main, { files: { 'a.bicep': a, 'b.bicep': b } });
    assert.equal(resources[0].name, 'A');
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.file]),
      [['warning', 'b.bicep']],
    );
  });
});

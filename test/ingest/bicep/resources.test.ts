// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Bicep sources in these strings use ${...} interpolation
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory } from '../../../src/core/inventory.js';
import { Unresolved } from '../../../src/core/types.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import { bicep, byAddress, lineOf, RG_ID, SUB } from './helpers.js';

const STORAGE = `
param location string = 'eastus'
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'phistore'
  location: location
  properties: {
    minimumTlsVersion: 'TLS1_2'
  }

  resource blob 'blobServices' = {
    name: 'default'

    resource container 'containers@2022-09-01' = {
      name: 'records'
      properties: {
        publicAccess: 'None'
      }
    }
  }
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-01-01' = {
  parent: sa
  name: 'default'
}

resource diag 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-workspace'
  scope: sa::blob
  properties: {
    workspaceId: resourceId('Microsoft.OperationalInsights/workspaces', 'log')
  }
}
`;

/** The same deployment as Bicep compiles it (classic ARM JSON), for the ARM adapter. */
const COMPILED = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
      apiVersion: '2022-09-01',
      name: "[format('{0}/{1}/{2}', 'phistore', 'default', 'records')]",
      properties: { publicAccess: 'None' },
    },
    {
      type: 'Microsoft.Storage/storageAccounts/blobServices',
      apiVersion: '2023-01-01',
      name: "[format('{0}/{1}', 'phistore', 'default')]",
    },
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: 'phistore',
      location: 'eastus',
      properties: { minimumTlsVersion: 'TLS1_2' },
    },
    {
      type: 'Microsoft.Storage/storageAccounts/queueServices',
      apiVersion: '2023-01-01',
      name: "[format('{0}/{1}', 'phistore', 'default')]",
    },
    {
      type: 'Microsoft.Insights/diagnosticSettings',
      apiVersion: '2021-05-01-preview',
      scope: "[format('Microsoft.Storage/storageAccounts/{0}/blobServices/{1}', 'phistore', 'default')]",
      name: 'to-workspace',
      properties: { workspaceId: "[resourceId('Microsoft.OperationalInsights/workspaces', 'log')]" },
    },
  ],
};

describe('Bicep resources: identity as the compiled template has it', () => {
  const { resources, diagnostics } = bicep(STORAGE);

  it('emits declared resources with Bicep addresses, in declaration order', () => {
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      resources.map((r) => r.address),
      ['sa', 'sa::blob', 'sa::blob::container', 'queues', 'diag'],
    );
    assert.ok(resources.every((r) => r.origin === 'bicep' && r.file === 'main.bicep'));
  });

  it('gives type, name, id and apiVersion exactly as the ARM adapter gives them for the compiled template', () => {
    const armResources = parseArmTemplate({ file: 'main.json', text: JSON.stringify(COMPILED) }).resources;
    const shape = (r: { type: string; name: string; id: string; apiVersion?: string; scope?: string }) =>
      `${r.type} ${r.name} ${r.id} ${r.apiVersion} ${r.scope ?? '-'}`;
    assert.deepEqual(resources.map(shape).sort(), armResources.map(shape).sort());
  });

  it('composes nested child types and names, inheriting the parent API version when the child names none', () => {
    const container = byAddress(resources, 'sa::blob::container');
    assert.equal(container.type, 'Microsoft.Storage/storageAccounts/blobServices/containers');
    assert.equal(container.name, 'phistore/default/records');
    assert.equal(
      container.id,
      `${RG_ID}/providers/Microsoft.Storage/storageAccounts/phistore/blobServices/default/containers/records`,
    );
    assert.equal(container.apiVersion, '2022-09-01');
    assert.equal(byAddress(resources, 'sa::blob').apiVersion, '2023-01-01');
  });

  it('scopes extension resources to the resource they extend, so the Inventory links them', () => {
    const diag = byAddress(resources, 'diag');
    const blobId = byAddress(resources, 'sa::blob').id;
    assert.equal(diag.scope, blobId);
    assert.equal(diag.id, `${blobId}/providers/Microsoft.Insights/diagnosticSettings/to-workspace`);
    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory.related(byAddress(resources, 'sa::blob'), 'diagnosticSettings').map((r) => r.address),
      ['diag'],
    );
  });

  it('records where each resource is declared', () => {
    assert.equal(byAddress(resources, 'sa').at?.line, lineOf(STORAGE, "resource sa '"));
    assert.equal(byAddress(resources, 'sa::blob::container').at?.line, lineOf(STORAGE, "resource container '"));
  });
});

describe('Bicep resources: existing, loops, conditions', () => {
  it('does not emit existing resources but resolves their ids, in another resource group too', () => {
    const text = `
resource vnet 'Microsoft.Network/virtualNetworks@2023-05-01' existing = {
  name: 'hub'
  scope: resourceGroup('rg-net')
  resource snet 'subnets' existing = {
    name: 'data'
  }
}
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
  // A non-existing child of an existing parent is deployed.
  resource key 'keys' = {
    name: 'cmk'
    properties: {}
  }
}
resource nic 'Microsoft.Network/networkInterfaces@2023-05-01' = {
  name: 'nic'
  properties: {
    subnet: { id: vnet::snet.id }
    name: vnet::snet.name
    unknown: vnet.properties.addressSpace
  }
}
`;
    const { resources } = bicep(text);
    assert.deepEqual(
      resources.map((r) => r.address),
      ['kv::key', 'nic'],
    );
    assert.equal(byAddress(resources, 'kv::key').name, 'kv/cmk');
    const properties = byAddress(resources, 'nic').properties as Record<string, unknown>;
    assert.deepEqual(properties.subnet, {
      id: `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/data`,
    });
    assert.equal(properties.name, 'data');
    assert.ok(properties.unknown instanceof Unresolved);
  });

  it('expands resource loops (with index, filter and references to instances)', () => {
    const text = `
param names array = ['a', 'b', 'c']
resource accounts 'Microsoft.Storage/storageAccounts@2023-01-01' = [for (n, i) in names: if (n != 'b') {
  name: 'st\${n}\${i}'
}]
resource pe 'Microsoft.Network/privateEndpoints@2023-05-01' = {
  name: 'pe'
  properties: {
    target: accounts[2].id
    count: length(names)
  }
}
`;
    const { resources } = bicep(text);
    assert.deepEqual(
      resources.map((r) => `${r.address}=${r.name}`),
      ['accounts[0]=sta0', 'accounts[2]=stc2', 'pe=pe'],
    );
    const properties = byAddress(resources, 'pe').properties as Record<string, unknown>;
    assert.equal(properties.target, `${RG_ID}/providers/Microsoft.Storage/storageAccounts/stc2`);
  });

  it('scans a loop over an unknown source once, with a warning', () => {
    const text = `
param names array
resource accounts 'Microsoft.Storage/storageAccounts@2023-01-01' = [for n in names: {
  name: n
  properties: {
    minimumTlsVersion: 'TLS1_0'
  }
}]
`;
    const { resources, diagnostics } = bicep(text);
    assert.deepEqual(
      resources.map((r) => r.address),
      ['accounts[*]'],
    );
    assert.equal((resources[0].properties as Record<string, unknown>).minimumTlsVersion, 'TLS1_0');
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line, d.message]),
      [['warning', 3, 'loop source of accounts cannot be resolved (names); scanned once with an unknown item']],
    );
  });

  it('skips resources whose condition is false and scans unknown conditions with a warning', () => {
    const text = `
param deploy bool = false
param unknownFlag bool
resource off 'Microsoft.Storage/storageAccounts@2023-01-01' = if (deploy) { name: 'off' }
resource maybe 'Microsoft.Storage/storageAccounts@2023-01-01' = if (unknownFlag) { name: 'maybe' }
`;
    const { resources, diagnostics } = bicep(text);
    assert.deepEqual(
      resources.map((r) => r.address),
      ['maybe'],
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line, d.message]),
      [['warning', 5, 'condition of maybe cannot be resolved (unknownFlag); scanned as if deployed']],
    );
  });

  it('evaluates nested children once per instance of a looped parent', () => {
    const text = `
resource servers 'Microsoft.Sql/servers@2023-05-01-preview' = [for name in ['s1', 's2']: {
  name: name
  resource rule 'firewallRules' = {
    name: 'rule-\${name}'
    properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
  }
}]
`;
    const { resources } = bicep(text);
    assert.deepEqual(
      resources.map((r) => `${r.address}=${r.name}`),
      ['servers[0]=s1', 'servers[0]::rule=s1/rule-s1', 'servers[1]=s2', 'servers[1]::rule=s2/rule-s2'],
    );
  });

  it('normalizes the legacy <type>/providers/<extension> form like the ARM adapter', () => {
    const text = `
resource diag 'Microsoft.Storage/storageAccounts/providers/diagnosticSettings@2021-05-01-preview' = {
  name: 'sa/Microsoft.Insights/audit'
  properties: {}
}
`;
    const [diag] = bicep(text).resources;
    assert.equal(diag.type, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(diag.name, 'audit');
    assert.equal(diag.scope, `${RG_ID}/providers/Microsoft.Storage/storageAccounts/sa`);
  });

  it('keeps an unknown name as its expression and still builds a well-formed id', () => {
    const [account] = bicep(
      "param name string\nresource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: '${name}01' }\n",
    ).resources;
    assert.equal(account.name, "'${name}01'");
    assert.equal(account.id, `${RG_ID}/providers/Microsoft.Storage/storageAccounts/'\${name}01'`);
  });

  it('says nothing about empty telemetry deployments, but reports other deployment resources as not scanned', () => {
    const text = `
resource telemetry 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'pid-telemetry'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: []
    }
  }
}
resource linked 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'linked'
  properties: {
    mode: 'Incremental'
    templateLink: { uri: 'https://example.org/t.json' }
  }
}
`;
    const { resources, diagnostics } = bicep(text);
    assert.deepEqual(resources, []);
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line]),
      [['not-scanned', lineOf(text, 'resource linked')]],
    );
  });
});

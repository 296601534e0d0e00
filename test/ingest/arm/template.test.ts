import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Inventory } from '../../../src/core/inventory.js';
import { Unresolved } from '../../../src/core/types.js';
import { byAddress, lineOf, only, parse, RG_ID, SUB, template } from './helpers.js';

const SA = 'Microsoft.Storage/storageAccounts';
const SA_ID = `${RG_ID}/providers/${SA}`;

function storage(name: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: SA,
    apiVersion: '2023-01-01',
    name,
    location: 'eastus',
    properties: { minimumTlsVersion: 'TLS1_2' },
    ...extra,
  };
}

describe('ARM templates: resource forms', () => {
  it('emits classic resources with canonical id, type, name, address and origin', () => {
    const { resources, text } = parse(
      template([
        storage('sa1'),
        { type: 'Microsoft.Network/networkSecurityGroups', apiVersion: '2023-04-01', name: 'nsg' },
      ]),
    );
    assert.equal(resources.length, 2);
    const [account, nsg] = resources;
    assert.equal(account.id, `${SA_ID}/sa1`);
    assert.equal(account.type, SA);
    assert.equal(account.name, 'sa1');
    assert.equal(account.apiVersion, '2023-01-01');
    assert.equal(account.address, 'resources[0]');
    assert.equal(account.origin, 'arm');
    assert.equal(account.file, 'main.json');
    assert.equal(account.location, 'eastus');
    assert.deepEqual(account.properties, { minimumTlsVersion: 'TLS1_2' });
    assert.equal(account.at?.line, lineOf(text, `"type": "${SA}"`) - 1);
    assert.equal(nsg.address, 'resources[1]');
    assert.equal(nsg.properties, undefined, 'absent sections stay absent');
  });

  it('languageVersion 2.0: symbolic names, existing resources only as references, symbolic scope', () => {
    const { resources } = parse(
      template(
        {
          vnet: { existing: true, type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-04-01', name: 'hub' },
          storageAccount: storage("[format('st{0}', 'phi')]", { dependsOn: ['vnet'] }),
          diag: {
            type: 'Microsoft.Insights/diagnosticSettings',
            apiVersion: '2021-05-01-preview',
            scope: 'storageAccount',
            name: 'audit',
            properties: { workspaceId: 'ws' },
            dependsOn: ['storageAccount'],
          },
          peer: {
            type: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
            apiVersion: '2023-04-01',
            name: "[format('{0}/{1}', 'hub', 'toSpoke')]",
            properties: { remoteVirtualNetwork: { id: "[resourceId('Microsoft.Network/virtualNetworks', 'spoke')]" } },
          },
        },
        { languageVersion: '2.0' },
      ),
    );
    assert.deepEqual(
      resources.map((r) => r.address),
      ['storageAccount', 'diag', 'peer'],
    );
    const account = byAddress(resources, 'storageAccount');
    assert.equal(account.id, `${SA_ID}/stphi`);
    const diag = byAddress(resources, 'diag');
    assert.equal(diag.scope, account.id);
    assert.equal(diag.id, `${account.id}/providers/Microsoft.Insights/diagnosticSettings/audit`);
    assert.deepEqual(
      new Inventory(resources).related(account, 'diagnosticSettings').map((r) => r.address),
      ['diag'],
    );
    assert.equal(byAddress(resources, 'peer').name, 'hub/toSpoke');
  });

  it('mixes the two forms at different nesting depths', () => {
    const inner2 = template({ sa: storage('inner2') }, { languageVersion: '2.0' });
    const innerClassic = template([storage('innerclassic')]);
    const deployment = (name: string, body: unknown) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name,
      properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, template: body },
    });
    const classicOuter = parse(template([deployment('m', inner2)]));
    assert.deepEqual(
      classicOuter.resources.map((r) => r.address),
      ['resources[0].properties.template.resources.sa'],
    );
    const symbolicOuter = parse(template({ storageModule: deployment('m', innerClassic) }, { languageVersion: '2.0' }));
    assert.deepEqual(
      symbolicOuter.resources.map((r) => [r.address, r.name]),
      [['storageModule.properties.template.resources[0]', 'innerclassic']],
    );
  });

  it('composes nested child resources with their parent (type, name, id, address)', () => {
    const { resources } = parse(
      template([
        {
          type: 'Microsoft.Sql/servers',
          apiVersion: '2023-05-01-preview',
          name: 'sqlsrv',
          properties: {},
          resources: [
            {
              type: 'firewallRules',
              apiVersion: '2023-05-01-preview',
              name: 'AllowAll',
              properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' },
            },
            {
              type: 'Microsoft.Sql/servers/databases',
              apiVersion: '2023-05-01-preview',
              name: 'sqlsrv/db',
              properties: {},
              resources: [
                {
                  type: 'transparentDataEncryption',
                  apiVersion: '2023-05-01-preview',
                  name: 'current',
                  properties: { state: 'Enabled' },
                },
              ],
            },
          ],
        },
      ]),
    );
    const rule = byAddress(resources, 'resources[0].resources[0]');
    assert.equal(rule.type, 'Microsoft.Sql/servers/firewallRules');
    assert.equal(rule.name, 'sqlsrv/AllowAll');
    assert.equal(rule.id, `${RG_ID}/providers/Microsoft.Sql/servers/sqlsrv/firewallRules/AllowAll`);
    const tde = byAddress(resources, 'resources[0].resources[1].resources[0]');
    assert.equal(tde.type, 'Microsoft.Sql/servers/databases/transparentDataEncryption');
    assert.equal(tde.name, 'sqlsrv/db/current');
    const inventory = new Inventory(resources);
    const server = only(resources, 'Microsoft.Sql/servers');
    assert.deepEqual(
      inventory
        .related(server, 'children')
        .map((r) => r.name)
        .sort(),
      ['sqlsrv/AllowAll', 'sqlsrv/db'],
    );
  });

  it('unwraps the Microsoft.Blueprint/blueprints/artifacts envelope', () => {
    const { resources } = parse({
      kind: 'template',
      type: 'Microsoft.Blueprint/blueprints/artifacts',
      name: 'artifact',
      properties: { template: template([storage('bp')]), parameters: {} },
    });
    assert.deepEqual(
      resources.map((r) => [r.address, r.name]),
      [['properties.template.resources[0]', 'bp']],
    );
  });

  it('subscription-level templates build subscription-scoped ids', () => {
    const { resources } = parse({
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2022-09-01', name: 'rg-phi', location: 'eastus' },
        {
          type: 'Microsoft.Authorization/roleDefinitions',
          apiVersion: '2022-04-01',
          name: 'custom',
          properties: {
            assignableScopes: [
              "[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'x')]",
              '[subscription().id]',
            ],
          },
        },
      ],
    });
    assert.equal(resources[0].id, `/subscriptions/${SUB}/resourceGroups/rg-phi`);
    assert.equal(resources[1].id, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/custom`);
  });
});

describe('ARM templates: copy and condition', () => {
  it('expands resource copy loops with copyIndex() and stable addresses', () => {
    const { resources } = parse(
      template(
        [
          storage("[concat('sa', copyIndex(1))]", {
            copy: { name: 'accounts', count: "[length(parameters('names'))]" },
            tags: { n: "[parameters('names')[copyIndex()]]" },
          }),
        ],
        {
          parameters: { names: { type: 'array', defaultValue: ['a', 'b', 'c'] } },
        },
      ),
    );
    assert.deepEqual(
      resources.map((r) => [r.address, r.name, r.tags]),
      [
        ['resources[0][0]', 'sa1', { n: 'a' }],
        ['resources[0][1]', 'sa2', { n: 'b' }],
        ['resources[0][2]', 'sa3', { n: 'c' }],
      ],
    );
  });

  it('expands property copy inside properties', () => {
    const { resources } = parse(
      template(
        [
          {
            type: 'Microsoft.Network/networkSecurityGroups',
            apiVersion: '2023-04-01',
            name: 'nsg',
            properties: {
              copy: [
                {
                  name: 'securityRules',
                  count: "[length(variables('ports'))]",
                  input: {
                    name: "[concat('allow-', variables('ports')[copyIndex('securityRules')])]",
                    properties: {
                      access: 'Allow',
                      destinationPortRange: "[variables('ports')[copyIndex('securityRules')]]",
                      priority: "[add(100, copyIndex('securityRules'))]",
                    },
                  },
                },
              ],
            },
          },
        ],
        { variables: { ports: ['22', '3389'] } },
      ),
    );
    assert.deepEqual(resources[0].properties, {
      securityRules: [
        { name: 'allow-22', properties: { access: 'Allow', destinationPortRange: '22', priority: 100 } },
        { name: 'allow-3389', properties: { access: 'Allow', destinationPortRange: '3389', priority: 101 } },
      ],
    });
    assert.ok(resources[0].locations?.has('properties.securityrules.1.properties.access'));
  });

  it('an unresolvable copy count scans one instance and warns', () => {
    const parsed = parse(
      template([storage("[concat('sa', copyIndex())]", { copy: { name: 'c', count: "[parameters('n')]" } })], {
        parameters: { n: { type: 'int' } },
      }),
    );
    assert.equal(parsed.resources.length, 1);
    assert.equal(parsed.resources[0].address, 'resources[0][*]');
    assert.equal(parsed.diagnostics[0].kind, 'warning');
    assert.equal(parsed.diagnostics[0].line, lineOf(parsed.text, '"count"'));
  });

  it('condition false skips, true emits, unresolvable emits with a warning at the condition', () => {
    const parsed = parse(
      template(
        [
          storage('off', { condition: "[equals(parameters('env'), 'prod')]" }),
          storage('on', { condition: "[not(equals(parameters('env'), 'prod'))]" }),
          storage('unknown', { condition: "[parameters('deploy')]" }),
          storage('literal', { condition: false }),
        ],
        { parameters: { env: { type: 'string', defaultValue: 'dev' }, deploy: { type: 'bool' } } },
      ),
    );
    assert.deepEqual(
      parsed.resources.map((r) => r.name),
      ['on', 'unknown'],
    );
    assert.equal(parsed.diagnostics.length, 1);
    const [warning] = parsed.diagnostics;
    assert.equal(warning.kind, 'warning');
    assert.equal(warning.file, 'main.json');
    assert.equal(warning.line, lineOf(parsed.text, `"[parameters('deploy')]"`));
    assert.match(warning.message, /condition of resources\[2\] cannot be resolved \(\[parameters\('deploy'\)\]\)/);
  });
});

describe('ARM templates: nested deployments', () => {
  function nested(scope: 'inner' | 'outer' | undefined, inner: unknown, extra: Record<string, unknown> = {}) {
    return {
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: 'nested',
      ...extra,
      properties: {
        mode: 'Incremental',
        ...(scope ? { expressionEvaluationOptions: { scope } } : {}),
        ...(extra.properties as Record<string, unknown> | undefined),
        template: inner,
      },
    };
  }

  it('inner scope: its own parameters come from properties.parameters, evaluated in the parent', () => {
    const inner = template(
      [
        storage("[parameters('accountName')]", {
          properties: { minimumTlsVersion: "[parameters('tls')]", note: "[variables('v')]" },
        }),
      ],
      {
        parameters: {
          accountName: { type: 'string' },
          tls: { type: 'string', defaultValue: 'TLS1_0' },
          prefix: { type: 'string', defaultValue: 'inner' },
        },
        variables: { v: "[parameters('prefix')]" },
      },
    );
    const outer = template(
      [
        nested('inner', inner, {
          resourceGroup: 'rg-data',
          properties: { parameters: { accountName: { value: "[concat(parameters('prefix'), 'sa')]" } } },
        }),
      ],
      { parameters: { prefix: { type: 'string', defaultValue: 'outer' } }, variables: { v: 'outer-variable' } },
    );
    const { resources } = parse(outer);
    assert.equal(resources.length, 1);
    const [account] = resources;
    assert.equal(account.name, 'outersa');
    assert.deepEqual(account.properties, { minimumTlsVersion: 'TLS1_0', note: 'inner' });
    assert.equal(account.address, 'resources[0].properties.template.resources[0]');
    assert.equal(account.id, `/subscriptions/${SUB}/resourceGroups/rg-data/providers/${SA}/outersa`);
  });

  it('outer scope (the default): the nested template sees the parent parameters and variables', () => {
    const inner = template([
      storage("[variables('name')]", { properties: { minimumTlsVersion: "[parameters('tls')]" } }),
    ]);
    const outer = template([nested(undefined, inner)], {
      parameters: { tls: { type: 'string', defaultValue: 'TLS1_1' } },
      variables: { name: 'fromparent' },
    });
    const { resources } = parse(outer);
    assert.deepEqual(
      resources.map((r) => [r.name, r.properties]),
      [['fromparent', { minimumTlsVersion: 'TLS1_1' }]],
    );
  });

  it('a nested deployment inside a copy loop passes each copyIndex()', () => {
    const inner = template([storage("[parameters('n')]")], { parameters: { n: { type: 'string' } } });
    const outer = template([
      nested('inner', inner, {
        copy: { name: 'd', count: 2 },
        properties: { parameters: { n: { value: "[concat('acct', copyIndex())]" } } },
      }),
    ]);
    assert.deepEqual(
      parse(outer).resources.map((r) => [r.name, r.address]),
      [
        ['acct0', 'resources[0][0].properties.template.resources[0]'],
        ['acct1', 'resources[0][1].properties.template.resources[0]'],
      ],
    );
  });

  it('reports linked templates as not scanned, naming the file and line', () => {
    const parsed = parse(
      template([
        {
          type: 'Microsoft.Resources/deployments',
          apiVersion: '2022-09-01',
          name: 'linked',
          properties: { mode: 'Incremental', templateLink: { relativePath: 'modules/storage.json' } },
        },
      ]),
    );
    assert.deepEqual(parsed.resources, []);
    assert.equal(parsed.diagnostics.length, 1);
    const [diagnostic] = parsed.diagnostics;
    assert.equal(diagnostic.kind, 'not-scanned');
    assert.equal(diagnostic.file, 'main.json');
    assert.equal(diagnostic.line, lineOf(parsed.text, '"templateLink"'));
    assert.match(diagnostic.message, /modules\/storage\.json/);
  });
});

describe('ARM templates: unresolved values and secrets', () => {
  it('reference() stays Unresolved with its expression and location', () => {
    const parsed = parse(
      template([
        storage('sa', {
          properties: { encryption: { keyvaultproperties: { keyvaulturi: "[reference('kv').vaultUri]" } } },
        }),
      ]),
    );
    const value = (parsed.resources[0].properties as { encryption: { keyvaultproperties: { keyvaulturi: unknown } } })
      .encryption.keyvaultproperties.keyvaulturi;
    assert.ok(value instanceof Unresolved);
    assert.equal(value.expression, "[reference('kv').vaultUri]");
    assert.equal(value.at?.line, lineOf(parsed.text, '"keyvaulturi"'));
  });

  it('secure parameters never appear in resources or diagnostics', () => {
    const secret = 'Sup3r-S3cret!';
    const defaultSecret = 'D3fault-S3cret';
    const parsed = parse(
      template(
        [
          {
            type: 'Microsoft.Sql/servers',
            apiVersion: '2023-05-01-preview',
            name: 'sql',
            condition: "[not(empty(parameters('adminPassword')))]",
            properties: {
              administratorLoginPassword: "[parameters('adminPassword')]",
              other: "[concat('x', parameters('adminPassword'))]",
              fromDefault: "[parameters('backupPassword')]",
              settings: "[parameters('protected')]",
              tags: "[if(equals(parameters('adminPassword'), 'a'), 'x', 'y')]",
            },
          },
        ],
        {
          parameters: {
            adminPassword: { type: 'securestring' },
            backupPassword: { type: 'secureString', defaultValue: defaultSecret },
            protected: { type: 'secureObject', defaultValue: { key: defaultSecret } },
          },
        },
      ),
      { values: { adminPassword: secret } },
    );
    const serialized = JSON.stringify({ resources: parsed.resources, diagnostics: parsed.diagnostics });
    assert.ok(!serialized.includes(secret));
    assert.ok(!serialized.includes(defaultSecret));
    const properties = parsed.resources[0].properties as Record<string, unknown>;
    const password = properties.administratorLoginPassword;
    assert.ok(password instanceof Unresolved);
    assert.equal(password.expression, "[parameters('adminPassword')] (secure)");
    assert.ok(properties.fromDefault instanceof Unresolved);
    assert.ok(properties.settings instanceof Unresolved);
    assert.ok(properties.other instanceof Unresolved);
  });

  it('Key Vault references in the parameter file stay Unresolved', () => {
    const parsed = parse(
      template([storage('sa', { properties: { secret: "[parameters('pwd')]" } })], {
        parameters: { pwd: { type: 'string' } },
      }),
      {
        entries: {
          pwd: {
            reference: {
              keyVault: { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/kv' },
              secretName: 'pwd',
            },
          },
        },
      },
    );
    const value = (parsed.resources[0].properties as { secret: unknown }).secret;
    assert.ok(value instanceof Unresolved);
    assert.match(value.expression, /Key Vault secret 'pwd'/);
    // The value originates in the parameter file's reference, so that is where it is reported.
    assert.equal(value.at?.file, 'main.parameters.json');
    assert.equal(value.at?.line, lineOf(parsed.parametersText ?? '', '"reference"'));
  });
});

describe('ARM templates: extension resources and linking', () => {
  it('normalizes a scope written as a relative id (Bicep output)', () => {
    const { resources } = parse(
      template(
        [
          storage("[parameters('name')]"),
          {
            type: 'Microsoft.Insights/diagnosticSettings',
            apiVersion: '2021-05-01-preview',
            scope: "[format('Microsoft.Storage/storageAccounts/{0}', parameters('name'))]",
            name: 'diag',
            properties: {},
          },
        ],
        { parameters: { name: { type: 'string', defaultValue: 'phisa' } } },
      ),
    );
    const account = only(resources, SA);
    const diag = only(resources, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(diag.scope, `${SA_ID}/phisa`);
    assert.equal(diag.id, `${SA_ID}/phisa/providers/Microsoft.Insights/diagnosticSettings/diag`);
    assert.deepEqual(new Inventory(resources).related(account, 'diagnosticSettings'), [diag]);
  });

  it('normalizes the legacy `<type>/providers/<extension>` form, top-level and nested', () => {
    const { resources } = parse(
      template([
        storage('sa', {
          resources: [
            {
              type: 'providers/diagnosticSettings',
              apiVersion: '2021-05-01-preview',
              name: 'Microsoft.Insights/nested',
              properties: {},
            },
          ],
        }),
        {
          type: 'Microsoft.Storage/storageAccounts/blobServices/providers/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          name: 'sa/default/Microsoft.Insights/blobdiag',
          properties: {},
        },
        {
          type: 'Microsoft.Storage/storageAccounts/providers/roleAssignments',
          apiVersion: '2022-04-01',
          name: 'sa/Microsoft.Authorization/ra1',
          properties: {},
        },
      ]),
    );
    const nested = byAddress(resources, 'resources[0].resources[0]');
    assert.equal(nested.type, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(nested.name, 'nested');
    assert.equal(nested.scope, `${SA_ID}/sa`);
    assert.equal(nested.id, `${SA_ID}/sa/providers/Microsoft.Insights/diagnosticSettings/nested`);
    const blob = byAddress(resources, 'resources[1]');
    assert.equal(blob.scope, `${SA_ID}/sa/blobServices/default`);
    assert.equal(blob.name, 'blobdiag');
    const assignment = byAddress(resources, 'resources[2]');
    assert.equal(assignment.type, 'Microsoft.Authorization/roleAssignments');
    assert.equal(assignment.scope, `${SA_ID}/sa`);
    const account = byAddress(resources, 'resources[0]');
    assert.deepEqual(
      new Inventory(resources).related(account, 'extensions').map((r) => r.name),
      ['nested', 'ra1'],
    );
  });

  it('keeps an unresolvable target visible: scope is the expression, the id stays well-formed', () => {
    const { resources } = parse(
      template(
        [
          {
            type: 'Microsoft.Insights/diagnosticSettings',
            apiVersion: '2021-05-01-preview',
            scope: "[format('Microsoft.Storage/storageAccounts/{0}', parameters('name'))]",
            name: 'diag',
            properties: {},
          },
          {
            type: 'Microsoft.Storage/storageAccounts/providers/diagnosticSettings',
            apiVersion: '2021-05-01-preview',
            name: "[concat(parameters('name'), '/Microsoft.Insights/legacy')]",
            properties: {},
          },
        ],
        { parameters: { name: { type: 'string' } } },
      ),
    );
    assert.deepEqual(
      resources.map((r) => [r.type, r.scope]),
      [
        [
          'Microsoft.Insights/diagnosticSettings',
          "[format('Microsoft.Storage/storageAccounts/{0}', parameters('name'))]",
        ],
        ['Microsoft.Insights/diagnosticSettings', "[concat(parameters('name'), '/Microsoft.Insights/legacy')]"],
      ],
    );
    for (const resource of resources) assert.ok(resource.id.startsWith(`${RG_ID}/providers/Microsoft.Insights/`));
  });

  it('links a private endpoint to the account whose id resourceId() builds', () => {
    const { resources } = parse(
      template(
        [
          storage("[parameters('name')]"),
          {
            type: 'Microsoft.Network/privateEndpoints',
            apiVersion: '2023-04-01',
            name: 'pe',
            properties: {
              subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'pe')]" },
              privateLinkServiceConnections: [
                {
                  name: 'blob',
                  properties: {
                    privateLinkServiceId: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
                    groupIds: ['blob'],
                  },
                },
              ],
            },
          },
        ],
        { parameters: { name: { type: 'string', defaultValue: 'phidata' } } },
      ),
    );
    const inventory = new Inventory(resources);
    const account = only(resources, SA);
    const links = inventory.privateEndpointsTo(account);
    assert.equal(links.length, 1);
    assert.equal(links[0].endpoint.name, 'pe');
    assert.deepEqual(links[0].groupIds, ['blob']);
  });
});

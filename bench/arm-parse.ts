import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Inventory } from '../src/core/inventory.js';
import { lookup } from '../src/core/path.js';
import { parseArmTemplate } from '../src/ingest/arm/index.js';
import { generateArmTemplates } from './gen-arm-templates.js';
import { flags, runBundled } from './lib.js';

runBundled(import.meta.url, 'arm-parse');

const options = flags({ count: '2000', set: 'w3' });
const COUNT = Number(options.count);
const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function storage(i: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-01-01',
    name: `[concat(parameters('prefix'), 'st${i}', uniqueString(resourceGroup().id))]`,
    location: "[parameters('location')]",
    tags: "[variables('tags')]",
    sku: { name: "[parameters('skuName')]" },
    kind: 'StorageV2',
    identity: { type: 'SystemAssigned' },
    properties: {
      minimumTlsVersion: "[parameters('minTls')]",
      supportsHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: "[not(parameters('useAad'))]",
      publicNetworkAccess: "[if(parameters('private'), 'Disabled', 'Enabled')]",
      networkAcls: {
        bypass: 'AzureServices',
        defaultAction: 'Deny',
        ipRules: [{ value: '203.0.113.0/24', action: 'Allow' }],
        virtualNetworkRules: [{ id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'data')]" }],
      },
      encryption: {
        keySource: 'Microsoft.Keyvault',
        requireInfrastructureEncryption: true,
        keyvaultproperties: {
          keyname: 'cmk',
          keyvaulturi: "[reference(resourceId('Microsoft.KeyVault/vaults', 'kv')).vaultUri]",
        },
        services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
      },
    },
    resources: [
      {
        type: 'blobServices',
        apiVersion: '2023-01-01',
        name: 'default',
        dependsOn: [`[resourceId('Microsoft.Storage/storageAccounts', 'st${i}')]`],
        properties: { deleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: true },
      },
    ],
  };
}

function nsg(i: number): Record<string, unknown> {
  const rules = Array.from({ length: 4 + Math.floor(random() * 12) }, (_, r) => ({
    name: `rule-${r}`,
    properties: {
      protocol: pick(['Tcp', 'Udp', '*']),
      sourcePortRange: '*',
      destinationPortRange: pick(['22', '3389', '443', '1433', '5432', '80-90']),
      sourceAddressPrefix: pick(['*', 'Internet', 'VirtualNetwork', '10.0.0.0/8']),
      destinationAddressPrefix: '*',
      access: pick(['Allow', 'Deny']),
      priority: 100 + r,
      direction: 'Inbound',
      description: 'Generated rule with a longer description to pad the template size realistically.',
    },
  }));
  return {
    type: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: '2023-04-01',
    name: `[format('{0}-nsg-${i}', parameters('prefix'))]`,
    location: '[resourceGroup().location]',
    properties: { securityRules: rules },
  };
}

function sql(i: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Sql/servers',
    apiVersion: '2023-05-01-preview',
    name: `[concat(parameters('prefix'), '-sql${i}')]`,
    location: "[parameters('location')]",
    properties: {
      administratorLogin: 'sqladmin',
      administratorLoginPassword: "[parameters('adminPassword')]",
      minimalTlsVersion: '1.2',
      publicNetworkAccess: 'Disabled',
    },
    resources: [
      {
        type: 'firewallRules',
        apiVersion: '2023-05-01-preview',
        name: 'AllowAzure',
        properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' },
      },
      {
        type: 'databases',
        apiVersion: '2023-05-01-preview',
        name: "[concat('db', copyIndex())]",
        copy: { name: 'dbs', count: 2 },
        location: "[parameters('location')]",
        sku: { name: 'S0' },
        properties: { collation: 'SQL_Latin1_General_CP1_CI_AS' },
      },
    ],
  };
}

function web(i: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Web/sites',
    apiVersion: '2023-01-01',
    name: `[format('{0}-app-{1}', parameters('prefix'), ${i})]`,
    location: "[parameters('location')]",
    kind: 'app',
    properties: {
      httpsOnly: true,
      serverFarmId: "[resourceId('Microsoft.Web/serverfarms', 'plan')]",
      siteConfig: {
        minTlsVersion: '1.2',
        ftpsState: 'Disabled',
        http20Enabled: true,
        appSettings: Array.from({ length: 6 }, (_, n) => ({
          name: `SETTING_${n}`,
          value: `[concat('value-', '${n}')]`,
        })),
      },
    },
  };
}

function endpoint(i: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Network/privateEndpoints',
    apiVersion: '2023-04-01',
    name: `pe-${i}`,
    location: "[parameters('location')]",
    properties: {
      subnet: { id: "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'pe')]" },
      privateLinkServiceConnections: [
        {
          name: 'blob',
          properties: {
            privateLinkServiceId: `[resourceId('Microsoft.Storage/storageAccounts', concat(parameters('prefix'), 'st${i}'))]`,
            groupIds: ['blob'],
          },
        },
      ],
    },
  };
}

function diag(i: number): Record<string, unknown> {
  return {
    type: 'Microsoft.Insights/diagnosticSettings',
    apiVersion: '2021-05-01-preview',
    name: 'audit',
    scope: `[format('Microsoft.Storage/storageAccounts/{0}', concat(parameters('prefix'), 'st${i}'))]`,
    properties: {
      workspaceId: "[parameters('workspaceId')]",
      logs: [{ categoryGroup: 'allLogs', enabled: true }],
      metrics: [{ category: 'Transaction', enabled: true }],
    },
  };
}

const BUILDERS = [storage, nsg, sql, web, endpoint, diag];

const PARAMETERS = {
  prefix: { type: 'string', defaultValue: 'phi' },
  location: { type: 'string', defaultValue: '[resourceGroup().location]' },
  skuName: { type: 'string', defaultValue: 'Standard_GRS', allowedValues: ['Standard_LRS', 'Standard_GRS'] },
  minTls: { type: 'string', defaultValue: 'TLS1_2' },
  useAad: { type: 'bool', defaultValue: true },
  private: { type: 'bool', defaultValue: true },
  adminPassword: { type: 'securestring' },
  workspaceId: { type: 'string' },
};
const VARIABLES = { tags: { 'data-classification': 'phi', owner: "[parameters('prefix')]" } };

function generate(index: number): string {
  const target = 5_000 + random() * 50_000;
  const symbolic = index % 4 === 0;
  const resources: Record<string, unknown>[] = [];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const resource = pick(BUILDERS)(i);
    if (i % 9 === 8) {
      resources.push({
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2022-09-01',
        name: `nested-${i}`,
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          parameters: { prefix: { value: "[parameters('prefix')]" } },
          template: {
            $schema: SCHEMA,
            contentVersion: '1.0.0.0',
            parameters: PARAMETERS,
            variables: VARIABLES,
            resources: [resource],
          },
        },
      });
    } else {
      resources.push(resource);
    }
    size += JSON.stringify(resource, null, 2).length;
  }
  const body = {
    $schema: SCHEMA,
    contentVersion: '1.0.0.0',
    ...(symbolic ? { languageVersion: '2.0' } : {}),
    parameters: PARAMETERS,
    variables: VARIABLES,
    resources: symbolic ? Object.fromEntries(resources.map((r, i) => [`res${i}`, r])) : resources,
  };
  return JSON.stringify(body, null, 2);
}

function time(label: string, run: () => void): number {
  run(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  console.log(`${label.padEnd(58)} ${best.toFixed(0).padStart(6)} ms`);
  return best;
}

function w3Templates(count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-arm-'));
  try {
    generateArmTemplates(count, dir);
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => readFileSync(join(dir, file), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const texts = options.set === 'synthetic' ? Array.from({ length: COUNT }, (_, i) => generate(i)) : w3Templates(COUNT);
const bytes = texts.reduce((sum, text) => sum + text.length, 0);
console.log(
  `${options.set}: ${texts.length} templates, ${(bytes / 1e6).toFixed(1)} MB (${(bytes / texts.length / 1000).toFixed(1)} KB average)`,
);

const READS = [
  'properties.minimumTlsVersion',
  'properties.publicNetworkAccess',
  'properties.networkAcls.defaultAction',
  'sku.name',
  'properties.supportsHttpsTrafficOnly',
  'properties.securityRules.0.properties.access',
  'tags',
  'location',
];

let resources = 0;
const baseline = time('JSON.parse', () => {
  for (const text of texts) JSON.parse(text);
});
const parseOnly = time('parseArmTemplate', () => {
  resources = 0;
  for (const [i, text] of texts.entries()) resources += parseArmTemplate({ file: `t${i}.json`, text }).resources.length;
});
const reuse = time('JSON.parse + parseArmTemplate({ json })', () => {
  for (const [i, text] of texts.entries()) parseArmTemplate({ file: `t${i}.json`, text, json: JSON.parse(text) });
});
const flow = time('parse, Inventory, 8 reads + 1 finding location per resource', () => {
  const inventory = new Inventory();
  for (const [i, text] of texts.entries()) {
    for (const resource of parseArmTemplate({ file: `t${i}.json`, text }).resources) inventory.add(resource);
  }
  let lines = 0;
  for (const resource of inventory.resources) {
    for (const path of READS) lookup(resource, path);
    lines += lookup(resource, READS[0]).at?.line ?? 0;
  }
  if (lines === 0) throw new Error('no locations');
});
console.log(`${resources} resources per pass`);
console.log(
  `ratios to JSON.parse: parse ${(parseOnly / baseline).toFixed(2)}x, reuse ${(reuse / baseline).toFixed(2)}x, scan flow ${(flow / baseline).toFixed(2)}x`,
);

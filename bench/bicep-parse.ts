import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArmTemplate } from '../src/ingest/arm/index.js';
import { parseBicep, parseBicepTemplate, Source } from '../src/ingest/bicep/index.js';
import { flags, runBundled } from './lib.js';

runBundled(import.meta.url, 'bicep-parse');

const options = flags({ count: '500', resources: '40' });
const COUNT = Number(options.count);
const RESOURCES = Number(options.resources);

const MODULE = `
@description('Storage account name.')
param name string
param location string
param tags object
param tls ('TLS1_0' | 'TLS1_1' | 'TLS1_2') = 'TLS1_2'
param containers string[] = []
param ipRules array = []

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_GRS' }
  properties: {
    minimumTlsVersion: tls
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: empty(ipRules) ? 'Deny' : 'Allow'
      ipRules: [for rule in ipRules: { value: rule, action: 'Allow' }]
    }
    encryption: union({ keySource: 'Microsoft.Storage' }, { requireInfrastructureEncryption: true })
  }
  resource blob 'blobServices' = {
    name: 'default'
    resource container 'containers' = [for c in containers: {
      name: c
      properties: { publicAccess: 'None' }
    }]
  }
}

output id string = account.id
`;

/** One synthetic template: parameters, variables with lambdas, NSGs with rule loops, storage modules, a PE. */
function template(index: number): string {
  const lines: string[] = [
    "targetScope = 'resourceGroup'",
    "import { tagsFor } from 'shared.bicep'",
    `param environment string = 'prod${index}'`,
    "param location string = 'eastus2'",
    '@secure()\nparam adminPassword string',
    "var ports = ['22', '3389', '443', '1433']",
    "var rules = map(ports, (port, i) => { name: 'allow-${port}', properties: { access: 'Allow', direction: 'Inbound', protocol: 'Tcp', priority: 100 + i, sourcePortRange: '*', destinationPortRange: port, sourceAddressPrefix: i % 2 == 0 ? 'Internet' : '10.0.0.0/8', destinationAddressPrefix: '*' } })",
  ];
  for (let r = 0; r < RESOURCES; r++) {
    switch (r % 4) {
      case 0:
        lines.push(
          `resource nsg${r} 'Microsoft.Network/networkSecurityGroups@2025-07-01' = {\n  name: 'nsg-${r}-\${environment}'\n  location: location\n  tags: tagsFor('net')\n  properties: {\n    securityRules: rules\n  }\n}`,
        );
        break;
      case 1:
        lines.push(
          `module st${r} 'modules/storage.bicep' = {\n  name: 'st-${r}'\n  params: {\n    name: 'st${index}x${r}'\n    location: location\n    tags: tagsFor('data')\n    tls: ${r % 3 === 0 ? "'TLS1_0'" : "'TLS1_2'"}\n    containers: ['a', 'b', 'c']\n    ipRules: ${r % 5 === 0 ? "['203.0.113.0/24']" : '[]'}\n  }\n}`,
        );
        break;
      case 2:
        lines.push(
          `resource sql${r} 'Microsoft.Sql/servers@2023-08-01-preview' = {\n  name: 'sql-${r}-\${uniqueString(resourceGroup().id)}'\n  location: location\n  properties: {\n    administratorLogin: 'sqladmin'\n    administratorLoginPassword: adminPassword\n    minimalTlsVersion: '1.2'\n    publicNetworkAccess: 'Disabled'\n  }\n  resource fw 'firewallRules' = [for (range, i) in ['10.0.0.0', '10.1.0.0']: {\n    name: 'fw-\${i}'\n    properties: { startIpAddress: range, endIpAddress: range }\n  }]\n}`,
        );
        break;
      default:
        lines.push(
          `resource pe${r} 'Microsoft.Network/privateEndpoints@2025-07-01' = {\n  name: 'pe-${r}'\n  location: location\n  properties: {\n    subnet: { id: resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet-pl') }\n    privateLinkServiceConnections: [\n      {\n        name: 'blob'\n        properties: {\n          privateLinkServiceId: st${r - 2}.outputs.id\n          groupIds: ['blob']\n        }\n      }\n    ]\n  }\n}`,
        );
    }
  }
  return `${lines.join('\n\n')}\n`;
}

const SHARED =
  "@export()\nfunc tagsFor(app string) object => { app: app, env: 'prod', 'data-classification': 'phi' }\n";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run: () => void, repeat = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const texts = Array.from({ length: COUNT }, (_, i) => template(i));
const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0) + COUNT * Buffer.byteLength(MODULE);
const files = { 'modules/storage.bicep': MODULE, 'shared.bicep': SHARED };

let resources = 0;
const parseMs = time(() => {
  for (const text of texts) parseBicep(new Source('main.bicep', text));
  for (let i = 0; i < COUNT; i++) parseBicep(new Source('modules/storage.bicep', MODULE));
});
const evalMs = time(() => {
  resources = 0;
  for (const text of texts) resources += parseBicepTemplate({ file: 'main.bicep', text, files }).resources.length;
});

const mb = bytes / 1024 / 1024;
console.log(
  `synthetic: ${COUNT} templates x ${RESOURCES} declarations + a storage module each (${mb.toFixed(1)} MB of Bicep)`,
);
console.log(`  parse only:          ${parseMs.toFixed(0)} ms  (${(mb / (parseMs / 1000)).toFixed(1)} MB/s)`);
console.log(
  `  parse + evaluate:    ${evalMs.toFixed(0)} ms  (${((COUNT * 1000) / evalMs).toFixed(0)} templates/s, ${((resources * 1000) / evalMs).toFixed(0)} resources/s, ${resources} resources)`,
);

const root = process.env.PHIGUARD_BENCH_ROOT ?? process.cwd();
const corpus = fileURLToPath(new URL(`file://${join(root, '..', 'shared', 'corpus', 'kics', 'arm')}/`));
if (existsSync(corpus)) {
  const pairs: { bicep: string; json?: string }[] = [];
  for (const query of readdirSync(corpus)) {
    for (const file of readdirSync(join(corpus, query))) {
      if (!file.endsWith('.bicep')) continue;
      const json = join(corpus, query, file.replace(/\.bicep$/, '.json'));
      pairs.push({
        bicep: readFileSync(join(corpus, query, file), 'utf8'),
        json: existsSync(json) ? readFileSync(json, 'utf8') : undefined,
      });
    }
  }
  const bicepMs = time(() => {
    for (const pair of pairs) parseBicepTemplate({ file: 'sample.bicep', text: pair.bicep });
  }, 9);
  const twins = pairs.filter((pair) => pair.json !== undefined);
  const jsonMs = time(() => {
    for (const pair of twins) parseArmTemplate({ file: 'sample.json', text: pair.json ?? '' });
  }, 9);
  console.log(
    `KICS corpus: ${pairs.length} Bicep samples in ${bicepMs.toFixed(1)} ms; their ${twins.length} JSON twins (ARM adapter) in ${jsonMs.toFixed(1)} ms`,
  );
}

// Generates deterministic ARM templates for the W3 benchmark: sizes spread evenly over 5-55 KB, realistic content
// (parameters with defaults and without, variables built from template functions, resource and property copy
// loops, nested child resources, conditions, dependsOn, extension resources with `scope`, outputs), a mix of
// compliant and failing settings.
//
//   npx tsx bench/gen-arm-templates.ts COUNT OUTDIR [--seed S]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prng } from './gen-arg-snapshot.js';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

class TemplateGen {
  private readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }
  int(max: number): number {
    return Math.floor(this.random() * max);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  word(): string {
    return this.pick(['phi', 'claims', 'ehr', 'imaging', 'portal', 'billing', 'lab', 'pharmacy', 'audit', 'hl7']);
  }

  parameters(): Record<string, Json> {
    return {
      location: { type: 'string', defaultValue: '[resourceGroup().location]', metadata: { description: 'Region.' } },
      environment: { type: 'string', allowedValues: ['dev', 'test', 'prod'], defaultValue: this.pick(['dev', 'prod']) },
      prefix: { type: 'string', minLength: 3, maxLength: 11, defaultValue: `ch${this.word()}` },
      minimumTlsVersion: { type: 'string', defaultValue: this.pick(['TLS1_2', 'TLS1_2', 'TLS1_0']) },
      allowedIpRanges: {
        type: 'array',
        defaultValue: Array.from({ length: 1 + this.int(4) }, () => `203.0.113.${this.int(250)}/32`),
      },
      instanceCount: { type: 'int', defaultValue: 1 + this.int(4), minValue: 1, maxValue: 10 },
      publicAccess: { type: 'bool', defaultValue: this.chance(0.3) },
      // No default and no parameter file: the scan must report "needs review", not guess.
      logAnalyticsWorkspaceId: { type: 'string', metadata: { description: 'Workspace for diagnostics.' } },
      administratorLoginPassword: { type: 'securestring' },
      tags: {
        type: 'object',
        defaultValue: {
          'data-classification': this.pick(['phi', 'pii', 'internal']),
          owner: 'platform@contoso-health.example',
        },
      },
    };
  }

  variables(): Record<string, Json> {
    return {
      suffix: "[uniqueString(resourceGroup().id, parameters('environment'))]",
      storageName: "[toLower(take(concat(parameters('prefix'), 'st', variables('suffix')), 24))]",
      sqlServerName: "[format('{0}-sql-{1}', parameters('prefix'), variables('suffix'))]",
      vaultName: "[take(format('{0}-kv-{1}', parameters('prefix'), variables('suffix')), 24)]",
      vnetName: "[concat(parameters('prefix'), '-vnet')]",
      subnetId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'snet-private')]",
      commonTags: "[union(parameters('tags'), createObject('environment', parameters('environment')))]",
      isProd: "[equals(parameters('environment'), 'prod')]",
    };
  }

  storage(k: number): Json {
    const name = `[concat(variables('storageName'), '${k}')]`;
    return {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: this.pick(['2023-01-01', '2025-06-01', '2019-06-01']),
      name,
      location: "[parameters('location')]",
      tags: "[variables('commonTags')]",
      sku: { name: "[if(variables('isProd'), 'Standard_GRS', 'Standard_LRS')]" },
      kind: 'StorageV2',
      properties: {
        minimumTlsVersion: "[parameters('minimumTlsVersion')]",
        supportsHttpsTrafficOnly: this.chance(0.8),
        allowBlobPublicAccess: "[parameters('publicAccess')]",
        allowSharedKeyAccess: this.chance(0.5),
        publicNetworkAccess: this.pick(['Disabled', 'Enabled']),
        networkAcls: {
          bypass: 'AzureServices',
          defaultAction: this.pick(['Deny', 'Allow']),
          copy: [
            {
              name: 'ipRules',
              count: "[length(parameters('allowedIpRanges'))]",
              input: { value: "[parameters('allowedIpRanges')[copyIndex('ipRules')]]", action: 'Allow' },
            },
          ],
        },
        encryption: {
          keySource: this.pick(['Microsoft.Storage', 'Microsoft.Keyvault']),
          requireInfrastructureEncryption: this.chance(0.5),
          services: { blob: { enabled: true, keyType: 'Account' }, file: { enabled: true, keyType: 'Account' } },
        },
      },
      resources: [
        {
          type: 'blobServices',
          apiVersion: '2023-01-01',
          name: 'default',
          dependsOn: [`[resourceId('Microsoft.Storage/storageAccounts', concat(variables('storageName'), '${k}'))]`],
          properties: {
            deleteRetentionPolicy: { enabled: this.chance(0.7), days: 7 + this.int(30) },
            containerDeleteRetentionPolicy: { enabled: true, days: 7 },
            isVersioningEnabled: this.chance(0.5),
          },
          resources: [
            {
              type: 'containers',
              apiVersion: '2023-01-01',
              name: `${this.word()}-records`,
              dependsOn: ['default'],
              properties: { publicAccess: this.pick(['None', 'None', 'Blob', 'Container']) },
            },
          ],
        },
      ],
    };
  }

  nsg(k: number): Json {
    return {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2024-05-01',
      name: `[format('{0}-nsg-${k}', parameters('prefix'))]`,
      location: "[parameters('location')]",
      tags: "[variables('commonTags')]",
      properties: {
        securityRules: [
          ...Array.from({ length: 1 + this.int(4) }, (_, r) => ({
            name: `allow-${this.pick(['https', 'rdp', 'ssh', 'sql'])}-${r}`,
            properties: {
              priority: 100 + r * 10,
              direction: 'Inbound',
              access: 'Allow',
              protocol: 'Tcp',
              sourcePortRange: '*',
              destinationPortRange: this.pick(['443', '3389', '22', '1433']),
              sourceAddressPrefix: this.pick(['VirtualNetwork', '*', 'Internet', '10.0.0.0/8']),
              destinationAddressPrefix: '*',
            },
          })),
          {
            name: 'deny-all-inbound',
            properties: {
              priority: 4096,
              direction: 'Inbound',
              access: 'Deny',
              protocol: '*',
              sourcePortRange: '*',
              destinationPortRange: '*',
              sourceAddressPrefix: '*',
              destinationAddressPrefix: '*',
            },
          },
        ],
      },
    };
  }

  sql(k: number): Json[] {
    const server = `[concat(variables('sqlServerName'), '${k}')]`;
    const serverId = `[resourceId('Microsoft.Sql/servers', concat(variables('sqlServerName'), '${k}'))]`;
    return [
      {
        type: 'Microsoft.Sql/servers',
        apiVersion: '2023-08-01',
        name: server,
        location: "[parameters('location')]",
        tags: "[variables('commonTags')]",
        identity: { type: 'SystemAssigned' },
        properties: {
          administratorLogin: 'sqladmin',
          administratorLoginPassword: "[parameters('administratorLoginPassword')]",
          minimalTlsVersion: this.pick(['1.2', '1.0', '1.2']),
          publicNetworkAccess: this.pick(['Disabled', 'Enabled']),
        },
        resources: [
          {
            type: 'firewallRules',
            apiVersion: '2023-08-01',
            name: 'AllowAllWindowsAzureIps',
            dependsOn: [serverId],
            properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' },
          },
          {
            type: 'auditingSettings',
            apiVersion: '2023-08-01',
            name: 'default',
            dependsOn: [serverId],
            properties: {
              state: this.pick(['Enabled', 'Disabled']),
              isAzureMonitorTargetEnabled: true,
              retentionDays: this.pick([0, 90, 2191]),
            },
          },
          {
            type: 'databases',
            apiVersion: '2023-08-01',
            name: `${this.word()}db`,
            location: "[parameters('location')]",
            dependsOn: [serverId],
            sku: { name: 'GP_S_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 },
            properties: { collation: 'SQL_Latin1_General_CP1_CI_AS', zoneRedundant: "[variables('isProd')]" },
          },
        ],
      },
      {
        type: 'Microsoft.Sql/servers/firewallRules',
        apiVersion: '2023-08-01',
        name: `[format('{0}/office-{1}', concat(variables('sqlServerName'), '${k}'), copyIndex())]`,
        dependsOn: [serverId],
        copy: { name: `officeRules${k}`, count: "[length(parameters('allowedIpRanges'))]" },
        properties: {
          startIpAddress: "[first(split(parameters('allowedIpRanges')[copyIndex()], '/'))]",
          endIpAddress: "[first(split(parameters('allowedIpRanges')[copyIndex()], '/'))]",
        },
      },
    ];
  }

  vault(k: number): Json {
    return {
      type: 'Microsoft.KeyVault/vaults',
      apiVersion: '2023-07-01',
      name: `[concat(variables('vaultName'), '${k}')]`,
      location: "[parameters('location')]",
      tags: "[variables('commonTags')]",
      properties: {
        tenantId: '[subscription().tenantId]',
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: this.chance(0.6),
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: this.chance(0.5) ? true : null,
        publicNetworkAccess: this.pick(['Disabled', 'Enabled']),
        networkAcls: { bypass: 'AzureServices', defaultAction: this.pick(['Deny', 'Allow']) },
        accessPolicies: [],
      },
    };
  }

  site(k: number): Json {
    const name = `[format('{0}-app-{1}-${k}', parameters('prefix'), variables('suffix'))]`;
    return {
      type: 'Microsoft.Web/sites',
      apiVersion: '2023-12-01',
      name,
      location: "[parameters('location')]",
      tags: "[variables('commonTags')]",
      kind: 'app',
      identity: { type: 'SystemAssigned' },
      properties: {
        serverFarmId: "[resourceId('Microsoft.Web/serverfarms', concat(parameters('prefix'), '-plan'))]",
        httpsOnly: this.chance(0.7),
        clientCertEnabled: this.chance(0.4),
        publicNetworkAccess: this.pick(['Disabled', 'Enabled']),
        virtualNetworkSubnetId: "[variables('subnetId')]",
        siteConfig: {
          minTlsVersion: this.pick(['1.2', '1.0', '1.2']),
          ftpsState: this.pick(['Disabled', 'FtpsOnly', 'AllAllowed']),
          http20Enabled: true,
          alwaysOn: true,
          appSettings: [
            {
              name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
              value: "[reference(resourceId('Microsoft.Insights/components', 'ai')).ConnectionString]",
            },
            { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' },
          ],
        },
      },
    };
  }

  postgres(k: number): Json[] {
    const server = `[format('{0}-psql-{1}-${k}', parameters('prefix'), variables('suffix'))]`;
    return [
      {
        type: 'Microsoft.DBforPostgreSQL/flexibleServers',
        apiVersion: '2024-08-01',
        name: server,
        location: "[parameters('location')]",
        tags: "[variables('commonTags')]",
        sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' },
        properties: {
          version: '16',
          administratorLogin: 'pgadmin',
          administratorLoginPassword: "[parameters('administratorLoginPassword')]",
          storage: { storageSizeGB: 128, autoGrow: 'Enabled' },
          backup: { backupRetentionDays: this.pick([7, 35]), geoRedundantBackup: this.pick(['Enabled', 'Disabled']) },
          network: { publicNetworkAccess: this.pick(['Enabled', 'Disabled']) },
          highAvailability: { mode: "[if(variables('isProd'), 'ZoneRedundant', 'Disabled')]" },
          authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Enabled' },
        },
      },
      {
        type: 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
        apiVersion: '2024-08-01',
        name: `[format('{0}/{1}', format('{0}-psql-{1}-${k}', parameters('prefix'), variables('suffix')), concat('rule', copyIndex()))]`,
        copy: { name: `pgRules${k}`, count: "[parameters('instanceCount')]", mode: 'serial', batchSize: 1 },
        dependsOn: [
          `[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', format('{0}-psql-{1}-${k}', parameters('prefix'), variables('suffix')))]`,
        ],
        properties: {
          startIpAddress: "[format('10.0.{0}.0', copyIndex())]",
          endIpAddress: "[format('10.0.{0}.255', copyIndex())]",
        },
      },
    ];
  }

  privateEndpoint(k: number): Json {
    return {
      type: 'Microsoft.Network/privateEndpoints',
      apiVersion: '2024-05-01',
      name: `[format('{0}-pe-${k}', parameters('prefix'))]`,
      location: "[parameters('location')]",
      condition: "[variables('isProd')]",
      properties: {
        subnet: { id: "[variables('subnetId')]" },
        privateLinkServiceConnections: [
          {
            name: 'blob',
            properties: {
              privateLinkServiceId: `[resourceId('Microsoft.Storage/storageAccounts', concat(variables('storageName'), '${k}'))]`,
              groupIds: ['blob'],
            },
          },
        ],
      },
    };
  }

  diagnostics(k: number): Json {
    return {
      type: 'Microsoft.Insights/diagnosticSettings',
      apiVersion: '2021-05-01-preview',
      name: 'to-law',
      scope: `[format('Microsoft.KeyVault/vaults/{0}', concat(variables('vaultName'), '${k}'))]`,
      dependsOn: [`[resourceId('Microsoft.KeyVault/vaults', concat(variables('vaultName'), '${k}'))]`],
      properties: {
        workspaceId: "[parameters('logAnalyticsWorkspaceId')]",
        logs: [
          { categoryGroup: 'allLogs', enabled: true },
          { categoryGroup: 'audit', enabled: true },
        ],
        metrics: [{ category: 'AllMetrics', enabled: this.chance(0.5) }],
      },
    };
  }

  resources(k: number): Json[] {
    switch (this.int(8)) {
      case 0:
        return [this.storage(k)];
      case 1:
        return [this.nsg(k)];
      case 2:
        return this.sql(k);
      case 3:
        return [this.vault(k), this.diagnostics(k)];
      case 4:
        return [this.site(k)];
      case 5:
        return this.postgres(k);
      case 6:
        return [this.privateEndpoint(k), this.storage(k)];
      default:
        return [this.storage(k), this.nsg(k)];
    }
  }

  template(targetBytes: number): string {
    const resources: Json[] = [];
    const template = {
      $schema: SCHEMA,
      contentVersion: '1.0.0.0',
      metadata: { _generator: { name: 'phiguard-bench', version: '1.0.0' }, description: 'Contoso Health workload' },
      parameters: this.parameters(),
      variables: this.variables(),
      resources,
      outputs: {
        storageEndpoint: {
          type: 'string',
          value:
            "[reference(resourceId('Microsoft.Storage/storageAccounts', concat(variables('storageName'), '0'))).primaryEndpoints.blob]",
        },
      },
    };
    let text = JSON.stringify(template, null, 2);
    for (let k = 0; text.length < targetBytes; k++) {
      resources.push(...this.resources(k));
      text = JSON.stringify(template, null, 2);
    }
    return text;
  }
}

/** Writes `count` templates (sizes evenly spread over 5-55 KB) into `dir`; returns the total bytes. */
export function generateArmTemplates(count: number, dir: string, seed = 20250601): number {
  mkdirSync(dir, { recursive: true });
  const gen = new TemplateGen(seed);
  let total = 0;
  for (let n = 0; n < count; n++) {
    // Targets 5-52 KB; the last resource added overshoots by up to ~3 KB.
    const target = 5_000 + Math.floor(((n * 7919) % count) * (47_000 / count));
    const text = gen.template(target);
    writeFileSync(join(dir, `template-${String(n).padStart(4, '0')}.json`), text);
    total += Buffer.byteLength(text);
  }
  return total;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [count, dir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const seedAt = process.argv.indexOf('--seed');
  if (!count || !dir) {
    console.error('usage: gen-arm-templates.ts COUNT OUTDIR [--seed S]');
    process.exit(2);
  }
  const bytes = generateArmTemplates(Number(count), dir, seedAt > 0 ? Number(process.argv[seedAt + 1]) : undefined);
  console.log(`${dir}: ${count} templates, ${(bytes / 1e6).toFixed(1)} MB`);
}

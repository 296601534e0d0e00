// Generates a deterministic Azure Resource Graph-style snapshot of N mixed resources (~2.7 KB each, so 100,000
// resources are ~270 MB) for the W1 benchmark. Property shapes follow the REST examples in ../shared/payloads
// (storage account, NSG, SQL server + firewall rules, Cosmos DB, PostgreSQL/MySQL flexible servers, Key Vault,
// web site) plus private endpoints and VMs, with a seeded mix of compliant and failing settings. Written in
// chunks: the whole file is never built in memory.
//
//   npx tsx bench/gen-arg-snapshot.ts N OUT [--format data|array|ndjson] [--pretty] [--seed S]
import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** mulberry32: small, fast, good enough for test data, and identical on every platform. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCATIONS = ['eastus', 'eastus2', 'westus2', 'centralus', 'northeurope', 'westeurope', 'uksouth'];
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'];
const DATA_CLASSES = ['phi', 'pii', 'internal', 'public'];

/** The six rules every NSG returns (name, access, direction, priority, source, destination), as in the NSG payload. */
const DEFAULT_RULES: readonly [string, string, string, number, string, string][] = [
  ['AllowVnetInBound', 'Allow', 'Inbound', 65000, 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowAzureLoadBalancerInBound', 'Allow', 'Inbound', 65001, 'AzureLoadBalancer', '*'],
  ['DenyAllInBound', 'Deny', 'Inbound', 65500, '*', '*'],
  ['AllowVnetOutBound', 'Allow', 'Outbound', 65000, 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowInternetOutBound', 'Allow', 'Outbound', 65001, '*', 'Internet'],
  ['DenyAllOutBound', 'Deny', 'Outbound', 65500, '*', '*'],
];

class Gen {
  private readonly random: () => number;
  private readonly tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
  private readonly subscriptions: string[];

  constructor(seed: number) {
    this.random = prng(seed);
    this.subscriptions = Array.from({ length: 8 }, () => this.guid());
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
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.int(0x10000).toString(16).padStart(4, '0');
    return out.slice(0, length);
  }
  guid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  time(): string {
    const day = 1 + this.int(28);
    const month = 1 + this.int(12);
    return `202${this.int(5)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T${String(this.int(24)).padStart(2, '0')}:${String(this.int(60)).padStart(2, '0')}:17.1234567Z`;
  }

  /** The ARG row envelope around properties. `type` and `name` are `/`-separated for child resources. */
  row(n: number, provider: string, type: string, name: string, properties: Json, extra: Record<string, Json> = {}) {
    const subscriptionId = this.subscriptions[n % this.subscriptions.length];
    const resourceGroup = `rg-${this.pick(ENVIRONMENTS)}-${n % 97}`;
    const location = this.pick(LOCATIONS);
    const names = name.split('/');
    const path = type
      .split('/')
      .map((segment, k) => `${segment}/${names[k]}`)
      .join('/');
    const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${path}`;
    return {
      id,
      // Resource Graph returns the last name segment and a lower-cased type.
      name: names[names.length - 1],
      type: `${provider}/${type}`.toLowerCase(),
      tenantId: this.tenant,
      kind: extra.kind ?? '',
      location,
      resourceGroup,
      subscriptionId,
      managedBy: '',
      sku: extra.sku ?? null,
      plan: null,
      properties,
      tags: {
        environment: this.pick(ENVIRONMENTS),
        'data-classification': this.pick(DATA_CLASSES),
        owner: `team-${this.int(40)}@contoso-health.example`,
        costCenter: `cc-${1000 + this.int(9000)}`,
      },
      identity: extra.identity ?? null,
      zones: null,
      extendedLocation: null,
    };
  }

  privateEndpointConnection(target: string): Json {
    const name = `pe-${this.hex(8)}`;
    return {
      id: `${target}/privateEndpointConnections/${name}.${this.guid()}`,
      name: `${name}.${this.guid()}`,
      type: 'Microsoft.Network/privateEndpointConnections',
      properties: {
        privateEndpoint: {
          id: `${target.split('/providers/')[0]}/providers/Microsoft.Network/privateEndpoints/${name}`,
        },
        privateLinkServiceConnectionState: {
          status: 'Approved',
          description: 'Auto-approved',
          actionsRequired: 'None',
        },
        provisioningState: 'Succeeded',
      },
    };
  }

  storageAccount(n: number) {
    const name = `stphi${this.hex(12)}`;
    const compliant = this.chance(0.6);
    const endpoints = (kind: string) => `https://${name}.${kind}.core.windows.net/`;
    const properties: Json = {
      keyCreationTime: { key1: this.time(), key2: this.time() },
      privateEndpointConnections: compliant
        ? [this.privateEndpointConnection(`/subscriptions/x/providers/Microsoft.Storage/storageAccounts/${name}`)]
        : [],
      minimumTlsVersion: compliant ? 'TLS1_2' : this.pick(['TLS1_0', 'TLS1_1', 'TLS1_2']),
      allowBlobPublicAccess: compliant ? false : this.chance(0.5),
      allowSharedKeyAccess: !compliant,
      supportsHttpsTrafficOnly: compliant || this.chance(0.7),
      publicNetworkAccess: compliant ? 'Disabled' : 'Enabled',
      networkAcls: {
        bypass: 'AzureServices',
        virtualNetworkRules: [],
        ipRules: compliant ? [] : [{ value: `${this.int(223)}.${this.int(255)}.0.0/16`, action: 'Allow' }],
        defaultAction: compliant ? 'Deny' : 'Allow',
      },
      encryption: {
        requireInfrastructureEncryption: compliant,
        services: {
          file: { keyType: 'Account', enabled: true, lastEnabledTime: this.time() },
          blob: { keyType: 'Account', enabled: true, lastEnabledTime: this.time() },
        },
        keySource: compliant && this.chance(0.5) ? 'Microsoft.Keyvault' : 'Microsoft.Storage',
      },
      accessTier: this.pick(['Hot', 'Cool']),
      provisioningState: 'Succeeded',
      creationTime: this.time(),
      primaryEndpoints: {
        dfs: endpoints('dfs'),
        web: `https://${name}.z13.web.core.windows.net/`,
        blob: endpoints('blob'),
        queue: endpoints('queue'),
        table: endpoints('table'),
        file: endpoints('file'),
      },
      secondaryEndpoints: {
        dfs: `https://${name}-secondary.dfs.core.windows.net/`,
        web: `https://${name}-secondary.z13.web.core.windows.net/`,
        blob: `https://${name}-secondary.blob.core.windows.net/`,
        queue: `https://${name}-secondary.queue.core.windows.net/`,
        table: `https://${name}-secondary.table.core.windows.net/`,
      },
      keyPolicy: { keyExpirationPeriodInDays: compliant ? 90 : null },
      sasPolicy: compliant ? { sasExpirationPeriod: '1.00:00:00', expirationAction: 'Log' } : null,
      allowCrossTenantReplication: !compliant,
      defaultToOAuthAuthentication: compliant,
      isHnsEnabled: this.chance(0.2),
      isSftpEnabled: false,
      isLocalUserEnabled: !compliant,
      largeFileSharesState: 'Enabled',
      dnsEndpointType: 'Standard',
      immutableStorageWithVersioning: { enabled: false },
      primaryLocation: this.pick(LOCATIONS),
      statusOfPrimary: 'available',
      secondaryLocation: this.pick(LOCATIONS),
      statusOfSecondary: 'available',
    };
    return this.row(n, 'Microsoft.Storage', 'storageAccounts', name, properties, {
      kind: 'StorageV2',
      sku: { name: this.pick(['Standard_GRS', 'Standard_LRS', 'Standard_RAGRS', 'Standard_ZRS']), tier: 'Standard' },
    });
  }

  securityRule(nsgId: string, priority: number, open: boolean): Json {
    const name = open ? `allow-${this.pick(['rdp', 'ssh', 'sql', 'any'])}-inbound` : `allow-https-${priority}`;
    const port = open ? this.pick(['3389', '22', '1433', '*']) : '443';
    return {
      name,
      id: `${nsgId}/securityRules/${name}`,
      etag: `W/"${this.guid()}"`,
      type: 'Microsoft.Network/networkSecurityGroups/securityRules',
      properties: {
        provisioningState: 'Succeeded',
        protocol: this.pick(['Tcp', '*']),
        sourcePortRange: '*',
        destinationPortRange: port,
        sourceAddressPrefix: open ? this.pick(['*', 'Internet', '0.0.0.0/0']) : '10.0.0.0/8',
        destinationAddressPrefix: '*',
        access: 'Allow',
        priority,
        direction: 'Inbound',
        sourcePortRanges: [],
        destinationPortRanges: [],
        sourceAddressPrefixes: [],
        destinationAddressPrefixes: [],
      },
    };
  }

  nsg(n: number) {
    const name = `nsg-${this.hex(10)}`;
    const id = `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/${name}`;
    const rules = Array.from({ length: 2 + this.int(5) }, (_, k) =>
      this.securityRule(id, 100 + k * 10, this.chance(0.15)),
    );
    return this.row(n, 'Microsoft.Network', 'networkSecurityGroups', name, {
      resourceGuid: this.guid(),
      provisioningState: 'Succeeded',
      securityRules: rules,
      defaultSecurityRules: DEFAULT_RULES.map(([rule, access, direction, priority, source, destination]) => ({
        name: rule,
        id: `${id}/defaultSecurityRules/${rule}`,
        etag: `W/"${this.guid()}"`,
        type: 'Microsoft.Network/networkSecurityGroups/defaultSecurityRules',
        properties: {
          provisioningState: 'Succeeded',
          description: `Default rule ${rule}`,
          protocol: '*',
          sourcePortRange: '*',
          destinationPortRange: '*',
          sourceAddressPrefix: source,
          destinationAddressPrefix: destination,
          access,
          priority,
          direction,
          sourcePortRanges: [],
          destinationPortRanges: [],
          sourceAddressPrefixes: [],
          destinationAddressPrefixes: [],
        },
      })),
      subnets: [
        {
          id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-${this.int(20)}`,
        },
      ],
    });
  }

  sqlServer(n: number) {
    const name = `sql-${this.hex(10)}`;
    const compliant = this.chance(0.6);
    return this.row(
      n,
      'Microsoft.Sql',
      'servers',
      name,
      {
        administratorLogin: 'sqladmin',
        version: '12.0',
        state: 'Ready',
        fullyQualifiedDomainName: `${name}.database.windows.net`,
        privateEndpointConnections: compliant
          ? [this.privateEndpointConnection(`/x/providers/Microsoft.Sql/servers/${name}`)]
          : [],
        minimalTlsVersion: compliant ? '1.2' : this.pick(['1.0', '1.1', 'None']),
        publicNetworkAccess: compliant ? 'Disabled' : 'Enabled',
        restrictOutboundNetworkAccess: 'Disabled',
        privateEndpointConnectionsCount: compliant ? 1 : 0,
        workspaceFeature: null,
        primaryUserAssignedIdentityId: null,
        federatedClientId: null,
        keyId:
          compliant && this.chance(0.4) ? `https://kv-${this.hex(10)}.vault.azure.net/keys/tde/${this.hex(32)}` : null,
        isIPv6Enabled: 'Disabled',
        externalGovernanceStatus: 'Disabled',
        administrators: {
          administratorType: 'ActiveDirectory',
          principalType: 'Group',
          login: 'sql-admins',
          sid: this.guid(),
          tenantId: this.tenant,
          azureADOnlyAuthentication: compliant,
        },
      },
      { kind: 'v12.0', identity: { type: 'SystemAssigned', principalId: this.guid(), tenantId: this.tenant } },
    );
  }

  sqlFirewallRule(n: number) {
    const server = `sql-${this.hex(10)}`;
    const rule = this.pick(['AllowAllWindowsAzureIps', 'office', 'vpn', 'allow-all']);
    const open = rule === 'allow-all';
    const start = rule === 'AllowAllWindowsAzureIps' ? '0.0.0.0' : open ? '0.0.0.0' : `203.0.113.${this.int(200)}`;
    const end =
      rule === 'AllowAllWindowsAzureIps' ? '0.0.0.0' : open ? '255.255.255.255' : `203.0.113.${200 + this.int(50)}`;
    return this.row(n, 'Microsoft.Sql', 'servers/firewallRules', `${server}/${rule}`, {
      startIpAddress: start,
      endIpAddress: end,
    });
  }

  cosmos(n: number) {
    const name = `cosmos-${this.hex(10)}`;
    const compliant = this.chance(0.6);
    const location = (k: number) => ({
      id: `${name}-${this.pick(LOCATIONS)}`,
      locationName: this.pick(['East US', 'West US 2', 'North Europe']),
      documentEndpoint: `https://${name}-${k}.documents.azure.com:443/`,
      provisioningState: 'Succeeded',
      failoverPriority: k,
      isZoneRedundant: this.chance(0.5),
    });
    return this.row(
      n,
      'Microsoft.DocumentDB',
      'databaseAccounts',
      name,
      {
        provisioningState: 'Succeeded',
        documentEndpoint: `https://${name}.documents.azure.com:443/`,
        ipRules: compliant ? [] : [{ ipAddressOrRange: '0.0.0.0' }],
        isVirtualNetworkFilterEnabled: compliant,
        virtualNetworkRules: [],
        databaseAccountOfferType: 'Standard',
        disableKeyBasedMetadataWriteAccess: compliant,
        consistencyPolicy: { defaultConsistencyLevel: 'Session', maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
        writeLocations: [location(0)],
        readLocations: [location(0), location(1)],
        locations: [location(0), location(1)],
        failoverPolicies: [{ id: `${name}-eastus`, locationName: 'East US', failoverPriority: 0 }],
        privateEndpointConnections: compliant
          ? [this.privateEndpointConnection(`/x/providers/Microsoft.DocumentDB/databaseAccounts/${name}`)]
          : [],
        enableMultipleWriteLocations: false,
        publicNetworkAccess: compliant ? 'Disabled' : 'Enabled',
        minimalTlsVersion: compliant ? 'Tls12' : this.pick(['Tls', 'Tls11']),
        disableLocalAuth: compliant,
        backupPolicy: {
          type: 'Periodic',
          periodicModeProperties: { backupIntervalInMinutes: 240, backupRetentionIntervalInHours: 8 },
        },
      },
      { kind: 'GlobalDocumentDB' },
    );
  }

  flexibleServer(n: number, provider: 'Microsoft.DBforPostgreSQL' | 'Microsoft.DBforMySQL') {
    const name = `${provider === 'Microsoft.DBforMySQL' ? 'mysql' : 'psql'}-${this.hex(10)}`;
    const compliant = this.chance(0.6);
    return this.row(
      n,
      provider,
      'flexibleServers',
      name,
      {
        administratorLogin: 'dbadmin',
        version: provider === 'Microsoft.DBforMySQL' ? '8.0.21' : '16',
        state: 'Ready',
        fullyQualifiedDomainName: `${name}.${provider === 'Microsoft.DBforMySQL' ? 'mysql' : 'postgres'}.database.azure.com`,
        storage: { storageSizeGB: 128, iops: 500, autoGrow: 'Enabled', tier: 'P10' },
        authConfig: {
          activeDirectoryAuth: 'Enabled',
          passwordAuth: compliant ? 'Disabled' : 'Enabled',
          tenantId: this.tenant,
        },
        dataEncryption: { type: compliant && this.chance(0.5) ? 'AzureKeyVault' : 'SystemManaged' },
        backup: {
          backupRetentionDays: compliant ? 35 : 7,
          geoRedundantBackup: compliant ? 'Enabled' : 'Disabled',
          earliestRestoreDate: this.time(),
        },
        network: { publicNetworkAccess: compliant ? 'Disabled' : 'Enabled' },
        highAvailability: { mode: compliant ? 'ZoneRedundant' : 'Disabled', state: 'NotEnabled' },
        maintenanceWindow: { customWindow: 'Disabled', dayOfWeek: 0, startHour: 0, startMinute: 0 },
        replicationRole: 'Primary',
        replicaCapacity: 5,
        availabilityZone: '1',
      },
      { sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' } },
    );
  }

  privateEndpoint(n: number) {
    const name = `pe-${this.hex(10)}`;
    const target = `/subscriptions/${this.pick(this.subscriptions)}/resourceGroups/rg-prod-${this.int(97)}/providers/Microsoft.Storage/storageAccounts/stphi${this.hex(12)}`;
    return this.row(n, 'Microsoft.Network', 'privateEndpoints', name, {
      provisioningState: 'Succeeded',
      resourceGuid: this.guid(),
      privateLinkServiceConnections: [
        {
          name,
          id: `/x/providers/Microsoft.Network/privateEndpoints/${name}/privateLinkServiceConnections/${name}`,
          properties: {
            provisioningState: 'Succeeded',
            privateLinkServiceId: target,
            groupIds: [this.pick(['blob', 'file', 'sqlServer', 'vault'])],
            privateLinkServiceConnectionState: {
              status: 'Approved',
              description: 'Auto-Approved',
              actionsRequired: 'None',
            },
          },
        },
      ],
      manualPrivateLinkServiceConnections: [],
      subnet: { id: `/x/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe-${this.int(8)}` },
      networkInterfaces: [{ id: `/x/providers/Microsoft.Network/networkInterfaces/${name}.nic.${this.guid()}` }],
      customDnsConfigs: [
        { fqdn: `${name}.privatelink.blob.core.windows.net`, ipAddresses: [`10.1.${this.int(255)}.${this.int(255)}`] },
      ],
    });
  }

  keyVault(n: number) {
    const name = `kv-${this.hex(10)}`;
    const compliant = this.chance(0.6);
    const policy = (): Json => ({
      tenantId: this.tenant,
      objectId: this.guid(),
      permissions: { keys: ['get', 'list', 'wrapKey', 'unwrapKey'], secrets: ['get', 'list'], certificates: ['get'] },
    });
    return this.row(n, 'Microsoft.KeyVault', 'vaults', name, {
      sku: { family: 'A', name: this.pick(['standard', 'premium']) },
      tenantId: this.tenant,
      accessPolicies: compliant ? [] : [policy(), policy()],
      enabledForDeployment: false,
      enabledForDiskEncryption: true,
      enabledForTemplateDeployment: false,
      enableSoftDelete: compliant || this.chance(0.5),
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: compliant,
      enablePurgeProtection: compliant ? true : null,
      vaultUri: `https://${name}.vault.azure.net/`,
      provisioningState: 'Succeeded',
      publicNetworkAccess: compliant ? 'Disabled' : 'Enabled',
      networkAcls: {
        bypass: 'AzureServices',
        defaultAction: compliant ? 'Deny' : 'Allow',
        ipRules: [],
        virtualNetworkRules: [],
      },
      privateEndpointConnections: compliant
        ? [this.privateEndpointConnection(`/x/providers/Microsoft.KeyVault/vaults/${name}`)]
        : [],
      hsmPoolResourceId: null,
    });
  }

  virtualMachine(n: number) {
    const name = `vm-${this.hex(8)}`;
    const compliant = this.chance(0.6);
    return this.row(
      n,
      'Microsoft.Compute',
      'virtualMachines',
      name,
      {
        vmId: this.guid(),
        hardwareProfile: { vmSize: this.pick(['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_E8s_v5']) },
        storageProfile: {
          imageReference: {
            publisher: 'Canonical',
            offer: '0001-com-ubuntu-server-jammy',
            sku: '22_04-lts-gen2',
            version: 'latest',
          },
          osDisk: {
            osType: 'Linux',
            name: `${name}_OsDisk_1_${this.hex(32)}`,
            createOption: 'FromImage',
            caching: 'ReadWrite',
            managedDisk: {
              storageAccountType: 'Premium_LRS',
              id: `/x/providers/Microsoft.Compute/disks/${name}_OsDisk_1`,
              ...(compliant
                ? { diskEncryptionSet: { id: '/x/providers/Microsoft.Compute/diskEncryptionSets/des-phi' } }
                : {}),
            },
            deleteOption: 'Delete',
            diskSizeGB: 30,
          },
          dataDisks: [],
        },
        osProfile: {
          computerName: name,
          adminUsername: 'azureuser',
          linuxConfiguration: {
            disablePasswordAuthentication: compliant,
            provisionVMAgent: true,
            patchSettings: { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' },
          },
          secrets: [],
          allowExtensionOperations: true,
        },
        securityProfile: compliant
          ? {
              encryptionAtHost: true,
              securityType: 'TrustedLaunch',
              uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
            }
          : null,
        networkProfile: {
          networkInterfaces: [
            {
              id: `/x/providers/Microsoft.Network/networkInterfaces/${name}-nic`,
              properties: { deleteOption: 'Detach' },
            },
          ],
        },
        diagnosticsProfile: { bootDiagnostics: { enabled: true } },
        provisioningState: 'Succeeded',
        timeCreated: this.time(),
        extended: {
          instanceView: {
            computerName: name,
            osName: 'ubuntu',
            osVersion: '22.04',
            hyperVGeneration: 'V2',
            powerState: { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' },
          },
        },
        licenseType: null,
        priority: 'Regular',
        availabilitySet: null,
        proximityPlacementGroup: null,
      },
      { identity: compliant ? { type: 'SystemAssigned', principalId: this.guid(), tenantId: this.tenant } : null },
    );
  }

  webSite(n: number) {
    const name = `app-${this.hex(10)}`;
    const compliant = this.chance(0.6);
    return this.row(
      n,
      'Microsoft.Web',
      'sites',
      name,
      {
        name,
        state: 'Running',
        hostNames: [`${name}.azurewebsites.net`],
        webSpace: `rg-prod-${this.int(97)}-EastUSwebspace`,
        selfLink: `https://waws-prod-blu-${this.int(400)}.api.azurewebsites.windows.net:454/subscriptions/x/webspaces/ws/sites/${name}`,
        repositorySiteName: name,
        usageState: 'Normal',
        enabled: true,
        enabledHostNames: [`${name}.azurewebsites.net`, `${name}.scm.azurewebsites.net`],
        availabilityState: 'Normal',
        hostNameSslStates: [
          { name: `${name}.azurewebsites.net`, sslState: 'Disabled', hostType: 'Standard' },
          { name: `${name}.scm.azurewebsites.net`, sslState: 'Disabled', hostType: 'Repository' },
        ],
        serverFarmId: `/x/providers/Microsoft.Web/serverfarms/asp-${this.hex(6)}`,
        reserved: false,
        lastModifiedTimeUtc: this.time(),
        siteConfig: {
          numberOfWorkers: 1,
          linuxFxVersion: '',
          http20Enabled: compliant,
          minTlsVersion: compliant ? '1.2' : this.pick(['1.0', '1.1']),
          scmMinTlsVersion: '1.2',
          ftpsState: compliant ? 'Disabled' : 'AllAllowed',
          functionAppScaleLimit: 0,
          minimumElasticInstanceCount: 0,
        },
        clientAffinityEnabled: true,
        clientCertEnabled: compliant,
        clientCertMode: 'Required',
        hostNamesDisabled: false,
        outboundIpAddresses: Array.from(
          { length: 5 },
          () => `20.${this.int(255)}.${this.int(255)}.${this.int(255)}`,
        ).join(','),
        possibleOutboundIpAddresses: Array.from(
          { length: 24 },
          () => `20.${this.int(255)}.${this.int(255)}.${this.int(255)}`,
        ).join(','),
        inboundIpAddress: `20.${this.int(255)}.${this.int(255)}.${this.int(255)}`,
        customDomainVerificationId: this.hex(64).toUpperCase(),
        defaultHostName: `${name}.azurewebsites.net`,
        vnetRouteAllEnabled: compliant,
        virtualNetworkSubnetId: compliant
          ? `/x/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-app-${this.int(8)}`
          : null,
        containerSize: 0,
        dailyMemoryTimeQuota: 0,
        httpsOnly: compliant || this.chance(0.4),
        redundancyMode: 'None',
        publicNetworkAccess: compliant ? 'Disabled' : 'Enabled',
        keyVaultReferenceIdentity: 'SystemAssigned',
      },
      { kind: 'app', identity: { type: 'SystemAssigned', principalId: this.guid(), tenantId: this.tenant } },
    );
  }

  resource(n: number) {
    const roll = this.int(100);
    if (roll < 16) return this.storageAccount(n);
    if (roll < 28) return this.nsg(n);
    if (roll < 35) return this.sqlServer(n);
    if (roll < 45) return this.sqlFirewallRule(n);
    if (roll < 52) return this.cosmos(n);
    if (roll < 58) return this.flexibleServer(n, 'Microsoft.DBforPostgreSQL');
    if (roll < 64) return this.flexibleServer(n, 'Microsoft.DBforMySQL');
    if (roll < 74) return this.privateEndpoint(n);
    if (roll < 82) return this.keyVault(n);
    if (roll < 92) return this.virtualMachine(n);
    return this.webSite(n);
  }
}

export type SnapshotFormat = 'data' | 'array' | 'ndjson';

export function generateSnapshot(
  count: number,
  out: string,
  options: { format?: SnapshotFormat; pretty?: boolean; seed?: number } = {},
): number {
  const format = options.format ?? 'data';
  const gen = new Gen(options.seed ?? 20240401);
  const fd = openSync(out, 'w');
  let pending: string[] = [];
  let pendingLength = 0;
  let written = 0;
  const write = (text: string) => {
    pending.push(text);
    pendingLength += text.length;
    if (pendingLength > 4 << 20) flush();
  };
  const flush = () => {
    const buffer = Buffer.from(pending.join(''), 'utf8');
    writeSync(fd, buffer);
    written += buffer.length;
    pending = [];
    pendingLength = 0;
  };
  try {
    if (format === 'data') write(`{"totalRecords":${count},"count":${count},"data":[\n`);
    else if (format === 'array') write('[\n');
    for (let n = 0; n < count; n++) {
      const text = JSON.stringify(gen.resource(n), null, options.pretty && format !== 'ndjson' ? 2 : undefined);
      if (format === 'ndjson') write(`${text}\n`);
      else write(n + 1 < count ? `${text},\n` : `${text}\n`);
    }
    if (format === 'data') write('],"facets":[],"resultTruncated":"false"}\n');
    else if (format === 'array') write(']\n');
    flush();
  } finally {
    closeSync(fd);
  }
  return written;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const value = args[at + 1];
    args.splice(at, 2);
    return value;
  };
  const format = (flag('--format') ?? 'data') as SnapshotFormat;
  const seed = Number(flag('--seed') ?? 20240401);
  const pretty = args.includes('--pretty');
  const [count, out] = args.filter((a) => !a.startsWith('--'));
  if (!count || !out || !['data', 'array', 'ndjson'].includes(format)) {
    console.error('usage: gen-arg-snapshot.ts N OUT [--format data|array|ndjson] [--pretty] [--seed S]');
    process.exit(2);
  }
  const started = performance.now();
  const bytes = generateSnapshot(Number(count), out, { format, pretty, seed });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${out}: ${count} resources, ${(bytes / 1e6).toFixed(1)} MB (${Math.round(bytes / Number(count))} B/resource) in ${seconds.toFixed(1)} s`,
  );
}

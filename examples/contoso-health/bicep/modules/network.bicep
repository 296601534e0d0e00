// Hub network of rg-contoso-net-prod: VNet and subnets, NSGs, NAT gateway, private DNS zones.
import { baseTags } from '../shared/conventions.bicep'

param location string
param environment string

@description('Contoso HQ egress range, allowed to reach the PHI data subnet.')
param corporateEgressPrefix string

@description('Reference-lab and HIE peers that send HL7 v2 (MLLP) to the interface engine.')
param hl7PartnerPrefixes string[]

@description('Source of the interface-engine vendor\'s SQL replication feed.')
param vendorReplicationSourcePrefix string

param vnetAddressPrefix string = '10.40.0.0/16'

param privateDnsZoneNames string[] = [
  'privatelink.blob.core.windows.net'
  'privatelink.dfs.core.windows.net'
  'privatelink.vaultcore.azure.net'
  'privatelink.database.windows.net'
  'contoso-analytics.private.mysql.database.azure.com'
]

var tags = union(baseTags, { app: 'shared-network', owner: 'cloud-platform@contoso-health.example' })
var vnetName = 'vnet-contoso-hub-${environment}'

/** Inbound allow rule in the NSG's securityRules shape. */
func inboundRule(name string, priority int, protocol string, source string, port string) object => {
  name: name
  properties: {
    protocol: protocol
    sourcePortRange: '*'
    destinationPortRange: port
    sourceAddressPrefix: source
    destinationAddressPrefix: '*'
    access: 'Allow'
    priority: priority
    direction: 'Inbound'
  }
}

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2025-07-01' = {
  name: 'pip-contoso-natgw-${environment}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  zones: ['1']
  properties: {
    publicIPAddressVersion: 'IPv4'
    publicIPAllocationMethod: 'Static'
    idleTimeoutInMinutes: 4
  }
}

resource natGateway 'Microsoft.Network/natGateways@2025-07-01' = {
  name: 'ng-contoso-${environment}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  zones: ['1']
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [{ id: natPublicIp.id }]
  }
}

resource nsgApp 'Microsoft.Network/networkSecurityGroups@2025-07-01' = {
  name: 'nsg-contoso-app-${environment}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      inboundRule('Allow-HTTPS-Internet', 100, 'Tcp', 'Internet', '443')
      inboundRule('Allow-GatewayManager', 110, 'Tcp', 'GatewayManager', '65200-65535')
      {
        name: 'Deny-All-Internet-Inbound'
        properties: {
          protocol: '*'
          sourcePortRange: '*'
          destinationPortRange: '*'
          sourceAddressPrefix: 'Internet'
          destinationAddressPrefix: '*'
          access: 'Deny'
          priority: 4000
          direction: 'Inbound'
        }
      }
    ]
  }
}

resource nsgData 'Microsoft.Network/networkSecurityGroups@2025-07-01' = {
  name: 'nsg-contoso-data-${environment}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'Deny-DB-From-Internet'
        properties: {
          description: 'Guard rail: no database port is reachable from the internet, whatever is added below.'
          protocol: '*'
          sourcePortRange: '*'
          destinationPortRanges: ['1433', '3306', '5432', '6432']
          sourceAddressPrefix: 'Internet'
          destinationAddressPrefix: '*'
          access: 'Deny'
          priority: 100
          direction: 'Inbound'
        }
      }
      {
        name: 'Allow-MySQL-From-App'
        properties: {
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '3306'
          sourceAddressPrefix: '10.40.1.0/24'
          destinationAddressPrefix: '10.40.3.0/24'
          access: 'Allow'
          priority: 200
          direction: 'Inbound'
        }
      }
      {
        name: 'Allow-SQL-From-HQ'
        properties: {
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '1433'
          sourceAddressPrefix: corporateEgressPrefix
          destinationAddressPrefix: '10.40.2.0/24'
          access: 'Allow'
          priority: 210
          direction: 'Inbound'
        }
      }
      // Left over from the 2022 claims migration; shadowed by Deny-DB-From-Internet (priority 100).
      inboundRule('Allow-Postgres-Internet-Legacy', 300, 'Tcp', 'Internet', '5432')
    ]
  }
}

resource nsgLegacy 'Microsoft.Network/networkSecurityGroups@2025-07-01' = {
  name: 'nsg-contoso-legacy-dmz'
  location: location
  tags: tags
  properties: {
    securityRules: [
      // Vendor support for the HL7 interface engine VM.
      inboundRule('Allow-RDP-Internet', 100, 'Tcp', 'Internet', '3389')
      inboundRule('Allow-SSH-Any', 110, 'Tcp', '*', '22')
      {
        name: 'Allow-HL7-MLLP-Partners'
        properties: {
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '2575'
          sourceAddressPrefixes: hl7PartnerPrefixes
          destinationAddressPrefix: '10.40.10.0/24'
          access: 'Allow'
          priority: 120
          direction: 'Inbound'
        }
      }
    ]
  }

  // Added by the interface-engine vendor, outside change control.
  resource vendorReplication 'securityRules' = {
    name: 'Allow-SQL-Vendor-Replication'
    properties: {
      protocol: 'Tcp'
      sourcePortRange: '*'
      destinationPortRanges: ['1433', '11000-11999']
      sourceAddressPrefix: vendorReplicationSourcePrefix
      destinationAddressPrefix: '10.40.10.0/24'
      access: 'Allow'
      priority: 130
      direction: 'Inbound'
    }
  }
}

// `delegation`: the service that injects its instances into the subnet (VNet-injected flexible servers).
var subnets = [
  { name: 'snet-app', prefix: '10.40.1.0/24', nsg: nsgApp.id, nat: true, delegation: null }
  { name: 'snet-data', prefix: '10.40.2.0/24', nsg: nsgData.id, nat: false, delegation: null }
  {
    name: 'snet-mysql-analytics'
    prefix: '10.40.3.0/24'
    nsg: nsgData.id
    nat: false
    delegation: 'Microsoft.DBforMySQL/flexibleServers'
  }
  { name: 'snet-privatelink', prefix: '10.40.4.0/24', nsg: nsgData.id, nat: false, delegation: null }
  { name: 'snet-legacy-dmz', prefix: '10.40.10.0/24', nsg: nsgLegacy.id, nat: false, delegation: null }
]

resource vnet 'Microsoft.Network/virtualNetworks@2025-07-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [vnetAddressPrefix]
    }
    subnets: [
      for subnet in subnets: {
        name: subnet.name
        properties: {
          addressPrefix: subnet.prefix
          networkSecurityGroup: { id: subnet.nsg }
          natGateway: subnet.nat ? { id: natGateway.id } : null
          delegations: subnet.delegation == null ? [] : [{ name: 'delegation', properties: { serviceName: subnet.delegation } }]
        }
      }
    ]
  }
}

resource privateDnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in privateDnsZoneNames: {
    name: zone
    location: 'global'
    tags: tags
    properties: {}
  }
]

resource privateDnsZoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in privateDnsZoneNames: {
    parent: privateDnsZones[i]
    name: 'link-${vnetName}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
]

output vnetId string = vnet.id
output privateLinkSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'snet-privatelink')
output mysqlSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnetName, 'snet-mysql-analytics')
output privateDnsZoneIds object = toObject(privateDnsZoneNames, zone => zone, zone => resourceId('Microsoft.Network/privateDnsZones', zone))
output natPublicIp string = natPublicIp.properties.ipAddress

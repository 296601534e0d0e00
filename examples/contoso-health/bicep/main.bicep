// Contoso Health, Bicep edition: the hub network (rg-contoso-net-prod) and the storage accounts of the patient
// portal (rg-contoso-portal-prod) and the data platform (rg-contoso-data-prod), deployed at subscription scope with
// one module per resource group. Parameter values live in main.bicepparam.
targetScope = 'subscription'

import { phiTags, publicTags } from 'shared/conventions.bicep'

@allowed(['dev', 'test', 'prod'])
param environment string = 'prod'

param location string = 'eastus2'

param corporateEgressPrefix string
param hl7PartnerPrefixes string[]
param vendorReplicationSourcePrefix string

@allowed(['TLS1_0', 'TLS1_1', 'TLS1_2'])
param uploadsMinimumTlsVersion string = 'TLS1_2'

param imagingSku string = 'Standard_GRS'

@allowed(['Allow', 'Deny'])
param imagingNetworkDefaultAction string = 'Deny'

param imagingContainers string[]

@description('Who ran the deployment (pipeline variable); recorded as a tag.')
param deployedBy string

var resourceGroupNames = {
  network: 'rg-contoso-net-${environment}'
  portal: 'rg-contoso-portal-${environment}'
  data: 'rg-contoso-data-${environment}'
}

module network 'modules/network.bicep' = {
  name: 'contoso-network'
  scope: resourceGroup(resourceGroupNames.network)
  params: {
    location: location
    environment: environment
    corporateEgressPrefix: corporateEgressPrefix
    hl7PartnerPrefixes: hl7PartnerPrefixes
    vendorReplicationSourcePrefix: vendorReplicationSourcePrefix
  }
}

// Patient uploads: built in 2020 for the first portal release and never hardened.
module uploads 'modules/storage-account.bicep' = {
  name: 'portal-uploads'
  scope: resourceGroup(resourceGroupNames.portal)
  params: {
    name: 'stcontosoportalupl'
    location: location
    tags: union(phiTags('patient-portal', 'digital-front-door@contoso-health.example'), { 'deployed-by': deployedBy })
    skuName: 'Standard_LRS'
    httpsOnly: false
    minimumTlsVersion: uploadsMinimumTlsVersion
    allowBlobPublicAccess: true
    networkDefaultAction: 'Allow'
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: { enabled: true }
      }
    }
    containers: [
      { name: 'patient-uploads', publicAccess: 'Blob' }
      { name: 'insurance-cards' }
    ]
    blobServiceProperties: {
      cors: {
        corsRules: [
          {
            allowedOrigins: ['https://portal.contoso-health.example']
            allowedMethods: ['GET', 'PUT']
            allowedHeaders: ['*']
            exposedHeaders: ['*']
            maxAgeInSeconds: 3600
          }
        ]
      }
    }
  }
}

// Public marketing content: not PHI, so only the rules that are not PHI-scoped apply.
module marketing 'modules/storage-account.bicep' = {
  name: 'portal-marketing'
  scope: resourceGroup(resourceGroupNames.portal)
  params: {
    name: 'stcontosomktweb'
    location: location
    tags: publicTags('marketing-site', 'digital-front-door@contoso-health.example')
    allowBlobPublicAccess: false
    publicNetworkAccess: 'Enabled'
    networkDefaultAction: 'Allow'
  }
}

// DICOM imaging archive.
module imaging 'modules/storage-account.bicep' = {
  name: 'data-imaging'
  scope: resourceGroup(resourceGroupNames.data)
  params: {
    name: 'stcontosoimaging'
    location: location
    tags: phiTags('data-platform', 'data-engineering@contoso-health.example')
    skuName: imagingSku
    allowBlobPublicAccess: false
    allowSharedKeyAccess: true
    publicNetworkAccess: 'Enabled'
    networkDefaultAction: imagingNetworkDefaultAction
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: false
      services: {
        blob: { enabled: true, keyType: 'Account' }
      }
    }
    containers: [for container in imagingContainers: { name: container }]
  }
}

// Claims drop for the clearinghouse (SFTP). Its firewall admits the hub's NAT address, known only once deployed.
module claims 'modules/storage-account.bicep' = {
  name: 'data-claims'
  scope: resourceGroup(resourceGroupNames.data)
  params: {
    name: 'stcontosoclaimsdrop'
    location: location
    tags: phiTags('data-platform', 'data-engineering@contoso-health.example')
    allowSharedKeyAccess: true
    isHnsEnabled: true
    ipRules: [
      { value: network.outputs.natPublicIp, action: 'Allow' }
      { value: '203.0.113.128/28', action: 'Allow' }
    ]
    containers: [
      { name: 'inbound-837' }
      { name: 'outbound-835' }
    ]
  }
}

// Analytics lake: private (dfs endpoint in the hub), no Shared Key, infrastructure encryption; platform keys only.
module analytics 'modules/storage-account.bicep' = {
  name: 'data-analytics-lake'
  scope: resourceGroup(resourceGroupNames.data)
  params: {
    name: 'stcontosoanalytics'
    location: location
    tags: phiTags('data-platform', 'data-engineering@contoso-health.example')
    isHnsEnabled: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    publicNetworkAccess: 'Disabled'
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
    }
    privateEndpoint: {
      subnetId: network.outputs.privateLinkSubnetId
      groupId: 'dfs'
      privateDnsZoneId: network.outputs.privateDnsZoneIds['privatelink.dfs.core.windows.net']
    }
  }
}

output uploadsAccountId string = uploads.outputs.id

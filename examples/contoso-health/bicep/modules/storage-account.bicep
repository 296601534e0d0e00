// A storage account with its blob service, containers and (optionally) a private endpoint. Teams pass their own
// settings; the defaults are the Contoso baseline.
import { containerType } from '../shared/conventions.bicep'

@minLength(3)
@maxLength(24)
@description('Storage account name.')
param name string

param location string
param tags object

@allowed(['Standard_LRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_ZRS', 'Standard_GZRS', 'Standard_RAGZRS'])
param skuName string = 'Standard_GRS'

param httpsOnly bool = true

@allowed(['TLS1_0', 'TLS1_1', 'TLS1_2'])
param minimumTlsVersion string = 'TLS1_2'

@description('Leave unset to keep the account\'s current setting (not pinned by the template).')
param allowBlobPublicAccess bool?

@description('Leave unset to keep the account\'s current setting (not pinned by the template).')
param allowSharedKeyAccess bool?

param publicNetworkAccess ('Enabled' | 'Disabled')?

param networkDefaultAction ('Allow' | 'Deny') = 'Deny'

@description('IP firewall rules ({ value, action }).')
param ipRules array = []

@description('The encryption block; null keeps the platform default.')
param encryption object?

@description('Managed identity of the account (a user-assigned identity unwraps a customer-managed key).')
param identity object?

param isHnsEnabled bool = false

param containers containerType[] = []

param blobServiceProperties object = {}

@description('Log Analytics workspace that receives the blob service\'s read, write and delete logs.')
param blobLogsWorkspaceId string?

@description('A private endpoint for one sub-resource (blob, dfs...) in an existing subnet.')
param privateEndpoint {
  subnetId: string
  groupId: 'blob' | 'dfs' | 'file' | 'queue' | 'table' | 'web'
  privateDnsZoneId: string?
}?

resource account 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  identity: identity
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: httpsOnly
    minimumTlsVersion: minimumTlsVersion
    allowBlobPublicAccess: allowBlobPublicAccess
    allowSharedKeyAccess: allowSharedKeyAccess
    publicNetworkAccess: publicNetworkAccess
    isHnsEnabled: isHnsEnabled ? true : null
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: networkDefaultAction
      ipRules: ipRules
    }
    encryption: encryption
  }

  resource blobService 'blobServices' = {
    name: 'default'
    properties: blobServiceProperties

    resource container 'containers' = [
      for container in containers: {
        name: container.name
        properties: {
          publicAccess: container.?publicAccess ?? 'None'
        }
      }
    ]
  }
}

resource blobLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (blobLogsWorkspaceId != null) {
  name: 'blob-audit-to-law'
  scope: account::blobService
  properties: {
    workspaceId: blobLogsWorkspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [for category in ['StorageRead', 'StorageWrite', 'StorageDelete']: { category: category, enabled: true }]
    metrics: [
      {
        category: 'Transaction'
        enabled: true
      }
    ]
  }
}

var endpointName = 'pe-${name}-${privateEndpoint.?groupId ?? 'none'}'

resource endpoint 'Microsoft.Network/privateEndpoints@2025-07-01' = if (privateEndpoint != null) {
  name: endpointName
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpoint!.subnetId
    }
    privateLinkServiceConnections: [
      {
        name: '${name}-${privateEndpoint!.groupId}'
        properties: {
          privateLinkServiceId: account.id
          groupIds: [
            privateEndpoint!.groupId
          ]
        }
      }
    ]
  }

  resource zoneGroup 'privateDnsZoneGroups' = if (privateEndpoint.?privateDnsZoneId != null) {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: replace(last(split(privateEndpoint!.privateDnsZoneId!, '/')), '.', '-')
          properties: {
            privateDnsZoneId: privateEndpoint!.privateDnsZoneId
          }
        }
      ]
    }
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob

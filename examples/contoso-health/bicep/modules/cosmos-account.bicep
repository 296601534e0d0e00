// A Cosmos DB for NoSQL account with one database and its containers, and (optionally) a private endpoint.
// Network defaults are the Contoso baseline (no public access); callers that open it say so.

@description('Account name.')
param name string

param location string
param tags object

param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

@description('Client addresses or CIDR ranges admitted while public network access is enabled.')
param ipRules string[] = []

@description('Subnets admitted through service endpoints (turns the VNet filter on when not empty).')
param virtualNetworkSubnetIds string[] = []

param disableLocalAuth bool = true
param disableKeyBasedMetadataWriteAccess bool = true

@description('Versionless Key Vault key URI for a customer-managed key; null keeps the service-managed key.')
param keyVaultKeyUri string?

param databaseName string

@description('Containers of the database and their partition key path.')
param containers {
  name: string
  partitionKeyPath: string
  maxThroughput: int?
}[]

@description('A private endpoint (Sql sub-resource) in an existing subnet.')
param privateEndpoint {
  subnetId: string
  privateDnsZoneId: string?
}?

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    publicNetworkAccess: publicNetworkAccess
    isVirtualNetworkFilterEnabled: !empty(virtualNetworkSubnetIds)
    virtualNetworkRules: [for subnetId in virtualNetworkSubnetIds: { id: subnetId }]
    ipRules: [for range in ipRules: { ipAddressOrRange: range }]
    minimalTlsVersion: 'Tls12'
    disableLocalAuth: disableLocalAuth
    disableKeyBasedMetadataWriteAccess: disableKeyBasedMetadataWriteAccess
    keyVaultKeyUri: keyVaultKeyUri
    defaultIdentity: keyVaultKeyUri == null ? null : 'FirstPartyIdentity'
    backupPolicy: {
      type: 'Periodic'
      periodicModeProperties: {
        backupIntervalInMinutes: 240
        backupRetentionIntervalInHours: 720
        backupStorageRedundancy: 'Geo'
      }
    }
  }

  resource database 'sqlDatabases' = {
    name: databaseName
    properties: {
      resource: {
        id: databaseName
      }
    }

    resource container 'containers' = [
      for container in containers: {
        name: container.name
        properties: {
          resource: {
            id: container.name
            partitionKey: {
              paths: [container.partitionKeyPath]
              kind: 'Hash'
            }
          }
          options: container.?maxThroughput == null ? {} : { autoscaleSettings: { maxThroughput: container.?maxThroughput } }
        }
      }
    ]
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2025-07-01' = if (privateEndpoint != null) {
  name: 'pe-${name}-sql'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpoint!.subnetId
    }
    privateLinkServiceConnections: [
      {
        name: '${name}-sql'
        properties: {
          privateLinkServiceId: account.id
          groupIds: ['Sql']
        }
      }
    ]
  }

  resource zoneGroup 'privateDnsZoneGroups' = if (privateEndpoint.?privateDnsZoneId != null) {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-documents-azure-com'
          properties: {
            privateDnsZoneId: privateEndpoint!.privateDnsZoneId
          }
        }
      ]
    }
  }
}

output id string = account.id
output endpoint string = account.properties.documentEndpoint

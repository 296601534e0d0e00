// An Azure SQL logical server with its firewall rules, databases and TDE protector, and (optionally) a private
// endpoint. The defaults are the Contoso baseline; callers pass what their workload needs.
import { firewallRuleType, sqlDatabaseType } from '../shared/conventions.bicep'

@description('Logical server name.')
param name string

param location string
param tags object

param administratorLogin string

@secure()
param administratorLoginPassword string

@description('Entra ID group that administers the server.')
param entraAdmin {
  login: string
  sid: string
}

param publicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

param minimalTlsVersion ('1.2' | '1.3') = '1.2'

@description('Server-level IPv4 firewall rules (only used while public network access is enabled).')
param firewallRules firewallRuleType[] = []

param databases sqlDatabaseType[]

@description('Key Vault key for a customer-managed TDE protector; null keeps the service-managed key.')
param tdeKey {
  @description('Server key name: <vault>_<key>_<version>.')
  name: string
  uri: string
}?

@description('A private endpoint (sqlServer sub-resource) in an existing subnet.')
param privateEndpoint {
  subnetId: string
  privateDnsZoneId: string?
}?

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: name
  location: location
  tags: tags
  identity: tdeKey == null ? null : { type: 'SystemAssigned' }
  properties: {
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorLoginPassword
    version: '12.0'
    minimalTlsVersion: minimalTlsVersion
    publicNetworkAccess: publicNetworkAccess
    restrictOutboundNetworkAccess: 'Disabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      principalType: 'Group'
      login: entraAdmin.login
      sid: entraAdmin.sid
      tenantId: tenant().tenantId
      azureADOnlyAuthentication: false
    }
  }

  resource firewall 'firewallRules' = [
    for rule in firewallRules: {
      name: rule.name
      properties: {
        startIpAddress: rule.startIpAddress
        endIpAddress: rule.endIpAddress
      }
    }
  ]
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = [
  for db in databases: {
    parent: server
    name: db.name
    location: location
    tags: tags
    sku: db.sku
    properties: {
      collation: 'SQL_Latin1_General_CP1_CI_AS'
      zoneRedundant: db.?zoneRedundant ?? false
      requestedBackupStorageRedundancy: db.backupStorageRedundancy
    }
  }
]

// Only the databases that set TDE explicitly get a transparentDataEncryption child; the others keep the default.
resource tde 'Microsoft.Sql/servers/databases/transparentDataEncryption@2023-08-01' = [
  for (db, i) in databases: if (db.?transparentDataEncryption != null) {
    parent: database[i]
    name: 'current'
    properties: {
      state: db.transparentDataEncryption!
    }
  }
]

resource serverKey 'Microsoft.Sql/servers/keys@2023-08-01' = if (tdeKey != null) {
  parent: server
  name: tdeKey.?name ?? 'none'
  properties: {
    serverKeyType: 'AzureKeyVault'
    uri: tdeKey!.uri
  }
}

resource protector 'Microsoft.Sql/servers/encryptionProtector@2023-08-01' = {
  parent: server
  name: 'current'
  properties: {
    serverKeyType: tdeKey == null ? 'ServiceManaged' : 'AzureKeyVault'
    serverKeyName: tdeKey == null ? 'ServiceManaged' : serverKey.name
    autoRotationEnabled: tdeKey != null
  }
}

resource endpoint 'Microsoft.Network/privateEndpoints@2025-07-01' = if (privateEndpoint != null) {
  name: 'pe-${name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpoint!.subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: server.id
          groupIds: ['sqlServer']
        }
      }
    ]
  }

  resource zoneGroup 'privateDnsZoneGroups' = if (privateEndpoint.?privateDnsZoneId != null) {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-database-windows-net'
          properties: {
            privateDnsZoneId: privateEndpoint!.privateDnsZoneId
          }
        }
      ]
    }
  }
}

output id string = server.id
output name string = server.name
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName

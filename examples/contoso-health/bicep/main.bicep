// Contoso Health, Bicep edition: the hub network (rg-contoso-net-prod) and the storage accounts, key vault and
// databases of the EHR (rg-contoso-ehr-prod), the patient portal (rg-contoso-portal-prod) and the data platform
// (rg-contoso-data-prod), deployed at subscription scope with modules scoped to their resource group. Parameter values
// live in main.bicepparam.
targetScope = 'subscription'

import { phiTags, publicTags, sqlDatabaseType } from 'shared/conventions.bicep'

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

param sqlAdministratorLogin string

@secure()
param sqlAdministratorPassword string

@description('Entra ID group that administers the EHR databases.')
param sqlEntraAdmin {
  login: string
  sid: string
}

param sqlPublicNetworkAccess ('Enabled' | 'Disabled') = 'Disabled'

param sqlDatabases sqlDatabaseType[]

@description('Versionless URI of the Cosmos DB customer-managed key (kv-contoso-data-cmk).')
param cosmosCmkKeyUri string

param pgAdministratorLogin string

@secure()
param pgAdministratorPassword string

param mysqlAdministratorLogin string

@secure()
param mysqlAdministratorPassword string

@description('Versionless URI of the MySQL customer-managed key (kv-contoso-ehr-prod).')
param mysqlCmkKeyUri string

var resourceGroupNames = {
  network: 'rg-contoso-net-${environment}'
  ehr: 'rg-contoso-ehr-${environment}'
  portal: 'rg-contoso-portal-${environment}'
  data: 'rg-contoso-data-${environment}'
}

// The security Log Analytics workspace of the data platform (deployed outside this template).
var securityWorkspaceName = 'log-contoso-sec-${environment}'
var securityWorkspaceId = resourceId(subscription().subscriptionId, resourceGroupNames.data, 'Microsoft.OperationalInsights/workspaces', securityWorkspaceName)

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

// EHR keys: the vault behind the clinical document store's and the analytics server's customer-managed keys.
module ehrKeys 'modules/ehr-keys.bicep' = {
  name: 'ehr-keys'
  scope: resourceGroup(resourceGroupNames.ehr)
  params: {
    location: location
    environment: environment
    tags: phiTags('ehr', 'ehr-platform@contoso-health.example')
    privateLinkSubnetId: network.outputs.privateLinkSubnetId
    privateDnsZoneId: network.outputs.privateDnsZoneIds['privatelink.vaultcore.azure.net']
    workspaceId: securityWorkspaceId
  }
}

// Clinical document store, rebuilt in 2023 to the baseline: CMK, blob private endpoint, no public or Shared Key access.
module ehrDocuments 'modules/storage-account.bicep' = {
  name: 'ehr-documents'
  scope: resourceGroup(resourceGroupNames.ehr)
  params: {
    name: 'stcontosoehrdocs'
    location: location
    tags: phiTags('ehr', 'ehr-platform@contoso-health.example')
    skuName: 'Standard_RAGZRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    publicNetworkAccess: 'Disabled'
    identity: {
      type: 'UserAssigned'
      userAssignedIdentities: {
        '${ehrKeys.outputs.documentsIdentityId}': {}
      }
    }
    encryption: {
      keySource: 'Microsoft.Keyvault'
      requireInfrastructureEncryption: true
      identity: {
        userAssignedIdentity: ehrKeys.outputs.documentsIdentityId
      }
      keyvaultproperties: {
        keyvaulturi: ehrKeys.outputs.vaultUri
        keyname: ehrKeys.outputs.documentsKeyName
      }
      services: {
        blob: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
      }
    }
    containers: [
      { name: 'clinical-documents' }
      { name: 'scanned-consents' }
    ]
    blobServiceProperties: {
      isVersioningEnabled: true
      deleteRetentionPolicy: { enabled: true, days: 30 }
      containerDeleteRetentionPolicy: { enabled: true, days: 30 }
      changeFeed: { enabled: true, retentionInDays: 90 }
    }
    blobLogsWorkspaceId: securityWorkspaceId
    privateEndpoint: {
      subnetId: network.outputs.privateLinkSubnetId
      groupId: 'blob'
      privateDnsZoneId: network.outputs.privateDnsZoneIds['privatelink.blob.core.windows.net']
    }
  }
}

// EHR databases. The server was rebuilt in 2023 (Entra admin, TLS 1.2), but the migration left it public with two
// wide-open firewall rules, and its TDE protector is still the service-managed key (no tdeKey).
module ehrSql 'modules/sql-server.bicep' = {
  name: 'ehr-sql'
  scope: resourceGroup(resourceGroupNames.ehr)
  params: {
    name: 'sql-contoso-ehr-${environment}'
    location: location
    tags: phiTags('ehr', 'ehr-platform@contoso-health.example')
    administratorLogin: sqlAdministratorLogin
    administratorLoginPassword: sqlAdministratorPassword
    entraAdmin: sqlEntraAdmin
    publicNetworkAccess: sqlPublicNetworkAccess
    firewallRules: [
      // Opened for the 2023 data migration and never closed.
      { name: 'AllowAll-Temp-Migration', startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' }
      // The portal's "Allow Azure services and resources to access this server".
      { name: 'AllowAllWindowsAzureIps', startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
      {
        name: 'Contoso-HQ'
        startIpAddress: parseCidr(corporateEgressPrefix).network
        endIpAddress: parseCidr(corporateEgressPrefix).broadcast
      }
    ]
    databases: sqlDatabases
  }
}

// Patient portal secure messages: customer-managed key and TLS 1.2, but open to every network, with key auth on.
module portalMessages 'modules/cosmos-account.bicep' = {
  name: 'portal-messages'
  scope: resourceGroup(resourceGroupNames.portal)
  params: {
    name: 'cosmos-contoso-portal-${environment}'
    location: location
    tags: phiTags('patient-portal', 'digital-front-door@contoso-health.example')
    publicNetworkAccess: 'Enabled'
    disableLocalAuth: false
    disableKeyBasedMetadataWriteAccess: false
    keyVaultKeyUri: cosmosCmkKeyUri
    databaseName: 'portal'
    containers: [
      { name: 'secure-messages', partitionKeyPath: '/patientId', maxThroughput: 4000 }
    ]
  }
}

// Claims PostgreSQL (public) and analytics MySQL (VNet-injected into the hub's delegated subnet).
module dataDatabases 'modules/flexible-servers.bicep' = {
  name: 'data-databases'
  scope: resourceGroup(resourceGroupNames.data)
  params: {
    location: location
    environment: environment
    tags: phiTags('data-platform', 'data-engineering@contoso-health.example')
    pgAdministratorLogin: pgAdministratorLogin
    pgAdministratorPassword: pgAdministratorPassword
    clearinghouseRelay: {
      startIpAddress: parseCidr('203.0.113.128/28').network
      endIpAddress: parseCidr('203.0.113.128/28').broadcast
    }
    mysqlAdministratorLogin: mysqlAdministratorLogin
    mysqlAdministratorPassword: mysqlAdministratorPassword
    mysqlSubnetId: network.outputs.mysqlSubnetId
    mysqlPrivateDnsZoneId: network.outputs.privateDnsZoneIds['contoso-analytics.private.mysql.database.azure.com']
    mysqlCmkKeyUri: mysqlCmkKeyUri
    workspaceId: securityWorkspaceId
  }
}

output uploadsAccountId string = uploads.outputs.id
output ehrSqlServerFqdn string = ehrSql.outputs.fullyQualifiedDomainName

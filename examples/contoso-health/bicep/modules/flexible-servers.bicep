// The data platform's open-source databases (rg-contoso-data-prod): the claims PostgreSQL server, stood up in 2023
// for the clearinghouse feed and still public, and the analytics MySQL server, VNet-injected with a customer-managed key.

param location string
param environment string
param tags object

param pgAdministratorLogin string

@secure()
param pgAdministratorPassword string

@description('Source range of the clearinghouse SFTP relay, admitted to PostgreSQL.')
param clearinghouseRelay {
  startIpAddress: string
  endIpAddress: string
}

param mysqlAdministratorLogin string

@secure()
param mysqlAdministratorPassword string

@description('Delegated subnet the MySQL server is injected into.')
param mysqlSubnetId string

param mysqlPrivateDnsZoneId string

@description('Versionless Key Vault key URI of the MySQL customer-managed key.')
param mysqlCmkKeyUri string

@description('Log Analytics workspace that receives the MySQL audit log.')
param workspaceId string

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: 'psql-contoso-claims-${environment}'
  location: location
  tags: tags
  sku: {
    name: 'Standard_D4ds_v5'
    tier: 'GeneralPurpose'
  }
  properties: {
    version: '16'
    administratorLogin: pgAdministratorLogin
    administratorLoginPassword: pgAdministratorPassword
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: 256
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 14
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
    dataEncryption: {
      type: 'SystemManaged'
    }
  }

  // Created by the portal's "Allow public access from any Azure service" checkbox during the 2023 cut-over.
  resource allowAzureServices 'firewallRules' = {
    name: 'AllowAllAzureServicesAndResourcesWithinAzureIps_2023-9-14_8-12-3'
    properties: {
      startIpAddress: '0.0.0.0'
      endIpAddress: '0.0.0.0'
    }
  }

  resource relay 'firewallRules' = {
    name: 'clearinghouse-sftp-relay'
    properties: clearinghouseRelay
  }

  resource secureTransport 'configurations' = {
    name: 'require_secure_transport'
    properties: {
      value: 'on'
      source: 'user-override'
    }
    dependsOn: [relay]
  }
}

resource mysqlCmkIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-contoso-analytics-cmk'
  location: location
  tags: tags
}

resource mysql 'Microsoft.DBforMySQL/flexibleServers@2024-12-30' = {
  name: 'mysql-contoso-analytics-${environment}'
  location: location
  tags: tags
  sku: {
    name: 'Standard_D2ds_v4'
    tier: 'GeneralPurpose'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${mysqlCmkIdentity.id}': {}
    }
  }
  properties: {
    version: '8.0.21'
    administratorLogin: mysqlAdministratorLogin
    administratorLoginPassword: mysqlAdministratorPassword
    storage: {
      storageSizeGB: 128
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 35
      geoRedundantBackup: 'Disabled'
    }
    network: {
      delegatedSubnetResourceId: mysqlSubnetId
      privateDnsZoneResourceId: mysqlPrivateDnsZoneId
      publicNetworkAccess: 'Disabled'
    }
    dataEncryption: {
      type: 'AzureKeyVault'
      primaryKeyURI: mysqlCmkKeyUri
      primaryUserAssignedIdentityId: mysqlCmkIdentity.id
    }
  }

  resource auditLog 'configurations' = {
    name: 'audit_log_enabled'
    properties: {
      value: 'ON'
      source: 'user-override'
    }
  }

  resource secureTransport 'configurations' = {
    name: 'require_secure_transport'
    properties: {
      value: 'ON'
      source: 'user-override'
    }
    dependsOn: [auditLog]
  }
}

resource mysqlAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'mysql-audit-to-law'
  scope: mysql
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

output postgresId string = postgres.id
output mysqlId string = mysql.id

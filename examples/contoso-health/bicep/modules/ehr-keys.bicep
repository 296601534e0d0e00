// The EHR key vault (rg-contoso-ehr-prod) with the customer-managed keys of the clinical document store and the
// analytics MySQL server, the identity the document store unwraps its key with, and the vault's private endpoint.

param location string
param environment string
param tags object

@description('Subnet of the vault\'s private endpoint.')
param privateLinkSubnetId string

param privateDnsZoneId string

@description('Log Analytics workspace that receives the vault\'s audit log.')
param workspaceId string

var documentsKeyName = 'cmk-ehr-docs'
var cryptoServiceEncryptionUserRoleId = 'e147488a-f6f5-4113-8e2d-b22465e65bf6'

var yearlyRotation = {
  attributes: {
    expiryTime: 'P13M'
  }
  lifetimeActions: [
    {
      trigger: { timeAfterCreate: 'P1Y' }
      action: { type: 'rotate' }
    }
    {
      trigger: { timeBeforeExpiry: 'P30D' }
      action: { type: 'notify' }
    }
  ]
}

resource documentsIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-contoso-ehrdocs-cmk'
  location: location
  tags: tags
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: 'kv-contoso-ehr-${environment}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'premium'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDiskEncryption: true
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'disabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Deny'
      ipRules: []
      virtualNetworkRules: []
    }
  }

  resource keys 'keys' = [
    for keyName in [documentsKeyName, 'cmk-analytics-mysql']: {
      name: keyName
      properties: {
        kty: 'RSA-HSM'
        keySize: 3072
        keyOps: ['wrapKey', 'unwrapKey']
        rotationPolicy: yearlyRotation
      }
    }
  ]
}

resource vaultAudit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'kv-audit-to-law'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

resource documentsKeyAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, documentsIdentity.name, cryptoServiceEncryptionUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cryptoServiceEncryptionUserRoleId)
    principalId: documentsIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'Clinical document store unwraps its CMK.'
  }
}

resource vaultEndpoint 'Microsoft.Network/privateEndpoints@2025-07-01' = {
  name: 'pe-${vault.name}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateLinkSubnetId
    }
    privateLinkServiceConnections: [
      {
        name: vault.name
        properties: {
          privateLinkServiceId: vault.id
          groupIds: ['vault']
        }
      }
    ]
  }

  resource zoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: 'privatelink-vaultcore-azure-net'
          properties: {
            privateDnsZoneId: privateDnsZoneId
          }
        }
      ]
    }
  }
}

output vaultUri string = 'https://${vault.name}.vault.azure.net/'
output documentsKeyName string = documentsKeyName
output documentsIdentityId string = documentsIdentity.id

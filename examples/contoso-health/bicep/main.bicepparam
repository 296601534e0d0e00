using './main.bicep'

param environment = 'prod'
param location = 'eastus2'
param corporateEgressPrefix = '198.51.100.0/24'
param hl7PartnerPrefixes = [
  '203.0.113.32/28'
  '203.0.113.80/29'
]

// The interface-engine vendor asked for "any source" while their replication IPs change (ticket CHG-2291).
param vendorReplicationSourcePrefix = '0.0.0.0/0'

// Kiosk tablets in the clinics still upload insurance cards over TLS 1.0.
param uploadsMinimumTlsVersion = 'TLS1_0'

var imagingPrefix = 'dicom'
param imagingSku = 'Standard_LRS'
param imagingNetworkDefaultAction = 'Allow'
param imagingContainers = [
  '${imagingPrefix}-studies'
  '${imagingPrefix}-thumbnails'
  'radiology-reports'
]

param deployedBy = readEnvironmentVariable('BUILD_REQUESTEDFOR', 'local')

// Databases. Admin passwords are Key Vault references (the deployment pipeline's vault); they are never read.
var deploySubscription = '3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90'
var deployVault = 'kv-contoso-deploy'

param sqlAdministratorLogin = 'ehr-sqladmin'
param sqlAdministratorPassword = az.getSecret(deploySubscription, 'rg-contoso-deploy', deployVault, 'sql-contoso-ehr-prod-admin')
param sqlEntraAdmin = {
  login: 'sg-ehr-dba'
  sid: '6a2f8c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b'
}

// Still Enabled after the 2023 migration: the reporting team's gateway connects over the internet.
param sqlPublicNetworkAccess = 'Enabled'

param sqlDatabases = [
  {
    name: 'sqldb-ehr-clinical'
    sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 8 }
    zoneRedundant: true
    backupStorageRedundancy: 'Geo'
  }
  {
    name: 'sqldb-ehr-reporting'
    sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 }
    backupStorageRedundancy: 'Local'
    // Turned off to speed up the nightly reporting load ("re-enable after go-live").
    transparentDataEncryption: 'Disabled'
  }
]

param cosmosCmkKeyUri = 'https://kv-contoso-data-cmk.vault.azure.net/keys/cmk-cosmos-portal'

param pgAdministratorLogin = 'claimsadmin'
param pgAdministratorPassword = az.getSecret(deploySubscription, 'rg-contoso-deploy', deployVault, 'psql-contoso-claims-prod-admin')

param mysqlAdministratorLogin = 'analyticsadmin'
param mysqlAdministratorPassword = az.getSecret(deploySubscription, 'rg-contoso-deploy', deployVault, 'mysql-contoso-analytics-prod-admin')
param mysqlCmkKeyUri = 'https://kv-contoso-ehr-prod.vault.azure.net/keys/cmk-analytics-mysql'

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

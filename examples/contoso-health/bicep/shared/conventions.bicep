// Contoso Health naming and tagging conventions, shared by every template (compile-time imports).

@export()
@description('Tags every resource carries.')
var baseTags = {
  env: 'prod'
  'cost-center': 'IT-4410'
}

@export()
@description('Tags of a resource that stores or processes PHI (classified by the data-classification tag).')
func phiTags(app string, owner string) object => union(baseTags, {
  app: app
  owner: owner
  'data-classification': 'phi'
})

@export()
@description('Tags of a resource that holds public content only.')
func publicTags(app string, owner string) object => union(baseTags, {
  app: app
  owner: owner
  'data-classification': 'public'
})

@export()
@description('A blob container and its anonymous access level.')
type containerType = {
  name: string
  @description('None unless the container serves anonymous readers.')
  publicAccess: ('None' | 'Blob' | 'Container')?
}

@export()
@description('A server-level IPv4 firewall rule of a database server.')
type firewallRuleType = {
  name: string
  startIpAddress: string
  endIpAddress: string
}

@export()
@description('An Azure SQL database: its SKU, backup redundancy and (only when it must differ from the default) TDE.')
type sqlDatabaseType = {
  name: string
  sku: {
    name: string
    tier: string
    family: string?
    capacity: int?
  }
  zoneRedundant: bool?
  backupStorageRedundancy: ('Geo' | 'GeoZone' | 'Local' | 'Zone')
  @description('Transparent data encryption; null leaves the service default (Enabled) in place.')
  transparentDataEncryption: ('Enabled' | 'Disabled')?
}

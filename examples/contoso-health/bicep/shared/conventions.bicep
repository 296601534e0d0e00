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

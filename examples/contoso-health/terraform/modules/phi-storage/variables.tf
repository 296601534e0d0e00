# Settings left null are not sent, so the azurerm provider default applies (what phiguard evaluates as "absent").
variable "name" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "location" {
  type = string
}

variable "replication_type" {
  type    = string
  default = "GRS"
}

variable "min_tls_version" {
  type    = string
  default = null
}

variable "https_only" {
  type    = bool
  default = null
}

variable "allow_public_blobs" {
  type    = bool
  default = null
}

variable "shared_key_access" {
  type    = bool
  default = null
}

variable "public_network_access" {
  type    = bool
  default = null
}

variable "infrastructure_encryption" {
  type    = bool
  default = null
}

variable "hns_enabled" {
  type    = bool
  default = false
}

variable "network" {
  type = object({
    default_action = string
    ip_rules       = optional(list(string), [])
  })
  default = null
}

# container name => access type (private | blob | container)
variable "containers" {
  type    = map(string)
  default = {}
}

variable "cmk" {
  type = object({
    key_vault_key_id          = string
    user_assigned_identity_id = string
  })
  default = null
}

variable "private_endpoint" {
  type = object({
    subnet_id   = string
    subresource = string
  })
  default = null
}

variable "blob_soft_delete_days" {
  type    = number
  default = null
}

variable "tags" {
  type    = map(string)
  default = {}
}

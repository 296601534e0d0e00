variable "location" {
  type    = string
  default = "eastus2"
}

variable "environment" {
  type    = string
  default = "prod"
}

# Patient upload storage. The platform team's default is TLS 1.2; the portal team overrides it in terraform.tfvars.
variable "uploads_min_tls_version" {
  type    = string
  default = "TLS1_2"
}

variable "imaging_network_default_action" {
  type    = string
  default = "Deny"
}

variable "imaging_containers" {
  type    = set(string)
  default = ["dicom-studies", "dicom-thumbnails", "radiology-reports"]
}

variable "corporate_egress_prefix" {
  type = string
}

variable "hl7_partner_prefixes" {
  type = list(string)
}

# Source of the interface-engine vendor's SQL replication (added outside change control).
variable "vendor_replication_source_prefix" {
  type = string
}

variable "sql_public_network_access" {
  type    = bool
  default = false
}

variable "sql_databases" {
  type = map(object({
    sku                = string
    backup_redundancy  = string
    tde_enabled        = optional(bool)
  }))
}

variable "tags" {
  type = map(string)
  default = {
    env   = "prod"
    owner = "cloud-platform@contoso-health.example"
  }
}

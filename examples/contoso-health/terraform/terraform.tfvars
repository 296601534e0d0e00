# Values for the prod estate. Several failing settings come from here, not from the .tf files.
location    = "eastus2"
environment = "prod"

uploads_min_tls_version        = "TLS1_0"
imaging_network_default_action = "Allow"

corporate_egress_prefix          = "198.51.100.0/24"
hl7_partner_prefixes             = ["203.0.113.32/28", "203.0.113.80/29"]
vendor_replication_source_prefix = "0.0.0.0/0"

sql_public_network_access = true

sql_databases = {
  clinical = {
    sku               = "GP_Gen5_4"
    backup_redundancy = "Geo"
  }
  reporting = {
    sku               = "GP_Gen5_2"
    backup_redundancy = "Local"
    tde_enabled       = false
  }
}

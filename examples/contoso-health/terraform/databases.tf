# EHR SQL server: public network access from tfvars, two wide-open firewall rules from the 2023 migration,
# the reporting database without TDE (tfvars) and no customer-managed TDE protector.
resource "azurerm_mssql_server" "ehr" {
  name                          = "sql-contoso-ehr-${var.environment}"
  resource_group_name           = local.rg.ehr
  location                      = var.location
  version                       = "12.0"
  administrator_login           = "ehr-sqladmin"
  minimum_tls_version           = "1.2"
  public_network_access_enabled = var.sql_public_network_access
  tags                          = local.phi_tags

  azuread_administrator {
    login_username = "sg-ehr-dba"
    object_id      = "6a2f8c1e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
  }
}

resource "azurerm_mssql_firewall_rule" "allow_all_temp_migration" {
  name             = "AllowAll-Temp-Migration"
  server_id        = azurerm_mssql_server.ehr.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "255.255.255.255"
}

resource "azurerm_mssql_firewall_rule" "azure_services" {
  name             = "AllowAllWindowsAzureIps"
  server_id        = azurerm_mssql_server.ehr.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_mssql_firewall_rule" "hq" {
  name             = "Contoso-HQ"
  server_id        = azurerm_mssql_server.ehr.id
  start_ip_address = cidrhost(var.corporate_egress_prefix, 0)
  end_ip_address   = cidrhost(var.corporate_egress_prefix, -1)
}

resource "azurerm_mssql_database" "ehr" {
  for_each                            = var.sql_databases
  name                                = "sqldb-ehr-${each.key}"
  server_id                           = azurerm_mssql_server.ehr.id
  sku_name                            = each.value.sku
  storage_account_type                = each.value.backup_redundancy
  transparent_data_encryption_enabled = each.value.tde_enabled
  tags                                = local.phi_tags
}

# Claims PostgreSQL: public endpoint, "allow Azure services" rule, service-managed key.
resource "azurerm_postgresql_flexible_server" "claims" {
  name                          = "psql-contoso-claims-${var.environment}"
  resource_group_name           = local.rg.data
  location                      = var.location
  version                       = "16"
  sku_name                      = "GP_Standard_D2ds_v5"
  administrator_login           = "claimsadmin"
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = false
  public_network_access_enabled = true
  tags                          = local.phi_tags

  authentication {
    active_directory_auth_enabled = true
    password_auth_enabled         = true
  }
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "azure_services" {
  name             = "AllowAllAzureServicesAndResourcesWithinAzureIps_2023-9-14_8-12-3"
  server_id        = azurerm_postgresql_flexible_server.claims.id
  start_ip_address = "0.0.0.0"
  end_ip_address   = "0.0.0.0"
}

resource "azurerm_postgresql_flexible_server_firewall_rule" "clearinghouse" {
  name             = "clearinghouse-sftp-relay"
  server_id        = azurerm_postgresql_flexible_server.claims.id
  start_ip_address = "203.0.113.128"
  end_ip_address   = "203.0.113.143"
}

resource "azurerm_postgresql_flexible_server_configuration" "claims_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.claims.id
  value     = "on"
}

# Analytics MySQL: VNet-injected, no public access, customer-managed key.
resource "azurerm_user_assigned_identity" "analytics_cmk" {
  name                = "id-contoso-analytics-cmk"
  resource_group_name = local.rg.data
  location            = var.location
}

resource "azurerm_mysql_flexible_server" "analytics" {
  name                         = "mysql-contoso-analytics-${var.environment}"
  resource_group_name          = local.rg.data
  location                     = var.location
  version                      = "8.0.21"
  sku_name                     = "GP_Standard_D2ds"
  administrator_login          = "analyticsadmin"
  backup_retention_days        = 35
  geo_redundant_backup_enabled = false
  delegated_subnet_id          = azurerm_subnet.this["mysql"].id
  private_dns_zone_id          = "/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-contoso-net-prod/providers/Microsoft.Network/privateDnsZones/contoso-analytics.private.mysql.database.azure.com"
  tags                         = local.phi_tags

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.analytics_cmk.id]
  }

  customer_managed_key {
    key_vault_key_id                  = "https://kv-contoso-ehr-prod.vault.azure.net/keys/cmk-analytics-mysql"
    primary_user_assigned_identity_id = azurerm_user_assigned_identity.analytics_cmk.id
  }
}

# Portal secure messages: open to all networks, local (key) auth and key-based metadata writes allowed,
# but encrypted with a customer-managed key and TLS 1.2.
resource "azurerm_cosmosdb_account" "portal" {
  name                               = "cosmos-contoso-portal-${var.environment}"
  resource_group_name                = local.rg.portal
  location                           = var.location
  offer_type                         = "Standard"
  kind                               = "GlobalDocumentDB"
  public_network_access_enabled      = true
  is_virtual_network_filter_enabled  = false
  local_authentication_disabled      = false
  access_key_metadata_writes_enabled = true
  minimal_tls_version                = "Tls12"
  key_vault_key_id                   = "https://kv-contoso-data-cmk.vault.azure.net/keys/cmk-cosmos-portal"
  tags                               = local.phi_tags

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = var.location
    failover_priority = 0
  }

  backup {
    type                = "Periodic"
    interval_in_minutes = 240
    retention_in_hours  = 720
    storage_redundancy  = "Geo"
  }
}

resource "azurerm_mysql_flexible_server_configuration" "analytics_audit" {
  name      = "audit_log_enabled"
  server_id = azurerm_mysql_flexible_server.analytics.id
  value     = "ON"
}

resource "azurerm_mysql_flexible_server_configuration" "analytics_tls" {
  name      = "require_secure_transport"
  server_id = azurerm_mysql_flexible_server.analytics.id
  value     = "ON"
}

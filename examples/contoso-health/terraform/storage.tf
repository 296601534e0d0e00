locals {
  phi_tags = merge(var.tags, { data-classification = "phi" })
  rg = {
    net    = "rg-contoso-net-${var.environment}"
    ehr    = "rg-contoso-ehr-${var.environment}"
    portal = "rg-contoso-portal-${var.environment}"
    data   = "rg-contoso-data-${var.environment}"
  }
}

# Patient uploads (portal, 2021): anonymous blob access, HTTP allowed, TLS from tfvars, open firewall, no CMK.
module "uploads" {
  source              = "./modules/phi-storage"
  name                = "stcontosoportalupl"
  resource_group_name = local.rg.portal
  location            = var.location
  replication_type    = "LRS"
  min_tls_version     = var.uploads_min_tls_version
  https_only          = false
  allow_public_blobs  = true
  network = {
    default_action = "Allow"
  }
  containers = {
    patient-uploads = "blob"
    insurance-cards = "private"
  }
  tags = local.phi_tags
}

# Imaging archive: the firewall default comes from tfvars (Allow); Shared Key on, no infrastructure encryption.
module "imaging" {
  source                    = "./modules/phi-storage"
  name                      = "stcontosoimaging"
  resource_group_name       = local.rg.data
  location                  = var.location
  replication_type          = "LRS"
  min_tls_version           = "TLS1_2"
  allow_public_blobs        = false
  shared_key_access         = true
  infrastructure_encryption = false
  network = {
    default_action = var.imaging_network_default_action
  }
  containers           = { for name in var.imaging_containers : name => "private" }
  blob_soft_delete_days = 7
  tags                 = merge(local.phi_tags, { data-class = "phi-clinical" })
}

# Claims drop (SFTP, 2021): anonymous access not pinned, and an IP rule only known at apply time (the NAT IP).
data "azurerm_public_ip" "nat" {
  name                = "pip-contoso-natgw-${var.environment}"
  resource_group_name = local.rg.net
}

module "claims" {
  source              = "./modules/phi-storage"
  name                = "stcontosoclaimsdrop"
  resource_group_name = local.rg.data
  location            = var.location
  hns_enabled         = true
  min_tls_version     = "TLS1_2"
  shared_key_access   = true
  network = {
    default_action = "Deny"
    ip_rules       = [data.azurerm_public_ip.nat.ip_address, "203.0.113.128/28"]
  }
  containers = {
    inbound-837  = "private"
    outbound-835 = "private"
  }
  tags = local.phi_tags
}

# Clinical documents (EHR rebuild, 2023): the good baseline.
module "ehr_documents" {
  source                    = "./modules/phi-storage"
  name                      = "stcontosoehrdocs"
  resource_group_name       = local.rg.ehr
  location                  = var.location
  replication_type          = "RAGZRS"
  min_tls_version           = "TLS1_2"
  https_only                = true
  allow_public_blobs        = false
  shared_key_access         = false
  public_network_access     = false
  infrastructure_encryption = true
  network = {
    default_action = "Deny"
  }
  cmk = {
    key_vault_key_id          = azurerm_key_vault_key.ehr_documents.versionless_id
    user_assigned_identity_id = azurerm_user_assigned_identity.ehr_documents_cmk.id
  }
  private_endpoint = {
    subnet_id   = azurerm_subnet.this["private_link"].id
    subresource = "blob"
  }
  containers = {
    clinical-documents = "private"
    scanned-consents   = "private"
  }
  blob_soft_delete_days = 30
  tags                  = local.phi_tags
}

# Analytics lake: private (dfs endpoint), no Shared Key, double encryption, but a platform-managed key.
resource "azurerm_storage_account" "analytics" {
  name                              = "stcontosoanalytics"
  resource_group_name               = local.rg.data
  location                          = var.location
  account_tier                      = "Standard"
  account_replication_type          = "GZRS"
  is_hns_enabled                    = true
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  public_network_access_enabled     = false
  infrastructure_encryption_enabled = true
  tags                              = local.phi_tags

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }
}

resource "azurerm_private_endpoint" "analytics_dfs" {
  name                = "pe-stcontosoanalytics-dfs"
  resource_group_name = local.rg.data
  location            = var.location
  subnet_id           = azurerm_subnet.this["private_link"].id

  private_service_connection {
    name                           = "stcontosoanalytics-dfs"
    private_connection_resource_id = azurerm_storage_account.analytics.id
    subresource_names              = ["dfs"]
    is_manual_connection           = false
  }
}

# Marketing site content: public by design (not PHI), but the firewall admits every network.
resource "azurerm_storage_account" "marketing" {
  name                            = "stcontosomktweb"
  resource_group_name             = local.rg.portal
  location                        = var.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  tags                            = merge(var.tags, { data-classification = "public" })

  network_rules {
    default_action = "Allow"
  }
}

resource "azurerm_user_assigned_identity" "ehr_documents_cmk" {
  name                = "id-contoso-ehrdocs-cmk"
  resource_group_name = local.rg.ehr
  location            = var.location
}

resource "azurerm_key_vault" "ehr" {
  name                          = "kv-contoso-ehr-${var.environment}"
  resource_group_name           = local.rg.ehr
  location                      = var.location
  tenant_id                     = "5b1d3f7a-9c2e-4a6b-8d0f-1e3a5c7b9d2f"
  sku_name                      = "premium"
  rbac_authorization_enabled    = true
  soft_delete_retention_days    = 90
  purge_protection_enabled      = true
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault_key" "ehr_documents" {
  name         = "cmk-ehr-docs"
  key_vault_id = azurerm_key_vault.ehr.id
  key_type     = "RSA-HSM"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]

  rotation_policy {
    expire_after         = "P13M"
    notify_before_expiry = "P30D"
    automatic {
      time_after_creation = "P1Y"
    }
  }
}

resource "azurerm_storage_account" "this" {
  name                              = var.name
  resource_group_name               = var.resource_group_name
  location                          = var.location
  account_tier                      = "Standard"
  account_replication_type          = var.replication_type
  account_kind                      = "StorageV2"
  is_hns_enabled                    = var.hns_enabled
  min_tls_version                   = var.min_tls_version
  https_traffic_only_enabled        = var.https_only
  allow_nested_items_to_be_public   = var.allow_public_blobs
  shared_access_key_enabled         = var.shared_key_access
  public_network_access_enabled     = var.public_network_access
  infrastructure_encryption_enabled = var.infrastructure_encryption
  tags                              = var.tags

  dynamic "network_rules" {
    for_each = var.network == null ? [] : [var.network]
    content {
      default_action = network_rules.value.default_action
      bypass         = ["AzureServices"]
      ip_rules       = network_rules.value.ip_rules
    }
  }

  dynamic "blob_properties" {
    for_each = var.blob_soft_delete_days == null ? [] : [var.blob_soft_delete_days]
    content {
      versioning_enabled = true
      delete_retention_policy {
        days = blob_properties.value
      }
    }
  }

  lifecycle {
    ignore_changes = [customer_managed_key]
  }
}

resource "azurerm_storage_container" "containers" {
  for_each              = var.containers
  name                  = each.key
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = each.value
}

resource "azurerm_storage_account_customer_managed_key" "this" {
  count                     = var.cmk == null ? 0 : 1
  storage_account_id        = azurerm_storage_account.this.id
  key_vault_key_id          = var.cmk.key_vault_key_id
  user_assigned_identity_id = var.cmk.user_assigned_identity_id
}

resource "azurerm_private_endpoint" "this" {
  count               = var.private_endpoint == null ? 0 : 1
  name                = "pe-${var.name}-${var.private_endpoint.subresource}"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_endpoint.subnet_id

  private_service_connection {
    name                           = "${var.name}-${var.private_endpoint.subresource}"
    private_connection_resource_id = azurerm_storage_account.this.id
    subresource_names              = [var.private_endpoint.subresource]
    is_manual_connection           = false
  }
}

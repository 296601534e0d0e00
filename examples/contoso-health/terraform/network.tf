resource "azurerm_virtual_network" "hub" {
  name                = "vnet-contoso-hub-${var.environment}"
  resource_group_name = local.rg.net
  location            = var.location
  address_space       = ["10.40.0.0/16"]
  tags                = var.tags
}

locals {
  subnets = {
    app            = { name = "snet-app", prefix = "10.40.1.0/24" }
    data           = { name = "snet-data", prefix = "10.40.2.0/24" }
    mysql          = { name = "snet-mysql-analytics", prefix = "10.40.3.0/24" }
    private_link   = { name = "snet-privatelink", prefix = "10.40.4.0/24" }
    legacy         = { name = "snet-legacy-dmz", prefix = "10.40.10.0/24" }
  }
}

resource "azurerm_subnet" "this" {
  for_each             = local.subnets
  name                 = each.value.name
  resource_group_name  = local.rg.net
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = [each.value.prefix]
}

# Front ends: only HTTPS from the internet.
resource "azurerm_network_security_group" "app" {
  name                = "nsg-contoso-app-${var.environment}"
  resource_group_name = local.rg.net
  location            = var.location
  tags                = var.tags

  security_rule {
    name                       = "Allow-HTTPS-Internet"
    description                = "Patient portal and EHR front ends (App Gateway / Front Door origin)."
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "VirtualNetwork"
  }

  security_rule {
    name                       = "Allow-GatewayManager"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "65200-65535"
    source_address_prefix      = "GatewayManager"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "Deny-All-Inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

# Data tier: the guard rail at priority 100 shadows the legacy PostgreSQL rule below it.
resource "azurerm_network_security_group" "data" {
  name                = "nsg-contoso-data-${var.environment}"
  resource_group_name = local.rg.net
  location            = var.location
  tags                = var.tags

  security_rule {
    name                       = "Deny-DB-From-Internet"
    description                = "Guard rail: no database port is reachable from the internet, whatever is added below."
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_ranges    = ["1433", "3306", "5432", "6432"]
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "Allow-Postgres-Internet-Legacy"
    priority                   = 300
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "5432"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

# Legacy DMZ of the HL7 interface engine: RDP and SSH open to the internet.
resource "azurerm_network_security_group" "legacy" {
  name                = "nsg-contoso-legacy-dmz"
  resource_group_name = local.rg.net
  location            = var.location
  tags                = var.tags

  security_rule {
    name                       = "Allow-RDP-Internet"
    description                = "Vendor support for the HL7 interface engine VM."
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "Allow-SSH-Any"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }

  dynamic "security_rule" {
    for_each = { for i, prefix in var.hl7_partner_prefixes : i => prefix }
    content {
      name                       = "Allow-HL7-MLLP-Partner-${security_rule.key}"
      priority                   = 120 + security_rule.key
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = "2575"
      source_address_prefix      = security_rule.value
      destination_address_prefix = "10.40.10.0/24"
    }
  }
}

# Added by the interface-engine vendor outside change control; its source comes from terraform.tfvars.
resource "azurerm_network_security_rule" "vendor_sql_replication" {
  name                        = "Allow-SQL-Vendor-Replication"
  resource_group_name         = local.rg.net
  network_security_group_name = azurerm_network_security_group.legacy.name
  description                 = "Interface-engine vendor pulls the message store over SQL."
  priority                    = 130
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["1433", "11000-11999"]
  source_address_prefix       = var.vendor_replication_source_prefix
  destination_address_prefix  = "10.40.10.0/24"
}

resource "azurerm_subnet_network_security_group_association" "app" {
  subnet_id                 = azurerm_subnet.this["app"].id
  network_security_group_id = azurerm_network_security_group.app.id
}

resource "azurerm_subnet_network_security_group_association" "data" {
  subnet_id                 = azurerm_subnet.this["data"].id
  network_security_group_id = azurerm_network_security_group.data.id
}

resource "azurerm_subnet_network_security_group_association" "legacy" {
  subnet_id                 = azurerm_subnet.this["legacy"].id
  network_security_group_id = azurerm_network_security_group.legacy.id
}

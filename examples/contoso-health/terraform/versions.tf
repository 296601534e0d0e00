# Contoso Health, Terraform edition: the storage, network and database part of the estate that arm/ describes,
# with the same seeded failures (see README.md in this folder).
terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.20"
    }
  }
}

provider "azurerm" {
  features {}
  subscription_id = "3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90"
}

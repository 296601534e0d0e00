// Sources the NET rules' semantics were read from (controls.md section B, payloads/README.md).
export const NSG_SWAGGER =
  'Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/2025-07-01/networkSecurityGroup.json (SecurityRulePropertiesFormat)';
export const SQL_SWAGGER =
  'Azure/azure-rest-api-specs specification/sql/resource-manager/Microsoft.Sql/stable/2025-01-01';
export const COSMOS_SWAGGER =
  'Azure/azure-rest-api-specs specification/cosmos-db/resource-manager/Microsoft.DocumentDB/stable/2025-10-15';
export const PG_FLEXIBLE_SWAGGER =
  'Azure/azure-rest-api-specs specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/stable/2025-08-01';
export const MYSQL_FLEXIBLE_SWAGGER =
  'Azure/azure-rest-api-specs specification/mysql/resource-manager/Microsoft.DBforMySQL/stable/2024-12-30';
export const CONTROLS_B1 = 'controls.md B1 (network security groups)';
export const CHECKOV_NSG =
  'bridgecrewio/checkov NSGRulePortAccessRestricted (internet sources "*", "0.0.0.0", "<nw>/0", "/0", "internet", "any")';

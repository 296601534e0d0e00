// Sources the IAM rules' semantics were read from (controls.md section C, payloads/graph and payloads/rbac READMEs).
export const CONTROLS_C1 =
  'controls.md C1 (Graph permission GUIDs from microsoftgraph/microsoft-graph-devx-content permissions-descriptions.json and permissions/new/provisioningInfo.json)';
export const CONTROLS_C2 = 'controls.md C2 (Azure RBAC role assignments, built-in role GUIDs)';
export const CONTROLS_C3 = 'controls.md C3 (Conditional Access policy shape and compliant configuration)';
export const GRAPH_DOCS = 'microsoftgraph/microsoft-graph-docs-contrib api-reference/v1.0';
export const RBAC_DOCS =
  'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/{privileged,security,integration}.md';
export const AUTHORIZATION_SWAGGER =
  'Azure/azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01';
export const ENTRA_SNAPSHOT = 'docs/entra-snapshot.md (how Entra ID objects appear in a snapshot)';

import { defineRule } from '../../define.js';
import { set } from '../fixes.js';
import { COSMOS_ACCOUNT, COSMOS_PAYLOAD, COSMOS_SWAGGER, mustBeTrue } from './cosmos.js';

export default defineRule({
  id: 'PHI-IAM-008',
  title: 'Cosmos DB holding PHI allows key-based (local) data-plane authentication',
  severity: 'medium',
  pattern: 3,
  hipaa: [
    { cite: '164.312(a)(2)(i)', type: 'R' },
    { cite: '164.312(d)', type: 'R' },
  ],
  phiScoped: true,
  types: [COSMOS_ACCOUNT],
  policies: [
    {
      id: '5450f5bd-9c72-4390-a9c4-a7aba4edfdd2',
      name: 'Cosmos DB database accounts should have local authentication methods disabled',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az resource update --ids "$COSMOS_ID" --set properties.disableLocalAuth=true',
    arm: '{"properties": {"disableLocalAuth": true}}',
    bicep:
      "resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {\n  // ...\n  properties: {\n    disableLocalAuth: true\n  }\n}",
    terraform: 'local_authentication_enabled = false   # 4.x: local_authentication_disabled = true',
    note: 'Key- and resource-token clients fail immediately; rotate keys as part of an incident anyway. Grant the application identities data-plane roles (sqlRoleAssignments) first.',
  },
  docs: {
    evaluation:
      'Reads properties.disableLocalAuth of a PHI Cosmos DB account. true passes: only Entra ID tokens (data-plane RBAC) are accepted, so every access is tied to an identity. false fails: account keys and resource tokens, shared secrets not tied to a person or workload, can read and write PHI.',
    absent: 'false (service default) -> fail.',
    unresolvable: 'An unresolved value -> needs review.',
    crossResource:
      'Advisory: data-plane role assignments (Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments) must exist for the application identities before local auth is disabled. They do not change the verdict.',
    references: [
      `${COSMOS_SWAGGER}.disableLocalAuth`,
      'Azure Policy 5450f5bd-9c72-4390-a9c4-a7aba4edfdd2 (Audit, Deny, Disabled)',
      `${COSMOS_PAYLOAD} (no disableLocalAuth key -> fail); controls.md B3 (local auth)`,
      'prowler cosmosdb_account_use_aad_and_rbac (passes exactly when disable_local_auth is true)',
    ],
  },
  fix: () => [
    set(
      'properties.disableLocalAuth',
      true,
      'account-key and resource-token clients fail at once: grant the application identities data-plane roles (sqlRoleAssignments) first',
    ),
  ],
  check(account, { read }) {
    return mustBeTrue(
      read(account, 'properties.disableLocalAuth'),
      'Account keys and resource tokens can read and write the PHI in this account (local authentication is enabled)',
    );
  },
});

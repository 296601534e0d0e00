import { defineRule } from '../../define.js';
import { set } from '../fixes.js';
import { COSMOS_ACCOUNT, COSMOS_PAYLOAD, COSMOS_SWAGGER, mustBeTrue } from './cosmos.js';
import { CONTROLS_C2 } from './refs.js';

export default defineRule({
  id: 'PHI-IAM-007',
  title: 'Cosmos DB allows account-key (key-based) metadata writes',
  severity: 'medium',
  pattern: 3,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(C)', type: 'A' },
  ],
  phiScoped: false,
  types: [COSMOS_ACCOUNT],
  policies: [
    {
      id: '4750c32b-89c0-46af-bfcb-2e4541a818d5',
      name: 'Azure Cosmos DB key based metadata write access should be disabled',
      relation: 'remediation (append)',
    },
  ],
  remediation: {
    az: 'az cosmosdb update -g "$RG" -n "$ACCOUNT" --disable-key-based-metadata-write-access true',
    arm: '{"properties": {"disableKeyBasedMetadataWriteAccess": true}}',
    bicep:
      "resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {\n  // ...\n  properties: {\n    disableKeyBasedMetadataWriteAccess: true\n  }\n}",
    terraform: 'access_key_metadata_writes_enabled = false',
    note: 'SDK clients that create databases/containers with account keys start failing; move those operations to ARM / Azure RBAC.',
  },
  docs: {
    evaluation:
      'Reads properties.disableKeyBasedMetadataWriteAccess of a Cosmos DB account. true passes: databases, containers and throughput can then be changed only through ARM, where Azure RBAC and the activity log apply. false fails: anyone holding an account key can change them without an identity or an audit trail.',
    absent: 'false (service default) -> fail.',
    unresolvable: 'An unresolved value -> needs review.',
    crossResource: 'none',
    references: [
      `${COSMOS_SWAGGER}.disableKeyBasedMetadataWriteAccess`,
      'Azure Policy 4750c32b-89c0-46af-bfcb-2e4541a818d5 (Append: sets it to true)',
      `${COSMOS_PAYLOAD} (no disableKeyBasedMetadataWriteAccess key -> fail); controls.md B3`,
      CONTROLS_C2,
    ],
  },
  fix: () => [
    set(
      'properties.disableKeyBasedMetadataWriteAccess',
      true,
      'SDK clients creating or changing databases and containers with account keys start failing: move those operations to ARM / Azure RBAC first',
    ),
  ],
  check(account, { read }) {
    return mustBeTrue(
      read(account, 'properties.disableKeyBasedMetadataWriteAccess'),
      'Account-key clients can create, change and delete databases, containers and throughput settings (key-based metadata writes are allowed)',
    );
  },
});

import type { Resource } from '../../../core/types.js';
import { defineRule, fail, notApplicable, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { isType } from './db.js';
import { SQL_SWAGGER } from './refs.js';
import { absentBlocker, blockerMessage } from './tri.js';

const DATABASE = 'Microsoft.Sql/servers/databases';
const TDE = 'Microsoft.Sql/servers/databases/transparentDataEncryption';

/** `server/db` or `server/db/current` -> `db`. */
function databaseName(resource: Resource): string {
  return resource.name.split('/')[1] ?? resource.name;
}

export default defineRule({
  id: 'PHI-NET-009',
  title: 'SQL database has Transparent Data Encryption disabled',
  severity: 'high',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [DATABASE, TDE],
  children: [TDE],
  policies: [
    {
      id: '17k78e20-9358-41c9-923c-fb736d382a12',
      name: 'Transparent Data Encryption on SQL databases should be enabled',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az sql db tde set -g "$RG" -s "$SERVER" -d "$DB" --status Enabled',
    arm: '{"type": "Microsoft.Sql/servers/databases/transparentDataEncryption", "name": "<server>/<db>/current", "properties": {"state": "Enabled"}}',
    bicep:
      "resource tde 'Microsoft.Sql/servers/databases/transparentDataEncryption@2023-08-01' = {\n  parent: database\n  name: 'current'\n  properties: {\n    state: 'Enabled'\n  }\n}",
    terraform: 'transparent_data_encryption_enabled = true',
    note: 'Online background encryption scan; no downtime.',
  },
  docs: {
    evaluation:
      'Subject: the Microsoft.Sql/servers/databases/transparentDataEncryption child (name "current"): properties.state (2021+ API versions) or properties.status (older API versions). Enabled passes, Disabled fails. A database without a transparentDataEncryption child in the scan passes (TDE is on by default) and a database with one is evaluated through that child. The system database master is excluded.',
    absent:
      'No transparentDataEncryption child -> pass: TDE is enabled by default for databases created since 2017. A child without state and status -> unknown (the property is required).',
    unresolvable: 'An unresolved state -> unknown.',
    crossResource: 'Database-level TDE only; whether the protector is a customer-managed key is PHI-NET-010.',
    references: [
      `${SQL_SWAGGER} TransparentDataEncryptions.json (LogicalDatabaseTransparentDataEncryptionProperties.state: Enabled | Disabled)`,
      'Azure Policy 17k78e20-9358-41c9-923c-fb736d382a12 (AuditIfNotExists on transparentDataEncryption status)',
      'learn.microsoft.com/azure/azure-sql/database/transparent-data-encryption-tde-overview ("enabled by default" for new databases)',
    ],
  },
  fix: (_tde, { path }) => [set(path, 'Enabled', 'an online background encryption scan; no downtime')],
  check(resource, context) {
    if (databaseName(resource).toLowerCase() === 'master') {
      return notApplicable('the master system database is excluded');
    }
    if (isType(resource, DATABASE)) {
      const tde = context.inventory.related(resource, 'children').filter((child) => isType(child, TDE));
      if (tde.length > 0) return notApplicable('evaluated on its transparentDataEncryption child');
      return {
        verdict: 'pass',
        path: 'transparentDataEncryption',
        message: 'No transparentDataEncryption resource: TDE is enabled by default for databases created since 2017',
      };
    }
    let state = context.read(resource, 'properties.state');
    if (state.state === 'default') state = context.read(resource, 'properties.status');
    if (state.state === 'unknown') return unknown(state);
    if (typeof state.value !== 'string') {
      const blocker = absentBlocker(context.read(resource, 'properties.state'));
      return unknown(blocker, blockerMessage(blocker));
    }
    const value = state.value.toLowerCase();
    if (value === 'enabled') return pass(state.path, state.value);
    if (value === 'disabled') {
      return fail(state, {
        expected: 'Enabled',
        message: `Transparent Data Encryption is disabled on database '${databaseName(resource)}': its data files, backups and transaction logs are not encrypted by TDE`,
      });
    }
    return unknown(
      { path: state.path, expression: state.value, at: state.at },
      `${state.path} '${state.value}' is neither Enabled nor Disabled`,
    );
  },
});

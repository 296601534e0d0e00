import { LIVE_ORIGINS, type Outcome, type Resource } from '../../../core/types.js';
import {
  defineRule,
  fail,
  failAt,
  notApplicable,
  type PathRead,
  pass,
  type RuleContext,
  unknown,
} from '../../define.js';
import { customerManagedKey, leafName, manual } from '../fixes.js';
import { COSMOS, isFlexible, isType, MYSQL_SINGLE, PG_SINGLE, SQL_SERVER } from './db.js';
import { COSMOS_SWAGGER, MYSQL_FLEXIBLE_SWAGGER, PG_FLEXIBLE_SWAGGER, SQL_SWAGGER } from './refs.js';
import { absentBlocker, blockerMessage } from './tri.js';

const PROTECTOR = 'Microsoft.Sql/servers/encryptionProtector';
const SERVICE_MANAGED = 'data is encrypted at rest with a service-managed key';
const EXPECTED = 'a customer-managed key in Azure Key Vault';

/** A key reference whose presence is the test: set, or unresolved (rules.yaml conventions.unresolvable). */
function present(read: PathRead): boolean {
  return read.state === 'unknown' || (typeof read.value === 'string' && read.value.trim() !== '');
}

function isKeyVault(value: unknown): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'azurekeyvault';
}

function children(resource: Resource, type: string, context: RuleContext): Resource[] {
  return context.inventory.related(resource, 'children').filter((child) => isType(child, type));
}

/**
 * A live GET of a server never carries the protector type: it comes from a separate child resource. Without that child
 * in the snapshot the key type is unknown, not service-managed.
 */
function missingChild(resource: Resource, path: string, child: string): Outcome {
  return unknown(
    { path, expression: `${child} not in the snapshot`, at: resource.at },
    `the ${child} child resource was not collected, so the key type cannot be read`,
  );
}

function checkProtector(protector: Resource, context: RuleContext): Outcome {
  const type = context.read(protector, 'properties.serverKeyType');
  if (type.state === 'unknown') return unknown(type);
  if (isKeyVault(type.value)) return pass(type.path, type.value);
  if (type.value === undefined) {
    const blocker = absentBlocker(type);
    return unknown(blocker, blockerMessage(blocker));
  }
  return fail(type, {
    expected: 'AzureKeyVault',
    message: `The TDE protector is ${String(type.value)}: ${SERVICE_MANAGED}`,
  });
}

function checkSqlServer(server: Resource, context: RuleContext): Outcome {
  if (children(server, PROTECTOR, context).length > 0)
    return notApplicable('evaluated on its encryptionProtector child');
  const keyId = context.read(server, 'properties.keyId');
  if (present(keyId)) return pass(keyId.path, keyId.state === 'unknown' ? keyId.expression : keyId.value);
  if (LIVE_ORIGINS.has(server.origin)) return missingChild(server, 'encryptionProtector', `${PROTECTOR}/current`);
  return failAt('properties.keyId', {
    at: keyId.at,
    expected: EXPECTED,
    message: `No encryptionProtector with serverKeyType AzureKeyVault and no properties.keyId: ${SERVICE_MANAGED}`,
  });
}

function checkCosmos(account: Resource, context: RuleContext): Outcome {
  const uri = context.read(account, 'properties.keyVaultKeyUri');
  if (present(uri)) return pass(uri.path, uri.state === 'unknown' ? uri.expression : uri.value);
  return fail(uri, { expected: EXPECTED, message: `No keyVaultKeyUri: ${SERVICE_MANAGED}` });
}

function checkFlexible(server: Resource, context: RuleContext): Outcome {
  const type = context.read(server, 'properties.dataEncryption.type');
  if (type.state === 'unknown') return unknown(type);
  if (isKeyVault(type.value)) return pass(type.path, type.value);
  if (type.state === 'default') {
    // Older API versions accept the key URI without a type; a key given that way is configured.
    for (const field of ['primaryKeyURI', 'primaryKeyUri']) {
      const uri = context.read(server, `properties.dataEncryption.${field}`);
      if (present(uri)) return pass(uri.path, uri.state === 'unknown' ? uri.expression : uri.value);
    }
  }
  return fail(type, {
    expected: 'AzureKeyVault',
    message: `dataEncryption.type is ${type.value === undefined ? 'not set' : String(type.value)}: ${SERVICE_MANAGED}`,
  });
}

/** Legacy single servers: a `servers/keys` child of type AzureKeyVault, or the read-only byokEnforcement of a GET. */
function checkSingleServer(server: Resource, context: RuleContext): Outcome {
  const keys = children(server, `${server.type}/keys`, context);
  let blocked: Outcome | undefined;
  for (const key of keys) {
    const type = context.read(key, 'properties.serverKeyType');
    if (type.state === 'unknown') blocked ??= unknown(type);
    else if (isKeyVault(type.value)) return pass(type.path, type.value);
  }
  if (blocked) return blocked;
  const byok = context.read(server, 'properties.byokEnforcement');
  if (byok.state === 'unknown') return unknown(byok);
  if (typeof byok.value === 'string' && byok.value.toLowerCase() === 'enabled') return pass(byok.path, byok.value);
  if (typeof byok.value === 'string') {
    return fail(byok, { expected: 'Enabled', message: `byokEnforcement is ${byok.value}: ${SERVICE_MANAGED}` });
  }
  if (keys.length === 0 && LIVE_ORIGINS.has(server.origin)) {
    return missingChild(server, 'properties.byokEnforcement', `${server.type}/keys`);
  }
  return failAt('keys', {
    at: server.at,
    expected: EXPECTED,
    message: `No ${server.type}/keys resource with serverKeyType AzureKeyVault: ${SERVICE_MANAGED}`,
  });
}

export default defineRule({
  id: 'PHI-NET-010',
  title: 'PHI database not encrypted with a customer-managed key',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(2)(iv)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: true,
  types: [
    'Microsoft.Sql/servers',
    'Microsoft.Sql/servers/encryptionProtector',
    'Microsoft.DocumentDB/databaseAccounts',
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforMySQL/flexibleServers',
    'Microsoft.DBforMySQL/servers',
    'Microsoft.DBforPostgreSQL/servers',
  ],
  children: [PROTECTOR, 'Microsoft.DBforMySQL/servers/keys', 'Microsoft.DBforPostgreSQL/servers/keys'],
  policies: [
    {
      id: '0a370ff3-6cab-4e85-8995-295fd854c5b8',
      name: 'SQL servers should use customer-managed keys to encrypt data at rest',
      relation: 'equivalent (SQL)',
    },
    {
      id: 'ac01ad65-10e5-46df-bdd9-6b0cad13e1d2',
      name: 'SQL managed instances should use customer-managed keys to encrypt data at rest',
      relation: 'related',
    },
    {
      id: '1f905d99-2ab7-462c-a6b0-f709acca6c8f',
      name: 'Azure Cosmos DB accounts should use customer-managed keys to encrypt data at rest',
      relation: 'equivalent (Cosmos)',
    },
    {
      id: '83cef61d-dbd1-4b20-a4fc-5fbc7da10833',
      name: 'MySQL servers should use customer-managed keys to encrypt data at rest',
      relation: 'equivalent (legacy MySQL)',
    },
    {
      id: '18adea5e-f416-4d0f-8aa8-d24321e3e274',
      name: 'PostgreSQL servers should use customer-managed keys to encrypt data at rest',
      relation: 'equivalent (legacy PostgreSQL)',
    },
  ],
  remediation: {
    az: 'az sql server key create -g "$RG" -s "$SERVER" --kid "$KEY_URI"\naz sql server tde-key set -g "$RG" -s "$SERVER" --server-key-type AzureKeyVault --kid "$KEY_URI"',
    arm: '{"type": "Microsoft.Sql/servers/encryptionProtector", "name": "<server>/current", "properties": {"serverKeyType": "AzureKeyVault", "serverKeyName": "<vault>_<key>_<version>", "autoRotationEnabled": true}}',
    bicep:
      "resource key 'Microsoft.Sql/servers/keys@2023-08-01' = {\n  parent: sqlServer\n  name: keyName   // <vault>_<key>_<version>\n  properties: { serverKeyType: 'AzureKeyVault', uri: keyUri }\n}\nresource protector 'Microsoft.Sql/servers/encryptionProtector@2023-08-01' = {\n  parent: sqlServer\n  name: 'current'\n  properties: { serverKeyType: 'AzureKeyVault', serverKeyName: key.name, autoRotationEnabled: true }\n}\n// Cosmos DB (create-time): properties.keyVaultKeyUri; flexible servers (create-time): properties.dataEncryption { type: 'AzureKeyVault', primaryKeyURI, primaryUserAssignedIdentityId }",
    terraform:
      'resource "azurerm_mssql_server_transparent_data_encryption" "phi" { server_id = azurerm_mssql_server.phi.id key_vault_key_id = azurerm_key_vault_key.tde.id auto_rotation_enabled = true }',
    note: 'SQL: online protector switch. Cosmos DB and PostgreSQL/MySQL flexible: CMK can only be set at creation (new account/server + data migration). The server identity needs wrap/unwrap on the key.',
  },
  docs: {
    evaluation:
      'SQL logical server: the Microsoft.Sql/servers/encryptionProtector child (name "current") properties.serverKeyType AzureKeyVault passes, ServiceManaged fails; a server without a protector child passes when properties.keyId names a Key Vault key. Cosmos DB: properties.keyVaultKeyUri set. PostgreSQL/MySQL flexible: properties.dataEncryption.type AzureKeyVault (with primaryKeyURI / primaryUserAssignedIdentityId). Legacy single servers: a servers/keys child with serverKeyType AzureKeyVault, or a live byokEnforcement Enabled. A failure means the data is encrypted with a service-managed (platform) key instead of a customer-managed one; it is never unencrypted.',
    absent:
      'Service-managed -> fail: no protector child or keyId in a template, no keyVaultKeyUri, dataEncryption absent or SystemManaged, no servers/keys child. Deviation for live snapshots: a server GET never carries the SQL protector type (a separate child GET), so a live SQL server without its encryptionProtector child, or a single server without byokEnforcement, is unknown rather than failed.',
    unresolvable:
      'A key URI given by an unresolved expression counts as configured; an unresolved key type -> unknown.',
    crossResource:
      'The encryptionProtector and servers/keys children are linked through the inventory (a server with a protector child is evaluated on the child). The key vault holding the key must pass PHI-KV-001/KV-002.',
    references: [
      `${SQL_SWAGGER} EncryptionProtectors.json (serverKeyType ServiceManaged | AzureKeyVault), Servers.json ServerProperties.keyId`,
      `${COSMOS_SWAGGER} keyVaultKeyUri; ${PG_FLEXIBLE_SWAGGER} DataEncryption.type (SystemManaged | AzureKeyVault); ${MYSQL_FLEXIBLE_SWAGGER} DataEncryption`,
      'Microsoft.DBforPostgreSQL/servers and Microsoft.DBforMySQL/servers 2017-12-01: servers/keys (serverKeyType AzureKeyVault), read-only byokEnforcement',
      'Azure Policy 0a370ff3, ac01ad65, 1f905d99, 83cef61d, 18adea5e',
      'controls.md B3 (keyVaultKeyUri); payloads postgresql_flexible_server_get_2025-08-01.json (SystemManaged: fail), mysql_flexible_server_get_2024-12-30.json (no dataEncryption: fail), cosmosdb_account_get_2025-10-15.json (no keyVaultKeyUri: fail)',
    ],
  },
  fix(resource) {
    if (isType(resource, PROTECTOR) || isType(resource, SQL_SERVER)) {
      const server = resource.name.split('/')[0];
      return [customerManagedKey('sql-server', `tde-${server}`)];
    }
    if (isType(resource, PG_SINGLE) || isType(resource, MYSQL_SINGLE)) {
      return [
        manual(
          `Single Server is retired: migrate ${leafName(resource.name)} to a flexible server created with dataEncryption type AzureKeyVault (a customer-managed key), then cut clients over. Decide the migration window.`,
        ),
      ];
    }
    return [
      manual(
        `A customer-managed key can only be chosen when ${leafName(resource.name)} is created (${resource.type}): create a new one with the key (Cosmos DB keyVaultKeyUri, flexible server dataEncryption), migrate the data and cut clients over. Decide whether the migration is warranted for this data.`,
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, PROTECTOR)) return checkProtector(resource, context);
    if (isType(resource, SQL_SERVER)) return checkSqlServer(resource, context);
    if (isType(resource, COSMOS)) return checkCosmos(resource, context);
    if (isFlexible(resource)) return checkFlexible(resource, context);
    if (isType(resource, PG_SINGLE) || isType(resource, MYSQL_SINGLE)) return checkSingleServer(resource, context);
    return notApplicable(`${resource.type} is not evaluated by this rule`);
  },
});

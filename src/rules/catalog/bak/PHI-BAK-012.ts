import { asBoolean, sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { manual, set } from '../fixes.js';
import { describeValue, isType, shortName } from './shared.js';

const PG_FLEXIBLE = 'Microsoft.DBforPostgreSQL/flexibleServers';
const MYSQL_FLEXIBLE = 'Microsoft.DBforMySQL/flexibleServers';
const PG_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';
const SQL_DATABASE = 'Microsoft.Sql/servers/databases';
const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';

const SINGLE_REGION =
  'PHI backups are kept in one region, so a regional disaster can take the database and its backups together';

/** Enabled | Disabled, booleans accepted (rules.yaml PHI-BAK-012 compliant). */
function enabledFlag(read: PathRead): Outcome {
  if (read.state === 'unknown') return unknown(read);
  if (sameText(read.value, 'Enabled') || asBoolean(read.value) === true)
    return pass(read.path, read.value ?? undefined);
  return fail(read, {
    expected: 'Enabled',
    message: `Geo-redundant backup is ${describeValue(read.value)}: ${SINGLE_REGION}`,
  });
}

/** Read replicas (and SQL geo-secondaries) pass: their backups belong to the primary. */
function isReplica(server: Resource, context: RuleContext): boolean {
  const paths = [
    'properties.createMode',
    'properties.replicationRole',
    'properties.replica.role',
    'properties.secondaryType',
  ];
  return paths.some((path) => {
    const read = context.read(server, path);
    if (read.state === 'unknown' || typeof read.value !== 'string') return false;
    if (path === 'properties.secondaryType') return read.value !== '';
    return ['replica', 'asyncreplica', 'geoasyncreplica', 'secondary', 'onlinesecondary'].includes(
      read.value.toLowerCase(),
    );
  });
}

function checkSql(database: Resource, context: RuleContext): Outcome {
  if ((database.name.split('/')[1] ?? '').toLowerCase() === 'master') {
    return notApplicable('the master system database is excluded');
  }
  const redundancy = context.read(database, 'properties.requestedBackupStorageRedundancy');
  if (redundancy.state === 'unknown') return unknown(redundancy);
  if (['Geo', 'GeoZone'].some((value) => sameText(redundancy.value, value))) {
    return pass(redundancy.path, redundancy.value ?? undefined);
  }
  return fail(redundancy, {
    expected: 'Geo or GeoZone',
    message: `Backup storage redundancy is ${describeValue(redundancy.value)}: ${SINGLE_REGION}`,
  });
}

function checkCosmos(account: Resource, context: RuleContext): Outcome {
  const type = context.read(account, 'properties.backupPolicy.type');
  if (type.state === 'unknown') return unknown(type);
  if (sameText(type.value, 'Continuous')) {
    // Continuous backups are stored in each region of the account (learn.microsoft.com continuous backup overview;
    // not re-read in this session): geo-redundant only when the account spans regions.
    const locations = context.read(account, 'properties.locations');
    if (locations.state === 'unknown') return unknown(locations);
    const count = Array.isArray(locations.value) ? locations.value.length : 0;
    if (count > 1) return pass(locations.path, `${count} regions`);
    return fail(type, {
      expected: 'continuous backup with more than one region, or periodic backup with Geo redundancy',
      message: `Continuous backups are kept in the account's regions only and the account has ${count === 0 ? 'no listed' : 'one'} region: ${SINGLE_REGION}`,
    });
  }
  const redundancy = context.read(account, 'properties.backupPolicy.periodicModeProperties.backupStorageRedundancy');
  if (redundancy.state === 'unknown') return unknown(redundancy);
  if (sameText(redundancy.value, 'Geo')) return pass(redundancy.path, redundancy.value ?? undefined);
  return fail(redundancy, {
    expected: 'Geo',
    message: `Periodic backup storage redundancy is ${describeValue(redundancy.value)}: ${SINGLE_REGION}`,
  });
}

export default defineRule({
  id: 'PHI-BAK-012',
  title: 'PHI database backups are not geo-redundant',
  severity: 'low',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(B)', type: 'R' },
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
  ],
  phiScoped: true,
  types: [PG_FLEXIBLE, MYSQL_FLEXIBLE, PG_SINGLE, MYSQL_SINGLE, SQL_DATABASE, COSMOS],
  policies: [
    {
      id: 'cee2f9fd-3968-44be-a863-bd62c9884423',
      name: 'Geo-redundant backup should be enabled for Azure Database for PostgreSQL flexible servers',
      relation: 'equivalent (PostgreSQL flexible)',
    },
    {
      id: '48af4db5-9b8b-401c-8e74-076be876a430',
      name: 'Geo-redundant backup should be enabled for Azure Database for PostgreSQL',
      relation: 'equivalent (legacy)',
    },
    {
      id: '82339799-d096-41ae-8538-b108becf0970',
      name: 'Geo-redundant backup should be enabled for Azure Database for MySQL',
      relation: 'equivalent (legacy)',
    },
    {
      id: 'd38fc420-0735-4ef3-ac11-c806f651a570',
      name: 'Long-term geo-redundant backup should be enabled for Azure SQL Databases',
      relation: 'related (LTR)',
    },
  ],
  remediation: {
    az: 'az postgres flexible-server create ... --geo-redundant-backup Enabled   # create-time; restore into a new server\naz sql db update -g "$RG" -s "$SERVER" -n "$DB" --backup-storage-redundancy Geo',
    arm: '{"properties": {"backup": {"geoRedundantBackup": "Enabled"}}}',
    terraform: 'geo_redundant_backup_enabled = true',
    note: 'PostgreSQL flexible geo-redundant backup is create-time only (new server + restore/migration); MySQL flexible support for changing it later is UNVERIFIED.',
  },
  docs: {
    evaluation:
      'PostgreSQL/MySQL flexible servers: properties.backup.geoRedundantBackup; legacy single servers: properties.storageProfile.geoRedundantBackup (Enabled or boolean true passes). SQL databases: properties.requestedBackupStorageRedundancy Geo or GeoZone passes, Local or Zone fails (master is excluded). Cosmos DB periodic backups: backupPolicy.periodicModeProperties.backupStorageRedundancy Geo passes, Local/Zone fails. Read replicas (createMode Replica, replicationRole/replica.role Replica) and SQL geo-secondaries pass: their backups belong to the primary.',
    absent:
      'Flexible and single servers: Disabled -> fail. SQL database: Geo -> pass. Cosmos DB: no backupPolicy = periodic with Geo -> pass.',
    unresolvable: 'An unresolved setting (e.g. geoRedundantBackup from a parameter without default) -> needs review.',
    crossResource:
      'None. Deviation: rules.yaml does not cover Cosmos DB continuous backup; phiguard treats it as geo-redundant only when the account lists more than one region (continuous backups are stored per region; UNVERIFIED in this session).',
    references: [
      'Azure/azure-rest-api-specs postgresql 2025-08-01 Backup.geoRedundantBackup; mysql 2024-12-30 Backup.geoRedundantBackup; sql 2025-01-01 DatabaseProperties.requestedBackupStorageRedundancy; cosmos-db 2025-10-15 PeriodicModeProperties.backupStorageRedundancy',
      'Azure/azure-policy built-ins cee2f9fd-3968-44be-a863-bd62c9884423, 48af4db5-9b8b-401c-8e74-076be876a430, 82339799-d096-41ae-8538-b108becf0970, d38fc420-0735-4ef3-ac11-c806f651a570',
      'learn.microsoft.com/azure/cosmos-db/periodic-backup-storage-redundancy (periodic backups geo-redundant by default)',
      'controls.md F3; payloads/postgresql_flexible_server_get_2025-08-01.json (Enabled), payloads/mysql_flexible_server_get_2024-12-30.json (Disabled)',
    ],
  },
  fix(resource, { path }) {
    if (isType(resource, SQL_DATABASE)) {
      return [set(path, 'Geo', 'applies to new backups; geo-redundant backup storage is billed')];
    }
    if (isType(resource, COSMOS) && path === 'properties.backupPolicy.type') {
      return [
        manual(
          `Continuous backup of Cosmos DB account ${shortName(resource)} is kept in the account's regions, and it has one: add a second region (properties.locations; billed as a replica) or switch to periodic backup with Geo backup storage redundancy. Decide which region.`,
        ),
      ];
    }
    if (isType(resource, COSMOS)) {
      return [
        set(
          'properties.backupPolicy.periodicModeProperties.backupStorageRedundancy',
          'Geo',
          'applies to new backups; geo-redundant backup storage is billed',
        ),
      ];
    }
    if (isType(resource, MYSQL_FLEXIBLE)) {
      return [
        set(
          path,
          'Enabled',
          'whether an existing MySQL flexible server accepts this change is unverified: if the update is rejected, restore to a new server with geo-redundant backup',
        ),
      ];
    }
    return [
      manual(
        `Geo-redundant backup of ${shortName(resource)} (${resource.type}) can only be chosen when the server is created: create a new server with geo-redundant backup (restore or migrate the data) and cut clients over. Decide the migration window.`,
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, SQL_DATABASE)) {
      if (isReplica(resource, context)) return pass('properties.secondaryType', 'secondary');
      return checkSql(resource, context);
    }
    if (isType(resource, COSMOS)) return checkCosmos(resource, context);
    if (isReplica(resource, context)) {
      return {
        verdict: 'pass',
        path: 'properties.replicationRole',
        message: `${shortName(resource)} is a read replica: its backups belong to the primary`,
      };
    }
    const single = isType(resource, PG_SINGLE) || isType(resource, MYSQL_SINGLE);
    return enabledFlag(
      context.read(
        resource,
        single ? 'properties.storageProfile.geoRedundantBackup' : 'properties.backup.geoRedundantBackup',
      ),
    );
  },
});

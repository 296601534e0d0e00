// Database server facts shared by PHI-NET-004..010 (controls.md B2-B5): where public network access lives per type,
// VNet injection of flexible servers, and approved private endpoints.
import type { PrivateEndpointLink } from '../../../core/inventory.js';
import { containsUnresolved } from '../../../core/path.js';
import { LIVE_ORIGINS, type Resource, Unresolved } from '../../../core/types.js';
import type { PathRead, RuleContext } from '../../define.js';
import { type Blocker, blockerOf } from './tri.js';

export const SQL_SERVER = 'Microsoft.Sql/servers';
export const SQL_MANAGED_INSTANCE = 'Microsoft.Sql/managedInstances';
export const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
export const PG_FLEXIBLE = 'Microsoft.DBforPostgreSQL/flexibleServers';
export const MYSQL_FLEXIBLE = 'Microsoft.DBforMySQL/flexibleServers';
export const PG_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
export const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';

/** Firewall rule child types (IPv4 start/end addresses) of the database servers. */
export const FIREWALL_RULE_TYPES = [
  'Microsoft.Sql/servers/firewallRules',
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules',
  'Microsoft.DBforMySQL/flexibleServers/firewallRules',
  'Microsoft.DBforPostgreSQL/servers/firewallRules',
  'Microsoft.DBforMySQL/servers/firewallRules',
];
export const SQL_IPV6_FIREWALL_RULE = 'Microsoft.Sql/servers/ipv6FirewallRules';

export function isType(resource: Resource, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

export function isFlexible(resource: Resource): boolean {
  return isType(resource, PG_FLEXIBLE) || isType(resource, MYSQL_FLEXIBLE);
}

/** Flexible servers nest it under `network` (controls.md B4); SQL, Cosmos and single servers have it at the top. */
export function publicAccessPath(resource: Resource): string {
  return isFlexible(resource) ? 'properties.network.publicNetworkAccess' : 'properties.publicNetworkAccess';
}

/**
 * A VNet-injected flexible server (`network.delegatedSubnetResourceId` set) has no public endpoint. An unresolved
 * subnet id still counts as set: its presence is the test (rules.yaml conventions.unresolvable).
 */
export function vnetInjected(server: Resource, context: RuleContext): PathRead | undefined {
  if (!isFlexible(server)) return undefined;
  const subnet = context.read(server, 'properties.network.delegatedSubnetResourceId');
  if (subnet.state === 'unknown') return subnet;
  return typeof subnet.value === 'string' && subnet.value.trim() !== '' ? subnet : undefined;
}

/** True when the server's public endpoint is known to be off (explicitly Disabled, or VNet-injected). */
export function publicAccessOff(server: Resource, context: RuleContext): boolean {
  if (vnetInjected(server, context)) return true;
  const access = context.read(server, publicAccessPath(server));
  return access.state !== 'unknown' && typeof access.value === 'string' && access.value.toLowerCase() === 'disabled';
}

/** Private link group ids per server type (controls.md B5; Cosmos lists every API's sub-resource). */
const GROUP_IDS: Record<string, readonly string[]> = {
  [SQL_SERVER.toLowerCase()]: ['sqlServer'],
  [COSMOS.toLowerCase()]: ['Sql', 'MongoDB', 'Cassandra', 'Gremlin', 'Table'],
  [PG_FLEXIBLE.toLowerCase()]: ['postgresqlServer'],
  [PG_SINGLE.toLowerCase()]: ['postgresqlServer'],
  [MYSQL_FLEXIBLE.toLowerCase()]: ['mysqlServer'],
  [MYSQL_SINGLE.toLowerCase()]: ['mysqlServer'],
};

export function groupIdsFor(resource: Resource): readonly string[] {
  return GROUP_IDS[resource.type.toLowerCase()] ?? [];
}

function groupMatch(link: PrivateEndpointLink, wanted: readonly string[]): boolean | 'unresolved' {
  const groups = link.groupIds;
  if (groups instanceof Unresolved) return 'unresolved';
  if (!Array.isArray(groups)) return 'unresolved';
  if (groups.some((group) => group instanceof Unresolved)) return 'unresolved';
  return groups.some(
    (group) => typeof group === 'string' && wanted.some((w) => w.toLowerCase() === group.toLowerCase()),
  );
}

export type EndpointVerdict =
  | { state: 'approved'; path: string; evidence: string }
  | { state: 'none' }
  | { state: 'unknown'; blocker: Blocker };

/**
 * Whether an approved private endpoint connection reaches the resource: a connection listed on the resource itself
 * (live GET `properties.privateEndpointConnections[]`, status Approved), or a private endpoint of the inventory that
 * targets it with a matching group id (an automatic connection; a manual one waits for out-of-band approval).
 */
export function approvedPrivateEndpoint(
  resource: Resource,
  context: RuleContext,
  wanted: readonly string[] = groupIdsFor(resource),
): EndpointVerdict {
  let blocker: Blocker | undefined;
  const connections = context.read(resource, 'properties.privateEndpointConnections');
  if (connections.state === 'unknown') blocker = blockerOf(connections);
  else if (Array.isArray(connections.value)) {
    for (let i = 0; i < connections.value.length; i++) {
      const status = context.read(
        resource,
        `properties.privateEndpointConnections.${i}.properties.privateLinkServiceConnectionState.status`,
      );
      if (status.state === 'unknown') blocker ??= blockerOf(status);
      else if (typeof status.value === 'string' && status.value.toLowerCase() === 'approved') {
        return { state: 'approved', path: status.path, evidence: `private endpoint connection ${i} is Approved` };
      }
    }
  }
  for (const link of context.inventory.privateEndpointsTo(resource)) {
    const verdict = linkVerdict(link, wanted, context);
    if (verdict.state === 'approved') return verdict;
    if (verdict.state === 'unknown') blocker ??= verdict.blocker;
  }
  for (const link of context.inventory.privateEndpointsWithUnknownTarget()) {
    if (groupMatch(link, wanted) === false) continue;
    const target = link.target instanceof Unresolved ? link.target.expression : link.target;
    blocker ??= {
      path: `${link.path}.properties.privateLinkServiceId`,
      expression: target,
      at: link.target instanceof Unresolved ? link.target.at : link.endpoint.at,
      message: `private endpoint ${link.endpoint.name} targets ${target}, which cannot be resolved; it may be this resource`,
    };
  }
  return blocker ? { state: 'unknown', blocker } : { state: 'none' };
}

function linkVerdict(link: PrivateEndpointLink, wanted: readonly string[], context: RuleContext): EndpointVerdict {
  const endpoint = link.endpoint;
  const groups = groupMatch(link, wanted);
  if (groups === false) return { state: 'none' };
  if (groups === 'unresolved') {
    const read = context.read(endpoint, `${link.path}.properties.groupIds`);
    const unresolved = containsUnresolved(link.groupIds);
    return {
      state: 'unknown',
      blocker: {
        path: read.path,
        expression: unresolved?.expression ?? 'groupIds not set',
        at: unresolved?.at ?? read.at,
        message: `private endpoint ${endpoint.name} does not name a resolvable sub-resource (groupIds)`,
      },
    };
  }
  const live = LIVE_ORIGINS.has(endpoint.origin);
  if (live) {
    const status = context.read(endpoint, `${link.path}.properties.privateLinkServiceConnectionState.status`);
    if (status.state === 'unknown') return { state: 'unknown', blocker: blockerOf(status) };
    if (typeof status.value === 'string') {
      return status.value.toLowerCase() === 'approved'
        ? { state: 'approved', path: status.path, evidence: `private endpoint ${endpoint.name} is Approved` }
        : { state: 'none' };
    }
  }
  if (link.manual) {
    return {
      state: 'unknown',
      blocker: {
        path: link.path,
        expression: 'manualPrivateLinkServiceConnections',
        at: endpoint.at,
        message: `private endpoint ${endpoint.name} uses a manual connection, which needs approval outside the template`,
      },
    };
  }
  return { state: 'approved', path: link.path, evidence: `private endpoint ${endpoint.name} (${link.path})` };
}

/** The private link sub-resource and privatelink DNS zone a fix gives a database (controls.md B5). */
export function privateLinkTarget(resource: Resource): [groupId: string, zone: string] {
  if (isType(resource, SQL_SERVER)) return ['sqlServer', 'privatelink.database.windows.net'];
  if (isType(resource, COSMOS)) {
    return typeof resource.kind === 'string' && resource.kind.toLowerCase() === 'mongodb'
      ? ['MongoDB', 'privatelink.mongo.cosmos.azure.com']
      : ['Sql', 'privatelink.documents.azure.com'];
  }
  if (isType(resource, PG_FLEXIBLE)) return ['postgresqlServer', 'privatelink.postgres.database.azure.com'];
  if (isType(resource, PG_SINGLE)) return ['postgresqlServer', 'privatelink.postgres.database.azure.com'];
  return ['mysqlServer', 'privatelink.mysql.database.azure.com'];
}

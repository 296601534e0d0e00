// Database TLS facts shared by PHI-TLS-010/011: flexible server parameters are `configurations` children (one
// resource per parameter, name = parameter name, `properties.value`); legacy single servers carry the settings on
// the server itself.
import { parentId } from '../../../core/inventory.js';
import type { Resource } from '../../../core/types.js';
import { serverParameterDefault } from '../../defaults/tls.js';
import type { PathRead, RuleContext } from '../../define.js';
import { shortName, unresolvedName } from './shared.js';

export const PG_FLEXIBLE_CONFIGURATION = 'Microsoft.DBforPostgreSQL/flexibleServers/configurations';
export const MYSQL_FLEXIBLE_CONFIGURATION = 'Microsoft.DBforMySQL/flexibleServers/configurations';
export const PG_SINGLE = 'Microsoft.DBforPostgreSQL/servers';
export const MYSQL_SINGLE = 'Microsoft.DBforMySQL/servers';

export const FLEXIBLE_DOCS =
  'learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-ssl-tls; learn.microsoft.com/azure/mysql/flexible-server/concepts-networking (require_secure_transport, ssl_min_protocol_version, tls_version)';

export function isConfiguration(resource: Resource): boolean {
  return resource.type.toLowerCase().endsWith('/configurations');
}

/** The server parameter a configuration resource sets, lower-cased; undefined when its name is unresolved. */
export function parameterName(configuration: Resource): string | undefined {
  const name = shortName(configuration);
  return unresolvedName(configuration.name) ? undefined : name.toLowerCase();
}

/** `server/param` -> `server` for messages. */
export function serverName(configuration: Resource): string {
  return configuration.name.split('/').slice(0, -1).join('/') || configuration.name;
}

/**
 * The parameter's value; an absent value is the server default (defaults/tls.ts SERVER_PARAMETER_DEFAULTS), which
 * for MySQL tls_version depends on the server version.
 */
export function readParameter(configuration: Resource, context: RuleContext): PathRead {
  const read = context.read(configuration, 'properties.value');
  if (read.state !== 'default' || read.value !== undefined) return read;
  const serverType = configuration.type.split('/').slice(0, -1).join('/');
  const serverId = parentId(configuration.id);
  const server = serverId ? context.inventory.byId(serverId) : undefined;
  const version = server ? context.read(server, 'properties.version') : undefined;
  const serverVersion = version?.state === 'set' && typeof version.value === 'string' ? version.value : undefined;
  const entry = serverParameterDefault(serverType, shortName(configuration), serverVersion);
  if (!entry) return read;
  if (entry.value === undefined)
    return { state: 'default', value: undefined, because: entry.because, at: read.at, path: read.path };
  return { state: 'default', value: entry.value, because: `absent; ${entry.because}`, at: read.at, path: read.path };
}

// Helpers shared by the PHI-TLS rules: resource types, sources, "not pinned" handling and TLS version parsing.
import { parentId } from '../../../core/inventory.js';
import { toPlain } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource, type Value } from '../../../core/types.js';
import { fail, type PathRead, unknown } from '../../define.js';

export const APIM = 'Microsoft.ApiManagement/service';
export const APIM_API = 'Microsoft.ApiManagement/service/apis';
export const APIM_BACKEND = 'Microsoft.ApiManagement/service/backends';
export const SITE = 'Microsoft.Web/sites';
export const SLOT = 'Microsoft.Web/sites/slots';
export const SITE_CONFIG = 'Microsoft.Web/sites/config';
export const SLOT_CONFIG = 'Microsoft.Web/sites/slots/config';
export const WEB_TYPES = [SITE, SLOT, SITE_CONFIG, SLOT_CONFIG];

export const APIM_SWAGGER =
  'Azure/azure-rest-api-specs specification/apimanagement/resource-manager/Microsoft.ApiManagement/stable/2024-05-01';
export const WEB_SWAGGER =
  'Azure/azure-rest-api-specs specification/web/resource-manager/Microsoft.Web/stable/2024-11-01/WebApps.json';
export const APIM_PAYLOAD = 'payloads/apim_service_get_2024-05-01.json';
export const WEB_PAYLOAD = 'payloads/web_site_get_2024-11-01.json';

export function isType(resource: Resource, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

/** `site/web` -> `web`; `svc/api;rev=2` -> `api;rev=2`. */
export function shortName(resource: Resource): string {
  return resource.name.split('/').pop() ?? resource.name;
}

/** True when a name still holds an ARM expression the adapter could not resolve. */
export function unresolvedName(name: string): boolean {
  return name.includes('[') && name.includes(']');
}

export function describeValue(value: Value | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(toPlain(value));
}

export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The id `levels` steps up (`1` = parent). */
export function ancestorId(id: string, levels: number): string | undefined {
  let current: string | undefined = id;
  for (let i = 0; i < levels && current; i++) current = parentId(current);
  return current;
}

/**
 * An absent value with no effective default ("not pinned"). A template fails: what it deploys depends on history
 * the scan cannot see (rules.yaml conventions.absent_arm). A live record that lacks the value cannot be judged.
 */
export function notPinned(resource: Resource, read: PathRead, details: { expected: string; message: string }): Outcome {
  if (read.state === 'unknown') return unknown(read);
  if (LIVE_ORIGINS.has(resource.origin)) {
    return unknown(
      { path: read.path, expression: 'absent in the collected record', at: read.at },
      `${read.path} was not returned (${read.state === 'default' ? read.because : 'absent'}); collect the authoritative record to decide`,
    );
  }
  return fail(read, details);
}

/**
 * A TLS version as a number (1.0, 1.1, 1.2, 1.3) from the spellings Azure uses: "1.2", 1.2, "TLS1_2", "Tls12",
 * "TLSv1.2", "TLS12", "TLSv1" (= 1.0), "Tls" (Cosmos DB's TLS 1.0). undefined when it is none of them.
 */
export function tlsVersion(value: Value | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'tls' || text === 'tlsv1') return 1.0;
  const match = /^(?:tls)?v?_?(1)[._]?([0-3])$/.exec(text);
  return match ? Number(`${match[1]}.${match[2]}`) : undefined;
}

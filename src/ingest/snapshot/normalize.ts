// Turns snapshot records (Resource Graph rows, ARM GET/list bodies, `az` output, Microsoft Graph objects) into
// Resources in ARM's canonical shape. Pure: no I/O.
import { isObject } from '../../core/path.js';
import type { Resource, SourceLocation, Value, ValueObject } from '../../core/types.js';
import { graphKindFromContext, graphTypeOf, isGraphContext } from './graph.js';
import { knownType } from './known-types.js';

/** What the enclosing document says about its records. */
export interface RecordContext {
  file: string;
  /** api-version of an x-ms-examples request (the version the GET body was returned by). */
  apiVersion?: string;
  /** A Microsoft Graph response (`@odata.context` seen): records without an ARM id are Graph objects. */
  graph?: boolean;
  /** The Graph entity kind named by `@odata.context` (`servicePrincipal`, `conditionalAccessPolicy`...). */
  graphKind?: string;
}

export type RecordResult = { resource: Resource } | { skipped: string };

/** Top-level keys of an ARM resource body that are not settings: never moved into `properties` (see below). */
const ENVELOPE_KEYS = new Set([
  'id',
  'type',
  'name',
  'location',
  'tags',
  'sku',
  'kind',
  'identity',
  'properties',
  'apiversion',
  'resourcegroup',
  'subscriptionid',
  'tenantid',
  'managedby',
  'zones',
  'extendedlocation',
  'plan',
  'systemdata',
  'etag',
]);

/**
 * Namespaces and types that are extension resources when they sit directly on a resource group (a role assignment
 * at RG scope extends the group; a storage account in the group does not).
 */
const RG_EXTENSION =
  /^microsoft\.(authorization|policyinsights)\/|^microsoft\.insights\/diagnosticsettings$|^microsoft\.resources\/tags$/i;

const ARM_TYPE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+\/[A-Za-z]/;

/** Converts one record. Never throws: a record that is not a resource is skipped with the reason. */
export function toResource(record: Value, context: RecordContext, at: SourceLocation, index: number): RecordResult {
  if (!isObject(record)) return { skipped: `record ${index + 1} is not an object` };
  const id = record.id;
  const type = record.type;
  if (typeof id === 'string' && id.startsWith('/')) return { resource: armResource(record, id, context, at) };
  const graphType = graphTypeOf(record, context);
  if (graphType) return { resource: graphResource(record, graphType, context, at, index) };
  {
    const what = typeof type === 'string' && ARM_TYPE.test(type) ? `a ${type} record` : `record ${index + 1}`;
    return { skipped: `${what} has no ARM resource id` };
  }
}

function armResource(record: ValueObject, id: string, context: RecordContext, at: SourceLocation): Resource {
  const parsed = parseId(id);
  const given = typeof record.type === 'string' && ARM_TYPE.test(record.type) ? record.type : undefined;
  const type = canonicalType(
    given ?? parsed.type ?? (typeof record.type === 'string' ? record.type : 'unknown'),
    parsed.type,
  );
  const resource: Resource = {
    id,
    type,
    name: parsed.name ?? (typeof record.name === 'string' ? record.name : id),
    origin: 'snapshot',
    address: id,
    file: context.file,
    at,
  };
  const apiVersion = context.apiVersion ?? (typeof record.apiVersion === 'string' ? record.apiVersion : undefined);
  if (apiVersion) resource.apiVersion = apiVersion;
  if (Object.hasOwn(record, 'location')) resource.location = record.location;
  if (Object.hasOwn(record, 'tags')) resource.tags = record.tags;
  if (Object.hasOwn(record, 'sku')) resource.sku = record.sku;
  if (Object.hasOwn(record, 'kind')) resource.kind = record.kind;
  if (Object.hasOwn(record, 'identity')) resource.identity = record.identity;
  if (Object.hasOwn(record, 'properties')) resource.properties = record.properties;
  else {
    // `az ... show` for many commands and the built-in role pages print ARM bodies flattened (settings at the top
    // level, no `properties` wrapper). Moving the non-envelope keys under `properties` gives rules the ARM shape.
    let lifted: ValueObject | undefined;
    for (const key of Object.keys(record)) {
      if (ENVELOPE_KEYS.has(key.toLowerCase()) || key.startsWith('@odata.')) continue;
      lifted ??= {};
      lifted[key] = record[key];
    }
    if (lifted) resource.properties = lifted;
  }
  const scope = extensionScope(parsed.scope, type);
  if (scope) resource.scope = scope;
  return resource;
}

function graphResource(
  record: ValueObject,
  type: string,
  context: RecordContext,
  at: SourceLocation,
  index: number,
): Resource {
  // Graph list pages truncated by `$select` can lack `id` (the application-list example); appId still identifies
  // an application or service principal.
  const id =
    typeof record.id === 'string'
      ? record.id
      : typeof record.appId === 'string'
        ? record.appId
        : `${context.file}#${index + 1}`;
  const label = [record.displayName, record.userPrincipalName, record.appId].find((v) => typeof v === 'string');
  const resource: Resource = {
    id,
    type,
    name: (label as string | undefined) ?? id,
    properties: record,
    origin: 'snapshot',
    address: id,
    file: context.file,
    at,
  };
  // An app role assignment listed on its own (`/servicePrincipals/{id}/appRoleAssignments`) belongs to the principal
  // it grants the role to: linking it like an extension lets rules find a principal's grants (inventory.related).
  if (type === APP_ROLE_ASSIGNMENT && typeof record.principalId === 'string') resource.scope = record.principalId;
  return resource;
}

const APP_ROLE_ASSIGNMENT = 'microsoft.graph/appRoleAssignment';

export interface ParsedId {
  /** `Microsoft.Storage/storageAccounts/blobServices` for `/.../providers/Microsoft.Storage/storageAccounts/sa/blobServices/default`. */
  type?: string;
  /** The full ARM name templates use: `sa/default`. Extension resources are named by their own part only. */
  name?: string;
  /** The part before the last `/providers/`: the subscription, group, management group or extended resource. */
  scope?: string;
}

/** Type, full name and scope of an ARM id, in one pass over it (called for every record of large exports). */
export function parseId(id: string): ParsedId {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  if (at < 0) {
    const parts = id.split('/').filter(Boolean);
    const name = parts.length > 0 ? parts[parts.length - 1] : undefined;
    if (parts.length === 2 && parts[0].toLowerCase() === 'subscriptions') {
      return { type: 'Microsoft.Resources/subscriptions', name };
    }
    if (parts.length === 4 && parts[2].toLowerCase() === 'resourcegroups') {
      return { type: 'Microsoft.Resources/resourceGroups', name };
    }
    return { name };
  }
  const tail = id
    .slice(at + '/providers/'.length)
    .split('/')
    .filter((part) => part.length > 0);
  const parsed: ParsedId = at > 0 ? { scope: id.slice(0, at) } : {};
  if (tail.length < 3) return parsed;
  let type = tail[0];
  let name = '';
  for (let k = 1; k + 1 < tail.length; k += 2) {
    type += `/${tail[k]}`;
    name += k === 1 ? tail[k + 1] : `/${tail[k + 1]}`;
  }
  parsed.type = type;
  parsed.name = name;
  return parsed;
}

/**
 * The id of what an extension resource extends, from the part of its id before the last `/providers/`: a resource
 * (diagnostic settings, alert rules on a workspace), a management group, a subscription (subscription-level
 * resources such as pricings and role assignments), or a resource group for extension types only.
 */
function extensionScope(prefix: string | undefined, type: string): string | undefined {
  if (!prefix) return undefined;
  if (PROVIDERS.test(prefix)) return prefix;
  if (SUBSCRIPTION.test(prefix)) return prefix;
  if (RESOURCE_GROUP.test(prefix) && RG_EXTENSION.test(type)) return prefix;
  return undefined;
}

const PROVIDERS = /\/providers\//i;
const SUBSCRIPTION = /^\/subscriptions\/[^/]+$/i;
const RESOURCE_GROUP = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i;

/** Known types get their canonical casing; others take the casing of the id when it is the same type. */
export function canonicalType(type: string, fromId?: string): string {
  const known = knownType(type);
  if (known) return known;
  if (fromId && fromId.toLowerCase() === type.toLowerCase()) return fromId;
  return type;
}

/** Context for the records of a `{ "@odata.context": ..., "value": [...] }` Graph page (or any object with it). */
export function contextFromDocument(document: ValueObject, base: RecordContext): RecordContext {
  const odata = document['@odata.context'];
  if (typeof odata === 'string' && isGraphContext(odata)) {
    return { ...base, graph: true, graphKind: graphKindFromContext(odata) };
  }
  return base;
}

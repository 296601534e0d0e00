import { getKey, isObject } from './path.js';
import { type Resource, Unresolved, type Value } from './types.js';

export type Relation = 'children' | 'parent' | 'extensions' | 'diagnosticSettings' | 'privateEndpoints';

/** A private endpoint connection declared by a `Microsoft.Network/privateEndpoints` resource. */
export interface PrivateEndpointLink {
  endpoint: Resource;
  /** Index in the endpoint's connection list, and which list (manual connections need out-of-band approval). */
  path: string;
  target: string | Unresolved;
  groupIds: Value | undefined;
  manual: boolean;
}

const PRIVATE_ENDPOINT_TYPE = 'microsoft.network/privateendpoints';
const DIAGNOSTIC_SETTINGS_TYPE = 'microsoft.insights/diagnosticsettings';

/** Parent id of a child resource id: `/.../storageAccounts/sa/blobServices/default` -> `/.../storageAccounts/sa`. */
export function parentId(id: string): string | undefined {
  const providers = id.toLowerCase().lastIndexOf('/providers/');
  if (providers < 0) return undefined;
  const tail = id.slice(providers + '/providers/'.length).split('/');
  // namespace/type/name is a top-level resource; each further type/name pair is one level of nesting.
  if (tail.length <= 3) return undefined;
  return id.slice(0, id.length - tail.slice(-2).join('/').length - 1);
}

function norm(id: string): string {
  return id.toLowerCase();
}

/**
 * All resources of one scan, indexed by type and id, with the relations rules need for cross-resource questions:
 * child resources, extension resources (diagnostic settings, role assignments), and private endpoints that target
 * a resource.
 */
export class Inventory {
  readonly resources: Resource[] = [];
  private readonly byTypeIndex = new Map<string, Resource[]>();
  private readonly byIdIndex = new Map<string, Resource>();
  private readonly childIndex = new Map<string, Resource[]>();
  private readonly extensionIndex = new Map<string, Resource[]>();
  private readonly endpointIndex = new Map<string, PrivateEndpointLink[]>();
  private readonly unresolvedEndpoints: PrivateEndpointLink[] = [];

  constructor(resources: Iterable<Resource> = []) {
    for (const resource of resources) this.add(resource);
  }

  add(resource: Resource): void {
    this.resources.push(resource);
    const type = resource.type.toLowerCase();
    push(this.byTypeIndex, type, resource);
    const id = norm(resource.id);
    if (!this.byIdIndex.has(id)) this.byIdIndex.set(id, resource);
    const parent = parentId(resource.id);
    if (parent) push(this.childIndex, norm(parent), resource);
    if (resource.scope) push(this.extensionIndex, norm(resource.scope), resource);
    if (type === PRIVATE_ENDPOINT_TYPE) {
      for (const link of privateEndpointLinks(resource)) {
        if (link.target instanceof Unresolved) this.unresolvedEndpoints.push(link);
        else push(this.endpointIndex, norm(link.target), link);
      }
    }
  }

  get size(): number {
    return this.resources.length;
  }

  byType(type: string): Resource[] {
    return this.byTypeIndex.get(type.toLowerCase()) ?? [];
  }

  byId(id: string): Resource | undefined {
    return this.byIdIndex.get(norm(id));
  }

  related(resource: Resource, relation: Relation): Resource[] {
    const id = norm(resource.id);
    switch (relation) {
      case 'children':
        return this.childIndex.get(id) ?? [];
      case 'parent': {
        const parent = parentId(resource.id);
        const found = parent ? this.byId(parent) : undefined;
        return found ? [found] : [];
      }
      case 'extensions':
        return this.extensionIndex.get(id) ?? [];
      case 'diagnosticSettings':
        return (this.extensionIndex.get(id) ?? []).filter((r) => r.type.toLowerCase() === DIAGNOSTIC_SETTINGS_TYPE);
      case 'privateEndpoints':
        return [...new Set(this.privateEndpointsTo(resource).map((link) => link.endpoint))];
    }
  }

  /** Children of an id, whether or not a resource with that id was declared (blobServices/default often is not). */
  childrenOfId(id: string): Resource[] {
    return this.childIndex.get(norm(id)) ?? [];
  }

  /** Private endpoint connections whose target is this resource. */
  privateEndpointsTo(resource: Resource): PrivateEndpointLink[] {
    return this.endpointIndex.get(norm(resource.id)) ?? [];
  }

  /** Private endpoint connections whose target id could not be resolved: they may target any resource. */
  privateEndpointsWithUnknownTarget(): PrivateEndpointLink[] {
    return this.unresolvedEndpoints;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Reads `privateLinkServiceConnections[]` and `manualPrivateLinkServiceConnections[]` of a private endpoint. */
export function privateEndpointLinks(endpoint: Resource): PrivateEndpointLink[] {
  const links: PrivateEndpointLink[] = [];
  const properties = endpoint.properties;
  if (!isObject(properties)) return links;
  for (const [listName, manual] of [
    ['privateLinkServiceConnections', false],
    ['manualPrivateLinkServiceConnections', true],
  ] as const) {
    const list = getKey(properties, listName);
    if (!Array.isArray(list)) continue;
    list.forEach((connection, index) => {
      const connectionProperties = isObject(connection) ? getKey(connection, 'properties') : undefined;
      if (!isObject(connectionProperties)) return;
      const target = getKey(connectionProperties, 'privateLinkServiceId');
      if (typeof target !== 'string' && !(target instanceof Unresolved)) return;
      links.push({
        endpoint,
        path: `properties.${listName}.${index}`,
        target,
        groupIds: getKey(connectionProperties, 'groupIds'),
        manual,
      });
    });
  }
  return links;
}

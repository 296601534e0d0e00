// Evaluation of resources that arrive one at a time (large live snapshots), with memory that does not grow with
// the snapshot. Live bodies carry their cross-resource facts inline (privateEndpointConnections, inline NSG rules),
// so most resources are evaluated the moment they arrive and dropped. Child and extension resources need a few
// facts of their parent (PHI tags, publicNetworkAccess for "latent" labels): parents of such types are kept as
// small stubs, and a child that arrives before its parent waits until the end of the stream.
import { Inventory, parentId } from '../core/inventory.js';
import { getKey, isObject } from '../core/path.js';
import type { Finding, Resource, ValueObject } from '../core/types.js';
import type { Engine } from './engine.js';

/** Parent properties that rules read through a relation; everything else of a parent is dropped. */
const STUB_PROPERTIES = ['publicNetworkAccess', 'allowBlobPublicAccess', 'network', 'privateEndpointConnections'];

function parentTypeOf(type: string): string | undefined {
  const segments = type.split('/');
  return segments.length > 2 ? segments.slice(0, -1).join('/').toLowerCase() : undefined;
}

export class StreamingEvaluator {
  private readonly stubs = new Inventory();
  private readonly deferred: Resource[] = [];
  /** Types (lower-case) whose resources are parents of some type a rule evaluates. */
  private readonly parentTypes = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly emit: (finding: Finding) => void,
  ) {
    for (const rule of engine.rules) {
      for (const type of rule.types) {
        for (let parent = parentTypeOf(type); parent; parent = parentTypeOf(parent)) this.parentTypes.add(parent);
      }
    }
  }

  push(resource: Resource): void {
    if (this.parentTypes.has(resource.type.toLowerCase())) this.stubs.add(stub(resource));
    if (!this.engine.handles(resource.type)) return;
    const anchor = resource.scope ?? parentId(resource.id);
    if (anchor && !this.stubs.byId(anchor)) {
      this.deferred.push(resource);
      return;
    }
    this.evaluate(resource);
  }

  finish(): void {
    for (const resource of this.deferred.splice(0)) this.evaluate(resource);
  }

  private evaluate(resource: Resource): void {
    for (const finding of this.engine.evaluateResource(resource, this.stubs)) this.emit(finding);
  }
}

function stub(resource: Resource): Resource {
  const properties: ValueObject = {};
  if (isObject(resource.properties)) {
    for (const key of STUB_PROPERTIES) {
      const value = getKey(resource.properties, key);
      if (value !== undefined) properties[key] = value;
    }
  }
  return {
    id: resource.id,
    type: resource.type,
    name: resource.name,
    tags: resource.tags,
    properties,
    origin: resource.origin,
    address: resource.address,
    file: resource.file,
    at: resource.at,
  };
}

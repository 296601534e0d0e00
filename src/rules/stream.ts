// Evaluation of resources that arrive one at a time (large live snapshots) with memory that does not grow with
// the snapshot. Live bodies carry most cross-resource facts inline (privateEndpointConnections, inline NSG rules,
// NSG subnets), so most resources are evaluated the moment they arrive and dropped. What stays in memory:
// - small stubs of parents of rule subjects (PHI tags, publicNetworkAccess for "latent" labels);
// - child resources that a rule reads from its subject (`Rule.children`, e.g. SQL TDE), and those subjects
//   themselves until the end of the stream, since a child may arrive after its parent;
// - a child that arrives before its parent, until the end;
// - resources of the types rules declare in `Rule.related` (diagnostic settings, Sentinel onboarding, Defender
//   pricings...), whole, and those rules' subjects until the end; a subject classified PHI by its tags leaves a stub
//   in memory, since a held resource may point at it (a diagnostic setting's target decides a workspace's PHI-ness);
// - for rules that declare `related.phiCensus`, one PHI resource per subscription and type.
// Held resources go to a HoldingArea: in memory by default, on disk for large snapshots (src/scan/spill.ts), so
// that they do not grow the heap with the snapshot.
import { Inventory, parentId } from '../core/inventory.js';
import { getKey, isObject } from '../core/path.js';
import type { Finding, Resource, ValueObject } from '../core/types.js';
import type { Rule } from './define.js';
import type { Engine } from './engine.js';

/** Parent properties that rules read through a relation; everything else of a parent is dropped. */
const STUB_PROPERTIES = ['publicNetworkAccess', 'allowBlobPublicAccess', 'network'];

function parentTypeOf(type: string): string | undefined {
  const segments = type.split('/');
  return segments.length > 2 ? segments.slice(0, -1).join('/').toLowerCase() : undefined;
}

/** True when `rule` reads children of resources of `type`. */
function readsChildrenOf(rule: Rule, type: string): boolean {
  const lower = type.toLowerCase();
  return (rule.children ?? []).some((child) => parentTypeOf(child) === lower);
}

/** True when `rule` must see the whole stream before judging a resource of `type`. */
function waitsFor(rule: Rule, type: string): boolean {
  return rule.related !== undefined || readsChildrenOf(rule, type);
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)/i;

/** Where resources wait until the end of the stream. `drain` yields them in the order they were held. */
export interface HoldingArea<T> {
  hold(item: T): void;
  drain(): AsyncIterable<T>;
}

export class MemoryHoldingArea<T> implements HoldingArea<T> {
  private items: T[] = [];
  hold(item: T): void {
    this.items.push(item);
  }
  async *drain(): AsyncIterable<T> {
    const items = this.items;
    this.items = [];
    yield* items;
  }
}

export interface Held {
  resource: Resource;
  /** `awaiting`: only the rules that wait for the end are left; `counted`: the resource was already counted. */
  step: 'all' | 'awaiting';
  counted: boolean;
}

export class StreamingEvaluator {
  private readonly related = new Inventory();
  /** Types (lower-case) whose resources are parents of some type a rule evaluates. */
  private readonly parentTypes = new Set<string>();
  private readonly childTypes = new Set<string>();
  /** Types (lower-case) some rule declares in `related`: kept whole. */
  private readonly relatedTypes = new Set<string>();
  /** Some rule asks which subscriptions hold PHI of which type; `counted` holds `subscription|type` keys seen. */
  private readonly census: boolean;
  private readonly counted = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly emit: (finding: Finding) => void,
    private readonly held: HoldingArea<Held> = new MemoryHoldingArea<Held>(),
  ) {
    for (const rule of engine.rules) {
      for (const type of rule.types) {
        for (let parent = parentTypeOf(type); parent; parent = parentTypeOf(parent)) this.parentTypes.add(parent);
      }
      for (const child of rule.children ?? []) this.childTypes.add(child.toLowerCase());
      for (const related of rule.related?.types ?? []) this.relatedTypes.add(related.toLowerCase());
    }
    this.census = engine.rules.some((rule) => rule.related?.phiCensus);
  }

  private readonly waitingByType = new Map<string, Rule[]>();

  /** The rules that judge resources of `type` only at the end of the stream (per type, once: push is the hot path). */
  private waitingRules(type: string): Rule[] {
    const key = type.toLowerCase();
    let waiting = this.waitingByType.get(key);
    if (!waiting) {
      waiting = this.engine.rulesFor(key).filter((rule) => waitsFor(rule, key));
      this.waitingByType.set(key, waiting);
    }
    return waiting;
  }

  push(resource: Resource): void {
    const type = resource.type.toLowerCase();
    const rules = this.engine.rulesFor(type);
    const waiting = this.waitingRules(type);
    if (this.childTypes.has(type) || this.relatedTypes.has(type)) this.related.add(resource);
    else if (this.parentTypes.has(type)) this.related.add(stub(resource));
    else if (waiting.length > 0 && this.taggedPhi(resource)) this.related.add(stub(resource));
    else if (this.census) this.count(resource);
    if (rules.length === 0) return;
    const anchor = resource.scope ?? parentId(resource.id);
    if (anchor && !this.related.byId(anchor)) {
      this.held.hold({ resource, step: 'all', counted: false });
      return;
    }
    if (waiting.length === 0) {
      this.evaluate(resource);
      return;
    }
    const now = waiting.length < rules.length;
    if (now) this.evaluate(resource, { only: (rule) => !waiting.includes(rule) });
    const keep = this.keepFor(type, waiting);
    this.held.hold({ resource: keep ? stub(resource, keep) : resource, step: 'awaiting', counted: now });
  }

  /** Evaluates what waited for the end of the stream; call once, after the last push. */
  async finish(): Promise<void> {
    for await (const { resource, step, counted } of this.held.drain()) {
      if (step === 'all') this.evaluate(resource);
      else {
        const waiting = this.waitingRules(resource.type);
        this.evaluate(resource, { only: (rule) => waiting.includes(rule), counted: !counted });
      }
    }
  }

  private readonly keeps = new Map<string, string[] | undefined>();

  /** The subject properties the waiting rules read, when all of them say (`related.keep`); else the whole resource. */
  private keepFor(type: string, waiting: Rule[]): string[] | undefined {
    if (!this.keeps.has(type)) {
      const lists = waiting.map((rule) => rule.related?.keep);
      const all = lists.every((list) => list !== undefined) ? [...new Set(lists.flat() as string[])] : undefined;
      this.keeps.set(type, all);
    }
    return this.keeps.get(type);
  }

  /**
   * PHI only through what the resource itself carries (tags): one known by id alone (resource group, name, type)
   * classifies the same from the id a held resource points at, so it needs no stub.
   */
  private taggedPhi(resource: Resource): boolean {
    if (!this.engine.isPhi(resource, this.related)) return false;
    const bare: Resource = {
      id: resource.id,
      type: resource.type,
      name: resource.name,
      origin: resource.origin,
      address: resource.address,
    };
    return !this.engine.isPhi(bare, this.related);
  }

  /** Keeps the first PHI workload of each subscription and type for rules that ask which PHI a subscription holds. */
  private count(resource: Resource): void {
    if (resource.scope !== undefined) return;
    const subscription = SUBSCRIPTION.exec(resource.id)?.[1]?.toLowerCase();
    if (!subscription) return;
    const key = `${subscription}|${resource.type.toLowerCase()}`;
    if (this.counted.has(key) || !this.engine.isPhi(resource, this.related)) return;
    this.counted.add(key);
    this.related.add(stub(resource));
  }

  private evaluate(resource: Resource, step?: Parameters<Engine['evaluateResource']>[3]): void {
    for (const finding of this.engine.evaluateResource(resource, this.related, [], step)) this.emit(finding);
  }
}

function stub(resource: Resource, keep: readonly string[] = []): Resource {
  const properties: ValueObject = {};
  if (isObject(resource.properties)) {
    for (const key of [...STUB_PROPERTIES, ...keep]) {
      const value = getKey(resource.properties, key);
      if (value !== undefined) properties[key] = value;
    }
  }
  return {
    id: resource.id,
    type: resource.type,
    name: resource.name,
    tags: resource.tags,
    kind: resource.kind,
    sku: resource.sku,
    location: resource.location,
    apiVersion: resource.apiVersion,
    scope: resource.scope,
    properties,
    origin: resource.origin,
    address: resource.address,
    file: resource.file,
    at: resource.at,
  };
}

// Walks a template's resources - classic arrays and languageVersion 2.0 symbolic objects, nested child resources,
// copy loops, conditions and nested deployments - and emits canonical Resources with provenance.
import { InputError } from '../../core/errors.js';
import { asBoolean } from '../../core/path.js';
import { type Origin, type Resource, Unresolved, type Value } from '../../core/types.js';
import { DEFAULT_DEPLOYMENT_CONTEXT, type IngestResult } from '../types.js';
import { unwrapTemplate } from './classify.js';
import {
  declareTemplate,
  type Env,
  evalNode,
  evalPlain,
  evalSlot,
  Frame,
  keyOf,
  type Loop,
  Sink,
  type SlotValue,
  type SuppliedParameters,
  type SymbolEntry,
  type Target,
  Tracer,
} from './evaluate.js';
import { isExpression } from './expressions.js';
import { absoluteScope, buildResourceId, extensionId, levelFromSchema, scopeId } from './ids.js';
import type { ArmInput } from './index.js';
import { isRawObject, member, parseJsonDocument, type RawContainer, type RawObject, type SourceDoc } from './json.js';
import { readParameterFile } from './parameters.js';
import { LazyLocation, provenanceMaps, type TraceEntry, unresolvedAt } from './provenance.js';
import { toText } from './values.js';

const DEPLOYMENTS = 'microsoft.resources/deployments';
const MAX_COPIES = 800; // ARM's limit on copy count.
/** Namespaces of extension types written in the legacy `<target type>/providers/<type>` form. */
export const EXTENSION_NAMESPACES: Record<string, string> = {
  diagnosticsettings: 'Microsoft.Insights',
  roleassignments: 'Microsoft.Authorization',
  locks: 'Microsoft.Authorization',
  policyassignments: 'Microsoft.Authorization',
};

export function parseArmTemplate(input: ArmInput): IngestResult {
  const doc = parseJsonDocument(input.file, input.text, input.json);
  const unwrapped = unwrapTemplate(doc.root);
  if (!unwrapped) {
    throw new InputError(
      'not an ARM template: no "resources" section',
      doc.start(),
      'expected a deploymentTemplate.json document',
    );
  }
  const supplied = input.parameters
    ? readParameterFile(parseJsonDocument(input.parameters.file, input.parameters.text))
    : input.values && suppliedValues(input.values);
  const context = { ...DEFAULT_DEPLOYMENT_CONTEXT, ...input.context };
  const target: Target = {
    level: levelFromSchema(member(unwrapped.template, '$schema')) ?? 'resourceGroup',
    subscriptionId: context.subscriptionId,
    resourceGroup: context.resourceGroup,
    location: context.location,
    tenantId: context.tenantId,
    deploymentName: context.deploymentName,
    managementGroup: 'phiguard-scan-mg',
  };
  const walker = new Walker(new Sink(), input.origin ?? 'arm', input.file);
  const frame = walker.frame(doc, unwrapped.template, target, target, supplied);
  walker.walk(frame, { frame }, unwrapped.template, unwrapped.prefix);
  return { resources: walker.resources, diagnostics: walker.sink.diagnostics };
}

function suppliedValues(values: ReadonlyMap<string, Value>): SuppliedParameters {
  const supplied: SuppliedParameters = new Map();
  for (const [name, value] of values) {
    supplied.set(name.toLowerCase(), { name, init: (): SlotValue => ({ value, trace: [], known: true }) });
  }
  return supplied;
}

interface ParentResource {
  type: string;
  name: string;
}

/** Type, name and id of a declared resource, with extension resources normalized to their own type and scope. */
interface Identity {
  type: string;
  name: string;
  id: string;
  apiVersion?: string;
  scope?: string;
  /** Type and name as declared (before extension normalization): the prefix of nested children. */
  declaredType: string;
  declaredName: string;
}

/** The actual keys of a resource object's members, by lower-cased name (ARM matches member names ignoring case). */
type ResourceKeys = Partial<Record<string, string>>;

// Member names as templates normally spell them, so the common case needs no toLowerCase().
const CANONICAL: Partial<Record<string, string>> = {
  type: 'type',
  name: 'name',
  apiVersion: 'apiversion',
  location: 'location',
  tags: 'tags',
  sku: 'sku',
  kind: 'kind',
  identity: 'identity',
  properties: 'properties',
  resources: 'resources',
  copy: 'copy',
  condition: 'condition',
  scope: 'scope',
  existing: 'existing',
  dependsOn: 'dependson',
  resourceGroup: 'resourcegroup',
  subscriptionId: 'subscriptionid',
};

function keysOf(raw: RawObject): ResourceKeys {
  const keys: ResourceKeys = {};
  for (const key in raw) {
    const lower = CANONICAL[key] ?? key.toLowerCase();
    keys[lower] ??= key;
  }
  return keys;
}

function countSegments(text: string): number {
  let count = 1;
  for (let i = text.indexOf('/'); i >= 0; i = text.indexOf('/', i + 1)) count++;
  return count;
}

class Walker {
  readonly resources: Resource[] = [];

  constructor(
    readonly sink: Sink,
    private readonly origin: Origin,
    private readonly file: string,
  ) {}

  frame(
    doc: SourceDoc,
    template: RawObject,
    target: Target,
    deployTarget: Target,
    supplied: SuppliedParameters | undefined,
    shared?: Frame,
  ): Frame {
    const frame = new Frame(doc, target, deployTarget, this.sink, shared);
    if (!shared) declareTemplate(frame, template, supplied);
    const resources = member(template, 'resources');
    if (isRawObject(resources)) {
      for (const [name, raw] of Object.entries(resources)) {
        if (isRawObject(raw)) frame.symbols.set(name.toLowerCase(), { raw, parent: resources, key: name });
      }
    }
    frame.resolveSymbol = (entry: SymbolEntry, owner: Frame) => {
      if (isRawObject(member(entry.raw, 'copy'))) return undefined;
      return this.identify(owner, { frame: owner }, entry.raw)?.id;
    };
    return frame;
  }

  walk(frame: Frame, env: Env, holder: RawObject, prefix: string, parent?: ParentResource): void {
    const key = keyOf(holder, 'resources');
    if (key === undefined) return;
    const list = holder[key];
    if (Array.isArray(list)) {
      for (const [index, raw] of list.entries()) {
        this.resource(frame, env, raw, list, index, `${prefix}resources[${index}]`, parent);
      }
    } else if (isRawObject(list)) {
      for (const [name, raw] of Object.entries(list)) {
        this.resource(frame, env, raw, list, name, prefix ? `${prefix}resources.${name}` : name, parent);
      }
    }
  }

  private resource(
    frame: Frame,
    env: Env,
    raw: unknown,
    container: RawContainer,
    key: string | number,
    address: string,
    parent: ParentResource | undefined,
  ): void {
    if (!isRawObject(raw)) {
      this.sink.add('warning', frame.doc, container, key, `${address} is not a resource object; skipped`);
      return;
    }
    const keys = keysOf(raw);
    // `existing` resources (languageVersion 2.0) are references to deployed resources, not part of this deployment.
    if (keys.existing !== undefined && asBoolean(evalPlain(raw[keys.existing], raw, keys.existing, env)) === true)
      return;
    const copy = keys.copy === undefined ? undefined : raw[keys.copy];
    if (!isRawObject(copy)) {
      this.instance(frame, env, raw, keys, container, key, address, parent);
      return;
    }
    const loopName = member(copy, 'name');
    const name = typeof loopName === 'string' ? loopName.toLowerCase() : undefined;
    const countKey = keyOf(copy, 'count');
    const count = countKey === undefined ? null : evalPlain(copy[countKey], copy, countKey, env);
    if (typeof count === 'number') {
      const total = Math.min(Math.max(0, Math.trunc(count)), MAX_COPIES);
      for (let index = 0; index < total; index++) {
        const loops: Loop = { name, index, parent: env.loops };
        this.instance(frame, { ...env, loops }, raw, keys, container, key, `${address}[${index}]`, parent);
      }
      return;
    }
    this.sink.add(
      'warning',
      frame.doc,
      copy,
      countKey ?? 'name',
      `copy count of ${address} cannot be resolved (${describe(count, copy, countKey)}); scanned once with an unknown copyIndex()`,
    );
    const index = unresolvedAt(`[copyIndex('${String(loopName)}')]`, frame.doc, copy, countKey ?? 'name');
    const loops: Loop = { name, index, parent: env.loops };
    this.instance(frame, { ...env, loops }, raw, keys, container, key, `${address}[*]`, parent);
  }

  private instance(
    frame: Frame,
    env: Env,
    raw: RawObject,
    keys: ResourceKeys,
    container: RawContainer,
    key: string | number,
    address: string,
    parent: ParentResource | undefined,
  ): void {
    if (keys.condition !== undefined) {
      const condition = evalPlain(raw[keys.condition], raw, keys.condition, env);
      const decided = asBoolean(condition);
      if (decided === false) return;
      if (decided === undefined) {
        this.sink.add(
          'warning',
          frame.doc,
          raw,
          keys.condition,
          `condition of ${address} cannot be resolved (${describe(condition, raw, keys.condition)}); scanned as if deployed`,
        );
      }
    }
    const identity = this.identify(frame, env, raw, parent, keys);
    if (!identity) {
      this.sink.add('warning', frame.doc, container, key, `${address} has no resolvable "type"; skipped`);
      return;
    }
    if (identity.type.toLowerCase() === DEPLOYMENTS) {
      this.deployment(frame, env, raw, address, identity.name);
      return;
    }

    const doc = frame.doc;
    // The resource object itself is the root container: literal fields are found by walking it.
    const trace: TraceEntry[] = [{ path: '', doc, parent: container, key }];
    const tracer = new Tracer(trace);
    const field = (name: string | undefined): Value | undefined => {
      if (name === undefined) return undefined;
      tracer.stack.push(name);
      const value = evalNode(raw[name], raw, name, env, tracer);
      tracer.stack.pop();
      return value;
    };
    const resource: Resource = {
      id: identity.id,
      type: identity.type,
      name: identity.name,
      apiVersion: identity.apiVersion,
      location: field(keys.location),
      tags: field(keys.tags),
      sku: field(keys.sku),
      kind: field(keys.kind),
      identity: field(keys.identity),
      properties: field(keys.properties),
      scope: identity.scope,
      origin: this.origin,
      address,
      file: this.file,
      at: new LazyLocation(doc, container, key),
    };
    // Kept only for governance (inline waivers in metadata.phiguard.ignore); rules never read it.
    if (keys.metadata !== undefined) resource.metadata = field(keys.metadata);
    const { locations, via } = provenanceMaps(trace);
    resource.locations = locations;
    resource.via = via;
    this.resources.push(resource);

    // Nested child resources take their parent's type and name as prefix (before extension normalization).
    if (keys.resources !== undefined) {
      this.walk(frame, env, raw, `${address}.`, { type: identity.declaredType, name: identity.declaredName });
    }
  }

  identify(frame: Frame, env: Env, raw: RawObject, parent?: ParentResource, keys = keysOf(raw)): Identity | undefined {
    if (keys.type === undefined) return undefined;
    const typeValue = evalPlain(raw[keys.type], raw, keys.type, env);
    if (typeof typeValue !== 'string' || (!parent && !typeValue.includes('/'))) return undefined;
    // Bicep extensibility types carry their version: `Microsoft.Graph/applications@v1.0`.
    const at = typeValue.indexOf('@');
    let type = at > 0 ? typeValue.slice(0, at) : typeValue;
    let apiVersion = at > 0 ? typeValue.slice(at + 1) : undefined;
    let composed = false;
    if (parent) {
      if (type.length > parent.type.length && type.toLowerCase().startsWith(`${parent.type.toLowerCase()}/`)) {
        composed = true;
      } else if (!/^[^/]*\.[^/]*\//.test(type)) {
        type = `${parent.type}/${type}`;
        composed = true;
      }
    }

    const nameValue = keys.name === undefined ? '' : evalPlain(raw[keys.name], raw, keys.name, env);
    const nameKnown = typeof nameValue === 'string';
    let name = nameKnown ? nameValue : nameValue instanceof Unresolved ? nameValue.expression : toText(nameValue);
    if (parent && composed && (!nameKnown || countSegments(name) < nameSegments(type))) name = `${parent.name}/${name}`;

    if (keys.apiversion !== undefined) {
      const value = evalPlain(raw[keys.apiversion], raw, keys.apiversion, env);
      apiVersion = typeof value === 'string' ? value : String(raw[keys.apiversion]);
    }

    const target = frame.deployTarget;
    const declared = { declaredType: type, declaredName: name };
    // Legacy extension form: type `Microsoft.Storage/storageAccounts/providers/diagnosticSettings`, name
    // `sa/Microsoft.Insights/diag` -> a `Microsoft.Insights/diagnosticSettings` named `diag` scoped to the account.
    const marker = type.toLowerCase().indexOf('/providers/');
    if (marker > 0 && !nameKnown) {
      // The name (which carries the namespace) is unresolved: the namespace of well-known extension types still
      // gives the canonical type; the target stays unknown.
      const extensionType = type.slice(marker + '/providers/'.length);
      const namespace = EXTENSION_NAMESPACES[extensionType.toLowerCase()];
      if (namespace) {
        const normalizedType = `${namespace}/${extensionType}`;
        return {
          type: normalizedType,
          name,
          // The target is unknown, so the id is only a stable placeholder under the deployment scope.
          id: `${scopeId(target)}/providers/${normalizedType}/${name}`,
          apiVersion,
          scope: name,
          ...declared,
        };
      }
    }
    if (marker > 0 && nameKnown) {
      const targetType = type.slice(0, marker);
      const extensionType = type.slice(marker + '/providers/'.length);
      const targetLevels = countSegments(targetType) - 1;
      const segments = name.split('/');
      if (segments.length >= targetLevels + 2) {
        const scope = buildResourceId(target, targetType, segments.slice(0, targetLevels));
        const normalizedType = `${segments[targetLevels]}/${extensionType}`;
        const extensionNames = segments.slice(targetLevels + 1);
        return {
          type: normalizedType,
          name: extensionNames.join('/'),
          id: extensionId(scope, normalizedType, extensionNames),
          apiVersion,
          scope,
          ...declared,
        };
      }
    }

    if (keys.scope !== undefined && type.toLowerCase() !== DEPLOYMENTS) {
      const scope = this.scopeOf(frame, env, raw, keys.scope);
      // An unresolved scope (kept as its expression) leaves the target unknown; the id stays well-formed.
      const base = scope.startsWith('/') ? scope : scopeId(target);
      const id = nameKnown ? extensionId(base, type, [name]) : `${base === '/' ? '' : base}/providers/${type}/${name}`;
      return { type, name, id, apiVersion, scope, ...declared };
    }

    const group =
      keys.resourcegroup === undefined ? undefined : evalPlain(raw[keys.resourcegroup], raw, keys.resourcegroup, env);
    const subscription =
      keys.subscriptionid === undefined
        ? undefined
        : evalPlain(raw[keys.subscriptionid], raw, keys.subscriptionid, env);
    const id = nameKnown
      ? buildResourceId(
          target,
          type,
          [name],
          typeof subscription === 'string' ? subscription : undefined,
          typeof group === 'string' ? group : undefined,
        )
      : `${scopeId(target)}/providers/${type}/${name}`;
    return { type, name, id, apiVersion, ...declared };
  }

  /** An extension resource's `scope`: a symbolic name (2.0), a full id, or an id relative to the deployment. */
  private scopeOf(frame: Frame, env: Env, raw: RawObject, scopeKey: string): string {
    const written = raw[scopeKey];
    if (typeof written === 'string' && !isExpression(written) && frame.symbols.has(written.toLowerCase())) {
      return frame.symbolId(written) ?? written;
    }
    const value = evalPlain(written, raw, scopeKey, env);
    if (typeof value === 'string') return absoluteScope(frame.deployTarget, value);
    return value instanceof Unresolved ? value.expression : toText(value);
  }

  /** `Microsoft.Resources/deployments`: inline templates are scanned in their own scope, linked ones reported. */
  private deployment(frame: Frame, env: Env, raw: RawObject, address: string, name: string): void {
    const doc = frame.doc;
    const propertiesKey = keyOf(raw, 'properties');
    const properties = propertiesKey === undefined ? undefined : raw[propertiesKey];
    if (!isRawObject(properties)) {
      this.sink.add(
        'not-scanned',
        doc,
        raw,
        propertiesKey ?? 'type',
        `deployment '${name}' (${address}) has no properties; nothing scanned`,
      );
      return;
    }
    const linkKey = keyOf(properties, 'templateLink');
    if (linkKey !== undefined) {
      const link = evalPlain(properties[linkKey], properties, linkKey, env);
      this.sink.add(
        'not-scanned',
        doc,
        properties,
        linkKey,
        `linked template ${describeLink(link)} of deployment '${name}' (${address}) is not scanned; scan that template separately`,
      );
      return;
    }
    const templateKey = keyOf(properties, 'template');
    const template = templateKey === undefined ? undefined : properties[templateKey];
    if (!isRawObject(template)) {
      this.sink.add(
        'not-scanned',
        doc,
        properties,
        templateKey ?? linkKey ?? 'mode',
        `deployment '${name}' (${address}) has no inline template; nothing scanned`,
      );
      return;
    }

    const group = evalPlainMember(raw, 'resourceGroup', env);
    const subscription = evalPlainMember(raw, 'subscriptionId', env);
    const location = evalPlainMember(raw, 'location', env);
    const parentTarget = frame.deployTarget;
    const childTarget: Target = {
      ...parentTarget,
      deploymentName: name,
      subscriptionId: typeof subscription === 'string' ? subscription : parentTarget.subscriptionId,
      resourceGroup: typeof group === 'string' ? group : parentTarget.resourceGroup,
      location: typeof location === 'string' ? location : parentTarget.location,
      level:
        typeof group === 'string'
          ? 'resourceGroup'
          : typeof subscription === 'string' && parentTarget.level !== 'resourceGroup'
            ? 'subscription'
            : (levelFromSchema(member(template, '$schema')) ?? parentTarget.level),
    };
    const options = member(properties, 'expressionEvaluationOptions');
    const scope = isRawObject(options) ? member(options, 'scope') : undefined;
    const prefix = `${address}.properties.template.`;

    // Classic nested templates default to `outer` scope: their expressions see the parent's parameters and variables.
    if (typeof scope !== 'string' || scope.toLowerCase() !== 'inner') {
      const outer = this.frame(doc, template, frame.target, childTarget, undefined, frame);
      this.walk(outer, { ...env, frame: outer }, template, prefix);
      return;
    }
    const supplied: SuppliedParameters = new Map();
    const given = member(properties, 'parameters');
    if (isRawObject(given)) {
      for (const [parameter, entry] of Object.entries(given)) {
        if (!isRawObject(entry)) continue;
        const valueKey = keyOf(entry, 'value');
        const referenceKey = keyOf(entry, 'reference');
        if (valueKey !== undefined) {
          supplied.set(parameter.toLowerCase(), {
            name: parameter,
            origin: { doc, parent: given, key: parameter },
            init: (): SlotValue => evalSlot(entry[valueKey], entry, valueKey, env, undefined),
          });
        } else if (referenceKey !== undefined) {
          supplied.set(parameter.toLowerCase(), {
            name: parameter,
            origin: { doc, parent: given, key: parameter },
            init: (): SlotValue => ({
              value: unresolvedAt(`Key Vault reference for parameter '${parameter}'`, doc, entry, referenceKey),
              trace: [{ path: '', doc, parent: entry, key: referenceKey }],
              known: true,
            }),
          });
        }
      }
    }
    const inner = this.frame(doc, template, childTarget, childTarget, supplied);
    this.walk(inner, { frame: inner }, template, prefix);
  }
}

/** How many name segments a resource of `type` has (`Microsoft.Sql/servers/databases` -> 2). */
function nameSegments(type: string): number {
  const marker = type.toLowerCase().indexOf('/providers/');
  if (marker < 0) return countSegments(type) - 1;
  return countSegments(type.slice(0, marker)) + countSegments(type.slice(marker + '/providers/'.length));
}

function evalPlainMember(raw: RawObject, name: string, env: Env): Value | undefined {
  const key = keyOf(raw, name);
  return key === undefined ? undefined : evalPlain(raw[key], raw, key, env);
}

/** The expression text of an unresolved value, for messages (secure values only ever appear as expressions). */
function describe(value: Value, parent: RawObject, key: string | undefined): string {
  if (value instanceof Unresolved) return value.expression;
  const written = key === undefined ? undefined : parent[key];
  return typeof written === 'string' ? written : toText(value);
}

function describeLink(link: Value): string {
  if (link !== null && typeof link === 'object' && !Array.isArray(link) && !(link instanceof Unresolved)) {
    for (const field of ['relativePath', 'uri', 'id']) {
      const value = link[field];
      if (typeof value === 'string') return `'${value}'`;
      if (value instanceof Unresolved) return `'${value.expression}'`;
    }
  }
  return link instanceof Unresolved ? `'${link.expression}'` : '(unnamed)';
}

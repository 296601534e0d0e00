// Walks an evaluated Bicep deployment - resources, nested children, loops, conditions and local modules - and emits
// canonical Resources exactly as the ARM adapter emits them for the compiled template, with Bicep addresses
// (`storage`, `storage::blobService::container`, `network.resources.nsg[0]`) and per-value source locations.

import { UserError } from '../../core/errors.js';
import { getKey, isObject } from '../../core/path.js';
import type { Resource, SourceLocation, Value, ValueObject } from '../../core/types.js';
import { Unresolved } from '../../core/types.js';
import { EvalFailure } from '../arm/functions.js';
import type { Target } from '../arm/ids.js';
import { parseArmTemplate } from '../arm/template.js';
import { DEFAULT_DEPLOYMENT_CONTEXT, type DeploymentContext, type IngestResult } from '../types.js';
import {
  Evaluator,
  levelOf,
  type ModuleInstance,
  property,
  type ResourceInstance,
  type Scope,
  type Supplied,
} from './evaluate.js';
import type { BicepFile, FileSet } from './files.js';
import { armParameterValues, bicepParamValues, describeResolved, usingOf } from './params.js';
import { isHandle, type Prov } from './values.js';

const FIELDS = ['location', 'tags', 'sku', 'kind', 'identity', 'properties'] as const;
const DEPLOYMENTS = 'microsoft.resources/deployments';

export function targetFor(file: BicepFile, context: Partial<DeploymentContext> | undefined): Target {
  const merged = { ...DEFAULT_DEPLOYMENT_CONTEXT, ...context };
  return {
    level: levelOf(file.targetScope) ?? 'resourceGroup',
    subscriptionId: merged.subscriptionId,
    resourceGroup: merged.resourceGroup,
    location: merged.location,
    tenantId: merged.tenantId,
    deploymentName: merged.deploymentName,
    managementGroup: 'phiguard-scan-mg',
  };
}

/** Evaluates the template `entry` of `files` with parameter values from `parameters`. */
export function evaluateTemplate(
  files: FileSet,
  entry: string,
  parameters: (evaluator: Evaluator, target: Target) => Supplied | undefined,
  context?: Partial<DeploymentContext>,
  evaluator = new Evaluator(files),
): IngestResult {
  const file = files.parse(entry, 'bicep');
  const target = targetFor(file, context);
  const scope = evaluator.createScope(file, target, '', parameters(evaluator, target));
  const emitter = new Emitter(evaluator);
  emitter.scope(scope);
  return { resources: emitter.resources, diagnostics: evaluator.diagnostics };
}

/** Evaluates a .bicepparam file: its `using` template with its values. */
export function evaluateParamFile(files: FileSet, entry: string, context?: Partial<DeploymentContext>): IngestResult {
  const paramFile = files.parse(entry, 'bicepparam');
  const evaluator = new Evaluator(files);
  const using = usingOf(paramFile);
  if (!using || using.path === undefined) {
    const message = using
      ? "uses no template ('using none'); nothing scanned"
      : "has no 'using' declaration naming its template; nothing scanned";
    evaluator.diagnose('not-scanned', paramFile, using?.start ?? 0, `${entry} ${message}`);
    return { resources: [], diagnostics: evaluator.diagnostics };
  }
  const templatePath = using.path;
  const resolved = files.resolve(paramFile, templatePath);
  if (resolved.kind === 'invalid') throw resolved.error;
  if (resolved.kind !== 'bicep') {
    const kind = resolved.kind === 'missing' ? 'read-error' : 'not-scanned';
    evaluator.diagnose(
      kind,
      paramFile,
      using.pathStart,
      `template '${templatePath}' is not scanned (${describeResolved(resolved.kind)})`,
    );
    return { resources: [], diagnostics: evaluator.diagnostics };
  }
  return evaluateTemplate(
    files,
    resolved.file.path,
    (ev, target) => bicepParamValues(ev, paramFile, target),
    context,
    evaluator,
  );
}

export function armParameters(parameters: { file: string; text: string } | undefined) {
  return parameters ? () => armParameterValues(parameters.file, parameters.text) : () => undefined;
}

class Emitter {
  readonly resources: Resource[] = [];

  constructor(private readonly evaluator: Evaluator) {}

  scope(scope: Scope): void {
    for (const statement of scope.file.program.statements) {
      if (statement.kind === 'resource') {
        for (const instance of this.evaluator.resourceInstances(scope, statement)) this.resource(instance);
      } else if (statement.kind === 'module') {
        for (const instance of this.evaluator.moduleInstances(scope, statement)) this.module(instance);
      }
    }
  }

  private deployed(condition: boolean | Unresolved, file: BicepFile, offset: number, address: string): boolean {
    if (condition === false) return false;
    if (condition instanceof Unresolved) {
      this.evaluator.diagnose(
        'warning',
        file,
        offset,
        `condition of ${address} cannot be resolved (${condition.expression}); scanned as if deployed`,
      );
    }
    return true;
  }

  private resource(instance: ResourceInstance): void {
    const { decl, scope } = instance;
    if (!this.deployed(instance.condition, scope.file, decl.body.start, instance.address)) return;
    const ev = this.evaluator;
    if (!decl.existing) {
      let identity: ReturnType<Evaluator['identity']>;
      try {
        identity = ev.identity(instance);
      } catch (error) {
        if (!(error instanceof EvalFailure)) throw error;
        ev.diagnose(
          'warning',
          scope.file,
          decl.nameStart,
          `${instance.address} cannot be identified (${error.message}); skipped`,
        );
        return;
      }
      if (identity.type.toLowerCase() === DEPLOYMENTS) {
        // Telemetry deployments (Azure Verified Modules) carry an inline template without resources: nothing to say.
        if (!this.emptyDeployment(instance)) {
          ev.diagnose(
            'not-scanned',
            scope.file,
            decl.typeStart,
            `deployment resource ${instance.address} is not scanned; declare its template as a module`,
          );
        }
      } else {
        this.resources.push(this.build(instance, identity));
      }
    }
    if (instance.body.kind === 'object') {
      for (const nested of instance.body.resources) {
        for (const child of ev.resourceInstances(scope, nested, instance)) this.resource(child);
      }
    }
  }

  /** An ARM JSON template deployed as a module: scanned by the ARM adapter with the module's parameter values. */
  private jsonModule(instance: ModuleInstance, path: string, text: string): void {
    const ev = this.evaluator;
    const values = new Map<string, Value>();
    for (const [name, { init }] of ev.moduleParams(instance)) {
      const r = init();
      values.set(name, isHandle(r.v) ? new Unresolved(`${instance.decl.name}.params.${name}`) : r.v);
    }
    const target = ev.moduleTarget(instance, undefined);
    let result: IngestResult;
    try {
      result = parseArmTemplate({
        file: path,
        text,
        values,
        context: {
          subscriptionId: target.subscriptionId,
          resourceGroup: target.resourceGroup,
          location: target.location,
          tenantId: target.tenantId,
          deploymentName: target.deploymentName,
        },
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const at = error.at;
      ev.diagnostics.push({
        kind: 'parse-error',
        file: at?.file ?? path,
        line: at?.line,
        column: at?.column,
        message: error.message,
      });
      return;
    }
    for (const resource of result.resources) {
      // `resources[0]` (classic) or a symbolic name (languageVersion 2.0), below the module's address.
      const inner = resource.address.startsWith('resources') ? resource.address : `resources.${resource.address}`;
      this.resources.push({ ...resource, address: `${instance.address}.${inner}` });
    }
    ev.diagnostics.push(...result.diagnostics);
  }

  private emptyDeployment(instance: ResourceInstance): boolean {
    const item = property(instance.body, 'properties');
    if (!item) return false;
    const properties = this.evaluator.evalSafe(item.value, instance.env).v;
    const template = isObject(properties) ? getKey(properties, 'template') : undefined;
    const resources = isObject(template) ? getKey(template, 'resources') : undefined;
    if (Array.isArray(resources)) return resources.length === 0;
    return isObject(resources) && Object.keys(resources).length === 0;
  }

  private build(instance: ResourceInstance, identity: ReturnType<Evaluator['identity']>): Resource {
    const ev = this.evaluator;
    const { env, body, scope } = instance;
    const values: Partial<Record<(typeof FIELDS)[number], Value>> = {};
    const provs: Partial<Record<(typeof FIELDS)[number], Prov>> = {};
    const spread = body.kind === 'object' && body.items.some((item) => item.kind === 'spread');
    if (spread) {
      // `...common` in a resource body: evaluate the whole body, then take the ARM fields from it.
      const whole = ev.evalSafe(body, env);
      const object = whole.v;
      for (const field of FIELDS) {
        if (!isObject(object)) break;
        const key = Object.keys(object).find((k) => k.toLowerCase() === field);
        if (key === undefined) continue;
        values[field] = (object as ValueObject)[key];
        provs[field] = whole.p?.kid(field) ?? whole.p;
      }
    } else {
      for (const field of FIELDS) {
        const item = property(body, field);
        if (!item) continue;
        const r = ev.evalSafe(item.value, env);
        values[field] = ev.plain(r, item.value, env);
        provs[field] = r.p;
      }
    }
    const locations = new Map<string, SourceLocation>();
    const via = new Map<string, string>();
    for (const field of FIELDS) {
      const prov = provs[field];
      if (prov) flatten(field, prov, locations, via);
    }
    return {
      id: identity.id,
      type: identity.type,
      name: identity.name,
      apiVersion: identity.apiVersion,
      location: values.location,
      tags: values.tags,
      sku: values.sku,
      kind: values.kind,
      identity: values.identity,
      properties: values.properties,
      scope: identity.scope,
      origin: 'bicep',
      address: instance.address,
      file: scope.file.path,
      at: scope.file.source.at(instance.decl.nameStart),
      locations,
      via,
    };
  }

  private module(instance: ModuleInstance): void {
    const { decl, scope } = instance;
    if (!this.deployed(instance.condition, scope.file, decl.body.start, instance.address)) return;
    const ev = this.evaluator;
    const resolved = ev.files.resolve(scope.file, decl.path);
    switch (resolved.kind) {
      case 'registry':
        ev.diagnose(
          'not-scanned',
          scope.file,
          decl.pathStart,
          `module ${instance.address} comes from '${resolved.reference}', which is not scanned; scan its source separately`,
        );
        return;
      case 'json':
        this.jsonModule(instance, resolved.path, resolved.text);
        return;
      case 'missing':
        ev.diagnose(
          'read-error',
          scope.file,
          decl.pathStart,
          `cannot read module '${decl.path}' of ${instance.address} (${resolved.reason})`,
        );
        return;
      case 'invalid': {
        const at = resolved.error.at;
        ev.diagnostics.push({
          kind: 'parse-error',
          file: at?.file ?? resolved.path,
          line: at?.line,
          column: at?.column,
          message: resolved.error.message,
        });
        return;
      }
      case 'bicep': {
        const child = ev.moduleScope(instance);
        if (child) this.scope(child);
        return;
      }
    }
  }
}

function flatten(path: string, prov: Prov, locations: Map<string, SourceLocation>, via: Map<string, string>): void {
  locations.set(path, prov.at);
  if (prov.via) via.set(path, prov.via);
  if (!prov.kids) return;
  for (const [key, kid] of prov.kids) flatten(`${path}.${key}`, kid, locations, via);
}

// ARM template functions (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions).
// Functions that depend on deployment-time state (reference, list*, utcNow, newGuid, pickZones...) yield Unresolved,
// as does any function whose argument is Unresolved, unless the known arguments already decide the result.
import { getKey, isObject } from '../../core/path.js';
import { Unresolved, type Value, type ValueObject } from '../../core/types.js';
import type { Expr } from './expressions.js';
import { armGuid, uniqueString } from './hash.js';
import { buildResourceId, extensionId, providerPath, resourceGroupId, type Target } from './ids.js';
import { containsUnresolved, deepEqual, describeType, isEmptyValue, toText } from './values.js';

export type { Target } from './ids.js';

/** A template error found while evaluating (wrong argument type, missing property): the value becomes Unresolved. */
export class EvalFailure extends Error {}

/** What a function can ask of the expression being evaluated. */
export interface CallContext {
  readonly target: Target;
  eval(expr: Expr): Value;
  /** An Unresolved carrying the whole expression being evaluated (or `expression`). */
  unresolved(expression?: string): Unresolved;
  parameter(name: string): Value;
  variable(name: string): Value;
  copyIndex(loop: string | undefined): number | Unresolved;
  lambdaVariable(name: string): Value;
  lambda(expr: Expr | undefined): (...values: Value[]) => Value;
  symbolId(name: string): string | undefined;
}

export interface Builtin {
  /**
   * How Unresolved arguments are handled before `call`: `deep` (default) - any Unresolved anywhere in an argument
   * makes the result Unresolved; `top` - only an argument that is itself Unresolved does (containers may hold
   * Unresolved items); `allow` - the function handles them.
   */
  args?: 'deep' | 'top' | 'allow';
  /** Accepted argument count, checked before the call: [min, max]. */
  arity?: [number, number];
  call?: (args: Value[], ctx: CallContext) => Value;
  /** Receives unevaluated arguments (if, and, or, coalesce, lambdas). */
  lazy?: (args: Expr[], ctx: CallContext) => Value;
}

function fail(message: string): never {
  throw new EvalFailure(message);
}

export function arity(name: string, args: readonly unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min}-${max}`;
    fail(`${name}() takes ${expected} argument(s), got ${args.length}`);
  }
}

function str(value: Value, name: string): string {
  if (typeof value !== 'string') fail(`${name}() expects a string, got ${describeType(value)}`);
  return value;
}

function int(value: Value, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail(`${name}() expects an integer, got ${describeType(value)}`);
  return Math.trunc(value);
}

function arr(value: Value, name: string): Value[] {
  if (!Array.isArray(value)) fail(`${name}() expects an array, got ${describeType(value)}`);
  return value;
}

function obj(value: Value, name: string): ValueObject {
  if (!isObject(value)) fail(`${name}() expects an object, got ${describeType(value)}`);
  return value;
}

function bool(value: Value, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return fail(`${name}() expects a boolean, got ${describeType(value)}`);
}

/** Strings or integers, as the comparison functions accept them. */
function compare(a: Value, b: Value, name: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return fail(`${name}() compares two integers or two strings`);
}

function sliceOf(value: Value, start: number, end: number | undefined, name: string): Value {
  if (typeof value === 'string') return value.slice(start, end);
  if (Array.isArray(value)) return value.slice(start, end);
  return fail(`${name}() expects a string or an array, got ${describeType(value)}`);
}

/** .NET composite formatting as format() uses it: `{0}`, `{0,-8}`, `{0:D3}`, `{{` and `}}`. */
export function dotnetFormat(format: string, args: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const close = format.indexOf('}', i);
      if (close < 0) fail('format() has an unclosed "{"');
      const match = /^\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?(?::(.*))?$/.exec(format.slice(i + 1, close));
      if (!match) fail(`format() has an invalid placeholder "${format.slice(i, close + 1)}"`);
      const index = Number(match[1]);
      if (index >= args.length) fail(`format() placeholder {${index}} has no argument`);
      let text = formatValue(args[index], match[3]);
      const width = match[2] ? Number(match[2]) : 0;
      if (width > 0) text = text.padStart(width);
      else if (width < 0) text = text.padEnd(-width);
      out += text;
      i = close;
    } else if (c === '}') {
      if (format[i + 1] !== '}') fail('format() has an unmatched "}"');
      out += '}';
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

function formatValue(value: Value, spec: string | undefined): string {
  if (spec && typeof value === 'number') {
    const match = /^([DdXxNn])(\d*)$/.exec(spec);
    if (match) {
      const digits = match[2] ? Number(match[2]) : undefined;
      switch (match[1]) {
        case 'D':
        case 'd':
          return (value < 0 ? '-' : '') + String(Math.abs(Math.trunc(value))).padStart(digits ?? 0, '0');
        case 'X':
          return Math.trunc(value)
            .toString(16)
            .toUpperCase()
            .padStart(digits ?? 0, '0');
        case 'x':
          return Math.trunc(value)
            .toString(16)
            .padStart(digits ?? 0, '0');
        default:
          return value.toLocaleString('en-US', {
            minimumFractionDigits: digits ?? 2,
            maximumFractionDigits: digits ?? 2,
          });
      }
    }
  }
  return toText(value);
}

/** union(): arrays deduplicated in order; objects merged, nested objects merged recursively, last value wins. */
function union(values: Value[]): Value {
  const present = values.filter((value) => value !== null);
  if (present.length === 0) return null;
  if (present.every(Array.isArray)) {
    const out: Value[] = [];
    for (const list of present as Value[][]) {
      for (const item of list) if (!out.some((existing) => deepEqual(existing, item))) out.push(item);
    }
    return out;
  }
  if (present.every(isObject))
    return present.reduce((merged, next) => mergeObjects(merged as ValueObject, next as ValueObject));
  return fail('union() expects all arrays or all objects');
}

function mergeObjects(base: ValueObject, next: ValueObject): ValueObject {
  const out: ValueObject = { ...base };
  for (const [key, value] of Object.entries(next)) {
    const existingKey = Object.keys(out).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    const existing = existingKey === undefined ? undefined : out[existingKey];
    if (existingKey !== undefined) delete out[existingKey];
    out[key] = isObject(existing) && isObject(value) ? mergeObjects(existing, value) : value;
  }
  return out;
}

function intersection(values: Value[]): Value {
  if (values.length === 0) return fail('intersection() needs arguments');
  if (values.every(Array.isArray)) {
    const [first, ...rest] = values as Value[][];
    const out: Value[] = [];
    for (const item of first) {
      if (out.some((existing) => deepEqual(existing, item))) continue;
      if (rest.every((list) => list.some((other) => deepEqual(other, item)))) out.push(item);
    }
    return out;
  }
  if (values.every(isObject)) {
    const [first, ...rest] = values as ValueObject[];
    const out: ValueObject = {};
    for (const [key, value] of Object.entries(first)) {
      if (rest.every((other) => deepEqual(getKey(other, key) ?? null, value) && getKey(other, key) !== undefined)) {
        out[key] = value;
      }
    }
    return out;
  }
  return fail('intersection() expects all arrays or all objects');
}

function resourceIdArgs(
  args: Value[],
  name: string,
  maxLeading: number,
): { leading: string[]; type: string; names: string[] } {
  const strings = args.map((arg) => str(arg, name));
  const typeIndex = strings.findIndex((value) => value.includes('/'));
  if (typeIndex < 0 || typeIndex > maxLeading) fail(`${name}() needs a resource type such as 'Namespace/type'`);
  return { leading: strings.slice(0, typeIndex), type: strings[typeIndex], names: strings.slice(typeIndex + 1) };
}

const unresolvedFunction: Builtin = { lazy: (_args, ctx) => ctx.unresolved() };

const ENVIRONMENT: ValueObject = {
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc:
    'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
    tenant: 'common',
    identityProvider: 'AAD',
  },
  suffixes: {
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  },
};

const table: Record<string, Builtin> = {
  // Deployment values
  parameters: {
    args: 'top',
    call: (args, ctx) => {
      arity('parameters', args, 1);
      return ctx.parameter(str(args[0], 'parameters'));
    },
  },
  variables: {
    args: 'top',
    call: (args, ctx) => {
      arity('variables', args, 1);
      return ctx.variable(str(args[0], 'variables'));
    },
  },
  copyindex: {
    call: (args, ctx) => {
      arity('copyIndex', args, 0, 2);
      let loop: string | undefined;
      let offset = 0;
      if (typeof args[0] === 'string') {
        loop = args[0];
        if (args.length > 1) offset = int(args[1], 'copyIndex');
      } else if (args.length > 0) {
        offset = int(args[0], 'copyIndex');
      }
      const index = ctx.copyIndex(loop);
      return index instanceof Unresolved ? index : index + offset;
    },
  },
  lambdavariables: {
    call: (args, ctx) => {
      arity('lambdaVariables', args, 1);
      return ctx.lambdaVariable(str(args[0], 'lambdaVariables'));
    },
  },
  resourcegroup: {
    call: (_args, ctx) => ({
      id: resourceGroupId(ctx.target),
      name: ctx.target.resourceGroup,
      type: 'Microsoft.Resources/resourceGroups',
      location: ctx.target.location,
      tags: {},
      properties: { provisioningState: 'Succeeded' },
    }),
  },
  subscription: {
    call: (_args, ctx) => ({
      id: `/subscriptions/${ctx.target.subscriptionId}`,
      subscriptionId: ctx.target.subscriptionId,
      tenantId: ctx.target.tenantId,
      displayName: 'phiguard-scan',
    }),
  },
  tenant: {
    call: (_args, ctx) => ({
      id: `/tenants/${ctx.target.tenantId}`,
      tenantId: ctx.target.tenantId,
      countryCode: 'US',
      displayName: 'phiguard-scan',
    }),
  },
  managementgroup: {
    call: (_args, ctx) => ({
      id: `/providers/Microsoft.Management/managementGroups/${ctx.target.managementGroup}`,
      name: ctx.target.managementGroup,
      type: 'Microsoft.Management/managementGroups',
      properties: { displayName: ctx.target.managementGroup, tenantId: ctx.target.tenantId },
    }),
  },
  deployment: {
    call: (_args, ctx) => ({
      name: ctx.target.deploymentName,
      location: ctx.target.location,
      properties: {
        mode: 'Incremental',
        provisioningState: 'Accepted',
        template: { contentVersion: '1.0.0.0' },
        // Only known when deployed from a URI; relative linked-template paths built from it stay unresolved.
        templateLink: ctx.unresolved('[deployment().properties.templateLink]'),
      },
    }),
  },
  environment: { call: () => structuredClone(ENVIRONMENT) },

  // Resource ids
  resourceid: {
    call: (args, ctx) => {
      const { leading, type, names } = resourceIdArgs(args, 'resourceId', 2);
      if (leading.length === 2) return buildResourceId(ctx.target, type, names, leading[0], leading[1]);
      if (leading.length === 1) return buildResourceId(ctx.target, type, names, undefined, leading[0]);
      return buildResourceId(ctx.target, type, names);
    },
  },
  subscriptionresourceid: {
    call: (args, ctx) => {
      const { leading, type, names } = resourceIdArgs(args, 'subscriptionResourceId', 1);
      return `/subscriptions/${leading[0] ?? ctx.target.subscriptionId}/providers/${providerPath(type, names)}`;
    },
  },
  tenantresourceid: {
    call: (args) => {
      const { type, names } = resourceIdArgs(args, 'tenantResourceId', 0);
      return `/providers/${providerPath(type, names)}`;
    },
  },
  managementgroupresourceid: {
    call: (args, ctx) => {
      const { leading, type, names } = resourceIdArgs(args, 'managementGroupResourceId', 1);
      const group = leading[0] ?? ctx.target.managementGroup;
      return `/providers/Microsoft.Management/managementGroups/${group}/providers/${providerPath(type, names)}`;
    },
  },
  extensionresourceid: {
    call: (args) => {
      arity('extensionResourceId', args, 3, Number.POSITIVE_INFINITY);
      const [base, type, ...names] = args.map((arg) => str(arg, 'extensionResourceId'));
      return extensionId(base, type, names);
    },
  },
  resourceinfo: {
    call: (args, ctx) => {
      const id = ctx.symbolId(str(args[0], 'resourceInfo'));
      return id === undefined ? ctx.unresolved() : { id };
    },
  },

  // Deployment-time state
  reference: unresolvedFunction,
  list: unresolvedFunction,
  listkeys: unresolvedFunction,
  listsecrets: unresolvedFunction,
  pickzones: unresolvedFunction,
  providers: unresolvedFunction,
  deployer: unresolvedFunction,
  newguid: unresolvedFunction,
  utcnow: unresolvedFunction,
  datetimeadd: unresolvedFunction,

  // Logical
  if: {
    lazy: (args, ctx) => {
      arity('if', args, 3);
      const condition = ctx.eval(args[0]);
      if (containsUnresolved(condition)) return ctx.unresolved();
      return ctx.eval(bool(condition, 'if') ? args[1] : args[2]);
    },
  },
  and: {
    lazy: (args, ctx) => {
      arity('and', args, 2, Number.POSITIVE_INFINITY);
      let unknown = false;
      for (const arg of args) {
        const value = ctx.eval(arg);
        if (containsUnresolved(value)) unknown = true;
        else if (!bool(value, 'and')) return false;
      }
      return unknown ? ctx.unresolved() : true;
    },
  },
  or: {
    lazy: (args, ctx) => {
      arity('or', args, 2, Number.POSITIVE_INFINITY);
      let unknown = false;
      for (const arg of args) {
        const value = ctx.eval(arg);
        if (containsUnresolved(value)) unknown = true;
        else if (bool(value, 'or')) return true;
      }
      return unknown ? ctx.unresolved() : false;
    },
  },
  not: { arity: [1, 1], call: (args) => !bool(args[0], 'not') },
  bool: {
    call: (args) => {
      arity('bool', args, 1);
      if (typeof args[0] === 'number') return args[0] !== 0;
      return bool(args[0], 'bool');
    },
  },
  true: { call: () => true },
  false: { call: () => false },
  null: { call: () => null },
  coalesce: {
    lazy: (args, ctx) => {
      for (const arg of args) {
        const value = ctx.eval(arg);
        // Unknown whether it is null, so the first non-null argument is unknown too.
        if (value instanceof Unresolved) return ctx.unresolved();
        if (value !== null) return value;
      }
      return null;
    },
  },

  // Comparison
  equals: { arity: [2, 2], call: (args) => deepEqual(args[0], args[1]) },
  less: { arity: [2, 2], call: (args) => compare(args[0], args[1], 'less') < 0 },
  lessorequals: { arity: [2, 2], call: (args) => compare(args[0], args[1], 'lessOrEquals') <= 0 },
  greater: { arity: [2, 2], call: (args) => compare(args[0], args[1], 'greater') > 0 },
  greaterorequals: {
    arity: [2, 2],
    call: (args) => compare(args[0], args[1], 'greaterOrEquals') >= 0,
  },

  // Numeric
  add: { arity: [2, 2], call: (args) => int(args[0], 'add') + int(args[1], 'add') },
  sub: { arity: [2, 2], call: (args) => int(args[0], 'sub') - int(args[1], 'sub') },
  mul: { arity: [2, 2], call: (args) => int(args[0], 'mul') * int(args[1], 'mul') },
  div: {
    call: (args) => {
      arity('div', args, 2);
      const divisor = int(args[1], 'div');
      if (divisor === 0) fail('div() by zero');
      return Math.trunc(int(args[0], 'div') / divisor);
    },
  },
  mod: {
    call: (args) => {
      arity('mod', args, 2);
      const divisor = int(args[1], 'mod');
      if (divisor === 0) fail('mod() by zero');
      return int(args[0], 'mod') % divisor;
    },
  },
  min: {
    call: (args) => {
      const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      if (values.length === 0) fail('min() needs values');
      return Math.min(...values.map((value) => int(value, 'min')));
    },
  },
  max: {
    call: (args) => {
      const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
      if (values.length === 0) fail('max() needs values');
      return Math.max(...values.map((value) => int(value, 'max')));
    },
  },
  int: {
    call: (args) => {
      arity('int', args, 1);
      const value = args[0];
      if (typeof value === 'number') return Math.trunc(value);
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
      return fail(`int() cannot convert ${describeType(value)}`);
    },
  },
  float: {
    call: (args) => {
      arity('float', args, 1);
      const value = typeof args[0] === 'string' ? Number(args[0]) : args[0];
      if (typeof value !== 'number' || Number.isNaN(value)) fail('float() cannot convert its argument');
      return value;
    },
  },
  range: {
    call: (args) => {
      arity('range', args, 2);
      const start = int(args[0], 'range');
      const count = int(args[1], 'range');
      if (count < 0 || count > 10_000) fail('range() count must be between 0 and 10000');
      return Array.from({ length: count }, (_, index) => start + index);
    },
  },

  // Strings
  string: { arity: [1, 1], call: (args) => toText(args[0]) },
  concat: {
    args: 'top',
    call: (args) => {
      if (args.length === 0) return '';
      if (args.some(Array.isArray)) return args.flatMap((arg) => (arg === null ? [] : arr(arg, 'concat')));
      return args
        .map((arg) => {
          if (isObject(arg)) fail('concat() cannot concatenate an object');
          return toText(arg);
        })
        .join('');
    },
  },
  format: {
    call: (args) => {
      arity('format', args, 1, Number.POSITIVE_INFINITY);
      return dotnetFormat(str(args[0], 'format'), args.slice(1));
    },
  },
  tolower: { arity: [1, 1], call: (args) => str(args[0], 'toLower').toLowerCase() },
  toupper: { arity: [1, 1], call: (args) => str(args[0], 'toUpper').toUpperCase() },
  trim: { arity: [1, 1], call: (args) => str(args[0], 'trim').trim() },
  startswith: {
    call: (args) => {
      arity('startsWith', args, 2);
      return str(args[0], 'startsWith').toLowerCase().startsWith(str(args[1], 'startsWith').toLowerCase());
    },
  },
  endswith: {
    call: (args) => {
      arity('endsWith', args, 2);
      return str(args[0], 'endsWith').toLowerCase().endsWith(str(args[1], 'endsWith').toLowerCase());
    },
  },
  replace: {
    call: (args) => {
      arity('replace', args, 3);
      return str(args[0], 'replace').replaceAll(str(args[1], 'replace'), str(args[2], 'replace'));
    },
  },
  split: {
    call: (args) => {
      arity('split', args, 2);
      const text = str(args[0], 'split');
      const delimiters = Array.isArray(args[1]) ? args[1].map((d) => str(d, 'split')) : [str(args[1], 'split')];
      let parts = [text];
      for (const delimiter of delimiters) parts = parts.flatMap((part) => part.split(delimiter));
      return parts;
    },
  },
  join: {
    call: (args) => {
      arity('join', args, 2);
      return arr(args[0], 'join')
        .map((item) => toText(item))
        .join(str(args[1], 'join'));
    },
  },
  substring: {
    call: (args) => {
      arity('substring', args, 1, 3);
      const text = str(args[0], 'substring');
      const start = args.length > 1 ? int(args[1], 'substring') : 0;
      const length = args.length > 2 ? int(args[2], 'substring') : text.length - start;
      if (start < 0 || length < 0 || start + length > text.length) fail('substring() range is outside the string');
      return text.slice(start, start + length);
    },
  },
  padleft: {
    call: (args) => {
      arity('padLeft', args, 2, 3);
      const value = typeof args[0] === 'number' ? String(args[0]) : str(args[0], 'padLeft');
      const pad = args.length > 2 ? str(args[2], 'padLeft') : ' ';
      return value.padStart(int(args[1], 'padLeft'), pad.slice(0, 1) || ' ');
    },
  },
  indexof: {
    call: (args) => {
      arity('indexOf', args, 2);
      if (Array.isArray(args[0])) return args[0].findIndex((item) => deepEqual(item, args[1]));
      return str(args[0], 'indexOf').toLowerCase().indexOf(str(args[1], 'indexOf').toLowerCase());
    },
  },
  lastindexof: {
    call: (args) => {
      arity('lastIndexOf', args, 2);
      if (Array.isArray(args[0])) {
        for (let i = args[0].length - 1; i >= 0; i--) if (deepEqual(args[0][i], args[1])) return i;
        return -1;
      }
      return str(args[0], 'lastIndexOf').toLowerCase().lastIndexOf(str(args[1], 'lastIndexOf').toLowerCase());
    },
  },
  uniquestring: {
    call: (args) => {
      arity('uniqueString', args, 1, Number.POSITIVE_INFINITY);
      return uniqueString(args.map((arg) => str(arg, 'uniqueString')));
    },
  },
  guid: {
    call: (args) => {
      arity('guid', args, 1, Number.POSITIVE_INFINITY);
      return armGuid(args.map((arg) => str(arg, 'guid')));
    },
  },
  base64: { call: (args) => Buffer.from(str(args[0], 'base64'), 'utf8').toString('base64') },
  base64tostring: { call: (args) => Buffer.from(str(args[0], 'base64ToString'), 'base64').toString('utf8') },
  base64tojson: { call: (args) => parseJson(Buffer.from(str(args[0], 'base64ToJson'), 'base64').toString('utf8')) },
  datauri: {
    call: (args) =>
      `data:text/plain;charset=utf8;base64,${Buffer.from(str(args[0], 'dataUri'), 'utf8').toString('base64')}`,
  },
  datauritostring: {
    call: (args) => {
      const uri = str(args[0], 'dataUriToString');
      const comma = uri.indexOf(',');
      const payload = uri.slice(comma + 1);
      return uri.slice(0, comma).endsWith(';base64')
        ? Buffer.from(payload, 'base64').toString('utf8')
        : decodeURIComponent(payload);
    },
  },
  uri: {
    call: (args) => {
      arity('uri', args, 2);
      try {
        return new URL(str(args[1], 'uri'), str(args[0], 'uri')).href;
      } catch {
        return fail('uri() needs an absolute base URI');
      }
    },
  },
  uricomponent: { call: (args) => encodeURIComponent(str(args[0], 'uriComponent')) },
  uricomponenttostring: { call: (args) => decodeURIComponent(str(args[0], 'uriComponentToString')) },
  json: { arity: [1, 1], call: (args) => parseJson(str(args[0], 'json')) },

  // Arrays and objects
  array: { args: 'allow', arity: [1, 1], call: (args) => (Array.isArray(args[0]) ? args[0] : [args[0]]) },
  createarray: { args: 'allow', call: (args) => args },
  createobject: {
    args: 'allow',
    call: (args, ctx) => {
      if (args.length % 2 !== 0) fail('createObject() takes key/value pairs');
      const out: ValueObject = {};
      for (let i = 0; i < args.length; i += 2) {
        const key = args[i];
        if (key instanceof Unresolved) return ctx.unresolved();
        out[str(key, 'createObject')] = args[i + 1];
      }
      return out;
    },
  },
  empty: { args: 'top', arity: [1, 1], call: (args) => isEmptyValue(args[0]) },
  length: {
    args: 'top',
    call: (args) => {
      arity('length', args, 1);
      const value = args[0];
      if (typeof value === 'string' || Array.isArray(value)) return value.length;
      if (isObject(value)) return Object.keys(value).length;
      return fail(`length() of ${describeType(value)}`);
    },
  },
  contains: {
    args: 'top',
    call: (args, ctx) => {
      arity('contains', args, 2);
      const [container, item] = args;
      if (containsUnresolved(item)) return ctx.unresolved();
      if (typeof container === 'string') return container.includes(toText(item));
      if (isObject(container)) return getKey(container, str(item, 'contains')) !== undefined;
      let unknown = false;
      for (const element of arr(container, 'contains')) {
        if (containsUnresolved(element)) unknown = true;
        else if (deepEqual(element, item)) return true;
      }
      return unknown ? ctx.unresolved() : false;
    },
  },
  first: {
    args: 'top',
    call: (args) => {
      const value = args[0];
      if (typeof value === 'string') return value.slice(0, 1);
      return arr(value, 'first')[0] ?? null;
    },
  },
  last: {
    args: 'top',
    call: (args) => {
      const value = args[0];
      if (typeof value === 'string') return value.slice(-1);
      const list = arr(value, 'last');
      return list[list.length - 1] ?? null;
    },
  },
  take: {
    args: 'top',
    arity: [2, 2],
    call: (args) => sliceOf(args[0], 0, Math.max(0, int(args[1], 'take')), 'take'),
  },
  skip: {
    args: 'top',
    arity: [2, 2],
    call: (args) => sliceOf(args[0], Math.max(0, int(args[1], 'skip')), undefined, 'skip'),
  },
  union: { args: 'top', call: (args) => union(args) },
  intersection: { call: (args) => intersection(args) },
  flatten: {
    args: 'top',
    call: (args) =>
      arr(args[0], 'flatten').flatMap((item) => (Array.isArray(item) ? item : fail('flatten() expects arrays'))),
  },
  items: {
    args: 'top',
    call: (args) => {
      const object = obj(args[0], 'items');
      return Object.keys(object)
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))
        .map((key) => ({ key, value: object[key] }));
    },
  },
  objectkeys: { args: 'top', call: (args) => Object.keys(obj(args[0], 'objectKeys')) },
  shallowmerge: {
    args: 'top',
    call: (args) => {
      const out: ValueObject = {};
      for (const item of arr(args[0], 'shallowMerge')) {
        if (item instanceof Unresolved) fail('shallowMerge() of an unresolved item');
        Object.assign(out, obj(item, 'shallowMerge'));
      }
      return out;
    },
  },
  tryget: {
    args: 'allow',
    call: (args, ctx) => {
      arity('tryGet', args, 2, Number.POSITIVE_INFINITY);
      let current: Value = args[0];
      for (const key of args.slice(1)) {
        if (current instanceof Unresolved || key instanceof Unresolved) return ctx.unresolved();
        if (isObject(current) && typeof key === 'string') current = getKey(current, key) ?? null;
        else if (Array.isArray(current) && typeof key === 'number') current = current[key] ?? null;
        else return null;
      }
      return current;
    },
  },

  // Lambdas
  filter: {
    lazy: (args, ctx) => {
      arity('filter', args, 2);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      const predicate = ctx.lambda(args[1]);
      const out: Value[] = [];
      let index = 0;
      for (const item of arr(list, 'filter')) {
        const keep = predicate(item, index++);
        if (containsUnresolved(keep)) return ctx.unresolved();
        if (bool(keep, 'filter')) out.push(item);
      }
      return out;
    },
  },
  map: {
    lazy: (args, ctx) => {
      arity('map', args, 2);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      const mapper = ctx.lambda(args[1]);
      return arr(list, 'map').map((item, index) => mapper(item, index));
    },
  },
  reduce: {
    lazy: (args, ctx) => {
      arity('reduce', args, 3);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      let accumulator = ctx.eval(args[1]);
      const reducer = ctx.lambda(args[2]);
      arr(list, 'reduce').forEach((item, index) => {
        accumulator = reducer(accumulator, item, index);
      });
      return accumulator;
    },
  },
  sort: {
    lazy: (args, ctx) => {
      arity('sort', args, 2);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      const before = ctx.lambda(args[1]);
      let unknown = false;
      const sorted = [...arr(list, 'sort')].sort((a, b) => {
        const ab = before(a, b);
        if (containsUnresolved(ab)) {
          unknown = true;
          return 0;
        }
        if (bool(ab, 'sort')) return -1;
        const ba = before(b, a);
        if (containsUnresolved(ba)) {
          unknown = true;
          return 0;
        }
        return bool(ba, 'sort') ? 1 : 0;
      });
      return unknown ? ctx.unresolved() : sorted;
    },
  },
  toobject: {
    lazy: (args, ctx) => {
      arity('toObject', args, 2, 3);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      const keyOf = ctx.lambda(args[1]);
      const valueFor = args.length > 2 ? ctx.lambda(args[2]) : (item: Value) => item;
      const out: ValueObject = {};
      for (const item of arr(list, 'toObject')) {
        const key = keyOf(item);
        if (key instanceof Unresolved) return ctx.unresolved();
        out[str(key, 'toObject')] = valueFor(item);
      }
      return out;
    },
  },
  mapvalues: {
    lazy: (args, ctx) => {
      arity('mapValues', args, 2);
      const object = ctx.eval(args[0]);
      if (object instanceof Unresolved) return ctx.unresolved();
      const mapper = ctx.lambda(args[1]);
      const out: ValueObject = {};
      for (const [key, value] of Object.entries(obj(object, 'mapValues'))) out[key] = mapper(value);
      return out;
    },
  },
  groupby: {
    lazy: (args, ctx) => {
      arity('groupBy', args, 2);
      const list = ctx.eval(args[0]);
      if (list instanceof Unresolved) return ctx.unresolved();
      const keyOf = ctx.lambda(args[1]);
      const out: Record<string, Value[]> = {};
      for (const item of arr(list, 'groupBy')) {
        const key = keyOf(item);
        if (key instanceof Unresolved) return ctx.unresolved();
        const text = str(key, 'groupBy');
        if (!out[text]) out[text] = [];
        out[text].push(item);
      }
      return out;
    },
  },
};

function parseJson(text: string): Value {
  try {
    return JSON.parse(text) as Value;
  } catch {
    return fail('json() argument is not valid JSON');
  }
}

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map(Object.entries(table));

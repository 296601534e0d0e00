// Builders shared by the PHI-NET rule tables: inline ARM templates (with the line a finding must point at), parameter
// default / parameter file / missing parameter variants, live GET bodies, and inventories built from Resources.
import { Inventory } from '../../../../src/core/inventory.js';
import type { Resource } from '../../../../src/core/types.js';
import { armTemplate, type Case, live, liveMany } from '../../../helpers/rule-cases.js';

export type Json = Record<string, unknown>;

const TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

export const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/phi-rg/providers';

export function template(resources: Json[], parameters?: Json): Json {
  return {
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(parameters ? { parameters } : {}),
    resources,
  };
}

/** 1-based line of the first line containing `needle` at or after the first line containing `after`. */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  if (start < 0) throw new Error(`"${after}" not found`);
  const index = lines.findIndex((line, i) => i >= start && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

/** A template case; with `at`, the failure must point at the template line holding `at.needle` (after `at.after`). */
export function templateCase(tpl: Json, label: string, at?: { needle: string; after?: string }): Case {
  const testCase = armTemplate(tpl, undefined, `arm ${label}`);
  if (!at) return testCase;
  return { ...testCase, file: 'test.json', line: lineOf(JSON.stringify(tpl, null, 2), at.needle, at.after) };
}

/**
 * `build` receives the expression `[parameters('setting')]` and returns the resources using it. Variants: the
 * parameter's default (finding at the default's line), a parameter file value (finding in the parameter file), and a
 * parameter with no value at all (needs review).
 */
export function parameterCases(
  build: (expression: string) => Json[],
  type: string,
  value: unknown,
): { fromDefault: Case; fromFile: Case; missing: Case } {
  const expression = "[parameters('setting')]";
  const withDefault = template(build(expression), { setting: { type, defaultValue: value } });
  const withoutDefault = template(build(expression), { setting: { type } });
  const values = { setting: { value } };
  const parameterText = JSON.stringify(
    { $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters: values },
    null,
    2,
  );
  return {
    fromDefault: {
      ...armTemplate(withDefault, undefined, `arm parameter default ${JSON.stringify(value)}`),
      file: 'test.json',
      line: lineOf(JSON.stringify(withDefault, null, 2), '"defaultValue"', '"setting"'),
    },
    fromFile: {
      ...armTemplate(withoutDefault, values, `arm parameter file value ${JSON.stringify(value)}`),
      file: 'test.parameters.json',
      line: lineOf(parameterText, '"value"', '"setting"'),
    },
    missing: armTemplate(withoutDefault, undefined, 'arm parameter without default or parameter file'),
  };
}

/** An inventory built directly from Resources (cross-resource shapes the adapters do not need to produce). */
export function direct(resources: Resource[], name: string): Case {
  return { name: `direct ${name}`, inventory: () => new Inventory(resources) };
}

export { live, liveMany };

export const NSG_TYPE = 'Microsoft.Network/networkSecurityGroups';
export const NSG_ID = `${SUB}/Microsoft.Network/networkSecurityGroups/phi-nsg`;

/** A security rule (inline shape); defaults: Inbound Allow Tcp from * to 22, priority 100. `undefined` removes a field. */
export function secRule(name: string, overrides: Json = {}): Json {
  const properties: Json = {
    protocol: 'Tcp',
    sourcePortRange: '*',
    destinationPortRange: '22',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    access: 'Allow',
    priority: 100,
    direction: 'Inbound',
    ...overrides,
  };
  for (const [key, value] of Object.entries(properties)) if (value === undefined) delete properties[key];
  return { name, properties };
}

export function nsg(rules: Json[], extra: Json = {}): Json {
  return {
    type: NSG_TYPE,
    apiVersion: '2025-07-01',
    name: 'phi-nsg',
    location: 'eastus',
    properties: { securityRules: rules },
    ...extra,
  };
}

/** An NSG template; with `failAt`, the failure must point at that field of the named rule. */
export function nsgCase(rules: Json[], label: string, failAt?: { rule: string; needle: string }): Case {
  return templateCase(
    template([nsg(rules)]),
    label,
    failAt ? { needle: failAt.needle, after: `"name": "${failAt.rule}"` } : undefined,
  );
}

/** A live NSG GET body (rules get their ids; `properties` extras such as subnets merge in). */
export function nsgBody(rules: Json[], properties: Json = {}): Json {
  return {
    id: NSG_ID,
    name: 'phi-nsg',
    type: NSG_TYPE,
    location: 'eastus',
    properties: {
      securityRules: rules.map((rule) => ({ ...rule, id: `${NSG_ID}/securityRules/${rule.name}` })),
      ...properties,
    },
  };
}

export function liveNsg(rules: Json[], label: string, properties: Json = {}): Case {
  return live(nsgBody(rules, properties), `live ${label}`);
}

/** The live id of `type`/`name` (`Microsoft.Sql/servers/firewallRules`, `phisql/r` -> `.../servers/phisql/firewallRules/r`). */
export function idOf(type: string, name: string): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  return `${SUB}/${namespace}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}

/** An ARM template resource. */
export function res(type: string, name: string, properties?: Json, extra: Json = {}): Json {
  return {
    type,
    apiVersion: extra.apiVersion ?? '2023-08-01',
    name,
    ...(type.split('/').length === 2 ? { location: 'eastus' } : {}),
    ...(properties ? { properties } : {}),
    ...extra,
  };
}

/** A live GET body. */
export function body(type: string, name: string, properties: Json, extra: Json = {}): Json {
  return {
    id: idOf(type, name),
    name,
    type,
    ...(type.split('/').length === 2 ? { location: 'eastus' } : {}),
    properties,
    ...extra,
  };
}

/** A private endpoint resource targeting `target` (an ARM expression or id) with the given group ids. */
export function privateEndpoint(
  target: string,
  groupIds: unknown,
  options: { manual?: boolean; name?: string } = {},
): Json {
  const connection = { name: 'db', properties: { privateLinkServiceId: target, groupIds } };
  return res(
    'Microsoft.Network/privateEndpoints',
    options.name ?? 'pe-db',
    {
      subnet: { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/v/subnets/pe' },
      [options.manual ? 'manualPrivateLinkServiceConnections' : 'privateLinkServiceConnections']: [connection],
    },
    { apiVersion: '2025-07-01' },
  );
}

/** A live `privateEndpointConnections[]` entry with the given status. */
export function connection(status: string): Json {
  return {
    id: `${SUB}/Microsoft.Sql/servers/x/privateEndpointConnections/pe`,
    properties: {
      privateEndpoint: { id: `${SUB}/Microsoft.Network/privateEndpoints/pe` },
      privateLinkServiceConnectionState: { status, actionsRequired: 'None' },
    },
  };
}

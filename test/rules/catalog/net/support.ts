// Builders shared by the PHI-NET rule tables (and reused by other areas): NSGs, ARM template resources, live GET bodies
// and private endpoints. The generic template / line / parameter-variant builders are in test/helpers/arm-cases.ts.
import { idOf, type Json, SUB, template, templateCase } from '../../../helpers/arm-cases.js';
import { type Case, live, liveMany } from '../../../helpers/rule-cases.js';

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

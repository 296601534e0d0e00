// Builders shared by the PHI-TLS rule tables. The generic builders are in test/helpers/arm-cases.ts and PHI-NET's;
// this adds the resource shapes of the TLS area (API Management, App Service, Application Gateway, Front Door).

import type { Json } from '../../../helpers/arm-cases.js';
import { type Case, payload } from '../../../helpers/rule-cases.js';
import { body, live, liveMany, res } from '../net/support.js';

export { body, live, liveMany, res };

export const APIM = 'Microsoft.ApiManagement/service';
export const API = 'Microsoft.ApiManagement/service/apis';
export const SITE = 'Microsoft.Web/sites';
export const SLOT = 'Microsoft.Web/sites/slots';
export const CONFIG = 'Microsoft.Web/sites/config';
export const GATEWAY = 'Microsoft.Network/applicationGateways';

export const KEY = {
  tls10: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10',
  tls11: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11',
  ssl30: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30',
  backendTls10: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10',
  backendTls11: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11',
  backendSsl30: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30',
  tripleDes: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168',
  http2: 'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2',
};

/** Every legacy key "False" (the compliant map), with overrides. */
export function customProperties(overrides: Json = {}): Json {
  const all: Json = {};
  for (const [name, key] of Object.entries(KEY)) all[key] = name === 'http2' ? 'True' : 'False';
  return { ...all, ...overrides };
}

export function apim(properties: Json = {}, extra: Json = {}): Json {
  return res(
    APIM,
    'apim-phi',
    { publisherEmail: 'api@contoso.example', publisherName: 'Contoso', ...properties },
    { apiVersion: '2024-05-01', sku: { name: 'Standard', capacity: 1 }, ...extra },
  );
}

export function apiResource(properties: Json = {}, name = 'apim-phi/patients', extra: Json = {}): Json {
  return res(
    API,
    name,
    { displayName: 'Patients', path: 'patients', ...properties },
    { apiVersion: '2024-05-01', ...extra },
  );
}

/** An API Management policy resource (`type` = the policies type of its scope). */
export function policy(type: string, name: string, xml: string, format = 'rawxml'): Json {
  return res(type, name, { format, value: xml }, { apiVersion: '2024-05-01' });
}

/** A policy document with the given inbound content. */
export function policies(inbound: string): string {
  return `<policies><inbound>${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;
}

export function site(properties: Json = {}, name = 'app-phi', extra: Json = {}): Json {
  return res(
    SITE,
    name,
    { serverFarmId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/serverfarms/plan', ...properties },
    {
      apiVersion: '2024-11-01',
      kind: 'app',
      ...extra,
    },
  );
}

export function siteConfig(name: string, properties: Json, type = CONFIG): Json {
  return res(type, name, properties, { apiVersion: '2024-11-01' });
}

/** The real payload with `properties` patched. */
export function payloadWith(file: string, patch: (properties: Json) => void): Case {
  const testCase = payload(file, (b) => {
    patch(b.properties as Json);
  });
  return { ...testCase, name: `${testCase.name} patched` };
}

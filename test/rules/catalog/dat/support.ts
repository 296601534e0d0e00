// Builders shared by the PHI-DAT rule tables: Health Data Services workspaces and FHIR services, Azure API for FHIR,
// Purview accounts, private endpoints to them, and live bodies.
import { type Json, SUB } from '../../../helpers/arm-cases.js';
import { privateEndpoint, res } from '../net/support.js';

export const WORKSPACE = 'Microsoft.HealthcareApis/workspaces';
export const FHIR = 'Microsoft.HealthcareApis/workspaces/fhirservices';
export const LEGACY = 'Microsoft.HealthcareApis/services';
export const PURVIEW = 'Microsoft.Purview/accounts';
export const PAYLOAD = 'fhir_service_get_2024-03-31.json';
export const WORKSPACE_ID = `${SUB}/Microsoft.HealthcareApis/workspaces/phiws`;
export const WORKSPACE_REF = "[resourceId('Microsoft.HealthcareApis/workspaces', 'phiws')]";
export const KEY_URL = 'https://phikv.vault.azure.net/keys/fhir';

export function workspace(properties: Json = {}): Json {
  return res(WORKSPACE, 'phiws', properties, { apiVersion: '2024-03-31' });
}

export function fhir(properties: Json = {}): Json {
  return res(
    FHIR,
    'phiws/phifhir',
    {
      authenticationConfiguration: {
        authority: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000',
        audience: 'https://phiws-phifhir.fhir.azurehealthcareapis.com',
      },
      ...properties,
    },
    { apiVersion: '2024-03-31', kind: 'fhir-R4', location: 'eastus', identity: { type: 'SystemAssigned' } },
  );
}

export function legacy(properties: Json = {}): Json {
  return res(
    LEGACY,
    'phifhirapi',
    { authenticationConfiguration: { audience: 'https://phifhirapi.azurehealthcareapis.com' }, ...properties },
    { apiVersion: '2024-03-31', kind: 'fhir-R4' },
  );
}

export function purview(properties: Json = {}): Json {
  return res(PURVIEW, 'phipurview', properties, { apiVersion: '2021-12-01', identity: { type: 'SystemAssigned' } });
}

/** A private endpoint to the workspace with the AHDS group id (or `groupIds` / `manual` as given). */
export function workspaceEndpoint(groupIds: unknown = ['healthcareworkspace'], manual = false): Json {
  return privateEndpoint(WORKSPACE_REF, groupIds, { manual, name: 'pe-phiws' });
}

export function cors(origins: unknown, allowCredentials = false): Json {
  return {
    corsConfiguration: {
      origins,
      headers: ['*'],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      maxAge: 1440,
      allowCredentials,
    },
  };
}

// Builders shared by the PHI-IAM rule tables: Microsoft Graph objects as a snapshot holds them (docs/entra-snapshot.md),
// Azure RBAC role assignments/definitions as ARM templates and GET bodies, and payload combinations.
import { readFileSync } from 'node:fs';
import type { Config } from '../../../../src/core/config.js';
import { Inventory } from '../../../../src/core/inventory.js';
import type { Resource } from '../../../../src/core/types.js';
import { parseSnapshotText } from '../../../../src/ingest/snapshot/index.js';
import type { Json } from '../../../helpers/arm-cases.js';
import { armTemplate, type Case, liveMany, PAYLOADS } from '../../../helpers/rule-cases.js';

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_SP_ID = '7408235b-7540-4850-82fe-a5f15ed019e2';
export const TENANT_SUB = '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90';
export const RG = `${TENANT_SUB}/resourceGroups/rg-phi`;

/** Graph application permission (app role) ids, controls.md C1. */
export const ROLE = {
  directoryReadWriteAll: '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
  mailRead: '810c84a8-4a9e-49e6-bf7d-12d183f40d01',
  mailSend: 'b633e1c5-b582-4048-a93e-9f11b44c7e96',
  userReadAll: 'df021288-bdef-4463-88db-98f22de89214',
  // An app role id outside the built-in table (stands for a least-privileged permission).
  unlisted: '6e0a958b-b7fc-4348-b7c4-a6ab9fd3dd0e',
};

/** Azure built-in role GUIDs, controls.md C2. */
export const RBAC = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  fhirDataReader: '4c8d0bbc-75d3-4935-991f-5f3c56d81508',
  fhirDataContributor: '5a1fc7df-4bf1-4951-a576-89034ee01acd',
};

/** The tenant's Microsoft Graph service principal, with the app roles a custom permission list may name. */
export function graphSp(appRoles: Json[] = []): Json {
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id: GRAPH_SP_ID,
    appId: GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    servicePrincipalType: 'Application',
    appRoles,
  };
}

export function servicePrincipal(id: string, appId: string, displayName: string, extra: Json = {}): Json {
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id,
    appId,
    displayName,
    servicePrincipalType: 'Application',
    appRoleAssignmentRequired: false,
    ...extra,
  };
}

export function appRoleAssignment(
  principalId: string,
  appRoleId: string,
  options: { id?: string; resourceId?: string; principalType?: string; resourceDisplayName?: string } = {},
): Json {
  return {
    '@odata.type': '#microsoft.graph.appRoleAssignment',
    id: options.id ?? `ara-${principalId.slice(0, 8)}-${appRoleId.slice(0, 8)}`,
    appRoleId,
    principalId,
    principalType: options.principalType ?? 'ServicePrincipal',
    resourceId: options.resourceId ?? GRAPH_SP_ID,
    resourceDisplayName: options.resourceDisplayName ?? 'Microsoft Graph',
    createdDateTime: '2024-03-01T10:00:00Z',
  };
}

export function permissionGrant(
  clientId: string,
  scope: string,
  options: { consentType?: string; resourceId?: string; id?: string } = {},
): Json {
  return {
    '@odata.type': '#microsoft.graph.oAuth2PermissionGrant',
    id: options.id ?? `grant-${clientId.slice(0, 8)}`,
    clientId,
    consentType: options.consentType ?? 'AllPrincipals',
    principalId: null,
    resourceId: options.resourceId ?? GRAPH_SP_ID,
    scope,
  };
}

export function application(appId: string, displayName: string, access: { id: string; type: string }[]): Json {
  return {
    '@odata.type': '#microsoft.graph.application',
    id: `obj-${appId.slice(0, 8)}`,
    appId,
    displayName,
    signInAudience: 'AzureADMyOrg',
    requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: access }],
  };
}

export function user(id: string, userType: 'Member' | 'Guest'): Json {
  return {
    '@odata.type': '#microsoft.graph.user',
    id,
    displayName: userType === 'Guest' ? 'Vendor Consultant' : 'Staff Member',
    userPrincipalName:
      userType === 'Guest' ? 'consultant_vendor.example#EXT#@contoso.example' : 'staff@contoso.example',
    userType,
  };
}

/** A Conditional Access policy; `overrides` replaces top-level keys, `conditions` merges into conditions. */
export function caPolicy(id: string, overrides: Json = {}, conditions: Json = {}): Json {
  return {
    '@odata.type': '#microsoft.graph.conditionalAccessPolicy',
    id,
    displayName: `policy ${id}`,
    state: 'enabled',
    conditions: {
      clientAppTypes: ['all'],
      applications: { includeApplications: ['All'], excludeApplications: [], includeUserActions: [] },
      users: {
        includeUsers: ['All'],
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: [],
        excludeRoles: [],
      },
      platforms: null,
      locations: null,
      signInRiskLevels: [],
      userRiskLevels: [],
      ...conditions,
    },
    grantControls: { operator: 'OR', builtInControls: ['mfa'], customAuthenticationFactors: [], termsOfUse: [] },
    sessionControls: null,
    ...overrides,
  };
}

/** An Azure role assignment GET body. */
export function roleAssignment(
  scope: string,
  role: string,
  principalId: string,
  principalType?: string,
  extra: Json = {},
): Json {
  const name = `ra-${role.slice(0, 8)}-${principalId.slice(0, 8)}`;
  return {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `${TENANT_SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      ...(principalType ? { principalType } : {}),
      scope,
      ...extra,
    },
  };
}

export function customRole(guid: string, roleName: string, actions: string[], notActions: string[] = []): Json {
  return {
    id: `${TENANT_SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName,
      type: 'CustomRole',
      assignableScopes: [TENANT_SUB],
      permissions: [{ actions, notActions, dataActions: [], notDataActions: [] }],
    },
  };
}

const SUBSCRIPTION_SCHEMA =
  'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
const RG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** An ARM template at subscription or resource-group scope. */
export function template(resources: Json[], options: { subscription?: boolean; parameters?: Json } = {}): Json {
  return {
    $schema: options.subscription ? SUBSCRIPTION_SCHEMA : RG_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(options.parameters ? { parameters: options.parameters } : {}),
    resources,
  };
}

export function armAssignment(properties: Json, extra: Json = {}): Json {
  return {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: '2022-04-01',
    name: "[guid('assignment')]",
    properties,
    ...extra,
  };
}

export function roleId(guid: string): string {
  return `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${guid}')]`;
}

export function templateCase(tpl: Json, label: string, parameterValues?: Record<string, unknown>): Case {
  return armTemplate(tpl, parameterValues, `arm ${label}`);
}

export function graph(bodies: Json[], label: string): Case {
  return liveMany(bodies, `graph ${label}`);
}

/** A payload file plus more snapshot records (e.g. the principal an appRoleAssignments list belongs to). */
export function payloadWith(file: string, extra: Json[], label?: string): Case {
  return {
    name: `payload ${file} + ${label ?? `${extra.length} records`}`,
    inventory() {
      const resources: Resource[] = [
        ...parseSnapshotText(readFileSync(new URL(file, PAYLOADS), 'utf8'), file).resources,
        ...parseSnapshotText(JSON.stringify(extra), 'extra.json').resources,
      ];
      return new Inventory(resources);
    },
  };
}

export const EHR_APP = { appId: '9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', name: 'Contoso EHR' };

export function phiApps(...apps: { appId: string; name?: string }[]): (config: Config) => void {
  return (config) => {
    config.classification.phiApps = apps;
  };
}

import { parentId } from '../../../core/inventory.js';
import { defineRule } from '../../define.js';
import {
  AHDS_SWAGGER,
  CONTROLS_H1,
  checkPrivateAccess,
  FHIR_PAYLOAD,
  FHIR_SERVICE,
  isType,
  LEGACY_FHIR,
  privateAccessFix,
  WORKSPACE,
} from './shared.js';

export default defineRule({
  id: 'PHI-DAT-001',
  title: 'FHIR service is reachable from public networks without private link',
  severity: 'high',
  pattern: 8,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [WORKSPACE, FHIR_SERVICE, LEGACY_FHIR],
  policies: [
    {
      id: '64528841-2f92-43f6-a137-d52e5c3dbeac',
      name: 'Azure Health Data Services workspace should use private link',
      relation: 'equivalent (private link part)',
    },
    {
      id: '1ee56206-5dd1-42ab-b02d-8aae8b1634ce',
      name: 'Azure API for FHIR should use private link',
      relation: 'equivalent (legacy)',
    },
  ],
  remediation: {
    az: 'az network private-endpoint create -g "$RG" -n "pe-$WS" --vnet-name "$VNET" --subnet "$SUBNET" --private-connection-resource-id "$AHDS_WS_ID" --group-id healthcareworkspace --connection-name "$WS"\naz resource update --ids "$AHDS_WS_ID" --set properties.publicNetworkAccess=Disabled',
    arm: '{"properties": {"publicNetworkAccess": "Disabled"}}',
    bicep:
      "resource ws 'Microsoft.HealthcareApis/workspaces@2024-03-31' = {\n  // ...\n  properties: { publicNetworkAccess: 'Disabled' }\n}\nresource pe 'Microsoft.Network/privateEndpoints@2025-07-01' = {\n  // ...\n  properties: {\n    subnet: { id: privateLinkSubnetId }\n    privateLinkServiceConnections: [ { name: ws.name, properties: { privateLinkServiceId: ws.id, groupIds: [ 'healthcareworkspace' ] } } ]\n  }\n}",
    terraform:
      '# azurerm_private_endpoint with subresource_names = ["healthcareworkspace"]; publicNetworkAccess via azapi_update_resource',
    note: 'SMART-on-FHIR / patient-facing apps on the internet need an alternative path (APIM in a VNet, Front Door Premium with private link) before public access is disabled.',
  },
  docs: {
    evaluation:
      "Azure Health Data Services workspace: properties.publicNetworkAccess must be Disabled and an approved private endpoint must reach the workspace (a live privateEndpointConnections[] entry with status Approved, or a private endpoint of the scan targeting the workspace with group id healthcareworkspace). FHIR service (workspaces/fhirservices): its own publicNetworkAccess and its workspace's must both be Disabled, and an approved private endpoint must reach the service or its workspace (AHDS private endpoints attach to the workspace). Azure API for FHIR (services, legacy): publicNetworkAccess Disabled and an approved private endpoint (group id fhir). publicNetworkAccess Enabled fails even with a private endpoint (it does not close the public endpoint); Disabled without any approved private endpoint also fails (private link is not in place).",
    absent:
      'publicNetworkAccess absent = Enabled -> fail. No privateEndpointConnections and no private endpoint resource -> no private link.',
    unresolvable:
      'Needs review when an unresolved value could change the verdict: publicNetworkAccess, a private endpoint whose target or group ids are unresolved, or a manual private endpoint connection (approved outside the template). A FHIR service whose workspace is not in the scan needs review when its own settings would pass.',
    crossResource:
      "FHIR services are always PHI (classification.always_phi_types). The FHIR service reads its parent workspace (a streamed snapshot keeps the workspace's publicNetworkAccess and privateEndpointConnections). The export/import storage account (exportConfiguration.storageAccountName, importConfiguration.integrationDataStore) is evaluated by the STG rules.",
    references: [
      `${AHDS_SWAGGER}: publicNetworkAccess (Enabled | Disabled), privateEndpointConnections`,
      'Azure Policy 64528841-2f92-43f6-a137-d52e5c3dbeac (AHDS workspace private link); 1ee56206-5dd1-42ab-b02d-8aae8b1634ce (Azure API for FHIR private link)',
      'learn.microsoft.com/azure/healthcare-apis/healthcare-apis-configure-private-link (group id healthcareworkspace)',
      `${CONTROLS_H1}; ${FHIR_PAYLOAD} (no publicNetworkAccess and no private endpoint: fail)`,
    ],
  },
  fix(resource, fixContext) {
    const zone = 'privatelink.azurehealthcareapis.com';
    if (isType(resource, LEGACY_FHIR)) {
      return privateAccessFix(resource, [resource], fixContext, { target: resource.id, groupId: 'fhir', zone });
    }
    if (isType(resource, WORKSPACE)) {
      return privateAccessFix(resource, [resource], fixContext, {
        target: resource.id,
        groupId: 'healthcareworkspace',
        zone,
      });
    }
    // FHIR services take their private endpoints on the Health Data Services workspace.
    const workspace = fixContext.inventory.related(resource, 'parent').find((parent) => isType(parent, WORKSPACE));
    return privateAccessFix(resource, workspace ? [resource, workspace] : [resource], fixContext, {
      target: workspace?.id ?? parentId(resource.id) ?? resource.id,
      groupId: 'healthcareworkspace',
      zone,
    });
  },
  check(resource, context) {
    if (isType(resource, WORKSPACE)) {
      return checkPrivateAccess(resource, [resource], context, { service: 'Health Data Services workspace' });
    }
    if (isType(resource, LEGACY_FHIR)) {
      return checkPrivateAccess(resource, [resource], context, { service: 'Azure API for FHIR service' });
    }
    const workspace = context.inventory.related(resource, 'parent').find((parent) => isType(parent, WORKSPACE));
    const workspaceId = parentId(resource.id) ?? '';
    return checkPrivateAccess(resource, workspace ? [resource, workspace] : [resource], context, {
      service: 'FHIR service',
      missingParent: workspace
        ? undefined
        : {
            path: 'properties.privateEndpointConnections',
            expression: workspaceId,
            at: resource.at,
            message: `the FHIR service lists no approved private endpoint and its workspace ${workspaceId.split('/').pop()} is not in the scan, so private link cannot be confirmed`,
          },
    });
  },
});

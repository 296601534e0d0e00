import { type Inventory, type PrivateEndpointLink, privateEndpointLinks } from '../../../core/inventory.js';
import { containsUnresolved, lookupIn, sameText } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource, Unresolved, type Value } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, pass, unknown } from '../../define.js';
import { privateEndpoint } from '../fixes.js';
import { describeValue, idsEqual, STORAGE_ACCOUNT, STORAGE_PAYLOAD, STORAGE_SWAGGER } from './shared.js';

const PRIVATE_ENDPOINT = 'Microsoft.Network/privateEndpoints';
const BLOB_GROUPS = ['blob', 'dfs'];
const CONNECTIONS = 'properties.privateEndpointConnections';

type Groups = 'blob' | 'other' | { unresolved: string };

/** Whether a groupIds list names the blob or dfs sub-resource. */
function classifyGroups(groupIds: Value | undefined): Groups {
  const blocked = containsUnresolved(groupIds);
  if (blocked) return { unresolved: blocked.expression };
  const list = Array.isArray(groupIds) ? groupIds : [groupIds];
  return list.some((group) => BLOB_GROUPS.some((wanted) => sameText(group, wanted))) ? 'blob' : 'other';
}

function connectionStatus(connection: Value): Value | undefined {
  const status = lookupIn(connection, 'properties.privateLinkServiceConnectionState.status');
  return status.kind === 'present' ? status.value : undefined;
}

/** Templates: private endpoints declared as resources whose connection targets this account. */
function checkDeclared(account: Resource, inventory: Inventory): Outcome {
  const links = inventory.privateEndpointsTo(account);
  const manual: PrivateEndpointLink[] = [];
  let unresolvedGroups: { link: PrivateEndpointLink; expression: string } | undefined;
  for (const link of links) {
    const groups = classifyGroups(link.groupIds);
    if (groups === 'other') continue;
    if (typeof groups === 'object') {
      unresolvedGroups ??= { link, expression: groups.unresolved };
    } else if (link.manual) {
      manual.push(link);
    } else {
      return pass(CONNECTIONS, link.endpoint.name);
    }
  }
  if (unresolvedGroups) {
    const { link, expression } = unresolvedGroups;
    return unknown(
      { path: CONNECTIONS, expression, at: link.endpoint.at },
      `private endpoint ${link.endpoint.name} targets the account with groupIds from ${expression}, which cannot be resolved statically`,
    );
  }
  if (manual.length > 0) {
    const endpoint = manual[0].endpoint;
    return unknown(
      { path: CONNECTIONS, expression: `${endpoint.name}.${manual[0].path}`, at: endpoint.at },
      `private endpoint ${endpoint.name} uses a manual connection to the account; its approval happens out of band`,
    );
  }
  const maybe = inventory.privateEndpointsWithUnknownTarget().find((link) => classifyGroups(link.groupIds) !== 'other');
  if (maybe) {
    const expression = maybe.target instanceof Unresolved ? maybe.target.expression : String(maybe.target);
    return unknown(
      { path: CONNECTIONS, expression, at: maybe.target instanceof Unresolved ? maybe.target.at : maybe.endpoint.at },
      `private endpoint ${maybe.endpoint.name} targets ${expression}, which cannot be resolved statically; it may be this account's blob endpoint`,
    );
  }
  const others = links.map((link) => `${link.endpoint.name} (${describeValue(link.groupIds)})`);
  return failAt(CONNECTIONS, {
    expected: 'a private endpoint for the blob or dfs sub-resource',
    message:
      others.length > 0
        ? `No private endpoint for the blob or dfs sub-resource targets the account; only ${others.join(', ')}`
        : 'No private endpoint targets the account: blob data is reachable only through the public endpoint',
    at: account.at,
  });
}

/** Live state: the account's own privateEndpointConnections list (and linked endpoint resources, when collected). */
function checkDeployed(account: Resource, inventory: Inventory, connections: Value | undefined): Outcome {
  const seen: string[] = [];
  for (const connection of Array.isArray(connections) ? connections : []) {
    const status = connectionStatus(connection);
    seen.push(String(status ?? 'no status'));
    if (!sameText(status, 'Approved')) continue;
    const groups = groupsOfConnection(account, connection, inventory);
    if (groups === undefined || groups === 'blob') return pass(CONNECTIONS, 'Approved');
  }
  // Endpoint resources from the same snapshot carry the connection state on their side as well.
  for (const link of inventory.privateEndpointsTo(account)) {
    const connection = lookupIn(link.endpoint as unknown as Value, link.path);
    if (connection.kind !== 'present') continue;
    const status = connectionStatus(connection.value);
    if (sameText(status, 'Approved') && classifyGroups(link.groupIds) === 'blob') {
      return pass(CONNECTIONS, 'Approved');
    }
  }
  return failAt(CONNECTIONS, {
    expected: 'a private endpoint connection with status Approved for blob or dfs',
    actual: seen.length > 0 ? seen : undefined,
    message:
      seen.length > 0
        ? `No approved private endpoint connection for blob or dfs (connection states: ${seen.join(', ')})`
        : 'The account has no private endpoint connections: blob data is reachable only through the public endpoint',
    at: account.at,
  });
}

/** The sub-resource of an approved connection when it can be told: from the connection or the endpoint resource. */
function groupsOfConnection(account: Resource, connection: Value, inventory: Inventory): Groups | undefined {
  const own = lookupIn(connection, 'properties.groupIds');
  if (own.kind === 'present') return classifyGroups(own.value);
  const endpointId = lookupIn(connection, 'properties.privateEndpoint.id');
  const endpoint =
    endpointId.kind === 'present' && typeof endpointId.value === 'string'
      ? inventory.byId(endpointId.value)
      : undefined;
  const link = endpoint ? privateEndpointLinks(endpoint).find((l) => idsEqual(l.target, account.id)) : undefined;
  return link ? classifyGroups(link.groupIds) : undefined;
}

export default defineRule({
  id: 'PHI-STG-006',
  title: 'PHI storage account has no approved private endpoint',
  severity: 'medium',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT, PRIVATE_ENDPOINT],
  policies: [
    {
      id: '6edd7eda-6dd8-40f7-810d-67160c639cd9',
      name: 'Storage accounts should use private link',
      relation: 'equivalent',
    },
    {
      id: '9f766f00-8d11-464e-80e1-4091d7874074',
      name: 'Configure Storage account to use a private link connection (DINE)',
      relation: 'remediation',
    },
  ],
  remediation: {
    az: 'az network private-endpoint create -g "$RG" -n "pe-$SA-blob" --vnet-name "$VNET" --subnet "$SUBNET" \\\n  --private-connection-resource-id "$SA_ID" --group-id blob --connection-name "$SA-blob"',
    arm: '{"type": "Microsoft.Network/privateEndpoints", "properties": {"subnet": {"id": "<subnetId>"}, "privateLinkServiceConnections": [{"name": "blob", "properties": {"privateLinkServiceId": "<storageAccountId>", "groupIds": ["blob"]}}]}}',
    bicep:
      "resource pe 'Microsoft.Network/privateEndpoints@2025-07-01' = {\n  name: peName\n  location: location\n  properties: {\n    subnet: { id: subnetId }\n    privateLinkServiceConnections: [\n      { name: 'blob', properties: { privateLinkServiceId: sa.id, groupIds: [ 'blob' ] } }\n    ]\n  }\n}",
    terraform:
      'resource "azurerm_private_endpoint" "blob" { subnet_id = var.subnet_id\n  private_service_connection { name = "blob" private_connection_resource_id = azurerm_storage_account.phi.id subresource_names = ["blob"] is_manual_connection = false } }',
    note: 'Also create the privatelink.blob.core.windows.net DNS zone group, otherwise clients keep resolving the public IP.',
  },
  docs: {
    evaluation:
      "Templates: passes when a Microsoft.Network/privateEndpoints resource has a privateLinkServiceConnections entry whose privateLinkServiceId references the account and whose groupIds contain blob or dfs. Live state: passes when the account's properties.privateEndpointConnections has an entry with privateLinkServiceConnectionState.status Approved (case-insensitive) for blob or dfs; the sub-resource is checked when the connection or the collected endpoint resource names it. Private endpoint resources themselves are not subjects (not applicable): they are evaluated through the account they target.",
    absent: 'No private endpoint (connection) -> fail.',
    unresolvable:
      'A manual connection (manualPrivateLinkServiceConnections, approved out of band), a private endpoint whose target id is unresolved, or groupIds from an unresolved expression -> needs review (unless another endpoint already passes).',
    crossResource:
      "Private endpoints are separate resources (possibly in another resource group or subscription); live evaluation uses the account's own privateEndpointConnections list. A private endpoint does not close the public endpoint: PHI-STG-005 covers that.",
    references: [
      `${STORAGE_SWAGGER} StorageAccountProperties.privateEndpointConnections, PrivateLinkServiceConnectionState.status (Pending | Approved | Rejected)`,
      'Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/2025-07-01 privateEndpoint.json (privateLinkServiceConnections[].properties.{privateLinkServiceId, groupIds})',
      'Azure/azure-policy built-in 6edd7eda-6dd8-40f7-810d-67160c639cd9 (AuditIfNotExists, Disabled); DINE 9f766f00-8d11-464e-80e1-4091d7874074',
      'hashicorp/terraform-provider-azurerm website/docs/r/private_endpoint.html.markdown (private_service_connection, is_manual_connection)',
      `controls.md A11 and B5; ${STORAGE_PAYLOAD} (no privateEndpointConnections)`,
    ],
  },
  fix: () => [privateEndpoint('blob', 'privatelink.blob.core.windows.net')],
  check(resource, { read, inventory }) {
    if (!sameText(resource.type, STORAGE_ACCOUNT)) {
      return notApplicable('private endpoints are evaluated through the storage account they target');
    }
    if (!LIVE_ORIGINS.has(resource.origin)) return checkDeclared(resource, inventory);
    const connections = read(resource, CONNECTIONS);
    if (connections.state === 'unknown') return unknown(connections);
    return checkDeployed(resource, inventory, connections.value);
  },
});

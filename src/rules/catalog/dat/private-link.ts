// Private link evidence for the PHI data services (controls.md H1/H2): an Approved connection listed on the
// resource (live GET privateEndpointConnections[]) or a private endpoint of the scan that targets the resource
// with the service's group id. Same semantics as the database helper in net/db.ts, with the group ids as input.
import type { PrivateEndpointLink } from '../../../core/inventory.js';
import { containsUnresolved, sameText } from '../../../core/path.js';
import { LIVE_ORIGINS, type Resource, Unresolved } from '../../../core/types.js';
import type { RuleContext } from '../../define.js';
import { type Blocker, blockerOf } from '../net/tri.js';

export type LinkVerdict =
  | { state: 'approved'; path: string; evidence: string }
  | { state: 'none' }
  | { state: 'unknown'; blocker: Blocker };

/** Private link group ids (sub-resources) per service type, lower-cased type keys. */
export const GROUP_IDS: Record<string, readonly string[]> = {
  'microsoft.healthcareapis/workspaces': ['healthcareworkspace'],
  'microsoft.healthcareapis/services': ['fhir'],
  'microsoft.purview/accounts': ['account', 'portal'],
};

function groupMatch(link: PrivateEndpointLink, wanted: readonly string[]): boolean | Blocker {
  const groups = link.groupIds;
  const unresolved = containsUnresolved(groups);
  if (unresolved || !Array.isArray(groups)) {
    return {
      path: `${link.path}.properties.groupIds`,
      expression: unresolved?.expression ?? 'groupIds not set',
      at: unresolved?.at ?? link.endpoint.at,
      message: `private endpoint ${link.endpoint.name} does not name a resolvable sub-resource (groupIds)`,
    };
  }
  return groups.some((group) => wanted.some((w) => sameText(group, w)));
}

function linkVerdict(link: PrivateEndpointLink, wanted: readonly string[], context: RuleContext): LinkVerdict {
  const endpoint = link.endpoint;
  const groups = groupMatch(link, wanted);
  if (groups === false) return { state: 'none' };
  if (groups !== true) return { state: 'unknown', blocker: groups };
  if (LIVE_ORIGINS.has(endpoint.origin)) {
    const status = context.read(endpoint, `${link.path}.properties.privateLinkServiceConnectionState.status`);
    if (status.state === 'unknown') return { state: 'unknown', blocker: blockerOf(status) };
    if (typeof status.value === 'string') {
      return sameText(status.value, 'Approved')
        ? { state: 'approved', path: status.path, evidence: `private endpoint ${endpoint.name} is Approved` }
        : { state: 'none' };
    }
  }
  if (link.manual) {
    return {
      state: 'unknown',
      blocker: {
        path: link.path,
        expression: 'manualPrivateLinkServiceConnections',
        at: endpoint.at,
        message: `private endpoint ${endpoint.name} uses a manual connection, which needs approval outside the template`,
      },
    };
  }
  return { state: 'approved', path: link.path, evidence: `private endpoint ${endpoint.name} (${link.path})` };
}

/** Whether an approved private endpoint connection reaches `resource` (group ids from GROUP_IDS by its type). */
export function approvedPrivateLink(resource: Resource, context: RuleContext): LinkVerdict {
  let blocker: Blocker | undefined;
  const connections = context.read(resource, 'properties.privateEndpointConnections');
  if (connections.state === 'unknown') blocker = blockerOf(connections);
  else if (Array.isArray(connections.value)) {
    for (let i = 0; i < connections.value.length; i++) {
      const status = context.read(
        resource,
        `properties.privateEndpointConnections.${i}.properties.privateLinkServiceConnectionState.status`,
      );
      if (status.state === 'unknown') blocker ??= blockerOf(status);
      else if (sameText(status.value, 'Approved')) {
        return { state: 'approved', path: status.path, evidence: `private endpoint connection ${i} is Approved` };
      }
    }
  }
  const wanted = GROUP_IDS[resource.type.toLowerCase()] ?? [];
  for (const link of context.inventory.privateEndpointsTo(resource)) {
    const verdict = linkVerdict(link, wanted, context);
    if (verdict.state === 'approved') return verdict;
    if (verdict.state === 'unknown') blocker ??= verdict.blocker;
  }
  for (const link of context.inventory.privateEndpointsWithUnknownTarget()) {
    if (groupMatch(link, wanted) === false) continue;
    const target = link.target instanceof Unresolved ? link.target.expression : link.target;
    blocker ??= {
      path: `${link.path}.properties.privateLinkServiceId`,
      expression: target,
      at: link.target instanceof Unresolved ? link.target.at : link.endpoint.at,
      message: `private endpoint ${link.endpoint.name} targets ${target}, which cannot be resolved; it may be this resource`,
    };
  }
  return blocker ? { state: 'unknown', blocker } : { state: 'none' };
}

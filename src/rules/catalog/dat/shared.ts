// Types, sources and the "public network access off + private link" test shared by the PHI-DAT rules.
import { sameText } from '../../../core/path.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { type FixContext, type FixStep, fail, failAt, type PathRead, type RuleContext, unknown } from '../../define.js';
import { privateEndpoint, ruleContext, set, setOn } from '../fixes.js';
import { approvedPrivateEndpoint } from '../net/db.js';
import { and, type Blocker, blockerMessage, blockerOf, isBlocker, or, type Tri } from '../net/tri.js';
import { describeValue } from '../stg/shared.js';

export const WORKSPACE = 'Microsoft.HealthcareApis/workspaces';
export const FHIR_SERVICE = 'Microsoft.HealthcareApis/workspaces/fhirservices';
export const LEGACY_FHIR = 'Microsoft.HealthcareApis/services';
export const PURVIEW = 'Microsoft.Purview/accounts';

export const AHDS_SWAGGER =
  'Azure/azure-rest-api-specs specification/healthcareapis/resource-manager/Microsoft.HealthcareApis/stable/2024-03-31 (workspaces, fhirservices, services)';
export const FHIR_PAYLOAD = 'payloads/fhir_service_get_2024-03-31.json (FhirServices_Get example)';
export const CONTROLS_H1 = 'controls.md H1 (Azure Health Data Services FHIR)';

/** Private link group ids (sub-resources) per service type (controls.md H1/H2), lower-cased type keys. */
const GROUP_IDS: Record<string, readonly string[]> = {
  'microsoft.healthcareapis/workspaces': ['healthcareworkspace'],
  'microsoft.healthcareapis/services': ['fhir'],
  'microsoft.purview/accounts': ['account', 'portal'],
};

export function isType(resource: Resource, type: string): boolean {
  return sameText(resource.type, type);
}

function publicOff(read: PathRead): Tri {
  return read.state === 'unknown' ? blockerOf(read) : sameText(read.value, 'Disabled');
}

function linkTri(resource: Resource, context: RuleContext): { tri: Tri; evidence?: string } {
  const link = approvedPrivateEndpoint(resource, context, GROUP_IDS[resource.type.toLowerCase()] ?? []);
  if (link.state === 'approved') return { tri: true, evidence: link.evidence };
  return { tri: link.state === 'unknown' ? link.blocker : false };
}

function describeAccess(read: PathRead): string {
  return read.state === 'unknown' ? read.expression : describeValue(read.value);
}

/**
 * Compliant when public network access is Disabled on every level that has it and an approved private endpoint
 * reaches the service (rules.yaml PHI-DAT-001/004). `levels` are the resource and, for a FHIR service, its
 * workspace; private link counts on any level (AHDS private endpoints attach to the workspace).
 */
export function checkPrivateAccess(
  subject: Resource,
  levels: Resource[],
  context: RuleContext,
  options: { missingParent?: Blocker; service: string },
): Outcome {
  const accesses = levels.map((level) => ({ level, read: context.read(level, 'properties.publicNetworkAccess') }));
  const links = levels.map((level) => linkTri(level, context));
  const off = and(...accesses.map(({ read }) => publicOff(read)));
  let link = or(...links.map(({ tri }) => tri));
  if (link === false && options.missingParent) link = options.missingParent;

  const open = accesses.find(({ read }) => publicOff(read) === false);
  if (open) {
    const where = open.level === subject ? options.service : `its workspace ${open.level.name}`;
    const linkNote =
      link === true
        ? ' (an approved private endpoint exists, but it does not close the public endpoint)'
        : ' and no approved private endpoint reaches it';
    return fail(open.read, {
      expected: 'publicNetworkAccess Disabled and an approved private endpoint',
      message: `The ${where} accepts traffic from public networks: publicNetworkAccess is ${describeAccess(open.read)}${linkNote}`,
    });
  }
  const verdict = and(off, link);
  if (verdict === true) {
    const evidence = links.find(({ tri }) => tri === true)?.evidence;
    return {
      verdict: 'pass',
      path: 'properties.publicNetworkAccess',
      actual: 'Disabled',
      message: `Public network access is disabled and ${evidence ?? 'a private endpoint'} reaches the ${options.service}`,
    };
  }
  if (isBlocker(verdict)) return unknown(verdict, blockerMessage(verdict));
  return failAt('properties.privateEndpointConnections', {
    expected: 'an approved private endpoint connection',
    message: `Public network access is disabled, but no approved private endpoint reaches the ${options.service}, so private link is not in place`,
    at: subject.at,
  });
}

/**
 * The fix of a private-access finding (PHI-DAT-001/004): public network access Disabled on each level that has it
 * open, and a private endpoint to `link.target` (the level private endpoints attach to) when none is approved.
 */
export function privateAccessFix(
  subject: Resource,
  levels: Resource[],
  fixContext: FixContext,
  link: { target: string; groupId: string; zone: string },
): FixStep[] {
  const context = ruleContext(fixContext);
  const note = 'clients must reach the service through a private endpoint; public callers are refused at once';
  const steps: FixStep[] = levels
    .filter((level) => publicOff(context.read(level, 'properties.publicNetworkAccess')) === false)
    .map((level) =>
      level === subject
        ? set('properties.publicNetworkAccess', 'Disabled', note)
        : setOn(level, 'properties.publicNetworkAccess', 'Disabled', note),
    );
  if (!levels.some((level) => linkTri(level, context).tri === true)) {
    const endpoint = privateEndpoint(link.groupId, link.zone);
    if (endpoint.kind === 'create' && link.target.toLowerCase() !== subject.id.toLowerCase()) {
      endpoint.settings = { ...endpoint.settings, target: link.target };
    }
    steps.push(endpoint);
  }
  return steps;
}

// Drift between code and deployed state (issue 7): when templates and a live snapshot are scanned together, a rule
// that passes on one side and fails on the other for the same resource is a deployment gap, not a plain finding.
// Fixed in code but failing live: the fix has not been deployed. Failing in code but passing live: someone changed
// the resource by hand, and the next deployment from code will put the failure back.

import { type Drift, type Finding, LIVE_ORIGINS, type Resource } from '../core/types.js';
import { DEFAULT_DEPLOYMENT_CONTEXT } from '../ingest/types.js';

interface Identity {
  /** `microsoft.storage/storageaccounts/stphi` (the provider path after the last `/providers/`, lower-cased). */
  chain: string;
  /** Resource group, or undefined when a template leaves it to the deployment (the placeholder group). */
  group: string | undefined;
}

const PROVIDERS = '/providers/';

/**
 * What a template resource and a deployed one share: their provider path and, when the template names it, their
 * resource group. Subscriptions are not compared: templates are scanned without one (a placeholder id).
 */
export function deploymentIdentity(resource: Pick<Resource, 'id'>): Identity | undefined {
  const id = resource.id.toLowerCase();
  const at = id.lastIndexOf(PROVIDERS);
  if (at < 0) return undefined;
  const chain = id.slice(at + PROVIDERS.length);
  // Extension resources (`.../providers/Microsoft.Insights/diagnosticSettings/x` on a resource) keep the
  // parent's path in the chain so two resources' settings of the same name stay apart.
  const parentAt = id.lastIndexOf(PROVIDERS, at - 1);
  const scoped = parentAt >= 0 ? `${id.slice(parentAt + PROVIDERS.length, at)}|${chain}` : chain;
  const group = /\/resourcegroups\/([^/]+)/.exec(id)?.[1];
  const placeholder = DEFAULT_DEPLOYMENT_CONTEXT.resourceGroup.toLowerCase();
  return { chain: scoped, group: group === placeholder ? undefined : group };
}

interface Side {
  /** Any failure (or waived failure) of the rule on this resource fails the side. */
  status: 'pass' | 'fail';
  group: string | undefined;
  findings: Finding[];
}

/**
 * Collects every verdict (passes included) with the origin of its resource, then links the two sides. Unknown
 * verdicts link nothing: a value that cannot be resolved says nothing about drift.
 */
export class DriftLinker {
  /** rule id + chain -> one side per resource group. Code sides are few; deployed ones may span many groups. */
  private readonly code = new Map<string, Side[]>();
  private readonly deployed = new Map<string, Side[]>();

  observe(finding: Finding, resource: Resource): void {
    if (finding.status === 'unknown') return;
    const identity = deploymentIdentity(resource);
    if (!identity) return;
    const key = `${finding.ruleId}|${identity.chain}`;
    const sides = LIVE_ORIGINS.has(resource.origin) ? this.deployed : this.code;
    const list = sides.get(key) ?? [];
    sides.set(key, list);
    let side = list.find((candidate) => candidate.group === identity.group);
    if (!side) {
      side = { status: 'pass', group: identity.group, findings: [] };
      list.push(side);
    }
    side.findings.push(finding);
    if (finding.status !== 'pass') side.status = 'fail';
  }

  /** Attaches `drift` to each finding whose resource passes on one side and fails on the other. */
  link(): void {
    for (const [key, codeSides] of this.code) {
      const deployedSides = this.deployed.get(key);
      if (!deployedSides) continue;
      for (const code of codeSides) {
        // A template that leaves the group to the deployment matches a deployed resource only when exactly one
        // group holds that name: guessing between two would link the wrong resource.
        const candidates = deployedSides.filter((d) => code.group === undefined || d.group === code.group);
        if (candidates.length !== 1) continue;
        const deployed = candidates[0];
        if (code.status === deployed.status) continue;
        // The same resource may be declared in several code bases (ARM and Bicep and Terraform): each failing
        // declaration is linked, a deployed failure only once, to the first declaration that passes.
        if (code.status === 'pass') annotate(deployed, code, 'fixed-in-code');
        else annotate(code, deployed, 'changed-by-hand');
      }
    }
  }
}

function annotate(failing: Side, passing: Side, state: Drift['state']): void {
  const other = passing.findings[0];
  const counterpart: Drift['counterpart'] = {
    file: other.location?.file ?? null,
    line: other.location?.line ?? null,
    address: other.resource.address,
    status: other.status,
  };
  for (const finding of failing.findings) {
    if (finding.status === 'pass' || finding.drift) continue;
    finding.drift = { state, counterpart };
    finding.message = `${finding.message} (${describeDrift(finding.drift)})`;
  }
}

function describeDrift(drift: Drift): string {
  const where = drift.counterpart.file
    ? `${drift.counterpart.file}${drift.counterpart.line ? `:${drift.counterpart.line}` : ''}`
    : drift.counterpart.address;
  return drift.state === 'fixed-in-code'
    ? `fixed in code at ${where}, not yet deployed`
    : `compliant in the deployed resource (${where}) but not in code: changed by hand, will regress on next deploy`;
}

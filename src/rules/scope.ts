// PHI classification: which resources hold or expose PHI. phi_scoped rules evaluate only those.
// With no config at all every resource is PHI ("emergency mode": conservative until the estate is classified).
import picomatch from 'picomatch';
import type { Config } from '../core/config.js';
import { isObject } from '../core/path.js';
import type { Resource } from '../core/types.js';

export type PhiClassifier = (resource: Resource) => boolean;

const RESOURCE_GROUP = /\/resourcegroups\/([^/]+)/i;

export function resourceGroupOf(id: string): string | undefined {
  return RESOURCE_GROUP.exec(id)?.[1];
}

export function createClassifier(config: Config): PhiClassifier {
  const { classification } = config;
  if (classification.default === 'phi') return () => true;
  const alwaysTypes = new Set(classification.alwaysPhiTypes.map((t) => t.toLowerCase()));
  const tagRules = Object.entries(classification.phi.tags).map(
    ([name, values]) => [name.toLowerCase(), new Set(values.map((v) => v.toLowerCase()))] as const,
  );
  const groups = new Set(classification.phi.resourceGroups.map((g) => g.toLowerCase()));
  const ids = new Set(classification.phi.resourceIds.map((id) => id.toLowerCase()));
  const nameMatchers = classification.phi.namePatterns.map((glob) => picomatch(glob, { nocase: true }));
  const phiAppIds = new Set(classification.phiApps.map((app) => app.appId.toLowerCase()));

  const direct = (resource: Resource): boolean => {
    if (alwaysTypes.has(resource.type.toLowerCase())) return true;
    if (resource.type.startsWith('microsoft.graph/') && entraPhi(resource, phiAppIds)) return true;
    if (ids.has(resource.id.toLowerCase()) || ids.has(resource.address.toLowerCase())) return true;
    const group = resourceGroupOf(resource.id);
    if (group && groups.has(group.toLowerCase())) return true;
    const shortName = resource.name.split('/').pop() ?? resource.name;
    if (nameMatchers.some((match) => match(shortName) || match(resource.name))) return true;
    if (isObject(resource.tags)) {
      for (const [tag, value] of Object.entries(resource.tags)) {
        const accepted = tagRules.find(([name]) => name === tag.toLowerCase())?.[1];
        if (accepted && typeof value === 'string' && accepted.has(value.toLowerCase())) return true;
      }
    }
    return false;
  };
  return direct;
}

const APP_TYPES = new Set(['microsoft.graph/application', 'microsoft.graph/serviceprincipal']);

/**
 * Entra objects carry no tags: an application or service principal is PHI when classification.phi_apps lists its
 * appId; Conditional Access policies govern sign-in to those apps tenant-wide, so they are in PHI scope as soon as
 * any PHI app is configured (the IAM rules then decide per app).
 */
function entraPhi(resource: Resource, phiAppIds: ReadonlySet<string>): boolean {
  const type = resource.type.toLowerCase();
  if (type === 'microsoft.graph/conditionalaccesspolicy') return phiAppIds.size > 0;
  if (!APP_TYPES.has(type) || !isObject(resource.properties)) return false;
  const appId = resource.properties.appId;
  return typeof appId === 'string' && phiAppIds.has(appId.toLowerCase());
}

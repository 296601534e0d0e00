// Resource ids exactly as ARM's resourceId() family builds them, so ids of declared resources and ids computed in
// expressions (a private endpoint's privateLinkServiceId) agree and the Inventory can link them.

export type DeploymentLevel = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

/** Where a template is deployed; placeholders from the DeploymentContext stand in for the real values. */
export interface Target {
  level: DeploymentLevel;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tenantId: string;
  deploymentName: string;
  managementGroup: string;
}

export function levelFromSchema(schema: unknown): DeploymentLevel | undefined {
  if (typeof schema !== 'string') return undefined;
  const lower = schema.toLowerCase();
  if (lower.includes('subscriptiondeploymenttemplate')) return 'subscription';
  if (lower.includes('managementgroupdeploymenttemplate')) return 'managementGroup';
  if (lower.includes('tenantdeploymenttemplate')) return 'tenant';
  if (lower.includes('deploymenttemplate')) return 'resourceGroup';
  return undefined;
}

export function resourceGroupId(
  target: Target,
  subscriptionId = target.subscriptionId,
  group = target.resourceGroup,
): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}`;
}

/** The id prefix of the deployment scope (`''` for the tenant). */
export function scopeId(target: Target): string {
  switch (target.level) {
    case 'resourceGroup':
      return resourceGroupId(target);
    case 'subscription':
      return `/subscriptions/${target.subscriptionId}`;
    case 'managementGroup':
      return `/providers/Microsoft.Management/managementGroups/${target.managementGroup}`;
    case 'tenant':
      return '';
  }
}

/** `Namespace/t1/t2` + names `[n1, n2]` (or one `n1/n2`) -> `Namespace/t1/n1/t2/n2`. */
export function providerPath(type: string, names: readonly string[]): string {
  let path = '';
  let typeStart = 0;
  let nameIndex = 0;
  let nameStart = 0;
  let name = names[0] ?? '';
  let segments = 0;
  // Interleave type segments with name segments; names may be given separately or as one `a/b`.
  for (let i = 0; i <= type.length; i++) {
    if (i < type.length && type.charCodeAt(i) !== 47) continue;
    path += path ? `/${type.slice(typeStart, i)}` : type.slice(typeStart, i);
    typeStart = i + 1;
    if (++segments === 1) continue; // the namespace has no name
    if (nameIndex >= names.length) continue;
    const slash = name.indexOf('/', nameStart);
    path += `/${slash < 0 ? name.slice(nameStart) : name.slice(nameStart, slash)}`;
    if (slash < 0) {
      nameIndex++;
      name = names[nameIndex] ?? '';
      nameStart = 0;
    } else {
      nameStart = slash + 1;
    }
  }
  // Extra names (a malformed template) are kept rather than dropped, so distinct resources keep distinct ids.
  if (nameIndex < names.length) {
    const rest = [name.slice(nameStart), ...names.slice(nameIndex + 1)].filter((part) => part !== '');
    if (rest.length > 0) path += `/${rest.join('/')}`;
  }
  return path;
}

/**
 * The id of a resource of `type` named `names` at the deployment scope, or in the given subscription / resource
 * group (resourceId()'s optional leading arguments).
 */
export function buildResourceId(
  target: Target,
  type: string,
  names: readonly string[],
  subscriptionId?: string,
  resourceGroup?: string,
): string {
  const sub = subscriptionId ?? target.subscriptionId;
  if (type.toLowerCase() === 'microsoft.resources/resourcegroups') {
    return `/subscriptions/${sub}/resourceGroups/${names.join('/')}`;
  }
  let prefix: string;
  if (resourceGroup !== undefined) prefix = resourceGroupId(target, sub, resourceGroup);
  else if (subscriptionId !== undefined && target.level !== 'resourceGroup') prefix = `/subscriptions/${sub}`;
  else if (subscriptionId !== undefined) prefix = resourceGroupId(target, sub);
  else prefix = scopeId(target);
  return `${prefix}/providers/${providerPath(type, names)}`;
}

/** An extension resource's id: `{scope}/providers/{type}/{name}`. */
export function extensionId(scope: string, type: string, names: readonly string[]): string {
  const base = scope === '/' ? '' : scope.replace(/\/+$/, '');
  return `${base}/providers/${providerPath(type, names)}`;
}

/**
 * A `scope` value as written on an extension resource: a full id, or the relative form Bicep emits
 * (`Microsoft.Storage/storageAccounts/name`), which is relative to the deployment scope.
 */
export function absoluteScope(target: Target, scope: string): string {
  if (scope.startsWith('/')) return scope;
  return `${scopeId(target)}/providers/${scope}`;
}

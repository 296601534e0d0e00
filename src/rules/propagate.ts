// Where PHI-ness flows beyond a resource's own classification and its ancestors (classification.propagate): Log
// Analytics workspaces that receive audit logs of PHI resources, storage accounts named as audit-log archives, and
// Defender plans that protect PHI resource types. The audit-log helpers here are shared with the PHI-LOG rules, so
// "which workspace holds PHI audit logs" has one answer for classification and for the rules.
import type { Config } from '../core/config.js';
import { type Inventory, parentId } from '../core/inventory.js';
import { lookup } from '../core/path.js';
import { LIVE_ORIGINS, type Resource } from '../core/types.js';

export const DIAGNOSTIC_SETTINGS = 'Microsoft.Insights/diagnosticSettings';
export const WORKSPACE = 'Microsoft.OperationalInsights/workspaces';
export const STORAGE_ACCOUNT = 'Microsoft.Storage/storageAccounts';
export const PRICING = 'Microsoft.Security/pricings';

/**
 * Defender for Cloud plans (pricings/{name}) and the resource types each protects (controls.md E6, rules.yaml
 * PHI-LOG-008). `Arm` watches every management operation of the subscription, so any PHI there requires it.
 */
export const DEFENDER_PLANS: Readonly<Record<string, readonly string[]>> = {
  StorageAccounts: [STORAGE_ACCOUNT],
  SqlServers: ['Microsoft.Sql/servers', 'Microsoft.Sql/managedInstances'],
  SqlServerVirtualMachines: ['Microsoft.SqlVirtualMachine/sqlVirtualMachines'],
  OpenSourceRelationalDatabases: [
    'Microsoft.DBforPostgreSQL/flexibleServers',
    'Microsoft.DBforMySQL/flexibleServers',
    'Microsoft.DBforPostgreSQL/servers',
    'Microsoft.DBforMySQL/servers',
  ],
  CosmosDbs: ['Microsoft.DocumentDB/databaseAccounts'],
  VirtualMachines: ['Microsoft.Compute/virtualMachines', 'Microsoft.Compute/virtualMachineScaleSets'],
  KeyVaults: ['Microsoft.KeyVault/vaults'],
  AppServices: ['Microsoft.Web/sites'],
  Api: ['Microsoft.ApiManagement/service'],
  Arm: [],
};

export interface PropagationContext {
  inventory: Inventory;
  config: Config;
  isPhi(resource: Resource): boolean;
}

export function isType(resource: Resource, type: string): boolean {
  return resource.type.toLowerCase() === type.toLowerCase();
}

export function isLive(resource: Resource): boolean {
  return LIVE_ORIGINS.has(resource.origin);
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)/i;
const SUBSCRIPTION_ONLY = /^\/subscriptions\/[^/]+\/?$/i;

/** Lower-cased subscription id of an ARM id. */
export function subscriptionOf(id: string): string | undefined {
  return SUBSCRIPTION.exec(id)?.[1]?.toLowerCase();
}

export function isSubscriptionId(id: string): boolean {
  return SUBSCRIPTION_ONLY.test(id);
}

/**
 * `microsoft.operationalinsights/workspaces/name`: the part after the last `/providers/`. Template ids carry the
 * scan's placeholder subscription and group, so a workspace referenced with an explicit group from another template
 * is recognised by type and name (names within one scanned repository are taken to be unique).
 */
export function providerKey(id: string): string | undefined {
  const at = id.toLowerCase().lastIndexOf('/providers/');
  return at < 0 ? undefined : id.slice(at + '/providers/'.length).toLowerCase();
}

/** Whether an id written in a property names `resource` (exact id; type and name for template resources). */
export function refersTo(reference: string, resource: Resource): boolean {
  if (reference.toLowerCase() === resource.id.toLowerCase()) return true;
  if (isLive(resource) || !reference.startsWith('/')) return false;
  const key = providerKey(reference);
  return key !== undefined && key === providerKey(resource.id);
}

interface DestinationIndex {
  indexed: number;
  byKey: Map<string, Resource[]>;
}

const destinationIndexes = new WeakMap<Inventory, Map<string, DestinationIndex>>();

/**
 * Diagnostic settings by the destination named in `property` (workspaceId, storageAccountId), under exact-id and
 * provider keys. Built incrementally: a streamed inventory only grows.
 */
function destinationIndex(inventory: Inventory, property: string): DestinationIndex {
  let perProperty = destinationIndexes.get(inventory);
  if (!perProperty) {
    perProperty = new Map();
    destinationIndexes.set(inventory, perProperty);
  }
  let index = perProperty.get(property);
  if (!index) {
    index = { indexed: 0, byKey: new Map() };
    perProperty.set(property, index);
  }
  const settings = inventory.byType(DIAGNOSTIC_SETTINGS);
  for (; index.indexed < settings.length; index.indexed++) {
    const setting = settings[index.indexed];
    const found = lookup(setting, `properties.${property}`);
    if (found.kind !== 'present' || typeof found.value !== 'string' || found.value === '') continue;
    const keys = new Set([`id:${found.value.toLowerCase()}`]);
    const key = providerKey(found.value);
    if (key) keys.add(`key:${key}`);
    for (const k of keys) {
      const list = index.byKey.get(k);
      if (list) list.push(setting);
      else index.byKey.set(k, [setting]);
    }
  }
  return index;
}

/** Diagnostic settings that send to `destination` through `property` (workspaceId or storageAccountId). */
export function settingsSendingTo(
  inventory: Inventory,
  destination: Resource,
  property: 'workspaceId' | 'storageAccountId',
): Resource[] {
  const index = destinationIndex(inventory, property);
  const exact = index.byKey.get(`id:${destination.id.toLowerCase()}`) ?? [];
  if (isLive(destination)) return exact;
  const key = providerKey(destination.id);
  const byKey = key ? (index.byKey.get(`key:${key}`) ?? []) : [];
  return [...new Set([...exact, ...byKey])].filter((setting) => !isLive(setting));
}

const SUBSCRIPTION_SETTING = /^(\/subscriptions\/[^/]+)\/providers\/microsoft\.insights\/diagnosticsettings\/[^/]+$/i;

/**
 * The resource a diagnostic setting extends, or undefined when its scope is an unresolved expression. A setting
 * declared in a subscription deployment has no `scope`: its id places it on the subscription (activity log).
 */
export function settingTarget(setting: Resource): string | undefined {
  if (setting.scope !== undefined) return setting.scope.startsWith('/') ? setting.scope : undefined;
  return SUBSCRIPTION_SETTING.exec(setting.id)?.[1];
}

/** `Microsoft.Storage/storageAccounts/blobServices` for `/.../storageAccounts/sa/blobServices/default`. */
export function typeFromId(id: string): string {
  const key = providerKey(id);
  if (!key) return 'unknown';
  const segments = key.split('/');
  return [segments[0], ...segments.slice(1).filter((_, i) => i % 2 === 0)].join('/');
}

/**
 * The resource an id names, or the nearest declared ancestor; when none is in the inventory, a stand-in carrying
 * the id, so classification by resource group, id and name still applies.
 */
export function resolveResource(id: string, inventory: Inventory, origin: Resource['origin']): Resource {
  for (let current: string | undefined = id; current; current = parentId(current)) {
    const found = inventory.byId(current);
    if (found) return found;
  }
  const name = id.split('/').pop() ?? id;
  return { id, type: typeFromId(id), name, origin, address: id };
}

interface Census {
  size: number;
  types: Map<string, Set<string>>;
}

const censuses = new WeakMap<Inventory, Census>();
/** Types whose own PHI-ness comes from the census or from other resources, so counting them would be circular. */
const NOT_COUNTED = [PRICING, WORKSPACE, DIAGNOSTIC_SETTINGS].map((t) => t.toLowerCase());

/** Workloads only: extension resources (settings, role assignments) and propagated types are not PHI holdings. */
function counted(resource: Resource, type: string): boolean {
  if (resource.scope) return false;
  return !NOT_COUNTED.some((excluded) => type === excluded || type.startsWith(`${excluded}/`));
}

/**
 * Lower-cased types of PHI resources per lower-cased subscription: "does this subscription hold PHI (of type T)?".
 * A streamed inventory holds one PHI resource per subscription and type for this (`related.phiCensus`).
 */
export function phiCensus(context: PropagationContext): Map<string, Set<string>> {
  const { inventory } = context;
  const cached = censuses.get(inventory);
  if (cached && cached.size === inventory.size) return cached.types;
  const types = new Map<string, Set<string>>();
  for (const resource of inventory.resources) {
    const type = resource.type.toLowerCase();
    if (!counted(resource, type)) continue;
    const subscription = subscriptionOf(resource.id);
    if (!subscription || types.get(subscription)?.has(type)) continue;
    if (!context.isPhi(resource)) continue;
    const set = types.get(subscription) ?? new Set<string>();
    set.add(type);
    types.set(subscription, set);
  }
  censuses.set(inventory, { size: inventory.size, types });
  return types;
}

/** The Defender plans the PHI resources of a subscription require (`defender.required_plans`). */
export function requiredPlans(subscription: string, context: PropagationContext): string[] {
  const present = phiCensus(context).get(subscription);
  if (!present || present.size === 0) return [];
  const configured = context.config.defender.requiredPlans;
  if (configured !== 'auto') return [...configured];
  return Object.entries(DEFENDER_PLANS)
    .filter(([, types]) => types.length === 0 || types.some((type) => present.has(type.toLowerCase())))
    .map(([plan]) => plan);
}

/** Whether an audit-log source (a diagnostic setting's target) is PHI: a PHI resource, or a subscription holding PHI. */
export function sourceIsPhi(setting: Resource, context: PropagationContext): boolean {
  const target = settingTarget(setting);
  if (!target) return false;
  if (isSubscriptionId(target)) {
    const subscription = subscriptionOf(target);
    return subscription !== undefined && (phiCensus(context).get(subscription)?.size ?? 0) > 0;
  }
  return context.isPhi(resolveResource(target, context.inventory, setting.origin));
}

function listed(resource: Resource, entries: readonly string[]): boolean {
  const name = resource.name.toLowerCase();
  return entries.some((entry) => (entry.startsWith('/') ? refersTo(entry, resource) : entry.toLowerCase() === name));
}

/** A workspace named in logging.audit_workspace_ids. */
export function isConfiguredAuditWorkspace(workspace: Resource, config: Config): boolean {
  return listed(workspace, config.logging.auditWorkspaceIds);
}

/**
 * Whether PHI flows to `resource` from elsewhere: an audit workspace of PHI resources, a configured audit-log
 * storage account, or a Defender plan required by PHI resources of its subscription. Storage accounts are not
 * derived from diagnostic settings: a streamed snapshot evaluates most accounts before their settings arrive.
 */
export function propagatedPhi(resource: Resource, context: PropagationContext): boolean {
  const type = resource.type.toLowerCase();
  if (type === WORKSPACE.toLowerCase()) {
    if (isConfiguredAuditWorkspace(resource, context.config)) return true;
    return settingsSendingTo(context.inventory, resource, 'workspaceId').some((s) => sourceIsPhi(s, context));
  }
  if (type === STORAGE_ACCOUNT.toLowerCase()) return listed(resource, context.config.logging.auditStorageAccounts);
  if (type === PRICING.toLowerCase()) {
    const subscription = subscriptionOf(resource.id);
    const plan = resource.name.split('/').pop()?.toLowerCase();
    return (
      subscription !== undefined &&
      requiredPlans(subscription, context).some((required) => required.toLowerCase() === plan)
    );
  }
  return false;
}

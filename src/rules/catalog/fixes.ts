// Builders for the FixSteps the catalog's `fix` functions return (issue 6). The `settings` of each `create` kind are
// fixed here, in one place, because the writers (src/remediate/{arm,bicep,terraform,az}.ts) read them:
//
//   private-endpoint         { groupId, privateDnsZone, target? }        input subnetId (which subnet: a human choice);
//                            `target` is the id of the private link resource when not the subject (a FHIR service's
//                            Health Data Services workspace)
//   diagnostic-setting       { name, workspaceId?, logs: [{ categoryGroup } | { category }], target? }
//                            input workspaceId when .phiguard.yaml logging.audit_workspace_ids is empty; `target` is a
//                            sub-resource of the subject (`blobServices/default`) or `subscription` (the activity log
//                            of the subject's subscription), else the subject itself
//   sql-auditing             { workspaceId?, retentionDays, auditActionsAndGroups }   state Enabled, Azure Monitor
//                            target on; input as diagnostic-setting. Server auditing for a server subject, database
//                            auditing for a database; a declared auditingSettings child is edited rather than added.
//                            retentionDays applies to a storage destination (0 = forever). With the workspace, also
//                            the diagnostic setting on the master database (category SQLSecurityAuditEvents) that
//                            carries the records there
//   log-analytics-table-retention { table, totalRetentionInDays }      a workspaces/tables child of the subject
//                            workspace; a declared table resource is edited rather than added
//   customer-managed-key     { consumer, keyName, keyType, keySize, roleDefinitionId }   Key Vault (purge protection,
//                            soft delete 90 days), RSA key, user-assigned identity, role assignment, wired to the subject
//   nsg-deny-rule            ARM securityRule properties + name: { name, priority, direction, access, protocol,
//                            sourceAddressPrefix, sourcePortRange, destinationAddressPrefix, destinationPortRanges }
//   defender-plan            { pricingName, subPlan?, extensions? }      Microsoft.Security/pricings at the subscription
//   blob-service-properties  ARM blobServices/default properties to set (deleteRetentionPolicy, isVersioningEnabled...)
//   lifecycle-policy         { rules }: ARM managementPolicies policy.rules to add
//   resource-lock            { level, notes }
import type { Config } from '../../core/config.js';
import type { Resource, Value, ValueObject } from '../../core/types.js';
import { DEFAULTS, readWithDefaults } from '../defaults.js';
import type { FixContext, FixStep, RuleContext } from '../define.js';

export function set(path: string, value: Value, note?: string): FixStep {
  return note === undefined ? { kind: 'set', path, value } : { kind: 'set', path, value, note };
}

/** A `set` on a related resource that holds the failing value (a config/web child, a policy child). */
export function setOn(resource: Resource, path: string, value: Value, note?: string): FixStep {
  return { ...set(path, value, note), resource: resource.id } as FixStep;
}

export function remove(path: string, note?: string): FixStep {
  return note === undefined ? { kind: 'remove', path } : { kind: 'remove', path, note };
}

/** A `remove` on a related resource that holds the failing value. */
export function removeOn(resource: Resource, path: string, note?: string): FixStep {
  return { ...remove(path, note), resource: resource.id } as FixStep;
}

export function manual(why: string): FixStep {
  return { kind: 'manual', why };
}

export function deleteResource(note: string): FixStep {
  return { kind: 'delete-resource', note };
}

/** A private endpoint to the subject's `groupId` sub-resource with its privatelink DNS zone group. */
export function privateEndpoint(groupId: string, privateDnsZone: string): FixStep {
  return {
    kind: 'create',
    resource: 'private-endpoint',
    settings: { groupId, privateDnsZone },
    inputs: [
      {
        name: 'subnetId',
        why: `the subnet the private endpoint for ${groupId} gets its IP address in (a virtual network the clients reach)`,
      },
    ],
  };
}

const WORKSPACE_WHY =
  'the Log Analytics workspace that keeps the PHI audit trail (set logging.audit_workspace_ids in .phiguard.yaml to stop being asked)';

/** The audit workspace from the config, or the input that asks for one. */
function workspace(config: Config): { settings: ValueObject; inputs?: { name: string; why: string }[] } {
  const workspaceId = config.logging.auditWorkspaceIds[0];
  return workspaceId === undefined
    ? { settings: {}, inputs: [{ name: 'workspaceId', why: WORKSPACE_WHY }] }
    : { settings: { workspaceId } };
}

export type LogSelector = { categoryGroup: string } | { category: string };

/** A diagnostic setting sending `logs` to the audit workspace. */
export function diagnosticSetting(
  config: Config,
  name: string,
  logs: LogSelector[],
  options: { target?: string; metrics?: boolean } = {},
): FixStep {
  const destination = workspace(config);
  const settings: ValueObject = { name, ...destination.settings, logs: logs.map((log) => ({ ...log })) };
  if (options.target) settings.target = options.target;
  if (options.metrics) settings.metrics = true;
  return {
    kind: 'create',
    resource: 'diagnostic-setting',
    settings,
    ...(destination.inputs && { inputs: destination.inputs }),
  };
}

/** Audit action groups Microsoft documents as the default set for SQL auditing. */
export const SQL_AUDIT_GROUPS = [
  'SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP',
  'FAILED_DATABASE_AUTHENTICATION_GROUP',
  'BATCH_COMPLETED_GROUP',
];

/** Server auditing to the audit workspace (Azure Monitor target) keeping records `retentionDays` (0: forever). */
export function sqlAuditing(config: Config, retentionDays: number): FixStep {
  const destination = workspace(config);
  return {
    kind: 'create',
    resource: 'sql-auditing',
    settings: { ...destination.settings, retentionDays, auditActionsAndGroups: [...SQL_AUDIT_GROUPS] },
    ...(destination.inputs && { inputs: destination.inputs }),
  };
}

export function logTableRetention(table: string, totalRetentionInDays: number): FixStep {
  return { kind: 'create', resource: 'log-analytics-table-retention', settings: { table, totalRetentionInDays } };
}

/** Key Vault Crypto Service Encryption User: wrap/unwrap for service encryption (Azure built-in role). */
export const CRYPTO_SERVICE_ENCRYPTION_USER = 'e147488a-f6f5-4113-8e2d-b22465e65bf6';

/**
 * A customer-managed key for `consumer` (the subject's kind: `storage-account`, `sql-server`, `disk`,
 * `backup-vault`...), wired to the subject by the writer.
 */
export function customerManagedKey(consumer: string, keyName: string): FixStep {
  return {
    kind: 'create',
    resource: 'customer-managed-key',
    // RSA 3072 is the size storage, SQL TDE and disk encryption sets all accept (2048 is their minimum).
    settings: { consumer, keyName, keyType: 'RSA', keySize: 3072, roleDefinitionId: CRYPTO_SERVICE_ENCRYPTION_USER },
  };
}

export function defenderPlan(pricingName: string, subPlan?: string, extensions?: string[]): FixStep {
  const settings: ValueObject = { pricingName };
  if (subPlan) settings.subPlan = subPlan;
  if (extensions) settings.extensions = extensions.map((name) => ({ name, isEnabled: 'True' }));
  return { kind: 'create', resource: 'defender-plan', settings };
}

export function nsgDenyRule(rule: ValueObject): FixStep {
  return { kind: 'create', resource: 'nsg-deny-rule', settings: rule };
}

export function blobServiceProperties(properties: ValueObject): FixStep {
  return { kind: 'create', resource: 'blob-service-properties', settings: properties };
}

export function lifecyclePolicy(rules: ValueObject[]): FixStep {
  return { kind: 'create', resource: 'lifecycle-policy', settings: { rules } };
}

/** The last segment of a resource name (`sa/default/c` -> `c`), for names of resources a fix adds. */
export function leafName(name: string): string {
  return name.split('/').pop() ?? name;
}

/**
 * The reads a check makes, for a fix that must look at related resources the way the check did. Classification is
 * not re-run: the finding being fixed already decided the subject is in scope.
 */
export function ruleContext(context: FixContext): RuleContext {
  return {
    read: (resource, path) => readWithDefaults(resource, path, DEFAULTS),
    inventory: context.inventory,
    config: context.config,
    isPhi: () => true,
  };
}

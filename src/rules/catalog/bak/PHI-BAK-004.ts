import { asBoolean } from '../../../core/path.js';
import type { Outcome, Resource, Value } from '../../../core/types.js';
import { defineRule, failAt, notApplicable, pass, type RuleContext } from '../../define.js';
import { manual, set, setOn } from '../fixes.js';
import { accountPolicy, auditDestination, isAuditContainer, policyProblems } from './audit.js';
import {
  ancestorOf,
  BLOB_SERVICE,
  CONTAINER,
  childrenOf,
  containersOfAccount,
  IMMUTABILITY_POLICY,
  isType,
  STORAGE_ACCOUNT,
  STORAGE_SWAGGER,
  shortName,
} from './shared.js';

const CONTAINER_APPEND = ['allowProtectedAppendWrites', 'allowProtectedAppendWritesAll'];

function expected(context: RuleContext): string {
  return `a Locked time-based immutability policy of at least ${context.config.retention.auditLogs.minDays} days with protected append writes`;
}

function checkAccount(account: Resource, context: RuleContext): Outcome | Outcome[] {
  const reason = auditDestination(account, context);
  if (!reason) return notApplicable('not an audit-log destination in the scan or logging.audit_storage_accounts');
  const policy = accountPolicy(account, context);
  if (policy.kind === 'compliant') {
    return pass('properties.immutableStorageWithVersioning', 'account-level policy covers every container');
  }
  const containers = containersOfAccount(account, context.inventory).filter((c) => isAuditContainer(c.id, context));
  if (containers.length > 0) {
    return notApplicable(`evaluated on its audit container(s) ${containers.map(shortName).join(', ')}`);
  }
  if (policy.kind === 'problems') return policy.outcomes;
  const { enabled } = policy;
  return failAt(enabled.path, {
    expected: expected(context),
    actual: enabled.value ?? undefined,
    at: enabled.at ?? account.at,
    because: enabled.state === 'default' ? enabled.because : undefined,
    message: `Audit-log storage account (${reason}) has no account-level immutability policy and none of its audit containers is in the scan: audit logs can be deleted or altered. Azure Monitor creates its containers at runtime, so only an account-level default policy (immutableStorageWithVersioning) covers them`,
  });
}

function checkContainer(container: Resource, context: RuleContext): Outcome | Outcome[] {
  if (!isAuditContainer(container.id, context)) return notApplicable('not an audit-log container');
  const account = ancestorOf(container, STORAGE_ACCOUNT, context.inventory);
  const accountLevel = account ? accountPolicy(account, context) : undefined;
  if (accountLevel?.kind === 'compliant') {
    return pass('properties.immutableStorageWithVersioning', 'covered by the account-level immutability policy');
  }
  const policies = childrenOf(container, IMMUTABILITY_POLICY, context.inventory);
  if (policies.length === 0) {
    const held = ['properties.legalHold.hasLegalHold', 'properties.hasLegalHold'].some((path) => {
      const hold = context.read(container, path);
      return hold.state !== 'unknown' && asBoolean(hold.value) === true;
    });
    return failAt('immutabilityPolicies/default', {
      expected: expected(context),
      at: container.at,
      message: `Audit-log container ${shortName(container)} has no time-based immutability policy${held ? ' (a legal hold alone does not count: it has no retention period and can be cleared)' : ''}: audit logs can be deleted or altered before the ${context.config.retention.auditLogs.minDays}-day audit-log retention in your retention schedule (.phiguard.yaml)`,
    });
  }
  return checkPolicy(policies[0], context);
}

function checkPolicy(policy: Resource, context: RuleContext): Outcome | Outcome[] {
  const problems = policyProblems(policy, 'properties', context, CONTAINER_APPEND);
  if (problems.length > 0) return problems;
  const period = context.read(policy, 'properties.immutabilityPeriodSinceCreationInDays');
  return pass(period.path, period.state === 'unknown' ? undefined : (period.value ?? undefined));
}

export default defineRule({
  id: 'PHI-BAK-004',
  title: 'Audit-log storage container lacks a locked time-based immutability policy covering the retention period',
  severity: 'medium',
  pattern: 6,
  hipaa: [
    { cite: '164.312(c)(1)', type: 'R' },
    { cite: '164.312(b)', type: 'R' },
    { cite: '164.316(b)(2)(i)', type: 'R' },
  ],
  phiScoped: false,
  types: [STORAGE_ACCOUNT, CONTAINER, IMMUTABILITY_POLICY],
  // Accounts wait for their blob service so that every container stub is known; containers wait for their policy.
  children: [BLOB_SERVICE, IMMUTABILITY_POLICY],
  policies: [],
  remediation: {
    az: 'az storage container immutability-policy create --account-name "$SA" -g "$RG" -c "$C" --period 2191 --allow-protected-append-writes true\naz storage container immutability-policy lock --account-name "$SA" -g "$RG" -c "$C" --if-match "$ETAG"',
    arm: '{"type": "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies", "name": "<sa>/default/<container>/default", "properties": {"immutabilityPeriodSinceCreationInDays": 2191, "allowProtectedAppendWrites": true}}',
    bicep:
      "resource worm 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2025-06-01' = {\n  parent: auditContainer\n  name: 'default'\n  properties: {\n    immutabilityPeriodSinceCreationInDays: 2191\n    allowProtectedAppendWrites: true\n  }\n}\n// then lock it: az storage container immutability-policy lock ...",
    terraform:
      'resource "azurerm_storage_container_immutability_policy" "audit" { storage_container_resource_manager_id = azurerm_storage_container.audit.resource_manager_id\n  immutability_period_in_days = 2191 protected_append_writes_enabled = true locked = true }',
    note: 'Locking is irreversible: a Locked policy can only be extended and the account cannot be deleted while immutable blobs exist. Validate in Unlocked state first.',
  },
  docs: {
    evaluation:
      'Audit-log destinations are storage accounts listed in logging.audit_storage_accounts, targets (storageAccountId) of diagnostic settings on PHI resources or the activity log (subscription scope), SQL auditing storageEndpoint hosts, Log Analytics dataExports destinations, and accounts holding audit containers. Audit containers are insights-logs-*, insights-activity-logs, sqldbauditlogs and am-* (every container of an account listed in logging.audit_storage_accounts). A container passes when its immutabilityPolicies/default has immutabilityPeriodSinceCreationInDays >= retention.audit_logs.min_days, state Locked (Unlocked fails while retention.audit_logs.require_locked_immutability is true) and allowProtectedAppendWrites or allowProtectedAppendWritesAll true (diagnostic logs are append blobs), or when the account has immutableStorageWithVersioning enabled with an immutabilityPolicy meeting the same period, state and append conditions. An audit account whose containers are not in the scan (Azure Monitor creates them at runtime) is evaluated on the account-level policy.',
    absent:
      'No policy -> fail; a legal hold alone does not count. Templates cannot lock a policy (state is read-only; locking is a separate action), so a template policy without state is Unlocked.',
    unresolvable: 'An unresolved period, state or append flag -> needs review.',
    crossResource:
      'The audit-log maximum that would cap the period (PHI-BAK-010 logic for audit data) is not part of .phiguard.yaml (retention.audit_logs has no max), so it is not checked. Streamed snapshots do not keep diagnostic settings of other resources: there, destinations come from logging.audit_storage_accounts and audit container names.',
    references: [
      `${STORAGE_SWAGGER} ImmutabilityPolicyProperty.{immutabilityPeriodSinceCreationInDays,state,allowProtectedAppendWrites,allowProtectedAppendWritesAll}; AccountImmutabilityPolicyProperties ("Locked state only allows the increase of the immutability retention time")`,
      'hashicorp/terraform-provider-azurerm storage_container_immutability_policy; storage_account immutability_policy',
      'controls.md E1 (immutable export for a 6-year trail), F4; payloads/storage_container_immutability_policy_get_2025-06-01.json (5 days, Unlocked)',
    ],
  },
  fix(resource, { path, config, inventory }) {
    const { minDays } = config.retention.auditLogs;
    // A container's findings are read from its immutabilityPolicies/default child: the steps edit that child.
    const policy = isType(resource, CONTAINER) ? childrenOf(resource, IMMUTABILITY_POLICY, inventory)[0] : undefined;
    const edit = (field: string, value: Value, note?: string) =>
      policy ? setOn(policy, field, value, note) : set(field, value, note);
    if (
      path.endsWith('.immutabilityPeriodSinceCreationInDays') ||
      path === 'properties.immutabilityPeriodSinceCreationInDays'
    ) {
      return [edit(path, minDays, 'once the policy is Locked the period can only be extended, never shortened')];
    }
    if (path.endsWith('allowProtectedAppendWrites')) return [edit(path, true)];
    const lock =
      'then lock it (az storage container immutability-policy lock; templates cannot lock). Locking is irreversible: the period can only be extended and the account cannot be deleted while immutable blobs exist, so validate the policy Unlocked first';
    if (path.endsWith('state')) return [manual(`Lock the immutability policy: ${lock}.`)];
    return [
      manual(
        `Add a time-based immutability policy of ${minDays} days with protected append writes to the audit-log container (or account-level immutableStorageWithVersioning for containers Azure Monitor creates at runtime), ${lock}. Decide who may lock it.`,
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, STORAGE_ACCOUNT)) return checkAccount(resource, context);
    if (isType(resource, CONTAINER)) return checkContainer(resource, context);
    const container = context.inventory.related(resource, 'parent')[0];
    if (container) return notApplicable('evaluated on its container');
    if (!isAuditContainer(resource.id, context)) return notApplicable('not the policy of an audit-log container');
    return checkPolicy(resource, context);
  },
});

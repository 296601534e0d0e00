import { lookup, sameText } from '../../../core/path.js';
import { type Outcome, type Resource, Unresolved } from '../../../core/types.js';
import { defineRule, fail, notApplicable, pass, type RuleContext, unknown } from '../../define.js';
import { manual, set } from '../fixes.js';
import { blobScopes, storageAccountName } from './schedule.js';
import {
  childrenOf,
  containersOfAccount,
  describeValue,
  isType,
  lowerLocation,
  OBJECT_REPLICATION,
  STORAGE_ACCOUNT,
  STORAGE_SWAGGER,
  shortName,
} from './shared.js';

const GEO_SKUS = ['Standard_GRS', 'Standard_RAGRS', 'Standard_GZRS', 'Standard_RAGZRS'];

function sameAccount(reference: unknown, account: Resource): boolean {
  if (typeof reference !== 'string') return false;
  const ref = reference.toLowerCase();
  return ref === account.id.toLowerCase() || ref === shortName(account).toLowerCase();
}

/** The storage account an object replication policy names (full id, or a bare name within the scan). */
function findAccount(reference: string, context: RuleContext): Resource | undefined {
  const byId = context.inventory.byId(reference);
  if (byId) return byId;
  return context.inventory
    .byType(STORAGE_ACCOUNT)
    .find((account) => shortName(account).toLowerCase() === reference.toLowerCase());
}

/**
 * Whether object replication from `account` keeps a copy of its PHI containers in another region: pass, fail
 * (replication absent or same region), or unknown (destination not in the scan or its region unresolved).
 */
function replication(account: Resource, context: RuleContext): { outcome?: Outcome; note?: string } {
  const policies = childrenOf(account, OBJECT_REPLICATION, context.inventory).filter((policy) => {
    const source = lookup(policy, 'properties.sourceAccount');
    return source.kind === 'present' && sameAccount(source.value, account);
  });
  if (policies.length === 0) return {};
  const region = context.read(account, 'location');
  const name = storageAccountName(account.id) ?? shortName(account);
  const phiContainers = phiContainerNames(account, name, context);
  let blocked: Outcome | undefined;
  const sameRegion: string[] = [];
  for (const policy of policies) {
    const destination = context.read(policy, 'properties.destinationAccount');
    if (destination.state === 'unknown') {
      blocked ??= unknown(destination);
      continue;
    }
    if (typeof destination.value !== 'string') continue;
    const target = findAccount(destination.value, context);
    const targetRegion = target ? context.read(target, 'location') : undefined;
    if (!target || !targetRegion || targetRegion.state === 'unknown' || region.state === 'unknown') {
      blocked ??= unknown(
        { path: destination.path, expression: destination.value, at: destination.at },
        `object replication to ${destination.value}: the destination account's region is not known from the scan`,
      );
      continue;
    }
    const from = lowerLocation(region.value);
    const to = lowerLocation(targetRegion.value);
    if (!from || !to) {
      blocked ??= unknown(
        { path: 'location', expression: describeValue(targetRegion.value), at: destination.at },
        'the region of the source or destination account is not set',
      );
      continue;
    }
    if (from === to) {
      sameRegion.push(shortName(target));
      continue;
    }
    const covered = replicatedContainers(policy, context);
    if (covered === undefined) {
      blocked ??= unknown(
        {
          path: 'objectReplicationPolicies: properties.rules',
          expression: 'unresolved container names',
          at: policy.at,
        },
        'which containers the object replication policy copies cannot be resolved',
      );
      continue;
    }
    const missing = phiContainers.filter((c) => !covered.includes(c));
    if (missing.length === 0) {
      return {
        outcome: pass('properties.sourceAccount', `object replication to ${shortName(target)} (${to})`),
      };
    }
    return {
      note: `object replication to ${shortName(target)} (${to}) does not copy container(s) ${missing.join(', ')}`,
    };
  }
  if (blocked) return { outcome: blocked };
  return sameRegion.length > 0
    ? { note: `object replication goes to ${sameRegion.join(', ')} in the same region` }
    : {};
}

/** Containers of the account that hold PHI: those a data class names, else every container in the scan. */
function phiContainerNames(account: Resource, name: string, context: RuleContext): string[] {
  const named = blobScopes(account, name, context.config, true)
    .map((scope) => scope.container)
    .filter((container): container is string => container !== undefined);
  if (named.length > 0) return [...new Set(named)];
  return containersOfAccount(account, context.inventory).map((container) => shortName(container).toLowerCase());
}

function replicatedContainers(policy: Resource, context: RuleContext): string[] | undefined {
  const rules = context.read(policy, 'properties.rules');
  if (rules.state === 'unknown') return undefined;
  if (!Array.isArray(rules.value)) return [];
  const names: string[] = [];
  for (let i = 0; i < rules.value.length; i++) {
    const source = context.read(policy, `properties.rules.${i}.sourceContainer`);
    if (source.state === 'unknown' || source.value instanceof Unresolved) return undefined;
    if (typeof source.value === 'string') names.push(source.value.toLowerCase());
  }
  return names;
}

export default defineRule({
  id: 'PHI-BAK-001',
  title: 'PHI storage account is not geo-redundant',
  severity: 'low',
  pattern: 6,
  hipaa: [
    { cite: '164.308(a)(7)(ii)(B)', type: 'R' },
    { cite: '164.308(a)(7)(ii)(A)', type: 'R' },
    { cite: '164.310(d)(2)(iv)', type: 'A' },
  ],
  phiScoped: true,
  types: [STORAGE_ACCOUNT, OBJECT_REPLICATION],
  children: [OBJECT_REPLICATION],
  policies: [
    {
      id: 'bf045164-79ba-4215-8f95-f8048dc1780b',
      name: 'Geo-redundant storage should be enabled for Storage Accounts',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --sku Standard_RAGRS',
    arm: '{"sku": {"name": "Standard_RAGRS"}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  sku: { name: 'Standard_RAGRS' }\n}",
    terraform: 'account_replication_type = "RAGRS"',
    note: 'LRS->GRS/RA-GRS is an in-place update (initial geo sync takes time); LRS/ZRS->GZRS needs a conversion request or migration.',
  },
  docs: {
    evaluation:
      'Reads the top-level sku.name of a PHI storage account (not under properties). Standard_GRS, Standard_RAGRS, Standard_GZRS and Standard_RAGZRS pass. Standard_LRS, Standard_ZRS (zone- but not geo-redundant) and Premium_LRS/Premium_ZRS fail, unless an object replication policy of the account (objectReplicationPolicies child whose sourceAccount is this account) copies its PHI containers to an account in another region: the containers a retention data class names for the account, else every container in the scan. Premium block blob accounts cannot be GRS, so object replication is their only geo copy.',
    absent: 'sku is required: an absent sku.name -> needs review.',
    unresolvable:
      'An unresolved sku.name (e.g. "[parameters(\'storageAccountType\')]" without a value) -> needs review. Object replication to an account outside the scan, or whose region is unresolved -> needs review.',
    crossResource:
      'Object replication policies are evidence on their source account (the policy resource itself is not a subject). A geo copy is a second copy of PHI in another region: PHI-STG-007 (CMK) and PHI-LOG-004 apply to it equally.',
    references: [
      `${STORAGE_SWAGGER} Sku.name; ObjectReplicationPolicyProperties.{sourceAccount,destinationAccount,rules[].sourceContainer}`,
      'Azure/azure-policy built-in bf045164-79ba-4215-8f95-f8048dc1780b (Audit, Disabled)',
      'hashicorp/terraform-provider-azurerm storage_account account_replication_type; storage_object_replication',
      'controls.md A10; payloads/storage_account_get_2025-06-01.json (Standard_GRS)',
    ],
  },
  fix(_account, { actual }) {
    const sku = typeof actual === 'string' ? actual : '';
    if (/^premium/i.test(sku)) {
      return [
        manual(
          `Premium storage (${sku}) cannot be geo-redundant: replicate the PHI containers to an account in another region with object replication, or migrate to a Standard geo-redundant account. Decide the secondary region and whether the performance tier is still needed.`,
        ),
      ];
    }
    if (/zrs$/i.test(sku)) {
      return [
        set(
          'sku.name',
          'Standard_RAGZRS',
          'ZRS to GZRS is a conversion (customer-initiated, not an in-place SKU change on every account); the initial geo sync takes time and the secondary region is billed',
        ),
      ];
    }
    return [
      set(
        'sku.name',
        'Standard_RAGRS',
        'an in-place change; the initial geo sync takes time and the secondary region is billed',
      ),
    ];
  },
  check(resource, context) {
    if (isType(resource, OBJECT_REPLICATION)) {
      return notApplicable('an object replication policy is evidence for its source account, which is the subject');
    }
    const sku = context.read(resource, 'sku.name');
    if (sku.state === 'unknown') return unknown(sku);
    if (sku.value === undefined) {
      return unknown(
        { path: sku.path, expression: 'sku.name absent', at: sku.at },
        'sku.name is required and absent, so the replication type cannot be determined',
      );
    }
    if (GEO_SKUS.some((name) => sameText(sku.value, name))) return pass(sku.path, sku.value);
    const { outcome, note } = replication(resource, context);
    if (outcome) return outcome;
    const premium = typeof sku.value === 'string' && sku.value.toLowerCase().startsWith('premium');
    const base = premium
      ? `SKU ${describeValue(sku.value)} keeps every copy of this PHI in one region (Premium accounts cannot be geo-redundant; replicate the PHI containers to another region with object replication)`
      : `SKU ${describeValue(sku.value)} keeps every copy of this PHI in one region: a regional outage loses access to it and a regional disaster can lose it`;
    return fail(sku, {
      expected:
        'Standard_GRS, Standard_RAGRS, Standard_GZRS or Standard_RAGZRS (or object replication to another region)',
      message: note ? `${base}; ${note}` : base,
    });
  },
});

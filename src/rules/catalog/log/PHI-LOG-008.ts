import { asBoolean, getKey, isObject, lookup, sameText } from '../../../core/path.js';
import type { Outcome, Resource, Value } from '../../../core/types.js';
import { defineRule, fail, failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import { DEFENDER_PLANS, phiCensus, requiredPlans, subscriptionOf } from '../../propagate.js';
import { manual, set, setOn } from '../fixes.js';
import { absentBlocker, blockerMessage } from '../net/tri.js';
import { PRICING, STORAGE_ACCOUNT, STORAGE_DEFENDER_SETTINGS } from './shared.js';

const STORAGE_EXTENSIONS = ['OnUploadMalwareScanning', 'SensitiveDataDiscovery'];
const PRICING_SWAGGER =
  'Azure/azure-rest-api-specs specification/security/resource-manager/Microsoft.Security/stable/2024-01-01/pricings.json (pricingTier Free | Standard, subPlan, extensions[].isEnabled "True"/"False")';

function planName(pricing: Resource): string {
  return pricing.name.split('/').pop() ?? pricing.name;
}

/** PHI types present that make the plan required, for the message. */
function why(plan: string, subscription: string, context: RuleContext): string {
  const present = phiCensus(context).get(subscription) ?? new Set<string>();
  const types = (Object.entries(DEFENDER_PLANS).find(([name]) => sameText(name, plan))?.[1] ?? []).filter((t) =>
    present.has(t.toLowerCase()),
  );
  if (context.config.defender.requiredPlans !== 'auto') return 'listed in defender.required_plans';
  return types.length ? `PHI ${types.join(', ')} in the subscription` : 'PHI resources in the subscription';
}

/** Defender for Storage: the V2 plan with malware scanning and sensitive data discovery (Azure Policy 640d2586). */
function storagePlan(pricing: Resource, context: RuleContext, reason: string): Outcome[] {
  const outcomes: Outcome[] = [];
  const subPlan = context.read(pricing, 'properties.subPlan');
  if (subPlan.state === 'unknown') return [unknown(subPlan)];
  if (!sameText(subPlan.value, 'DefenderForStorageV2')) {
    outcomes.push(
      fail(subPlan, {
        expected: 'DefenderForStorageV2',
        message: `Defender for Storage uses sub-plan ${subPlan.value === undefined ? '(none)' : String(subPlan.value)}, not DefenderForStorageV2 (the legacy per-transaction plan has no malware scanning or sensitive data discovery); required by ${reason}`,
      }),
    );
  }
  const extensions = context.read(pricing, 'properties.extensions');
  if (extensions.state === 'unknown') return [...outcomes, unknown(extensions)];
  if (extensions.value === undefined) {
    outcomes.push(
      fail(extensions, {
        expected: `${STORAGE_EXTENSIONS.join(' and ')} isEnabled "True"`,
        message: `Defender for Storage extensions ${STORAGE_EXTENSIONS.join(' and ')} are not set`,
      }),
    );
    return outcomes;
  }
  const list = Array.isArray(extensions.value) ? extensions.value : [];
  for (const name of STORAGE_EXTENSIONS) {
    const index = list.findIndex((e) => isObject(e) && sameText(getKey(e, 'name'), name));
    const enabled = index >= 0 ? context.read(pricing, `properties.extensions.${index}.isEnabled`) : undefined;
    if (enabled?.state === 'unknown') {
      outcomes.push(unknown(enabled));
      continue;
    }
    if (enabled && asBoolean(enabled.value) === true) continue;
    outcomes.push(
      failAt(enabled?.path ?? 'properties.extensions', {
        expected: `${name} isEnabled "True"`,
        actual: enabled?.value,
        at: enabled?.at ?? extensions.at,
        message: `Defender for Storage extension ${name} is ${enabled ? 'disabled' : 'not enabled'}; required by ${reason}`,
      }),
    );
  }
  return outcomes;
}

/** Per-account overrides (defenderForStorageSettings/current) that switch protection off for a PHI account. */
function storageOverrides(subscription: string, context: RuleContext): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const override of context.inventory.byType(STORAGE_DEFENDER_SETTINGS)) {
    if (!override.scope || subscriptionOf(override.scope) !== subscription) continue;
    const account = context.inventory.byId(override.scope);
    if (!account || !sameText(account.type, STORAGE_ACCOUNT) || !context.isPhi(account)) continue;
    const enabled = context.read(override, 'properties.isEnabled');
    if (enabled.state === 'unknown') {
      outcomes.push(unknown({ ...enabled, path: `defenderForStorageSettings(${account.name}).${enabled.path}` }));
      continue;
    }
    // The account's settings apply only when they override the subscription's.
    const overrides = context.read(override, 'properties.overrideSubscriptionLevelSettings');
    if (asBoolean(enabled.value) === false && overrides.state !== 'unknown' && asBoolean(overrides.value) === true) {
      outcomes.push(
        failAt(`defenderForStorageSettings(${account.name}).properties.isEnabled`, {
          expected: 'true (or no override)',
          actual: enabled.value,
          at: enabled.at ?? override.at,
          message: `PHI storage account '${account.name}' overrides the subscription plan and switches Defender for Storage off`,
        }),
      );
    }
  }
  return outcomes;
}

export default defineRule({
  id: 'PHI-LOG-008',
  title: 'Microsoft Defender for Cloud plan not enabled for PHI workload types',
  severity: 'medium',
  pattern: 5,
  hipaa: [
    { cite: '164.308(a)(1)(ii)(D)', type: 'R' },
    { cite: '164.308(a)(5)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(6)(ii)', type: 'R' },
    { cite: '164.308(a)(1)(ii)(A)', type: 'R' },
  ],
  phiScoped: true,
  types: [PRICING],
  related: {
    types: [PRICING, STORAGE_DEFENDER_SETTINGS],
    phiCensus: true,
    keep: ['pricingTier', 'subPlan', 'extensions'],
  },
  policies: [
    {
      id: '640d2586-54d2-465f-877f-9ffc1d2109f4',
      name: 'Microsoft Defender for Storage should be enabled',
      relation:
        'equivalent (storage; requires DefenderForStorageV2 + OnUploadMalwareScanning + SensitiveDataDiscovery)',
    },
    {
      id: '7fe3b40f-802b-4cdd-8bd4-fd799c948cc2',
      name: 'Azure Defender for Azure SQL Database servers should be enabled',
      relation: 'equivalent (SQL)',
    },
    {
      id: '0a9fbe0d-c5c4-4da8-87d8-f4fd77338835',
      name: 'Azure Defender for open-source relational databases should be enabled',
      relation: 'equivalent',
    },
    {
      id: 'adbe85b5-83e6-4350-ab58-bf3a4f736e5e',
      name: 'Microsoft Defender for Azure Cosmos DB should be enabled',
      relation: 'equivalent',
    },
    {
      id: '4da35fc9-c9e7-4960-aec9-797fe7d9051d',
      name: 'Azure Defender for servers should be enabled',
      relation: 'equivalent',
    },
    {
      id: '0e6763cc-5078-4e64-889d-ff4d9a839047',
      name: 'Azure Defender for Key Vault should be enabled',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az security pricing create -n StorageAccounts --tier standard --subplan DefenderForStorageV2\naz security pricing create -n SqlServers --tier standard\naz security pricing create -n OpenSourceRelationalDatabases --tier standard\naz security pricing create -n VirtualMachines --tier standard --subplan P2',
    arm: '{"type": "Microsoft.Security/pricings", "name": "StorageAccounts", "properties": {"pricingTier": "Standard", "subPlan": "DefenderForStorageV2", "extensions": [{"name": "OnUploadMalwareScanning", "isEnabled": "True"}, {"name": "SensitiveDataDiscovery", "isEnabled": "True"}]}}',
    bicep:
      "targetScope = 'subscription'\nresource storagePlan 'Microsoft.Security/pricings@2024-01-01' = {\n  name: 'StorageAccounts'\n  properties: {\n    pricingTier: 'Standard'\n    subPlan: 'DefenderForStorageV2'\n    extensions: [\n      { name: 'OnUploadMalwareScanning', isEnabled: 'True' }\n      { name: 'SensitiveDataDiscovery', isEnabled: 'True' }\n    ]\n  }\n}",
    terraform:
      'resource "azurerm_security_center_subscription_pricing" "storage" { tier = "Standard" resource_type = "StorageAccounts" subplan = "DefenderForStorageV2"\n  extension { name = "OnUploadMalwareScanning" } extension { name = "SensitiveDataDiscovery" } }',
    note: 'Billed per resource/transaction; enabling is non-disruptive. Sensitive data discovery also helps classification (which stores hold PHI).',
  },
  docs: {
    evaluation:
      'Subject: a subscription-scope Microsoft.Security/pricings/{plan}. It is in PHI scope when the plan is required: defender.required_plans lists it (and the subscription holds PHI), or with "auto" a PHI resource of a type the plan protects is in the subscription (StorageAccounts: storage accounts; SqlServers: SQL servers and managed instances; SqlServerVirtualMachines; OpenSourceRelationalDatabases: PostgreSQL/MySQL; CosmosDbs; VirtualMachines: VMs and scale sets; KeyVaults; AppServices: web apps; Api: API Management; Arm: any PHI). A required plan passes with pricingTier Standard; StorageAccounts also needs subPlan DefenderForStorageV2 with extensions OnUploadMalwareScanning and SensitiveDataDiscovery isEnabled "True". A PHI storage account whose defenderForStorageSettings override switches protection off fails on the StorageAccounts plan.',
    absent:
      'pricingTier absent -> needs review (required by the API). StorageAccounts extensions absent: templates -> not pinned -> fail; live -> none enabled -> fail. A live subscription lists every plan, Free ones included, so a missing plan shows as pricingTier Free. Templates without a pricing resource have no subject here (plans are usually set centrally).',
    unresolvable: 'An unresolved tier, sub-plan or extension state -> needs review.',
    crossResource:
      'PHI resources present per subscription (classification); Microsoft.Security/defenderForStorageSettings on PHI accounts.',
    references: [
      PRICING_SWAGGER,
      'payloads/defender_pricing_get_virtualmachines_2024-01-01.json (VirtualMachines Standard P2)',
      'controls.md E6',
      'Azure/azure-policy built-ins 640d2586, 7fe3b40f, 0a9fbe0d, adbe85b5, 4da35fc9, 0e6763cc (AuditIfNotExists)',
      'hashicorp/terraform-provider-azurerm security_center_subscription_pricing (tier, resource_type, subplan, extension)',
    ],
  },
  fix(pricing, { path, inventory }) {
    if (path === 'properties.pricingTier') {
      const steps = [set(path, 'Standard', 'billed per protected resource or transaction; enabling is non-disruptive')];
      if (sameText(planName(pricing), 'StorageAccounts')) {
        steps.push(
          set('properties.subPlan', 'DefenderForStorageV2'),
          set('properties.extensions', storageExtensions(pricing)),
        );
      }
      return steps;
    }
    if (path === 'properties.subPlan') return [set(path, 'DefenderForStorageV2')];
    if (path === 'properties.extensions') return [set(path, storageExtensions(pricing))];
    if (/^properties\.extensions\.\d+\.isEnabled$/.test(path)) return [set(path, 'True')];
    const override = /^defenderForStorageSettings\((.*)\)\.properties\.isEnabled$/.exec(path);
    const setting = override
      ? inventory
          .byType(STORAGE_DEFENDER_SETTINGS)
          .find((candidate) => candidate.scope && inventory.byId(candidate.scope)?.name === override[1])
      : undefined;
    if (setting) {
      return [
        setOn(
          setting,
          'properties.isEnabled',
          true,
          'the account is protected (and billed) like the rest of the subscription',
        ),
      ];
    }
    return [
      manual(
        `A PHI storage account overrides the subscription's Defender for Storage plan and switches it off (${path}): remove the override (defenderForStorageSettings/current) or set its isEnabled true. It is a setting of the account, not of this plan.`,
      ),
    ];
  },
  check(pricing, context) {
    const subscription = subscriptionOf(pricing.id);
    const plan = planName(pricing);
    if (!subscription || !requiredPlans(subscription, context).some((p) => sameText(p, plan))) {
      return notApplicable('no PHI resource in the subscription needs this plan');
    }
    const reason = why(plan, subscription, context);
    const tier = context.read(pricing, 'properties.pricingTier');
    if (tier.state === 'unknown') return unknown(tier);
    if (tier.value === undefined) {
      const blocker = absentBlocker(tier);
      return unknown(blocker, blockerMessage(blocker));
    }
    if (!sameText(tier.value, 'Standard')) {
      return fail(tier, {
        expected: 'Standard',
        message: `Defender plan ${plan} is ${String(tier.value)} (not enabled); required by ${reason}`,
      });
    }
    if (!sameText(plan, 'StorageAccounts'))
      return { verdict: 'pass', path: tier.path, actual: tier.value, message: `Defender plan ${plan} is Standard` };
    const outcomes = [...storagePlan(pricing, context, reason), ...storageOverrides(subscription, context)];
    return outcomes.length > 0
      ? outcomes
      : {
          verdict: 'pass',
          path: tier.path,
          actual: tier.value,
          message: 'Defender for Storage V2 with malware scanning and sensitive data discovery',
        };
  },
});

/** The extensions list with malware scanning and sensitive data discovery on, other entries kept. */
function storageExtensions(pricing: Resource): Value[] {
  const current = lookup(pricing, 'properties.extensions');
  const others = (current.kind === 'present' && Array.isArray(current.value) ? current.value : []).filter(
    (entry) => !(isObject(entry) && STORAGE_EXTENSIONS.some((name) => sameText(getKey(entry, 'name'), name))),
  );
  return [...others, ...STORAGE_EXTENSIONS.map((name) => ({ name, isEnabled: 'True' }))];
}

import type { Inventory } from '../../../core/inventory.js';
import { parentId } from '../../../core/inventory.js';
import { getKey, isObject, lookup, sameText, toPlain } from '../../../core/path.js';
import { type Outcome, type Resource, type SourceLocation, Unresolved, type Value } from '../../../core/types.js';
import {
  defineRule,
  type FixStep,
  fail,
  failAt,
  type PathRead,
  pass,
  type RuleContext,
  unknown,
} from '../../define.js';
import { manual, remove, set } from '../fixes.js';
import {
  AZURERM_STORAGE_ACCOUNT,
  describeValue,
  idsEqual,
  STORAGE_ACCOUNT,
  STORAGE_PAYLOAD,
  STORAGE_SWAGGER,
} from './shared.js';

const NSP_ASSOCIATION = 'Microsoft.Network/networkSecurityPerimeters/resourceAssociations';
const NSP_ACCESS_RULE = 'Microsoft.Network/networkSecurityPerimeters/profiles/accessRules';

/** An address prefix that admits every address: `0.0.0.0/0`, `::/0`, any CIDR with prefix length 0. */
function isWholeInternet(value: Value | undefined): boolean {
  return typeof value === 'string' && /\/0$/.test(value.trim());
}

/** What the firewall (networkAcls) alone admits, before publicNetworkAccess is taken into account. */
type Firewall =
  | { kind: 'open'; read: PathRead; message: string; at?: SourceLocation }
  | { kind: 'closed'; read: PathRead }
  | { kind: 'unknown'; path: string; expression: string; at?: SourceLocation; message?: string };

function firewall(account: Resource, read: RuleContext['read']): Firewall {
  const acls = read(account, 'properties.networkAcls');
  if (acls.state === 'unknown') return { kind: 'unknown', path: acls.path, expression: acls.expression, at: acls.at };
  if (acls.value !== undefined && !isObject(acls.value)) {
    const expression = describeValue(acls.value);
    return {
      kind: 'unknown',
      path: acls.path,
      expression,
      at: acls.at,
      message: `networkAcls is ${expression}, not an object (malformed template)`,
    };
  }
  // Deny with a /0 rule admits everyone as surely as Allow does, so scan the rules before the default action.
  let pendingRule: Firewall | undefined;
  for (const list of ['ipRules', 'ipv6Rules']) {
    const rules = read(account, `properties.networkAcls.${list}`);
    if (rules.state === 'unknown') {
      pendingRule ??= { kind: 'unknown', path: rules.path, expression: rules.expression, at: rules.at };
      continue;
    }
    if (!Array.isArray(rules.value)) continue;
    for (let index = 0; index < rules.value.length; index++) {
      const rule = read(account, `properties.networkAcls.${list}.${index}.value`);
      if (rule.state === 'unknown') {
        // A person has to look this address up: say which one and what to check about it.
        pendingRule ??= {
          kind: 'unknown',
          path: rule.path,
          expression: rule.expression,
          at: rule.at,
          message: `networkAcls.${list}[${index}] allows ${rule.expression}, which is only known at deploy time: confirm it resolves to a single address or narrow range your organisation controls (not 0.0.0.0/0 or a shared egress range), then record the decision as a waiver`,
        };
      } else if (isWholeInternet(rule.value)) {
        return {
          kind: 'open',
          read: rule,
          message: `networkAcls.${list}[${index}] allows ${describeValue(rule.value)}: every internet address may connect`,
        };
      }
    }
  }
  const action = read(account, 'properties.networkAcls.defaultAction');
  if (action.state === 'unknown')
    return { kind: 'unknown', path: action.path, expression: action.expression, at: action.at };
  if (!sameText(action.value, 'Deny')) {
    return {
      kind: 'open',
      read: action,
      message: `networkAcls.defaultAction is ${describeValue(action.value)}: connections from all networks are accepted`,
    };
  }
  return pendingRule ?? { kind: 'closed', read: action };
}

function idOf(reference: Value | undefined): Value | undefined {
  return isObject(reference) ? getKey(reference, 'id') : reference;
}

/**
 * publicNetworkAccess SecuredByPerimeter: the perimeter's inbound access rules decide, but only when an association
 * in Enforced mode and its profile's rules are in scope (Learning and Audit modes do not block traffic).
 */
function perimeter(account: Resource, access: PathRead, inventory: Inventory): Outcome {
  const associations = inventory.byType(NSP_ASSOCIATION).filter((association) => {
    const properties = association.properties;
    return isObject(properties) && idsEqual(idOf(getKey(properties, 'privateLinkResource')), account.id);
  });
  const review = (expression: string, at?: SourceLocation) =>
    unknown(
      { path: access.path, expression, at: at ?? access.at },
      `publicNetworkAccess is SecuredByPerimeter and ${expression}; the perimeter's inbound rules decide who may connect`,
    );
  if (associations.length === 0) return review('no network security perimeter association for the account is in scope');
  for (const association of associations) {
    const properties = association.properties as Record<string, Value>;
    const mode = getKey(properties, 'accessMode');
    if (!sameText(mode, 'Enforced')) {
      return review(`association ${association.name} has accessMode ${describeValue(toPlain(mode))}`, association.at);
    }
    const profileId = idOf(getKey(properties, 'profile'));
    if (typeof profileId !== 'string') {
      const expression = profileId instanceof Unresolved ? profileId.expression : 'its profile is not set';
      return review(`association ${association.name}: ${expression}`, association.at);
    }
    const rules = inventory
      .byType(NSP_ACCESS_RULE)
      .filter((rule) => parentId(rule.id)?.toLowerCase() === profileId.toLowerCase());
    if (!inventory.byId(profileId) && rules.length === 0) {
      return review(`the perimeter profile ${profileId} is not in scope`, association.at);
    }
    for (const rule of rules) {
      const direction = lookup(rule, 'properties.direction');
      if (direction.kind === 'present' && !sameText(direction.value, 'Inbound')) continue;
      const prefixes = lookup(rule, 'properties.addressPrefixes');
      if (prefixes.kind === 'unresolved')
        return review(`access rule ${rule.name} uses ${prefixes.expression}`, prefixes.at);
      if (prefixes.kind !== 'present' || !Array.isArray(prefixes.value)) continue;
      const open = prefixes.value.find(isWholeInternet);
      if (open !== undefined) {
        return failAt(access.path, {
          expected: 'no perimeter inbound access rule for 0.0.0.0/0',
          message: `publicNetworkAccess is SecuredByPerimeter, but perimeter access rule ${rule.name} admits ${describeValue(open)}`,
          actual: access.state === 'unknown' ? undefined : access.value,
          at: prefixes.at ?? rule.at,
        });
      }
    }
  }
  return pass(access.path, access.state === 'unknown' ? undefined : access.value);
}

export default defineRule({
  id: 'PHI-STG-005',
  title: 'Storage account network firewall allows access from all networks',
  severity: 'high',
  pattern: 1,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
    { cite: '164.308(a)(1)(ii)(B)', type: 'R' },
  ],
  phiScoped: false,
  types: [STORAGE_ACCOUNT],
  policies: [
    {
      id: '34c877ad-507e-4c82-993e-3452a6e0ad3c',
      name: 'Storage accounts should restrict network access',
      relation: 'equivalent',
    },
    {
      id: 'b2982f36-99f2-4db5-8eff-283140c09693',
      name: 'Storage accounts should disable public network access',
      relation: 'related (stricter)',
    },
    {
      id: '60d21c4f-21a3-4d94-85f4-b924e6aeeda4',
      name: 'Storage Accounts should use a virtual network service endpoint',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az storage account update -g "$RG" -n "$SA" --default-action Deny --bypass AzureServices\n# or, when every client uses a private endpoint:\naz storage account update -g "$RG" -n "$SA" --public-network-access Disabled',
    arm: '{"properties": {"publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}}}',
    bicep:
      "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  // ...\n  properties: {\n    publicNetworkAccess: 'Disabled'\n    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] }\n  }\n}",
    terraform:
      'public_network_access_enabled = false\nnetwork_rules { default_action = "Deny"  bypass = ["AzureServices"] }',
    note: 'Add ipRules / virtualNetworkRules / private endpoints for legitimate clients before switching to Deny, otherwise applications (and diagnostic pipelines using trusted-service bypass) lose access. Do not mix the inline network_rules block with azurerm_storage_account_network_rules.',
  },
  docs: {
    evaluation:
      "Reads properties.publicNetworkAccess and properties.networkAcls.{defaultAction, ipRules[].value} (and ipv6Rules[].value when present). Passes when publicNetworkAccess is Disabled, or when defaultAction is Deny and no IP rule has prefix length /0. Fails when publicNetworkAccess is not Disabled (Enabled or absent) and defaultAction is Allow (or absent), or an IP rule is 0.0.0.0/0 or any other /0 CIDR. publicNetworkAccess SecuredByPerimeter is evaluated through the Network Security Perimeter association (Enforced mode) and its profile's inbound access rules when they are in scope: a /0 address prefix fails, otherwise it passes.",
    absent:
      'publicNetworkAccess absent = Enabled; networkAcls or defaultAction absent = Allow (swagger default, also the behaviour of API versions before 2017-06-01 that had no networkAcls) -> fail.',
    unresolvable:
      'Needs review, except when the known values already decide: publicNetworkAccess resolved to Disabled passes; defaultAction Allow (or a /0 rule) with publicNetworkAccess Enabled/absent fails; defaultAction Deny without /0 rules passes whatever publicNetworkAccess is. networkAcls that is not an object (malformed) -> needs review. SecuredByPerimeter without an Enforced association and its profile in scope -> needs review.',
    crossResource:
      'Network Security Perimeter resourceAssociations (privateLinkResource = the account) and profiles/accessRules when publicNetworkAccess is SecuredByPerimeter. The Terraform azurerm_storage_account_network_rules resource (overrides the inline network_rules block) is not evaluated yet: the Terraform adapter is a later issue.',
    references: [
      `${STORAGE_SWAGGER} StorageAccountPropertiesCreateParameters.publicNetworkAccess, NetworkRuleSet.{defaultAction (default Allow), ipRules, bypass}`,
      'Azure/azure-policy built-ins 34c877ad-507e-4c82-993e-3452a6e0ad3c (HITRUST/HIPAA initiative), b2982f36-99f2-4db5-8eff-283140c09693, 60d21c4f-21a3-4d94-85f4-b924e6aeeda4',
      `${AZURERM_STORAGE_ACCOUNT}: public_network_access_enabled, network_rules; storage_account_network_rules.html.markdown`,
      'learn.microsoft.com network security perimeter: access modes Learning / Audit (log, do not block) and Enforced (block)',
      `controls.md A8-A9; ${STORAGE_PAYLOAD} (defaultAction Allow, no publicNetworkAccess key)`,
      'KICS arm/default_azure_storage_account_network_access_is_too_permissive, arm/storage_account_allows_network_default_access (corpus/kics)',
    ],
  },
  fix(account, { path }) {
    if (path === 'properties.publicNetworkAccess') {
      return [
        manual(
          'publicNetworkAccess is SecuredByPerimeter and a perimeter inbound access rule admits 0.0.0.0/0: narrow that access rule to the client ranges that need the account (the perimeter profile may serve other resources, so its owner decides).',
        ),
      ];
    }
    const steps: FixStep[] = [];
    for (const list of ['ipRules', 'ipv6Rules']) {
      const rules = lookup(account, `properties.networkAcls.${list}`);
      if (rules.kind !== 'present' || !Array.isArray(rules.value)) continue;
      rules.value.forEach((rule, index) => {
        if (isObject(rule) && isWholeInternet(getKey(rule, 'value'))) {
          steps.push(remove(`properties.networkAcls.${list}.${index}`, 'an allow-all /0 firewall rule'));
        }
      });
    }
    const action = lookup(account, 'properties.networkAcls.defaultAction');
    if (!(action.kind === 'present' && sameText(action.value, 'Deny'))) {
      steps.push(
        set(
          'properties.networkAcls.defaultAction',
          'Deny',
          'clients outside ipRules/virtualNetworkRules/private endpoints lose access: add them first (trusted Azure services keep the bypass)',
        ),
      );
    }
    return steps;
  },
  check(account, { read, inventory }) {
    const access = read(account, 'properties.publicNetworkAccess');
    if (access.state !== 'unknown') {
      if (sameText(access.value, 'Disabled')) return pass(access.path, access.value);
      if (sameText(access.value, 'SecuredByPerimeter')) return perimeter(account, access, inventory);
    }
    const acl = firewall(account, read);
    if (acl.kind === 'closed') return pass(acl.read.path, acl.read.state === 'unknown' ? undefined : acl.read.value);
    if (access.state === 'unknown') {
      return unknown(
        access,
        `publicNetworkAccess depends on ${access.expression}, and the firewall alone does not block public networks`,
      );
    }
    if (acl.kind === 'unknown') return unknown(acl, acl.message);
    const exposure =
      access.state === 'default'
        ? 'publicNetworkAccess is not set (Enabled)'
        : `publicNetworkAccess is ${describeValue(access.value)}`;
    return fail(acl.read, {
      expected: 'publicNetworkAccess Disabled, or networkAcls.defaultAction Deny without /0 rules',
      message: `${exposure} and ${acl.message}`,
    });
  },
});

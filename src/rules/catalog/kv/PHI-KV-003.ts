import { lookup, sameText } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, type PathRead, pass, unknown } from '../../define.js';
import { remove, set } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf } from '../net/tri.js';
import { describeValue } from '../stg/shared.js';
import { VAULT } from './cmk.js';
import { AZURERM_KEY_VAULT, CONTROLS_G, KEYVAULT_PAYLOAD, KEYVAULT_SWAGGER } from './shared.js';

/** A CIDR with prefix length 0 admits every address (the vault firewall takes IPv4 addresses and ranges). */
function coversEverything(entry: string): boolean {
  return /\/0$/.test(entry.trim());
}

/** Approved private endpoint connections listed on a live vault: advisory evidence only. */
function privateEndpointNote(read: (path: string) => PathRead): string {
  const connections = read('properties.privateEndpointConnections');
  if (connections.state === 'unknown' || !Array.isArray(connections.value)) return '';
  const approved = connections.value.filter((_, i) => {
    const status = read(
      `properties.privateEndpointConnections.${i}.properties.privateLinkServiceConnectionState.status`,
    );
    return status.state !== 'unknown' && sameText(status.value, 'Approved');
  }).length;
  return approved > 0
    ? `; ${approved} approved private endpoint connection(s) exist, but a private endpoint does not close the public endpoint`
    : '';
}

export default defineRule({
  id: 'PHI-KV-003',
  title: 'Key Vault is reachable from all public networks',
  severity: 'medium',
  pattern: 7,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.308(a)(4)(ii)(B)', type: 'A' },
  ],
  phiScoped: false,
  types: [VAULT],
  policies: [
    {
      id: '55615ac9-af46-4a59-874e-391cc3dfb490',
      name: 'Azure Key Vault should have firewall enabled or public network access disabled',
      relation: 'equivalent',
    },
    {
      id: '405c5871-3e91-4644-8a63-58e19d68ff5b',
      name: 'Azure Key Vault should disable public network access',
      relation: 'related (stricter)',
    },
    {
      id: 'ea4d6841-2173-4317-9747-ff522a45120f',
      name: 'Key Vault should use a virtual network service endpoint',
      relation: 'related',
    },
  ],
  remediation: {
    az: 'az keyvault update -g "$RG" -n "$KV" --default-action Deny --bypass AzureServices\n# or: az keyvault update -g "$RG" -n "$KV" --public-network-access Disabled',
    arm: '{"properties": {"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []}}}',
    bicep:
      "resource kv 'Microsoft.KeyVault/vaults@2025-05-01' = {\n  // ...\n  properties: {\n    publicNetworkAccess: 'disabled'   // with a private endpoint, or:\n    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }\n  }\n}",
    terraform: 'network_acls { default_action = "Deny"  bypass = "AzureServices" }',
    note: "Storage/SQL CMK access uses trusted-service bypass or the resource's identity; keep bypass AzureServices or add private endpoints before denying.",
  },
  docs: {
    evaluation:
      'Reads properties.publicNetworkAccess and properties.networkAcls of a key vault (enum values compared case-insensitively). publicNetworkAccess "disabled" passes whatever the firewall says. Otherwise networkAcls.defaultAction Deny passes unless an ipRules[].value is a /0 range, which admits every address; defaultAction Allow (or absent) fails: the vault data plane is reachable from every network.',
    absent:
      'publicNetworkAccess absent = "enabled" (swagger default); networkAcls or its defaultAction absent = Allow -> fail.',
    unresolvable:
      'Needs review unless publicNetworkAccess resolves to disabled: an unresolved defaultAction, or an unresolved IP rule under Deny (it could be a /0).',
    crossResource:
      'Private endpoints are advisory evidence only: a live vault body lists privateEndpointConnections, and the failure message mentions approved ones, but they do not close the public endpoint.',
    references: [
      `${KEYVAULT_SWAGGER}: publicNetworkAccess "default": "enabled"; NetworkRuleSet.{defaultAction, bypass, ipRules[].value}`,
      'Azure Policy 55615ac9-af46-4a59-874e-391cc3dfb490 (networkAcls.defaultAction notEquals Deny is non-compliant); 405c5871-3e91-4644-8a63-58e19d68ff5b; ea4d6841-2173-4317-9747-ff522a45120f',
      `${AZURERM_KEY_VAULT}: public_network_access_enabled (default true), network_acls`,
      `${CONTROLS_G}; ${KEYVAULT_PAYLOAD} (publicNetworkAccess Enabled, no networkAcls: fail)`,
    ],
  },
  fix(vault, { path }) {
    const entry = /^properties\.networkAcls\.ipRules\.(\d+)\.value$/.exec(path);
    if (entry) return [remove(`properties.networkAcls.ipRules.${entry[1]}`, 'a /0 IP rule admits every address')];
    return [
      set(
        'properties.networkAcls.defaultAction',
        'Deny',
        'clients outside ipRules, virtualNetworkRules and private endpoints lose data-plane access; storage/SQL CMK keeps working through the trusted-services bypass (AzureServices), so keep it',
      ),
      ...(lookup(vault, 'properties.networkAcls.bypass').kind === 'absent'
        ? [set('properties.networkAcls.bypass', 'AzureServices')]
        : []),
    ];
  },
  check(vault, context) {
    const read = (path: string) => context.read(vault, path);
    const access = read('properties.publicNetworkAccess');
    if (access.state !== 'unknown' && sameText(access.value, 'disabled')) return pass(access.path, access.value);
    const accessBlocker: Blocker | undefined = access.state === 'unknown' ? blockerOf(access) : undefined;
    const needsReview = (blocker: Blocker): Outcome => unknown(blocker, blockerMessage(blocker));

    const action = read('properties.networkAcls.defaultAction');
    if (action.state === 'unknown') return needsReview(accessBlocker ?? blockerOf(action));
    if (!sameText(action.value, 'Deny')) {
      if (accessBlocker) return needsReview(accessBlocker);
      return fail(action, {
        expected: 'publicNetworkAccess disabled, or networkAcls.defaultAction Deny',
        message: `The vault accepts data-plane requests from every network: public network access is ${access.state === 'unknown' ? access.expression : describeValue(access.value)} and the firewall default action is ${describeValue(action.value)}${privateEndpointNote(read)}`,
      });
    }

    const rules = read('properties.networkAcls.ipRules');
    if (rules.state === 'unknown') return needsReview(accessBlocker ?? blockerOf(rules));
    const open: { read: PathRead; text: string }[] = [];
    let ruleBlocker: Blocker | undefined;
    if (Array.isArray(rules.value)) {
      for (let i = 0; i < rules.value.length; i++) {
        const entry = read(`properties.networkAcls.ipRules.${i}.value`);
        if (entry.state === 'unknown') ruleBlocker ??= blockerOf(entry);
        else if (typeof entry.value === 'string' && coversEverything(entry.value))
          open.push({ read: entry, text: entry.value });
      }
    }
    if (open.length > 0) {
      if (accessBlocker) return needsReview(accessBlocker);
      return open.map((entry) =>
        fail(entry.read, {
          expected: 'explicit client addresses, not a /0 range',
          message: `The firewall denies by default, but IP rule "${entry.text}" admits every address`,
        }),
      );
    }
    if (ruleBlocker) return needsReview(accessBlocker ?? ruleBlocker);
    return pass(action.path, action.value);
  },
});

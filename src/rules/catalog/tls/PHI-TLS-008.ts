import { containsUnresolved, getKey, isObject, lookupIn } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource, type Value } from '../../../core/types.js';
import { defineRule, fail, failAt, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue } from './shared.js';

const GATEWAY = 'Microsoft.Network/applicationGateways';
/** The predefined policy the remediation recommends (TLS 1.2 minimum, no CBC-SHA1 or 3DES suites). */
const RECOMMENDED_POLICY = 'AppGwSslPolicy20220101';
const STRONG_PREDEFINED = ['appgwsslpolicy20170401s', 'appgwsslpolicy20220101', 'appgwsslpolicy20220101s'];
const STRONG_MIN = ['tlsv1_2', 'tlsv1_3'];
const WEAK_CIPHER = /3DES|RC4|NULL/i;

type Verdict = { ok: true; detail: string } | { ok: false; detail: string; field: PathRead } | { blocked: PathRead };

function text(value: Value | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Judges one sslPolicy object (gateway-wide or an SSL profile's) per rules.yaml PHI-TLS-008. */
function judge(policy: Value | undefined, base: string, owner: Resource, context: RuleContext): Verdict {
  const field = (name: string): PathRead => {
    if (base) return context.read(owner, `${base}.${name}`);
    const found = lookupIn(policy ?? {}, name);
    return found.kind === 'present'
      ? { state: 'set', value: found.value, path: name }
      : { state: 'default', value: undefined, because: 'absent', path: name };
  };
  const fields = ['policyType', 'policyName', 'minProtocolVersion', 'cipherSuites', 'disabledSslProtocols'].map(field);
  const blocked = fields.find((read) => read.state === 'unknown');
  if (blocked) return { blocked };
  const [type, name, min, ciphers, disabled] = fields.map((read) =>
    read.state === 'unknown' ? undefined : read.value,
  );
  const [typeRead, nameRead, minRead, ciphersRead, disabledRead] = fields;
  const unresolvedList = containsUnresolved(ciphers) ?? containsUnresolved(disabled);
  if (unresolvedList) {
    return {
      blocked: {
        state: 'unknown',
        expression: unresolvedList.expression,
        at: unresolvedList.at,
        path: `${base}.cipherSuites`,
      },
    };
  }
  const policyType = text(type)?.toLowerCase();
  const policyName = text(name);
  if (policyType === 'predefined' || (policyType === undefined && policyName !== undefined)) {
    if (policyName && STRONG_PREDEFINED.includes(policyName.toLowerCase())) {
      return { ok: true, detail: `predefined ${policyName}` };
    }
    return {
      ok: false,
      field: nameRead,
      detail:
        policyName === undefined
          ? 'a predefined policy without a policy name'
          : `predefined ${policyName}, which allows protocols below TLS 1.2 or is not a recognised strong policy`,
    };
  }
  const weak = (Array.isArray(ciphers) ? ciphers : []).filter(
    (c): c is string => typeof c === 'string' && WEAK_CIPHER.test(c),
  );
  if (policyType === 'custom' || policyType === 'customv2') {
    const minimum = text(min);
    if (minimum === undefined && !disablesLegacy(disabled)) {
      return { ok: false, field: minRead, detail: `a ${text(type)} policy without minProtocolVersion` };
    }
    if (minimum !== undefined && !STRONG_MIN.includes(minimum.toLowerCase())) {
      return { ok: false, field: minRead, detail: `a ${text(type)} policy with minimum ${minimum}` };
    }
    if (weak.length > 0) return { ok: false, field: ciphersRead, detail: `weak cipher suites ${weak.join(', ')}` };
    return { ok: true, detail: `${text(type)} policy, minimum ${minimum ?? 'TLSv1_2 (TLS 1.0/1.1 disabled)'}` };
  }
  if (policyType !== undefined) {
    return { ok: false, field: typeRead, detail: `an unrecognised policyType ${describeValue(type)}` };
  }
  // Legacy form: only disabledSslProtocols.
  if (!disablesLegacy(disabled)) {
    return {
      ok: false,
      field: disabledRead,
      detail: `a policy without policyType whose disabledSslProtocols ${describeValue(disabled)} does not disable both TLSv1_0 and TLSv1_1`,
    };
  }
  if (weak.length > 0) return { ok: false, field: ciphersRead, detail: `weak cipher suites ${weak.join(', ')}` };
  return { ok: true, detail: 'TLSv1_0 and TLSv1_1 disabled' };
}

function disablesLegacy(disabled: Value | undefined): boolean {
  const list = Array.isArray(disabled) ? disabled.map((p) => (typeof p === 'string' ? p.toLowerCase() : '')) : [];
  return list.includes('tlsv1_0') && list.includes('tlsv1_1');
}

const EXPECTED =
  'Predefined AppGwSslPolicy20220101 (or 20220101S / 20170401S), or Custom/CustomV2 with minProtocolVersion TLSv1_2+';

export default defineRule({
  id: 'PHI-TLS-008',
  title: 'Application Gateway TLS policy allows protocols below TLS 1.2 or weak ciphers',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [GATEWAY],
  policies: [],
  remediation: {
    az: 'az network application-gateway ssl-policy set -g "$RG" --gateway-name "$AGW" --policy-type Predefined --name AppGwSslPolicy20220101',
    arm: '{"properties": {"sslPolicy": {"policyType": "Predefined", "policyName": "AppGwSslPolicy20220101"}}}',
    bicep:
      "resource agw 'Microsoft.Network/applicationGateways@2025-07-01' = {\n  // ...\n  properties: {\n    sslPolicy: {\n      policyType: 'Predefined'\n      policyName: 'AppGwSslPolicy20220101'\n    }\n  }\n}",
    terraform: 'ssl_policy { policy_type = "Predefined"  policy_name = "AppGwSslPolicy20220101" }',
    note: 'Gateway update takes several minutes; TLS 1.0/1.1 clients are rejected afterwards.',
  },
  docs: {
    evaluation:
      'Reads properties.sslPolicy {policyType, policyName, minProtocolVersion, cipherSuites[], disabledSslProtocols[]} and, as separate outcomes, each properties.sslProfiles[].properties.sslPolicy. Passes: Predefined AppGwSslPolicy20170401S, AppGwSslPolicy20220101 or AppGwSslPolicy20220101S; Custom/CustomV2 with minProtocolVersion TLSv1_2 or TLSv1_3 (or, without minProtocolVersion, TLSv1_0 and TLSv1_1 in disabledSslProtocols) and no cipher suite containing 3DES, RC4 or NULL. Fails: AppGwSslPolicy20150501, AppGwSslPolicy20170401 or any other policy name; a lower custom minimum; a weak cipher; the legacy form without policyType whose disabledSslProtocols does not contain both TLSv1_0 and TLSv1_1. Enum values compare case-insensitively.',
    absent:
      'sslPolicy absent in a template -> the default for the apiVersion of the PUT: before 2023-02-01 AppGwSslPolicy20150501 (fail), from 2023-02-01 AppGwSslPolicy20220101 (pass); an unresolved apiVersion -> needs review. Live: the read-only properties.defaultPredefinedSslPolicy names the policy in effect; neither present -> needs review. An SSL profile without its own sslPolicy (absent or empty) is not evaluated separately.',
    unresolvable: 'An unresolved policy field -> needs review for that policy.',
    crossResource:
      "Listeners bound to an SSL profile use the profile's policy, which is evaluated separately. Every gateway is evaluated, including one with HTTP listeners only (its policy applies as soon as an HTTPS listener is added).",
    references: [
      'Azure/azure-rest-api-specs specification/network/resource-manager/Microsoft.Network/stable/2025-07-01/applicationGateway.json ApplicationGatewaySslPolicy, sslProfiles, defaultPredefinedSslPolicy',
      'learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview (predefined policies; default by API version; TLS 1.0/1.1 retirement 31 Aug 2025)',
      'controls.md D3',
      'hashicorp/terraform-provider-azurerm website/docs/r/application_gateway.html.markdown ssl_policy / ssl_profile',
    ],
  },
  fix(_gateway, { path }) {
    const profile = /^properties\.sslProfiles\.\d+\.properties\.sslPolicy/.exec(path);
    return [
      set(
        profile ? profile[0] : 'properties.sslPolicy',
        { policyType: 'Predefined', policyName: RECOMMENDED_POLICY },
        'the gateway update takes several minutes; TLS 1.0/1.1 clients are refused afterwards',
      ),
    ];
  },
  check(gateway, context) {
    const outcomes: Outcome[] = [];
    const policy = context.read(gateway, 'properties.sslPolicy');
    if (policy.state === 'unknown') outcomes.push(unknown(policy));
    else if (policy.value === undefined && LIVE_ORIGINS.has(gateway.origin)) {
      const effective = context.read(gateway, 'properties.defaultPredefinedSslPolicy');
      if (effective.state === 'unknown' || typeof effective.value !== 'string') {
        outcomes.push(
          unknown(
            { path: policy.path, expression: 'sslPolicy and defaultPredefinedSslPolicy not returned', at: gateway.at },
            'the gateway record names no TLS policy (sslPolicy and defaultPredefinedSslPolicy are absent)',
          ),
        );
      } else {
        outcomes.push(
          report(
            judge({ policyType: 'Predefined', policyName: effective.value }, '', gateway, context),
            effective,
            'the gateway',
          ),
        );
      }
    } else if (policy.state === 'default') {
      outcomes.push(report(judge(policy.value, '', gateway, context), policy, 'the gateway'));
    } else {
      outcomes.push(report(judge(policy.value, policy.path, gateway, context), policy, 'the gateway'));
    }
    const profiles = context.read(gateway, 'properties.sslProfiles');
    if (profiles.state === 'unknown') outcomes.push(unknown(profiles));
    else if (Array.isArray(profiles.value)) {
      profiles.value.forEach((profile, index) => {
        const path = `properties.sslProfiles.${index}.properties.sslPolicy`;
        const own = context.read(gateway, path);
        // A profile without a policy of its own (absent or empty) is covered by the gateway policy.
        if (
          own.state === 'default' ||
          (own.state === 'set' && isObject(own.value) && Object.keys(own.value).length === 0)
        ) {
          return;
        }
        const name = isObject(profile) ? text(getKey(profile, 'name')) : undefined;
        if (own.state === 'unknown') outcomes.push(unknown(own));
        else outcomes.push(report(judge(own.value, path, gateway, context), own, `SSL profile '${name ?? index}'`));
      });
    }
    const problems = outcomes.filter((o) => o.verdict !== 'pass');
    if (problems.some((o) => o.verdict === 'fail')) return problems.filter((o) => o.verdict === 'fail');
    return problems.length > 0 ? problems : outcomes;
  },
});

function report(verdict: Verdict, read: PathRead, where: string): Outcome {
  if ('blocked' in verdict) return unknown(verdict.blocked);
  if (verdict.ok) return pass(read.path, `${where}: ${verdict.detail}`);
  if (read.state === 'unknown') return unknown(read);
  if (read.state === 'default' || read.path.endsWith('defaultPredefinedSslPolicy')) {
    return fail(read, { expected: EXPECTED, message: `The TLS policy of ${where} is ${verdict.detail}` });
  }
  const field = verdict.field;
  return failAt(field.path.startsWith('properties.') ? field.path : `${read.path}.${field.path}`, {
    expected: EXPECTED,
    actual: field.state === 'unknown' ? undefined : field.value,
    at: field.at ?? read.at,
    message: `The TLS policy of ${where} is ${verdict.detail}`,
  });
}

import { asBoolean, getKey, isObject, locate, lookup } from '../../../core/path.js';
import {
  LIVE_ORIGINS,
  type Outcome,
  type Resource,
  Unresolved,
  type Value,
  type ValueObject,
} from '../../../core/types.js';
import { APIM_LEGACY_PROTOCOL_KEYS, apimLegacyProtocolDefault } from '../../defaults/tls.js';
import { defineRule, fail, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { APIM, APIM_PAYLOAD, APIM_SWAGGER, describeValue } from './shared.js';

const CUSTOM_PROPERTIES = 'properties.customProperties';

/** What each key enables, for messages and labels. */
function describeKey(key: string): { what: string; label: string } {
  const suffix = key.split('.').slice(-1)[0];
  const protocol = { Tls10: 'TLS 1.0', Tls11: 'TLS 1.1', Ssl30: 'SSL 3.0' }[suffix] ?? suffix;
  if (key.includes('.Ciphers.')) return { what: 'the 3DES cipher (TLS_RSA_WITH_3DES_EDE_CBC_SHA)', label: 'cipher' };
  if (key.includes('.Backend.')) return { what: `${protocol} towards backends`, label: 'backend' };
  return { what: `${protocol} from clients`, label: 'client' };
}

/**
 * The value of one key. customProperties is a string map whose keys contain dots, so a dotted-path read cannot
 * reach a present key: present keys are taken from the map (names compare case-insensitively), absent ones go
 * through the defaults table (the template default, or the live creation-date default).
 */
function readKey(service: Resource, map: Value | undefined, key: string, context: RuleContext): PathRead {
  const path = `${CUSTOM_PROPERTIES}.${key}`;
  const value = isObject(map) ? getKey(map, key) : undefined;
  if (value instanceof Unresolved) {
    return { state: 'unknown', expression: value.expression, at: value.at ?? locate(service, path).at, path };
  }
  if (value !== undefined && value !== null) {
    const { at, via } = locate(service, path);
    return { state: 'set', value, at, via, path };
  }
  const absent = context.read(service, path);
  if (absent.state !== 'default' || absent.value !== undefined || !LIVE_ORIGINS.has(service.origin)) return absent;
  const created = context.read(service, 'properties.createdAtUtc');
  if (created.state === 'unknown') return { ...created, path };
  const resolved = typeof created.value === 'string' ? apimLegacyProtocolDefault(created.value) : undefined;
  if (!resolved) {
    return {
      state: 'unknown',
      expression: `createdAtUtc ${describeValue(created.value)}`,
      at: absent.at,
      path,
    };
  }
  return { state: 'default', ...resolved, at: absent.at, path };
}

export default defineRule({
  id: 'PHI-TLS-001',
  title: 'API Management gateway accepts TLS 1.0/1.1 or SSL 3.0',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [APIM],
  policies: [],
  remediation: {
    az: 'az rest --method patch --url "https://management.azure.com$APIM_ID?api-version=2024-05-01" --body \'{"properties":{"customProperties":{\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168":"False",\n "Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2":"<keep current value>"}}}\'',
    arm: '{"properties": {"customProperties": {"Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30": "False", "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168": "False"}}}',
    bicep:
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  // ...\n  properties: {\n    customProperties: {\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30': 'False'\n      'Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168': 'False'\n    }\n  }\n}",
    terraform:
      'security { frontend_tls10_enabled = false frontend_tls11_enabled = false frontend_ssl30_enabled = false\n           backend_tls10_enabled = false backend_tls11_enabled = false backend_ssl30_enabled = false triple_des_ciphers_enabled = false }',
    note: 'The PATCH must carry the FULL customProperties map (omitted keys reset to defaults, including Http2). Changing these settings restarts the gateway (service update can take 15-45 minutes on classic tiers).',
  },
  docs: {
    evaluation:
      'Reads the string map properties.customProperties for the keys Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.{Tls10, Tls11, Ssl30} (client to gateway), ...Security.Backend.Protocols.{Tls10, Tls11, Ssl30} (gateway to backend) and ...Security.Ciphers.TripleDes168. Key names compare case-insensitively; values true/"True"/"true" fail, false/"False" pass, and any other value fails (it does not disable the protocol). One failure is reported per enabled key, at the line its value comes from. Consumption tier services are evaluated the same way (their gateway TLS settings are platform-managed, UNVERIFIED); self-hosted gateways are out of scope.',
    absent:
      'Templates (ARM/Bicep): an absent key is False (a deployment resets omitted keys to the default, False for services created after 2018-04-01) -> pass. Live state: an absent key takes the swagger default by properties.createdAtUtc: created on or before 2018-04-01 -> True -> fail; later -> False -> pass; no createdAtUtc -> needs review.',
    unresolvable:
      'A key whose value is unresolved -> needs review for that key (other keys are still reported); an unresolved customProperties map -> needs review.',
    crossResource: 'None. Per-API protocols are PHI-TLS-002, backend certificate validation PHI-TLS-004.',
    references: [
      `${APIM_SWAGGER}/apimdeployment.json ApiManagementServiceBaseProperties.customProperties (defaults by creation date; PATCH resets omitted keys)`,
      'controls.md D1 (key table, defaults, full-map PATCH); no built-in Azure Policy audits these keys',
      'hashicorp/terraform-provider-azurerm website/docs/r/api_management.html.markdown security { frontend_tls10_enabled, ... } (default false)',
      `${APIM_PAYLOAD} (every key "false": pass)`,
    ],
  },
  fix(service) {
    // The whole map, as issue 6 and controls.md D1 require: API Management resets every customProperties key a PUT or
    // PATCH omits (Http2 included), so setting only the legacy keys would silently re-enable others.
    const current = lookup(service, CUSTOM_PROPERTIES);
    const map: ValueObject = current.kind === 'present' && isObject(current.value) ? { ...current.value } : {};
    for (const key of APIM_LEGACY_PROTOCOL_KEYS) {
      const existing = Object.keys(map).find((name) => name.toLowerCase() === key.toLowerCase());
      if (existing !== undefined) delete map[existing];
      map[key] = 'False';
    }
    return [
      set(
        CUSTOM_PROPERTIES,
        map,
        'the gateway restarts (15-45 minutes on classic tiers) and clients limited to TLS 1.0/1.1, SSL 3.0 or 3DES can no longer connect',
      ),
    ];
  },
  check(service, context) {
    const map = context.read(service, CUSTOM_PROPERTIES);
    if (map.state === 'unknown') return unknown(map);
    const outcomes: Outcome[] = [];
    for (const key of APIM_LEGACY_PROTOCOL_KEYS) {
      const read = readKey(service, map.value, key, context);
      const { what, label } = describeKey(key);
      if (read.state === 'unknown') {
        outcomes.push(unknown(read, `${key} depends on ${read.expression}, which cannot be resolved statically`));
        continue;
      }
      const enabled = asBoolean(read.value);
      if (enabled === false) continue;
      outcomes.push(
        fail(read, {
          expected: '"False"',
          labels: [label],
          message:
            enabled === true
              ? `The API Management gateway accepts ${what} (${key.split('.').slice(-1)[0]} is ${describeValue(read.value)})`
              : `${key} is ${describeValue(read.value)}, which does not disable ${what}`,
        }),
      );
    }
    return outcomes.length > 0 ? outcomes : pass(CUSTOM_PROPERTIES, 'legacy protocols and 3DES disabled');
  },
});

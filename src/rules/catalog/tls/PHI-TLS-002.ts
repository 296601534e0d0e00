import { containsUnresolved, lookup } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { APIM_API, APIM_SWAGGER, describeValue, shortName } from './shared.js';

const PLAIN = new Set(['http', 'ws']);

export default defineRule({
  id: 'PHI-TLS-002',
  title: 'API Management API accepts plain HTTP',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [APIM_API],
  policies: [
    {
      id: 'ee7495e7-3ba7-40b6-bfee-c29e22cc75d4',
      name: 'API Management APIs should use only encrypted protocols',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az apim api update -g "$RG" --service-name "$APIM" --api-id "$API" --protocols https',
    arm: '{"properties": {"protocols": ["https"]}}',
    bicep:
      "resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {\n  parent: apim\n  name: apiName\n  properties: {\n    // ...\n    protocols: [ 'https' ]\n    serviceUrl: 'https://<backend host>'\n  }\n}",
    terraform: 'protocols = ["https"]',
    note: 'HTTP clients receive errors immediately; check gateway logs for HTTP callers first.',
  },
  docs: {
    evaluation:
      'Reads the API\'s properties.protocols (http, https, ws, wss) and properties.serviceUrl. Passes when the protocols are a subset of {https, wss} and serviceUrl, when set, is not http://. Fails when protocols contain "http" or "ws" (case-insensitive), and separately when serviceUrl starts with http:// (the gateway-to-backend hop is unencrypted; see also PHI-TLS-004). Revisions (name "api;rev=N") are separate subjects evaluated the same way.',
    absent:
      'protocols absent -> the service default ["https"] (UNVERIFIED) -> pass. serviceUrl absent -> not evaluated.',
    unresolvable:
      'Unresolved protocols or serviceUrl -> needs review for that property, unless the other one already fails.',
    crossResource: 'None.',
    references: [
      `${APIM_SWAGGER}/apimapis.json ApiContractProperties.protocols, serviceUrl`,
      'Azure Policy ee7495e7-3ba7-40b6-bfee-c29e22cc75d4 (protocols must not contain http)',
      'controls.md D1 (APIs: properties.protocols must not contain http)',
      'hashicorp/terraform-provider-azurerm website/docs/r/api_management_api.html.markdown (protocols, service_url)',
    ],
  },
  fix(api, { path, actual }) {
    if (path === 'properties.serviceUrl' && typeof actual === 'string') {
      return [
        set(
          path,
          actual.trim().replace(/^http:\/\//i, 'https://'),
          'the backend must serve HTTPS on this host with a certificate API Management trusts',
        ),
      ];
    }
    const current = lookup(api, 'properties.protocols');
    const list = current.kind === 'present' && Array.isArray(current.value) ? current.value : [];
    const secure = new Set<string>(['https']);
    for (const protocol of list) {
      if (typeof protocol === 'string' && protocol.toLowerCase() === 'ws') secure.add('wss');
      if (typeof protocol === 'string' && protocol.toLowerCase() === 'wss') secure.add('wss');
    }
    return [
      set('properties.protocols', [...secure], 'plain HTTP callers get errors at once: check the gateway logs first'),
    ];
  },
  check(api, { read }) {
    const outcomes: Outcome[] = [];
    const protocols = read(api, 'properties.protocols');
    if (protocols.state === 'unknown') outcomes.push(unknown(protocols));
    else {
      const list = Array.isArray(protocols.value) ? protocols.value : [protocols.value];
      const blocked = containsUnresolved(protocols.value);
      const plain = list.filter((p) => typeof p === 'string' && PLAIN.has(p.toLowerCase()));
      if (plain.length > 0) {
        outcomes.push(
          fail(protocols, {
            expected: '["https"] (or ["https", "wss"])',
            message: `API '${shortName(api)}' accepts unencrypted ${plain.join(' and ')} (protocols ${describeValue(protocols.value)})`,
          }),
        );
      } else if (blocked) {
        outcomes.push(
          unknown(
            { path: protocols.path, expression: blocked.expression, at: blocked.at ?? protocols.at },
            `a protocol of API '${shortName(api)}' comes from ${blocked.expression}, which cannot be resolved statically`,
          ),
        );
      }
    }
    const serviceUrl = read(api, 'properties.serviceUrl');
    if (serviceUrl.state === 'unknown') {
      // A failure on protocols already decides; otherwise the backend URL may still be plain HTTP.
      if (!outcomes.some((o) => o.verdict === 'fail')) outcomes.push(unknown(serviceUrl));
    } else if (typeof serviceUrl.value === 'string' && /^http:\/\//i.test(serviceUrl.value.trim())) {
      outcomes.push(
        fail(serviceUrl, {
          expected: 'an https:// backend URL',
          message: `API '${shortName(api)}' forwards requests to its backend over plain HTTP (${serviceUrl.value})`,
        }),
      );
    }
    if (outcomes.some((o) => o.verdict === 'fail')) return outcomes.filter((o) => o.verdict === 'fail');
    return outcomes.length > 0
      ? outcomes
      : pass(protocols.path, protocols.state === 'unknown' ? undefined : protocols.value);
  },
});

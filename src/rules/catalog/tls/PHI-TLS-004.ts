import { asBoolean, sameText } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { APIM_BACKEND, APIM_SWAGGER, describeValue, shortName } from './shared.js';

const VALIDATIONS = [
  ['properties.tls.validateCertificateChain', 'the certificate chain'],
  ['properties.tls.validateCertificateName', 'the certificate name'],
] as const;

export default defineRule({
  id: 'PHI-TLS-004',
  title: 'API Management backend uses HTTP or skips TLS certificate validation',
  severity: 'medium',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
    { cite: '164.312(e)(2)(i)', type: 'A' },
  ],
  phiScoped: false,
  types: [APIM_BACKEND],
  policies: [
    {
      id: '92bb331d-ac71-416a-8c91-02f2cb734ce4',
      name: 'API Management calls to API backends should not bypass certificate thumbprint or name validation',
      relation: 'equivalent (validation part)',
    },
  ],
  remediation: {
    az: 'az rest --method patch --url "https://management.azure.com$APIM_ID/backends/$BACKEND?api-version=2024-05-01" \\\n  --body \'{"properties":{"url":"https://<backend host>","tls":{"validateCertificateChain":true,"validateCertificateName":true}}}\'',
    arm: '{"properties": {"url": "https://<backend host>", "tls": {"validateCertificateChain": true, "validateCertificateName": true}}}',
    bicep:
      "resource backend 'Microsoft.ApiManagement/service/backends@2024-05-01' = {\n  parent: apim\n  name: backendName\n  properties: {\n    protocol: 'http'\n    url: 'https://<backend host>'\n    tls: {\n      validateCertificateChain: true\n      validateCertificateName: true\n    }\n  }\n}",
    terraform:
      'url = "https://backend.example.internal"\ntls { validate_certificate_chain = true  validate_certificate_name = true }',
    note: 'The backend must present a certificate trusted by APIM (upload the private CA to the service if needed).',
  },
  docs: {
    evaluation:
      "Reads the backend's properties.url and properties.tls.{validateCertificateChain, validateCertificateName}. Fails when url starts with http:// (case-insensitive), and separately for each validation set to false (booleans given as strings are accepted). Passes with an https:// url (or another non-HTTP scheme such as a Service Fabric fabric:/ address) and both validations true or absent. properties.protocol (http | soap) is the message protocol, not the URL scheme, and is not evaluated.",
    absent:
      'tls absent -> both validations true (service default) -> pass. url absent: a load-balanced pool backend (type Pool) has no url of its own and is judged on its tls settings; otherwise needs review.',
    unresolvable:
      'A url from an unresolved expression or a named value ({{...}}) -> needs review, unless a validation already fails.',
    crossResource: 'None. The backend members of a pool are evaluated as backends of their own.',
    references: [
      `${APIM_SWAGGER}/apimbackends.json BackendContractProperties.url, BackendTlsProperties.validateCertificateChain / validateCertificateName (default true)`,
      'Azure Policy 92bb331d-ac71-416a-8c91-02f2cb734ce4 (Audit, Disabled, Deny)',
      'hashicorp/terraform-provider-azurerm website/docs/r/api_management_backend.html.markdown (url, protocol, tls)',
    ],
  },
  fix(_backend, { path, actual }) {
    if (path === 'properties.url' && typeof actual === 'string') {
      return [
        set(
          path,
          actual.trim().replace(/^http:\/\//i, 'https://'),
          'the backend must serve HTTPS on this host with a certificate API Management trusts',
        ),
      ];
    }
    return [
      set(path, true, 'the backend certificate must chain to a CA API Management trusts and match the host name'),
    ];
  },
  check(backend, { read }) {
    const failures: Outcome[] = [];
    const blocked: Outcome[] = [];
    const url = read(backend, 'properties.url');
    if (url.state === 'unknown') blocked.push(unknown(url));
    else if (typeof url.value === 'string') {
      const text = url.value.trim();
      if (/^http:\/\//i.test(text)) {
        failures.push(
          fail(url, {
            expected: 'an https:// backend URL',
            message: `Backend '${shortName(backend)}' is called over plain HTTP (${text})`,
          }),
        );
      } else if (text.includes('{{')) {
        blocked.push(
          unknown(
            { path: url.path, expression: text, at: url.at },
            `backend '${shortName(backend)}' takes its URL from a named value (${text}), which the scan cannot see`,
          ),
        );
      }
    } else {
      const type = read(backend, 'properties.type');
      if (type.state === 'unknown' || !sameText(type.value, 'Pool')) {
        blocked.push(
          unknown(
            { path: url.path, expression: `url ${describeValue(url.value)}`, at: url.at },
            `backend '${shortName(backend)}' has no URL`,
          ),
        );
      }
    }
    for (const [path, what] of VALIDATIONS) {
      const setting = read(backend, path);
      if (setting.state === 'unknown') {
        blocked.push(unknown(setting));
        continue;
      }
      if (asBoolean(setting.value) === false) {
        failures.push(
          fail(setting, {
            expected: 'true',
            message: `Backend '${shortName(backend)}' does not validate ${what} of the TLS certificate it is presented, so an interceptor's certificate is accepted`,
          }),
        );
      }
    }
    if (failures.length > 0) return failures;
    return blocked.length > 0 ? blocked : pass(url.path, url.state === 'unknown' ? undefined : url.value);
  },
});

import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, notApplicable, type PathRead, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue, isType, shortName, tlsVersion } from './shared.js';

const CUSTOM_DOMAIN = 'Microsoft.Cdn/profiles/customDomains';
const CLASSIC = 'Microsoft.Network/frontDoors';
const EXPECTED = 'TLS12 (or TLS13)';

/** One minimum-TLS setting; absent is "not pinned" and fails in templates and live state alike (rules.yaml). */
function judge(read: PathRead, where: string): Outcome {
  if (read.state === 'unknown') return unknown(read);
  if (read.value === undefined) {
    return fail(read, { expected: EXPECTED, message: `${where} does not pin a minimum TLS version` });
  }
  const version = tlsVersion(read.value);
  if (version !== undefined && version >= 1.2) return pass(read.path, read.value);
  return fail(read, {
    expected: EXPECTED,
    message:
      version === undefined
        ? `${where} has minimum TLS version ${describeValue(read.value)}, which is not a recognised TLS version`
        : `${where} accepts TLS ${version.toFixed(1)} (minimum TLS version ${describeValue(read.value)})`,
  });
}

export default defineRule({
  id: 'PHI-TLS-009',
  title: 'Front Door custom domain minimum TLS version below 1.2',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: [CUSTOM_DOMAIN, CLASSIC],
  policies: [
    {
      id: '679da822-78a7-4eff-8fff-a899454a9970',
      name: 'Azure Front Door Standard and Premium should be running minimum TLS version of 1.2',
      relation: 'equivalent (rule is "notEquals TLS12", so TLS13 is non-compliant there but passes here)',
    },
  ],
  remediation: {
    az: 'az afd custom-domain update -g "$RG" --profile-name "$PROFILE" --custom-domain-name "$DOMAIN" --minimum-tls-version TLS12',
    arm: '{"properties": {"tlsSettings": {"certificateType": "ManagedCertificate", "minimumTlsVersion": "TLS12"}}}',
    bicep:
      "resource domain 'Microsoft.Cdn/profiles/customDomains@2024-09-01' = {\n  parent: profile\n  name: domainName\n  properties: {\n    hostName: hostName\n    tlsSettings: {\n      certificateType: 'ManagedCertificate'\n      minimumTlsVersion: 'TLS12'\n    }\n  }\n}",
    terraform:
      'tls { certificate_type = "ManagedCertificate"  minimum_version = "TLS12" }   # 4.x: minimum_tls_version',
    note: 'Non-disruptive for modern browsers.',
  },
  docs: {
    evaluation:
      'Front Door Standard/Premium: each Microsoft.Cdn/profiles/customDomains properties.tlsSettings.minimumTlsVersion; TLS12 and TLS13 pass, TLS10 fails. Classic Front Door: each properties.frontendEndpoints[].properties.customHttpsConfiguration.minimumTlsVersion ("1.0" | "1.2"; path UNVERIFIED), one outcome per endpoint with custom HTTPS; endpoints without customHttpsConfiguration (the azurefd.net host, or custom HTTPS configured out of band) are not evaluated, and a classic Front Door with none is not applicable. Values compare case-insensitively.',
    absent:
      'Not pinned -> fail, in templates and live state alike: the swagger default is not confirmed (Microsoft announced the TLS 1.0/1.1 retirement on Front Door, UNVERIFIED), and the rule requires the explicit setting.',
    unresolvable: 'An unresolved minimum TLS version -> needs review.',
    crossResource:
      'The origin hop is covered by origin settings (enforceCertificateNameCheck), advisory and not evaluated. Deviation from Azure Policy 679da822: TLS13 passes here.',
    references: [
      'controls.md D4 (customDomains tlsSettings.minimumTlsVersion; classic frontendEndpoints path UNVERIFIED)',
      'Azure Policy 679da822-78a7-4eff-8fff-a899454a9970 (Audit, Deny, Disabled)',
      'hashicorp/terraform-provider-azurerm website/docs/r/cdn_frontdoor_custom_domain.html.markdown tls { minimum_version } (v5; v4 minimum_tls_version)',
    ],
  },
  fix: (resource, { path }) => [
    set(path, isType(resource, CUSTOM_DOMAIN) ? 'TLS12' : '1.2', 'browsers and clients limited to TLS 1.0/1.1 fail'),
  ],
  check(resource, { read }) {
    if (isType(resource, CUSTOM_DOMAIN)) {
      return judge(
        read(resource, 'properties.tlsSettings.minimumTlsVersion'),
        `Front Door custom domain '${shortName(resource)}'`,
      );
    }
    const endpoints = read(resource, 'properties.frontendEndpoints');
    if (endpoints.state === 'unknown') return unknown(endpoints);
    const outcomes: Outcome[] = [];
    const list = Array.isArray(endpoints.value) ? endpoints.value : [];
    list.forEach((_, index) => {
      const base = `properties.frontendEndpoints.${index}.properties`;
      const https = read(resource, `${base}.customHttpsConfiguration`);
      if (https.state === 'default') return;
      if (https.state === 'unknown') {
        outcomes.push(unknown(https));
        return;
      }
      const name = read(resource, `properties.frontendEndpoints.${index}.name`);
      const label = name.state === 'set' && typeof name.value === 'string' ? name.value : String(index);
      outcomes.push(
        judge(
          read(resource, `${base}.customHttpsConfiguration.minimumTlsVersion`),
          `Front Door '${resource.name}' frontend endpoint '${label}'`,
        ),
      );
    });
    return outcomes.length > 0 ? outcomes : notApplicable('no frontend endpoint configures custom HTTPS');
  },
});

import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, pass, unknown } from '../../define.js';
import {
  describeValue,
  notPinned,
  SITE_CONFIG,
  SLOT_CONFIG,
  tlsVersion,
  WEB_PAYLOAD,
  WEB_SWAGGER,
  WEB_TYPES,
} from './shared.js';
import { appName, readSiteSetting, subjectOf, webSetting } from './web.js';

export default defineRule({
  id: 'PHI-TLS-006',
  title: 'App Service or Function app minimum TLS version below 1.2',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: WEB_TYPES,
  children: [SITE_CONFIG, SLOT_CONFIG],
  policies: [
    {
      id: 'f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b',
      name: 'App Service apps should use the latest TLS version',
      relation: 'equivalent',
    },
    {
      id: 'f9d614c5-c173-4d56-95a7-b4437057d193',
      name: 'Function apps should use the latest TLS version',
      relation: 'equivalent',
    },
    {
      id: '4ee5b817-627a-435a-8932-116193268172',
      name: 'App Service app slots should use the latest TLS version',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az webapp config set -g "$RG" -n "$APP" --min-tls-version 1.2\naz functionapp config set -g "$RG" -n "$FUNC" --min-tls-version 1.2',
    arm: '{"properties": {"siteConfig": {"minTlsVersion": "1.2", "scmMinTlsVersion": "1.2"}}}',
    bicep:
      "resource app 'Microsoft.Web/sites@2024-11-01' = {\n  // ...\n  properties: {\n    siteConfig: {\n      minTlsVersion: '1.2'\n      scmMinTlsVersion: '1.2'\n    }\n  }\n}",
    terraform: 'site_config { minimum_tls_version = "1.2"  scm_minimum_tls_version = "1.2" }',
    note: 'Non-disruptive for modern clients; legacy TLS 1.0/1.1 clients fail.',
  },
  docs: {
    evaluation:
      'Subject: the site or slot. minTlsVersion is read from its config/web child when that child states it (declared in the template or collected live; authoritative), else from the site\'s properties.siteConfig. "1.2"/"1.3" (string or number) pass; "1.0"/"1.1" and unrecognised values fail. An explicit scmMinTlsVersion (Kudu/deployment endpoint) below 1.2 fails separately. A config/web resource whose site is not in the scan is evaluated on its own; other config resources are not applicable.',
    absent:
      'ARM/Bicep: not pinned -> fail (new apps default to 1.2, but an existing app keeps its value and the default for old apps is UNVERIFIED). Live: config/web always returns a value; a site record without config/web whose siteConfig.minTlsVersion is null -> needs review. scmMinTlsVersion absent is not evaluated.',
    unresolvable: 'An unresolved minTlsVersion or scmMinTlsVersion -> needs review.',
    crossResource:
      'config/web (Microsoft.Web/sites/config, name web) is a declared child: streamed snapshots hold the site until its config/web record has arrived. Slots are separate subjects with their own slots/config/web.',
    references: [
      `${WEB_SWAGGER} SiteConfig.minTlsVersion, scmMinTlsVersion (1.0 | 1.1 | 1.2 | 1.3)`,
      'Azure Policy f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b and f9d614c5-c173-4d56-95a7-b4437057d193 (HITRUST/HIPAA initiative; AuditIfNotExists on config/web, minTlsVersion greaterOrEquals 1.2), 4ee5b817-627a-435a-8932-116193268172 (slots)',
      'hashicorp/terraform-provider-azurerm website/docs/r/linux_web_app.html.markdown site_config.minimum_tls_version (default 1.2)',
      `controls.md D2; ${WEB_PAYLOAD} (siteConfig.minTlsVersion 1.2: pass)`,
    ],
  },
  fix: (resource, { path, inventory }) =>
    webSetting(resource, path, '1.2', 'clients limited to TLS 1.0/1.1 can no longer connect', inventory),
  check(resource, context) {
    const subject = subjectOf(resource, context);
    if ('skip' in subject) return subject.skip;
    const app = appName(subject);
    const outcomes: Outcome[] = [];
    const min = readSiteSetting(subject, 'minTlsVersion', context);
    if (min.state === 'unknown') outcomes.push(unknown(min));
    else if (min.value === undefined) {
      outcomes.push(
        notPinned(resource, min, {
          expected: '"1.2"',
          message: `App '${app}' does not pin its minimum TLS version`,
        }),
      );
    } else {
      const version = tlsVersion(min.value);
      if (version === undefined || version < 1.2) {
        outcomes.push(
          fail(min, {
            expected: '"1.2"',
            message:
              version === undefined
                ? `App '${app}' has minTlsVersion ${describeValue(min.value)}, which is not a TLS version`
                : `App '${app}' accepts TLS ${version.toFixed(1)} (minTlsVersion ${describeValue(min.value)})`,
          }),
        );
      }
    }
    const scm = readSiteSetting(subject, 'scmMinTlsVersion', context);
    if (scm.state === 'unknown') outcomes.push(unknown(scm));
    else if (scm.state === 'set') {
      const version = tlsVersion(scm.value);
      if (version === undefined || version < 1.2) {
        outcomes.push(
          fail(scm, {
            expected: '"1.2"',
            labels: ['scm'],
            message: `The deployment (SCM/Kudu) endpoint of '${app}' accepts TLS below 1.2 (scmMinTlsVersion ${describeValue(scm.value)})`,
          }),
        );
      }
    }
    if (outcomes.length > 0) return outcomes;
    return pass(min.path, min.state === 'unknown' ? undefined : min.value);
  },
});

import { asBoolean } from '../../../core/path.js';
import { defineRule, fail, notApplicable, pass, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { describeValue, shortName, WEB_PAYLOAD, WEB_SWAGGER, WEB_TYPES } from './shared.js';
import { isSiteOrSlot } from './web.js';

const AUTH_SETTINGS = 'authsettingsv2';

export default defineRule({
  id: 'PHI-TLS-005',
  title: 'App Service or Function app accepts plain HTTP',
  severity: 'high',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: WEB_TYPES,
  policies: [
    {
      id: 'a4af4a39-4135-47fb-b175-47fbdf85311d',
      name: 'App Service apps should only be accessible over HTTPS',
      relation: 'equivalent',
    },
    {
      id: '6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab',
      name: 'Function apps should only be accessible over HTTPS',
      relation: 'equivalent',
    },
    {
      id: 'ae1b9a8c-dfce-4605-bd91-69213b4a26fc',
      name: 'App Service app slots should only be accessible over HTTPS',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az webapp update -g "$RG" -n "$APP" --https-only true\naz functionapp update -g "$RG" -n "$FUNC" --set httpsOnly=true',
    arm: '{"properties": {"httpsOnly": true}}',
    bicep: "resource app 'Microsoft.Web/sites@2024-11-01' = {\n  // ...\n  properties: {\n    httpsOnly: true\n  }\n}",
    terraform: 'https_only = true',
    note: 'HTTP requests get a 301 redirect; clients that do not follow redirects (webhooks, devices) need their URLs updated.',
  },
  docs: {
    evaluation:
      'Sites and slots (kinds app, functionapp, linux, workflowapp alike): properties.httpsOnly true passes; false fails (booleans given as strings are accepted). Authentication configuration resources (config name authsettingsV2, or any config resource carrying properties.httpSettings) are subjects of their own: properties.httpSettings.requireHttps false fails. Other config resources (web, appsettings, ...) are not applicable.',
    absent: 'httpsOnly absent = false -> fail (templates and live). requireHttps absent = true -> pass.',
    unresolvable: 'An unresolved httpsOnly or requireHttps -> needs review.',
    crossResource:
      "A site's slots are separate subjects with their own httpsOnly. The KICS website_not_forcing_https samples agree (absent and false fail).",
    references: [
      `${WEB_SWAGGER} SiteProperties.httpsOnly; AuthV2.json HttpSettings.requireHttps`,
      'Azure Policy a4af4a39-4135-47fb-b175-47fbdf85311d and 6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab (HITRUST/HIPAA initiative), ae1b9a8c-dfce-4605-bd91-69213b4a26fc (slots)',
      'hashicorp/terraform-provider-azurerm website/docs/r/linux_web_app.html.markdown https_only (default false)',
      `controls.md D2; ${WEB_PAYLOAD} (httpsOnly false: fail)`,
    ],
  },
  fix: (_resource, { path }) => [
    set(path, true, 'HTTP requests are redirected (301): clients that do not follow redirects need https URLs'),
  ],
  check(resource, { read }) {
    if (isSiteOrSlot(resource)) {
      const httpsOnly = read(resource, 'properties.httpsOnly');
      if (httpsOnly.state === 'unknown') return unknown(httpsOnly);
      const value = asBoolean(httpsOnly.value);
      if (value === true) return pass(httpsOnly.path, httpsOnly.value);
      return fail(httpsOnly, {
        expected: 'true',
        message:
          value === undefined && httpsOnly.value !== undefined
            ? `App '${resource.name}' has httpsOnly ${describeValue(httpsOnly.value)}, which is not a boolean: plain HTTP is served`
            : `App '${resource.name}' serves plain HTTP: httpsOnly is not enabled`,
      });
    }
    const httpSettings = read(resource, 'properties.httpSettings');
    if (shortName(resource).toLowerCase() !== AUTH_SETTINGS && httpSettings.state === 'default') {
      return notApplicable('not an authentication configuration');
    }
    const requireHttps = read(resource, 'properties.httpSettings.requireHttps');
    if (requireHttps.state === 'unknown') return unknown(requireHttps);
    if (asBoolean(requireHttps.value) === false) {
      return fail(requireHttps, {
        expected: 'true',
        message: `The authentication settings of '${resource.name.split('/').slice(0, -1).join('/')}' accept plain HTTP (requireHttps false): tokens and session cookies travel unencrypted`,
      });
    }
    return pass(requireHttps.path, requireHttps.value);
  },
});

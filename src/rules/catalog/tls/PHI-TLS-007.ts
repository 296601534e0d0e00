import { asBoolean } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';
import { defineRule, fail, type RuleContext, unknown } from '../../define.js';
import {
  describeValue,
  isType,
  notPinned,
  SITE_CONFIG,
  SLOT_CONFIG,
  shortName,
  WEB_PAYLOAD,
  WEB_SWAGGER,
  WEB_TYPES,
} from './shared.js';
import { appName, readSiteSetting, subjectOf, webSetting } from './web.js';

const COMPLIANT = ['disabled', 'ftpsonly'];
const SITE_CREDENTIALS = 'Microsoft.Web/sites/basicPublishingCredentialsPolicies';
const SLOT_CREDENTIALS = 'Microsoft.Web/sites/slots/basicPublishingCredentialsPolicies';

/** Advisory: the app's `basicPublishingCredentialsPolicies/ftp` allows basic-auth (user/password) FTP logins. */
function ftpBasicAuthAllowed(site: Resource | undefined, context: RuleContext): boolean {
  if (!site) return false;
  return context.inventory.related(site, 'children').some((child) => {
    if (!isType(child, SITE_CREDENTIALS) && !isType(child, SLOT_CREDENTIALS)) return false;
    if (shortName(child).toLowerCase() !== 'ftp') return false;
    const allow = context.read(child, 'properties.allow');
    return allow.state !== 'unknown' && asBoolean(allow.value) === true;
  });
}

export default defineRule({
  id: 'PHI-TLS-007',
  title: 'App Service or Function app allows unencrypted FTP',
  severity: 'medium',
  pattern: 4,
  hipaa: [
    { cite: '164.312(e)(1)', type: 'R' },
    { cite: '164.312(e)(2)(ii)', type: 'A' },
  ],
  phiScoped: false,
  types: WEB_TYPES,
  children: [SITE_CONFIG, SLOT_CONFIG, SITE_CREDENTIALS, SLOT_CREDENTIALS],
  policies: [
    {
      id: '4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b',
      name: 'App Service apps should require FTPS only',
      relation: 'equivalent',
    },
  ],
  remediation: {
    az: 'az webapp config set -g "$RG" -n "$APP" --ftps-state Disabled',
    arm: '{"properties": {"siteConfig": {"ftpsState": "Disabled"}}}',
    bicep:
      "resource app 'Microsoft.Web/sites@2024-11-01' = {\n  // ...\n  properties: {\n    siteConfig: {\n      ftpsState: 'Disabled'\n    }\n  }\n}",
    terraform: 'site_config { ftps_state = "Disabled" }',
    note: 'Deployment pipelines using FTP must switch to zip deploy / run-from-package.',
  },
  docs: {
    evaluation:
      'Subject: the site or slot. ftpsState is read from its config/web child when that child states it (authoritative), else from the site\'s properties.siteConfig. Disabled and FtpsOnly pass (case-insensitive); AllAllowed and any other value (e.g. the invalid "Enabled") fail. A config/web resource whose site is not in the scan is evaluated on its own; other config resources are not applicable.',
    absent:
      'ARM/Bicep: not pinned -> fail (historical service default AllAllowed; current default UNVERIFIED). Live state is evaluated as returned; a site record without config/web whose siteConfig.ftpsState is null -> needs review.',
    unresolvable: 'An unresolved ftpsState -> needs review.',
    crossResource:
      'Advisory evidence: a basicPublishingCredentialsPolicies/ftp child with allow true (user/password FTP logins) is named in the message and labelled basic-auth-ftp. config/web and the credential policies are declared children (streamed snapshots hold the site until they arrive).',
    references: [
      `${WEB_SWAGGER} SiteConfig.ftpsState (AllAllowed | FtpsOnly | Disabled); CsmPublishingCredentialsPoliciesEntity.allow`,
      'Azure Policy 4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b (AuditIfNotExists on config/web ftpsState)',
      'hashicorp/terraform-provider-azurerm website/docs/r/linux_web_app.html.markdown site_config.ftps_state (default Disabled)',
      `controls.md D2; ${WEB_PAYLOAD} (ftpsState AllAllowed: fail)`,
    ],
  },
  fix: (resource, { path, inventory }) =>
    webSetting(
      resource,
      path,
      'Disabled',
      'deployments over FTP stop: switch them to zip deploy or run-from-package',
      inventory,
    ),
  check(resource, context) {
    const subject = subjectOf(resource, context);
    if ('skip' in subject) return subject.skip;
    const app = appName(subject);
    const basicAuth = ftpBasicAuthAllowed(subject.site, context);
    const labels = basicAuth ? ['basic-auth-ftp'] : undefined;
    const suffix = basicAuth ? '; basic-auth FTP publishing credentials are also allowed' : '';
    const state = readSiteSetting(subject, 'ftpsState', context);
    if (state.state === 'unknown') return unknown(state);
    if (state.value === undefined) {
      return notPinned(resource, state, {
        expected: 'Disabled (or FtpsOnly)',
        message: `App '${app}' does not pin ftpsState, so plain FTP may be allowed${suffix}`,
      });
    }
    if (typeof state.value === 'string' && COMPLIANT.includes(state.value.toLowerCase())) {
      return {
        verdict: 'pass',
        path: state.path,
        actual: state.value,
        message: basicAuth
          ? `App '${app}' allows only FTPS or no FTP; basic-auth FTP publishing credentials are allowed (advisory)`
          : undefined,
      };
    }
    return fail(state, {
      expected: 'Disabled (or FtpsOnly)',
      labels,
      message: `App '${app}' accepts unencrypted FTP (ftpsState ${describeValue(state.value)})${suffix}`,
    });
  },
});

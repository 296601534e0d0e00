import rule from '../../../../src/rules/catalog/tls/PHI-TLS-005.js';
import { parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases } from '../../../helpers/rule-cases.js';
import { body, CONFIG, live, SITE, SLOT, site, siteConfig } from './support.js';

const PAYLOAD = 'web_site_get_2024-11-01.json';
const httpsOnly = parameterCases((expression) => [site({ httpsOnly: expression })], 'bool', false);
const enabled = parameterCases((expression) => [site({ httpsOnly: expression })], 'bool', true);

ruleCases(rule, {
  pass: [
    resourcesCase([site({ httpsOnly: true })], 'httpsOnly true'),
    resourcesCase(
      [site({ httpsOnly: 'True' }, 'func-phi', { kind: 'functionapp,linux' })],
      'function app, httpsOnly "True"',
    ),
    resourcesCase([{ ...site({ httpsOnly: true }, 'app-phi/staging'), type: SLOT }], 'slot with httpsOnly'),
    resourcesCase(
      [siteConfig('app-phi/authsettingsV2', { platform: { enabled: true }, httpSettings: { requireHttps: true } })],
      'auth settings requiring HTTPS',
    ),
    resourcesCase(
      [siteConfig('app-phi/authsettingsV2', { platform: { enabled: true }, httpSettings: {} })],
      'auth settings, requireHttps absent (default true)',
    ),
    live(body(SITE, 'app-phi', { httpsOnly: true }, { kind: 'app,linux' })),
    enabled.fromFile,
  ],
  fail: [
    resourcesCase([site({ httpsOnly: false })], 'httpsOnly false', { needle: '"httpsOnly": false' }),
    resourcesCase([site({})], 'httpsOnly absent (default false)'),
    resourcesCase([site({ httpsOnly: 'no' })], 'httpsOnly not a boolean'),
    resourcesCase([{ ...site({}, 'app-phi/staging'), type: SLOT }], 'slot without httpsOnly'),
    httpsOnly.fromDefault,
    httpsOnly.fromFile,
    resourcesCase(
      [siteConfig('app-phi/authsettingsV2', { httpSettings: { requireHttps: false } })],
      'auth settings accepting HTTP',
      {
        needle: '"requireHttps": false',
      },
    ),
    resourcesCase(
      [siteConfig('app-phi/auth', { httpSettings: { requireHttps: 'false' } })],
      'any config carrying httpSettings',
    ),
    live(body(CONFIG, 'app-phi/authsettingsV2', { httpSettings: { requireHttps: false } })),
    payload(PAYLOAD),
  ],
  unknown: [httpsOnly.missing],
  notApplicable: [
    resourcesCase([siteConfig('app-phi/web', { minTlsVersion: '1.2' })], 'config/web'),
    resourcesCase([siteConfig('app-phi/appsettings', { KEY: 'value' })], 'app settings'),
  ],
});

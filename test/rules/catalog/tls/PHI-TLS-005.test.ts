import rule from '../../../../src/rules/catalog/tls/PHI-TLS-005.js';
import { payload, ruleCases } from '../../../helpers/rule-cases.js';
import { body, CONFIG, live, parameterCases, SITE, SLOT, site, siteConfig, tpl } from './support.js';

const PAYLOAD = 'web_site_get_2024-11-01.json';
const httpsOnly = parameterCases((expression) => [site({ httpsOnly: expression })], 'bool', false);
const enabled = parameterCases((expression) => [site({ httpsOnly: expression })], 'bool', true);

ruleCases(rule, {
  pass: [
    tpl([site({ httpsOnly: true })], 'httpsOnly true'),
    tpl([site({ httpsOnly: 'True' }, 'func-phi', { kind: 'functionapp,linux' })], 'function app, httpsOnly "True"'),
    tpl([{ ...site({ httpsOnly: true }, 'app-phi/staging'), type: SLOT }], 'slot with httpsOnly'),
    tpl(
      [siteConfig('app-phi/authsettingsV2', { platform: { enabled: true }, httpSettings: { requireHttps: true } })],
      'auth settings requiring HTTPS',
    ),
    tpl(
      [siteConfig('app-phi/authsettingsV2', { platform: { enabled: true }, httpSettings: {} })],
      'auth settings, requireHttps absent (default true)',
    ),
    live(body(SITE, 'app-phi', { httpsOnly: true }, { kind: 'app,linux' })),
    enabled.fromFile,
  ],
  fail: [
    tpl([site({ httpsOnly: false })], 'httpsOnly false', { needle: '"httpsOnly": false' }),
    tpl([site({})], 'httpsOnly absent (default false)'),
    tpl([site({ httpsOnly: 'no' })], 'httpsOnly not a boolean'),
    tpl([{ ...site({}, 'app-phi/staging'), type: SLOT }], 'slot without httpsOnly'),
    httpsOnly.fromDefault,
    httpsOnly.fromFile,
    tpl(
      [siteConfig('app-phi/authsettingsV2', { httpSettings: { requireHttps: false } })],
      'auth settings accepting HTTP',
      {
        needle: '"requireHttps": false',
      },
    ),
    tpl([siteConfig('app-phi/auth', { httpSettings: { requireHttps: 'false' } })], 'any config carrying httpSettings'),
    live(body(CONFIG, 'app-phi/authsettingsV2', { httpSettings: { requireHttps: false } })),
    payload(PAYLOAD),
  ],
  unknown: [httpsOnly.missing],
  notApplicable: [
    tpl([siteConfig('app-phi/web', { minTlsVersion: '1.2' })], 'config/web'),
    tpl([siteConfig('app-phi/appsettings', { KEY: 'value' })], 'app settings'),
  ],
});

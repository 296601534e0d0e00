import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-006.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, CONFIG, liveMany, res, SITE, SLOT, site, siteConfig } from './support.js';

const PAYLOAD = 'web_site_get_2024-11-01.json';
const minTls = parameterCases(
  (expression) => [site({ httpsOnly: true, siteConfig: { minTlsVersion: expression } })],
  'string',
  '1.0',
);
const liveSite = (siteProperties: Json, config: Json | undefined, label: string) =>
  liveMany(
    [
      body(SITE, 'app-phi', { httpsOnly: true, ...siteProperties }, { kind: 'app' }),
      ...(config ? [body(CONFIG, 'app-phi/web', config)] : []),
    ],
    `live ${label}`,
  );
const nested = (siteProperties: Json, config: Json) => ({
  ...site(siteProperties),
  resources: [res('config', 'web', config, { apiVersion: '2024-11-01', dependsOn: ['app-phi'] })],
});

ruleCases(rule, {
  pass: [
    resourcesCase([site({ siteConfig: { minTlsVersion: '1.2' } })], 'siteConfig 1.2'),
    resourcesCase([site({ siteConfig: { minTlsVersion: 1.3, scmMinTlsVersion: '1.2' } })], 'number 1.3 and SCM 1.2'),
    resourcesCase([site({}), siteConfig('app-phi/web', { minTlsVersion: '1.2' })], 'config/web child states 1.2'),
    resourcesCase(
      [nested({ siteConfig: { minTlsVersion: '1.2' } }, { ftpsState: 'Disabled' })],
      'nested config/web without it, siteConfig 1.2',
    ),
    resourcesCase([{ ...site({ siteConfig: { minTlsVersion: '1.2' } }, 'app-phi/staging'), type: SLOT }], 'slot'),
    liveSite(
      { siteConfig: { minTlsVersion: null } },
      { minTlsVersion: '1.2', scmMinTlsVersion: '1.2' },
      'site + config/web 1.2',
    ),
    payload(PAYLOAD),
  ],
  fail: [
    minTls.fromDefault,
    minTls.fromFile,
    resourcesCase([site({ siteConfig: { minTlsVersion: '1.1' } })], 'siteConfig 1.1', {
      needle: '"minTlsVersion": "1.1"',
    }),
    resourcesCase([site({})], 'not pinned (properties without siteConfig)'),
    resourcesCase(
      [site({ siteConfig: { minTlsVersion: '1.2' } }), siteConfig('app-phi/web', { minTlsVersion: '1.0' })],
      'config/web 1.0 overrides siteConfig',
      {
        needle: '"minTlsVersion": "1.0"',
      },
    ),
    resourcesCase([site({ siteConfig: { minTlsVersion: '1.2', scmMinTlsVersion: '1.0' } })], 'SCM endpoint 1.0', {
      needle: '"scmMinTlsVersion"',
    }),
    resourcesCase([siteConfig('app-other/web', { minTlsVersion: '1.1' })], 'config/web of a site outside the scan'),
    resourcesCase([site({ siteConfig: { minTlsVersion: 'TLS1_0' } })], 'unrecognised value'),
    liveSite(
      { siteConfig: { minTlsVersion: null } },
      { minTlsVersion: '1.0', scmMinTlsVersion: '1.2' },
      'config/web 1.0',
    ),
  ],
  unknown: [
    minTls.missing,
    liveSite({ siteConfig: { minTlsVersion: null } }, undefined, 'site without config/web record'),
  ],
  notApplicable: [resourcesCase([siteConfig('app-phi/appsettings', { KEY: 'v' })], 'app settings')],
});

describe('PHI-TLS-006 subjects', () => {
  it('evaluates a site and its config/web once, on the site, at the config line', () => {
    const { findings, engine } = run(
      rule,
      resourcesCase(
        [site({ siteConfig: { minTlsVersion: '1.2' } }), siteConfig('app-phi/web', { minTlsVersion: '1.0' })],
        'pair',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [[SITE, 'fail']],
    );
    assert.equal(engine.counts['not-applicable'], 1);
  });

  it('says the value is not pinned when a template leaves it out', () => {
    const { findings } = run(rule, resourcesCase([site({})], 'absent'));
    assert.match(findings[0].message, /not pinned in template/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-007.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, CONFIG, liveMany, res, SITE, site, siteConfig } from './support.js';

const PAYLOAD = 'web_site_get_2024-11-01.json';
const CREDENTIALS = 'Microsoft.Web/sites/basicPublishingCredentialsPolicies';
const ftps = parameterCases((expression) => [site({ siteConfig: { ftpsState: expression } })], 'string', 'AllAllowed');
const liveSite = (config: Json | undefined, label: string, extra: Json[] = []) =>
  liveMany(
    [
      body(SITE, 'app-phi', { siteConfig: { ftpsState: null } }),
      ...(config ? [body(CONFIG, 'app-phi/web', config)] : []),
      ...extra,
    ],
    `live ${label}`,
  );
const ftpCredentials = (allow: boolean) => res(CREDENTIALS, 'app-phi/ftp', { allow }, { apiVersion: '2024-11-01' });

ruleCases(rule, {
  pass: [
    resourcesCase([site({ siteConfig: { ftpsState: 'Disabled' } })], 'Disabled'),
    resourcesCase([site({ siteConfig: { ftpsState: 'ftpsonly' } })], 'FtpsOnly (any case)'),
    resourcesCase(
      [site({ siteConfig: { ftpsState: 'AllAllowed' } }), siteConfig('app-phi/web', { ftpsState: 'Disabled' })],
      'config/web overrides siteConfig',
    ),
    liveSite({ ftpsState: 'FtpsOnly' }, 'config/web FtpsOnly'),
  ],
  fail: [
    resourcesCase([site({ siteConfig: { ftpsState: 'AllAllowed' } })], 'AllAllowed', {
      needle: '"ftpsState": "AllAllowed"',
    }),
    resourcesCase([site({ siteConfig: { ftpsState: 'Enabled' } })], 'the invalid value Enabled'),
    resourcesCase([site({ httpsOnly: true })], 'not pinned'),
    ftps.fromDefault,
    ftps.fromFile,
    resourcesCase([siteConfig('app-other/web', { ftpsState: 'AllAllowed' })], 'config/web of a site outside the scan'),
    liveSite({ ftpsState: 'AllAllowed' }, 'config/web AllAllowed'),
    payload(PAYLOAD),
  ],
  unknown: [ftps.missing, liveSite(undefined, 'site without config/web record')],
  notApplicable: [resourcesCase([siteConfig('app-phi/logs', { httpLogs: {} })], 'logs config')],
});

describe('PHI-TLS-007 basic-auth FTP advisory', () => {
  it('labels a failure when basic-auth FTP publishing is allowed', () => {
    const { findings } = run(
      rule,
      resourcesCase([site({ siteConfig: { ftpsState: 'AllAllowed' } }), ftpCredentials(true)], 'labelled'),
    );
    assert.deepEqual(findings[0].labels, ['basic-auth-ftp']);
    assert.match(findings[0].message, /basic-auth/);
  });

  it('mentions it on a pass without failing', () => {
    const { findings } = run(
      rule,
      resourcesCase([site({ siteConfig: { ftpsState: 'FtpsOnly' } }), ftpCredentials(true)], 'advisory'),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['pass'],
    );
    assert.match(findings[0].message, /advisory/);
  });

  it('stays silent when basic-auth FTP is disallowed', () => {
    const { findings } = run(
      rule,
      resourcesCase([site({ siteConfig: { ftpsState: 'AllAllowed' } }), ftpCredentials(false)], 'off'),
    );
    assert.equal(findings[0].labels, undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-009.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, res } from './support.js';

const DOMAIN = 'Microsoft.Cdn/profiles/customDomains';
const CLASSIC = 'Microsoft.Network/frontDoors';
const domain = (tlsSettings?: Json) =>
  res(
    DOMAIN,
    'afd-phi/portal',
    { hostName: 'portal.contoso.example', ...(tlsSettings ? { tlsSettings } : {}) },
    { apiVersion: '2024-09-01' },
  );
const minimum = parameterCases(
  (expression) => [domain({ certificateType: 'ManagedCertificate', minimumTlsVersion: expression })],
  'string',
  'TLS10',
);
const endpoint = (name: string, https?: Json) => ({
  name,
  properties: { hostName: `${name}.contoso.example`, ...(https ? { customHttpsConfiguration: https } : {}) },
});
const classic = (endpoints: Json[]) =>
  res(CLASSIC, 'fd-phi', { frontendEndpoints: endpoints }, { apiVersion: '2021-06-01' });

ruleCases(rule, {
  pass: [
    resourcesCase([domain({ certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' })], 'TLS12'),
    resourcesCase([domain({ certificateType: 'CustomerCertificate', minimumTlsVersion: 'tls13' })], 'TLS13 (any case)'),
    resourcesCase(
      [
        classic([
          endpoint('portal', { certificateSource: 'FrontDoor', minimumTlsVersion: '1.2' }),
          endpoint('default'),
        ]),
      ],
      'classic 1.2',
    ),
    live(
      body(DOMAIN, 'afd-phi/portal', {
        hostName: 'portal.contoso.example',
        tlsSettings: { minimumTlsVersion: 'TLS12' },
      }),
    ),
  ],
  fail: [
    resourcesCase([domain({ certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS10' })], 'TLS10', {
      needle: '"minimumTlsVersion": "TLS10"',
    }),
    resourcesCase([domain({ certificateType: 'ManagedCertificate' })], 'minimumTlsVersion not pinned'),
    resourcesCase([domain()], 'no tlsSettings'),
    minimum.fromDefault,
    minimum.fromFile,
    resourcesCase(
      [classic([endpoint('portal', { certificateSource: 'FrontDoor', minimumTlsVersion: '1.0' })])],
      'classic 1.0',
      {
        needle: '"minimumTlsVersion": "1.0"',
      },
    ),
    resourcesCase(
      [classic([endpoint('portal', { certificateSource: 'FrontDoor' })])],
      'classic custom HTTPS without a minimum',
    ),
    live(
      body(DOMAIN, 'afd-phi/portal', {
        hostName: 'portal.contoso.example',
        tlsSettings: { minimumTlsVersion: 'TLS10' },
      }),
    ),
  ],
  unknown: [minimum.missing],
  notApplicable: [resourcesCase([classic([endpoint('default')])], 'classic without custom HTTPS')],
});

describe('PHI-TLS-009 classic endpoints', () => {
  it('reports each custom HTTPS endpoint', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [
          classic([
            endpoint('a', { minimumTlsVersion: '1.0' }),
            endpoint('b', { minimumTlsVersion: '1.2' }),
            endpoint('c'),
          ]),
        ],
        'three endpoints',
      ),
    );
    assert.deepEqual(findings.map((f) => f.status).sort(), ['fail', 'pass']);
    assert.match(findings.find((f) => f.status === 'fail')?.message ?? '', /endpoint 'a'/);
  });
});

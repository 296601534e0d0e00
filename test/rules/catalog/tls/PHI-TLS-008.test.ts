import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-008.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, GATEWAY, live, res } from './support.js';

const gateway = (properties: Json, apiVersion = '2025-07-01') =>
  res(GATEWAY, 'agw-phi', { sku: { name: 'WAF_v2', tier: 'WAF_v2', capacity: 2 }, ...properties }, { apiVersion });
const predefined = (policyName: string) => ({ sslPolicy: { policyType: 'Predefined', policyName } });
const policyName = parameterCases(
  (expression) => [gateway({ sslPolicy: { policyType: 'Predefined', policyName: expression } })],
  'string',
  'AppGwSslPolicy20150501',
);
const liveGateway = (properties: Json, label: string) => live(body(GATEWAY, 'agw-phi', properties), `live ${label}`);
const profile = (name: string, sslPolicy: Json) => ({ name, properties: { sslPolicy } });

ruleCases(rule, {
  pass: [
    resourcesCase([gateway(predefined('AppGwSslPolicy20220101'))], 'Predefined 20220101'),
    resourcesCase([gateway(predefined('appgwsslpolicy20170401s'))], 'Predefined 20170401S (any case)'),
    resourcesCase(
      [
        gateway({
          sslPolicy: {
            policyType: 'CustomV2',
            minProtocolVersion: 'TLSv1_2',
            cipherSuites: ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
          },
        }),
      ],
      'CustomV2 TLS 1.2 with a strong cipher',
    ),
    resourcesCase([gateway({ sslPolicy: { policyType: 'Custom', minProtocolVersion: 'TLSv1_3' } })], 'Custom TLS 1.3'),
    resourcesCase(
      [gateway({ sslPolicy: { disabledSslProtocols: ['TLSv1_0', 'TLSv1_1'] } })],
      'legacy form disabling TLS 1.0 and 1.1',
    ),
    resourcesCase([gateway({}, '2023-02-01')], 'absent at apiVersion 2023-02-01 (AppGwSslPolicy20220101)'),
    liveGateway({ defaultPredefinedSslPolicy: 'AppGwSslPolicy20220101' }, 'default policy 20220101'),
    liveGateway(predefined('AppGwSslPolicy20220101S'), 'explicit 20220101S'),
  ],
  fail: [
    resourcesCase([gateway(predefined('AppGwSslPolicy20150501'))], 'Predefined 20150501', {
      needle: '"policyName": "AppGwSslPolicy20150501"',
    }),
    resourcesCase([gateway(predefined('AppGwSslPolicy20170401'))], 'Predefined 20170401 (TLS 1.1)'),
    resourcesCase([gateway({ sslPolicy: { policyType: 'Custom', minProtocolVersion: 'TLSv1_0' } })], 'Custom TLS 1.0', {
      needle: '"minProtocolVersion"',
    }),
    resourcesCase(
      [
        gateway({
          sslPolicy: {
            policyType: 'Custom',
            minProtocolVersion: 'TLSv1_2',
            cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'],
          },
        }),
      ],
      'a 3DES cipher suite',
      { needle: '"cipherSuites"' },
    ),
    resourcesCase([gateway({ sslPolicy: { disabledSslProtocols: ['TLSv1_0'] } })], 'legacy form leaving TLS 1.1 on'),
    resourcesCase([gateway({}, '2022-09-01')], 'absent at apiVersion 2022-09-01 (AppGwSslPolicy20150501)', {
      needle: '"properties"',
    }),
    resourcesCase(
      [
        gateway({
          ...predefined('AppGwSslPolicy20220101'),
          sslProfiles: [profile('legacy-clients', { policyType: 'Predefined', policyName: 'AppGwSslPolicy20150501' })],
        }),
      ],
      'an SSL profile with a weak policy',
      { needle: '"policyName": "AppGwSslPolicy20150501"' },
    ),
    policyName.fromDefault,
    policyName.fromFile,
    liveGateway({ defaultPredefinedSslPolicy: 'AppGwSslPolicy20150501' }, 'default policy 20150501'),
  ],
  unknown: [
    policyName.missing,
    resourcesCase([gateway({}, "[parameters('apiVersion')]")], 'absent under an unresolved apiVersion'),
    liveGateway({}, 'no policy in the record'),
  ],
});

describe('PHI-TLS-008 outcomes', () => {
  it('names the apiVersion default when sslPolicy is absent', () => {
    const { findings } = run(rule, resourcesCase([gateway({}, '2021-08-01')], 'old'));
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /before 2023-02-01/);
  });

  it('evaluates SSL profiles separately from the gateway policy', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [
          gateway({
            ...predefined('AppGwSslPolicy20150501'),
            sslProfiles: [
              profile('modern', { policyType: 'CustomV2', minProtocolVersion: 'TLSv1_3' }),
              profile('plain', {}),
            ],
          }),
        ],
        'profiles',
      ),
    );
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path]),
      [['fail', 'properties.sslPolicy.policyName']],
    );
  });
});

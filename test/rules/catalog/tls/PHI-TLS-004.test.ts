import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-004.js';
import { type Json, parameterCases, resourcesCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { apim, body, live, res } from './support.js';

const BACKEND = 'Microsoft.ApiManagement/service/backends';
const backend = (properties: Json, name = 'apim-phi/ehr') =>
  res(BACKEND, name, { protocol: 'http', ...properties }, { apiVersion: '2024-05-01' });
const url = parameterCases((expression) => [apim(), backend({ url: expression })], 'string', 'http://ehr.internal');
const chain = parameterCases(
  (expression) => [backend({ url: 'https://ehr.internal', tls: { validateCertificateChain: expression } })],
  'bool',
  false,
);

ruleCases(rule, {
  pass: [
    resourcesCase(
      [apim(), backend({ url: 'https://ehr.internal/api' })],
      'https, tls absent (validations on by default)',
    ),
    resourcesCase(
      [
        backend({
          url: 'https://ehr.internal',
          tls: { validateCertificateChain: true, validateCertificateName: 'True' },
        }),
      ],
      'explicit validations',
    ),
    resourcesCase(
      [
        backend({
          url: 'fabric:/ehr/api',
          resourceId:
            'https://management.azure.com/subscriptions/x/resourceGroups/y/providers/Microsoft.ServiceFabric/clusters/c',
        }),
      ],
      'Service Fabric backend',
    ),
    resourcesCase(
      [backend({ type: 'Pool', pool: { services: [{ id: '/subscriptions/x/backends/a' }] } })],
      'load-balanced pool without a url',
    ),
    live(
      body(BACKEND, 'apim-phi/ehr', {
        url: 'https://ehr.internal',
        protocol: 'http',
        tls: { validateCertificateChain: true, validateCertificateName: true },
      }),
    ),
  ],
  fail: [
    resourcesCase([apim(), backend({ url: 'HTTP://ehr.internal' })], 'plain HTTP url', { needle: '"url"' }),
    resourcesCase(
      [backend({ url: 'https://ehr.internal', tls: { validateCertificateChain: false } })],
      'certificate chain not validated',
      {
        needle: '"validateCertificateChain"',
      },
    ),
    resourcesCase(
      [backend({ url: 'https://ehr.internal', tls: { validateCertificateName: 'false' } })],
      'certificate name not validated',
    ),
    url.fromDefault,
    url.fromFile,
    chain.fromFile,
    live(body(BACKEND, 'apim-phi/ehr', { url: 'http://10.0.0.4', protocol: 'http' })),
  ],
  unknown: [
    url.missing,
    chain.missing,
    resourcesCase([backend({ url: '{{ehr-backend-url}}' })], 'url from a named value'),
    resourcesCase([backend({ description: 'no url' })], 'url absent on a single backend'),
  ],
});

describe('PHI-TLS-004 outcomes', () => {
  it('reports a plain HTTP url and a disabled validation separately', () => {
    const { findings } = run(
      rule,
      resourcesCase([backend({ url: 'http://ehr.internal', tls: { validateCertificateName: false } })], 'both'),
    );
    assert.deepEqual(findings.map((f) => f.evidence.path).sort(), [
      'properties.tls.validateCertificateName',
      'properties.url',
    ]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-002.js';
import { parameterCases, resourcesCase, template, templateCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { API, apim, apiResource, body, live } from './support.js';

const serviceUrl = parameterCases(
  (expression) => [apim(), apiResource({ protocols: ['https'], serviceUrl: expression })],
  'string',
  'http://ehr.internal/api',
);
const liveApi = (properties: Record<string, unknown>, label: string, name = 'apim-phi/patients') =>
  live(body(API, name, properties), `live ${label}`);

ruleCases(rule, {
  pass: [
    resourcesCase([apim(), apiResource({ protocols: ['https'] })], 'https only'),
    resourcesCase(
      [apim(), apiResource({ protocols: ['HTTPS', 'wss'], serviceUrl: 'https://ehr.internal/api' })],
      'https + wss, https backend',
    ),
    resourcesCase([apim(), apiResource({})], 'protocols absent (service default https)'),
    resourcesCase([apiResource({ protocols: ['https'] }, 'apim-phi/patients;rev=2')], 'a revision'),
    liveApi({ protocols: ['https'], serviceUrl: 'https://ehr.internal' }, 'https'),
  ],
  fail: [
    resourcesCase([apim(), apiResource({ protocols: ['http', 'https'] })], 'http and https', { needle: '"protocols"' }),
    resourcesCase([apim(), apiResource({ protocols: ['WS'] })], 'websocket without TLS'),
    resourcesCase(
      [apim(), apiResource({ protocols: ['https'], serviceUrl: 'HTTP://ehr.internal/api' })],
      'plain HTTP backend',
      {
        needle: '"serviceUrl"',
      },
    ),
    serviceUrl.fromDefault,
    serviceUrl.fromFile,
    liveApi({ protocols: ['http', 'https'] }, 'http', 'apim-phi/patients;rev=3'),
  ],
  unknown: [
    serviceUrl.missing,
    templateCase(
      template([apim(), apiResource({ protocols: "[parameters('protocols')]" })], { protocols: { type: 'array' } }),
      'protocols from a parameter without value',
    ),
    templateCase(
      template([apim(), apiResource({ protocols: ['https', "[parameters('p')]"] })], { p: { type: 'string' } }),
      'one protocol unresolved',
    ),
  ],
});

describe('PHI-TLS-002 outcomes', () => {
  it('reports protocols and serviceUrl as separate failures', () => {
    const { findings } = run(
      rule,
      resourcesCase([apim(), apiResource({ protocols: ['http'], serviceUrl: 'http://ehr.internal' })], 'both'),
    );
    assert.deepEqual(findings.map((f) => f.evidence.path).sort(), ['properties.protocols', 'properties.serviceUrl']);
  });

  it('a failing protocol list decides over an unresolved serviceUrl', () => {
    const { findings } = run(
      rule,
      templateCase(
        template([apiResource({ protocols: ['http'], serviceUrl: "[parameters('u')]" })], { u: { type: 'string' } }),
        'decided',
      ),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });
});

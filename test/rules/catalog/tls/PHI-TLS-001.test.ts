import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-001.js';
import { parameterCases, resourcesCase, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { APIM, apim, body, customProperties, KEY, live, payloadWith } from './support.js';

const PAYLOAD = 'apim_service_get_2024-05-01.json';
const legacy = parameterCases(
  (expression) => [apim({ customProperties: customProperties({ [KEY.tls10]: expression }) })],
  'string',
  'True',
);

const liveService = (properties: Record<string, unknown>, label: string) =>
  live(body(APIM, 'apim-phi', properties), `live ${label}`);

ruleCases(rule, {
  pass: [
    resourcesCase([apim({ customProperties: customProperties() })], 'every legacy key "False"'),
    resourcesCase([apim()], 'customProperties absent (a deployment resets keys to False)'),
    resourcesCase(
      [apim({ customProperties: { [KEY.tls10]: false, [KEY.tls11.toLowerCase()]: 'false' } })],
      'boolean false and lower-case key; others absent',
    ),
    resourcesCase(
      [apim({ customProperties: customProperties({ [KEY.http2]: 'True' }) })],
      'Http2 on is not a legacy protocol',
    ),
    liveService({ createdAtUtc: '2021-06-16T09:40:00Z' }, 'created 2021, no customProperties (default False)'),
    liveService({ createdAtUtc: '2018-04-02T00:00:00Z', customProperties: {} }, 'created the day after the cutoff'),
    payload(PAYLOAD),
  ],
  fail: [
    resourcesCase([apim({ customProperties: customProperties({ [KEY.tls10]: 'True' }) })], 'client TLS 1.0 "True"', {
      needle: `"${KEY.tls10}": "True"`,
    }),
    resourcesCase(
      [apim({ customProperties: customProperties({ [KEY.backendSsl30]: true }) })],
      'backend SSL 3.0 boolean true',
      {
        needle: `"${KEY.backendSsl30}": true`,
      },
    ),
    resourcesCase([apim({ customProperties: customProperties({ [KEY.tripleDes]: 'true' }) })], '3DES "true"'),
    resourcesCase(
      [apim({ customProperties: customProperties({ [KEY.tls11]: 'yes' }) })],
      'a value that is not a boolean',
    ),
    legacy.fromDefault,
    legacy.fromFile,
    liveService({ createdAtUtc: '2017-05-01T00:00:00Z' }, 'created 2017, no customProperties (default True)'),
    liveService(
      { createdAtUtc: '2018-04-01T23:00:00Z', customProperties: customProperties({ [KEY.tls10]: undefined }) },
      'created on the cutoff day, Tls10 absent',
    ),
    payloadWith(PAYLOAD, (p) => {
      (p.customProperties as Record<string, unknown>)[KEY.tls11] = 'True';
    }),
  ],
  unknown: [
    legacy.missing,
    liveService({}, 'no createdAtUtc and no customProperties'),
    templateCase(
      template([apim({ customProperties: "[parameters('map')]" })], { map: { type: 'object' } }),
      'customProperties from a parameter without value',
    ),
  ],
});

describe('PHI-TLS-001 outcomes', () => {
  it('reports one failure per enabled key, labelled by side', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [
          apim({
            customProperties: customProperties({
              [KEY.tls10]: 'True',
              [KEY.backendTls11]: 'True',
              [KEY.tripleDes]: 'True',
            }),
          }),
        ],
        'three keys',
      ),
    );
    assert.deepEqual(findings.map((f) => [f.status, f.labels?.[0]]).sort(), [
      ['fail', 'backend'],
      ['fail', 'cipher'],
      ['fail', 'client'],
    ]);
  });

  it('names the creation-date default for a live service created before the cutoff', () => {
    const { findings } = run(rule, liveService({ createdAtUtc: '2016-01-01T00:00:00Z' }, 'old'));
    assert.equal(findings.filter((f) => f.status === 'fail').length, 7);
    assert.match(findings[0].message, /on or before 2018-04-01/);
  });

  it('keeps the other keys when one is unresolved', () => {
    const { findings } = run(
      rule,
      templateCase(
        template(
          [apim({ customProperties: customProperties({ [KEY.tls10]: "[parameters('x')]", [KEY.ssl30]: 'True' }) })],
          { x: { type: 'string' } },
        ),
        'mixed',
      ),
    );
    assert.deepEqual(findings.map((f) => f.status).sort(), ['fail', 'unknown']);
  });
});

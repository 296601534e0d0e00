import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/dat/PHI-DAT-003.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live } from '../net/support.js';
import { cors, FHIR, fhir, legacy, PAYLOAD } from './support.js';

const PORTAL = 'https://portal.contoso-health.example';
const origins = parameterCases((expression) => [fhir(cors(expression))], 'array', ['*']);
const origin = parameterCases((expression) => [fhir(cors([PORTAL, expression]))], 'string', '*');

ruleCases(rule, {
  pass: [
    templateCase(template([fhir()]), 'no CORS configuration'),
    templateCase(template([fhir(cors([]))]), 'no origins'),
    templateCase(template([fhir(cors([PORTAL, 'https://smart.example.org'], true))]), 'explicit HTTPS origins'),
    templateCase(template([legacy(cors([PORTAL]))]), 'Azure API for FHIR with an explicit origin'),
    payload(PAYLOAD, (service) => {
      ((service.properties as Record<string, unknown>).corsConfiguration as Record<string, unknown>).origins = [PORTAL];
    }),
  ],
  fail: [
    templateCase(template([fhir(cors(['*']))]), 'any origin', { needle: '"*"', after: '"origins"' }),
    templateCase(template([fhir(cors([PORTAL, '*']))]), 'any origin among explicit ones', {
      needle: '"*"',
      after: '"origins"',
    }),
    // The element sits on the line after `"value": [` in the parameter file.
    named(origins.fromFile, 'arm origins ["*"] from the parameter file', { line: (origins.fromFile.line ?? 0) + 1 }),
    origin.fromDefault,
    payload(PAYLOAD),
    templateCase(template([legacy(cors(['*']))]), 'Azure API for FHIR with any origin'),
    templateCase(
      template([fhir(cors([PORTAL, '*', "[parameters('extra')]"]))], { extra: { type: 'string' } }),
      'any origin decides even with an unresolved one',
    ),
    templateCase(template([fhir(cors(['http://legacy.example.org'], true))]), 'credentials to a plain-HTTP origin', {
      needle: '"http://legacy.example.org"',
    }),
    live(body(FHIR, 'phiws/phifhir', cors(['*'])), 'live FHIR service with any origin'),
  ],
  unknown: [origins.missing, origin.missing],
});

describe('PHI-DAT-003 findings', () => {
  it('labels credentials to plain-HTTP origins as advisory, and only with allowCredentials', () => {
    const [advisory] = run(
      rule,
      templateCase(template([fhir(cors(['http://legacy.example.org'], true))]), 'x'),
    ).findings;
    assert.deepEqual(advisory.labels, ['advisory']);
    assert.match(advisory.message, /plain-HTTP origin http:\/\/legacy\.example\.org/);
    const [plain] = run(rule, templateCase(template([fhir(cors(['http://legacy.example.org'], false))]), 'x')).findings;
    assert.equal(plain.status, 'pass');
  });

  it('reports the wildcard origin, not the advisory, when both apply', () => {
    const findings = run(rule, templateCase(template([fhir(cors(['*', 'http://a.example.org'], true))]), 'x')).findings;
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path, f.labels]),
      [['fail', 'properties.corsConfiguration.origins.0', undefined]],
    );
  });
});

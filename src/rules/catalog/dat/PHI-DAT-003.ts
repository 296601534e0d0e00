import { asBoolean } from '../../../core/path.js';
import type { Outcome } from '../../../core/types.js';
import { defineRule, fail, type PathRead, pass, unknown } from '../../define.js';
import { remove, set } from '../fixes.js';
import { type Blocker, blockerMessage, blockerOf } from '../net/tri.js';
import { AHDS_SWAGGER, CONTROLS_H1, FHIR_PAYLOAD, FHIR_SERVICE, LEGACY_FHIR } from './shared.js';

const ORIGINS = 'properties.corsConfiguration.origins';

export default defineRule({
  id: 'PHI-DAT-003',
  title: 'FHIR service CORS allows any origin',
  severity: 'medium',
  pattern: 8,
  hipaa: [
    { cite: '164.312(a)(1)', type: 'R' },
    { cite: '164.312(e)(1)', type: 'R' },
  ],
  phiScoped: false,
  types: [FHIR_SERVICE, LEGACY_FHIR],
  policies: [
    {
      id: 'fe1c9040-c46a-4e81-9aea-c7850fbb3aa6',
      name: 'CORS should not allow every domain to access your FHIR Service',
      relation: 'equivalent',
    },
    {
      id: '0fea8f8a-4169-495d-8307-30ec335f387d',
      name: 'CORS should not allow every domain to access your API for FHIR',
      relation: 'equivalent (legacy)',
    },
  ],
  remediation: {
    az: 'az resource update --ids "$FHIR_ID" --set properties.corsConfiguration.origins=\'["https://portal.example.org"]\'',
    arm: '{"properties": {"corsConfiguration": {"origins": ["https://portal.example.org"], "allowCredentials": false}}}',
    bicep:
      "resource fhir 'Microsoft.HealthcareApis/workspaces/fhirservices@2024-03-31' = {\n  // ...\n  properties: {\n    corsConfiguration: { origins: [ 'https://portal.example.org' ], allowCredentials: false }\n  }\n}",
    terraform: 'cors { allowed_origins = ["https://portal.example.org"] }',
    note: 'Browser apps on other origins stop working; list every legitimate SMART app origin first.',
  },
  docs: {
    evaluation:
      'Reads properties.corsConfiguration.origins[] of a FHIR service or Azure API for FHIR. An origin "*" fails (any web site can call the FHIR API from a signed-in user\'s browser); explicit origins pass. Advisory (a failure labelled "advisory"): allowCredentials true together with an http:// origin, since credentials then travel to a page served without TLS.',
    absent: 'No CORS configuration (or no origins) -> pass.',
    unresolvable: 'The origins list or one origin unresolved -> needs review, unless another origin is already "*".',
    crossResource: 'None.',
    references: [
      `${AHDS_SWAGGER}: CorsConfiguration.{origins, headers, methods, maxAge, allowCredentials}`,
      'Azure Policy fe1c9040-c46a-4e81-9aea-c7850fbb3aa6 (FHIR service); 0fea8f8a-4169-495d-8307-30ec335f387d (Azure API for FHIR)',
      `${CONTROLS_H1}; ${FHIR_PAYLOAD} (origins ["*"]: fail)`,
    ],
  },
  fix(_service, { path, actual }) {
    const note = 'browser apps on other origins stop working: list every legitimate SMART app origin first';
    if (path === ORIGINS) return [set(path, [], note)];
    if (typeof actual === 'string' && /^http:\/\//i.test(actual.trim())) {
      return [set(path, actual.trim().replace(/^http:\/\//i, 'https://'), 'the app must be served over HTTPS')];
    }
    return [remove(path, note)];
  },
  check(service, { read }) {
    const origins = read(service, ORIGINS);
    if (origins.state === 'unknown') return unknown(origins);
    const entries: { read: PathRead; text: string }[] = [];
    let blocker: Blocker | undefined;
    if (typeof origins.value === 'string') entries.push({ read: origins, text: origins.value });
    else if (Array.isArray(origins.value)) {
      for (let i = 0; i < origins.value.length; i++) {
        const origin = read(service, `${ORIGINS}.${i}`);
        if (origin.state === 'unknown') blocker ??= blockerOf(origin);
        else if (typeof origin.value === 'string') entries.push({ read: origin, text: origin.value.trim() });
      }
    }
    const wildcards = entries.filter((entry) => entry.text === '*');
    if (wildcards.length > 0) {
      return wildcards.map(
        (entry): Outcome =>
          fail(entry.read, {
            expected: 'explicit HTTPS origins',
            message: 'CORS allows any origin ("*"): any web site can call the FHIR API from a signed-in browser',
          }),
      );
    }
    if (blocker) return unknown(blocker, blockerMessage(blocker));
    const credentials = read(service, 'properties.corsConfiguration.allowCredentials');
    const plain = entries.filter((entry) => /^http:\/\//i.test(entry.text));
    if (credentials.state !== 'unknown' && asBoolean(credentials.value) === true && plain.length > 0) {
      return plain.map(
        (entry): Outcome =>
          fail(entry.read, {
            expected: 'HTTPS origins when allowCredentials is true',
            message: `CORS sends credentials to the plain-HTTP origin ${entry.text} (allowCredentials true)`,
            labels: ['advisory'],
          }),
      );
    }
    return pass(ORIGINS, origins.value === undefined ? [] : origins.value);
  },
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/dat/PHI-DAT-002.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live } from '../net/support.js';
import { FHIR, fhir, KEY_URL, legacy, PAYLOAD } from './support.js';

const cmk = (keyEncryptionKeyUrl: unknown) => ({
  encryption: { customerManagedKeyEncryption: { keyEncryptionKeyUrl } },
});
const keyParam = parameterCases((expression) => [fhir(cmk(expression))], 'string', '');

ruleCases(rule, {
  pass: [
    templateCase(template([fhir(cmk(KEY_URL))]), 'FHIR service with a CMK'),
    templateCase(
      template([fhir(cmk("[parameters('key')]"))], { key: { type: 'string' } }),
      'key URL from an unresolved parameter (presence)',
    ),
    payload(PAYLOAD),
    templateCase(
      template([legacy({ cosmosDbConfiguration: { offerThroughput: 400, keyVaultKeyUri: KEY_URL } })]),
      'Azure API for FHIR with a CMK',
    ),
    live(body(FHIR, 'phiws/phifhir', cmk(`${KEY_URL}/0123456789abcdef`)), 'live FHIR service with a versioned key'),
  ],
  fail: [
    templateCase(template([fhir()]), 'FHIR service without encryption settings', {
      needle: '"properties"',
      after: '"phiws/phifhir"',
    }),
    templateCase(template([fhir(cmk(''))]), 'empty key URL', { needle: '"keyEncryptionKeyUrl"' }),
    keyParam.fromDefault,
    keyParam.fromFile,
    templateCase(template([legacy({ cosmosDbConfiguration: { offerThroughput: 400 } })]), 'Azure API for FHIR'),
    payload(PAYLOAD, (service) => {
      delete (service.properties as Record<string, unknown>).encryption;
    }),
    live(body(FHIR, 'phiws/phifhir', { publicNetworkAccess: 'Enabled' }), 'live FHIR service as ARG returns it'),
  ],
});

describe('PHI-DAT-002 messages', () => {
  it('says the data is encrypted with a Microsoft-managed key, never "unencrypted"', () => {
    const [finding] = run(rule, templateCase(template([fhir()]), 'x')).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /Microsoft-managed key/);
    assert.doesNotMatch(finding.message, /unencrypted|not encrypted/i);
  });
});

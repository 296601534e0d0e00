import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-003.js';
import { arm, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import {
  fromMissingParameter,
  fromParameterDefault,
  fromParameterFile,
  liveAccount,
  PAYLOAD,
  payloadWith,
} from './support.js';

ruleCases(rule, {
  pass: [
    arm({ supportsHttpsTrafficOnly: true }),
    arm({ supportsHttpsTrafficOnly: 'True' }),
    arm({}, { apiVersion: '2019-04-01', label: 'absent at apiVersion 2019-04-01 (default true)' }),
    arm(undefined, { apiVersion: '2023-05-01', label: 'no properties at apiVersion 2023-05-01' }),
    fromParameterFile('supportsHttpsTrafficOnly', true, 'bool'),
    liveAccount({ supportsHttpsTrafficOnly: true }),
    payloadWith({ supportsHttpsTrafficOnly: true }),
  ],
  fail: [
    arm({ supportsHttpsTrafficOnly: false }),
    arm({ supportsHttpsTrafficOnly: 'false' }, { apiVersion: '2023-05-01' }),
    arm({}, { apiVersion: '2018-07-01', label: 'absent at apiVersion 2018-07-01 (default false)' }),
    arm(undefined, { apiVersion: '2017-10-01', label: 'no properties at apiVersion 2017-10-01' }),
    fromParameterFile('supportsHttpsTrafficOnly', false, 'bool'),
    fromParameterDefault('supportsHttpsTrafficOnly', false, 'bool'),
    liveAccount({ supportsHttpsTrafficOnly: false }),
    payload(PAYLOAD),
  ],
  unknown: [
    fromMissingParameter('supportsHttpsTrafficOnly', 'bool'),
    arm({}, { apiVersion: "[parameters('apiVersion')]", label: 'absent under an unresolved apiVersion' }),
  ],
});

describe('PHI-STG-003 messages', () => {
  it('names the API-version default when the property is absent', () => {
    const { findings } = run(rule, arm({}, { apiVersion: '2018-07-01' }));
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /before 2019-04-01/);
  });
});

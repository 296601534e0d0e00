import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-004.js';
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
    arm({ minimumTlsVersion: 'TLS1_2' }),
    arm({ minimumTlsVersion: 'tls1_2' }),
    arm({ minimumTlsVersion: 'TLS1_3' }),
    fromParameterFile('minimumTlsVersion', 'TLS1_2', 'string'),
    liveAccount({ minimumTlsVersion: 'TLS1_2' }),
    payloadWith({ minimumTlsVersion: 'TLS1_2' }),
  ],
  fail: [
    arm({ minimumTlsVersion: 'TLS1_0' }),
    arm({ minimumTlsVersion: 'TLS1_1' }),
    arm({}, { label: 'absent (default interpretation TLS 1.0)' }),
    arm({ minimumTlsVersion: 'SSL3' }, { label: 'unrecognised value' }),
    fromParameterFile('minimumTlsVersion', 'TLS1_1', 'string'),
    fromParameterDefault('minimumTlsVersion', 'TLS1_0', 'string'),
    liveAccount({ minimumTlsVersion: 'TLS1_1' }),
    payload(PAYLOAD),
  ],
  unknown: [fromMissingParameter('minimumTlsVersion', 'string')],
});

describe('PHI-STG-004 messages', () => {
  it('reports the effective version of an absent setting', () => {
    const { findings } = run(rule, payload(PAYLOAD));
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /TLS 1\.0/);
    assert.equal(findings[0].evidence.actual, 'TLS1_0');
  });
});

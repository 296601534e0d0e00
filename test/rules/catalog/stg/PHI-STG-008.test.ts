import rule from '../../../../src/rules/catalog/stg/PHI-STG-008.js';
import { arm, payload, ruleCases } from '../../../helpers/rule-cases.js';
import {
  fromMissingParameter,
  fromParameterDefault,
  fromParameterFile,
  liveAccount,
  nonPhi,
  PAYLOAD,
  payloadWith,
} from './support.js';

ruleCases(rule, {
  pass: [
    arm({ encryption: { requireInfrastructureEncryption: true, keySource: 'Microsoft.Storage' } }),
    arm({ encryption: { requireInfrastructureEncryption: 'True' } }),
    fromParameterFile('encryption.requireInfrastructureEncryption', true, 'bool'),
    liveAccount({ encryption: { keySource: 'Microsoft.Storage', requireInfrastructureEncryption: true } }),
    payloadWith({ encryption: { keySource: 'Microsoft.Storage', requireInfrastructureEncryption: true } }),
  ],
  fail: [
    arm({ encryption: { requireInfrastructureEncryption: false } }),
    arm({ encryption: { keySource: 'Microsoft.Keyvault' } }, { label: 'absent (default false)' }),
    arm({}, { label: 'no encryption object' }),
    fromParameterFile('encryption.requireInfrastructureEncryption', false, 'bool'),
    fromParameterDefault('encryption.requireInfrastructureEncryption', false, 'bool'),
    liveAccount({ encryption: { keySource: 'Microsoft.Storage', requireInfrastructureEncryption: false } }),
    payload(PAYLOAD),
  ],
  unknown: [fromMissingParameter('encryption.requireInfrastructureEncryption', 'bool')],
  notApplicable: [nonPhi(arm({})), nonPhi(payload(PAYLOAD))],
});

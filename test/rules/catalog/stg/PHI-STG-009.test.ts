import rule from '../../../../src/rules/catalog/stg/PHI-STG-009.js';
import { arm, payload, ruleCases, withConfig } from '../../../helpers/rule-cases.js';
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
    arm({ allowSharedKeyAccess: false }),
    arm({ allowSharedKeyAccess: 'false' }),
    fromParameterFile('allowSharedKeyAccess', false, 'bool'),
    liveAccount({ allowSharedKeyAccess: false }),
    payloadWith({ allowSharedKeyAccess: false }),
  ],
  fail: [
    arm({ allowSharedKeyAccess: true }),
    arm({}, { label: 'absent (null is equivalent to true)' }),
    fromParameterFile('allowSharedKeyAccess', true, 'bool'),
    fromParameterDefault('allowSharedKeyAccess', true, 'bool'),
    liveAccount({ allowSharedKeyAccess: true }),
    payload(PAYLOAD),
    withConfig(
      arm({}, { resource: { tags: { 'data-classification': 'PHI' } }, label: 'tagged PHI under non-phi default' }),
      (config) => {
        config.classification.default = 'non-phi';
      },
    ),
  ],
  unknown: [fromMissingParameter('allowSharedKeyAccess', 'bool')],
  notApplicable: [nonPhi(arm({})), nonPhi(liveAccount({ allowSharedKeyAccess: true }))],
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-001.js';
import { arm, armTemplate, liveMany, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import {
  ACCOUNT_ID,
  accountBody,
  CONTAINER,
  fromMissingParameter,
  fromParameterDefault,
  fromParameterFile,
  liveAccount,
  PAYLOAD,
  payloadWith,
  storageTemplate,
} from './support.js';

ruleCases(rule, {
  pass: [
    arm({ allowBlobPublicAccess: false }),
    arm({ allowBlobPublicAccess: 'False' }),
    fromParameterFile('allowBlobPublicAccess', false, 'bool'),
    liveAccount({ allowBlobPublicAccess: false }),
    payloadWith({ allowBlobPublicAccess: false }),
  ],
  fail: [
    arm({ allowBlobPublicAccess: true }),
    arm({ allowBlobPublicAccess: 'true' }),
    arm({ supportsHttpsTrafficOnly: true }, { label: 'arm allowBlobPublicAccess absent (not pinned)' }),
    arm(undefined, { label: 'arm without properties (not pinned)' }),
    fromParameterFile('allowBlobPublicAccess', true, 'bool'),
    fromParameterDefault('allowBlobPublicAccess', true, 'bool'),
    liveAccount({ allowBlobPublicAccess: true }),
    payload(PAYLOAD),
  ],
  unknown: [
    fromMissingParameter('allowBlobPublicAccess', 'bool'),
    arm({ allowBlobPublicAccess: "[reference('other').allowPublic]" }),
  ],
});

describe('PHI-STG-001 messages', () => {
  it('says "not pinned" when a template omits the property', () => {
    const { findings } = run(rule, arm({}));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /not pinned in template/);
  });

  it('explains the live default of an account that does not return the property', () => {
    const { findings } = run(rule, payload(PAYLOAD));
    assert.equal(findings[0].status, 'fail');
    assert.match(findings[0].message, /2023 default change/);
  });

  it('names the containers that are actually exposed', () => {
    const exposed = { id: `${ACCOUNT_ID}/blobServices/default/containers/scans`, name: 'scans', type: CONTAINER };
    const { findings } = run(
      rule,
      liveMany(
        [
          accountBody({ allowBlobPublicAccess: true }),
          { ...exposed, properties: { publicAccess: 'Container' } },
          {
            ...exposed,
            id: exposed.id.replace('scans', 'private'),
            name: 'private',
            properties: { publicAccess: 'None' },
          },
        ],
        'account with a public and a private container',
      ),
    );
    const failure = findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.message, /containers allowing anonymous reads: scans$/);
  });

  it('finds containers declared nested in a template', () => {
    const template = storageTemplate(
      { allowBlobPublicAccess: true },
      {
        resource: {
          resources: [
            {
              type: 'blobServices/containers',
              apiVersion: '2025-06-01',
              name: 'default/images',
              properties: { publicAccess: 'Blob' },
            },
          ],
        },
      },
    );
    const { findings } = run(rule, armTemplate(template));
    const failure = findings.find(
      (f) => f.status === 'fail' && f.resource.type === 'Microsoft.Storage/storageAccounts',
    );
    assert.ok(failure);
    assert.match(failure.message, /images/);
  });
});

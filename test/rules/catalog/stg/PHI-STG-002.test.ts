import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/stg/PHI-STG-002.js';
import { lineOf } from '../../../helpers/arm-cases.js';
import { arm, armTemplate, type Case, live, liveMany, ruleCases, run } from '../../../helpers/rule-cases.js';
import { ACCOUNT_ID, accountBody, CONTAINER, storageTemplate } from './support.js';

function container(properties: Record<string, unknown> | undefined, label?: string): Case {
  return arm(properties, { type: CONTAINER, name: 'phistore/default/records', label });
}

/** An account template with a nested `blobServices/containers` child. */
function nestedIn(
  accountProperties: Record<string, unknown> | undefined,
  containerProperties: Record<string, unknown>,
): Case {
  const template = storageTemplate(accountProperties, {
    resource: {
      resources: [
        {
          type: 'blobServices/containers',
          apiVersion: '2025-06-01',
          name: 'default/records',
          properties: containerProperties,
        },
      ],
    },
  });
  return armTemplate(
    template,
    undefined,
    `nested container ${JSON.stringify(containerProperties)} in account ${JSON.stringify(accountProperties)}`,
  );
}

/** blobServices/default declared with a `containers` child (the KICS corpus shape). */
function underBlobService(publicAccess: unknown): Case {
  const template = storageTemplate(
    {},
    {
      others: [
        {
          type: 'Microsoft.Storage/storageAccounts/blobServices',
          apiVersion: '2025-06-01',
          name: 'phistore/default',
          dependsOn: ["[resourceId('Microsoft.Storage/storageAccounts', 'phistore')]"],
          resources: [{ type: 'containers', apiVersion: '2025-06-01', name: 'records', properties: { publicAccess } }],
        },
      ],
    },
  );
  return armTemplate(
    template,
    undefined,
    `containers child of blobServices/default, publicAccess ${JSON.stringify(publicAccess)}`,
  );
}

function liveContainer(publicAccess: unknown): Record<string, unknown> {
  return {
    id: `${ACCOUNT_ID}/blobServices/default/containers/records`,
    name: 'records',
    type: CONTAINER,
    properties: publicAccess === undefined ? {} : { publicAccess },
  };
}

function fromParameterFile(value: string): Case {
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { access: { type: 'string' } },
    resources: [
      {
        type: CONTAINER,
        apiVersion: '2025-06-01',
        name: 'phistore/default/records',
        properties: { publicAccess: "[parameters('access')]" },
      },
    ],
  };
  const values = { access: { value } };
  const text = JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: values,
    },
    null,
    2,
  );
  return {
    ...armTemplate(template, values, `publicAccess ${value} from the parameter file`),
    file: 'test.parameters.json',
    line: lineOf(text, '"value"', '"access"'),
  };
}

ruleCases(rule, {
  pass: [
    container({ publicAccess: 'None' }),
    container({ publicAccess: 'none' }),
    container({}, 'publicAccess absent (service default None)'),
    container(undefined, 'container without properties'),
    nestedIn({ allowBlobPublicAccess: true }, { publicAccess: 'None' }),
    underBlobService('None'),
    live(liveContainer('None')),
    live(liveContainer(undefined), 'live container without publicAccess'),
  ],
  fail: [
    container({ publicAccess: 'Container' }),
    container({ publicAccess: 'blob' }),
    nestedIn({}, { publicAccess: 'Blob' }),
    underBlobService('Container'),
    fromParameterFile('Blob'),
    live(liveContainer('Container')),
    liveMany(
      [accountBody({ allowBlobPublicAccess: false }), liveContainer('Blob')],
      'live container Blob under a locked account',
    ),
  ],
  unknown: [
    armTemplate(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        parameters: { access: { type: 'string' } },
        resources: [
          {
            type: CONTAINER,
            apiVersion: '2025-06-01',
            name: 'phistore/default/records',
            properties: { publicAccess: "[parameters('access')]" },
          },
        ],
      },
      undefined,
      'publicAccess from a parameter without value',
    ),
  ],
});

describe('PHI-STG-002 latent label', () => {
  function labelsOf(testCase: Case): string[][] {
    return run(rule, testCase)
      .findings.filter((f) => f.status === 'fail')
      .map((f) => f.labels ?? []);
  }

  it('labels the failure latent when the parent account explicitly blocks anonymous access', () => {
    assert.deepEqual(labelsOf(nestedIn({ allowBlobPublicAccess: false }, { publicAccess: 'Container' })), [['latent']]);
    assert.deepEqual(
      labelsOf(liveMany([accountBody({ allowBlobPublicAccess: 'false' }), liveContainer('Blob')], 'live')),
      [['latent']],
    );
  });

  it('does not label it when the account allows anonymous access, does not pin it, or is out of scope', () => {
    assert.deepEqual(labelsOf(nestedIn({ allowBlobPublicAccess: true }, { publicAccess: 'Container' })), [[]]);
    assert.deepEqual(labelsOf(nestedIn({}, { publicAccess: 'Container' })), [[]]);
    assert.deepEqual(labelsOf(container({ publicAccess: 'Container' })), [[]]);
  });

  it('finds the account of a top-level container resource', () => {
    const template = storageTemplate(
      { allowBlobPublicAccess: false },
      {
        others: [
          {
            type: CONTAINER,
            apiVersion: '2025-06-01',
            name: 'phistore/default/records',
            properties: { publicAccess: 'Blob' },
          },
        ],
      },
    );
    assert.deepEqual(labelsOf(armTemplate(template)), [['latent']]);
  });
});

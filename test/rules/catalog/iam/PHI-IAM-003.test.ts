import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-003.js';
import { lineOf } from '../../../helpers/arm-cases.js';
import { live, payload, ruleCases, run } from '../../../helpers/rule-cases.js';
import { customRole, graph, RBAC, roleAssignment, TENANT_SUB, template, templateCase } from './support.js';

type Json = Record<string, unknown>;

function definition(permissions: Json[] | string, extra: Json = {}): Json {
  return {
    type: 'Microsoft.Authorization/roleDefinitions',
    apiVersion: '2022-04-01',
    name: "[guid('custom-role')]",
    properties: {
      roleName: 'Contoso custom role',
      description: 'test role',
      assignableScopes: ['[subscription().id]'],
      permissions,
      ...extra,
    },
  };
}

const roleCase = (actions: string[], notActions: string[] = [], label?: string) => {
  const tpl = template([definition([{ actions, notActions }])]);
  return templateCase(tpl, label ?? `actions ${JSON.stringify(actions)} notActions ${JSON.stringify(notActions)}`);
};

const failingAt = (actions: string[], needle: string, notActions: string[] = []) => {
  const tpl = template([definition([{ actions, notActions }])]);
  return {
    ...templateCase(tpl, `actions ${JSON.stringify(actions)} notActions ${JSON.stringify(notActions)}`),
    file: 'test.json',
    line: lineOf(JSON.stringify(tpl, null, 2), needle, '"actions"'),
  };
};

const CONTRIBUTOR_NOT_ACTIONS = [
  'Microsoft.Authorization/*/Delete',
  'Microsoft.Authorization/*/Write',
  'Microsoft.Authorization/elevateAccess/Action',
];
const fromDefault = template([definition([{ actions: "[parameters('actions')]" }])], {
  parameters: { actions: { type: 'array', defaultValue: ['Microsoft.Authorization/roleAssignments/write'] } },
});

ruleCases(rule, {
  pass: [
    roleCase(['Microsoft.Authorization/roleDefinitions/read'], [], 'KICS negative: read only'),
    roleCase(
      ['Microsoft.Support/*', 'Microsoft.Insights/alertRules/*'],
      [],
      'provider wildcards that are not authorization writes',
    ),
    roleCase(['Microsoft.Authorization/*/read', '*/read'], [], 'read wildcards'),
    roleCase(
      ['Microsoft.Authorization/*'],
      ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/elevateAccess/Action'],
      'Microsoft.Authorization/* with the escalation operations removed',
    ),
    templateCase(template([definition([])]), 'no permissions'),
    templateCase(template([definition([{ notActions: ['*'] }])]), 'no actions'),
    live(customRole('11111111-2222-4333-8444-555555555555', 'Web operator', ['Microsoft.Web/sites/restart/action'])),
    payload('rbac/custom-role-list-rest_azure-docs.json'),
    payload('rbac/2022-04-01_GetRoleDefinitionByName.json'),
  ],
  fail: [
    failingAt(['*'], '"*"'),
    failingAt(['*/write'], '"*/write"'),
    failingAt(['Microsoft.Authorization/*'], '"Microsoft.Authorization/*"'),
    failingAt(['Microsoft.Authorization/*/write'], '"Microsoft.Authorization/*/write"'),
    failingAt(['Microsoft.Compute/*', 'Microsoft.Authorization/roleAssignments/write'], 'roleAssignments/write'),
    failingAt(['Microsoft.Authorization/roleDefinitions/write'], 'roleDefinitions/write'),
    failingAt(['Microsoft.Authorization/elevateAccess/action'], 'elevateAccess'),
    failingAt(['Microsoft.Authorization/roleAssignments/*'], 'roleAssignments/*'),
    roleCase(['*'], CONTRIBUTOR_NOT_ACTIONS, 'a Contributor clone: "*" stays a wildcard whatever notActions remove'),
    roleCase(
      ['Microsoft.Authorization/*'],
      ['Microsoft.Authorization/*/Write'],
      'Microsoft.Authorization/* with elevateAccess/action left in',
    ),
    {
      ...templateCase(fromDefault, 'actions from a parameter default'),
      file: 'test.json',
      line: lineOf(JSON.stringify(fromDefault, null, 2), 'roleAssignments/write', '"defaultValue"'),
    },
    live(customRole('11111111-2222-4333-8444-555555555555', 'Contoso owner clone', ['*'])),
  ],
  unknown: [
    templateCase(
      template([definition([{ actions: "[parameters('actions')]" }])], { parameters: { actions: { type: 'array' } } }),
      'actions from a parameter without value',
    ),
    templateCase(
      template([definition([{ actions: ["[parameters('action')]"] }])], { parameters: { action: { type: 'string' } } }),
      'one action from a parameter without value',
    ),
    templateCase(
      template([definition("[parameters('permissions')]")], { parameters: { permissions: { type: 'array' } } }),
      'permissions from a parameter without value',
    ),
  ],
  notApplicable: [
    payload('rbac/owner-builtin_azure-docs-privileged.json'),
    payload('rbac/reader-builtin-rest-get_azure-docs.json'),
  ],
});

describe('PHI-IAM-003 messages', () => {
  it('names the escalation operations, the assignable scopes and the assignments in the scan', () => {
    const guid = '11111111-2222-4333-8444-555555555555';
    const finding = run(
      rule,
      graph(
        [
          customRole(guid, 'Access granter', ['Microsoft.Authorization/roleAssignments/*']),
          roleAssignment(TENANT_SUB, guid, 'sp-1', 'ServicePrincipal'),
          roleAssignment(TENANT_SUB, RBAC.reader, 'sp-2', 'ServicePrincipal'),
        ],
        'role with one assignment',
      ),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(finding);
    assert.match(finding.message, /Microsoft\.Authorization\/roleAssignments\/write/);
    assert.doesNotMatch(finding.message, /roleDefinitions\/write/);
    assert.match(finding.message, /assignable at \/subscriptions\//);
    assert.match(finding.message, /1 assignment in this scan/);
  });

  it('reports each offending action of a role', () => {
    const failures = run(rule, roleCase(['*', 'Microsoft.Authorization/elevateAccess/action'])).findings.filter(
      (f) => f.status === 'fail',
    );
    assert.deepEqual(
      failures.map((f) => f.evidence.path),
      ['properties.permissions.0.actions.0', 'properties.permissions.0.actions.1'],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-002.js';
import { lineOf } from '../../../helpers/arm-cases.js';
import { live, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  armAssignment,
  customRole,
  graph,
  RBAC,
  RG,
  roleAssignment,
  roleId,
  servicePrincipal,
  TENANT_SUB,
  template,
  templateCase,
  user,
} from './support.js';

const SP = '5e32768b-5c80-5269-80e6-16b6f60e09b2';
const USER = 'c7d5e3f1-2a4b-4c6d-8e0f-1a2b3c4d5e6f';
const MG = '/providers/Microsoft.Management/managementGroups/contoso-health';
const IDENTITY_REF =
  "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-deploy'), '2023-01-31').principalId]";

const subscriptionOwner = template(
  [armAssignment({ roleDefinitionId: roleId(RBAC.owner), principalId: SP, principalType: 'ServicePrincipal' })],
  { subscription: true },
);
const fromParameter = template(
  [
    armAssignment({
      roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('role'))]",
      principalId: IDENTITY_REF,
      principalType: 'ServicePrincipal',
    }),
  ],
  { subscription: true, parameters: { role: { type: 'string' } } },
);
const directParameter = template(
  [
    armAssignment({
      roleDefinitionId: "[parameters('role')]",
      principalId: IDENTITY_REF,
      principalType: 'ServicePrincipal',
    }),
  ],
  { subscription: true, parameters: { role: { type: 'string' } } },
);
const contributorId = `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${RBAC.contributor}`;
const parameterText = JSON.stringify(
  {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    contentVersion: '1.0.0.0',
    parameters: { role: { value: contributorId } },
  },
  null,
  2,
);

ruleCases(rule, {
  pass: [
    templateCase(
      template([
        armAssignment({ roleDefinitionId: roleId(RBAC.owner), principalId: SP, principalType: 'ServicePrincipal' }),
      ]),
      'Owner at resource-group scope (resource-group deployment)',
    ),
    templateCase(
      template(
        [armAssignment({ roleDefinitionId: roleId(RBAC.reader), principalId: SP, principalType: 'ServicePrincipal' })],
        {
          subscription: true,
        },
      ),
      'Reader at subscription scope',
    ),
    live(roleAssignment(TENANT_SUB, RBAC.owner, USER, 'User'), 'live Owner held by a member user'),
    live(roleAssignment(MG, RBAC.contributor, USER, 'Group'), 'live Contributor held by a group at a management group'),
    live(
      roleAssignment(`${RG}/providers/Microsoft.Storage/storageAccounts/phistore`, RBAC.owner, SP, 'ServicePrincipal'),
      'live Owner at resource scope',
    ),
    graph(
      [roleAssignment(TENANT_SUB, RBAC.owner, USER, 'User'), user(USER, 'Member')],
      'Owner held by a member (Graph user)',
    ),
    payload('role_assignments_list_for_scope_2022-04-01.json'),
    payload('role_assignment_get_2022-04-01-folder.json'),
  ],
  fail: [
    {
      ...templateCase(subscriptionOwner, 'Owner at subscription scope held by a service principal'),
      file: 'test.json',
      line: lineOf(JSON.stringify(subscriptionOwner, null, 2), '"roleDefinitionId"'),
    },
    templateCase(
      template([armAssignment({ roleDefinitionId: roleId(RBAC.contributor), principalId: IDENTITY_REF })], {
        subscription: true,
      }),
      'principalType absent, principalId references a managed identity',
    ),
    templateCase(fromParameter, 'Contributor GUID from the parameter file', { role: { value: RBAC.contributor } }),
    {
      ...templateCase(directParameter, 'Contributor id from the parameter file', { role: { value: contributorId } }),
      file: 'test.parameters.json',
      line: lineOf(parameterText, '"value"'),
    },
    live(roleAssignment(TENANT_SUB, RBAC.owner, SP, 'ServicePrincipal'), 'live Owner at subscription scope'),
    live(roleAssignment('/', RBAC.userAccessAdministrator, SP, 'ServicePrincipal'), 'live UAA at the root scope'),
    live(roleAssignment(MG, RBAC.contributor, SP, 'ServicePrincipal'), 'live Contributor at a management group'),
    live(
      roleAssignment(TENANT_SUB, RBAC.userAccessAdministrator, SP, 'ServicePrincipal', {
        condition:
          '@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {ba92f5b4-2d11-453d-a403-e96b0029c9fe}',
        conditionVersion: '2.0',
      }),
      'live UAA with an ABAC condition',
    ),
    graph([roleAssignment(TENANT_SUB, RBAC.owner, USER, 'User'), user(USER, 'Guest')], 'Owner held by a guest user'),
    graph(
      [roleAssignment(TENANT_SUB, RBAC.owner, SP), servicePrincipal(SP, 'app-deploy', 'deploy pipeline')],
      'principalType absent, principal is a service principal in the Graph snapshot',
    ),
    withConfig(
      graph(
        [
          customRole('0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', 'Contoso Platform Admin', ['*']),
          roleAssignment(TENANT_SUB, '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6', SP, 'ServicePrincipal'),
        ],
        'a custom role named in iam.privileged_roles',
      ),
      (config) => {
        config.iam.privilegedRoles = [...config.iam.privilegedRoles, 'Contoso Platform Admin'];
      },
      'ra-',
    ),
  ],
  unknown: [
    templateCase(
      template([armAssignment({ roleDefinitionId: roleId(RBAC.owner), principalId: "[parameters('principal')]" })], {
        subscription: true,
        parameters: { principal: { type: 'string' } },
      }),
      'principal from a parameter, no principalType',
    ),
    templateCase(fromParameter, 'role from a parameter without value'),
    templateCase(
      template(
        [
          armAssignment(
            { roleDefinitionId: roleId(RBAC.owner), principalId: SP, principalType: 'ServicePrincipal' },
            { scope: "[parameters('target')]" },
          ),
        ],
        { parameters: { target: { type: 'string' } } },
      ),
      'scope from a parameter without value',
    ),
    live(roleAssignment(TENANT_SUB, RBAC.owner, SP), 'live principalType absent, principal not in the scan'),
  ],
});

describe('PHI-IAM-002 messages', () => {
  it('names the role, the scope and the principal kind; an ABAC condition does not exempt', () => {
    const [finding] = run(
      rule,
      live(
        roleAssignment(TENANT_SUB, RBAC.userAccessAdministrator, SP, 'ServicePrincipal', {
          condition: 'x',
          conditionVersion: '2.0',
        }),
      ),
    ).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /User Access Administrator at subscription scope/);
    assert.match(finding.message, /ABAC condition does not narrow/);
    assert.equal(finding.evidence.path, 'properties.roleDefinitionId');
  });

  it('calls out guests', () => {
    const finding = run(
      rule,
      graph([roleAssignment(MG, RBAC.owner, USER, 'User'), user(USER, 'Guest')], 'guest'),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(finding);
    assert.match(finding.message, /^A guest user .*management group scope/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../../src/core/config.js';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-004.js';
import { live, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  armAssignment,
  customRole,
  graph,
  RBAC,
  RG,
  roleAssignment,
  roleId,
  TENANT_SUB,
  template,
  templateCase,
  user,
} from './support.js';

const SP = 'fd504ca2-b89e-5d5c-a015-16c8fbad26a8';
const GUEST = '6f87972e-2e7e-4b49-9980-eb3888bdcfe1';
const MEMBER = 'ace08ec9-aa11-4ada-9145-addf0398233e';
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/stphi`;
const MG = '/providers/Microsoft.Management/managementGroups/contoso-health';

const account = (tags: Record<string, string>) => ({
  id: ACCOUNT,
  name: 'stphi',
  type: 'Microsoft.Storage/storageAccounts',
  location: 'eastus2',
  tags,
  properties: {},
});

/** Classified estate: only resources tagged data-classification=phi are PHI. */
const classified = (config: Config) => {
  config.classification.default = 'non-phi';
};

ruleCases(rule, {
  pass: [
    templateCase(
      template([
        armAssignment(
          { roleDefinitionId: roleId(RBAC.blobDataReader), principalId: SP, principalType: 'ServicePrincipal' },
          { scope: 'Microsoft.Storage/storageAccounts/stphi' },
        ),
      ]),
      'Storage Blob Data Reader on the PHI account',
    ),
    templateCase(
      template(
        [armAssignment({ roleDefinitionId: roleId(RBAC.owner), principalId: SP, principalType: 'ServicePrincipal' })],
        {
          subscription: true,
        },
      ),
      'a non data-plane role at subscription scope (PHI-IAM-002 territory)',
    ),
    live(
      roleAssignment(RG, RBAC.fhirDataContributor, MEMBER, 'User'),
      'live FHIR Data Contributor on the PHI group, member',
    ),
    graph(
      [roleAssignment(ACCOUNT, RBAC.keyVaultSecretsUser, MEMBER, 'User'), user(MEMBER, 'Member')],
      'resource scope, Graph member user',
    ),
    payload('role_assignments_list_for_scope_2022-04-01.json'),
  ],
  fail: [
    templateCase(
      template(
        [
          armAssignment({
            roleDefinitionId: roleId(RBAC.blobDataContributor),
            principalId: SP,
            principalType: 'ServicePrincipal',
          }),
        ],
        { subscription: true },
      ),
      'Storage Blob Data Contributor at subscription scope (emergency mode)',
    ),
    live(
      roleAssignment(TENANT_SUB, RBAC.fhirDataReader, SP, 'ServicePrincipal'),
      'live FHIR Data Reader at subscription',
    ),
    live(
      roleAssignment(MG, RBAC.keyVaultSecretsUser, SP, 'ServicePrincipal'),
      'live Key Vault Secrets User at a management group',
    ),
    live(roleAssignment('/', RBAC.blobDataReader, MEMBER, 'Group'), 'live Storage Blob Data Reader at the root, group'),
    graph(
      [
        customRole('9a8b7c6d-1111-4222-8333-444455556666', 'FHIR Data Auditor', [], []),
        roleAssignment(TENANT_SUB, '9a8b7c6d-1111-4222-8333-444455556666', SP, 'ServicePrincipal'),
      ],
      'a custom "FHIR Data *" role by name',
    ),
    graph(
      [roleAssignment(ACCOUNT, RBAC.blobDataReader, GUEST, 'User'), user(GUEST, 'Guest')],
      'guest on the PHI account',
    ),
    withConfig(
      graph(
        [
          roleAssignment(ACCOUNT, RBAC.blobDataReader, GUEST, 'User'),
          user(GUEST, 'Guest'),
          account({ 'data-classification': 'phi' }),
        ],
        'guest on a tagged PHI account',
      ),
      classified,
      'roleAssignments',
    ),
  ],
  unknown: [
    templateCase(
      template(
        [
          armAssignment({
            roleDefinitionId: "[parameters('role')]",
            principalId: SP,
            principalType: 'ServicePrincipal',
          }),
        ],
        {
          subscription: true,
          parameters: { role: { type: 'string' } },
        },
      ),
      'role from a parameter without value at subscription scope',
    ),
    templateCase(
      template(
        [
          armAssignment(
            { roleDefinitionId: roleId(RBAC.blobDataReader), principalId: "[parameters('principal')]" },
            { scope: 'Microsoft.Storage/storageAccounts/stphi' },
          ),
        ],
        { parameters: { principal: { type: 'string' } } },
      ),
      'principal from a parameter without principalType (could be a guest)',
    ),
  ],
  notApplicable: [
    withConfig(
      live(roleAssignment(TENANT_SUB, RBAC.blobDataReader, SP, 'ServicePrincipal'), 'live subscription assignment'),
      classified,
    ),
    withConfig(
      graph(
        [
          roleAssignment(ACCOUNT, RBAC.blobDataReader, GUEST, 'User'),
          user(GUEST, 'Guest'),
          account({ 'data-classification': 'public' }),
        ],
        'guest on a non-PHI account',
      ),
      classified,
      'roleAssignments',
    ),
  ],
});

describe('PHI-IAM-004 scope and messages', () => {
  it('fails a subscription-scope data-plane role because the subscription holds PHI', () => {
    const [finding] = run(
      rule,
      live(roleAssignment(TENANT_SUB, RBAC.blobDataContributor, SP, 'ServicePrincipal')),
    ).findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.evidence.path, 'properties.scope');
    assert.match(finding.message, /Storage Blob Data Contributor is assigned at subscription scope .* which holds PHI/);
  });

  it('names the guest', () => {
    const finding = run(
      rule,
      graph([roleAssignment(ACCOUNT, RBAC.blobDataReader, GUEST, 'User'), user(GUEST, 'Guest')], 'guest'),
    ).findings.find((f) => f.status === 'fail');
    assert.ok(finding);
    assert.match(finding.message, /held by a guest user .*userType Guest/);
    assert.equal(finding.evidence.actual, GUEST);
  });
});

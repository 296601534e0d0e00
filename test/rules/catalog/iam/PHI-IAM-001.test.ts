import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from '../../../../src/core/types.js';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-001.js';
import { direct, named, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import {
  application,
  appRoleAssignment,
  EHR_APP,
  GRAPH_SP_ID,
  graph,
  graphSp,
  payloadWith,
  permissionGrant,
  phiApps,
  ROLE,
  servicePrincipal,
} from './support.js';

const EHR_SP = 'a1b2c3d4-0000-4000-8000-000000000001';
const OTHER_API_SP = 'a1b2c3d4-0000-4000-8000-0000000000ff';

const ehrSp = (assignments: Record<string, unknown>[] | undefined, extra: Record<string, unknown> = {}) =>
  servicePrincipal(EHR_SP, EHR_APP.appId, 'Contoso EHR integration', {
    ...(assignments ? { appRoleAssignments: assignments } : {}),
    ...extra,
  });

/** Terraform azuread objects as the Terraform adapter is to map them (origin terraform, unresolved object ids). */
function terraformApp(withAssignment: boolean): Resource[] {
  const app: Resource = {
    id: 'azuread_application.ehr',
    type: 'microsoft.graph/application',
    name: 'ehr',
    origin: 'terraform',
    address: 'azuread_application.ehr',
    properties: {
      appId: EHR_APP.appId,
      displayName: 'Contoso EHR integration',
      requiredResourceAccess: [
        {
          resourceAppId: '00000003-0000-0000-c000-000000000000',
          resourceAccess: [{ id: ROLE.mailRead, type: 'Role' }],
        },
      ],
    },
  };
  const assignment: Resource = {
    id: 'azuread_app_role_assignment.mail',
    type: 'microsoft.graph/appRoleAssignment',
    name: 'mail',
    origin: 'terraform',
    address: 'azuread_app_role_assignment.mail',
    properties: { appRoleId: ROLE.mailRead, principalId: 'azuread_service_principal.ehr.object_id' },
  };
  return withAssignment ? [app, assignment] : [app];
}

ruleCases(rule, {
  pass: [
    graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.userReadAll)])], 'advisory User.Read.All only'),
    graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.unlisted)])], 'a permission outside the list'),
    graph([graphSp(), ehrSp([])], 'expanded, no assignments'),
    payload('graph/serviceprincipal-list.json'),
    payload('graph/serviceprincipal-get.json'),
    graph(
      [graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.directoryReadWriteAll, { resourceId: OTHER_API_SP })])],
      'a high-risk GUID granted on another API (Graph SP in the scan)',
    ),
    graph(
      [graphSp(), permissionGrant(EHR_SP, 'Directory.ReadWrite.All Mail.Read', { consentType: 'Principal' })],
      'per-user delegated grant',
    ),
    graph([graphSp(), permissionGrant(EHR_SP, 'openid profile User.Read')], 'tenant-wide low-risk scopes'),
    graph(
      [graphSp(), permissionGrant(EHR_SP, 'Mail.Read', { resourceId: OTHER_API_SP })],
      'tenant-wide grant on another API',
    ),
    graph(
      [application(EHR_APP.appId, 'Contoso EHR integration', [{ id: ROLE.directoryReadWriteAll, type: 'Role' }])],
      'live application requesting a high-risk role (advisory only)',
    ),
    payload('graph/application-get-requiredResourceAccess.json'),
    payload('graph/application-get.json'),
    withConfig(
      graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.directoryReadWriteAll)])], 'custom list without it'),
      (config) => {
        config.iam.graphHighRiskPermissions = ['Mail.Send'];
      },
    ),
  ],
  fail: [
    graph(
      [
        graphSp(),
        ehrSp([appRoleAssignment(EHR_SP, ROLE.directoryReadWriteAll), appRoleAssignment(EHR_SP, ROLE.mailRead)]),
      ],
      'expanded Directory.ReadWrite.All + Mail.Read',
    ),
    graph(
      [ehrSp(undefined), appRoleAssignment(EHR_SP, ROLE.mailRead), graphSp()],
      'separate assignment record linked by principalId',
    ),
    named(
      payloadWith('graph/serviceprincipal-list-approleassignments.json', [
        servicePrincipal(
          '8e881353-1735-45af-af21-ee1344582a4d',
          '0c1a2b3c-4d5e-4f60-8172-8394a5b6c7d8',
          'dxprovisioning-graphapi-client',
        ),
      ]),
      'payload serviceprincipal-list-approleassignments.json (Mail.ReadWrite) with its principal',
    ),
    payload('graph/oauth2permissiongrant-list.json'),
    graph([graphSp(), permissionGrant(EHR_SP, 'openid Mail.Read')], 'tenant-wide Mail.Read'),
    withConfig(
      graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.unlisted)])], 'custom list by GUID'),
      (config) => {
        config.iam.graphHighRiskPermissions = [ROLE.unlisted];
      },
    ),
    withConfig(
      graph(
        [
          graphSp([{ id: ROLE.unlisted, value: 'EduAssignments.ReadBasic.All', allowedMemberTypes: ['Application'] }]),
          ehrSp([appRoleAssignment(EHR_SP, ROLE.unlisted)]),
        ],
        'custom list by a name the Graph SP publishes',
      ),
      (config) => {
        config.iam.graphHighRiskPermissions = ['EduAssignments.ReadBasic.All'];
      },
    ),
    direct(terraformApp(true), 'Terraform application + azuread_app_role_assignment of Mail.Read'),
  ],
  unknown: [
    direct(terraformApp(false), 'Terraform application requesting Mail.Read, no assignment declared'),
    withConfig(
      graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.unlisted)])], 'configured name without a known id'),
      (config) => {
        config.iam.graphHighRiskPermissions = ['Contoso.Unknown.Permission'];
      },
    ),
  ],
});

describe('PHI-IAM-001 findings', () => {
  it('reports one finding per high-risk permission, named by GUID lookup', () => {
    const { findings } = run(
      rule,
      graph(
        [
          graphSp(),
          ehrSp([appRoleAssignment(EHR_SP, ROLE.directoryReadWriteAll), appRoleAssignment(EHR_SP, ROLE.mailRead)]),
        ],
        'two',
      ),
    );
    const failures = findings.filter((f) => f.status === 'fail');
    assert.deepEqual(failures.map((f) => f.evidence.actual).sort(), [
      `Directory.ReadWrite.All (${ROLE.directoryReadWriteAll})`,
      `Mail.Read (${ROLE.mailRead})`,
    ]);
    assert.match(failures[0].message, /Contoso EHR integration/);
  });

  it('names the PHI relevance of the application (classification.phi_apps)', () => {
    const testCase = withConfig(
      graph([graphSp(), ehrSp([appRoleAssignment(EHR_SP, ROLE.mailRead)])], 'phi'),
      phiApps(EHR_APP),
    );
    const finding = run(rule, testCase).findings.find((f) => f.status === 'fail');
    assert.ok(finding);
    assert.match(finding.message, /a PHI application \(classification\.phi_apps\)/);
    assert.equal(finding.phi, true);
  });

  it('says when the Microsoft Graph service principal is missing and matching fell back to the GUID', () => {
    const [finding] = run(
      rule,
      graph([ehrSp([appRoleAssignment(EHR_SP, ROLE.mailRead, { resourceId: GRAPH_SP_ID })])], 'no graph sp'),
    ).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /not in the scan: matched by permission id/);
  });

  it('points a separate assignment record at its own line', () => {
    const { findings } = run(
      rule,
      graph([ehrSp(undefined), graphSp(), appRoleAssignment(EHR_SP, ROLE.mailRead)], 'record'),
    );
    const failure = findings.find((f) => f.status === 'fail');
    assert.ok(failure);
    assert.match(failure.evidence.path, /^appRoleAssignments\[/);
  });

  it('lists every high-risk scope of a tenant-wide grant (payload)', () => {
    const failures = run(rule, payload('graph/oauth2permissiongrant-list.json')).findings.filter(
      (f) => f.status === 'fail',
    );
    assert.equal(failures.length, 2);
    assert.match(failures[0].message, /Group\.ReadWrite\.All/);
    assert.match(failures[1].message, /Directory\.ReadWrite\.All/);
    assert.match(failures[1].message, /Mail\.ReadWrite/);
    assert.doesNotMatch(failures[1].message, /Directory\.Read\.All[ ,]/);
  });
});

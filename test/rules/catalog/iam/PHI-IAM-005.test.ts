import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../../src/core/config.js';
import { defaultConfig } from '../../../../src/core/config.js';
import { Inventory } from '../../../../src/core/inventory.js';
import type { Finding } from '../../../../src/core/types.js';
import { parseSnapshotText } from '../../../../src/ingest/snapshot/index.js';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-005.js';
import { Engine } from '../../../../src/rules/engine.js';
import { StreamingEvaluator } from '../../../../src/rules/stream.js';
import { type Case, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { appRoleAssignment, caPolicy, EHR_APP, graph, phiApps, servicePrincipal } from './support.js';

type Json = Record<string, unknown>;

const BREAK_GLASS = '2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5e7f';
const CLINICIANS = '3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const EHR_SP = 'a1b2c3d4-0000-4000-8000-000000000001';

/** The policies as a Graph snapshot, with the EHR app as the PHI application (and break-glass configured). */
function tenant(policies: Json[], label: string, more: Json[] = [], change?: (config: Config) => void): Case {
  return withConfig(graph([...policies, ...more], label), (config) => {
    phiApps(EHR_APP)(config);
    config.iam.breakGlassObjectIds = [BREAK_GLASS];
    change?.(config);
  });
}

const ehrSp = (required: boolean | undefined, assignedTo?: string[]) =>
  servicePrincipal(EHR_SP, EHR_APP.appId, 'Contoso EHR', {
    appRoleAssignmentRequired: required,
    ...(assignedTo
      ? {
          appRoleAssignedTo: assignedTo.map((principal) =>
            appRoleAssignment(principal, '00000000-0000-0000-0000-000000000000', {
              resourceId: EHR_SP,
              principalType: 'Group',
            }),
          ),
        }
      : {}),
  });

const ehrOnly = { applications: { includeApplications: [EHR_APP.appId], excludeApplications: [] } };
const groupScoped = {
  users: {
    includeUsers: [],
    includeGroups: [CLINICIANS],
    excludeUsers: [],
    excludeGroups: [],
    includeRoles: [],
    excludeRoles: [],
  },
};
const legacyBlock = caPolicy(
  'ca-99-block-legacy',
  { grantControls: { operator: 'OR', builtInControls: ['block'] } },
  { clientAppTypes: ['exchangeActiveSync', 'other'] },
);

ruleCases(rule, {
  pass: [
    tenant([caPolicy('ca-01')], 'all users, all apps, mfa'),
    tenant(
      [caPolicy('ca-01', {}, { ...ehrOnly, users: { includeUsers: ['All'], excludeUsers: [BREAK_GLASS] } })],
      'the EHR app, all users but break-glass',
    ),
    tenant(
      [caPolicy('ca-01', { grantControls: { operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] } })],
      'mfa AND compliant device',
    ),
    tenant(
      [
        caPolicy('ca-01', {
          grantControls: {
            operator: 'OR',
            builtInControls: [],
            authenticationStrength: { id: '00000000-0000-0000-0000-000000000002' },
          },
        }),
      ],
      'authentication strength',
    ),
    tenant(
      [caPolicy('ca-01', { grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })],
      'mfa OR compliant device, accepted by config',
      [],
      (config) => {
        config.iam.acceptCompliantDeviceAsMfa = true;
      },
    ),
    tenant(
      [caPolicy('ca-01', {}, { clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'] }), legacyBlock],
      'modern clients plus a legacy-authentication block policy',
    ),
    tenant([caPolicy('ca-01', {}, groupScoped)], 'group-scoped, the app requires assignment to that group', [
      ehrSp(true, [CLINICIANS]),
    ]),
    tenant(
      [caPolicy('ca-01', { state: 'enabledForReportingButNotEnforced' }), caPolicy('ca-02', {}, ehrOnly)],
      'a report-only policy and an enforced one',
    ),
    withConfig(tenant([caPolicy('ca-01')], 'classified estate'), (config) => {
      phiApps(EHR_APP)(config);
      config.classification.default = 'non-phi';
    }),
  ],
  fail: [
    tenant([caPolicy('ca-01', { state: 'enabledForReportingButNotEnforced' })], 'report-only'),
    tenant([caPolicy('ca-01', { state: 'disabled' })], 'disabled'),
    tenant(
      [caPolicy('ca-01', {}, { applications: { includeApplications: ['All'], excludeApplications: [EHR_APP.appId] } })],
      'excludes the PHI app',
    ),
    tenant(
      [caPolicy('ca-01', { grantControls: { operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] } })],
      'mfa OR compliant device',
    ),
    tenant(
      [caPolicy('ca-01', { grantControls: { operator: 'OR', builtInControls: ['mfa'], termsOfUse: ['tou-1'] } })],
      'mfa OR terms of use',
    ),
    tenant([caPolicy('ca-01', { grantControls: null })], 'no grant controls'),
    tenant(
      [caPolicy('ca-01', { grantControls: { operator: 'OR', builtInControls: ['compliantDevice'] } })],
      'compliant device only',
    ),
    tenant(
      [
        caPolicy(
          'ca-01',
          {},
          { users: { includeUsers: ['All'], excludeUsers: [BREAK_GLASS], excludeGroups: [CLINICIANS] } },
        ),
      ],
      'excludes a group beyond break-glass',
    ),
    tenant(
      [
        caPolicy(
          'ca-01',
          {},
          { users: { includeUsers: ['All'], excludeRoles: ['62e90394-69f5-4237-9190-012177145e10'] } },
        ),
      ],
      'excludes a role',
    ),
    tenant(
      [caPolicy('ca-01', {}, { locations: { includeLocations: ['All'], excludeLocations: ['AllTrusted'] } })],
      'only outside trusted locations',
    ),
    tenant([caPolicy('ca-01', {}, { clientAppTypes: ['browser'] })], 'browser only'),
    tenant(
      [caPolicy('ca-01', {}, { clientAppTypes: ['browser', 'mobileAppsAndDesktopClients'] })],
      'modern clients, legacy not blocked',
    ),
    tenant([caPolicy('ca-01', {}, { signInRiskLevels: ['high'] })], 'only risky sign-ins'),
    tenant([caPolicy('ca-01', {}, groupScoped)], 'group-scoped, the app is open to every user', [ehrSp(false)]),
    tenant([caPolicy('ca-01', {}, groupScoped)], 'group-scoped, another group is assigned to the app', [
      ehrSp(true, [CLINICIANS, '9f9f9f9f-0000-4000-8000-000000000009']),
    ]),
    tenant(
      [caPolicy('ca-01', {}, { applications: { includeApplications: ['Office365'] } })],
      'no policy includes the app',
    ),
    withConfig(payload('graph/conditionalaccessroot-list-policies.json'), phiApps(EHR_APP)),
    withConfig(payload('graph/conditionalaccesspolicy-get.json'), phiApps(EHR_APP)),
  ],
  unknown: [
    graph([caPolicy('ca-01')], 'emergency mode without classification.phi_apps'),
    tenant([caPolicy('ca-01', {}, groupScoped)], 'group-scoped, the app service principal is not in the scan'),
    tenant([caPolicy('ca-01', {}, groupScoped)], 'group-scoped, assignments not collected', [ehrSp(true)]),
  ],
  notApplicable: [
    withConfig(graph([caPolicy('ca-01')], 'classified estate without PHI apps'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-IAM-005 placement of tenant-level outcomes', () => {
  const verdicts = (findings: Finding[]) => findings.map((f) => `${f.resource.id} ${f.status}`).sort();

  it('passes on the covering policy only; the others decide nothing', () => {
    const { findings, engine } = run(
      rule,
      tenant(
        [
          caPolicy('ca-01', { state: 'disabled' }),
          caPolicy('ca-02', {}, ehrOnly),
          caPolicy('ca-03', { state: 'enabledForReportingButNotEnforced' }),
        ],
        'three',
      ),
    );
    assert.deepEqual(verdicts(findings), ['ca-02 pass']);
    assert.equal(engine.counts['not-applicable'], 2);
  });

  it('fails every policy that targets the app, each with its own gaps', () => {
    const { findings } = run(
      rule,
      tenant(
        [caPolicy('ca-01', { state: 'disabled' }), caPolicy('ca-02', {}, { clientAppTypes: ['browser'] })],
        'two gaps',
      ),
    );
    assert.deepEqual(verdicts(findings), ['ca-01 fail', 'ca-02 fail']);
    assert.match(findings.find((f) => f.resource.id === 'ca-01')?.message ?? '', /the policy is disabled/);
    assert.match(findings.find((f) => f.resource.id === 'ca-02')?.message ?? '', /client app types \["browser"\]/);
  });

  it('does not blame a block policy (legacy authentication) for missing MFA', () => {
    const { findings, engine } = run(rule, tenant([caPolicy('ca-01', { state: 'disabled' }), legacyBlock], 'block'));
    assert.deepEqual(verdicts(findings), ['ca-01 fail']);
    assert.equal(engine.counts['not-applicable'], 1);
  });

  it('puts "no policy includes the app" on the lowest policy id, once per PHI app', () => {
    const other = { appId: '4f7c2a9e-1b3d-4e5f-a6b7-c8d9e0f1a2b3', name: 'Contoso Patient Portal' };
    const { findings } = run(
      rule,
      withConfig(
        graph(
          [
            caPolicy('ca-09', {}, ehrOnly),
            caPolicy('ca-05', {}, { applications: { includeApplications: ['Office365'] } }),
          ],
          'two apps',
        ),
        phiApps(EHR_APP, other),
      ),
    );
    assert.deepEqual(verdicts(findings), ['ca-05 fail', 'ca-09 pass']);
    const failure = findings.find((f) => f.status === 'fail');
    assert.equal(failure?.evidence.actual, other.appId);
    assert.match(
      failure?.message ?? '',
      /Contoso Patient Portal.*no Conditional Access policy of the tenant \(2 in the scan\)/,
    );
  });

  it('gives the in-memory verdicts in a streamed scan (the stream holds every policy until its end)', async () => {
    const config = defaultConfig();
    config.classification.phiApps = [EHR_APP];
    const records = [
      caPolicy('ca-02', {}, ehrOnly),
      caPolicy('ca-01', { state: 'disabled' }),
      caPolicy('ca-03', { state: 'disabled' }),
    ];
    const resources = parseSnapshotText(JSON.stringify(records), 'entra.json').resources;
    const engine = new Engine([rule], { config, includePassed: true });
    const findings: Finding[] = [];
    const evaluator = new StreamingEvaluator(engine, (f) => findings.push(f));
    for (const resource of resources) evaluator.push(resource);
    await evaluator.finish();
    const inMemory = new Engine([rule], { config, includePassed: true }).evaluate(new Inventory(resources));
    assert.deepEqual(verdicts(findings), verdicts(inMemory));
    assert.deepEqual(verdicts(findings), ['ca-02 pass']);
  });

  it("needs review rather than guessing when the inventory does not hold the subject's policy set", () => {
    const config = defaultConfig();
    config.classification.phiApps = [EHR_APP];
    const [lonely, other] = parseSnapshotText(
      JSON.stringify([caPolicy('ca-01', { state: 'disabled' }), caPolicy('ca-02', {}, ehrOnly)]),
      'entra.json',
    ).resources;
    const findings = new Engine([rule], { config }).evaluateResource(lonely, new Inventory([other]));
    assert.deepEqual(
      findings.map((f) => f.status),
      ['unknown'],
    );
    assert.match(findings[0].message, /every Conditional Access policy of the tenant/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Config, defaultConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/types.js';
import { parseSnapshotText } from '../../../src/ingest/snapshot/index.js';
import {
  buildConditionalAccess,
  parseCaState,
  renderConditionalAccess,
} from '../../../src/remediate/conditional-access.js';
import mfaRule from '../../../src/rules/catalog/iam/PHI-IAM-005.js';
import frequencyRule from '../../../src/rules/catalog/iam/PHI-IAM-006.js';
import { Engine } from '../../../src/rules/engine.js';
import { type Json, loadTerraform } from './support.js';

type Obj = { [key: string]: Json };

const EHR = { appId: '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b', name: 'Contoso EHR' };
const PORTAL = { appId: '0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f', name: 'Patient portal' };
const BREAK_GLASS = ['2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5e7f', '7b9d1f3a-5c7e-4f9a-8b1d-3f5a7c9e1b3d'];

function config(apps = [EHR, PORTAL], hours = 8): Config {
  const c = defaultConfig();
  c.classification.phiApps = apps;
  c.iam.breakGlassObjectIds = BREAK_GLASS;
  c.iam.maxSignInFrequencyHours = hours;
  return c;
}

/** The generated POST bodies as Graph GET bodies of a tenant snapshot (id and @odata.type added by Graph). */
function asSnapshot(policies: Obj[]): Resource[] {
  const bodies = policies.map((policy, i) => ({
    '@odata.type': '#microsoft.graph.conditionalAccessPolicy',
    id: `00000000-0000-4000-8000-00000000000${i}`,
    ...policy,
  }));
  return parseSnapshotText(JSON.stringify(bodies), 'tenant.json').resources;
}

function verdicts(resources: Resource[], scanConfig: Config): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const rule of [mfaRule, frequencyRule]) {
    const findings = new Engine([rule], { config: scanConfig, includePassed: true }).evaluate(new Inventory(resources));
    result[rule.id] = [...new Set(findings.map((f) => f.status))].sort();
  }
  return result;
}

describe('guardrails conditional-access: Graph shape', () => {
  const { policies, notes } = buildConditionalAccess(config());

  it('writes v1.0 conditionalAccessPolicy bodies with valid fields and enums', () => {
    assert.deepEqual(
      policies.map((p) => p.displayName),
      [
        'phiguard: require MFA for Contoso EHR, Patient portal',
        'phiguard: 8h sign-in frequency for Contoso EHR, Patient portal',
        'phiguard: no persistent browser sessions (all cloud apps)',
        'phiguard: block legacy authentication for Contoso EHR, Patient portal',
      ],
    );
    const allowedTop = new Set(['displayName', 'state', 'conditions', 'grantControls', 'sessionControls']);
    for (const policy of policies) {
      for (const key of Object.keys(policy)) assert.ok(allowedTop.has(key), key);
      assert.equal(policy.state, 'enabledForReportingButNotEnforced');
      const conditions = policy.conditions as Obj;
      assert.ok((conditions.clientAppTypes as string[]).length > 0, 'clientAppTypes is required by Graph');
      for (const type of conditions.clientAppTypes as string[]) {
        assert.ok(
          ['all', 'browser', 'mobileAppsAndDesktopClients', 'exchangeActiveSync', 'easSupported', 'other'].includes(
            type,
          ),
        );
      }
      const users = conditions.users as Obj;
      assert.deepEqual(users.includeUsers, ['All']);
      assert.deepEqual(users.excludeUsers, BREAK_GLASS);
      const grant = policy.grantControls as Obj | undefined;
      if (grant) {
        assert.ok(['AND', 'OR'].includes(grant.operator as string));
        for (const control of grant.builtInControls as string[]) {
          assert.ok(
            [
              'block',
              'mfa',
              'compliantDevice',
              'domainJoinedDevice',
              'approvedApplication',
              'compliantApplication',
              'passwordChange',
            ].includes(control),
          );
        }
      }
      assert.ok(grant || policy.sessionControls, 'a policy grants or limits the session');
    }
    const [mfa, frequency, browser, legacy] = policies as Obj[];
    assert.deepEqual((mfa.conditions as Obj).applications, {
      includeApplications: [EHR.appId, PORTAL.appId],
      excludeApplications: [],
    });
    assert.deepEqual(mfa.grantControls, { operator: 'OR', builtInControls: ['mfa'] });
    assert.deepEqual((frequency.sessionControls as Obj).signInFrequency, {
      value: 8,
      type: 'hours',
      isEnabled: true,
      authenticationType: 'primaryAndSecondaryAuthentication',
      frequencyInterval: 'timeBased',
    });
    assert.deepEqual(((browser.conditions as Obj).applications as Obj).includeApplications, ['All']);
    assert.deepEqual((browser.sessionControls as Obj).persistentBrowser, { mode: 'never', isEnabled: true });
    assert.deepEqual((legacy.conditions as Obj).clientAppTypes, ['exchangeActiveSync', 'other']);
    assert.deepEqual(legacy.grantControls, { operator: 'OR', builtInControls: ['block'] });
    assert.match(notes.join('\n'), /report-only/);
  });

  it('targets all cloud apps, says so, and keeps persistent browser in the frequency policy when no PHI app is named', () => {
    const { policies: all, notes: allNotes } = buildConditionalAccess(config([]));
    assert.equal(all.length, 3);
    assert.deepEqual(((all[0].conditions as Obj).applications as Obj).includeApplications, ['All']);
    assert.match(String(all[0].displayName), /all cloud apps/);
    assert.deepEqual((all[1].sessionControls as Obj).persistentBrowser, { mode: 'never', isEnabled: true });
    assert.match(allNotes[0], /no classification\.phi_apps/i);
  });

  it('warns when no break-glass account is configured, and can leave out the legacy block', () => {
    const c = config();
    c.iam.breakGlassObjectIds = [];
    const { policies: bare, notes: warned } = buildConditionalAccess(c, { blockLegacyAuthentication: false });
    assert.equal(bare.length, 3);
    assert.match(warned.join('\n'), /WARNING: iam\.break_glass_object_ids is empty/);
  });

  it('accepts the three Graph states and nothing else', () => {
    assert.equal(parseCaState('ENABLED'), 'enabled');
    assert.equal(parseCaState('enabledforreportingbutnotenforced'), 'enabledForReportingButNotEnforced');
    assert.throws(() => parseCaState('on'), ConfigError);
  });

  it('has no ARM or Bicep form and says what to use instead', () => {
    assert.throws(
      () => renderConditionalAccess({ policies, notes }, 'arm'),
      (error: unknown) => error instanceof ConfigError && /use --format json/.test(error.format()),
    );
    assert.throws(() => renderConditionalAccess({ policies, notes }, 'bicep'), ConfigError);
    assert.deepEqual(JSON.parse(renderConditionalAccess({ policies, notes }, 'json')), policies);
  });
});

describe('guardrails conditional-access: the IAM rules judge the generated policies', () => {
  it('enabled: PHI-IAM-005 and PHI-IAM-006 pass for every PHI app', () => {
    const { policies } = buildConditionalAccess(config(), { state: 'enabled' });
    assert.deepEqual(verdicts(asSnapshot(policies), config()), { 'PHI-IAM-005': ['pass'], 'PHI-IAM-006': ['pass'] });
  });

  it('all-apps policies cover the PHI apps too', () => {
    const { policies } = buildConditionalAccess(config([]), { state: 'enabled' });
    assert.deepEqual(verdicts(asSnapshot(policies), config()), { 'PHI-IAM-005': ['pass'], 'PHI-IAM-006': ['pass'] });
  });

  it('report-only (the default) still fails both rules: it is not enforced', () => {
    const { policies } = buildConditionalAccess(config());
    const result = verdicts(asSnapshot(policies), config());
    assert.ok(result['PHI-IAM-005'].includes('fail'));
    assert.ok(result['PHI-IAM-006'].includes('fail'));
  });

  it('a frequency longer than the configured maximum fails PHI-IAM-006', () => {
    const { policies } = buildConditionalAccess(config(undefined, 24), { state: 'enabled' });
    const result = verdicts(asSnapshot(policies), config(undefined, 12));
    assert.deepEqual(result['PHI-IAM-005'], ['pass']);
    assert.ok(result['PHI-IAM-006'].includes('fail'));
  });

  it('Terraform (azuread) parses, and the adapter reads policies the rules pass', () => {
    const { policies, notes } = buildConditionalAccess(config(), { state: 'enabled' });
    const result = loadTerraform(renderConditionalAccess({ policies, notes }, 'terraform'));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    assert.equal(result.resources.length, policies.length);
    assert.deepEqual(verdicts(result.resources, config()), { 'PHI-IAM-005': ['pass'], 'PHI-IAM-006': ['pass'] });
  });
});

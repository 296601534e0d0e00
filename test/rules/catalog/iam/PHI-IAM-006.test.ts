import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Config } from '../../../../src/core/config.js';
import rule from '../../../../src/rules/catalog/iam/PHI-IAM-006.js';
import { type Case, payload, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { caPolicy, EHR_APP, graph, phiApps } from './support.js';

type Json = Record<string, unknown>;

const frequency = (signInFrequency: Json | null) => ({ sessionControls: signInFrequency ? { signInFrequency } : null });
const hours = (value: number) => frequency({ isEnabled: true, type: 'hours', value, frequencyInterval: 'timeBased' });

function tenant(policies: Json[], label: string, change?: (config: Config) => void): Case {
  return withConfig(graph(policies, label), (config) => {
    phiApps(EHR_APP)(config);
    change?.(config);
  });
}

ruleCases(rule, {
  pass: [
    tenant([caPolicy('ca-01', hours(8))], '8 hours'),
    tenant([caPolicy('ca-01', hours(12))], '12 hours (the default maximum)'),
    tenant(
      [caPolicy('ca-01', frequency({ isEnabled: true, type: 'days', value: 1, frequencyInterval: 'timeBased' }))],
      '1 day with a 24-hour maximum',
      (config) => {
        config.iam.maxSignInFrequencyHours = 24;
      },
    ),
    tenant([caPolicy('ca-01', frequency({ isEnabled: true, frequencyInterval: 'everyTime' }))], 'every time'),
    tenant([caPolicy('ca-01', { ...hours(4), grantControls: null })], 'a session-only policy (no grant controls)'),
    tenant(
      [caPolicy('ca-01'), caPolicy('ca-02', hours(8), { applications: { includeApplications: [EHR_APP.appId] } })],
      'MFA in one policy, frequency in another',
    ),
  ],
  fail: [
    tenant([caPolicy('ca-01')], 'no session controls (Entra default lifetime)'),
    tenant([caPolicy('ca-01', hours(24))], '24 hours'),
    tenant([caPolicy('ca-01', frequency({ isEnabled: true, type: 'days', value: 1 }))], '1 day'),
    tenant([caPolicy('ca-01', frequency({ isEnabled: false, type: 'hours', value: 8 }))], 'disabled frequency'),
    tenant([caPolicy('ca-01', { ...hours(8), state: 'enabledForReportingButNotEnforced' })], 'report-only'),
    tenant(
      [caPolicy('ca-01', hours(8), { platforms: { includePlatforms: ['android'], excludePlatforms: [] } })],
      'android only',
    ),
    withConfig(payload('graph/conditionalaccesspolicy-get.json'), phiApps(EHR_APP)),
    withConfig(payload('graph/conditionalaccessroot-list-policies.json'), phiApps(EHR_APP)),
  ],
  unknown: [graph([caPolicy('ca-01', hours(8))], 'emergency mode without classification.phi_apps')],
  notApplicable: [
    withConfig(graph([caPolicy('ca-01', hours(8))], 'classified estate without PHI apps'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-IAM-006 messages', () => {
  it('explains the Entra default session lifetime when no frequency is set', () => {
    const [finding] = run(rule, tenant([caPolicy('ca-01')], 'absent')).findings;
    assert.equal(finding.status, 'fail');
    assert.match(finding.message, /rolling window, up to 90 days/);
    assert.equal(finding.evidence.path, 'properties.sessionControls.signInFrequency');
  });

  it('compares days with the maximum in hours', () => {
    const [finding] = run(
      rule,
      tenant([caPolicy('ca-01', frequency({ isEnabled: true, type: 'days', value: 7 }))], 'week'),
    ).findings;
    assert.match(finding.message, /7 days \(168 hours, more than iam\.max_sign_in_frequency_hours 12\)/);
  });

  it('fails the documented example although its frequency (4 hours) is short: the policy is disabled', () => {
    const [finding] = run(
      rule,
      withConfig(payload('graph/conditionalaccesspolicy-get.json'), phiApps(EHR_APP)),
    ).findings;
    assert.match(finding.message, /the policy is disabled/);
    assert.doesNotMatch(finding.message, /its sign-in frequency|sets no sign-in frequency/);
  });
});

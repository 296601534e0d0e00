// `phiguard guardrails conditional-access`: Microsoft Graph conditionalAccessPolicy bodies (v1.0, the shape of
// payloads/graph/conditionalaccesspolicy-get.json) that make PHI-IAM-005 (MFA) and PHI-IAM-006 (sign-in frequency)
// pass once enabled: MFA and a session limit for the PHI applications of .phiguard.yaml, all users except the
// break-glass accounts, and a legacy-authentication block. Report-only by default, so a tenant can watch the
// impact in the sign-in logs before enforcing (controls.md C3).
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { type GuardrailFormat, hclString, hclValue, type JsonObject, jsonText, symbolOf } from './guardrails/emit.js';

export const CA_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const;
export type CaState = (typeof CA_STATES)[number];

export interface ConditionalAccessOptions {
  state?: CaState;
  /** Add a policy blocking legacy authentication (Exchange ActiveSync and other clients) for the same apps. */
  blockLegacyAuthentication?: boolean;
}

export interface ConditionalAccessGuardrails {
  policies: JsonObject[];
  /** What a reader must know: which apps, which accounts are excluded, what still needs a human. */
  notes: string[];
}

export function parseCaState(text: string): CaState {
  const state = CA_STATES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!state)
    throw new ConfigError(`--state "${text}" is not a Conditional Access state`, undefined, CA_STATES.join(', '));
  return state;
}

export function buildConditionalAccess(
  config: Config,
  options: ConditionalAccessOptions = {},
): ConditionalAccessGuardrails {
  const state = options.state ?? 'enabledForReportingButNotEnforced';
  const apps = config.classification.phiApps;
  const allApps = apps.length === 0;
  const includeApplications = allApps ? ['All'] : apps.map((app) => app.appId);
  const appLabel = allApps ? 'all cloud apps' : apps.map((app) => app.name ?? app.appId).join(', ');
  const hours = config.iam.maxSignInFrequencyHours;
  const users = { includeUsers: ['All'], excludeUsers: [...config.iam.breakGlassObjectIds] };
  const conditions = (clientAppTypes: string[], applications = includeApplications): JsonObject => ({
    clientAppTypes,
    applications: { includeApplications: applications, excludeApplications: [] },
    users,
  });

  const policies: JsonObject[] = [
    {
      displayName: `phiguard: require MFA for ${appLabel}`,
      state,
      conditions: conditions(['all']),
      grantControls: { operator: 'OR', builtInControls: ['mfa'] },
    },
    {
      displayName: `phiguard: ${hours}h sign-in frequency for ${appLabel}`,
      state,
      conditions: conditions(['all']),
      sessionControls: {
        signInFrequency: {
          value: hours,
          type: 'hours',
          isEnabled: true,
          authenticationType: 'primaryAndSecondaryAuthentication',
          frequencyInterval: 'timeBased',
        },
        // Entra applies persistent-browser control reliably only to policies for all cloud apps; with named apps
        // it goes into a policy of its own below.
        ...(allApps ? { persistentBrowser: { mode: 'never', isEnabled: true } } : {}),
      },
    },
  ];
  const notes = [
    allApps
      ? 'No classification.phi_apps in .phiguard.yaml: the policies target all cloud apps.'
      : `Target applications (classification.phi_apps): ${apps.map((app) => `${app.appId}${app.name ? ` (${app.name})` : ''}`).join(', ')}.`,
    config.iam.breakGlassObjectIds.length > 0
      ? `Excluded break-glass accounts (iam.break_glass_object_ids): ${config.iam.breakGlassObjectIds.join(', ')}.`
      : 'WARNING: iam.break_glass_object_ids is empty, so no emergency account is excluded; add them before enforcing or an MFA outage locks every administrator out.',
    state === 'enabledForReportingButNotEnforced'
      ? 'State enabledForReportingButNotEnforced (report-only): PHI-IAM-005/006 keep failing until the state is enabled; review the report-only results in the sign-in logs first.'
      : `State ${state}.`,
  ];
  if (!allApps) {
    policies.push({
      displayName: 'phiguard: no persistent browser sessions (all cloud apps)',
      state,
      conditions: conditions(['all'], ['All']),
      sessionControls: { persistentBrowser: { mode: 'never', isEnabled: true } },
    });
    notes.push(
      'Persistent browser sessions are turned off in a separate policy for all cloud apps: Entra applies that control correctly only when all cloud apps are targeted.',
    );
  }
  if (options.blockLegacyAuthentication ?? true) {
    policies.push({
      displayName: `phiguard: block legacy authentication for ${appLabel}`,
      state,
      conditions: conditions(['exchangeActiveSync', 'other']),
      grantControls: { operator: 'OR', builtInControls: ['block'] },
    });
  }
  return { policies, notes };
}

type Json = JsonObject[string];

function field(object: JsonObject, path: string): Json | undefined {
  let value: Json | undefined = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[key];
  }
  return value;
}

function renderTerraform(policies: JsonObject[]): string {
  const lines = [
    '# phiguard Conditional Access policies for PHI applications (azuread provider; needs Policy.ReadWrite.ConditionalAccess).',
    '',
  ];
  for (const policy of policies) {
    const name = symbolOf(String(policy.displayName).replace(/^phiguard: /, ''));
    const frequency = field(policy, 'sessionControls.signInFrequency') as JsonObject | undefined;
    const browser = field(policy, 'sessionControls.persistentBrowser') as JsonObject | undefined;
    const grant = policy.grantControls as JsonObject | undefined;
    lines.push(
      `resource "azuread_conditional_access_policy" "${name}" {`,
      `  display_name = ${hclString(String(policy.displayName))}`,
      `  state        = ${hclString(String(policy.state))}`,
      '',
      '  conditions {',
      `    client_app_types = ${hclValue(field(policy, 'conditions.clientAppTypes') ?? [], 2)}`,
      '',
      '    applications {',
      `      included_applications = ${hclValue(field(policy, 'conditions.applications.includeApplications') ?? [], 3)}`,
      '    }',
      '',
      '    users {',
      `      included_users = ${hclValue(field(policy, 'conditions.users.includeUsers') ?? [], 3)}`,
      `      excluded_users = ${hclValue(field(policy, 'conditions.users.excludeUsers') ?? [], 3)}`,
      '    }',
      '  }',
    );
    if (grant) {
      lines.push(
        '',
        '  grant_controls {',
        `    operator          = ${hclString(String(grant.operator))}`,
        `    built_in_controls = ${hclValue(grant.builtInControls ?? [], 2)}`,
        '  }',
      );
    }
    if (frequency || browser) {
      lines.push('', '  session_controls {');
      if (frequency) {
        lines.push(
          `    sign_in_frequency                     = ${frequency.value}`,
          `    sign_in_frequency_period              = ${hclString(String(frequency.type))}`,
          `    sign_in_frequency_authentication_type = ${hclString(String(frequency.authenticationType))}`,
          `    sign_in_frequency_interval            = ${hclString(String(frequency.frequencyInterval))}`,
        );
      }
      if (browser) lines.push(`    persistent_browser_mode               = ${hclString(String(browser.mode))}`);
      lines.push('  }');
    }
    lines.push('}', '');
  }
  return lines.join('\n');
}

export function renderConditionalAccess(guardrails: ConditionalAccessGuardrails, format: GuardrailFormat): string {
  if (format === 'json') return jsonText(guardrails.policies);
  if (format === 'terraform') return renderTerraform(guardrails.policies);
  throw new ConfigError(
    `Conditional Access policies cannot be written as ${format}`,
    undefined,
    'they are Microsoft Graph objects, not ARM resources: use --format json (Graph POST bodies) or terraform (azuread)',
  );
}

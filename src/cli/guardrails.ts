// `phiguard guardrails policy|sentinel|conditional-access`: parse the flags, build the guardrail from the effective
// config, write it (atomically to -o, else stdout) and print what a reader must know on stderr.
import { ConfigError } from '../core/errors.js';
import { GUARDRAIL_FORMATS, type GuardrailFormat } from '../remediate/guardrails/emit.js';
import { EXIT } from '../report/summary.js';
import { writeFileAtomic } from './output.js';
import { resolveConfig } from './scan.js';

interface CommonFlags {
  format?: string;
  output?: string;
  config?: string;
  quiet?: boolean;
}

function formatOf(flag: string | undefined, fallback: GuardrailFormat): GuardrailFormat {
  const value = (flag ?? fallback).toLowerCase();
  const format = GUARDRAIL_FORMATS.find((f) => f === value);
  if (!format)
    throw new ConfigError(`unknown format "${flag}"`, undefined, `expected one of ${GUARDRAIL_FORMATS.join(', ')}`);
  return format;
}

async function emit(text: string, flags: CommonFlags, notes: string[]): Promise<number> {
  if (flags.output && flags.output !== '-') await writeFileAtomic(flags.output, text);
  else process.stdout.write(text);
  if (!flags.quiet) for (const note of notes) process.stderr.write(`phiguard: ${note}\n`);
  return EXIT.clean;
}

export async function guardrailsPolicy(flags: CommonFlags & { scope?: string; effect?: string }): Promise<number> {
  const format = formatOf(flags.format, 'arm');
  if (!flags.scope) {
    throw new ConfigError(
      'guardrails policy needs --scope',
      undefined,
      '/subscriptions/<guid> or /providers/Microsoft.Management/managementGroups/<name>',
    );
  }
  const effect = (flags.effect ?? 'audit').toLowerCase();
  if (effect !== 'audit' && effect !== 'deny') {
    throw new ConfigError(`--effect "${flags.effect}" is not audit or deny`);
  }
  const { buildPolicyGuardrails, renderPolicyGuardrails } = await import('../remediate/policy.js');
  const config = resolveConfig(flags.config, []);
  const guardrails = buildPolicyGuardrails(config, { scope: flags.scope, effect });
  const builtins = guardrails.set.references.filter((r) => 'builtin' in r.definition).length;
  return emit(renderPolicyGuardrails(guardrails, format), flags, [
    `initiative of ${guardrails.set.references.length} definitions (${builtins} built-in, ${guardrails.definitions.length} custom) assigned at ${guardrails.scope.id} with effect ${effect} (Deny only where a definition supports it)`,
  ]);
}

export async function guardrailsSentinel(flags: CommonFlags & { workspace?: string }): Promise<number> {
  const format = formatOf(flags.format, 'arm');
  const { buildSentinelRules, phiScopeOf, renderSentinelRules } = await import('../remediate/sentinel.js');
  const config = resolveConfig(flags.config, []);
  const rules = buildSentinelRules(config);
  const tables = [...new Set(rules.flatMap((rule) => rule.tables))].join(', ');
  const notes = [
    `${rules.length} scheduled analytics rules reading ${tables}: the workspace needs those logs (diagnostic settings, Entra ID logs)`,
    phiScopeOf(config).summary,
  ];
  if (config.classification.phiApps.length === 0) {
    notes.push('no classification.phi_apps in .phiguard.yaml: the PHI application sign-in rule is left out');
  }
  return emit(renderSentinelRules(rules, format, { workspace: flags.workspace }), flags, notes);
}

export async function guardrailsConditionalAccess(
  flags: CommonFlags & { state?: string; blockLegacyAuth?: boolean },
): Promise<number> {
  const format = formatOf(flags.format, 'json');
  const { buildConditionalAccess, parseCaState, renderConditionalAccess } = await import(
    '../remediate/conditional-access.js'
  );
  const state = flags.state === undefined ? undefined : parseCaState(flags.state);
  const config = resolveConfig(flags.config, []);
  const guardrails = buildConditionalAccess(config, { state, blockLegacyAuthentication: flags.blockLegacyAuth });
  return emit(renderConditionalAccess(guardrails, format), flags, guardrails.notes);
}

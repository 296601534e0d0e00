import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../src/core/config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import { BUILTIN_POLICIES, EXCLUDED } from '../../../src/remediate/guardrails/builtins.js';
import { databasePorts } from '../../../src/remediate/guardrails/custom-policies.js';
import {
  buildPolicyGuardrails,
  effectFor,
  groupName,
  POLICY_API_VERSION,
  parseScope,
  renderPolicyGuardrails,
} from '../../../src/remediate/policy.js';
import { findRule } from '../../../src/rules/catalog/index.js';
import { type Json, loadBicep, loadTerraform, specEffects, specRules, strings } from './support.js';

type Obj = { [key: string]: Json };
const SUB = '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90';
const MG = '/providers/Microsoft.Management/managementGroups/mg-health';

function arm(scope: string, effect: 'audit' | 'deny' = 'audit'): Obj {
  return JSON.parse(renderPolicyGuardrails(buildPolicyGuardrails(defaultConfig(), { scope, effect }), 'arm')) as Obj;
}

const byType = (template: Obj, type: string) =>
  (template.resources as Obj[]).filter((resource) => resource.type === type);

/** ARM deployment-time escaping: `[[x` is the literal `[x` Azure Policy evaluates later. */
const unescapeArm = (text: string) => (text.startsWith('[[') ? text.slice(1) : text);
const parameterRefs = (text: string) => [...text.matchAll(/parameters\('([^']+)'\)/g)].map((m) => m[1]);

const OPERATORS = new Set([
  'equals',
  'notEquals',
  'like',
  'notLike',
  'match',
  'matchInsensitively',
  'notMatch',
  'notMatchInsensitively',
  'contains',
  'notContains',
  'in',
  'notIn',
  'containsKey',
  'notContainsKey',
  'less',
  'lessOrEquals',
  'greater',
  'greaterOrEquals',
  'exists',
]);

/**
 * Azure Policy condition grammar (learn.microsoft.com governance/policy/concepts/definition-structure-policy-rule):
 * allOf/anyOf arrays, not, or one of field/value/count with exactly one operator; `count` has field or value and an
 * optional `where`. Field aliases name a resource type prefix. Returns the problems found.
 */
function conditionProblems(condition: Json, path: string, aliasPrefixes: string[]): string[] {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition))
    return [`${path}: not an object`];
  const keys = Object.keys(condition);
  if ('allOf' in condition || 'anyOf' in condition) {
    const list = condition.allOf ?? condition.anyOf;
    if (keys.length !== 1 || !Array.isArray(list) || list.length === 0) return [`${path}: allOf/anyOf must be a list`];
    return list.flatMap((item, i) => conditionProblems(item, `${path}.${keys[0]}[${i}]`, aliasPrefixes));
  }
  if ('not' in condition) return conditionProblems(condition.not, `${path}.not`, aliasPrefixes);
  const operators = keys.filter((key) => OPERATORS.has(key));
  const subjects = keys.filter((key) => ['field', 'value', 'count'].includes(key));
  const problems: string[] = [];
  if (operators.length !== 1) problems.push(`${path}: expected one operator, got ${keys.join(',')}`);
  if (subjects.length !== 1) problems.push(`${path}: expected one of field/value/count, got ${keys.join(',')}`);
  if (keys.length !== 2) problems.push(`${path}: unexpected keys ${keys.join(',')}`);
  if (typeof condition.field === 'string') {
    const field = condition.field;
    if (!['type', 'name', 'location'].includes(field) && !aliasPrefixes.some((prefix) => field.startsWith(prefix))) {
      problems.push(`${path}: alias ${field} is not under ${aliasPrefixes.join(' | ')}`);
    }
  }
  if ('count' in condition) {
    const count = condition.count as Obj;
    const countKeys = Object.keys(count);
    if (!('field' in count) === !('value' in count)) problems.push(`${path}.count: needs field or value`);
    if (countKeys.some((key) => !['field', 'value', 'where', 'name'].includes(key))) {
      problems.push(`${path}.count: unexpected keys ${countKeys.join(',')}`);
    }
    if (typeof count.field === 'string' && !count.field.endsWith('[*]')) {
      problems.push(`${path}.count.field must be an array alias ([*])`);
    }
    if (count.where) problems.push(...conditionProblems(count.where, `${path}.count.where`, aliasPrefixes));
  }
  return problems;
}

describe('guardrails policy: the built-in list', () => {
  it('names only built-ins that rules.yaml lists for those rules, with the effects rules.yaml records', () => {
    const spec = new Map(specRules().map((rule) => [rule.id, rule.azure_policy ?? []]));
    for (const builtin of BUILTIN_POLICIES) {
      for (const ruleId of builtin.rules) {
        const entry = spec.get(ruleId)?.find((p) => p.id === builtin.id);
        assert.ok(entry, `${builtin.id} is not an azure_policy of ${ruleId} in rules.yaml`);
        assert.deepEqual(builtin.effects, specEffects(entry.effects), `${builtin.id} effects`);
        assert.ok(
          findRule(ruleId)?.policies.some((p) => p.id === builtin.id),
          `${ruleId} in src/rules does not list ${builtin.id}`,
        );
      }
    }
  });

  it('covers every auditing built-in of rules.yaml that is not a remediation, or says why not', () => {
    const listed = new Set([...BUILTIN_POLICIES.map((b) => b.id), ...Object.keys(EXCLUDED)]);
    const missing = specRules().flatMap((rule) =>
      (rule.azure_policy ?? [])
        .filter((p) => !p.relation.startsWith('remediation'))
        .filter((p) => specEffects(p.effects).some((e) => /^(audit|auditifnotexists)$/i.test(e)))
        .filter((p) => !listed.has(p.id))
        .map((p) => `${rule.id} ${p.id}`),
    );
    assert.deepEqual(missing, []);
  });

  it('never picks Deny for a definition that cannot deny, and keeps the spelling the definition allows', () => {
    assert.equal(effectFor(['AuditIfNotExists', 'Disabled'], 'deny'), 'AuditIfNotExists');
    assert.equal(effectFor(['Audit', 'Deny', 'Disabled'], 'deny'), 'Deny');
    assert.equal(effectFor(['Audit', 'Deny', 'Disabled'], 'audit'), 'Audit');
    assert.equal(effectFor(['audit', 'disabled'], 'deny'), 'audit');
    assert.equal(effectFor(['DeployIfNotExists', 'AuditIfNotExists', 'Disabled'], 'deny'), 'AuditIfNotExists');
  });
});

describe('guardrails policy: scope', () => {
  it('accepts subscription and management group ids and rejects anything else as a config error', () => {
    assert.deepEqual(parseScope(`${SUB}/`), { kind: 'subscription', id: SUB, name: SUB.split('/')[2] });
    assert.equal(parseScope(SUB.split('/')[2]).id, SUB);
    assert.deepEqual(parseScope(MG), { kind: 'managementGroup', id: MG, name: 'mg-health' });
    for (const bad of ['/subscriptions/not-a-guid', `${SUB}/resourceGroups/rg`, 'mg-health', '']) {
      assert.throws(() => parseScope(bad), ConfigError, bad);
    }
  });
});

for (const [label, scope] of [
  ['subscription', SUB],
  ['management group', MG],
] as const) {
  describe(`guardrails policy: ARM template at ${label} scope`, () => {
    const template = arm(scope);
    const definitions = byType(template, 'Microsoft.Authorization/policyDefinitions');
    const [set] = byType(template, 'Microsoft.Authorization/policySetDefinitions');
    const [assignment] = byType(template, 'Microsoft.Authorization/policyAssignments');
    const setProperties = set.properties as Obj;
    const setParameters = setProperties.parameters as Obj;

    it('is a deployment template for that scope with one set, one assignment and the custom definitions', () => {
      assert.equal(
        template.$schema,
        label === 'subscription'
          ? 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#'
          : 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
      );
      assert.equal(template.contentVersion, '1.0.0.0');
      assert.equal((template.resources as Obj[]).length, definitions.length + 2);
      assert.deepEqual(
        definitions.map((d) => d.name),
        [
          'phiguard-apim-legacy-tls',
          'phiguard-log-analytics-audit-retention',
          'phiguard-nsg-internet-database-ports',
          'phiguard-sql-firewall-entire-internet',
        ],
      );
      for (const resource of template.resources as Obj[]) assert.equal(resource.apiVersion, POLICY_API_VERSION);
    });

    it('writes custom definitions with the required properties and a valid if/then rule', () => {
      for (const definition of definitions) {
        const properties = definition.properties as Obj;
        for (const key of ['policyType', 'mode', 'displayName', 'description', 'parameters', 'policyRule']) {
          assert.ok(properties[key] !== undefined, `${definition.name}.${key}`);
        }
        assert.equal(properties.policyType, 'Custom');
        assert.ok(['All', 'Indexed'].includes(properties.mode as string));
        const rule = properties.policyRule as Obj;
        assert.deepEqual(Object.keys(rule).sort(), ['if', 'then']);
        assert.equal((rule.then as Obj).effect, "[[parameters('effect')]");
        const types = JSON.stringify(rule.if).match(/"field":"type","equals":"([^"]+)"/g) ?? [];
        const prefixes = types.map((match) => `${match.split('"').at(-2)}/`);
        assert.ok(prefixes.length > 0, `${definition.name} names its resource types`);
        assert.deepEqual(conditionProblems(rule.if, `${definition.name}.if`, prefixes), []);
        const parameters = properties.parameters as Obj;
        const effect = parameters.effect as Obj;
        assert.deepEqual(effect.allowedValues, ['Audit', 'Deny', 'Disabled']);
        for (const [path, text] of strings(rule)) {
          if (text.startsWith('[')) assert.ok(text.startsWith('[['), `${path} is escaped for the deployment`);
          for (const name of parameterRefs(text)) assert.ok(name in parameters, `${definition.name} ${path}: ${name}`);
        }
      }
    });

    it('references every definition with parameters that resolve on both sides', () => {
      const references = setProperties.policyDefinitions as Obj[];
      const builtinIds = new Set(
        BUILTIN_POLICIES.map((b) => `/providers/Microsoft.Authorization/policyDefinitions/${b.id}`),
      );
      const specIds = new Set(specRules().flatMap((rule) => (rule.azure_policy ?? []).map((p) => p.id)));
      const groups = new Set((setProperties.policyDefinitionGroups as Obj[]).map((g) => g.name));
      assert.equal(references.length, BUILTIN_POLICIES.length + definitions.length);
      assert.equal(new Set(references.map((r) => r.policyDefinitionReferenceId)).size, references.length);
      for (const reference of references) {
        const id = reference.policyDefinitionId as string;
        if (id.startsWith('/providers/')) {
          assert.ok(builtinIds.has(id), id);
          assert.ok(specIds.has(id.split('/').at(-1) as string), `${id} is in rules.yaml`);
        } else {
          const fn = label === 'subscription' ? 'subscriptionResourceId' : 'managementGroupResourceId';
          const match = new RegExp(`^\\[${fn}\\('Microsoft.Authorization/policyDefinitions', '([^']+)'\\)\\]$`).exec(
            id,
          );
          assert.ok(match, id);
          assert.ok(definitions.some((d) => d.name === match[1]));
          assert.ok((set.dependsOn as string[]).includes(id));
        }
        for (const [name, value] of Object.entries(reference.parameters as Obj)) {
          const text = unescapeArm((value as Obj).value as string);
          const [from] = parameterRefs(text);
          assert.equal(text, `[parameters('${from}')]`);
          assert.ok(from in setParameters, `${reference.policyDefinitionReferenceId}.${name} <- ${from}`);
          const custom = definitions.find((d) => id.includes(`'${d.name}'`));
          if (custom) assert.ok(name in ((custom.properties as Obj).parameters as Obj), `${custom.name} has ${name}`);
          else if (name !== 'effect') {
            const builtin = BUILTIN_POLICIES.find((b) => id.endsWith(b.id));
            assert.ok(builtin?.parameters && name in builtin.parameters, `${id} takes ${name}`);
          }
        }
        const builtin = BUILTIN_POLICIES.find((b) => id.endsWith(b.id));
        assert.equal('effect' in (reference.parameters as Obj), !builtin?.fixedEffect, `${id} effect parameter`);
        for (const group of reference.groupNames as string[]) assert.ok(groups.has(group), group);
      }
    });

    it('documents every initiative parameter and assigns a value each one allows', () => {
      const values = (assignment.properties as Obj).parameters as Obj;
      assert.deepEqual(Object.keys(values).sort(), Object.keys(setParameters).sort());
      for (const [name, spec] of Object.entries(setParameters) as [string, Obj][]) {
        assert.ok(['String', 'Array', 'Integer'].includes(spec.type as string), name);
        assert.ok(((spec.metadata as Obj).description as string).length > 0, `${name} description`);
        const value = (values[name] as Obj).value;
        assert.deepEqual(value, spec.defaultValue, name);
        if (spec.allowedValues) assert.ok((spec.allowedValues as Json[]).includes(value as string), `${name}=${value}`);
      }
    });

    it('assigns the initiative it deploys at the scope of the deployment', () => {
      const properties = assignment.properties as Obj;
      assert.equal(assignment.name, 'phiguard-hipaa');
      assert.ok((assignment.name as string).length <= 24);
      assert.match(properties.policyDefinitionId as string, /policySetDefinitions', 'phiguard-hipaa'\)\]$/);
      assert.equal(properties.enforcementMode, "[parameters('enforcementMode')]");
      assert.deepEqual((assignment.dependsOn as string[]).length, 1);
    });

    it('loads through the repository ARM adapter as the three policy resource types', () => {
      const result = parseArmTemplate({ file: 'policy.json', text: JSON.stringify(template) });
      const types = result.resources.map((r) => r.type).sort();
      assert.deepEqual(
        [...new Set(types)],
        [
          'Microsoft.Authorization/policyAssignments',
          'Microsoft.Authorization/policyDefinitions',
          'Microsoft.Authorization/policySetDefinitions',
        ],
      );
      assert.deepEqual(
        result.diagnostics.filter((d) => d.kind === 'parse-error'),
        [],
      );
    });
  });
}

describe('guardrails policy: effects', () => {
  it('denies only where a definition allows Deny, and audits the rest', () => {
    const [assignment] = byType(arm(SUB, 'deny'), 'Microsoft.Authorization/policyAssignments');
    const values = (assignment.properties as Obj).parameters as Obj;
    for (const builtin of BUILTIN_POLICIES.filter((b) => !b.fixedEffect)) {
      const name = `effect_${builtin.rules[0].replaceAll('-', '_')}_${builtin.id.slice(0, 8).replaceAll('-', '_')}`;
      const value = (values[name] as Obj).value;
      assert.equal(value, builtin.effects.includes('Deny') ? 'Deny' : effectFor(builtin.effects, 'audit'), name);
    }
    assert.equal((values.effect_phiguard_nsg_internet_database_ports as Obj).value, 'Deny');
  });

  it('audit mode never denies', () => {
    const [assignment] = byType(arm(SUB, 'audit'), 'Microsoft.Authorization/policyAssignments');
    const effects = Object.entries((assignment.properties as Obj).parameters as Obj)
      .filter(([name]) => name.startsWith('effect_'))
      .map(([, v]) => (v as Obj).value);
    assert.ok(effects.length > 80);
    assert.ok(!effects.includes('Deny'));
  });
});

describe('guardrails policy: config', () => {
  it('carries the configured retention and database ports into the parameters', () => {
    const config = defaultConfig();
    config.retention.auditLogs.minDays = 2556;
    config.network.dbPorts = ['1433', '1434/udp', '11000-11999', '5432'];
    const g = buildPolicyGuardrails(config, { scope: SUB, effect: 'audit' });
    assert.equal(g.assignment.parameters.minTotalRetentionInDays, 2556);
    assert.deepEqual(g.assignment.parameters.databasePorts, ['1433', '1434', '11000', '11999', '5432']);
    assert.deepEqual(databasePorts(config), ['1433', '1434', '11000', '11999', '5432']);
  });

  it('groups definitions by the HIPAA citations of their rules', () => {
    assert.equal(groupName('164.312(e)(2)(ii)'), 'hipaa-164.312-e-2-ii');
    const g = buildPolicyGuardrails(defaultConfig(), { scope: SUB, effect: 'audit' });
    const tls = g.set.references.find((r) => r.referenceId === 'phiguard-apim-legacy-tls');
    assert.deepEqual(
      tls?.groups,
      (findRule('PHI-TLS-001')?.hipaa ?? []).map((c) => groupName(c.cite)),
    );
  });
});

describe('guardrails policy: Bicep, Terraform and JSON', () => {
  const g = buildPolicyGuardrails(defaultConfig(), { scope: SUB, effect: 'deny' });

  it('Bicep parses with the repository Bicep parser and declares the same resources', () => {
    const text = renderPolicyGuardrails(g, 'bicep');
    assert.match(text, /^targetScope = 'subscription'$/m);
    const result = loadBicep(text);
    assert.deepEqual(
      result.diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    const count = (type: string) => result.resources.filter((r) => r.type === type).length;
    assert.equal(count('Microsoft.Authorization/policyDefinitions'), 4);
    assert.equal(count('Microsoft.Authorization/policySetDefinitions'), 1);
    assert.equal(count('Microsoft.Authorization/policyAssignments'), 1);
    // Custom definitions are referenced by symbol, never by a placeholder.
    assert.doesNotMatch(text, /@@/);
    assert.match(text, /policyDefinitionId: apimLegacyTls\.id/);
    const mg = renderPolicyGuardrails(buildPolicyGuardrails(defaultConfig(), { scope: MG, effect: 'audit' }), 'bicep');
    assert.match(mg, /^targetScope = 'managementGroup'$/m);
    assert.deepEqual(
      loadBicep(mg).diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
  });

  it('Terraform parses with the repository HCL parser and uses the scope-specific assignment', () => {
    const sub = renderPolicyGuardrails(g, 'terraform');
    assert.deepEqual(
      loadTerraform(sub).diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    assert.match(sub, /resource "azurerm_subscription_policy_assignment" "hipaa"/);
    assert.equal(sub.match(/resource "azurerm_policy_definition"/g)?.length, 4);
    assert.equal(sub.match(/policy_definition_reference \{/g)?.length, BUILTIN_POLICIES.length + 4);
    const mg = renderPolicyGuardrails(
      buildPolicyGuardrails(defaultConfig(), { scope: MG, effect: 'audit' }),
      'terraform',
    );
    assert.deepEqual(
      loadTerraform(mg).diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    assert.match(mg, /resource "azurerm_management_group_policy_assignment" "hipaa"/);
    assert.match(mg, /management_group_id += data\.azurerm_management_group\.scope\.id/);
  });

  it('JSON holds the REST bodies with ids under the scope and unescaped expressions', () => {
    const body = JSON.parse(renderPolicyGuardrails(g, 'json')) as Obj;
    const set = body.policySetDefinition as Obj;
    assert.equal(set.id, `${SUB}/providers/Microsoft.Authorization/policySetDefinitions/phiguard-hipaa`);
    const references = (set.properties as Obj).policyDefinitions as Obj[];
    const custom = references.find((r) => r.policyDefinitionReferenceId === 'phiguard-apim-legacy-tls');
    assert.equal(
      custom?.policyDefinitionId,
      `${SUB}/providers/Microsoft.Authorization/policyDefinitions/phiguard-apim-legacy-tls`,
    );
    for (const [path, text] of strings(body)) assert.ok(!text.startsWith('[['), path);
  });
});

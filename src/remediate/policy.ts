// `phiguard guardrails policy`: an Azure Policy initiative (policy set definition) for the HIPAA controls of the
// rule catalog, the custom definitions for the gaps no built-in covers, and an assignment at a subscription or
// management group, emitted as an ARM deployment template, Bicep, Terraform or the REST bodies (json).
import type { Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { findRule } from '../rules/catalog/index.js';
import { BUILTIN_POLICIES } from './guardrails/builtins.js';
import { AUDIT_TABLES, type CustomPolicy, customPolicies, databasePorts } from './guardrails/custom-policies.js';
import {
  bicepString,
  bicepValue,
  escapeArmExpressions,
  type GuardrailFormat,
  hclString,
  hclValue,
  type Json,
  type JsonObject,
  jsonText,
} from './guardrails/emit.js';

/** Microsoft.Authorization API version for definitions, sets and assignments (all three have 2023-04-01). */
export const POLICY_API_VERSION = '2023-04-01';
export const SET_NAME = 'phiguard-hipaa';
/** Management-group assignment names are limited to 24 characters; this one fits both scopes. */
export const ASSIGNMENT_NAME = 'phiguard-hipaa';

export type PolicyEffectChoice = 'audit' | 'deny';

export interface PolicyScope {
  kind: 'subscription' | 'managementGroup';
  /** The full ARM id: /subscriptions/<guid> or /providers/Microsoft.Management/managementGroups/<name>. */
  id: string;
  name: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/subscriptions/<guid>`, a bare subscription GUID, or `/providers/Microsoft.Management/managementGroups/<name>`. */
export function parseScope(text: string): PolicyScope {
  const trimmed = text.trim().replace(/\/+$/, '');
  if (GUID.test(trimmed)) return { kind: 'subscription', id: `/subscriptions/${trimmed}`, name: trimmed };
  const subscription = /^\/subscriptions\/([^/]+)$/i.exec(trimmed);
  if (subscription && GUID.test(subscription[1])) {
    return { kind: 'subscription', id: `/subscriptions/${subscription[1]}`, name: subscription[1] };
  }
  const group = /^\/providers\/Microsoft\.Management\/managementGroups\/([A-Za-z0-9_().-]{1,90})$/i.exec(trimmed);
  if (group) {
    return {
      kind: 'managementGroup',
      id: `/providers/Microsoft.Management/managementGroups/${group[1]}`,
      name: group[1],
    };
  }
  throw new ConfigError(
    `--scope "${text}" is not a subscription or management group id`,
    undefined,
    'use /subscriptions/<guid> or /providers/Microsoft.Management/managementGroups/<name>',
  );
}

/** The effect a definition gets for the chosen mode: Deny where it supports Deny, else its auditing effect. */
export function effectFor(allowed: readonly string[], wanted: PolicyEffectChoice): string {
  const find = (name: string) =>
    allowed.find((e) => e === name) ?? allowed.find((e) => e.toLowerCase() === name.toLowerCase());
  const chosen = (wanted === 'deny' ? find('Deny') : undefined) ?? find('Audit') ?? find('AuditIfNotExists');
  if (!chosen) throw new Error(`no auditing effect among ${allowed.join(', ')}`);
  return chosen;
}

/** A reference of the initiative to one definition. */
export interface PolicyReferenceEntry {
  referenceId: string;
  definition: { builtin: string } | { custom: string };
  displayName: string;
  rules: string[];
  groups: string[];
  /** Definition parameter -> initiative parameter. */
  parameters: Record<string, string>;
}

export interface PolicyGuardrails {
  scope: PolicyScope;
  effect: PolicyEffectChoice;
  definitions: CustomPolicy[];
  set: {
    displayName: string;
    description: string;
    metadata: JsonObject;
    parameters: JsonObject;
    groups: { name: string; displayName: string; category: string; description: string }[];
    references: PolicyReferenceEntry[];
  };
  assignment: { displayName: string; description: string; parameters: Record<string, Json> };
}

/** `164.312(e)(1)` -> `hipaa-164.312-e-1` (group names stay in the characters every tool accepts). */
export function groupName(cite: string): string {
  return `hipaa-${cite.replace(/\(([^)]+)\)/g, '-$1')}`;
}

function citesOf(rules: string[]): string[] {
  const cites = new Set<string>();
  for (const id of rules) for (const citation of findRule(id)?.hipaa ?? []) cites.add(citation.cite);
  return [...cites];
}

function effectParameterName(referenceId: string): string {
  return `effect_${referenceId.replace(/[^A-Za-z0-9]/g, '_')}`;
}

export function buildPolicyGuardrails(
  config: Config,
  options: { scope: string; effect: PolicyEffectChoice },
): PolicyGuardrails {
  const scope = parseScope(options.scope);
  const definitions = customPolicies(config);
  const parameters: JsonObject = {};
  const assignmentValues: Record<string, Json> = {};
  const references: PolicyReferenceEntry[] = [];

  const addEffect = (referenceId: string, displayName: string, allowed: string[], rules: string[]) => {
    const name = effectParameterName(referenceId);
    const value = effectFor(allowed, options.effect);
    parameters[name] = {
      type: 'String',
      allowedValues: allowed,
      defaultValue: value,
      metadata: {
        displayName: `Effect: ${displayName}`,
        description: `phiguard ${rules.join(', ')}. Allowed by the definition: ${allowed.join(', ')}.`,
      },
    };
    assignmentValues[name] = value;
    return name;
  };

  for (const builtin of BUILTIN_POLICIES) {
    const referenceId = `${builtin.rules[0]}_${builtin.id.slice(0, 8)}`;
    const refParameters: Record<string, string> = { ...builtin.parameters };
    if (!builtin.fixedEffect)
      refParameters.effect = addEffect(referenceId, builtin.name, builtin.effects, builtin.rules);
    references.push({
      referenceId,
      definition: { builtin: builtin.id },
      displayName: builtin.name,
      rules: builtin.rules,
      groups: citesOf(builtin.rules).map(groupName),
      parameters: refParameters,
    });
  }
  for (const custom of definitions) {
    const referenceId = custom.name;
    references.push({
      referenceId,
      definition: { custom: custom.name },
      displayName: custom.properties.displayName,
      rules: custom.rules,
      groups: citesOf(custom.rules).map(groupName),
      parameters: {
        effect: addEffect(referenceId, custom.properties.displayName, custom.effects, custom.rules),
        ...custom.inputs,
      },
    });
  }

  const shared: Record<string, { type: string; value: Json; displayName: string; description: string }> = {
    diagnosticResourceTypes: {
      type: 'Array',
      value: (findRule('PHI-LOG-002')?.types ?? []).filter((t) => t !== 'Microsoft.Insights/diagnosticSettings'),
      displayName: 'Resource types that need a diagnostic setting',
      description: 'PHI-bearing types of PHI-LOG-002 (Key Vault, SQL and storage have their own definitions).',
    },
    minTotalRetentionInDays: {
      type: 'Integer',
      value: config.retention.auditLogs.minDays,
      displayName: 'Minimum audit-log retention (days)',
      description: 'retention.audit_logs.min_days of .phiguard.yaml (2191 = 6 years as Log Analytics accepts it).',
    },
    auditTables: {
      type: 'Array',
      value: AUDIT_TABLES,
      displayName: 'Log Analytics audit tables',
      description: 'Tables whose total retention must reach the minimum.',
    },
    databasePorts: {
      type: 'Array',
      value: databasePorts(config),
      displayName: 'Database ports',
      description: 'network.db_ports of .phiguard.yaml (ranges contribute both ends).',
    },
    keyRotationMaxDays: {
      type: 'Integer',
      value: 365,
      displayName: 'Longest key rotation interval (days)',
      description: 'PHI-KV-004 accepts a rotation interval of at most one year (rules.yaml "interval <= P1Y").',
    },
    internetSources: {
      type: 'Array',
      value: config.network.internetSources,
      displayName: 'Internet source prefixes',
      description: 'network.internet_sources of .phiguard.yaml.',
    },
  };
  for (const [name, spec] of Object.entries(shared)) {
    parameters[name] = {
      type: spec.type,
      defaultValue: spec.value,
      metadata: { displayName: spec.displayName, description: spec.description },
    };
    assignmentValues[name] = spec.value;
  }

  const cites = [...new Set(references.flatMap((r) => citesOf(r.rules)))].sort();
  return {
    scope,
    effect: options.effect,
    definitions,
    set: {
      displayName: 'phiguard: HIPAA Security Rule guardrails for PHI workloads',
      description:
        'Built-in and custom Azure Policy definitions mapped to the phiguard rule catalog and the HIPAA Security Rule (45 CFR 164 Subpart C). Generated by phiguard guardrails policy.',
      metadata: { category: 'Regulatory Compliance', version: '1.0.0', source: 'phiguard' },
      parameters,
      groups: cites.map((cite) => ({
        name: groupName(cite),
        displayName: `45 CFR ${cite}`,
        category: 'HIPAA Security Rule',
        description: `Definitions for phiguard rules citing 45 CFR ${cite}.`,
      })),
      references,
    },
    assignment: {
      displayName: `phiguard HIPAA guardrails (${options.effect === 'deny' ? 'deny where supported' : 'audit'})`,
      description:
        options.effect === 'deny'
          ? 'Deny where a definition supports it, audit elsewhere. Review compliance in audit mode before switching to deny.'
          : 'Audit only: reports non-compliant resources without blocking deployments.',
      parameters: assignmentValues,
    },
  };
}

const BUILTIN_PREFIX = '/providers/Microsoft.Authorization/policyDefinitions/';

function setProperties(g: PolicyGuardrails, definitionId: (custom: string) => string): JsonObject {
  return {
    displayName: g.set.displayName,
    description: g.set.description,
    policyType: 'Custom',
    metadata: g.set.metadata,
    parameters: g.set.parameters,
    policyDefinitionGroups: g.set.groups,
    policyDefinitions: g.set.references.map((reference) => ({
      policyDefinitionReferenceId: reference.referenceId,
      policyDefinitionId:
        'builtin' in reference.definition
          ? `${BUILTIN_PREFIX}${reference.definition.builtin}`
          : definitionId(reference.definition.custom),
      parameters: Object.fromEntries(
        Object.entries(reference.parameters).map(([name, from]) => [name, { value: `[parameters('${from}')]` }]),
      ),
      groupNames: reference.groups,
    })),
  };
}

function assignmentParameters(g: PolicyGuardrails): JsonObject {
  return Object.fromEntries(Object.entries(g.assignment.parameters).map(([name, value]) => [name, { value }]));
}

function definitionProperties(custom: CustomPolicy): JsonObject {
  return { policyType: 'Custom', ...custom.properties };
}

function renderJson(g: PolicyGuardrails): string {
  const definitionId = (name: string) => `${g.scope.id}${BUILTIN_PREFIX}${name}`;
  return jsonText({
    scope: g.scope.id,
    policyDefinitions: g.definitions.map((custom) => ({
      id: definitionId(custom.name),
      name: custom.name,
      properties: definitionProperties(custom),
    })),
    policySetDefinition: {
      id: `${g.scope.id}/providers/Microsoft.Authorization/policySetDefinitions/${SET_NAME}`,
      name: SET_NAME,
      properties: setProperties(g, definitionId),
    },
    policyAssignment: {
      id: `${g.scope.id}/providers/Microsoft.Authorization/policyAssignments/${ASSIGNMENT_NAME}`,
      name: ASSIGNMENT_NAME,
      properties: {
        displayName: g.assignment.displayName,
        description: g.assignment.description,
        policyDefinitionId: `${g.scope.id}/providers/Microsoft.Authorization/policySetDefinitions/${SET_NAME}`,
        enforcementMode: 'Default',
        parameters: assignmentParameters(g),
      },
    },
  });
}

const SCHEMAS = {
  subscription: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
  managementGroup: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
};

function renderArm(g: PolicyGuardrails): string {
  const idFunction = g.scope.kind === 'subscription' ? 'subscriptionResourceId' : 'managementGroupResourceId';
  const armId = (type: string, name: string) => `[${idFunction}('Microsoft.Authorization/${type}', '${name}')]`;
  const definitions = g.definitions.map((custom) => ({
    type: 'Microsoft.Authorization/policyDefinitions',
    apiVersion: POLICY_API_VERSION,
    name: custom.name,
    properties: escapeArmExpressions(definitionProperties(custom)),
  }));
  const set = {
    type: 'Microsoft.Authorization/policySetDefinitions',
    apiVersion: POLICY_API_VERSION,
    name: SET_NAME,
    dependsOn: g.definitions.map((custom) => armId('policyDefinitions', custom.name)),
    // Escaped whole, then the custom definition ids (deployment-time expressions) put back unescaped.
    properties: setProperties(g, (name) => `@@${name}`),
  };
  const setProps = escapeArmExpressions(set.properties) as JsonObject;
  for (const reference of setProps.policyDefinitions as JsonObject[]) {
    const id = reference.policyDefinitionId as string;
    if (id.startsWith('@@')) reference.policyDefinitionId = armId('policyDefinitions', id.slice(2));
  }
  const template = {
    $schema: SCHEMAS[g.scope.kind],
    contentVersion: '1.0.0.0',
    metadata: {
      description: `phiguard HIPAA guardrails: ${g.definitions.length} custom definitions, one initiative of ${g.set.references.length} definitions, one assignment at ${g.scope.id}.`,
    },
    parameters: {
      enforcementMode: {
        type: 'string',
        defaultValue: 'Default',
        allowedValues: ['Default', 'DoNotEnforce'],
        metadata: { description: 'DoNotEnforce evaluates compliance without applying Deny effects.' },
      },
    },
    resources: [
      ...definitions,
      { ...set, properties: setProps },
      {
        type: 'Microsoft.Authorization/policyAssignments',
        apiVersion: POLICY_API_VERSION,
        name: ASSIGNMENT_NAME,
        dependsOn: [armId('policySetDefinitions', SET_NAME)],
        properties: {
          displayName: g.assignment.displayName,
          description: g.assignment.description,
          policyDefinitionId: armId('policySetDefinitions', SET_NAME),
          enforcementMode: "[parameters('enforcementMode')]",
          parameters: escapeArmExpressions(assignmentParameters(g)),
        },
      },
    ],
    outputs: {
      policySetDefinitionId: { type: 'string', value: armId('policySetDefinitions', SET_NAME) },
      policyAssignmentId: { type: 'string', value: armId('policyAssignments', ASSIGNMENT_NAME) },
    },
  };
  return jsonText(template);
}

function bicepSymbol(name: string): string {
  return name.replace(/^phiguard-/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function renderBicep(g: PolicyGuardrails): string {
  const lines: string[] = [
    '// phiguard HIPAA guardrails: custom policy definitions, the initiative and its assignment.',
    `// Deploy: az deployment ${g.scope.kind === 'subscription' ? 'sub' : 'mg'} create ${g.scope.kind === 'subscription' ? '' : `--management-group-id ${g.scope.name} `}--location <region> --template-file <this file>`,
    `targetScope = '${g.scope.kind}'`,
    '',
    "@allowed(['Default', 'DoNotEnforce'])",
    "@description('DoNotEnforce evaluates compliance without applying Deny effects.')",
    "param enforcementMode string = 'Default'",
    '',
  ];
  for (const custom of g.definitions) {
    lines.push(
      `resource ${bicepSymbol(custom.name)} 'Microsoft.Authorization/policyDefinitions@${POLICY_API_VERSION}' = {`,
      `  name: ${bicepString(custom.name)}`,
      `  properties: ${bicepValue(definitionProperties(custom), 1)}`,
      '}',
      '',
    );
  }
  // Custom definition ids are symbol references; a placeholder string marks where each goes.
  const properties = bicepValue(
    setProperties(g, (name) => `@@${name}`),
    1,
  ).replace(/'@@([a-z0-9-]+)'/g, (_, name: string) => `${bicepSymbol(name)}.id`);
  lines.push(
    `resource initiative 'Microsoft.Authorization/policySetDefinitions@${POLICY_API_VERSION}' = {`,
    `  name: ${bicepString(SET_NAME)}`,
    `  properties: ${properties}`,
    '}',
    '',
    `resource assignment 'Microsoft.Authorization/policyAssignments@${POLICY_API_VERSION}' = {`,
    `  name: ${bicepString(ASSIGNMENT_NAME)}`,
    '  properties: {',
    `    displayName: ${bicepString(g.assignment.displayName)}`,
    `    description: ${bicepString(g.assignment.description)}`,
    '    policyDefinitionId: initiative.id',
    '    enforcementMode: enforcementMode',
    `    parameters: ${bicepValue(assignmentParameters(g), 2)}`,
    '  }',
    '}',
    '',
    'output policySetDefinitionId string = initiative.id',
    'output policyAssignmentId string = assignment.id',
    '',
  );
  return lines.join('\n');
}

function renderTerraform(g: PolicyGuardrails): string {
  const atGroup = g.scope.kind === 'managementGroup';
  const lines: string[] = [
    '# phiguard HIPAA guardrails: custom policy definitions, the initiative and its assignment (azurerm).',
    '',
  ];
  if (atGroup) {
    lines.push('data "azurerm_management_group" "scope" {', `  name = ${hclString(g.scope.name)}`, '}', '');
  }
  const scopeLine = atGroup ? ['  management_group_id = data.azurerm_management_group.scope.id'] : [];
  const tfName = (name: string) => name.replace(/^phiguard-/, '').replaceAll('-', '_');
  for (const custom of g.definitions) {
    const p = custom.properties;
    lines.push(
      `resource "azurerm_policy_definition" "${tfName(custom.name)}" {`,
      `  name         = ${hclString(custom.name)}`,
      '  policy_type  = "Custom"',
      `  mode         = ${hclString(p.mode)}`,
      `  display_name = ${hclString(p.displayName)}`,
      `  description  = ${hclString(p.description)}`,
      ...scopeLine,
      `  metadata     = jsonencode(${hclValue(p.metadata, 1)})`,
      `  parameters   = jsonencode(${hclValue(p.parameters, 1)})`,
      `  policy_rule  = jsonencode(${hclValue(p.policyRule, 1)})`,
      '}',
      '',
    );
  }
  lines.push(
    'resource "azurerm_policy_set_definition" "hipaa" {',
    `  name         = ${hclString(SET_NAME)}`,
    '  policy_type  = "Custom"',
    `  display_name = ${hclString(g.set.displayName)}`,
    `  description  = ${hclString(g.set.description)}`,
    ...scopeLine,
    `  metadata     = jsonencode(${hclValue(g.set.metadata, 1)})`,
    `  parameters   = jsonencode(${hclValue(g.set.parameters, 1)})`,
    '',
  );
  for (const group of g.set.groups) {
    lines.push(
      '  policy_definition_group {',
      `    name         = ${hclString(group.name)}`,
      `    display_name = ${hclString(group.displayName)}`,
      `    category     = ${hclString(group.category)}`,
      `    description  = ${hclString(group.description)}`,
      '  }',
      '',
    );
  }
  for (const reference of g.set.references) {
    const id =
      'builtin' in reference.definition
        ? hclString(`${BUILTIN_PREFIX}${reference.definition.builtin}`)
        : `azurerm_policy_definition.${tfName(reference.definition.custom)}.id`;
    const values = Object.fromEntries(
      Object.entries(reference.parameters).map(([name, from]) => [name, { value: `[parameters('${from}')]` }]),
    );
    lines.push(
      '  policy_definition_reference {',
      `    policy_definition_id = ${id}`,
      `    reference_id         = ${hclString(reference.referenceId)}`,
      `    parameter_values     = jsonencode(${hclValue(values, 2)})`,
      `    policy_group_names   = ${hclValue(reference.groups, 2)}`,
      '  }',
      '',
    );
  }
  lines.push('}', '');
  const assignmentType = atGroup
    ? 'azurerm_management_group_policy_assignment'
    : 'azurerm_subscription_policy_assignment';
  lines.push(
    `resource "${assignmentType}" "hipaa" {`,
    `  name                 = ${hclString(ASSIGNMENT_NAME)}`,
    atGroup
      ? '  management_group_id  = data.azurerm_management_group.scope.id'
      : `  subscription_id      = ${hclString(g.scope.id)}`,
    '  policy_definition_id = azurerm_policy_set_definition.hipaa.id',
    `  display_name         = ${hclString(g.assignment.displayName)}`,
    `  description          = ${hclString(g.assignment.description)}`,
    '  enforce              = true',
    `  parameters           = jsonencode(${hclValue(assignmentParameters(g), 1)})`,
    '}',
    '',
  );
  return lines.join('\n');
}

export function renderPolicyGuardrails(g: PolicyGuardrails, format: GuardrailFormat): string {
  switch (format) {
    case 'arm':
      return renderArm(g);
    case 'bicep':
      return renderBicep(g);
    case 'terraform':
      return renderTerraform(g);
    case 'json':
      return renderJson(g);
  }
}

// Builders shared by the PHI-LOG rule tables: ARM resources and diagnostic settings in their three template forms,
// live GET bodies with extension-resource ids, payload bodies to combine with other live records, and configs.
import { readFileSync } from 'node:fs';
import type { Config } from '../../../../src/core/config.js';
import { idOf, type Json, template } from '../../../helpers/arm-cases.js';
import { armTemplate, type Case, PAYLOADS } from '../../../helpers/rule-cases.js';
import { body, res } from '../net/support.js';

export { body, res };

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
export const WORKSPACE = 'Microsoft.OperationalInsights/workspaces';
export const DIAGNOSTIC = 'Microsoft.Insights/diagnosticSettings';
export const PHI_TAGS = { 'data-classification': 'phi' };
export const WORKSPACE_ID = idOf(WORKSPACE, 'law-audit');
/** The workspace reference as templates write it. */
export const WORKSPACE_REF = "[resourceId('Microsoft.OperationalInsights/workspaces', 'law-audit')]";

/** An ARM workspace. */
export function workspace(
  properties: Json = { sku: { name: 'PerGB2018' }, retentionInDays: 90 },
  extra: Json = {},
): Json {
  return res(WORKSPACE, 'law-audit', properties, { apiVersion: '2025-02-01', ...extra });
}

/** A diagnostic setting extending `scope` (template `scope` form). */
export function setting(scope: string, properties: Json, name = 'audit'): Json {
  return { type: DIAGNOSTIC, apiVersion: '2021-05-01-preview', name, scope, properties };
}

/** The legacy `<type>/providers/diagnosticSettings` form: `targetName` is the target's full name (`sa/default`). */
export function legacySetting(targetType: string, targetName: string, properties: Json, name = 'audit'): Json {
  return {
    type: `${targetType}/providers/diagnosticSettings`,
    apiVersion: '2021-05-01-preview',
    name: `${targetName}/Microsoft.Insights/${name}`,
    properties,
  };
}

export const AUDIT_LOGS = [{ categoryGroup: 'audit', enabled: true }];
export const ALL_LOGS = [{ categoryGroup: 'allLogs', enabled: true }];

/** A live diagnostic setting GET body on `targetId`. */
export function liveSetting(targetId: string, properties: Json, name = 'audit'): Json {
  return {
    id: `${targetId}/providers/microsoft.insights/diagnosticSettings/${name}`,
    name,
    type: DIAGNOSTIC,
    properties,
  };
}

/** The body of a payload in ../shared/payloads (x-ms-examples responses.200.body), to combine with other records. */
export function payloadBody(file: string): Json {
  const example = JSON.parse(readFileSync(new URL(file, PAYLOADS), 'utf8')) as {
    responses: Record<string, { body: Json }>;
  };
  return structuredClone(example.responses['200'].body);
}

export function armCase(resources: Json[], label: string, parameters?: Json, parameterValues?: Json): Case {
  const values = parameterValues
    ? Object.fromEntries(Object.entries(parameterValues).map(([k, v]) => [k, { value: v }]))
    : undefined;
  return armTemplate(template(resources, parameters), values, `arm ${label}`);
}

/** Classification by tags only (the default config treats every resource as PHI). */
export function tagged(config: Config): void {
  config.classification.default = 'non-phi';
}

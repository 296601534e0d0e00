// Inline ARM template builders shared by the rule tables (test/rules/catalog/<area>/support.ts): templates, the line a
// finding must point at, and the parameter default / parameter file / missing parameter variants of a value.
import { armTemplate, type Case, parameterFileText, TEMPLATE_SCHEMA } from './rule-cases.js';

export type Json = Record<string, unknown>;

export const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/phi-rg/providers';

/** A resource-group template with the given resources (and parameters section). */
export function template(resources: Json[], parameters?: Json): Json {
  return {
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(parameters ? { parameters } : {}),
    resources,
  };
}

/** 1-based line of the first line containing `needle` at or after the first line containing `after`. */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  if (start < 0) throw new Error(`"${after}" not found`);
  const index = lines.findIndex((line, i) => i >= start && line.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not found`);
  return index + 1;
}

/** A template case; with `at`, the failure must point at the template line holding `at.needle` (after `at.after`). */
export function templateCase(tpl: Json, label: string, at?: { needle: string; after?: string }): Case {
  const testCase = armTemplate(tpl, undefined, `arm ${label}`);
  if (!at) return testCase;
  return { ...testCase, file: 'test.json', line: lineOf(JSON.stringify(tpl, null, 2), at.needle, at.after) };
}

/** templateCase() of a template holding `resources`. */
export function resourcesCase(resources: Json[], label: string, at?: { needle: string; after?: string }): Case {
  return templateCase(template(resources), label, at);
}

/**
 * `build` receives the expression `[parameters('setting')]` and returns the resources using it. Variants: the
 * parameter's default (finding at the default's line), a parameter file value (finding in the parameter file), and a
 * parameter with no value at all (needs review).
 */
export function parameterCases(
  build: (expression: string) => Json[],
  type: string,
  value: unknown,
): { fromDefault: Case; fromFile: Case; missing: Case } {
  const expression = "[parameters('setting')]";
  const withDefault = template(build(expression), { setting: { type, defaultValue: value } });
  const withoutDefault = template(build(expression), { setting: { type } });
  const values = { setting: { value } };
  return {
    fromDefault: {
      ...armTemplate(withDefault, undefined, `arm parameter default ${JSON.stringify(value)}`),
      file: 'test.json',
      line: lineOf(JSON.stringify(withDefault, null, 2), '"defaultValue"', '"setting"'),
    },
    fromFile: {
      ...armTemplate(withoutDefault, values, `arm parameter file value ${JSON.stringify(value)}`),
      file: 'test.parameters.json',
      line: lineOf(parameterFileText(values), '"value"', '"setting"'),
    },
    missing: armTemplate(withoutDefault, undefined, 'arm parameter without default or parameter file'),
  };
}

/** The live id of `type`/`name` (`Microsoft.Sql/servers/firewallRules`, `phisql/r` -> `.../servers/phisql/firewallRules/r`). */
export function idOf(type: string, name: string): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  return `${SUB}/${namespace}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}

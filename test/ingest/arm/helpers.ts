// Builders for ARM adapter tests: templates are written as objects and serialized with 2-space indentation, so tests
// can find the line a value is written on with `lineOf`.
import assert from 'node:assert/strict';
import type { Resource, Value } from '../../../src/core/types.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import type { IngestResult } from '../../../src/ingest/types.js';

export const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
export const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
export const SUB = '00000000-0000-0000-0000-000000000000';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/phiguard-scan-rg`;

export function template(resources: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { $schema: SCHEMA, contentVersion: '1.0.0.0', ...extra, resources };
}

export function text(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export interface Parsed extends IngestResult {
  text: string;
  parametersText?: string;
}

/** Parses a template object, with an optional parameter file given as `{ name: value }` or raw entries. */
export function parse(
  body: unknown,
  options: { values?: Record<string, unknown>; entries?: Record<string, unknown>; file?: string } = {},
): Parsed {
  const templateText = text(body);
  const entries =
    options.entries ??
    (options.values
      ? Object.fromEntries(Object.entries(options.values).map(([name, value]) => [name, { value }]))
      : undefined);
  const parametersText = entries
    ? text({ $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters: entries })
    : undefined;
  const result = parseArmTemplate({
    file: options.file ?? 'main.json',
    text: templateText,
    parameters: parametersText ? { file: 'main.parameters.json', text: parametersText } : undefined,
  });
  return { ...result, text: templateText, parametersText };
}

/** 1-based line of the n-th (default first) occurrence of `needle`. */
export function lineOf(haystack: string, needle: string, occurrence = 1): number {
  let index = -1;
  for (let n = 0; n < occurrence; n++) {
    index = haystack.indexOf(needle, index + 1);
    assert.ok(index >= 0, `${needle} not found`);
  }
  return haystack.slice(0, index).split('\n').length;
}

export function only(resources: Resource[], type: string): Resource {
  const found = resources.filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
  assert.equal(found.length, 1, `expected one ${type}, got ${found.map((r) => r.address).join(', ')}`);
  return found[0];
}

export function byAddress(resources: Resource[], address: string): Resource {
  const found = resources.find((resource) => resource.address === address);
  assert.ok(found, `no resource at ${address}; have ${resources.map((r) => r.address).join(', ')}`);
  return found;
}

export interface EvalOptions {
  parameters?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  values?: Record<string, unknown>;
  functions?: unknown[];
}

/** Evaluates one expression as the value of a resource property. */
export function evaluate(expression: unknown, options: EvalOptions = {}): { value: Value | undefined; parsed: Parsed } {
  const body = template(
    [{ type: 'Microsoft.Test/things', apiVersion: '2020-01-01', name: 'thing', properties: { value: expression } }],
    {
      ...(options.parameters ? { parameters: options.parameters } : {}),
      ...(options.variables ? { variables: options.variables } : {}),
      ...(options.functions ? { functions: options.functions } : {}),
    },
  );
  const parsed = parse(body, { values: options.values });
  const properties = parsed.resources[0].properties as { value?: Value };
  return { value: properties.value, parsed };
}

// Builders for Bicep adapter tests: sources are inline strings, evaluated in memory (parseBicepTemplate), so a
// test can find the line a value is written on with `lineOf`.
import assert from 'node:assert/strict';
import type { Resource, Value } from '../../../src/core/types.js';
import { parseBicepParams, parseBicepTemplate } from '../../../src/ingest/bicep/index.js';
import type { IngestResult } from '../../../src/ingest/types.js';

export const SUB = '00000000-0000-0000-0000-000000000000';
export const RG_ID = `/subscriptions/${SUB}/resourceGroups/phiguard-scan-rg`;

export interface Options {
  /** Other files by path (`modules/x.bicep` resolves against `main.bicep`'s folder, the current directory). */
  files?: Record<string, string>;
  /** A .bicepparam text (file `main.bicepparam`) or an ARM parameter file's `parameters` values. */
  bicepparam?: string;
  values?: Record<string, unknown>;
}

export function bicep(text: string, options: Options = {}): IngestResult {
  let parameters: { file: string; text: string } | undefined;
  if (options.bicepparam !== undefined) parameters = { file: 'main.bicepparam', text: options.bicepparam };
  else if (options.values) {
    const entries = Object.fromEntries(Object.entries(options.values).map(([name, value]) => [name, { value }]));
    parameters = { file: 'main.parameters.json', text: JSON.stringify({ parameters: entries }, null, 2) };
  }
  return parseBicepTemplate({ file: 'main.bicep', text, files: options.files, parameters });
}

export function bicepParams(text: string, files: Record<string, string>): IngestResult {
  return parseBicepParams({ file: 'main.bicepparam', text, files });
}

/** Evaluates one expression as a resource property (with extra declarations before the resource). */
export function value(
  expression: string,
  declarations = '',
  options: Options = {},
): { value: Value | undefined; result: IngestResult } {
  const text = `${declarations}\nresource thing 'Microsoft.Test/things@2020-01-01' = {\n  name: 'thing'\n  properties: {\n    value: ${expression}\n  }\n}\n`;
  const result = bicep(text, options);
  const thing = result.resources.find((r) => r.address === 'thing');
  assert.ok(thing, `no resource; diagnostics: ${JSON.stringify(result.diagnostics)}`);
  return { value: (thing.properties as { value?: Value }).value, result };
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

export function byAddress(resources: Resource[], address: string): Resource {
  const found = resources.find((resource) => resource.address === address);
  assert.ok(found, `no resource at ${address}; have ${resources.map((r) => r.address).join(', ')}`);
  return found;
}

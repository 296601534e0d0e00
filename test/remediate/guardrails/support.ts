// Shared by the guardrail tests: the spec catalog (../shared/spec/rules.yaml), the repository's own Bicep and
// Terraform adapters as syntax checkers, and a walker over JSON values.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseBicepTemplate } from '../../../src/ingest/bicep/index.js';
import { loadTerraformFiles } from '../../../src/ingest/terraform/index.js';
import type { IngestResult } from '../../../src/ingest/types.js';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const SHARED = resolve(REPO, '../shared');

export interface SpecPolicy {
  id: string;
  name: string;
  effects: string;
  relation: string;
}
export interface SpecRule {
  id: string;
  azure_policy?: SpecPolicy[];
}

let spec: SpecRule[] | undefined;
export function specRules(): SpecRule[] {
  spec ??= (parse(readFileSync(resolve(SHARED, 'spec/rules.yaml'), 'utf8')) as { rules: SpecRule[] }).rules;
  return spec;
}

/** "Audit, Deny, Disabled (default Deny)" -> ["Audit", "Deny", "Disabled"]. */
export function specEffects(text: string): string[] {
  return text
    .replace(/\(.*?\)/g, '')
    .split(',')
    .map((effect) => effect.trim())
    .filter(Boolean);
}

export function loadBicep(text: string): IngestResult {
  return parseBicepTemplate({ file: 'guardrails.bicep', text });
}

export function loadTerraform(text: string): IngestResult {
  return loadTerraformFiles({ 'guardrails.tf': text });
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Every string in a JSON value, with its path. */
export function* strings(value: Json, path = '$'): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, `${path}.${key}`);
  }
}

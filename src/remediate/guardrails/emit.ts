// Serialisers shared by the guardrail generators (policy, sentinel): one JSON-shaped value written as an ARM
// template expression-safe string, a Bicep literal or an HCL literal. The generators build plain JSON once and each
// language writer only decides how to spell it.
import { createHash } from 'node:crypto';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const GUARDRAIL_FORMATS = ['arm', 'bicep', 'terraform', 'json'] as const;
export type GuardrailFormat = (typeof GUARDRAIL_FORMATS)[number];

/**
 * ARM evaluates every string that starts with `[` as a template expression. Policy rules and set references carry
 * their own expressions (`[parameters('effect')]`, `[field(...)]`) that Azure Policy must evaluate later, so a
 * template deploying them writes `[[` (the documented escape: the deployment strips one bracket).
 */
export function escapeArmExpressions(value: Json): Json {
  if (typeof value === 'string') return value.startsWith('[') ? `[${value}` : value;
  if (Array.isArray(value)) return value.map(escapeArmExpressions);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeArmExpressions(item)]));
  }
  return value;
}

const BICEP_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function bicepString(text: string): string {
  // A multi-line literal reads best for KQL; it has no escapes, so it cannot hold ''' (then fall back). Bicep drops
  // the newline right after the opening quotes and keeps every other character, so the closing quotes end the text.
  if (text.includes('\n') && !text.includes("'''")) return `'''\n${text}'''`;
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('${', '\\${')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
  return `'${escaped}'`;
}

/** A JSON value as a Bicep literal, indented by `indent` levels of two spaces. */
export function bicepValue(value: Json, indent = 0): string {
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${pad}${bicepValue(item, indent + 1)}`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(
    ([key, item]) => `${pad}${BICEP_IDENTIFIER.test(key) ? key : bicepString(key)}: ${bicepValue(item, indent + 1)}`,
  );
  return `{\n${lines.join('\n')}\n${close}}`;
}

const HCL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A quoted HCL string: `${` and `%{` would start a template, so they are doubled. */
export function hclString(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t')
    .replaceAll('${', '$${')
    .replaceAll('%{', '%%{');
  return `"${escaped}"`;
}

/** A multi-line text as an indented heredoc (KQL), with template sequences escaped. */
export function hclHeredoc(text: string, marker: string, indent: number): string {
  const pad = '  '.repeat(indent + 1);
  const body = text
    .replaceAll('${', '$${')
    .replaceAll('%{', '%%{')
    .split('\n')
    .map((line) => (line.length > 0 ? `${pad}${line}` : ''))
    .join('\n');
  return `<<-${marker}\n${body}\n${'  '.repeat(indent + 1)}${marker}`;
}

/** A JSON value as an HCL expression (objects as `{ key = value }`), indented by `indent` levels. */
export function hclValue(value: Json, indent = 0): string {
  const pad = '  '.repeat(indent + 1);
  const close = '  '.repeat(indent);
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => `${pad}${hclValue(item, indent + 1)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(
    ([key, item]) => `${pad}${HCL_IDENTIFIER.test(key) ? key : hclString(key)} = ${hclValue(item, indent + 1)}`,
  );
  return `{\n${lines.join('\n')}\n${close}}`;
}

/** A Terraform/Bicep-safe symbol from free text: `PHI storage: new IP` -> `phi_storage_new_ip`. */
export function symbolOf(text: string): string {
  const symbol = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(symbol) ? symbol : `r_${symbol}`;
}

/**
 * A stable GUID for a name (RFC 4122 version 5 layout over SHA-1): a redeploy updates the same Sentinel rule instead
 * of adding a copy, and the generated files do not change between runs.
 */
export function stableGuid(namespace: string, name: string): string {
  const hash = createHash('sha1').update(`${namespace}\u0000${name}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** ARM templates and JSON output: two-space JSON with a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

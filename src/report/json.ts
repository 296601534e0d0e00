// The JSON findings contract (docs/findings.schema.json). Written in pieces so that a scan of a 500k-resource
// snapshot streams its findings instead of building one huge string.
import type { Finding } from '../core/types.js';

export interface JsonHeader {
  tool: { name: 'phiguard'; version: string };
  scannedAt: string;
}

export function jsonStart(header: JsonHeader): string {
  return `{"tool":${JSON.stringify(header.tool)},"scannedAt":${JSON.stringify(header.scannedAt)},"findings":[`;
}

export function jsonFinding(finding: Finding, index: number): string {
  return `${index === 0 ? '\n' : ',\n'}${JSON.stringify(finding)}`;
}

export function jsonEnd(summary: object): string {
  return `\n],"summary":${JSON.stringify(summary)}}\n`;
}

/** The whole document at once, for small result sets and tests. */
export function renderJson(header: JsonHeader, findings: readonly Finding[], summary: object): string {
  return jsonStart(header) + findings.map(jsonFinding).join('') + jsonEnd(summary);
}

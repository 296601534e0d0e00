import { hash } from 'node:crypto';
import type { Value } from './types.js';

/**
 * Finding fingerprint = hash(rule id, logical resource path, file, evidence path, normalized value). No line numbers,
 * so baselines and SARIF partialFingerprints survive edits elsewhere in the file (ARCHITECTURE.md conventions).
 */
export function fingerprint(parts: {
  ruleId: string;
  address: string;
  file: string | undefined;
  path: string;
  actual: Value | undefined;
}): string {
  const normalized = JSON.stringify([
    parts.ruleId,
    parts.address.toLowerCase(),
    (parts.file ?? '').replaceAll('\\', '/'),
    parts.path.toLowerCase(),
    parts.actual === undefined ? null : parts.actual,
  ]);
  return hash('sha256', normalized, 'hex').slice(0, 32);
}

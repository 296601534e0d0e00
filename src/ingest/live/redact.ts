// Secrets never reach a snapshot. Collection does not call the APIs that return them (plan.ts), but some GET bodies
// can still carry one: an app's `siteConfig.appSettings`/`connectionStrings` when a caller asks for them, a storage
// connection string in a diagnostic setting's legacy fields, a SAS URL. The evidence vault's redaction (one set of
// patterns for everything phiguard stores, logs or exports) replaces them before the record is written.
import { redactValue } from '../../evidence/redact.js';

const MARKER = '[REDACTED:';

/** A copy of `value` with secrets replaced; how many were replaced is added to `counter` (the snapshot header). */
export function redactSecrets(value: unknown, counter: { redacted: number }): unknown {
  const clean = redactValue(value);
  const text = JSON.stringify(clean);
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) counter.redacted++;
  return clean;
}

// Secrets never reach a snapshot. Collection does not call the APIs that return them (plan.ts), but some GET bodies
// can still carry one: an app's `siteConfig.appSettings`/`connectionStrings` when a caller asks for them, a storage
// connection string in a diagnostic setting's legacy fields, a SAS URL. Values under secret-bearing keys are
// replaced, and strings that look like connection strings, SAS signatures or keys are replaced wherever they are.

export const REDACTED = '[redacted by phiguard]';

const SECRET_KEYS =
  /^(appsettings|connectionstrings?|password|adminpassword|administratorloginpassword|secret|clientsecret|primarykey|secondarykey|primarymasterkey|secondarymasterkey|accountkey|storageaccountkey|storageaccountaccesskey|sastoken|sasurl|accesskey|keyvalue)$/i;

const SECRET_VALUES = [
  /AccountKey=[^;]+/i,
  /SharedAccessKey=[^;]+/i,
  /[?&]sig=[A-Za-z0-9%+/=]{16,}/,
  /Password=[^;]+/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** A copy of `value` with secrets replaced; how many were replaced is added to `counter`. */
export function redactSecrets(value: unknown, counter: { redacted: number }): unknown {
  if (typeof value === 'string') {
    if (SECRET_VALUES.some((pattern) => pattern.test(value))) {
      counter.redacted++;
      return REDACTED;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, counter));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEYS.test(key) && item !== null && item !== '' && !(Array.isArray(item) && item.length === 0)) {
        counter.redacted++;
        out[key] = REDACTED;
      } else {
        out[key] = redactSecrets(item, counter);
      }
    }
    return out;
  }
  return value;
}

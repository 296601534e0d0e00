import { isObject } from '../core/path.js';
import { Unresolved } from '../core/types.js';

/**
 * Secret redaction, applied before anything reaches the database, an evidence package or a log.
 *
 * Two passes: by property name (a `password` is a secret whatever it looks like) and by value pattern (a storage key
 * is a secret wherever it appears). Value patterns come from microsoft/security-utilities
 * `GeneratedRegexPatterns/PreciselyClassifiedSecurityKeys.json` (MIT): the "identifiable" keys carry a fixed
 * signature (`+ASt`, `ACDb`, `APIM`, `8Q~`, ...) at a fixed offset, so they can be matched without context and with
 * almost no false positives. Legacy keys have no signature and are only redacted in context (`AccountKey=...`, a
 * secret-named property, or a whole value of exactly the 64-byte key shape), so evidence such as resource ids,
 * GUIDs, digests and other base64 survives.
 */

const B64 = '[A-Za-z0-9+/]';
const ALNUM = '[A-Za-z0-9]';
/** Boundaries from the security-utilities patterns, as look-arounds so a match never swallows its neighbours. */
const KEY_BEFORE = '(?<![A-Za-z0-9+/_-])';
const KEY_AFTER = '(?![A-Za-z0-9+/_=-])';
const ENTRA_CHARS = '[A-Za-z0-9_~.-]';

interface Pattern {
  kind: string;
  regex: RegExp;
  /** Replacement; `$<keep>` keeps a named group (the `AccountKey=` label), so the evidence still shows the shape. */
  replace?: string;
}

const redacted = (kind: string) => `[REDACTED:${kind}]`;

const PATTERNS: Pattern[] = [
  {
    kind: 'private-key',
    regex: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----/g,
  },
  // SEC101/152 storage, 160 Cosmos DB, 163 Batch, 170 ML classic, 181-184 API Management: 64-byte keys.
  {
    kind: 'azure-identifiable-key',
    regex: new RegExp(`${KEY_BEFORE}${B64}{76}(?:\\+ASt|ACDb|\\+ABa|\\+AMC|APIM)${B64}{5}[AQgw]==${KEY_AFTER}`, 'g'),
  },
  // SEC101/171 Service Bus, 172 Event Hubs, 173 Relay, 178-180 IoT, 154 Redis, 199 Event Grid: 32-byte keys.
  {
    kind: 'azure-identifiable-key',
    regex: new RegExp(`${KEY_BEFORE}${B64}{33}(?:\\+ASb|\\+AEh|\\+ARm|AIoT|AzCa|AZEG)[A-P]${B64}{5}=${KEY_AFTER}`, 'g'),
  },
  // SEC101/158 Functions.
  {
    kind: 'azure-identifiable-key',
    regex: /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{44}AzFu[A-Za-z0-9_-]{5}[AQgw]==(?![A-Za-z0-9_-])/g,
  },
  // SEC101/166-167 Search, 176 Container Registry.
  {
    kind: 'azure-identifiable-key',
    regex: new RegExp(`${KEY_BEFORE}(?:${ALNUM}{42}AzSe|${B64}{42}\\+ACR)[A-D]${B64}{5}${KEY_AFTER}`, 'g'),
  },
  // SEC101/156 Entra ID (Azure AD) client secret.
  {
    kind: 'client-secret',
    regex: new RegExp(`(?<![A-Za-z0-9_~.+/-])${ENTRA_CHARS}{3}[78]Q~${ENTRA_CHARS}{31,34}(?![A-Za-z0-9_~.+/-])`, 'g'),
  },
  // SEC101/110 Databricks personal access token.
  { kind: 'databricks-token', regex: /(?<![0-9a-f-])dapi[0-9a-f-]{32,34}(?![0-9a-f-])/g },
  // JSON Web Tokens (Entra access tokens, SAS-like bearer tokens): header.payload.signature, both JSON objects.
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { kind: 'bearer-token', regex: /(?<keep>\bBearer\s+)[A-Za-z0-9._~+/-]{16,}=*/g, replace: '$<keep>' },
  // SAS token: the whole run of query parameters around `sig=` (sv, se, sp, ... describe what the signature grants).
  {
    kind: 'sas-token',
    regex: /(?<![\w%&.-])(?:[\w-]+=[^&\s"'<>#;]*&)*sig=[A-Za-z0-9%+/=]{16,}(?:&[\w-]+=[^&\s"'<>#;]*)*/g,
  },
  // Connection-string fields (storage, Cosmos, Service Bus, ADO.NET, Redis); keeps the field name, drops the value.
  {
    kind: 'connection-string-secret',
    regex:
      /(?<keep>(?<![A-Za-z0-9_])(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|AccessKey|ApiKey|ClientSecret)=)(?!\[REDACTED)[^;"'\r\n]+/gi,
    replace: '$<keep>',
  },
  // Password in a URL userinfo: postgres://admin:secret@host.
  {
    kind: 'url-password',
    regex: /(?<keep>\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]+:)(?!\[REDACTED)[^\s/@"'<>]+(?=@)/gi,
    replace: '$<keep>',
  },
];

/**
 * Property names whose value is a secret, matched on the lower-cased name with `_`/`-` removed (Terraform's
 * `administrator_login_password` and ARM's `administratorLoginPassword` alike), as a suffix so `secretUri`,
 * `keyVaultSecretId` and `allowSharedKeyAccess` stay visible.
 */
const SECRET_NAME =
  /(password|passwd|pwd|secret|clientsecret|connectionstring|connectionstrings|accountkey|storageaccountkey|sastoken|sasurl|primarykey|secondarykey|masterkey|readonlykey|accesskey|accesskeys|sharedaccesskey|sharedaccesssignature|apikey|privatekey|privatekeypem|accesstoken|refreshtoken|bearertoken|authtoken|sharedkey|adminpassword|customdata|protectedsettings)$/;

/** Values that are references to a secret, not the secret: ARM expressions, Key Vault references, placeholders. */
function isReference(value: string): boolean {
  return (
    value === '' ||
    /^\[[\s\S]*\]$/.test(value) ||
    /^@Microsoft\.KeyVault\(/i.test(value) ||
    /^\$\{[\s\S]*\}$/.test(value) ||
    value.startsWith('[REDACTED:')
  );
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(normalizeName(name));
}

function kindForName(name: string): string {
  const normalized = normalizeName(name);
  if (/(password|passwd|pwd)$/.test(normalized)) return 'password';
  if (/connectionstrings?$/.test(normalized)) return 'connection-string';
  if (/token|sasurl|signature$/.test(normalized)) return 'token';
  if (/(key|keys|keypem)$/.test(normalized)) return 'key';
  if (/(customdata|protectedsettings)$/.test(normalized)) return 'protected-setting';
  return 'secret';
}

/** A whole value of exactly the legacy 64-byte key shape (storage, Cosmos DB, APIM keys are 64 random bytes). */
const WHOLE_LEGACY_KEY = /^[A-Za-z0-9+/]{86}==$/;

/** Redacts every secret pattern inside free text (IaC excerpts, diffs, log lines). */
export function redactText(text: string): string {
  let out = text;
  for (const pattern of PATTERNS) {
    if (pattern.regex.global) pattern.regex.lastIndex = 0;
    out = out.replace(pattern.regex, `${pattern.replace ?? ''}${redacted(pattern.kind)}`);
  }
  return redactAssignments(out);
}

/**
 * Secret-named assignments in source text: `administrator_login_password = "..."` (HCL), `adminPassword: '...'`
 * (Bicep/YAML), `"clientSecret": "..."` (JSON) and `DB_PASSWORD=...` (env files). Only quoted values (or unquoted
 * values of UPPER_SNAKE env names), so a Bicep parameter reference such as `password: adminPassword` stays readable.
 */
const QUOTED_ASSIGNMENT =
  /(?<name>["']?[A-Za-z_][\w-]*["']?)(?<sep>\s*[:=]\s*)(?<quote>["'])(?<value>(?:(?!\k<quote>)[^\\\r\n]|\\.)*)\k<quote>/g;
const ENV_ASSIGNMENT = /(?<=^|\s|export\s)(?<name>[A-Z][A-Z0-9_]*)=(?<value>[^\s"'][^\s]*)/gm;

function redactAssignments(text: string): string {
  let out = text.replace(QUOTED_ASSIGNMENT, (whole, ...args) => {
    const groups = args.at(-1) as { name: string; sep: string; quote: string; value: string };
    const name = groups.name.replace(/["']/g, '');
    if (!isSecretName(name) || isReference(groups.value)) return whole;
    return `${groups.name}${groups.sep}${groups.quote}${redacted(kindForName(name))}${groups.quote}`;
  });
  out = out.replace(ENV_ASSIGNMENT, (whole, ...args) => {
    const groups = args.at(-1) as { name: string; value: string };
    if (!isSecretName(groups.name) || isReference(groups.value)) return whole;
    return `${groups.name}=${redacted(kindForName(groups.name))}`;
  });
  return out;
}

function redactString(value: string): string {
  if (WHOLE_LEGACY_KEY.test(value)) return redacted('account-key');
  return redactText(value);
}

/** Every string leaf of a value held under a secret-named property (e.g. `connectionStrings: [{...}]`). */
function redactAllStrings(value: unknown, kind: string): unknown {
  if (typeof value === 'string') return isReference(value) ? value : redacted(kind);
  if (Array.isArray(value)) return value.map((item) => redactAllStrings(item, kind));
  if (value instanceof Unresolved) return value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactAllStrings(item, kind)]));
  }
  return value;
}

const SECURE_PARAMETER_TYPE = /^secure(string|object)$/i;
const SECURE_PARAMETER_VALUES = new Set(['defaultValue', 'value', 'allowedValues']);
const PARAMETER_DECLARATION_KEYS = ['defaultValue', 'allowedValues', 'metadata', 'minLength', 'maxLength'];

/** `{type: 'securestring', ...}` or any ARM parameter declaration (a secret-named one keeps its type visible). */
function isParameterDeclaration(value: Record<string, unknown>, named: boolean): boolean {
  if (typeof value.type !== 'string') return false;
  return SECURE_PARAMETER_TYPE.test(value.type) || (named && PARAMETER_DECLARATION_KEYS.some((key) => key in value));
}
/** Resource types whose `properties.value` is the secret itself. */
const SECRET_VALUE_TYPES = /^Microsoft\.KeyVault\/vaults\/secrets$/i;

function redactNode(value: unknown, secretNamed = false): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((item) => redactNode(item));
  if (value instanceof Unresolved) return new Unresolved(redactText(value.expression), value.at);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  // An ARM parameter declaration `{type: 'securestring', defaultValue: ...}`.
  const secureParameter = isParameterDeclaration(source, secretNamed);
  // A `listKeys` result item `{keyName: 'key1', value: '...'}`, or a Key Vault secret resource.
  const keyListItem =
    (typeof source.keyName === 'string' && 'value' in source) ||
    // A name/value pair whose name says secret: container env vars, Function/App Service settings as a list.
    (typeof source.name === 'string' && 'value' in source && isSecretName(source.name));
  const secretResource = typeof source.type === 'string' && SECRET_VALUE_TYPES.test(source.type);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    if ((secureParameter && SECURE_PARAMETER_VALUES.has(key)) || (keyListItem && key === 'value')) {
      out[key] = redactAllStrings(
        item,
        secureParameter
          ? 'securestring'
          : typeof source.keyName === 'string'
            ? 'key'
            : kindForName(String(source.name)),
      );
    } else if (secretResource && key === 'properties' && item !== null && typeof item === 'object') {
      const properties = redactNode(item) as Record<string, unknown>;
      if ('value' in properties) properties.value = redactAllStrings(properties.value, 'secret');
      out[key] = properties;
    } else if (isSecretName(key) && isObject(item) && isParameterDeclaration(item, true)) {
      out[key] = redactNode(item, true);
    } else if (isSecretName(key) && (typeof item === 'string' || (item !== null && typeof item === 'object'))) {
      out[key] = redactAllStrings(item, kindForName(key));
    } else {
      out[key] = redactNode(item);
    }
  }
  return out;
}

/**
 * A deep copy of `value` with every secret replaced by `[REDACTED:<kind>]`: secret-named properties, ARM
 * `securestring`/`secureObject` parameter values, and secret patterns inside any string. Booleans and numbers under
 * secret-like names (`allowSharedKeyAccess: false`) are kept: they are the evidence.
 */
export function redactValue<T>(value: T): T {
  return redactNode(value) as T;
}

// Builders shared by the PHI-STG rule tables: storage account templates, parameter-file / parameter-default cases
// that also pin the line the finding must point at, and live bodies.
import { type Json, lineOf } from '../../../helpers/arm-cases.js';
import {
  armTemplate,
  type Case,
  live,
  parameterFileText,
  payload,
  TEMPLATE_SCHEMA,
} from '../../../helpers/rule-cases.js';

export const STORAGE = 'Microsoft.Storage/storageAccounts';
export const CONTAINER = 'Microsoft.Storage/storageAccounts/blobServices/containers';
export const PAYLOAD = 'storage_account_get_2025-06-01.json';
export const ACCOUNT_ID =
  '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/phi-rg/providers/Microsoft.Storage/storageAccounts/phistore';

/** `base` with `path` (dotted) set to `value`, copying the objects on the way. */
export function withPath(base: Json, path: string, value: unknown): Json {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...base, [head]: value };
  const inner = base[head];
  const child = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Json) : {};
  return { ...base, [head]: withPath(child, rest.join('.'), value) };
}

export interface TemplateOptions {
  apiVersion?: string;
  parameters?: Json;
  others?: Json[];
  resource?: Json;
}

export function storageTemplate(properties: Json | undefined, options: TemplateOptions = {}): Json {
  const account: Json = {
    type: STORAGE,
    apiVersion: options.apiVersion ?? '2025-06-01',
    name: 'phistore',
    location: 'eastus',
    kind: 'StorageV2',
    sku: { name: 'Standard_RAGRS' },
    ...options.resource,
  };
  if (properties !== undefined) account.properties = properties;
  return {
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(options.parameters ? { parameters: options.parameters } : {}),
    resources: [account, ...(options.others ?? [])],
  };
}

/**
 * The account property at `path` (below `properties`) comes from parameter `value` in a parameter file: the
 * finding must point at the parameter file's value line.
 */
export function fromParameterFile(path: string, value: unknown, type: string, extra: Json = {}): Case {
  const template = storageTemplate(withPath(extra, path, "[parameters('setting')]"), {
    parameters: { setting: { type } },
  });
  const values = { setting: { value } };
  // Mirrors the parameter file armTemplate() writes, to find the line the value sits on.
  const text = parameterFileText(values);
  return {
    ...armTemplate(template, values, `arm ${path} = ${JSON.stringify(value)} from the parameter file`),
    file: 'test.parameters.json',
    line: lineOf(text, '"value"', '"setting"'),
  };
}

/** The account property at `path` comes from a parameter's defaultValue (no parameter file). */
export function fromParameterDefault(path: string, value: unknown, type: string, extra: Json = {}): Case {
  const template = storageTemplate(withPath(extra, path, "[parameters('setting')]"), {
    parameters: { setting: { type, defaultValue: value } },
  });
  const text = JSON.stringify(template, null, 2);
  return {
    ...armTemplate(template, undefined, `arm ${path} = ${JSON.stringify(value)} from the parameter default`),
    file: 'test.json',
    line: lineOf(text, '"defaultValue"', '"setting"'),
  };
}

/** The account property at `path` is a parameter with no default and no parameter file. */
export function fromMissingParameter(path: string, type: string, extra: Json = {}): Case {
  const template = storageTemplate(withPath(extra, path, "[parameters('setting')]"), {
    parameters: { setting: { type } },
  });
  return armTemplate(template, undefined, `arm ${path} from a parameter without value`);
}

export function accountBody(properties: Json, extra: Json = {}): Json {
  return {
    id: ACCOUNT_ID,
    name: 'phistore',
    type: STORAGE,
    location: 'eastus',
    kind: 'StorageV2',
    properties,
    ...extra,
  };
}

export function liveAccount(properties: Json, extra: Json = {}): Case {
  return live(accountBody(properties, extra), `live ${JSON.stringify(properties).slice(0, 80)}`);
}

/** The real storage account GET example with `properties` patched. */
export function payloadWith(patch: Json): Case {
  const testCase = payload(PAYLOAD, (body) => {
    body.properties = { ...(body.properties as Json), ...patch };
  });
  return { ...testCase, name: `${testCase.name} ${JSON.stringify(patch).slice(0, 80)}` };
}

export function nonPhi(testCase: Case): Case {
  return {
    ...testCase,
    name: `${testCase.name} [classification.default non-phi, untagged]`,
    config: (config) => {
      config.classification.default = 'non-phi';
    },
  };
}

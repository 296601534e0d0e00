// Builders for the Cosmos DB key-auth rules (PHI-IAM-007/008): one boolean setting in templates, parameter files,
// live bodies and the Cosmos DB GET example.
import { lineOf } from '../../../helpers/arm-cases.js';
import { armTemplate, type Case, live, payload } from '../../../helpers/rule-cases.js';

type Json = Record<string, unknown>;

const COSMOS = 'Microsoft.DocumentDB/databaseAccounts';
const PAYLOAD = 'cosmosdb_account_get_2025-10-15.json';

function account(properties: Json, tags?: Json): Json {
  return {
    type: COSMOS,
    apiVersion: '2025-10-15',
    name: 'cosmos-phi',
    location: 'eastus2',
    kind: 'GlobalDocumentDB',
    ...(tags ? { tags } : {}),
    properties: { databaseAccountOfferType: 'Standard', locations: [{ locationName: 'eastus2' }], ...properties },
  };
}

function template(resource: Json, parameters?: Json): Json {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    ...(parameters ? { parameters } : {}),
    resources: [resource],
  };
}

/** The cases of one "must be true" Cosmos DB setting. */
export function cosmosCases(setting: string) {
  const value = (v: unknown, tags?: Json) => {
    const tpl = template(account({ [setting]: v }, tags));
    return {
      ...armTemplate(tpl, undefined, `arm ${setting}: ${JSON.stringify(v)}`),
      file: 'test.json',
      line: lineOf(JSON.stringify(tpl, null, 2), `"${setting}"`),
    };
  };
  const parameterised = template(account({ [setting]: "[parameters('setting')]" }), { setting: { type: 'bool' } });
  const withDefault = template(account({ [setting]: "[parameters('setting')]" }), {
    setting: { type: 'bool', defaultValue: false },
  });
  const body = (v: unknown) => ({
    id: '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-phi/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-phi',
    name: 'cosmos-phi',
    type: COSMOS,
    location: 'eastus2',
    properties: v === undefined ? { publicNetworkAccess: 'Disabled' } : { [setting]: v },
  });
  return {
    compliant: [
      value(true),
      value('True'),
      live(body(true), `live ${setting}: true`),
      payload(PAYLOAD, (b) => {
        (b.properties as Json)[setting] = true;
      }),
    ] as Case[],
    noncompliant: [
      value(false),
      armTemplate(template(account({})), undefined, `arm ${setting} absent (service default false)`),
      {
        ...armTemplate(withDefault, undefined, `arm ${setting} false from a parameter default`),
        file: 'test.json',
        line: lineOf(JSON.stringify(withDefault, null, 2), '"defaultValue"'),
      },
      armTemplate(parameterised, { setting: { value: false } }, `arm ${setting} false from the parameter file`),
      live(body(false), `live ${setting}: false`),
      live(body(undefined), `live ${setting} absent`),
      payload(PAYLOAD),
    ] as Case[],
    unresolved: [armTemplate(parameterised, undefined, `arm ${setting} from a parameter without value`)] as Case[],
    untagged: (v: unknown) =>
      armTemplate(template(account({ [setting]: v })), undefined, `arm ${setting}: ${JSON.stringify(v)}`),
  };
}

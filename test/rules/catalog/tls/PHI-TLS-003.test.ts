import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/tls/PHI-TLS-003.js';
import { type Json, parameterCases, resourcesCase, template, templateCase } from '../../../helpers/arm-cases.js';
import { named, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { API, apim, apiResource, body, liveMany, policies, policy, res } from './support.js';

const SERVICE_POLICY = 'Microsoft.ApiManagement/service/policies';
const API_POLICY = 'Microsoft.ApiManagement/service/apis/policies';
const OPERATION = 'Microsoft.ApiManagement/service/apis/operations';
const OPERATION_POLICY = 'Microsoft.ApiManagement/service/apis/operations/policies';
const PRODUCT = 'Microsoft.ApiManagement/service/products';
const PRODUCT_POLICY = 'Microsoft.ApiManagement/service/products/policies';

const JWT =
  '<validate-jwt header-name="Authorization" failed-validation-httpcode="401"><openid-config url="https://login.microsoftonline.com/contoso.example/v2.0/.well-known/openid-configuration" /></validate-jwt>';
const ENTRA = '<validate-azure-ad-token tenant-id="00000000-0000-0000-0000-000000000001" />';
const CERT = '<validate-client-certificate validate-revocation="true" validate-trust="true" />';

const open = (extra: Json = {}) => apiResource({ subscriptionRequired: false, ...extra });
const apiPolicy = (inbound: string, format = 'rawxml') =>
  policy(API_POLICY, 'apim-phi/patients/policy', policies(inbound), format);
const globalPolicy = (inbound: string) => policy(SERVICE_POLICY, 'apim-phi/policy', policies(inbound));
const operation = (name: string) =>
  res(
    OPERATION,
    `apim-phi/patients/${name}`,
    { displayName: name, method: 'GET', urlTemplate: `/${name}` },
    { apiVersion: '2024-05-01' },
  );
const operationPolicy = (name: string, inbound: string) =>
  policy(OPERATION_POLICY, `apim-phi/patients/${name}/policy`, policies(inbound));
const product = (name: string, subscriptionRequired?: boolean) =>
  res(
    PRODUCT,
    `apim-phi/${name}`,
    { displayName: name, state: 'published', ...(subscriptionRequired === undefined ? {} : { subscriptionRequired }) },
    { apiVersion: '2024-05-01' },
  );
const productApi = (productName: string, api = 'patients') =>
  res('Microsoft.ApiManagement/service/products/apis', `apim-phi/${productName}/${api}`, undefined, {
    apiVersion: '2024-05-01',
  });

const required = parameterCases(
  (expression) => [apim(), apiResource({ subscriptionRequired: expression })],
  'bool',
  false,
);

const liveApi = (extra: Json[], label: string, apiProperties: Json = { subscriptionRequired: false }) =>
  liveMany([body(API, 'apim-phi/patients', { path: 'patients', ...apiProperties }), ...extra], `live ${label}`);

ruleCases(rule, {
  pass: [
    resourcesCase([apim(), apiResource()], 'subscriptionRequired absent (default true)'),
    resourcesCase([apim(), apiResource({ subscriptionRequired: true })], 'subscription key required'),
    resourcesCase([apim(), open(), apiPolicy(`<base />${JWT}`)], 'keyless API with validate-jwt at API scope'),
    resourcesCase(
      [
        apim(),
        open(),
        globalPolicy(ENTRA),
        apiPolicy('<base /><set-header name="x" exists-action="override"><value>1</value></set-header>'),
      ],
      'global validate-azure-ad-token kept by <base />',
    ),
    resourcesCase([apim(), open(), globalPolicy(ENTRA)], 'global validation, no API policy'),
    resourcesCase(
      [
        apim(),
        open(),
        operation('get-record'),
        operation('list'),
        operationPolicy('get-record', CERT),
        operationPolicy('list', JWT),
      ],
      'every declared operation validates',
    ),
    resourcesCase(
      [apim(), apiResource({ subscriptionRequired: true }), product('starter', true), productApi('starter')],
      'protected product only',
    ),
    resourcesCase(
      [
        apim(),
        apiResource(),
        product('open', false),
        productApi('open'),
        policy(PRODUCT_POLICY, 'apim-phi/open/policy', policies(JWT)),
      ],
      'open product whose policy validates',
    ),
    resourcesCase(
      [
        apim(),
        open(),
        apiPolicy('<base /><include-fragment fragment-id="auth" />'),
        res(
          'Microsoft.ApiManagement/service/policyFragments',
          'apim-phi/auth',
          { format: 'rawxml', value: `<fragment>${JWT}</fragment>` },
          { apiVersion: '2024-05-01' },
        ),
      ],
      'validation in an included fragment',
    ),
    liveApi(
      [body(API_POLICY, 'apim-phi/patients/policy', { format: 'xml', value: policies(`<base />${JWT}`) })],
      'policy with validate-jwt',
    ),
  ],
  fail: [
    resourcesCase([apim(), open()], 'keyless API without any policy', { needle: '"subscriptionRequired": false' }),
    resourcesCase(
      [
        apim(),
        open(),
        globalPolicy(JWT),
        apiPolicy('<cors><allowed-origins><origin>*</origin></allowed-origins></cors>'),
      ],
      'API policy drops the global validation (no <base />)',
    ),
    resourcesCase([apim(), open(), apiPolicy(`<base /><!-- ${JWT} -->`)], 'validation commented out'),
    resourcesCase(
      [
        apim(),
        open(),
        policy(PRODUCT_POLICY, 'apim-phi/starter/policy', policies(JWT)),
        product('starter', true),
        productApi('starter'),
      ],
      'validation only in a protected product (keyless calls skip it)',
    ),
    resourcesCase(
      [apim(), apiResource({ subscriptionRequired: true }), product('open', false), productApi('open')],
      'API requires a key but sits in an open product',
      {
        needle: '"subscriptionRequired": false',
      },
    ),
    resourcesCase(
      [apim(), open(), operation('get-record'), operation('list'), operationPolicy('get-record', JWT)],
      'one operation uncovered',
    ),
    resourcesCase(
      [apim(), open({ format: 'openapi+json', value: '{}' }), operation('list'), operationPolicy('list', '<base />')],
      'imported API, a known operation uncovered',
    ),
    required.fromDefault,
    required.fromFile,
    liveApi([], 'keyless API, no policies'),
  ],
  unknown: [
    required.missing,
    resourcesCase(
      [
        apim(),
        open(),
        policy(API_POLICY, 'apim-phi/patients/policy', 'https://contoso.example/policy.xml', 'rawxml-link'),
      ],
      'policy stored as a link',
    ),
    resourcesCase(
      [apim(), open(), apiPolicy('<base /><include-fragment fragment-id="auth" />')],
      'fragment not in the scan',
    ),
    resourcesCase(
      [
        apim(),
        open(),
        apiPolicy(
          '<base /><validate-jwt header-name="Authorization"><openid-config url="{{oidc-url}}" /></validate-jwt>',
        ),
      ],
      'named value in the validation',
    ),
    resourcesCase(
      [
        apim(),
        open(),
        apiPolicy(
          `<base /><choose><when condition="@(context.Request.Headers.ContainsKey(&quot;x&quot;))">${JWT}</when></choose>`,
        ),
      ],
      'validation inside <choose>',
    ),
    resourcesCase(
      [apim(), open({ format: 'openapi+json', value: '{}' }), operation('list'), operationPolicy('list', JWT)],
      'imported API: the known operation is covered, the others are not in the scan',
    ),
    templateCase(
      template([apim(), open(), policy(API_POLICY, 'apim-phi/patients/policy', "[parameters('xml')]")], {
        xml: { type: 'string' },
      }),
      'policy content from a parameter without value',
    ),
  ],
  notApplicable: [
    resourcesCase([apim(), globalPolicy(JWT), product('open', false)], 'policies and products are evidence'),
    withConfig(named(resourcesCase([apim(), open()], 'x'), 'API not listed in classification.phi_apis'), (config) => {
      config.classification.phiApis = ['billing'];
    }),
    withConfig(
      named(resourcesCase([apim(), open()], 'x'), 'untagged API with classification.default non-phi'),
      (config) => {
        config.classification.default = 'non-phi';
      },
    ),
  ],
});

describe('PHI-TLS-003 messages and scoping', () => {
  it('advises token validation for a listed PHI API that relies on a subscription key', () => {
    const { findings } = run(
      rule,
      withConfig(resourcesCase([apim(), apiResource()], 'listed'), (config) => {
        config.classification.phiApis = ['apim-phi/patients'];
      }),
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0].status, 'pass');
    assert.match(findings[0].message, /advisory/);
  });

  it('names the uncovered operations', () => {
    const { findings } = run(
      rule,
      resourcesCase(
        [apim(), open(), operation('get-record'), operation('list'), operationPolicy('get-record', JWT)],
        'ops',
      ),
    );
    assert.match(findings[0].message, /operation\(s\) list /);
    assert.doesNotMatch(findings[0].message, /get-record/);
  });

  it('matches a phi_apis entry given as a full id', () => {
    const { findings } = run(
      rule,
      withConfig(resourcesCase([apim(), open()], 'id'), (config) => {
        config.classification.phiApis = [
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/phiguard-scan-rg/providers/Microsoft.ApiManagement/service/apim-phi/apis/patients',
        ];
      }),
    );
    assert.deepEqual(
      findings.map((f) => f.status),
      ['fail'],
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { lookup } from '../../../src/core/path.js';
import { Unresolved } from '../../../src/core/types.js';
import { classifyArmJson, parseArmTemplate } from '../../../src/ingest/arm/index.js';
import { SourceDoc } from '../../../src/ingest/arm/json.js';
import { lineOf, PARAMETERS_SCHEMA, parse, SCHEMA, template } from './helpers.js';

const TEMPLATE = template(
  [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: "[parameters('accountName')]",
      location: "[parameters('location')]",
      sku: { name: "[parameters('skuName')]" },
      tags: "[variables('tags')]",
      properties: {
        minimumTlsVersion: "[parameters('tls')]",
        allowBlobPublicAccess: false,
        networkAcls: "[variables('acls')]",
        label: "[concat(parameters('accountName'), '-', variables('suffix'))]",
        encryption: "[parameters('encryption')]",
        missing: "[parameters('notGiven')]",
      },
    },
  ],
  {
    parameters: {
      accountName: { type: 'string', defaultValue: 'defaultname' },
      location: { type: 'string', defaultValue: 'westus' },
      skuName: { type: 'string', defaultValue: 'Standard_LRS' },
      tls: { type: 'string', defaultValue: 'TLS1_0' },
      encryption: { type: 'object', defaultValue: { keySource: 'Microsoft.Storage' } },
      notGiven: { type: 'string' },
    },
    variables: {
      suffix: 'data',
      tags: { 'data-classification': 'phi' },
      acls: { defaultAction: 'Deny', ipRules: [{ value: '203.0.113.10' }] },
    },
  },
);

describe('ARM provenance', () => {
  const parsed = parse(TEMPLATE, { values: { tls: 'TLS1_2', encryption: { keySource: 'Microsoft.Keyvault' } } });
  const [account] = parsed.resources;
  const parametersText = parsed.parametersText ?? '';
  const at = (path: string) => account.locations?.get(path);

  it('points a parameter-file value at the parameter file line', () => {
    assert.equal(lookup(account, 'properties.minimumTlsVersion').kind, 'present');
    assert.deepEqual(
      { file: at('properties.minimumtlsversion')?.file, line: at('properties.minimumtlsversion')?.line },
      { file: 'main.parameters.json', line: lineOf(parametersText, '"TLS1_2"') },
    );
    assert.equal(account.via?.get('properties.minimumtlsversion'), 'parameter file');
    // Inside an object given in the parameter file, each value keeps its own line.
    assert.equal(at('properties.encryption.keysource')?.line, lineOf(parametersText, '"Microsoft.Keyvault"'));
    assert.equal(at('properties.encryption.keysource')?.file, 'main.parameters.json');
  });

  it('points a defaulted parameter at its defaultValue line', () => {
    assert.equal(account.location, 'westus');
    assert.equal(at('location')?.line, lineOf(parsed.text, '"westus"'));
    assert.equal(at('location')?.file, 'main.json');
    assert.equal(account.via?.get('location'), 'parameter default');
    assert.equal(at('sku.name')?.line, lineOf(parsed.text, '"Standard_LRS"'));
  });

  it('points a variable value at the variable, including nested members', () => {
    assert.equal(at('tags')?.line, lineOf(parsed.text, '"tags": {'));
    assert.equal(at('tags.data-classification')?.line, lineOf(parsed.text, '"data-classification"'));
    assert.equal(account.via?.get('tags'), 'variable');
    assert.equal(at('properties.networkacls.defaultaction')?.line, lineOf(parsed.text, '"defaultAction"'));
    assert.equal(at('properties.networkacls.iprules.0.value')?.line, lineOf(parsed.text, '"203.0.113.10"'));
  });

  it('points literals and computed values at the template', () => {
    assert.equal(at('properties.allowblobpublicaccess')?.line, lineOf(parsed.text, '"allowBlobPublicAccess"'));
    assert.equal(account.via?.get('properties.allowblobpublicaccess'), undefined);
    assert.equal(at('properties.label')?.line, lineOf(parsed.text, '"label"'));
    assert.equal(at('properties')?.line, lineOf(parsed.text, '"properties": {'));
    assert.equal(at('properties')?.column, lineText(parsed.text, '"properties": {').indexOf('{') + 1);
  });

  it('reports an absent property at its parent (locate falls back to the nearest recorded path)', () => {
    const absent = lookup(account, 'properties.supportsHttpsTrafficOnly');
    assert.equal(absent.kind, 'absent');
    assert.equal(absent.at?.line, lineOf(parsed.text, '"properties": {'));
  });

  it('a parameter without value or default is Unresolved at the expression', () => {
    const missing = lookup(account, 'properties.missing');
    assert.equal(missing.kind, 'unresolved');
    assert.equal(missing.kind === 'unresolved' && missing.expression, "[parameters('notGiven')]");
    assert.equal(missing.at?.line, lineOf(parsed.text, '"missing"'));
  });

  it('locations behave as a Map (lazily filled)', () => {
    const locations = account.locations;
    assert.ok(locations instanceof Map);
    assert.ok(locations.size > 10);
    assert.ok([...locations.keys()].includes('sku.name'));
    assert.ok(locations.has('properties.minimumtlsversion'));
    assert.equal(account.at?.line, lineOf(parsed.text, '"type": "Microsoft.Storage/storageAccounts"') - 1);
    const plain = JSON.parse(JSON.stringify(account)) as { at: { line: number } };
    assert.equal(plain.at.line, account.at?.line);
  });

  it('keeps positions right with comments, trailing commas and a byte-order mark', () => {
    const text = [
      '\uFEFF{',
      '  // a comment with "quotes" and { braces',
      `  "$schema": "${SCHEMA}",`,
      '  /* block',
      '     comment */',
      '  "resources": [',
      '    {',
      '      "type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "sa",',
      '      "properties": { "note": "escaped \\" quote", "minimumTlsVersion": "TLS1_0", },',
      '    },',
      '  ],',
      '}',
    ].join('\n');
    const { resources } = parseArmTemplate({ file: 'c.json', text });
    const tls = resources[0].locations?.get('properties.minimumtlsversion');
    assert.deepEqual(
      { line: tls?.line, column: tls?.column },
      { line: 9, column: lineText(text, 'TLS1_0').indexOf('"TLS1_0"') + 1 },
    );
    assert.equal(resources[0].at?.line, 7);
  });

  it('locates members with escaped keys, in nested arrays, and the last of duplicate keys', () => {
    const text = '{"a\\"b": [1, [2, {"c": 3}]], "d": {"x": 1}, "d": {"e": 5}}';
    const root = JSON.parse(text) as { 'a"b': [number, [number, { c: number }]]; d: { e: number } };
    const doc = new SourceDoc('x.json', text, root);
    assert.equal(doc.locate(root, 'a"b')?.column, text.indexOf('[1') + 1);
    assert.equal(doc.locate(root['a"b'][1][1], 'c')?.column, text.indexOf('3') + 1);
    assert.equal(doc.locate(root['a"b'][1], 1)?.column, text.indexOf('{"c"') + 1);
    assert.equal(doc.locate(root, 'd')?.column, text.indexOf('{"e"') + 1);
    assert.equal(doc.locate(root.d, 'e')?.column, text.indexOf('5') + 1);
    assert.equal(doc.locate(root, 'missing'), undefined);
  });
});

function lineText(text: string, needle: string): string {
  return text.split('\n')[lineOf(text, needle) - 1];
}

describe('ARM input errors and classification', () => {
  function inputError(text: string, file = 'bad.json'): InputError {
    try {
      parseArmTemplate({ file, text });
    } catch (error) {
      assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
      return error;
    }
    return assert.fail('expected an InputError');
  }

  it('malformed JSON is an InputError with file, line and column', () => {
    const truncated = inputError('{\n  "resources": [\n    {"type": "x"');
    assert.equal(truncated.message, 'Unexpected end of input');
    assert.equal(truncated.at?.file, 'bad.json');
    assert.equal(truncated.at?.line, 3);
    assert.ok(!truncated.format().includes('\n'));
    assert.match(truncated.format(), /^bad\.json:3:\d+: Unexpected end of input/);

    const missingValue = inputError('{\n  "resources": [],\n  "x": ,\n}');
    assert.deepEqual([missingValue.at?.line, missingValue.at?.column], [3, 8]);
    assert.equal(missingValue.message, 'Expected a value');

    assert.equal(inputError('').message, 'Unexpected end of input');
  });

  it('a malformed parameter file names the parameter file', () => {
    try {
      parseArmTemplate({
        file: 'main.json',
        text: JSON.stringify(template([])),
        parameters: { file: 'main.parameters.json', text: '{ "parameters": { "a": { "value": 1 } }' },
      });
      assert.fail('expected an InputError');
    } catch (error) {
      assert.ok(error instanceof InputError);
      assert.equal(error.at?.file, 'main.parameters.json');
    }
  });

  it('JSON that is not a template is an InputError', () => {
    assert.match(inputError('{"name": "not a template"}').message, /not an ARM template/);
    assert.match(inputError('[1, 2]').message, /not an ARM template/);
  });

  it('classifies templates and parameter files by content', () => {
    const cases: [unknown, 'template' | 'parameters' | null][] = [
      [{ $schema: SCHEMA, resources: [] }, 'template'],
      [{ $schema: 'https://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#' }, 'template'],
      [
        { $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#' },
        'template',
      ],
      [
        { $schema: 'http://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#' },
        'template',
      ],
      [
        { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#' },
        'template',
      ],
      [{ contentVersion: '1.0.0.0', resources: [] }, 'template'],
      [{ parameters: {}, resources: { sa: {} } }, 'template'],
      [
        {
          type: 'Microsoft.Blueprint/blueprints/artifacts',
          kind: 'template',
          properties: { template: { resources: [] } },
        },
        'template',
      ],
      [{ $schema: PARAMETERS_SCHEMA, parameters: {} }, 'parameters'],
      [{ contentVersion: '1.0.0.0', parameters: { a: { value: 1 }, b: { reference: {} } } }, 'parameters'],
      [{ contentVersion: '1.0.0.0', parameters: { a: { type: 'string' } } }, null],
      [{ resources: [] }, null],
      [{ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, null],
      [[], null],
      ['text', null],
    ];
    for (const [value, expected] of cases) assert.equal(classifyArmJson(value), expected, JSON.stringify(value));
  });

  it('accepts the value the caller already parsed, with the same result', () => {
    const text = JSON.stringify(TEMPLATE, null, 2);
    const fresh = parseArmTemplate({ file: 'a.json', text });
    const reused = parseArmTemplate({ file: 'a.json', text, json: JSON.parse(text) });
    assert.deepEqual(
      reused.resources.map((r) => [r.id, r.properties]),
      fresh.resources.map((r) => [r.id, r.properties]),
    );
    const path = 'properties.allowblobpublicaccess';
    assert.equal(reused.resources[0].locations?.get(path)?.line, fresh.resources[0].locations?.get(path)?.line);
  });

  it('values of undeclared parameters in the parameter file are reported at their line', () => {
    const parsed = parse(template([]), { values: { stray: 1 } });
    assert.equal(parsed.diagnostics.length, 1);
    assert.equal(parsed.diagnostics[0].file, 'main.parameters.json');
    assert.equal(parsed.diagnostics[0].line, lineOf(parsed.parametersText ?? '', '"stray"'));
  });

  it('Unresolved values are real Unresolved instances with a lazily located `at`', () => {
    const parsed = parse(
      template([{ type: 'Microsoft.Test/x', apiVersion: '1', name: 'x', properties: { v: "[reference('r').v]" } }]),
    );
    const value = (parsed.resources[0].properties as { v: unknown }).v;
    assert.ok(value instanceof Unresolved);
    assert.deepEqual(Object.keys(value).sort(), ['at', 'expression']);
  });
});

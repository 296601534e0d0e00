// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Bicep sources in these strings use ${...} interpolation
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unresolved, type Value } from '../../../src/core/types.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import { RG_ID, SUB, value } from './helpers.js';

const DECLARATIONS = `
param name string = 'phi'
param count int = 3
param flags object = {
  enabled: true
  nested: {
    level: 'deep'
  }
}
param list array = ['a', 'b', 'c']
param missing string
param maybe string?
var zones = ['1', '2']
var settings = {
  tls: 'TLS1_2'
  items: [for (z, i) in zones: { zone: z, index: i }]
}
func prefixed(prefix string, value string) string => '\${prefix}-\${toLower(value)}'
`;

/** Evaluates `expression` where the declarations above are in scope. */
function evaluate(expression: string): Value | undefined {
  const { value: result } = value(expression, DECLARATIONS);
  return result;
}

/** The same expression through the ARM adapter, for functions whose semantics Bicep shares. */
function arm(expression: string): Value | undefined {
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.Test/things',
        apiVersion: '2020-01-01',
        name: 'thing',
        properties: { value: `[${expression}]` },
      },
    ],
  };
  const [thing] = parseArmTemplate({ file: 'main.json', text: JSON.stringify(template) }).resources;
  return (thing.properties as { value?: Value }).value;
}

describe('Bicep evaluator: expressions', () => {
  const table: [string, Value][] = [
    ["'plain'", 'plain'],
    ["'${name}-${count}-${flags.enabled}'", 'phi-3-True'],
    ["'a${'${name}'}b'", 'aphib'],
    ['count + 2 * 3 - 10 / 3 % 2', 8],
    ['-count', -3],
    ['count > 2 && !false', true],
    ["name == 'phi' || missing == 'x'", true],
    ["name != 'PHI'", true],
    ["name =~ 'PHI'", true],
    ["name !~ 'PHI'", false],
    ["count >= 3 ? 'many' : 'few'", 'many'],
    ['maybe ?? name', 'phi'],
    ['maybe.?x ?? 1', 1],
    ['flags.nested.level', 'deep'],
    ["flags['nested'].level", 'deep'],
    ['flags.?nope', null],
    ["flags[?'nope'] ?? 'fallback'", 'fallback'],
    ['list[1]', 'b'],
    ['list[?7]', null],
    ['flags.nested!.level', 'deep'],
    ['settings.items[1]', { zone: '2', index: 1 }],
    ['[for i in range(1, 3): i * 2]', [2, 4, 6]],
    ["[for x in list: if (x != 'b') { v: toUpper(x) }]", [{ v: 'A' }, { v: 'C' }]],
    ['[...list, ...zones]', ['a', 'b', 'c', '1', '2']],
    ["{ a: 1, ...flags.nested, b: 'two' }", { a: 1, level: 'deep', b: 'two' }],
    ['union({ a: { x: 1 } }, { a: { y: 2 }, b: 3 })', { a: { x: 1, y: 2 }, b: 3 }],
    ["concat(list, ['d'])", ['a', 'b', 'c', 'd']],
    ["format('{0}-{1:D3}', name, count)", 'phi-003'],
    ["prefixed('x', 'ABC')", 'x-abc'],
    ['map(list, x => toUpper(x))', ['A', 'B', 'C']],
    ["filter(list, (x, i) => i > 0 && x != 'c')", ['b']],
    ['reduce(zones, 0, (acc, z) => acc + int(z))', 3],
    ['sort([3, 1, 2], (a, b) => a < b)', [1, 2, 3]],
    ["toObject(list, x => x, x => '${x}!')", { a: 'a!', b: 'b!', c: 'c!' }],
    ['mapValues({ a: 1, b: 2 }, v => v * 10)', { a: 10, b: 20 }],
    ["groupBy(list, x => x == 'a' ? 'first' : 'rest')", { first: ['a'], rest: ['b', 'c'] }],
    ["any('x')", 'x'],
    ["sys.toLower('ABC')", 'abc'],
    ["coalesce(null, maybe, 'z')", 'z'],
    ['empty(maybe)', true],
    ["contains(list, 'b')", true],
    ['length(flags)', 2],
    ['first(list)', 'a'],
    ["last(split('a/b/c', '/'))", 'c'],
    ["'''\nmulti\nline'''", 'multi\nline'],
    ['resourceGroup().name', 'phiguard-scan-rg'],
    ['subscription().subscriptionId', SUB],
    [
      "resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')",
      `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet`,
    ],
    ["resourceGroup('other').id", `/subscriptions/${SUB}/resourceGroups/other`],
    ['environment().suffixes.storage', 'core.windows.net'],
    ["parseCidr('10.144.0.0/20').broadcast", '10.144.15.255'],
    ["cidrSubnet('10.144.0.0/20', 24, 3)", '10.144.3.0/24'],
    ["cidrHost('10.144.3.0/24', 0)", '10.144.3.1'],
    ['nameof(flags.nested)', 'nested'],
  ];
  for (const [expression, expected] of table) {
    it(`${expression} = ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(evaluate(expression), expected);
    });
  }

  it('computes uniqueString() and guid() exactly as the ARM adapter does', () => {
    assert.equal(evaluate("uniqueString(resourceGroup().id, 'x')"), arm("uniqueString(resourceGroup().id, 'x')"));
    assert.equal(evaluate("guid(subscription().id, 'a', 'b')"), arm("guid(subscription().id, 'a', 'b')"));
  });
});

describe('Bicep evaluator: unknown values', () => {
  function unresolved(expression: string, declarations = DECLARATIONS): Unresolved {
    const { value: result } = value(expression, declarations);
    assert.ok(result instanceof Unresolved, `expected Unresolved, got ${JSON.stringify(result)}`);
    return result;
  }

  it('keeps the expression text as written for a parameter without value', () => {
    assert.equal(unresolved('missing').expression, 'missing');
    assert.equal(unresolved("'st${missing}01'").expression, "'st${missing}01'");
    assert.equal(unresolved('toLower(missing)').expression, 'toLower(missing)');
  });

  it('short-circuits known operands but stays unknown otherwise', () => {
    assert.equal(evaluate("missing == 'x' && false"), false);
    assert.equal(evaluate("true || missing == 'x'"), true);
    assert.equal(unresolved("missing == 'x' && true").expression, "missing == 'x' && true");
    assert.equal(unresolved("missing == 'x' ? 'a' : 'b'").expression, "missing == 'x' ? 'a' : 'b'");
  });

  it('treats deployment-time functions and resource properties as unknown', () => {
    for (const expression of [
      'utcNow()',
      'newGuid()',
      "reference('x', '2020-01-01').foo",
      "listKeys('x', '2020-01-01')",
    ]) {
      assert.equal(unresolved(expression).expression, expression);
    }
    const declarations = "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' existing = { name: 'sa' }";
    assert.equal(
      unresolved('sa.properties.primaryEndpoints.blob', declarations).expression,
      'sa.properties.primaryEndpoints.blob',
    );
    assert.equal(unresolved('sa.listKeys().keys[0].value', declarations).expression, 'sa.listKeys().keys[0].value');
    assert.equal(unresolved("sa.getSecret('x')", declarations).expression, "sa.getSecret('x') (secure)");
  });

  it('keeps an unknown loop source unknown', () => {
    assert.equal(unresolved("[for x in split(missing, ','): x]").expression, "[for x in split(missing, ','): x]");
  });

  it('reports template errors as warnings at their line and keeps the rest', () => {
    const { value: result, result: parsed } = value('{ ok: 1, bad: flags.nope, worse: list[9] }', DECLARATIONS);
    assert.deepEqual((result as Record<string, Value>).ok, 1);
    assert.ok((result as Record<string, Value>).bad instanceof Unresolved);
    const messages = parsed.diagnostics.map((d) => d.message);
    assert.ok(
      messages.some((m) => m.includes("property 'nope' does not exist")),
      JSON.stringify(messages),
    );
    assert.ok(
      messages.some((m) => m.includes('index 9 is out of range')),
      JSON.stringify(messages),
    );
    assert.ok(parsed.diagnostics.every((d) => d.kind === 'warning' && d.line !== undefined));
  });

  it('reports unknown functions once and treats their value as unknown', () => {
    const { value: result, result: parsed } = value('notAFunction(1)');
    assert.ok(result instanceof Unresolved);
    assert.deepEqual(
      parsed.diagnostics.map((d) => d.message),
      ["unknown function 'notAFunction'; its value is not known"],
    );
  });

  it('detects self-referencing variables', () => {
    const { value: result, result: parsed } = value('a', 'var a = b\nvar b = a');
    assert.ok(result instanceof Unresolved);
    assert.ok(parsed.diagnostics.some((d) => d.message.includes('refers to itself')));
  });
});

describe('Bicep evaluator: files, imports and user functions', () => {
  it('reads loadTextContent / loadJsonContent (with a path) / loadYamlContent relative to the file', () => {
    const files = {
      'config/settings.json': '{ "network": { "defaultAction": "Deny", "rules": ["a", "b"] } }',
      'config/policy.xml': '<policies/>',
      'config/list.yaml': 'items:\n  - one\n  - two\n',
    };
    assert.equal(
      value("loadJsonContent('config/settings.json', '$.network.defaultAction')", '', { files }).value,
      'Deny',
    );
    assert.deepEqual(value("loadJsonContent('config/settings.json').network.rules", '', { files }).value, ['a', 'b']);
    assert.equal(value("loadTextContent('config/policy.xml')", '', { files }).value, '<policies/>');
    assert.deepEqual(value("loadYamlContent('config/list.yaml').items", '', { files }).value, ['one', 'two']);
    assert.ok(value("loadTextContent('config/absent.txt')", '', { files }).value instanceof Unresolved);
  });

  it('imports exported variables and functions, by name, alias and namespace', () => {
    const files = {
      'shared/conventions.bicep': `
@export()
var base = { env: 'prod' }
@export()
func tagged(app string) object => union(base, { app: app })
@export()
type t = string
`,
    };
    const declarations = `
import { base, tagged as tags, t } from 'shared/conventions.bicep'
import * as conventions from 'shared/conventions.bicep'
`;
    assert.deepEqual(
      value("[base.env, tags('x').app, conventions.base.env, conventions.tagged('y').app]", declarations, { files })
        .value,
      ['prod', 'x', 'prod', 'y'],
    );
  });

  it('leaves values imported from a registry unknown', () => {
    const declarations = "import { defaults } from 'br/public:avm/utl/types/avm-common-types:0.5.1'";
    assert.ok(value('defaults.x', declarations).value instanceof Unresolved);
  });
});

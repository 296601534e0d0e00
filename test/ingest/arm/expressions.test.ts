import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unresolved, type Value } from '../../../src/core/types.js';
import { parseExpression } from '../../../src/ingest/arm/expressions.js';
import { dotnetFormat } from '../../../src/ingest/arm/functions.js';
import { armGuid, uniqueString } from '../../../src/ingest/arm/hash.js';
import { evaluate, lineOf, RG_ID, SUB } from './helpers.js';

const SA_ID = `${RG_ID}/providers/Microsoft.Storage/storageAccounts/sa`;

// [expression, expected value]
const VALUES: [string, Value][] = [
  // Literals and access
  ["[concat('it''s', ' ok')]", "it's ok"],
  ['[[notAnExpression]', '[notAnExpression]'],
  ['plain [text]', 'plain [text]'],
  ['[createArray(1, 2, 3)[1]]', 2],
  ['[json(\'{"A": {"b": [10, 20]}}\').a.B[1]]', 20],
  ["[createObject('key', 'v')['KEY']]", 'v'],
  ['[add(-1, 3)]', 2],
  // Strings
  ["[concat('a', 'b', 1, true())]", 'ab1True'],
  ["[format('{0}-{1:D3}-{2}', 'x', 7, false())]", 'x-007-False'],
  ["[format('{{{0}}}', 'a')]", '{a}'],
  ["[toLower('ABC')]", 'abc'],
  ["[toUpper('abc')]", 'ABC'],
  ["[trim('  x ')]", 'x'],
  ["[padLeft('7', 3, '0')]", '007'],
  ["[replace('a-b-c', '-', '_')]", 'a_b_c'],
  ["[split('a,b;c', createArray(',', ';'))]", ['a', 'b', 'c']],
  ["[join(createArray('a', 'b'), '-')]", 'a-b'],
  ["[substring('abcdef', 1, 3)]", 'bcd'],
  ["[indexOf('abcABC', 'B')]", 1],
  ["[lastIndexOf('abcabc', 'A')]", 3],
  ["[startsWith('Hello', 'he')]", true],
  ["[endsWith('Hello', 'LO')]", true],
  ["[contains('abc', 'B')]", false],
  ["[contains('abc', 'b')]", true],
  ["[contains(createObject('Key', 1), 'key')]", true],
  ["[contains(createArray('a', 'b'), 'c')]", false],
  ["[first('abc')]", 'a'],
  ['[last(createArray(1, 2))]', 2],
  ['[take(createArray(1, 2, 3), 2)]', [1, 2]],
  ["[skip('abcdef', 4)]", 'ef'],
  ['[string(true())]', 'True'],
  ["[string(createObject('a', 1))]", '{"a":1}'],
  ["[base64ToString(base64('héllo'))]", 'héllo'],
  ["[dataUri('Hello')]", 'data:text/plain;charset=utf8;base64,SGVsbG8='],
  ["[uri('https://example.com/a/b', 'c')]", 'https://example.com/a/c'],
  ["[uriComponent('a b/c')]", 'a%20b%2Fc'],
  ["[uniqueString('aaa')]", 'zavj67f3en4hc'],
  ["[uniqueString('xxx', 'yyy', 'zzz')]", 'lghi7k5js7itq'],
  ["[guid('a', 'b', 'c')]", 'a98fa280-e03f-5afa-8d8e-92d0a9c201e8'],
  // Numbers and conversion
  ["[int('42')]", 42],
  ["[bool('TRUE')]", true],
  ['[sub(5, 7)]', -2],
  ['[mul(6, 7)]', 42],
  ['[div(7, 2)]', 3],
  ['[mod(7, 2)]', 1],
  ['[min(3, 1, 2)]', 1],
  ['[max(createArray(1, 5))]', 5],
  ['[range(2, 3)]', [2, 3, 4]],
  // Logic and comparison
  ["[if(equals(1, 1), 'yes', 'no')]", 'yes'],
  ['[not(and(true(), false()))]', true],
  ["[or(false(), equals('a', 'a'))]", true],
  ["[equals('a', 'A')]", false],
  ["[equals(createObject('a', createArray(1)), json('{\"A\": [1]}'))]", true],
  ['[less(1, 2)]', true],
  ["[greater('b', 'a')]", true],
  ['[lessOrEquals(2, 2)]', true],
  ['[greaterOrEquals(1, 2)]', false],
  ["[empty('')]", true],
  ['[empty(createArray())]', true],
  ["[empty(json('{}'))]", true],
  ['[empty(null())]', true],
  ["[empty('a')]", false],
  ["[length('abcd')]", 4],
  ["[length(createObject('a', 1, 'b', 2))]", 2],
  ["[coalesce(null(), 'x', reference('r'))]", 'x'],
  // Decided despite an unresolved operand
  ["[if(true(), 'a', reference('x').y)]", 'a'],
  ["[and(false(), reference('x').enabled)]", false],
  ["[or(true(), reference('x').enabled)]", true],
  ["[length(createArray(reference('x'), 2))]", 2],
  // Arrays and objects
  ['[concat(createArray(1, 2), createArray(3))]', [1, 2, 3]],
  ['[union(createArray(1, 2), createArray(2, 3))]', [1, 2, 3]],
  [
    "[union(createObject('a', 1, 'n', createObject('x', 1)), createObject('b', 2, 'n', createObject('y', 2)))]",
    { a: 1, n: { x: 1, y: 2 }, b: 2 },
  ],
  ['[intersection(createArray(1, 2, 3), createArray(3, 2, 9))]', [2, 3]],
  [
    "[items(createObject('b', 2, 'a', 1))]",
    [
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ],
  ],
  ["[objectKeys(createObject('a', 1, 'b', 2))]", ['a', 'b']],
  ["[tryGet(createObject('a', createObject('b', 1)), 'a', 'b')]", 1],
  ["[tryGet(createObject('a', 1), 'missing')]", null],
  ["[shallowMerge(createArray(createObject('a', 1), createObject('b', 2)))]", { a: 1, b: 2 }],
  ['[flatten(createArray(createArray(1), createArray(2, 3)))]', [1, 2, 3]],
  ["[array('x')]", ['x']],
  // Lambdas
  ["[map(createArray(1, 2), lambda('x', mul(lambdaVariables('x'), 10)))]", [10, 20]],
  ["[filter(createArray(1, 2, 3), lambda('x', greater(lambdaVariables('x'), 1)))]", [2, 3]],
  ["[reduce(createArray(1, 2, 3), 0, lambda('acc', 'x', add(lambdaVariables('acc'), lambdaVariables('x'))))]", 6],
  ["[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]", [1, 2, 3]],
  [
    "[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')), lambda('x', toUpper(lambdaVariables('x'))))]",
    { a: 'A', b: 'B' },
  ],
  // Deployment context and ids
  ['[resourceGroup().location]', 'eastus'],
  ['[resourceGroup().id]', RG_ID],
  ['[subscription().subscriptionId]', SUB],
  ['[tenant().tenantId]', SUB],
  ['[deployment().name]', 'phiguard-scan'],
  ['[environment().suffixes.storage]', 'core.windows.net'],
  ["[resourceId('Microsoft.Storage/storageAccounts', 'sa')]", SA_ID],
  [
    "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'default')]",
    `${RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default`,
  ],
  [
    "[resourceId('other-rg', 'Microsoft.Storage/storageAccounts', 'sa')]",
    `/subscriptions/${SUB}/resourceGroups/other-rg/providers/Microsoft.Storage/storageAccounts/sa`,
  ],
  [
    "[resourceId('11111111-1111-1111-1111-111111111111', 'rg2', 'Microsoft.Sql/servers', 'db')]",
    '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg2/providers/Microsoft.Sql/servers/db',
  ],
  [
    "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac')]",
    `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/b24988ac`,
  ],
  [
    "[tenantResourceId('Microsoft.Management/managementGroups', 'mg')]",
    '/providers/Microsoft.Management/managementGroups/mg',
  ],
  [
    "[extensionResourceId(resourceId('Microsoft.Storage/storageAccounts', 'sa'), 'Microsoft.Insights/diagnosticSettings', 'diag')]",
    `${SA_ID}/providers/Microsoft.Insights/diagnosticSettings/diag`,
  ],
];

// [expression, expression text carried by the Unresolved]
const UNRESOLVED: [string, string][] = [
  ["[reference('x').properties.y]", "[reference('x').properties.y]"],
  [
    "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2019-06-01').keys[0].value]",
    "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2019-06-01').keys[0].value]",
  ],
  ["[concat('a', reference('r').b)]", "[concat('a', reference('r').b)]"],
  [
    "[pickZones('Microsoft.Compute', 'virtualMachines', 'eastus')]",
    "[pickZones('Microsoft.Compute', 'virtualMachines', 'eastus')]",
  ],
  ['[utcNow()]', '[utcNow()]'],
  ['[newGuid()]', '[newGuid()]'],
  ['[someFutureFunction(1)]', '[someFutureFunction(1)]'],
  ["[if(reference('x').on, 'a', 'b')]", "[if(reference('x').on, 'a', 'b')]"],
  ["[coalesce(reference('x').v, 'fallback')]", "[coalesce(reference('x').v, 'fallback')]"],
  ["[equals(createArray(reference('x')), createArray(1))]", "[equals(createArray(reference('x')), createArray(1))]"],
  [
    "[filter(createArray(1), lambda('x', reference('r').ok))]",
    "[filter(createArray(1), lambda('x', reference('r').ok))]",
  ],
];

describe('ARM expression evaluator', () => {
  for (const [expression, expected] of VALUES) {
    it(`${expression} = ${JSON.stringify(expected)}`, () => {
      const { value, parsed } = evaluate(expression);
      assert.deepEqual(value, expected);
      assert.deepEqual(parsed.diagnostics, []);
    });
  }

  for (const [expression, carried] of UNRESOLVED) {
    it(`${expression} is unresolved`, () => {
      const { value, parsed } = evaluate(expression);
      assert.ok(value instanceof Unresolved, `expected Unresolved, got ${JSON.stringify(value)}`);
      assert.equal(value.expression, carried);
      assert.equal(value.at?.line, lineOf(parsed.text, '"value"'));
      assert.equal(value.at?.file, 'main.json');
    });
  }

  it('keeps Unresolved items inside containers that are otherwise known', () => {
    const { value } = evaluate("[createArray(1, reference('r').x)]");
    assert.ok(Array.isArray(value));
    assert.equal(value[0], 1);
    assert.ok(value[1] instanceof Unresolved);
  });

  it('resolves parameters (case-insensitively), defaults and variables referring to each other', () => {
    const { value } = evaluate("[concat(parameters('Prefix'), variables('suffix'))]", {
      parameters: { prefix: { type: 'string', defaultValue: "[toUpper('ab')]" } },
      variables: { suffix: "[concat('-', variables('inner'))]", inner: "[parameters('prefix')]" },
    });
    assert.equal(value, 'AB-AB');
  });

  it('parameter file values override defaults', () => {
    const { value } = evaluate("[parameters('tls')]", {
      parameters: { tls: { type: 'string', defaultValue: 'TLS1_0' } },
      values: { tls: 'TLS1_2' },
    });
    assert.equal(value, 'TLS1_2');
  });

  it('a parameter without value or default is Unresolved with the expression naming it', () => {
    const { value } = evaluate("[parameters('tls')]", { parameters: { tls: { type: 'string' } } });
    assert.ok(value instanceof Unresolved);
    assert.equal(value.expression, "[parameters('tls')]");
    const wrapped = evaluate("[toLower(parameters('tls'))]", { parameters: { tls: { type: 'string' } } }).value;
    assert.ok(wrapped instanceof Unresolved);
    assert.equal(wrapped.expression, "[toLower(parameters('tls'))]");
  });

  it('nullable parameters without value are null (Bicep `param x string?`)', () => {
    const { value } = evaluate("[coalesce(parameters('opt'), 'fallback')]", {
      parameters: { opt: { type: 'string', nullable: true } },
    });
    assert.equal(value, 'fallback');
  });

  it('a variable copy builds an array with copyIndex()', () => {
    const { value } = evaluate("[variables('names')]", {
      variables: { copy: [{ name: 'names', count: 3, input: "[concat('n', copyIndex('names', 1))]" }] },
    });
    assert.deepEqual(value, ['n1', 'n2', 'n3']);
  });

  it('calls user-defined functions with their own parameters', () => {
    const { value } = evaluate("[__bicep.fullName('web', 3)]", {
      functions: [
        {
          namespace: '__bicep',
          members: {
            fullName: {
              parameters: [
                { name: 'base', type: 'string' },
                { name: 'n', type: 'int' },
              ],
              output: { type: 'string', value: "[format('{0}-{1}', parameters('base'), parameters('n'))]" },
            },
          },
        },
      ],
    });
    assert.equal(value, 'web-3');
  });

  it('reports an invalid expression and leaves it unresolved', () => {
    const { value, parsed } = evaluate("[concat('a']");
    assert.ok(value instanceof Unresolved);
    assert.equal(parsed.diagnostics.length, 1);
    assert.equal(parsed.diagnostics[0].kind, 'warning');
    assert.equal(parsed.diagnostics[0].line, lineOf(parsed.text, '"value"'));
  });

  it('reports a template error (missing property) as a warning and an Unresolved value', () => {
    const { value, parsed } = evaluate("[createObject('a', 1).b]");
    assert.ok(value instanceof Unresolved);
    assert.match(parsed.diagnostics[0].message, /property 'b' does not exist/);
  });

  it('parses calls, member and index access into an AST', () => {
    assert.deepEqual(parseExpression("f('a''b', 1).x[0]"), {
      kind: 'index',
      target: {
        kind: 'member',
        target: {
          kind: 'call',
          name: 'f',
          lower: 'f',
          args: [
            { kind: 'string', value: "a'b" },
            { kind: 'number', value: 1 },
          ],
        },
        name: 'x',
      },
      index: { kind: 'number', value: 0 },
    });
    assert.throws(() => parseExpression("f('a'"), /expected/);
  });

  it('formats like .NET composite formatting', () => {
    assert.equal(dotnetFormat('{0,-4}|{1,3}|{2:x}', ['a', 'b', 255]), 'a   |  b|ff');
    assert.throws(() => dotnetFormat('{1}', ['a']), /no argument/);
  });

  it('uniqueString and guid match values returned by Azure', () => {
    // Outputs of real deployments (uniqueString) and RFC 4122 v5 in ARM's namespace (guid).
    assert.equal(uniqueString(['bbb']), 'w5eragfxe33cy');
    assert.equal(uniqueString(['zzz']), 'cryksdzzzawae');
    assert.equal(uniqueString(['aaa']).length, 13);
    assert.match(
      armGuid(['/subscriptions/x', 'reader']),
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

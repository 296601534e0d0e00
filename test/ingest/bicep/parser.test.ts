// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Bicep sources in these strings use ${...} interpolation
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import type { Expr, Statement } from '../../../src/ingest/bicep/ast.js';
import { parseBicep, Source } from '../../../src/ingest/bicep/index.js';

function parse(text: string, mode: 'bicep' | 'bicepparam' = 'bicep'): Statement[] {
  return parseBicep(new Source('main.bicep', text), mode).statements;
}

/** The value expression of `var x = <text>`. */
function expr(text: string): Expr {
  const [statement] = parse(`var x = ${text}\n`);
  assert.equal(statement.kind, 'var');
  return statement.kind === 'var' ? statement.value : (undefined as never);
}

function syntaxError(text: string): InputError {
  try {
    parse(text);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected a syntax error');
}

describe('Bicep parser: declarations', () => {
  it('reads every top-level declaration kind', () => {
    const statements = parse(`
targetScope = 'subscription'
metadata owner = 'platform'
import { a, b as c } from './shared.bicep'
import * as types from './types.bicep'
import 'az@1.0.0'
extension microsoftGraphV1
provider kubernetes with { namespace: 'x' } as k8s
@description('A param')
param p string = 'x'
var v = 1
var typed string = 'y'
type t = { name: string }
func f(a string, b int) string => '\${a}\${b}'
resource r 'Microsoft.Storage/storageAccounts@2023-01-01' = { name: 'r' }
module m './m.bicep' = { name: 'm' }
output o string = v
assert positive = v > 0
`);
    assert.deepEqual(
      statements.map((s) => s.kind),
      [
        'targetScope',
        'metadata',
        'import',
        'import',
        'import',
        'extension',
        'extension',
        'param',
        'var',
        'var',
        'type',
        'func',
        'resource',
        'module',
        'output',
        'assert',
      ],
    );
    const imports = statements.filter((s) => s.kind === 'import');
    assert.deepEqual(imports[0].kind === 'import' && imports[0].names, [
      { name: 'a', local: 'a' },
      { name: 'b', local: 'c' },
    ]);
    assert.equal(imports[1].kind === 'import' && imports[1].namespace, 'types');
    assert.equal(imports[2].kind === 'import' && imports[2].from, undefined);
    const func = statements.find((s) => s.kind === 'func');
    assert.deepEqual(func?.kind === 'func' && func.params, ['a', 'b']);
  });

  it('reads decorators, with namespaces and multi-line arguments', () => {
    const [param] = parse(`
@sys.description('Storage SKU')
@allowed([
  'Standard_LRS'
  'Standard_GRS'
])
@secure()
param sku string
`);
    assert.equal(param.kind, 'param');
    if (param.kind !== 'param') return;
    assert.deepEqual(
      param.decorators.map((d) => d.name),
      ['description', 'allowed', 'secure'],
    );
    assert.equal(param.decorators[1].args[0].kind, 'array');
  });

  it('reads parameter types: nullable, unions, object and tuple types, resourceInput<>, resource types', () => {
    const statements = parse(`
param a string?
param b 'Allow' | 'Deny' = 'Deny'
param c (
  | 'None'
  | 'AzureServices')?
param d {
  @description('x')
  name: string
  tier: ('Hot' | 'Cool')?
  *: string
}[]
param e resourceInput<'Microsoft.Storage/storageAccounts@2025-01-01'>.properties.networkAcls?
param f [string, int]
param g types.myType
param h resource 'Microsoft.Storage/storageAccounts@2023-01-01'
param i string | null
param j int = -1
`);
    const types = statements.map((s) => (s.kind === 'param' ? s.type : undefined));
    assert.deepEqual(
      types.map((t) => t?.nullable),
      [true, false, true, false, true, false, false, false, true, false],
    );
    assert.equal(types[7]?.resourceType, 'Microsoft.Storage/storageAccounts@2023-01-01');
  });

  it('reads discriminated and multi-line union types, inline object unions and additional-property types', () => {
    const statements = parse(`
type SiteMetric = {
  resourceType: 'Microsoft.Web/sites'
  metric:
    | 'HealthCheckStatus'
    | 'Http5xx'
}
@export()
@discriminator('type')
type IdentityType =
  | {
    type: 'SystemAssigned'
  }
  | {
    type: 'UserAssigned'
    userAssignedIdentities: {
      *: {}
    }
  }
@discriminator('type')
output out {type: 'foo', pop: bool} | {type: 'bar', quux: string} = obj
type Metric = resource<'Microsoft.Web/sites@2022-03-01'>.properties
`);
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['type', 'type', 'output', 'type'],
    );
  });

  it('reads resource bodies: existing, conditions, loops with index and filter, nested children', () => {
    const [resource] = parse(`
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' existing = if (deploy) {
  name: 'sa'
  @description('nested')
  resource blob 'blobServices' = {
    name: 'default'
    resource containers 'containers' = [for (c, i) in names: if (i > 0) {
      name: c
    }]
  }
}
`);
    assert.equal(resource.kind, 'resource');
    if (resource.kind !== 'resource') return;
    assert.equal(resource.existing, true);
    assert.equal(resource.body.kind, 'if');
    const object = resource.body.kind === 'if' ? resource.body.body : undefined;
    assert.equal(object?.kind, 'object');
    const blob = object?.kind === 'object' ? object.resources[0] : undefined;
    assert.equal(blob?.type, 'blobServices');
    const inner = blob?.body.kind === 'object' ? blob.body.resources[0] : undefined;
    assert.equal(inner?.body.kind, 'for');
    if (inner?.body.kind === 'for') {
      assert.equal(inner.body.item, 'c');
      assert.equal(inner.body.index, 'i');
      assert.ok(inner.body.condition);
    }
  });

  it('reads .bicepparam files: using, extends, untyped params', () => {
    const statements = parse(
      `
using './main.bicep'
extends './base.bicepparam'
var prefix = 'x'
param name = '\${prefix}-y'
param secret = az.getSecret('sub', 'rg', 'kv', 'secret')
`,
      'bicepparam',
    );
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['using', 'extends', 'var', 'param', 'param'],
    );
    const [using] = statements;
    assert.equal(using.kind === 'using' && using.path, './main.bicep');
    assert.equal(parse('using none\nparam x = 1\n', 'bicepparam')[0].kind, 'using');
  });

  it('skips comments and linter pragmas', () => {
    const statements = parse(`
// line comment
/* block
   comment */ var a = 1 /* inline */ // trailing
#disable-next-line no-unused-vars
var b = [
  1 // one
  /* two */ 2
]
`);
    assert.deepEqual(
      statements.map((s) => s.kind === 'var' && s.name),
      ['a', 'b'],
    );
  });
});

describe('Bicep parser: expressions', () => {
  it('parses strings: escapes, interpolation (nested), multi-line', () => {
    const plain = expr("'it\\'s \\$1 \\u{1F600}\\n'");
    assert.deepEqual(plain.kind === 'string' && plain.value, "it's $1 \u{1F600}\n");
    const interp = expr("'a${b}c${'${d}'}e'");
    assert.equal(interp.kind, 'interp');
    if (interp.kind === 'interp') {
      assert.deepEqual(interp.parts, ['a', 'c', 'e']);
      assert.equal(interp.exprs[1].kind, 'interp');
    }
    const multi = expr("'''\nline 1\n  it's ${not} interpolated\n'''");
    assert.deepEqual(multi.kind === 'string' && multi.value, "line 1\n  it's ${not} interpolated\n");
  });

  it('applies operator precedence (?? lowest before ?:, then ||, &&, comparisons, + -, * / %)', () => {
    const e = expr('a ?? b || c && d == e + f * -g');
    assert.equal(e.kind, 'binary');
    if (e.kind !== 'binary') return;
    assert.equal(e.op, '??');
    const or = e.right;
    assert.equal(or.kind === 'binary' && or.op, '||');
    const ternary = expr('a || b ? c : d ?? e');
    assert.equal(ternary.kind, 'ternary');
  });

  it('parses postfix chains: member, safe member, index, safe index, ::, null-forgiving, calls', () => {
    const e = expr("x!.?a.b[0][?'k']::child.id");
    assert.equal(e.kind, 'member');
    const kinds: string[] = [];
    let node: Expr = e;
    for (;;) {
      kinds.push(node.kind + ('safe' in node && node.safe ? '?' : ''));
      if (node.kind === 'member' || node.kind === 'index' || node.kind === 'child' || node.kind === 'nonNull')
        node = node.target;
      else break;
    }
    assert.deepEqual(kinds, ['member', 'child', 'index?', 'index', 'member', 'member?', 'nonNull', 'ident']);
    const call = expr('sa.listKeys().keys[0].value');
    assert.equal(call.kind, 'member');
    const ns = expr('az.resourceGroup().location');
    assert.equal(ns.kind === 'member' && ns.target.kind, 'call');
  });

  it('parses lambdas with zero, one and several parameters', () => {
    for (const [text, params] of [
      ['x => x', ['x']],
      ['(x) => x', ['x']],
      ['(acc, x, i) => acc + x', ['acc', 'x', 'i']],
      ['() => 1', []],
    ] as const) {
      const e = expr(`map(list, ${text})`);
      const lambda = e.kind === 'call' ? e.args[1] : undefined;
      assert.deepEqual(lambda?.kind === 'lambda' && lambda.params, params, text);
    }
    // A parenthesized expression is not a lambda.
    assert.equal(expr('(x)').kind, 'paren');
  });

  it('parses objects and arrays separated by new lines or commas, with spreads and quoted/interpolated keys', () => {
    const e = expr(`{
  a: 1, b: 2
  'c-d': [1, 2
    3]
  '\${k}': true
  ...rest
  if: 'keyword as key'
}`);
    assert.equal(e.kind, 'object');
    if (e.kind !== 'object') return;
    assert.deepEqual(
      e.items.map((item) => (item.kind === 'property' ? item.key : '...')),
      ['a', 'b', 'c-d', "'${k}'", '...', 'if'],
    );
    const array = expr('[\n  -1\n  -2\n  ...more\n]');
    assert.equal(array.kind === 'array' && array.items.length, 3);
  });

  it('lets ternaries and binary operators continue on the next line', () => {
    const e = expr("cond\n  ? 'a'\n  : 'b'");
    assert.equal(e.kind, 'ternary');
    const and = expr('a &&\n  b\n  && c');
    assert.equal(and.kind, 'binary');
  });

  it('ignores line breaks inside parentheses (multi-line calls)', () => {
    const e = expr('union(\n  {\n    a: 1\n  },\n  cond\n    ? { b: 2 }\n    : {}\n)');
    assert.equal(e.kind === 'call' && e.args.length, 2);
  });

  it('parses for-expressions with range() and object items', () => {
    const e = expr("[for i in range(0, 3): { name: 'n${i}' }]");
    assert.equal(e.kind, 'for');
  });
});

describe('Bicep parser: syntax errors', () => {
  for (const [text, message, line, column] of [
    [
      "resource r 'T@1' = {\n  name: 'x'\n  properties: {\n    a: 1 b: 2\n  }\n}\n",
      'expected "," or a new line but found "b"',
      4,
      10,
    ],
    ["var x = 'unterminated\n", 'unterminated string', 1, 9],
    ['param p string = \n', 'expected an expression but found end of file', 2, 1],
    ['wat x = 1\n', 'expected a declaration', 1, 1],
    ["var s = '${a'\n", 'unterminated string', 1, 13],
    ['var o = {\n  a 1\n}\n', 'expected ":" after property \'a\'', 2, 5],
    ['var a = 1 var b = 2\n', 'expected a new line', 1, 11],
    ["module m './x.bicep' = {\n  name: 'x'\n", 'expected "}" to close the "{" at 1:24', 3, 1],
  ] as const) {
    it(`reports ${message} at ${line}:${column}`, () => {
      const error = syntaxError(text);
      assert.ok(error.message.includes(message), `message: ${error.message}`);
      assert.deepEqual(
        { file: error.at?.file, line: error.at?.line, column: error.at?.column },
        { file: 'main.bicep', line, column },
      );
      assert.ok(!error.format().includes('\n'), 'one line');
    });
  }
});

// The expression evaluator: literals, operators, templates, collections, for/splat, functions, and how unknown
// values (variables without a value, computed attributes) propagate as Unresolved with the blocking expression.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unresolved, type Value } from '../../../src/core/types.js';
import { evaluateAttribute, type Namespace } from '../../../src/ingest/terraform/evaluate.js';
import { parseHcl } from '../../../src/ingest/terraform/hcl.js';

function run(text: string, vars: Record<string, Value> = {}): Value {
  const file = parseHcl('t.tf', `x = ${text}\n`);
  const ns: Namespace = {
    variable: (name) =>
      name in vars ? { value: vars[name] } : name === 'unknown' ? { value: new Unresolved('var.unknown') } : undefined,
    local: () => undefined,
    resource: () => undefined,
    module: () => undefined,
    modulePath: 'mod',
    rootPath: '.',
  };
  return evaluateAttribute(file.body.attributes[0].expr, { file, ns }).value;
}

function unknownOf(value: Value): string {
  assert.ok(value instanceof Unresolved, `expected unknown, got ${JSON.stringify(value)}`);
  return value.expression;
}

describe('Terraform expression evaluation', () => {
  const table: [string, Value, Record<string, Value>?][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 % 4', 2],
    ['-5 + 1', -4],
    ['"a" == "a" && !false', true],
    ['1 == "1"', false],
    ['5 >= 5 ? "yes" : "no"', 'yes'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    ['"${var.a}-${var.b}"', 'x-2', { a: 'x', b: 2 }],
    ['"%{ if var.on }on%{ else }off%{ endif }"', 'off', { on: false }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    ['"%{ for n in var.l }${n};%{ endfor }"', 'a;b;', { l: ['a', 'b'] }],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    ['"${var.l}"', ['a'], { l: ['a'] }],
    ['[for s in var.l : upper(s) if s != "b"]', ['A', 'C'], { l: ['a', 'b', 'c'] }],
    ['{ for k, v in var.m : v => k }', { '1': 'a' }, { m: { a: '1' } }],
    ['{ for v in var.l : substr(v, 0, 1) => v... }', { a: ['ab', 'ac'] }, { l: ['ab', 'ac'] }],
    ['var.objs[*].id', ['1', '2'], { objs: [{ id: '1' }, { id: '2' }] }],
    ['var.obj[*].id', ['9'], { obj: { id: '9' } }],
    ['var.objs.*.id', ['1'], { objs: [{ id: '1' }] }],
    ['var.l[1]', 'b', { l: ['a', 'b'] }],
    ['var.l.1', 'b', { l: ['a', 'b'] }],
    ['var.m["k"]', 'v', { m: { k: 'v' } }],
    ['path.module', 'mod'],
    ['terraform.workspace', 'default'],
    ['lower("TLS1_2")', 'tls1_2'],
    ['format("%s-%03d", "sa", 7)', 'sa-007'],
    ['join(",", ["a", "b"])', 'a,b'],
    ['split(",", "a,b")', ['a', 'b']],
    ['replace("a-b-c", "-", "")', 'abc'],
    ['replace("a1b22", "/[0-9]+/", "#")', 'a#b#'],
    ['merge({ a = 1 }, { b = 2 }, { a = 3 })', { a: 3, b: 2 }],
    ['concat(["a"], ["b", "c"])', ['a', 'b', 'c']],
    ['lookup({ a = 1 }, "b", 0)', 0],
    ['contains(["x", "y"], "y")', true],
    ['length({ a = 1, b = 2 })', 2],
    ['element(["a", "b"], 3)', 'b'],
    ['flatten([["a"], ["b", ["c"]]])', ['a', 'b', 'c']],
    ['keys({ b = 1, a = 2 })', ['a', 'b']],
    ['values({ b = 1, a = 2 })', [2, 1]],
    ['coalesce("", null, "x")', 'x'],
    ['try(var.m.missing, "fallback")', 'fallback', { m: {} }],
    ['can(var.m.missing)', false, { m: {} }],
    ['tobool("true")', true],
    ['tonumber("42")', 42],
    ['toset(["a", "a", "b"])', ['a', 'b']],
    ['cidrsubnet("10.0.0.0/16", 8, 2)', '10.0.2.0/24'],
    ['cidrhost("10.0.1.0/24", 5)', '10.0.1.5'],
    ['length(range(0, 1024))', 1024],
    ['max([3, 9, 1]...)', 9],
    ['zipmap(["a"], [1])', { a: 1 }],
    ['length(setproduct(["a", "b"], [1, 2, 3]))', 6],
    ['one([])', null],
    ['jsondecode("{\\"a\\": [1]}")', { a: [1] }],
  ];
  for (const [text, expected, vars] of table) {
    it(`${text} = ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(run(text, vars), expected);
    });
  }

  it('propagates unknown variables with the blocking expression', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    assert.equal(unknownOf(run('"sa-${var.unknown}"')), 'var.unknown');
    assert.equal(unknownOf(run('upper(var.unknown)')), 'var.unknown');
    assert.equal(unknownOf(run('var.unknown == "x" ? 1 : 2')), 'var.unknown');
    assert.equal(unknownOf(run('[for s in var.unknown : s]')), 'var.unknown');
  });

  it('decides results that do not depend on the unknown part', () => {
    assert.equal(run('var.unknown ? "same" : "same"'), 'same');
    assert.equal(run('false && var.unknown'), false);
    assert.equal(run('true || var.unknown'), true);
    assert.equal(run('length([var.unknown, "b"])'), 2);
    assert.equal(run('contains([var.unknown, "b"], "b")'), true);
    assert.ok(run('contains([var.unknown, "b"], "c")') instanceof Unresolved);
  });

  it('turns errors Terraform would report into unknown values with the reason', () => {
    assert.match(unknownOf(run('var.m.nope', { m: {} })), /var\.m\.nope \(no attribute or key "nope"\)/);
    assert.match(unknownOf(run('local.nothing')), /no local value named nothing/);
    assert.match(unknownOf(run('1 + "a"')), /a number is required/);
    assert.match(unknownOf(run('length(range(2000))')), /1024/);
  });

  it('leaves functions of time, files and randomness unknown', () => {
    assert.equal(unknownOf(run('timestamp()')), 'timestamp()');
    assert.equal(unknownOf(run('file("x.json")')), 'file("x.json")');
    assert.match(unknownOf(run('nosuchfunction(1)')), /not evaluated by phiguard/);
  });

  it('resolves references to undeclared resources and data sources as unknown', () => {
    assert.equal(unknownOf(run('azurerm_resource_group.rg.name')), 'azurerm_resource_group.rg.name');
    assert.equal(
      unknownOf(run('data.azurerm_client_config.current.tenant_id')),
      'data.azurerm_client_config.current.tenant_id',
    );
  });
});

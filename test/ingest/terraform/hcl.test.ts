// The HCL2 parser: structure, positions, templates, heredocs, comments, and located syntax errors with recovery.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { type Expr, parseExpression, parseHcl, parseHclRecovering } from '../../../src/ingest/terraform/hcl.js';

function only(text: string): Expr {
  const file = parseHcl('t.tf', `x = ${text}\n`);
  return file.body.attributes[0].expr;
}

describe('HCL parser', () => {
  it('reads blocks, labels, attributes and nested blocks with positions', () => {
    const text = [
      '# header comment',
      'resource "azurerm_storage_account" "main" {',
      '  name = "sa1" // trailing comment',
      '  /* block',
      '     comment */',
      '  network_rules {',
      '    default_action = "Deny"',
      '  }',
      '}',
      '',
    ].join('\n');
    const file = parseHcl('main.tf', text);
    const block = file.body.blocks[0];
    assert.equal(block.type, 'resource');
    assert.deepEqual(block.labels, ['azurerm_storage_account', 'main']);
    assert.deepEqual(file.location(block), { file: 'main.tf', line: 2, column: 1 });
    const name = block.body.attributes[0];
    assert.equal(name.name, 'name');
    assert.deepEqual(file.location(name.expr), { file: 'main.tf', line: 3, column: 10 });
    const nested = block.body.blocks[0];
    assert.equal(nested.type, 'network_rules');
    assert.deepEqual(file.location(nested.body.attributes[0]), { file: 'main.tf', line: 7, column: 5 });
    assert.equal(file.source(nested.body.attributes[0].expr), '"Deny"');
  });

  it('reads single-line blocks and identifier labels', () => {
    const file = parseHcl('t.tf', 'provider azurerm { features {} }\nlocals { a = 1 }\n');
    assert.deepEqual(file.body.blocks[0].labels, ['azurerm']);
    assert.equal(file.body.blocks[0].body.blocks[0].type, 'features');
    assert.equal(file.body.blocks[1].body.attributes[0].name, 'a');
  });

  it('parses operators with precedence and conditionals', () => {
    const expr = only('a || b && c == 1 + 2 * 3 ? "y" : "n"');
    assert.equal(expr.kind, 'conditional');
    if (expr.kind !== 'conditional') return;
    assert.equal(expr.test.kind, 'binary');
    if (expr.test.kind !== 'binary') return;
    assert.equal(expr.test.op, '||');
    const right = expr.test.right;
    assert.ok(right.kind === 'binary' && right.op === '&&');
  });

  it('parses traversals, legacy indexes, splats, calls and for expressions', () => {
    assert.equal(only('var.list[0].id').kind, 'getattr');
    const legacy = only('var.list.0.id');
    assert.ok(legacy.kind === 'getattr' && legacy.target.kind === 'index');
    const splat = only('azurerm_subnet.s[*].id');
    assert.ok(splat.kind === 'splat' && splat.each.kind === 'getattr');
    const attrSplat = only('var.items.*.name');
    assert.ok(attrSplat.kind === 'splat');
    const call = only('max([1, 2]...)');
    assert.ok(call.kind === 'call' && call.expandFinal && call.args.length === 1);
    const forList = only('[for k, v in var.m : upper(v) if v != ""]');
    assert.ok(forList.kind === 'for' && forList.keyVar === 'k' && forList.condition);
    const grouped = only('{ for v in var.l : v.k => v... }');
    assert.ok(grouped.kind === 'for' && grouped.grouping && grouped.key);
    const provider = only('provider::azurerm::normalise_resource_id("x")');
    assert.ok(provider.kind === 'call' && provider.name === 'provider::azurerm::normalise_resource_id');
  });

  it('parses objects with newline, comma and colon separators and quoted keys', () => {
    const expr = only('{\n  a = 1\n  "b" = 2, c: 3\n  (var.k) = 4\n}');
    assert.ok(expr.kind === 'object');
    if (expr.kind !== 'object') return;
    assert.equal(expr.items.length, 4);
    assert.deepEqual(
      expr.items.map((i) => i.bareKey),
      [true, false, true, false],
    );
  });

  it('decodes quoted templates: escapes, interpolation, directives, strip markers, literal $${', () => {
    const lit = only('"a\\tb\\n\\"q\\" \\u00e9 $${x} %%{y}"');
    assert.ok(lit.kind === 'literal');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    assert.equal(lit.kind === 'literal' && lit.value, 'a\tb\n"q" é ${x} %{y}');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    const tpl = only('"pre-${var.x}-%{ if var.y }yes%{ else }no%{ endif }"');
    assert.ok(tpl.kind === 'template');
    if (tpl.kind !== 'template') return;
    assert.deepEqual(
      tpl.parts.map((p) => p.kind),
      ['text', 'interp', 'text', 'if'],
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
    const stripped = only('"a   ${~ var.x ~}   b"');
    assert.ok(stripped.kind === 'template');
    if (stripped.kind !== 'template') return;
    assert.deepEqual(
      stripped.parts.filter((p) => p.kind === 'text').map((p) => (p.kind === 'text' ? p.value : '')),
      ['a', 'b'],
    );
  });

  it('reads heredocs, flush heredocs, and interpolation inside them', () => {
    const file = parseHcl(
      't.tf',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HCL interpolation syntax
      'a = <<EOT\nline ${var.x}\n  two\nEOT\nb = <<-EOT\n    one\n      two\n    EOT\nc = 1\n',
    );
    const [a, b, c] = file.body.attributes;
    assert.ok(a.expr.kind === 'template');
    assert.ok(b.expr.kind === 'literal');
    assert.equal(b.expr.kind === 'literal' && b.expr.value, 'one\n  two\n');
    assert.deepEqual(file.location(c), { file: 't.tf', line: 9, column: 1 });
  });

  it('parses every KICS Terraform sample without errors', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const root = new URL('../../../../shared/corpus/kics/terraform/', import.meta.url);
    let count = 0;
    for (const folder of readdirSync(root)) {
      for (const file of readdirSync(new URL(`${folder}/`, root)).filter((f) => f.endsWith('.tf'))) {
        const result = parseHclRecovering(file, readFileSync(new URL(`${folder}/${file}`, root), 'utf8'));
        assert.deepEqual(
          result.errors.map((e) => e.format()),
          [],
          `${folder}/${file}`,
        );
        count++;
      }
    }
    assert.ok(count > 100);
  });

  it('reports a syntax error at file:line:column as an InputError', () => {
    assert.throws(
      () => parseHcl('bad.tf', 'resource "x" "y" {\n  a = "unterminated\n}\n'),
      (error: unknown) => error instanceof InputError && error.format().startsWith('bad.tf:2:'),
    );
    assert.throws(
      () => parseHcl('bad.tf', 'a = [1, 2\n'),
      (error: unknown) => error instanceof InputError && /bad\.tf:\d+:\d+/.test(error.format()),
    );
    assert.throws(
      () => parseHcl('bad.tf', 'a = 1 b = 2\n'),
      (error: unknown) => error instanceof InputError && error.format().startsWith('bad.tf:1:7'),
    );
  });

  it('recovers at the next top-level block after an error', () => {
    const text = 'resource "a" "one" {\n  x = = 1\n}\n\nresource "a" "two" {\n  y = 2\n}\n';
    const result = parseHclRecovering('r.tf', text);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].at?.line, 2);
    assert.deepEqual(
      result.file.body.blocks.map((b) => b.labels[1]),
      ['two'],
    );
  });

  it('parses standalone expressions', () => {
    const expr = parseExpression('  1 + 2  ');
    assert.equal(expr.kind, 'binary');
    assert.throws(() => parseExpression('1 +'));
  });
});

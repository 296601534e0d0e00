// docs/rules/<id>.md is generated from rule metadata (`npm run docs`); the committed pages must match the rules.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderRuleDoc } from '../../src/report/rule-doc.js';
import { RULES } from '../../src/rules/catalog/index.js';

const DOCS = new URL('../../docs/rules/', import.meta.url);

describe('generated rule docs', () => {
  it('has one current page per rule and no stale page', () => {
    for (const rule of RULES) {
      const page = new URL(`${rule.id}.md`, DOCS);
      assert.ok(existsSync(page), `docs/rules/${rule.id}.md is missing (npm run docs)`);
      assert.equal(readFileSync(page, 'utf8'), renderRuleDoc(rule), `docs/rules/${rule.id}.md is stale (npm run docs)`);
    }
    const pages = readdirSync(DOCS).filter((f) => /^PHI-.*\.md$/.test(f));
    assert.deepEqual(pages.sort(), RULES.map((r) => `${r.id}.md`).sort());
  });

  it('indexes every rule', () => {
    const index = readFileSync(new URL('README.md', DOCS), 'utf8');
    for (const rule of RULES) assert.ok(index.includes(`[${rule.id}](${rule.id}.md)`), rule.id);
  });
});

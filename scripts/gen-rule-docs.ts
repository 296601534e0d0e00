// Writes docs/rules/<id>.md from rule metadata (the same text `phiguard rules show <id>` prints) and an index.
// Run: npx tsx scripts/gen-rule-docs.ts   (test/docs checks the committed files are current)
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderRuleDoc } from '../src/report/rule-doc.js';
import { RULES } from '../src/rules/catalog/index.js';

const dir = new URL('../docs/rules/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const rule of RULES) writeFileSync(new URL(`${rule.id}.md`, dir), renderRuleDoc(rule));
const index = [
  '# Rule catalog',
  '',
  '| Rule | Severity | Title | HIPAA |',
  '|---|---|---|---|',
  ...RULES.map(
    (r) => `| [${r.id}](${r.id}.md) | ${r.severity} | ${r.title} | ${r.hipaa.map((c) => c.cite).join(', ')} |`,
  ),
  '',
];
writeFileSync(new URL('README.md', dir), index.join('\n'));
console.log(`wrote ${RULES.length} rule docs to docs/rules/`);

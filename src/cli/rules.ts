import { InputError } from '../core/errors.js';
import { renderRuleDoc } from '../report/rule-doc.js';
import { EXIT } from '../report/summary.js';
import { findRule, RULES } from '../rules/catalog/index.js';

export async function rulesList(options: { format: string }): Promise<number> {
  if (options.format === 'json') {
    const rows = RULES.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      hipaa: r.hipaa.map((c) => c.cite),
      phiScoped: r.phiScoped,
      types: r.types,
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.clean;
  }
  if (options.format !== 'table')
    throw new InputError(`unknown format "${options.format}"`, undefined, 'table or json');
  const width = Math.max(...RULES.map((r) => r.id.length));
  for (const rule of RULES) {
    const cites = rule.hipaa.map((c) => c.cite).join(', ');
    process.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.title}  [${cites}]\n`);
  }
  process.stdout.write(`\n${RULES.length} rules. Details: phiguard rules show <id>\n`);
  return EXIT.clean;
}

export async function rulesShow(id: string): Promise<number> {
  const rule = findRule(id);
  if (!rule) throw new InputError(`no rule "${id}"`, undefined, 'phiguard rules list shows the catalog');
  process.stdout.write(renderRuleDoc(rule));
  return EXIT.clean;
}

// The rule-cases helpers as the imported rule test files see them (case-hooks.mjs): every builder is the real one,
// and `ruleCases` records its table for test/remediate/steps.test.ts instead of registering tests.
import type { Rule } from '../../../src/rules/define.js';
import type { RuleCaseTable } from '../../helpers/rule-cases.js';

export * from '../../helpers/rule-cases.js';

export interface CollectedTable {
  rule: Rule;
  table: RuleCaseTable;
}

// On globalThis: the collector and the test reach this module through different resolvers, and must share the list.
const KEY = Symbol.for('phiguard.test.collectedRuleCases');

export function collectedTables(): CollectedTable[] {
  const store = globalThis as unknown as Record<symbol, CollectedTable[] | undefined>;
  store[KEY] ??= [];
  return store[KEY];
}

export function ruleCases(rule: Rule, table: RuleCaseTable): void {
  collectedTables().push({ rule, table });
}

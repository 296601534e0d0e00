// Module hooks for test/remediate/steps.test.ts: the rule test files under test/rules/catalog are imported for their
// case tables only. Their `ruleCases` calls go to a collector and their own describe/it blocks are not registered,
// so the fix test reuses every failing case without running the rule tests a second time.
const CATALOG_TESTS = '/test/rules/catalog/';

export async function resolve(specifier, context, next) {
  if (context.parentURL?.includes(CATALOG_TESTS)) {
    if (specifier === 'node:test') {
      return { url: new URL('./silent-node-test.mjs', import.meta.url).href, shortCircuit: true };
    }
    if (specifier.endsWith('/helpers/rule-cases.js')) {
      return { url: new URL('./collect-cases.ts', import.meta.url).href, shortCircuit: true };
    }
  }
  return next(specifier, context);
}

// Stands in for node:test inside the imported rule test files (case-hooks.mjs): suites run their bodies so any
// table they build is collected; tests and hooks are not registered.
const ignore = () => {};
export const describe = (_name, body) => (typeof body === 'function' ? body() : undefined);
export const suite = describe;
export const it = ignore;
export const test = ignore;
export const before = ignore;
export const after = ignore;
export const beforeEach = ignore;
export const afterEach = ignore;

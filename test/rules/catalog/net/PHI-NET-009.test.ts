import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../../../src/rules/catalog/net/PHI-NET-009.js';
import { parameterCases, template, templateCase } from '../../../helpers/arm-cases.js';
import { ruleCases, run } from '../../../helpers/rule-cases.js';
import { body, live, res } from './support.js';

const DB = 'Microsoft.Sql/servers/databases';
const TDE = 'Microsoft.Sql/servers/databases/transparentDataEncryption';

const database = (name = 'phisql/phidb') => res(DB, name, { collation: 'SQL_Latin1_General_CP1_CI_AS' });
const tde = (properties: Record<string, unknown>, name = 'phisql/phidb/current') => res(TDE, name, properties);
const state = parameterCases((expression) => [database(), tde({ state: expression })], 'string', 'Disabled');

ruleCases(rule, {
  pass: [
    templateCase(template([database()]), 'database without a TDE resource (on by default)'),
    templateCase(template([database(), tde({ state: 'Enabled' })]), 'TDE Enabled'),
    templateCase(template([tde({ status: 'Enabled' }, 'phisql/phidb/current')]), 'legacy status Enabled'),
    live(body(TDE, 'phisql/phidb/current', { state: 'Enabled' })),
    live(body(DB, 'phisql/phidb', { status: 'Online' })),
  ],
  fail: [
    templateCase(template([database(), tde({ state: 'Disabled' })]), 'TDE Disabled', { needle: '"state": "Disabled"' }),
    templateCase(template([tde({ status: 'Disabled' })]), 'legacy status Disabled', { needle: '"status": "Disabled"' }),
    templateCase(
      template([
        {
          ...database(),
          resources: [res('transparentDataEncryption', 'current', { state: 'Disabled' })],
        },
      ]),
      'nested TDE child',
      { needle: '"state": "Disabled"' },
    ),
    state.fromDefault,
    state.fromFile,
    live(body(TDE, 'phisql/phidb/current', { state: 'Disabled' })),
  ],
  unknown: [state.missing, templateCase(template([tde({})]), 'TDE resource without state')],
  notApplicable: [
    templateCase(template([database('phisql/master'), tde({ state: 'Disabled' }, 'phisql/master/current')]), 'master'),
  ],
});

describe('PHI-NET-009 subjects', () => {
  it('evaluates a database with a TDE child through the child only', () => {
    const { findings, engine } = run(
      rule,
      templateCase(template([database(), tde({ state: 'Disabled' })]), 'db + tde'),
    );
    assert.deepEqual(
      findings.map((f) => [f.resource.type, f.status]),
      [[TDE, 'fail']],
    );
    assert.equal(engine.counts['not-applicable'], 1);
  });
});

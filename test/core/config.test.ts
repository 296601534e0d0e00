import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig, parseConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';

function configError(text: string): ConfigError {
  try {
    parseConfig(text, '.phiguard.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('parseConfig', () => {
  it('reads the schema sections into the effective config', () => {
    const config = parseConfig(
      [
        'classification:',
        '  phi:',
        '    tags: { data-classification: [phi, ePHI], workload: ehr }',
        '    resource_groups: [rg-ehr]',
        '    name_patterns: ["*phi*"]',
        'retention:',
        '  audit_logs:',
        '    min_days: 2557',
        'network:',
        '  db_ports: ["1433", 5432]',
        'scan:',
        '  fail_on: critical',
        'iam:',
        '  max_sign_in_frequency_hours: 8',
      ].join('\n'),
      'cfg.yaml',
    );
    assert.equal(config.source, 'cfg.yaml');
    assert.deepEqual(config.classification.phi.tags, { 'data-classification': ['phi', 'ePHI'], workload: ['ehr'] });
    assert.deepEqual(config.classification.phi.resourceGroups, ['rg-ehr']);
    // Selectors without an explicit default mean "only these are PHI".
    assert.equal(config.classification.default, 'non-phi');
    assert.equal(config.retention.auditLogs.minDays, 2557);
    assert.deepEqual(config.network.dbPorts, ['1433', '5432']);
    assert.equal(config.scan.failOn, 'critical');
    assert.deepEqual(config.extra.iam, { max_sign_in_frequency_hours: 8 });
  });

  it('keeps emergency mode (everything PHI) for an empty file or no selectors', () => {
    assert.equal(parseConfig('', 'x').classification.default, 'phi');
    assert.equal(parseConfig('retention:\n  soft_delete_min_days: 14\n', 'x').classification.default, 'phi');
    assert.equal(defaultConfig().classification.default, 'phi');
    assert.equal(defaultConfig().retention.auditLogs.minDays, 2191);
  });

  it('lets an explicit default win over the selector rule', () => {
    const config = parseConfig('classification:\n  default: phi\n  phi:\n    resource_groups: [a]\n', 'x');
    assert.equal(config.classification.default, 'phi');
  });

  it('names the line of a wrong type', () => {
    const error = configError('scan:\n  fail_on: high\nretention:\n  audit_logs:\n    min_days: six years\n');
    assert.equal(error.at?.line, 5);
    assert.match(error.format(), /^\.phiguard\.yaml:5:15: retention\.audit_logs\.min_days must be an integer/);
  });

  it('rejects unknown sections and bad enum values with their line', () => {
    assert.equal(configError('scan: {}\nclasification: {}\n').at?.line, 2);
    const error = configError('classification:\n  default: maybe\n');
    assert.match(error.message, /must be one of phi, non-phi/);
    assert.equal(error.at?.line, 2);
  });

  it('reports YAML syntax errors with a location', () => {
    const error = configError('network:\n  db_ports: [1433, 5432\nscan: {}\n');
    assert.ok(error.at?.line !== undefined && error.at.line >= 2);
  });
});

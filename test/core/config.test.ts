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
    assert.equal(config.iam.maxSignInFrequencyHours, 8);
  });

  it('reads the retention schedule, IAM exceptions and provider assumptions', () => {
    const config = parseConfig(
      [
        'retention:',
        '  data_classes:',
        '    imaging:',
        '      match: { tags: { data-class: imaging }, containers: [stimg/dicom] }',
        '      min_years: 7',
        '      max_years: null',
        '    claims: { min_years: 6, max_years: 10 }',
        '  default_phi_class: claims',
        '  backups: { role: archive, max_grace_days: 30 }',
        'iam:',
        '  graph_high_risk_permissions: [Mail.Read]',
        '  exceptions:',
        '    - { rule: PHI-IAM-001, subject: app-1, reason: vendor, expires: 2026-12-31 }',
        'defender:',
        '  required_plans: [SqlServers]',
        'terraform:',
        '  assume_azurerm_major: 4',
      ].join('\n'),
      'x',
    );
    assert.deepEqual(config.retention.dataClasses[0], {
      name: 'imaging',
      match: { tags: { 'data-class': ['imaging'] }, containers: ['stimg/dicom'] },
      minYears: 7,
      maxYears: null,
    });
    assert.equal(config.retention.defaultPhiClass, 'claims');
    assert.deepEqual(config.retention.backups, { role: 'archive', maxGraceDays: 30 });
    assert.deepEqual(config.iam.graphHighRiskPermissions, ['Mail.Read']);
    assert.equal(config.iam.exceptions[0].rule, 'PHI-IAM-001');
    assert.equal(config.iam.exceptions[0].expires, '2026-12-31');
    assert.deepEqual(config.defender.requiredPlans, ['SqlServers']);
    assert.equal(config.terraform.assumeAzurermMajor, 4);
  });

  it('rejects inconsistent schedules and misspelt nested keys at their line', () => {
    assert.equal(
      configError('retention:\n  data_classes:\n    a: { min_years: 6, max_years: 2 }\n  default_phi_class: a\n').at
        ?.line,
      3,
    );
    assert.match(configError('retention:\n  default_phi_class: nope\n').message, /not one of retention\.data_classes/);
    const typo = configError('iam:\n  max_signin_frequency_hours: 8\n');
    assert.equal(typo.at?.line, 2);
    assert.match(typo.message, /unknown key "iam\.max_signin_frequency_hours"/);
    assert.equal(configError('iam:\n  exceptions:\n    - { subject: x, reason: y }\n').at?.line, 3);
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

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Config, defaultConfig, parseConfig } from '../../src/core/config.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Finding, Resource } from '../../src/core/types.js';
import {
  armMetadataWaivers,
  configWaivers,
  isExpired,
  parseInlineWaivers,
  parseWaiverFile,
  type Waiver,
  type WaiverNotice,
  WaiverSet,
} from '../../src/governance/waivers.js';
import { parseArmTemplate } from '../../src/ingest/arm/index.js';

const RULE_IDS = new Set(['PHI-STG-004', 'PHI-STG-005', 'PHI-NET-001', 'PHI-IAM-001']);
const NOW = new Date('2026-06-01T12:00:00Z');

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

function resource(overrides: Partial<Resource> = {}): Resource {
  return {
    id: '/subscriptions/s1/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/stweb',
    type: 'Microsoft.Storage/storageAccounts',
    name: 'stweb',
    origin: 'terraform',
    address: 'azurerm_storage_account.web',
    file: 'infra/main.tf',
    at: { file: 'infra/main.tf', line: 3, column: 1 },
    tags: { env: 'Dev', owner: 'web' },
    ...overrides,
  };
}

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'PHI-STG-004',
    status: 'fail',
    severity: 'high',
    title: 'Storage account minimum TLS version below 1.2',
    message: 'TLS 1.0 accepted',
    hipaa: ['164.312(e)(1)'],
    resource: {
      id: 'x',
      type: 'Microsoft.Storage/storageAccounts',
      name: 'stweb',
      address: 'azurerm_storage_account.web',
    },
    location: { file: 'infra/main.tf', line: 9, column: 37 },
    evidence: { path: 'properties.minimumTlsVersion', actual: 'TLS1_0', expected: 'TLS1_2' },
    fingerprint: '0'.repeat(32),
    phi: true,
    ...overrides,
  };
}

function set(options: { config?: Config; waivers?: Waiver[]; sources?: Record<string, string> } = {}): WaiverSet {
  const sources = options.sources ?? {};
  const waivers = new WaiverSet({
    config: options.config ?? defaultConfig(),
    now: NOW,
    ruleIds: RULE_IDS,
    waivers: options.waivers,
    readSource: (file) => sources[file],
  });
  return waivers;
}

const TF = [
  'locals { x = 1 }',
  '',
  'resource "azurerm_storage_account" "web" {',
  '  name = "stweb"',
  '',
  '',
  '',
  '  # phiguard:ignore PHI-STG-004 reason="legacy lab client, no PHI" expires=2026-12-31 ticket=SEC-123',
  '  min_tls_version = "TLS1_0"',
  '}',
].join('\n');

describe('inline waiver comments', () => {
  it('reads rules, a quoted reason with escapes, expiry, ticket and approver from # and // comments', () => {
    const waivers = parseInlineWaivers(
      [
        '# phiguard:ignore PHI-STG-004,PHI-STG-005 reason="says \\"no\\" to PHI" expires=2026-12-31 ticket=SEC-1 approver=ciso',
        "x = 1 // phiguard:ignore PHI-NET-001 reason='single quoted'",
      ].join('\n'),
      'a.tf',
      { ruleIds: RULE_IDS },
    );
    assert.deepEqual(
      waivers.map(({ rules, reason, expires, ticket, approver, line, column }) => ({
        rules,
        reason,
        expires,
        ticket,
        approver,
        line,
        column,
      })),
      [
        {
          rules: ['PHI-STG-004', 'PHI-STG-005'],
          reason: 'says "no" to PHI',
          expires: '2026-12-31',
          ticket: 'SEC-1',
          approver: 'ciso',
          line: 1,
          column: 1,
        },
        {
          rules: ['PHI-NET-001'],
          reason: 'single quoted',
          expires: undefined,
          ticket: undefined,
          approver: undefined,
          line: 2,
          column: 7,
        },
      ],
    );
  });

  it('rejects a waiver without reason, a malformed date, unknown keys and rules at their line and column', () => {
    const noReason = configError(() => parseInlineWaivers('x\n  # phiguard:ignore PHI-STG-004 ticket=A', 'a.tf'));
    assert.deepEqual(noReason.at, { file: 'a.tf', line: 2, column: 3 });
    assert.match(noReason.message, /no reason/);
    const badDate = configError(() =>
      parseInlineWaivers('// phiguard:ignore PHI-STG-004 reason=x expires=2026-02-30', 'a.bicep'),
    );
    assert.deepEqual(badDate.at, { file: 'a.bicep', line: 1, column: 49 });
    assert.match(badDate.message, /YYYY-MM-DD/);
    assert.match(
      configError(() => parseInlineWaivers('# phiguard:ignore PHI-STG-004 reason=x until=2027-01-01', 'a.tf')).message,
      /unknown key "until"/,
    );
    assert.match(
      configError(() => parseInlineWaivers('# phiguard:ignore PHI-STG-999 reason=x', 'a.tf', { ruleIds: RULE_IDS }))
        .message,
      /unknown rule PHI-STG-999/,
    );
    assert.match(
      configError(() => parseInlineWaivers('# phiguard:ignroe PHI-STG-004', 'a.tf')).message,
      /unknown directive/,
    );
    assert.match(configError(() => parseInlineWaivers('# phiguard:ignore reason="x"', 'a.tf')).message, /rule id/);
    assert.match(
      configError(() => parseInlineWaivers('# phiguard:ignore PHI-STG-004 reason="open', 'a.tf')).message,
      /unterminated/,
    );
    assert.match(
      configError(() => parseInlineWaivers('# phiguard:ignore PHI-STG-004 reason=x', 'a.tf', { require: ['ticket'] }))
        .message,
      /needs ticket/,
    );
  });

  it('waives findings on the line below or on the same line, through stacked comments and decorators, not further', () => {
    const waivers = set({ sources: { 'infra/main.tf': TF } });
    const attribute = finding();
    waivers.apply(attribute, resource());
    assert.equal(attribute.status, 'waived');
    assert.deepEqual(attribute.waiver, {
      reason: 'legacy lab client, no PHI',
      expires: '2026-12-31',
      ticket: 'SEC-123',
      source: 'inline',
      at: 'infra/main.tf:8',
      state: 'active',
    });
    // Another finding of the resource, located at the resource line: the attribute comment does not cover it.
    const other = finding({ location: { file: 'infra/main.tf', line: 3, column: 1 } });
    waivers.apply(other, resource());
    assert.equal(other.status, 'fail');
    // Another rule on the waived line is not covered.
    const otherRule = finding({ ruleId: 'PHI-STG-005' });
    waivers.apply(otherRule, resource());
    assert.equal(otherRule.status, 'fail');

    const bicep = [
      '// phiguard:ignore PHI-STG-005 reason="public website"',
      "@description('web assets')",
      "resource web 'Microsoft.Storage/storageAccounts@2023-05-01' = {",
      "  properties: { minimumTlsVersion: 'TLS1_0' } // phiguard:ignore PHI-STG-004 reason=trailing",
      '}',
    ].join('\n');
    const bicepSet = set({ sources: { 'web.bicep': bicep } });
    const at = { file: 'web.bicep', line: 3, column: 10 };
    const onResource = finding({ ruleId: 'PHI-STG-005', location: at });
    bicepSet.apply(onResource, resource({ file: 'web.bicep', at }));
    assert.equal(onResource.status, 'waived', 'comment above the decorator covers the resource');
    const trailing = finding({ location: { file: 'web.bicep', line: 4, column: 37 } });
    bicepSet.apply(trailing, resource({ file: 'web.bicep', at }));
    assert.equal(trailing.waiver?.reason, 'trailing');

    const gap = set({ sources: { 'g.tf': '# phiguard:ignore PHI-STG-004 reason=x\n\nresource "a" "b" {}\n' } });
    const below = finding({ location: { file: 'g.tf', line: 3, column: 1 } });
    gap.apply(below, resource({ file: 'g.tf', at: { file: 'g.tf', line: 3, column: 1 } }));
    assert.equal(below.status, 'fail', 'a blank line ends the comment block');
  });

  it('fails closed once the expiry day is over and says so in the message and the waiver', () => {
    assert.equal(isExpired('2026-06-01', NOW), false, 'valid through its last day');
    assert.equal(isExpired('2026-05-31', NOW), true);
    const notices: WaiverNotice[] = [];
    const waivers = set({
      sources: { 'infra/main.tf': TF.replace('expires=2026-12-31', 'expires=2026-01-31') },
    });
    const first = finding();
    const second = finding({ fingerprint: '1'.repeat(32) });
    waivers.apply(first, resource(), (n) => notices.push(n));
    waivers.apply(second, resource(), (n) => notices.push(n));
    assert.equal(first.status, 'fail');
    assert.equal(first.waiver?.state, 'expired');
    assert.match(first.message, /^TLS 1\.0 accepted \[waiver expired on 2026-01-31 \(infra\/main\.tf:8\)\]$/);
    assert.equal(notices.length, 1, 'one notice per waiver');
    assert.deepEqual({ file: notices[0].file, line: notices[0].line }, { file: 'infra/main.tf', line: 8 });

    const review = finding({ status: 'unknown' });
    waivers.apply(review, resource());
    assert.equal(review.status, 'unknown', 'an expired waiver leaves a review a review');
  });

  it('ignores and reports inline waivers the config forbids, by rule glob or by severity', () => {
    const config = parseConfig(
      'waivers:\n  inline:\n    forbid_rules: [PHI-NET-*]\n    forbid_severities: [critical]\n',
      '.phiguard.yaml',
    );
    const notices: WaiverNotice[] = [];
    const waivers = set({ config, sources: { 'infra/main.tf': TF } });
    const critical = finding({ severity: 'critical' });
    waivers.apply(critical, resource(), (n) => notices.push(n));
    assert.equal(critical.status, 'fail');
    assert.equal(critical.waiver?.state, 'forbidden');
    assert.match(critical.message, /inline waiver at infra\/main\.tf:8 ignored: waivers\.inline\.forbid_severities/);
    assert.match(notices[0].message, /ignored/);

    const net = set({
      config,
      sources: { 'n.tf': '# phiguard:ignore PHI-NET-001 reason=vendor\nresource "a" "b" {}' },
    });
    const open = finding({ ruleId: 'PHI-NET-001', severity: 'high', location: { file: 'n.tf', line: 2, column: 1 } });
    net.apply(open, resource({ file: 'n.tf', at: { file: 'n.tf', line: 2, column: 1 } }));
    assert.equal(open.waiver?.state, 'forbidden');
    assert.match(open.message, /forbid_rules covers PHI-NET-001/);

    // The waivers file is reviewed centrally, so the policy does not restrict it.
    const fileWaiver = parseWaiverFile('waivers:\n  - { rule: PHI-STG-004, reason: accepted by CISO }\n', 'w.yaml', {
      root: '.',
      ruleIds: RULE_IDS,
    });
    const central = finding({ severity: 'critical' });
    set({ config, waivers: fileWaiver, sources: { 'infra/main.tf': TF } }).apply(central, resource());
    assert.equal(central.status, 'waived');
    assert.equal(central.waiver?.source, 'file');
  });

  it('reports waivers that covered no finding', () => {
    const waivers = set();
    waivers.addSource('infra/main.tf', TF);
    waivers.addSource('infra/other.tf', '# phiguard:ignore PHI-STG-005 reason=x\nresource "a" "b" {}\n');
    waivers.apply(finding(), resource());
    assert.deepEqual(
      waivers.unused().map((n) => `${n.file}:${n.line}`),
      ['infra/other.tf:1'],
    );
  });
});

describe('ARM metadata waivers', () => {
  const template = (ignore: unknown) =>
    JSON.stringify(
      {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          {
            type: 'Microsoft.Storage/storageAccounts',
            apiVersion: '2025-06-01',
            name: 'phistore',
            location: 'eastus',
            metadata: { phiguard: { ignore } },
            properties: { minimumTlsVersion: 'TLS1_0' },
          },
        ],
      },
      null,
      2,
    );

  it('keeps the resource metadata and reads metadata.phiguard.ignore with its line', () => {
    const { resources } = parseArmTemplate({
      file: 'arm.json',
      text: template([{ id: 'PHI-STG-004', reason: 'legacy', expires: '2026-12-31', ticket: 'SEC-9' }]),
    });
    const waivers = armMetadataWaivers(resources[0], { ruleIds: RULE_IDS });
    assert.equal(waivers.length, 1);
    assert.deepEqual(
      { rules: waivers[0].rules, reason: waivers[0].reason, ticket: waivers[0].ticket, file: waivers[0].file },
      { rules: ['PHI-STG-004'], reason: 'legacy', ticket: 'SEC-9', file: 'arm.json' },
    );
    assert.equal(waivers[0].line, 13, 'the entry line, inside metadata');
    const tls = finding({ location: { file: 'arm.json', line: 20, column: 9 } });
    set().apply(tls, resources[0]);
    assert.equal(tls.status, 'waived');
    assert.equal(tls.waiver?.at, 'arm.json:13');
  });

  it('rejects a missing reason or a malformed date at the entry', () => {
    const { resources } = parseArmTemplate({ file: 'arm.json', text: template([{ id: 'PHI-STG-004' }]) });
    const error = configError(() => armMetadataWaivers(resources[0]));
    assert.match(error.message, /metadata\.phiguard\.ignore\.0 has no reason/);
    assert.equal(error.at?.line, 13);
    const dated = parseArmTemplate({
      file: 'arm.json',
      text: template([{ id: 'PHI-STG-004', reason: 'x', expires: '31/12/2026' }]),
    });
    assert.match(configError(() => armMetadataWaivers(dated.resources[0])).message, /expires must be a date/);
  });
});

describe('the waivers file', () => {
  const parse = (text: string) => parseWaiverFile(text, '.phiguard/waivers.yaml', { root: '.', ruleIds: RULE_IDS });

  it('matches by id, address, name globs, file, resource group and tags (all given must match)', () => {
    const waivers = parse(
      [
        'waivers:',
        '  - rule: PHI-STG-004',
        '    reason: dev web assets',
        '    resource_group: rg-web',
        '    tags: { env: dev }',
        '    file: "infra/**"',
        '  - rule: [PHI-STG-005]',
        '    reason: by address',
        '    address: module.web.azurerm_storage_account.this["a"]',
        '  - rule: PHI-NET-001',
        '    reason: by name glob',
        '    name: "nsg-legacy-*"',
      ].join('\n'),
    );
    const [byGroup, byAddress, byName] = waivers;
    assert.equal(byGroup.line, 2);
    assert.equal(byGroup.covers?.(finding(), resource()), true);
    assert.equal(byGroup.covers?.(finding(), resource({ tags: { env: 'prod' } })), false, 'tags must match');
    assert.equal(byGroup.covers?.(finding(), resource({ file: 'other/main.tf' })), false, 'file must match');
    assert.equal(
      byAddress.covers?.(finding(), resource({ address: 'module.web.azurerm_storage_account.this["a"]' })),
      true,
    );
    assert.equal(byAddress.covers?.(finding(), resource()), false);
    assert.equal(byName.covers?.(finding(), resource({ name: 'NSG-Legacy-DMZ' })), true);
  });

  it('requires a reason and a valid date, and rejects unknown keys and rules at their line', () => {
    const noReason = configError(() => parse('waivers:\n  - rule: PHI-STG-004\n    ticket: SEC-1\n'));
    assert.equal(noReason.at?.line, 2);
    assert.match(noReason.message, /reason is required/);
    const badDate = configError(() =>
      parse('waivers:\n  - rule: PHI-STG-004\n    reason: x\n    expires: 2026-13-01\n'),
    );
    assert.equal(badDate.at?.line, 4);
    assert.equal(configError(() => parse('waivers:\n  - rule: PHI-STG-004\n    reason: x\n    nmae: y\n')).at?.line, 4);
    assert.match(configError(() => parse('waivers:\n  - rule: PHI-XYZ-001\n    reason: x\n')).message, /unknown rule/);
    assert.match(configError(() => parse('waiver:\n  - rule: PHI-STG-004\n')).message, /unknown key "waiver"/);
  });

  it('applies iam.exceptions from the config as waivers pointing at the config line', () => {
    const config = parseConfig(
      'iam:\n  exceptions:\n    - { rule: PHI-IAM-001, subject: 11111111-2222-3333-4444-555555555555, reason: vendor sync, expires: 2026-12-31 }\n',
      '.phiguard.yaml',
    );
    const app = resource({
      type: 'microsoft.graph/application',
      name: 'sync',
      properties: { appId: '11111111-2222-3333-4444-555555555555' },
    });
    const grant = finding({ ruleId: 'PHI-IAM-001' });
    set({ config, waivers: configWaivers(config) }).apply(grant, app);
    assert.equal(grant.status, 'waived');
    assert.equal(grant.waiver?.at, '.phiguard.yaml:3');
    assert.equal(
      configError(() =>
        parseConfig(
          'iam:\n  exceptions:\n    - { rule: PHI-IAM-001, subject: a, reason: b, expires: tomorrow }\n',
          '.phiguard.yaml',
        ),
      ).at?.line,
      3,
    );
  });
});

describe('waivers policy in .phiguard.yaml', () => {
  it('parses inline.forbid_rules, inline.forbid_severities and require, and rejects unknown keys at their line', () => {
    const config = parseConfig(
      'waivers:\n  inline:\n    forbid_rules: [PHI-IAM-*]\n    forbid_severities: [critical, high]\n  require: [expires, ticket]\n',
      'c.yaml',
    );
    assert.deepEqual(config.waivers, {
      inline: { forbidRules: ['PHI-IAM-*'], forbidSeverities: ['critical', 'high'] },
      require: ['expires', 'ticket'],
    });
    assert.equal(configError(() => parseConfig('waivers:\n  inline:\n    forbid: [x]\n', 'c.yaml')).at?.line, 3);
    const severity = configError(() =>
      parseConfig('waivers:\n  inline:\n    forbid_severities:\n      - critical\n      - severe\n', 'c.yaml'),
    );
    assert.equal(severity.at?.line, 5);
    assert.equal(configError(() => parseConfig('waivers:\n  require: [owner]\n', 'c.yaml')).at?.line, 2);
  });
});

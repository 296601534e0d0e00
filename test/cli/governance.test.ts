// End-to-end waivers and baselines: the CLI as a user runs it, from the scanned directory, with a fixed clock.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(ROOT, 'docs/findings.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

function phiguard(cwd: string, args: string[], now = '2026-06-01'): Promise<CliResult> {
  return runCli(cwd, args, { PHIGUARD_NOW: now });
}

interface JsonFinding {
  ruleId: string;
  status: string;
  message: string;
  resource: { address: string };
  baselined?: boolean;
  waiver?: { reason: string; expires?: string; ticket?: string; source: string; at: string; state: string };
}
interface JsonReport {
  findings: JsonFinding[];
  summary: {
    exitCode: number;
    findings: Record<string, number>;
    waivers: { file: string | null; waived: number; expired: number };
    baseline: { entries: number; baselined: number; new: number; fixed: number } | null;
    problems: { kind: string; file: string; line?: number; message: string }[];
  };
}

async function json(
  cwd: string,
  args: string[],
  now?: string,
): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const { code, stdout, stderr } = await phiguard(cwd, ['scan', '.', '--format', 'json', ...args], now);
  const report = JSON.parse(stdout) as JsonReport;
  assert.ok(validate(report), JSON.stringify(validate.errors));
  return { code, report, stderr };
}

/** A non-PHI estate, so that each storage account with TLS 1.0 fails exactly one rule (PHI-STG-004, high). */
function storage(name: string, tls = 'TLS1_0', comment = ''): string {
  return [
    `resource "azurerm_storage_account" "${name}" {`,
    `  name                            = "st${name}"`,
    '  resource_group_name             = "rg-web"',
    '  location                        = "eastus"',
    '  account_tier                    = "Standard"',
    '  account_replication_type        = "GRS"',
    '  allow_nested_items_to_be_public = false',
    '  public_network_access_enabled   = false',
    ...(comment ? [`  ${comment}`] : []),
    `  min_tls_version                 = "${tls}"`,
    '  tags = { env = "dev" }',
    '}',
    '',
  ].join('\n');
}

function workspace(files: Record<string, string>, config = 'classification:\n  default: non-phi\n'): string {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-governance-'));
  for (const [name, content] of Object.entries({ '.phiguard.yaml': config, ...files })) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const WAIVER = '# phiguard:ignore PHI-STG-004 reason="lab client, no PHI" expires=2026-12-31 ticket=SEC-123';

describe('waivers', { concurrency: true }, () => {
  it('a valid inline waiver turns the only failure into a waived finding and exits 0', async () => {
    const dir = workspace({ 'main.tf': storage('web', 'TLS1_0', WAIVER) });
    const { code, report } = await json(dir, []);
    assert.equal(code, 0);
    assert.equal(report.findings.length, 1, 'waived, never dropped');
    assert.equal(report.findings[0].status, 'waived');
    assert.deepEqual(report.findings[0].waiver, {
      reason: 'lab client, no PHI',
      expires: '2026-12-31',
      ticket: 'SEC-123',
      source: 'inline',
      at: 'main.tf:9',
      state: 'active',
    });
    assert.equal(report.summary.findings.waived, 1);
    assert.equal(report.summary.findings.fail, 0);

    const table = await phiguard(dir, ['scan', '.']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^WAIVED \(1\)/m);
    assert.match(
      table.stdout,
      /lab client, no PHI \(expires 2026-12-31; ticket SEC-123; inline waiver at main\.tf:9\)/,
    );
  });

  it('an expired waiver brings the failure back with a note and exits 1', async () => {
    const dir = workspace({ 'main.tf': storage('web', 'TLS1_0', WAIVER) });
    const { code, report, stderr } = await json(dir, [], '2027-01-01');
    assert.equal(code, 1);
    const [finding] = report.findings;
    assert.equal(finding.status, 'fail');
    assert.equal(finding.waiver?.state, 'expired');
    assert.match(finding.message, /\[waiver expired on 2026-12-31 \(main\.tf:9\)\]$/);
    assert.equal(report.summary.waivers.expired, 1);
    assert.match(stderr, /main\.tf:9:3: warning: waiver for PHI-STG-004 expired on 2026-12-31/);
    // The last day still holds.
    assert.equal((await json(dir, [], '2026-12-31')).code, 0);
  });

  it('a waiver without a reason is a config error at its file:line:col (exit 2)', async () => {
    const dir = workspace({ 'main.tf': storage('web', 'TLS1_0', '# phiguard:ignore PHI-STG-004 ticket=SEC-1') });
    const { code, stderr } = await phiguard(dir, ['scan', '.', '--format', 'json']);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /^phiguard: main\.tf:9:3: inline waiver for PHI-STG-004 has no reason \(add reason="\.\.\."\)$/m,
    );
  });

  it('a malformed date in the waivers file is a config error at its line (exit 2)', async () => {
    const dir = workspace({
      'main.tf': storage('web'),
      '.phiguard/waivers.yaml': 'waivers:\n  - rule: PHI-STG-004\n    reason: lab\n    expires: 31.12.2026\n',
    });
    const { code, stderr } = await phiguard(dir, ['scan', '.']);
    assert.equal(code, 2);
    assert.match(stderr, /^phiguard: \.phiguard\/waivers\.yaml:4:14: waivers\.0\.expires must be a date YYYY-MM-DD/m);
  });

  it('ignores and reports an inline waiver the config forbids for the rule severity', async () => {
    const dir = workspace(
      { 'main.tf': storage('web', 'TLS1_0', WAIVER) },
      'classification:\n  default: non-phi\nwaivers:\n  inline:\n    forbid_severities: [critical, high]\n',
    );
    const { code, report, stderr } = await json(dir, []);
    assert.equal(code, 1);
    assert.equal(report.findings[0].status, 'fail');
    assert.equal(report.findings[0].waiver?.state, 'forbidden');
    assert.match(report.findings[0].message, /inline waiver at main\.tf:9 ignored: waivers\.inline\.forbid_severities/);
    assert.ok(report.summary.problems.some((p) => p.kind === 'warning' && /ignored/.test(p.message)));
    assert.match(stderr, /warning: inline waiver for PHI-STG-004 ignored/);
  });

  it('the waivers file waives by selector, ARM metadata waives its resource, and unused waivers are reported', async () => {
    const arm = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2025-06-01',
          name: 'starm',
          location: 'eastus',
          metadata: {
            phiguard: { ignore: [{ id: 'PHI-STG-004', reason: 'vendor appliance', expires: '2026-09-30' }] },
          },
          properties: { minimumTlsVersion: 'TLS1_0', allowBlobPublicAccess: false, publicNetworkAccess: 'Disabled' },
        },
      ],
    };
    const dir = workspace({
      'tf/main.tf': storage('web') + storage('api'),
      'arm/storage.json': JSON.stringify(arm, null, 2),
      '.phiguard/waivers.yaml': [
        'waivers:',
        '  - rule: PHI-STG-004',
        '    reason: public website assets',
        '    approver: ciso@contoso.example',
        '    address: azurerm_storage_account.web',
        '    file: "tf/*.tf"',
        '  - rule: PHI-STG-005',
        '    reason: nothing matches this',
        '    name: stnothing',
      ].join('\n'),
    });
    const { code, report } = await json(dir, []);
    assert.equal(code, 1, 'the api account still fails');
    const by = (address: string) => report.findings.find((f) => f.resource.address === address);
    assert.equal(by('azurerm_storage_account.web')?.status, 'waived');
    assert.equal(by('azurerm_storage_account.web')?.waiver?.at, '.phiguard/waivers.yaml:2');
    assert.equal(by('azurerm_storage_account.api')?.status, 'fail');
    assert.equal(by('resources[0]')?.status, 'waived');
    assert.equal(by('resources[0]')?.waiver?.source, 'inline');
    assert.equal(report.summary.waivers.file, '.phiguard/waivers.yaml');
    assert.ok(
      report.summary.problems.some(
        (p) => p.file === '.phiguard/waivers.yaml' && p.line === 7 && /matched no finding/.test(p.message),
      ),
    );
  });

  it('rejects an unreadable PHIGUARD_NOW rather than deciding expiry on a wrong clock', async () => {
    const dir = workspace({ 'main.tf': storage('web') });
    const { code, stderr } = await phiguard(dir, ['scan', '.'], 'next tuesday');
    assert.equal(code, 2);
    assert.match(stderr, /PHIGUARD_NOW is not a date/);
  });
});

describe('baselines', { concurrency: true }, () => {
  async function baselined(dir: string) {
    const created = await phiguard(dir, ['scan', '.', '--create-baseline', '.phiguard/baseline.json']);
    assert.equal(created.code, 1, '--create-baseline reports as usual');
    assert.match(created.stderr, /wrote \.phiguard\/baseline\.json \(2 findings\)/);
    return readFileSync(join(dir, '.phiguard/baseline.json'), 'utf8');
  }

  it('writes a sorted, stable baseline; the unchanged tree then exits 0', async () => {
    const dir = workspace({ 'main.tf': storage('web') + storage('api') });
    const text = await baselined(dir);
    const parsed = JSON.parse(text) as { findings: { ruleId: string; address: string; file: string }[] };
    assert.deepEqual(
      parsed.findings.map((e) => [e.ruleId, e.address, e.file]),
      [
        ['PHI-STG-004', 'azurerm_storage_account.api', 'main.tf'],
        ['PHI-STG-004', 'azurerm_storage_account.web', 'main.tf'],
      ],
    );
    assert.equal(await baselined(dir), text, 'same findings, same bytes');
    const { code, report } = await json(dir, ['--baseline', '.phiguard/baseline.json']);
    assert.equal(code, 0);
    assert.ok(report.findings.every((f) => f.baselined === true && f.status === 'fail'));
    assert.deepEqual(report.summary.baseline && { ...report.summary.baseline, newFailedBySeverity: undefined }, {
      file: '.phiguard/baseline.json',
      entries: 2,
      baselined: 2,
      new: 0,
      fixed: 0,
      newFailedBySeverity: undefined,
    });
    const table = await phiguard(dir, ['scan', '.', '--baseline', '.phiguard/baseline.json']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^BASELINED \(2\)/m);
    assert.match(table.stdout, /^Gate: 0 new failure\(s\) at or above high -> pass$/m);
  });

  it('a new failure exits 1 and is the only one reported as new', async () => {
    const dir = workspace({ 'main.tf': storage('web') + storage('api') });
    await baselined(dir);
    writeFileSync(join(dir, 'extra.tf'), storage('new'));
    const { code, report } = await json(dir, ['--baseline', '.phiguard/baseline.json']);
    assert.equal(code, 1);
    const fresh = report.findings.filter((f) => f.status === 'fail' && !f.baselined);
    assert.deepEqual(
      fresh.map((f) => [f.ruleId, f.resource.address]),
      [['PHI-STG-004', 'azurerm_storage_account.new']],
    );
    assert.equal(report.summary.baseline?.new, 1);
    const table = await phiguard(dir, ['scan', '.', '--baseline', '.phiguard/baseline.json']);
    assert.match(table.stdout, /^HIGH \(1\)$/m);
    assert.match(table.stdout, /stnew \(Microsoft\.Storage\/storageAccounts\)/);
    assert.doesNotMatch(table.stdout.split('BASELINED')[0], /stweb|stapi/, 'known failures are not listed as new');
  });

  it('keeps matching after a blank line above the resource; a changed value is new; fixed entries are counted', async () => {
    const dir = workspace({ 'main.tf': storage('web') + storage('api') });
    await baselined(dir);
    writeFileSync(join(dir, 'main.tf'), `\n\n${storage('web')}\n${storage('api')}`);
    const moved = await json(dir, ['--baseline', '.phiguard/baseline.json']);
    assert.equal(moved.code, 0);
    assert.equal(moved.report.summary.baseline?.baselined, 2);

    writeFileSync(join(dir, 'main.tf'), storage('web', 'TLS1_2') + storage('api', 'TLS1_1'));
    const changed = await json(dir, ['--baseline', '.phiguard/baseline.json']);
    assert.equal(changed.code, 1, 'TLS1_1 is a different value: a new finding');
    assert.deepEqual(
      changed.report.summary.baseline && [changed.report.summary.baseline.fixed, changed.report.summary.baseline.new],
      [2, 1],
    );

    writeFileSync(join(dir, 'main.tf'), storage('web', 'TLS1_2') + storage('api'));
    const fixed = await json(dir, ['--baseline', '.phiguard/baseline.json']);
    assert.equal(fixed.code, 0);
    assert.equal(fixed.report.summary.baseline?.fixed, 1);
    assert.match(
      (await phiguard(dir, ['scan', '.', '--baseline', '.phiguard/baseline.json'])).stdout,
      /^Baseline \.phiguard\/baseline\.json: 1 finding\(s\) still open, 1 of 2 entries fixed \(no longer found\), 0 new finding\(s\)$/m,
    );
  });

  it('a missing or malformed baseline is a config error (exit 2); an incomplete scan writes none', async () => {
    const dir = workspace({
      'main.tf': storage('web'),
      'bad.json': '{"format": "phiguard-baseline",\n  "findings": [}',
    });
    assert.equal((await phiguard(dir, ['scan', 'main.tf', '--baseline', 'missing.json'])).code, 2);
    const bad = await phiguard(dir, ['scan', 'main.tf', '--baseline', 'bad.json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^phiguard: bad\.json:2:16: malformed baseline/m);

    const broken = workspace({ 'main.tf': storage('web'), 'broken.tf': 'resource "x" {' });
    const incomplete = await phiguard(broken, ['scan', '.', '--create-baseline', 'b.json']);
    assert.equal(incomplete.code, 3);
    assert.match(incomplete.stderr, /baseline not written: the scan is incomplete/);
    assert.equal(existsSync(join(broken, 'b.json')), false);
  });
});

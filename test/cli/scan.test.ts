// End-to-end: the bundled CLI as a user runs it (`node bin/phiguard.js`), on the example estate and on bad input.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SarifLog } from '../../src/report/sarif.js';
import { parseCsv, parseXml, sarifValidator } from '../report/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const EXAMPLE = 'examples/contoso-health';

function phiguard(args: string[], cwd = ROOT) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/phiguard.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', PHIGUARD_CONFIG: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertNoStack(stderr: string) {
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?/, `stack trace printed:\n${stderr}`);
}

const STORAGE_TEMPLATE = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2025-06-01',
      name: 'phistore',
      location: 'eastus',
      properties: { minimumTlsVersion: 'TLS1_0', allowBlobPublicAccess: false },
    },
  ],
};

function workspace(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

type Json = {
  findings: {
    ruleId: string;
    status: string;
    location: { file: string; line: number } | null;
    resource: { id: string };
  }[];
  summary: { files: Record<string, number>; exitCode: number; emergencyMode: boolean; problems: unknown[] };
};

before(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});

describe('phiguard scan on the example estate', () => {
  it('exits 1 and reports STG and NET failures with file:line', () => {
    const { code, stdout, stderr } = phiguard(['scan', EXAMPLE]);
    assert.equal(code, 1, stderr);
    assert.match(stdout, /PHI-STG-\d{3}/);
    assert.match(stdout, /PHI-NET-\d{3}/);
    assert.match(stdout, /examples\/contoso-health\/arm\/[\w.-]+\.json:\d+:\d+/);
    assert.match(stdout, /45 CFR 164\.312/);
    assert.match(stdout, /^Summary: \d+ failed/m);
    assertNoStack(stderr);
  });

  it('writes JSON that matches the published schema, and the snapshot reports the same rules as the templates', () => {
    const { code, stdout } = phiguard(['scan', EXAMPLE, '--format', 'json']);
    assert.equal(code, 1);
    const output = JSON.parse(stdout) as Json;
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/findings.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    assert.ok(validate(output), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(output.summary.exitCode, 1);
    const failed = output.findings.filter((f) => f.status === 'fail');
    const fromTemplates = failed.filter((f) => f.location?.file.includes('/arm/'));
    // The Resource Graph export is the templates' estate as deployed; the Entra ID snapshot has no template twin.
    const fromSnapshot = failed.filter((f) => f.location?.file.includes('/snapshot/contoso-health-arg.json'));
    assert.ok(fromTemplates.length > 0 && fromSnapshot.length > 0);
    for (const finding of fromTemplates) assert.ok(finding.location && finding.location.line > 0);
    for (const finding of fromSnapshot) assert.match(finding.resource.id, /^\/subscriptions\/[0-9a-f-]{36}\//);
    const rules = (list: typeof failed) => [...new Set(list.map((f) => f.ruleId))].sort();
    assert.deepEqual(rules(fromSnapshot), rules(fromTemplates));
  });

  it('honours --fail-on and writes --output atomically', () => {
    const dir = workspace({});
    const out = join(dir, 'findings.json');
    const { code } = phiguard(['scan', EXAMPLE, '-f', 'json', '-o', out, '--fail-on', 'none']);
    assert.equal(code, 0);
    assert.ok((JSON.parse(readFileSync(out, 'utf8')) as Json).findings.length > 0);
  });
});

describe('phiguard scan report formats', () => {
  it('writes SARIF, JUnit, CSV, Markdown and HTML files beside streamed JSON, all from the same findings', () => {
    const dir = workspace({});
    const out = (name: string) => join(dir, name);
    const spec = `sarif:${out('r.sarif')},junit:${out('r.xml')},csv:${out('r.csv')},markdown:${out('r.md')},html:${out('r.html')},json:-`;
    const { code, stdout, stderr } = phiguard(['scan', EXAMPLE, '--format', spec]);
    assert.equal(code, 1, stderr);
    assert.deepEqual(
      readdirSync(dir).sort(),
      ['r.csv', 'r.html', 'r.md', 'r.sarif', 'r.xml'],
      'no temporary files left',
    );
    const findings = (JSON.parse(stdout) as Json).findings as (Json['findings'][number] & { fingerprint: string })[];
    const count = (status: string) => findings.filter((f) => f.status === status).length;

    const sarif = JSON.parse(readFileSync(out('r.sarif'), 'utf8')) as SarifLog;
    const validate = sarifValidator();
    assert.ok(validate(structuredClone(sarif)), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(sarif.runs.length, 1, 'snapshot findings have a file, so there is no live-only run');
    const [run] = sarif.runs;
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(`${ROOT.replace(/\/$/, '')}/`).href);
    const results = run.results;
    assert.deepEqual(
      results.map((r) => r.partialFingerprints['phiguard/v1']).sort(),
      findings
        .filter((f) => f.status !== 'pass')
        .map((f) => f.fingerprint)
        .sort(),
    );
    for (const r of results)
      assert.match(r.locations[0].physicalLocation?.artifactLocation.uri ?? '', /^examples\/contoso-health\//);

    const junit = parseXml(readFileSync(out('r.xml'), 'utf8'));
    assert.equal(Number(junit.attributes.tests), findings.length);
    assert.equal(Number(junit.attributes.failures), count('fail'));
    assert.equal(Number(junit.attributes.skipped), count('unknown') + count('waived'));

    const [header, ...rows] = parseCsv(readFileSync(out('r.csv'), 'utf8'));
    assert.equal(rows.length, findings.length);
    const fingerprint = header.indexOf('fingerprint');
    assert.deepEqual(
      rows.map((r) => r[fingerprint]),
      findings.map((f) => f.fingerprint),
    );

    assert.match(readFileSync(out('r.html'), 'utf8'), /^<!DOCTYPE html>/i);

    const markdown = readFileSync(out('r.md'), 'utf8');
    assert.ok(markdown.length <= 65_536);
    assert.match(
      markdown,
      new RegExp(`\\| \\*\\*Total\\*\\* \\| \\*\\*${count('fail')}\\*\\* \\| \\*\\*${count('unknown')}\\*\\*`),
    );
  });

  it('prints a single non-JSON format on stdout and honours --output for it', () => {
    const dir = workspace({ 'good.json': JSON.stringify(STORAGE_TEMPLATE, null, 2) });
    const markdown = phiguard(['scan', dir, '-f', 'markdown']);
    assert.equal(markdown.code, 1);
    assert.match(markdown.stdout, /^## phiguard: HIPAA Security Rule scan/);
    assert.match(markdown.stdout, /PHI-STG-004/);
    const csv = join(dir, 'out.csv');
    assert.equal(phiguard(['scan', join(dir, 'good.json'), '-f', 'csv', '-o', csv]).code, 1);
    assert.match(readFileSync(csv, 'utf8'), /^rule_id,status,severity,/);
    // Outside the repository (a temporary directory), SARIF points at the file with an absolute file: URI.
    const sarif = JSON.parse(
      phiguard(['scan', join(dir, 'good.json'), '-f', 'sarif', '--sarif-category', 'phiguard/nightly']).stdout,
    );
    assert.equal(sarif.runs[0].automationDetails.id, 'phiguard/nightly/');
    assert.equal(phiguard(['scan', dir, '-f', 'sarif', '--sarif-category', 'a b']).code, 2);
    assert.equal(
      sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      pathToFileURL(join(dir, 'good.json')).href,
    );
  });
});

describe('phiguard scan on bad input', () => {
  it('reports a malformed file in one line with its position, scans the rest and exits 3', () => {
    const dir = workspace({
      'good.json': JSON.stringify(STORAGE_TEMPLATE, null, 2),
      'broken.json':
        '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n  "resources": [ { "type": \n',
    });
    const { code, stdout, stderr } = phiguard(['scan', dir]);
    assert.equal(code, 3);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /^phiguard: .*broken\.json:\d+:\d+: /);
    assert.match(stdout, /PHI-STG-004/, 'the good template was still scanned');
    assertNoStack(stderr);
  });

  it('reports malformed Terraform and Bicep with file:line:col and still scans the rest (exit 3)', () => {
    const dir = workspace({
      'good.json': JSON.stringify(STORAGE_TEMPLATE, null, 2),
      'tf/main.tf': 'resource "azurerm_storage_account" "x" {\n  name = "a"\n  min_tls_version = \n}\n',
      'bicep/main.bicep':
        "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  name: 'x'\n  properties: {\n",
    });
    const { code, stdout, stderr } = phiguard(['scan', dir]);
    assert.equal(code, 3);
    assert.match(stderr, /main\.tf:\d+:\d+: /);
    assert.match(stderr, /main\.bicep:\d+:\d+: /);
    assert.match(stdout, /PHI-STG-004/);
    assertNoStack(stderr);
  });

  it('scans Terraform and Bicep sources at their own lines', () => {
    const dir = workspace({
      'tf/main.tf':
        'resource "azurerm_storage_account" "phi" {\n  name = "tfstore"\n  resource_group_name = "rg"\n  location = "eastus"\n  account_tier = "Standard"\n  account_replication_type = "GRS"\n  min_tls_version = "TLS1_0"\n}\n',
      'bicep/main.bicep':
        "resource sa 'Microsoft.Storage/storageAccounts@2025-06-01' = {\n  name: 'bicepstore'\n  location: 'eastus'\n  kind: 'StorageV2'\n  sku: { name: 'Standard_GRS' }\n  properties: {\n    minimumTlsVersion: 'TLS1_1'\n  }\n}\n",
    });
    const { code, stdout } = phiguard(['scan', dir, '-f', 'json']);
    assert.equal(code, 1);
    const tls = (JSON.parse(stdout) as Json).findings.filter((f) => f.ruleId === 'PHI-STG-004' && f.status === 'fail');
    const where = tls.map((f) => `${f.location?.file.split('/').slice(-2).join('/')}:${f.location?.line}`).sort();
    assert.deepEqual(where, ['bicep/main.bicep:7', 'tf/main.tf:7']);
  });

  it('exits 3 when nothing can be evaluated (empty directory)', () => {
    const { code, stderr } = phiguard(['scan', workspace({ 'notes.txt': 'hello' })]);
    assert.equal(code, 3);
    assert.match(stderr, /nothing was evaluated/);
  });

  it('exits 3 for an unreadable file, naming it', () => {
    const dir = workspace({ 'good.json': JSON.stringify(STORAGE_TEMPLATE) });
    symlinkSync(join(dir, 'missing-target.json'), join(dir, 'dangling.json'));
    const { code, stderr } = phiguard(['scan', dir]);
    assert.equal(code, 3);
    assert.match(stderr, /dangling\.json: cannot read file/);
    assertNoStack(stderr);
  });

  it('skips binary and unknown files inside a directory but rejects them when named', () => {
    const dir = workspace({
      'good.json': JSON.stringify(STORAGE_TEMPLATE),
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
      'notes.txt': 'not a template',
    });
    const scanned = phiguard(['scan', dir, '-f', 'json']);
    assert.equal(scanned.code, 1);
    const output = JSON.parse(scanned.stdout) as Json;
    assert.equal(output.summary.files.binary, 1);
    assert.equal(output.summary.files.unrecognized, 1);
    const binary = phiguard(['scan', join(dir, 'logo.png')]);
    assert.equal(binary.code, 2);
    assert.match(binary.stderr, /^phiguard: .*logo\.png: binary file/);
    const text = phiguard(['scan', join(dir, 'notes.txt')]);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /notes\.txt: not a recognised input/);
  });

  it('rejects a bad config with its line, and bad flags, with exit 2', () => {
    const dir = workspace({
      'good.json': JSON.stringify(STORAGE_TEMPLATE),
      '.phiguard.yaml': 'scan:\n  fail_on: hihg\n',
    });
    const config = phiguard(['scan', dir]);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /\.phiguard\.yaml:2:\d+: scan\.fail_on must be one of/);
    const clean = workspace({ 'good.json': JSON.stringify(STORAGE_TEMPLATE) });
    assert.equal(phiguard(['scan', clean, '--fail-on', 'severe']).code, 2);
    const pdf = phiguard(['scan', clean, '--format', 'pdf']);
    assert.equal(pdf.code, 2);
    assert.match(pdf.stderr, /unknown format "pdf" \(expected one of table, json, sarif, junit, csv, markdown, html\)/);
    const twice = phiguard(['scan', clean, '--format', 'sarif,markdown']);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /only one format can go to stdout/);
    assert.equal(phiguard(['scan', join(clean, 'nope')]).code, 2);
    assert.equal(phiguard(['frobnicate']).code, 2);
  });
});

describe('other commands', () => {
  it('prints the effective config, emergency mode included', () => {
    const { code, stdout } = phiguard(['scan', workspace({}), '--show-config']);
    assert.equal(code, 0);
    assert.match(stdout, /emergency mode/);
    assert.match(stdout, /min_days: 2191/);
  });

  it('finds the estate config from a scanned subfolder', () => {
    const { code, stdout } = phiguard(['scan', `${EXAMPLE}/arm`, '--show-config']);
    assert.equal(code, 0);
    assert.match(stdout, /^source: examples\/contoso-health\/\.phiguard\.yaml$/m);
    assert.match(stdout, /default: non-phi/);
  });

  it('lists and shows rules', () => {
    const list = phiguard(['rules', 'list', '--format', 'json']);
    assert.equal(list.code, 0);
    const rules = JSON.parse(list.stdout) as { id: string }[];
    assert.ok(rules.some((r) => r.id === 'PHI-STG-004') && rules.some((r) => r.id === 'PHI-NET-001'));
    const show = phiguard(['rules', 'show', 'phi-stg-004']);
    assert.equal(show.code, 0);
    assert.match(show.stdout, /^# PHI-STG-004: /);
    assert.match(show.stdout, /164\.312\(e\)\(1\)/);
    assert.equal(phiguard(['rules', 'show', 'PHI-XXX-999']).code, 2);
  });

  it('ends quietly when the reader closes the pipe early (phiguard ... | head)', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/phiguard.js'), 'rules', 'show', 'PHI-STG-004'], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assertNoStack(stderr);
    assert.doesNotMatch(stderr, /EPIPE/);
    assert.equal(code, 0);
  });

  it('prints the version alone', () => {
    const { code, stdout } = phiguard(['--version']);
    assert.equal(code, 0);
    assert.equal(stdout, `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });
});

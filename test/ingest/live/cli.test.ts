// `phiguard collect` and `phiguard scan --live` as a user runs them: a child process with DefaultAzureCredential
// reading AZURE_* variables, endpoints on the loopback Azure, its certificate trusted through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type LoopbackAzure, startLoopbackAzure, startSilentServer } from '../../helpers/loopback-azure.js';
import { payloadEstate, SUB_A, SUB_B } from '../../helpers/loopback-estate.js';

const ROOT = resolve(import.meta.dirname, '../../..');
let az: LoopbackAzure;
let dir: string;

before(async () => {
  az = await startLoopbackAzure(payloadEstate().estate);
  dir = mkdtempSync(join(tmpdir(), 'phiguard-live-cli-'));
});
after(async () => {
  await az.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Environment without the caller's Azure settings, so a developer's az login or variables never leak in. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AZURE_|PHIGUARD_|IDENTITY_|MSI_|IMDS_)/.test(key)) env[key] = value;
  }
  // No `az`, `azd` or `pwsh` on PATH: those credentials report unavailable instead of using a real login.
  return { ...env, PATH: '/nonexistent', HOME: dir, AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9', ...extra };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/cli-entry.ts'), ...args], {
      cwd: ROOT,
      env: { ...env, PHIGUARD_TEST_CWD: dir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

function oneLine(stderr: string): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /^phiguard: /);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('phiguard collect (CLI)', () => {
  it('collects with environment credentials and scan reads the snapshot', async () => {
    az.faults.length = 0;
    const out = join(dir, 'estate.ndjson.gz');
    const collected = await run(['collect', '--subscription', `${SUB_A},${SUB_B}`, '--out', out], cleanEnv(az.env()));
    assert.equal(collected.code, 0, collected.stderr);
    assert.match(collected.stderr, /wrote .*estate\.ndjson\.gz \(\d+ records from 2 subscriptions/);
    const header = JSON.parse(gunzipSync(readFileSync(out)).toString('utf8').split('\n')[0]).phiguard;
    assert.equal(header.tool.name, 'phiguard');
    assert.equal(header.complete, true);

    const scanned = await run(['scan', out, '--format', 'json', '--no-store', '-q'], cleanEnv({}));
    assert.equal(scanned.code, 1, scanned.stderr);
    const report = JSON.parse(scanned.stdout) as { findings: { ruleId: string; status: string }[] };
    assert.ok(report.findings.some((f) => f.ruleId === 'PHI-STG-003' && f.status === 'fail'));
  });

  it('scan --live collects and scans in one run; a denied source makes it exit 3 with the reason', async () => {
    az.faults.length = 0;
    az.faults.push({ match: /^GET \/v1\.0\/oauth2PermissionGrants$/, status: 403 });
    const result = await run(
      ['scan', '--live', '--subscription', SUB_A, '--format', 'json', '--no-store'],
      cleanEnv(az.env()),
    );
    az.faults.length = 0;
    assert.equal(result.code, 3, result.stderr);
    const report = JSON.parse(result.stdout) as { findings: { ruleId: string; status: string }[] };
    assert.ok(report.findings.some((f) => f.ruleId === 'PHI-STG-003' && f.status === 'fail'));
    assert.match(result.stderr, /collection incomplete for tenant\/.*oauth2PermissionGrants.*Directory\.Read\.All/);
  });

  it('without credentials exits 3 with one line saying what to do', async () => {
    const out = join(dir, 'none.ndjson');
    const result = await run(
      ['collect', '--all-subscriptions', '--out', out],
      cleanEnv({ PHIGUARD_ARM_ENDPOINT: az.url, AZURE_AUTHORITY_HOST: az.url, NODE_EXTRA_CA_CERTS: az.caFile }),
    );
    assert.equal(result.code, 3, result.stderr);
    oneLine(result.stderr);
    assert.match(result.stderr, /no Azure credentials found: run `az login`, or set AZURE_TENANT_ID/);
    assert.equal(existsSync(out), false);
  });

  it('with an unreachable endpoint exits 3 with one line', async () => {
    const silent = await startSilentServer();
    try {
      const refused = await run(
        ['collect', '--all-subscriptions', '--out', join(dir, 'x.ndjson')],
        cleanEnv({ ...az.env(), PHIGUARD_ARM_ENDPOINT: 'https://127.0.0.1:9' }),
      );
      assert.equal(refused.code, 3, refused.stderr);
      oneLine(refused.stderr);
      assert.match(refused.stderr, /cannot reach Azure Resource Manager at https:\/\/127\.0\.0\.1:9 .*check --cloud/);

      const authority = await run(
        ['collect', '--all-subscriptions', '--out', join(dir, 'y.ndjson')],
        cleanEnv({ ...az.env(), AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9' }),
      );
      assert.equal(authority.code, 3, authority.stderr);
      oneLine(authority.stderr);
    } finally {
      await silent.close();
    }
  });

  it('rejects bad flags with exit 2 and one line', async () => {
    const env = cleanEnv(az.env());
    for (const args of [
      ['collect', '--out', join(dir, 'a.ndjson')],
      ['collect', '--subscription', 'not-a-guid', '--out', join(dir, 'a.ndjson')],
      ['collect', '--all-subscriptions', '--management-group', 'mg', '--out', join(dir, 'a.ndjson')],
      ['collect', '--all-subscriptions', '--out', join(dir, 'a.txt')],
      ['collect', '--all-subscriptions', '--cloud', 'Mars', '--out', join(dir, 'a.ndjson')],
      ['scan', '--subscription', SUB_A],
    ]) {
      const result = await run(args, env);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });
});

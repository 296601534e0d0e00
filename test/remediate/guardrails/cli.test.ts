import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type CliResult, runCli } from '../../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'phiguard-guardrails-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]): Promise<CliResult> {
  return runCli(work, args);
}

const SUB = '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90';

describe('phiguard guardrails (CLI)', () => {
  it('policy writes the chosen format atomically to -o and reads .phiguard.yaml of the current directory', async () => {
    writeFileSync(join(work, '.phiguard.yaml'), 'retention:\n  audit_logs:\n    min_days: 2556\n');
    const result = await run([
      'guardrails',
      'policy',
      '--scope',
      SUB,
      '--effect',
      'deny',
      '-f',
      'bicep',
      '-o',
      'policy.bicep',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    const text = readFileSync(join(work, 'policy.bicep'), 'utf8');
    assert.match(text, /^targetScope = 'subscription'$/m);
    assert.match(text, /minTotalRetentionInDays: \{\n\s+value: 2556/);
    assert.match(result.stderr, /assigned at \/subscriptions\/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90 with effect deny/);
    assert.deepEqual(
      readdirSync(work).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
    rmSync(join(work, '.phiguard.yaml'));
  });

  it('usage and config mistakes are one line and exit 2', async () => {
    for (const args of [
      ['guardrails', 'policy', '--scope', 'rg-phi'],
      ['guardrails', 'policy', '--scope', SUB, '--format', 'yaml'],
      ['guardrails', 'conditional-access', '--format', 'arm'],
      ['guardrails', 'sentinel', '--config', 'missing.yaml'],
    ]) {
      const result = await run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], /^phiguard: /);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    const missing = await run(['guardrails', 'policy']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--scope/);
  });

  it('conditional-access prints Graph JSON on stdout and its notes on stderr (-q silences them)', async () => {
    const result = await run(['guardrails', 'conditional-access', '--state', 'enabled']);
    assert.equal(result.code, 0, result.stderr);
    const policies = JSON.parse(result.stdout) as { state: string }[];
    assert.ok(policies.length >= 3 && policies.every((p) => p.state === 'enabled'));
    assert.match(result.stderr, /target all cloud apps/);
    const quiet = await run(['guardrails', 'conditional-access', '-q', '--no-block-legacy-auth']);
    assert.equal(quiet.stderr, '');
    assert.equal((JSON.parse(quiet.stdout) as unknown[]).length, 2);
  });

  it('sentinel names the workspace in the template', async () => {
    const result = await run(['guardrails', 'sentinel', '--workspace', 'law-phi-audit', '-f', 'arm']);
    assert.equal(result.code, 0, result.stderr);
    const template = JSON.parse(result.stdout) as { parameters: { workspaceName: { defaultValue: string } } };
    assert.equal(template.parameters.workspaceName.defaultValue, 'law-phi-audit');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { applyEdits, EditBuffer, mergeEdits } from '../../src/remediate/edits.js';

const TEMPLATE = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "tls": { "type": "string", "defaultValue": "TLS1_0" }
  },
  "resources": [
    {
      "type": "Microsoft.Storage/storageAccounts",
      "apiVersion": "2023-01-01",
      "name": "acct1",
      "location": "eastus",
      "properties": { "minimumTlsVersion": "[parameters('tls')]" }
    }
  ]
}
`;

const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The CLI in a child process: the test reporter owns this process's stdout. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: child.status ?? -1, out: child.stdout, err: child.stderr };
}

describe('edits', () => {
  it('composes successive edits into edits of the original text', () => {
    const buffer = new EditBuffer('f', '0123456789');
    buffer.replace(2, 4, 'XY', ['a']);
    buffer.replace(0, 0, 'pre', ['b']);
    buffer.replace(6, 7, '', ['c']);
    assert.equal(buffer.text, 'pre01X456789');
    assert.equal(applyEdits('0123456789', buffer.edits()), buffer.text);
    assert.equal(buffer.toCurrent(5), 7);
    assert.equal(buffer.toCurrent(3), undefined);
  });

  it('collapses identical edits and rejects overlapping ones', () => {
    const edit = (start: number, end: number, text: string, id: string) => ({
      file: 'f',
      start,
      end,
      text,
      fingerprints: [id],
    });
    const merged = mergeEdits([edit(1, 3, 'x', 'a'), edit(1, 3, 'x', 'b'), edit(2, 4, 'y', 'c')]);
    assert.equal(merged.edits.length, 1);
    assert.deepEqual(merged.edits[0].fingerprints, ['a', 'b']);
    assert.equal(merged.conflicts.length, 1);
    assert.deepEqual(merged.conflicts[0].rejected.fingerprints, ['c']);
  });
});

describe('phiguard fix', () => {
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-fix-cli-'));
    writeFileSync(join(dir, 'main.json'), TEMPLATE);
    writeFileSync(join(dir, '.phiguard.yaml'), 'classification:\n  default: phi\n');
    return dir;
  };

  it('dry run prints a diff at the parameter default and writes nothing', async () => {
    const dir = setup();
    try {
      const { code, out } = await run(['fix', dir, '--rule', 'PHI-STG-004']);
      assert.equal(code, 1);
      assert.match(out, /- {4}"tls": \{ "type": "string", "defaultValue": "TLS1_0" \}/);
      assert.match(out, /\+ {4}"tls": \{ "type": "string", "defaultValue": "TLS1_2" \}/);
      assert.match(
        out,
        /would fix\s+PHI-STG-004 acct1 .*: properties\.minimumTlsVersion now passes in a rescan of the changed copy/,
      );
      assert.equal(readFileSync(join(dir, 'main.json'), 'utf8'), TEMPLATE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--apply writes, rescans and reports fixed (exit 0)', async () => {
    const dir = setup();
    try {
      const { code, out } = await run(['fix', dir, '--rule', 'PHI-STG-004', '--apply', '-q']);
      assert.match(out, /fixed\s+PHI-STG-004 acct1/);
      assert.equal(code, 0);
      assert.equal(readFileSync(join(dir, 'main.json'), 'utf8'), TEMPLATE.replace('TLS1_0', 'TLS1_2'));
      const again = await run(['fix', dir, '--rule', 'PHI-STG-004']);
      assert.equal(again.code, 0);
      assert.match(again.out, /nothing to fix/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad flags are one-line usage errors (exit 2)', async () => {
    for (const args of [
      ['fix', '--rule', 'PHI-NOPE-001'],
      ['fix', '--format', 'xml'],
      ['fix', '--az', '--apply'],
    ]) {
      const { code, err } = await run(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(err.trim().split('\n').length, 1, err);
      assert.match(err, /^phiguard: /);
    }
  });
});

describe('fix pipeline: steps on a related resource', () => {
  it("writes a step naming another resource (a diagnostic setting that falls short) at that resource's source", async () => {
    const { parseConfig } = await import('../../src/core/config.js');
    const { planFix, verifyFix, writeFiles } = await import('../../src/remediate/fix.js');
    const { RULES } = await import('../../src/rules/catalog/index.js');
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2023-05-01',
          name: 'stphi',
          location: 'eastus',
          sku: { name: 'Standard_GRS' },
          kind: 'StorageV2',
          properties: { minimumTlsVersion: 'TLS1_2' },
        },
      ],
    };
    const setting = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Insights/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          scope: 'Microsoft.Storage/storageAccounts/stphi/blobServices/default',
          name: 'blob-audit',
          properties: {
            workspaceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law',
            logs: [{ category: 'StorageWrite', enabled: true }],
          },
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-fix-related-'));
    try {
      const account = `${JSON.stringify(template, null, 2)}\n`;
      writeFileSync(join(dir, 'account.json'), account);
      writeFileSync(join(dir, 'diagnostics.json'), `${JSON.stringify(setting, null, 2)}\n`);
      const config = parseConfig('classification:\n  default: phi\n', join(dir, '.phiguard.yaml'));
      const options = { paths: [dir], config, rules: RULES, ruleIds: ['PHI-LOG-004'] };
      const plan = await planFix(options);
      assert.deepEqual(
        plan.changes.map((c) => c.file),
        [join(dir, 'diagnostics.json')],
        'the setting is completed where it is declared; the account is not touched',
      );
      await writeFiles(plan.changes);
      assert.equal(readFileSync(join(dir, 'account.json'), 'utf8'), account);
      const logs = JSON.parse(readFileSync(join(dir, 'diagnostics.json'), 'utf8')).resources[0].properties.logs;
      assert.deepEqual(logs.map((l: { category: string }) => l.category).sort(), [
        'StorageDelete',
        'StorageRead',
        'StorageWrite',
      ]);
      const { results } = await verifyFix(plan, options);
      assert.deepEqual(
        results.map((r) => r.verdict),
        ['fixed'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// A PHI storage account without a blobServices resource: soft delete (PHI-BAK-002) and versioning (PHI-BAK-003)
// both fail on the account and both fixes need the one blobServices/default child.
const TEMPLATE = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [
    {
      type: 'Microsoft.Storage/storageAccounts',
      apiVersion: '2023-01-01',
      name: 'stphiclaims',
      location: 'eastus',
      kind: 'StorageV2',
      sku: { name: 'Standard_GRS' },
      properties: { minimumTlsVersion: 'TLS1_2' },
    },
  ],
};

function fix(dir: string): { code: number; out: string } {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'fix', dir, '--apply', '--rule', 'PHI-BAK-002', 'PHI-BAK-003'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { code: child.status ?? -1, out: `${child.stdout}${child.stderr}` };
}

describe('fix: one singleton child for several findings', () => {
  it('writes blobServices/default once with both settings, and the rescan follows the rule to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-singleton-'));
    writeFileSync(join(dir, 'main.json'), `${JSON.stringify(TEMPLATE, null, 2)}\n`);
    const { code, out } = fix(dir);
    const template = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8')) as typeof TEMPLATE;
    const services = template.resources.filter((r) => r.type === 'Microsoft.Storage/storageAccounts/blobServices');
    assert.equal(services.length, 1, out);
    const properties = services[0].properties as Record<string, unknown>;
    assert.equal((properties.deleteRetentionPolicy as { enabled: boolean }).enabled, true);
    assert.equal(properties.isVersioningEnabled, true);
    assert.match(out, /^fixed\s+PHI-BAK-002 stphiclaims/m);
    assert.match(out, /^fixed\s+PHI-BAK-003 stphiclaims/m);
    assert.equal(code, 0, out);
  });
});

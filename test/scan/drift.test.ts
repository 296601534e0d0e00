import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { deploymentIdentity } from '../../src/scan/drift.js';
import { runScan } from '../../src/scan/run.js';

const RULE = 'PHI-STG-004'; // minimum TLS version of a storage account
const DEPLOYED_ID = (group: string, name: string) =>
  `/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/${name}`;

function template(name: string, tls: string): string {
  return JSON.stringify(
    {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: [
        {
          type: 'Microsoft.Storage/storageAccounts',
          apiVersion: '2025-06-01',
          name,
          location: 'eastus',
          sku: { name: 'Standard_GRS' },
          kind: 'StorageV2',
          properties: { minimumTlsVersion: tls },
        },
      ],
    },
    null,
    2,
  );
}

/** A Resource Graph export (`az graph query` shape) of storage accounts. */
function snapshot(accounts: { group: string; name: string; tls: string }[]): string {
  return JSON.stringify(
    {
      totalRecords: accounts.length,
      count: accounts.length,
      data: accounts.map(({ group, name, tls }) => ({
        id: DEPLOYED_ID(group, name),
        name,
        type: 'microsoft.storage/storageaccounts',
        location: 'eastus',
        resourceGroup: group,
        subscriptionId: '3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90',
        kind: 'StorageV2',
        sku: { name: 'Standard_GRS' },
        properties: { minimumTlsVersion: tls, supportsHttpsTrafficOnly: true },
      })),
    },
    null,
    2,
  );
}

async function scan(files: Record<string, string>, includePassed = false): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-drift-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const findings: Finding[] = [];
  const config = { ...defaultConfig(), source: 'test' };
  await runScan({ paths: [dir], config, rules: RULES, includePassed, onFinding: (f) => findings.push(f) });
  return findings.filter((f) => f.ruleId === RULE);
}

describe('drift between code and deployed state', () => {
  it('says a fix made in code is not deployed yet', async () => {
    const findings = await scan({
      'main.json': template('stphi', 'TLS1_2'),
      'live.json': snapshot([{ group: 'rg-phi', name: 'stphi', tls: 'TLS1_0' }]),
    });
    assert.equal(findings.length, 1, 'passes are not reported without --include-passed');
    const [deployed] = findings;
    assert.equal(deployed.status, 'fail');
    assert.equal(deployed.drift?.state, 'fixed-in-code');
    assert.match(deployed.drift?.counterpart.file ?? '', /main\.json$/);
    assert.match(deployed.message, /fixed in code at .*main\.json:\d+, not yet deployed/);
  });

  it('says a hand-made change will regress on the next deployment', async () => {
    const findings = await scan({
      'main.json': template('stphi', 'TLS1_0'),
      'live.json': snapshot([{ group: 'rg-phi', name: 'stphi', tls: 'TLS1_2' }]),
    });
    assert.equal(findings.length, 1);
    const [code] = findings;
    assert.match(code.location?.file ?? '', /main\.json$/);
    assert.equal(code.drift?.state, 'changed-by-hand');
    assert.equal(code.drift?.counterpart.address, DEPLOYED_ID('rg-phi', 'stphi'));
    assert.match(code.message, /changed by hand, will regress on next deploy/);
  });

  it('links nothing when both sides agree, and keeps both failures', async () => {
    const findings = await scan({
      'main.json': template('stphi', 'TLS1_0'),
      'live.json': snapshot([{ group: 'rg-phi', name: 'stphi', tls: 'TLS1_1' }]),
    });
    assert.equal(findings.length, 2);
    assert.ok(findings.every((f) => f.drift === undefined));
  });

  it('does not guess between deployed resources of the same name in two groups', async () => {
    const findings = await scan({
      'main.json': template('stphi', 'TLS1_2'),
      'live.json': snapshot([
        { group: 'rg-a', name: 'stphi', tls: 'TLS1_0' },
        { group: 'rg-b', name: 'stphi', tls: 'TLS1_0' },
      ]),
    });
    assert.equal(findings.length, 2);
    assert.ok(findings.every((f) => f.drift === undefined));
  });

  it('keeps passes when they were asked for', async () => {
    const findings = await scan(
      {
        'main.json': template('stphi', 'TLS1_2'),
        'live.json': snapshot([{ group: 'rg-phi', name: 'stphi', tls: 'TLS1_0' }]),
      },
      true,
    );
    assert.deepEqual(findings.map((f) => f.status).sort(), ['fail', 'pass']);
  });

  it('matches a template without a resource group to the deployed one by provider path', () => {
    const code = deploymentIdentity({
      id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/phiguard-scan-rg/providers/Microsoft.Storage/storageAccounts/stPHI',
    });
    const live = deploymentIdentity({ id: DEPLOYED_ID('rg-phi', 'stphi') });
    assert.equal(code?.chain, live?.chain);
    assert.equal(code?.group, undefined);
    assert.equal(live?.group, 'rg-phi');
    const setting = deploymentIdentity({
      id: `${DEPLOYED_ID('rg-phi', 'stphi')}/providers/Microsoft.Insights/diagnosticSettings/audit`,
    });
    assert.equal(setting?.chain, 'microsoft.storage/storageaccounts/stphi|microsoft.insights/diagnosticsettings/audit');
  });
});

// The Bicep writer through the real pipeline pieces: scan files in a temp dir, plan fixes, apply the writer's edits,
// then check the changed bytes, that the files still parse, and that a rescan shows the rule passing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseBicep, Source } from '../../src/ingest/bicep/index.js';
import { bicepWriter } from '../../src/remediate/bicep.js';
import type { FixStep } from '../../src/rules/define.js';
import { assertOnlyEdited, planFixes, scanFor, tempFolders, writeFixes } from '../helpers/remediate-harness.js';

const folder = tempFolders('phiguard-bicep-fix-');

/** Scans, plans `ruleId`'s failing findings (the rule's own fix, or `steps`), writes, and returns what changed. */
async function fix(dir: string, ruleId: string, steps: FixStep[] | 'rule' = 'rule') {
  const before = await scanFor(dir, ruleId);
  const failing = before.subjects.filter((s) => s.finding.status === 'fail');
  assert.ok(failing.length > 0, `${ruleId} should fail before the fix`);
  return writeFixes(bicepWriter, planFixes(before, failing, steps), before);
}

async function rescan(dir: string, ruleId: string, address: string): Promise<string[]> {
  const after = await scanFor(dir, ruleId);
  assert.equal(after.stats.resources > 0, true);
  const statuses = after.subjects.filter((s) => s.finding.resource.address === address).map((s) => s.finding.status);
  return statuses.length === 0 ? ['pass'] : statuses;
}

function parsesAsBicep(file: string, text: string): void {
  parseBicep(new Source(file, text), file.endsWith('.bicepparam') ? 'bicepparam' : 'bicep');
}

const ACCOUNT = (properties: string, params = '') => `${params}// PHI document store
resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'phidocs'
  location: 'eastus'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_GRS'
  }
${properties}}
`;

describe('bicep writer: values at their origin', () => {
  it('replaces a property in the resource body, keeping comments and other bytes', async () => {
    const dir = folder({
      'main.bicep': ACCOUNT(
        "  properties: {\n    minimumTlsVersion: 'TLS1_0' // legacy clients\n    supportsHttpsTrafficOnly: true\n  }\n",
      ),
    });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsBicep);
    assert.match(readFileSync(join(dir, 'main.bicep'), 'utf8'), /minimumTlsVersion: 'TLS1_2' \/\/ legacy clients\n/);
    assert.deepEqual(await rescan(dir, 'PHI-STG-004', 'sa'), ['pass']);
  });

  it('edits the param default and flags a parameter another resource reads', async () => {
    const main = `${ACCOUNT('  properties: {\n    minimumTlsVersion: tls\n  }\n', "param tls string = 'TLS1_1'\n\n")}
resource logs 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'philogs'
  location: 'eastus'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_GRS'
  }
  properties: {
    minimumTlsVersion: tls
  }
}
`;
    const dir = folder({ 'main.bicep': main });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsBicep);
    const text = readFileSync(join(dir, 'main.bicep'), 'utf8');
    assert.equal(text, main.replace("param tls string = 'TLS1_1'", "param tls string = 'TLS1_2'"));
    const shared = result.notes.filter((n) => n.kind === 'shared-value');
    assert.ok(shared.length > 0);
    assert.match(shared[0].message, /parameter tls \(parameter default\) is also used by (logs|sa)/);
    assert.deepEqual(await rescan(dir, 'PHI-STG-004', 'sa'), ['pass']);
    assert.deepEqual(await rescan(dir, 'PHI-STG-004', 'logs'), ['pass']);
  });

  it('edits the .bicepparam line that supplied the value', async () => {
    const params = "using 'main.bicep'\n\n// production\nparam tls = 'TLS1_0'\n";
    const dir = folder({
      'main.bicep': ACCOUNT('  properties: {\n    minimumTlsVersion: tls\n  }\n', 'param tls string\n\n'),
      'main.bicepparam': params,
    });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsBicep);
    assert.equal(readFileSync(join(dir, 'main.bicepparam'), 'utf8'), params.replace("'TLS1_0'", "'TLS1_2'"));
    assert.deepEqual(await rescan(dir, 'PHI-STG-004', 'sa'), ['pass']);
  });
});

describe('bicep writer: absent values are inserted', () => {
  it('creates properties and nested objects in the body style', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT('') });
    const { result, originals } = await fix(dir, 'PHI-STG-005', [
      { kind: 'set', path: 'properties.networkAcls.defaultAction', value: 'Deny' },
      { kind: 'set', path: 'properties.publicNetworkAccess', value: 'Disabled' },
    ]);
    assertOnlyEdited(result, originals, parsesAsBicep);
    const text = readFileSync(join(dir, 'main.bicep'), 'utf8');
    assert.match(
      text,
      /\n {2}properties: \{\n {4}networkAcls: \{\n {6}defaultAction: 'Deny'\n {4}\}\n {4}publicNetworkAccess: 'Disabled'\n {2}\}\n\}\n$/,
    );
    assert.deepEqual(await rescan(dir, 'PHI-STG-005', 'sa'), ['pass']);
  });

  it('opens a one-line object', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT('  properties: { supportsHttpsTrafficOnly: true }\n') });
    await fix(dir, 'PHI-STG-005', [{ kind: 'set', path: 'properties.publicNetworkAccess', value: 'Disabled' }]);
    assert.match(
      readFileSync(join(dir, 'main.bicep'), 'utf8'),
      /properties: \{\n {4}supportsHttpsTrafficOnly: true\n {4}publicNetworkAccess: 'Disabled'\n {2}\}/,
    );
  });
});

describe('bicep writer: removals', () => {
  const NSG = (rules: string) => `resource nsg 'Microsoft.Network/networkSecurityGroups@2023-11-01' = {
  name: 'nsg'
  location: 'eastus'
  properties: {
    securityRules: [
${rules}    ]
  }
}
`;
  const SSH = `      {
        name: 'ssh'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourcePortRange: '*'
          destinationPortRange: '22'
          sourceAddressPrefix: '*'
          destinationAddressPrefix: '*'
        }
      }
`;
  it('removes a list element', async () => {
    const dir = folder({ 'main.bicep': NSG(SSH) });
    await fix(dir, 'PHI-NET-002', [{ kind: 'remove', path: 'properties.securityRules.0' }]);
    assert.equal(readFileSync(join(dir, 'main.bicep'), 'utf8'), NSG(''));
  });

  it('deletes a separate resource with its lines', async () => {
    const server = `resource sql 'Microsoft.Sql/servers@2023-05-01-preview' = {
  name: 'phi-sql'
  location: 'eastus'
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}
`;
    const rule = `resource all 'Microsoft.Sql/servers/firewallRules@2023-05-01-preview' = {
  parent: sql
  name: 'all'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '255.255.255.255'
  }
}
`;
    const dir = folder({ 'main.bicep': `${server}\n${rule}` });
    await fix(dir, 'PHI-NET-004', [{ kind: 'delete-resource', note: 'allow-all' }]);
    assert.equal(readFileSync(join(dir, 'main.bicep'), 'utf8'), `${server}\n`);
  });
});

describe('bicep writer: new resources', () => {
  it('appends a private endpoint referencing the subject by symbol, with a parameter for the subnet', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT("  properties: {\n    publicNetworkAccess: 'Enabled'\n  }\n") });
    const { result, originals } = await fix(dir, 'PHI-STG-005', [
      {
        kind: 'create',
        resource: 'private-endpoint',
        settings: { groupId: 'blob', privateDnsZone: 'privatelink.blob.core.windows.net' },
        inputs: [{ name: 'subnetId', why: 'the subnet the endpoint gets its address in' }],
      },
    ]);
    assertOnlyEdited(result, originals, parsesAsBicep);
    const text = readFileSync(join(dir, 'main.bicep'), 'utf8');
    assert.match(
      text,
      /@description\('the subnet the endpoint gets its address in'\)\nparam phiguard_input_subnetId string\n/,
    );
    assert.match(text, /privateLinkServiceId: sa\.id/);
    assert.deepEqual(
      result.notes.filter((n) => n.kind === 'needs-input').map((n) => n.message.split(' ')[0]),
      ['phiguard_input_subnetId'],
    );
    const after = await scanFor(dir, 'PHI-STG-005');
    const endpoint = after.resources.find((r) => r.type === 'Microsoft.Network/privateEndpoints');
    assert.ok(endpoint, 'the rescan sees the endpoint');
    const properties = JSON.stringify(endpoint.properties);
    assert.ok(properties.includes('/providers/Microsoft.Storage/storageAccounts/phidocs'), properties);
  });

  it('appends a diagnostic setting scoped to the subject', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT("  properties: {\n    minimumTlsVersion: 'TLS1_0'\n  }\n") });
    await fix(dir, 'PHI-STG-004', [
      {
        kind: 'create',
        resource: 'diagnostic-setting',
        settings: { name: 'audit', logs: [{ categoryGroup: 'audit' }], target: 'blobServices/default' },
        inputs: [{ name: 'workspaceId', why: 'the audit workspace' }],
      },
    ]);
    const after = await scanFor(dir, 'PHI-STG-004');
    const setting = after.resources.find((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    assert.ok(setting, 'the rescan sees the diagnostic setting');
    assert.match(setting.scope ?? '', /storageAccounts\/phidocs\/blobServices\/default$/i);
  });
});

describe('bicep writer: customer-managed keys, subscription scope, loops', () => {
  it('creates a key set and wires the account to it, overriding a parameter passed value with a note', async () => {
    const dir = folder({
      'main.bicep': ACCOUNT(
        "  identity: identity\n  properties: {\n    encryption: {\n      keySource: 'Microsoft.Storage'\n      services: {\n        blob: {\n          enabled: true\n        }\n      }\n    }\n  }\n",
        "param identity object = { type: 'SystemAssigned' }\n\n",
      ),
    });
    const { result, originals } = await fix(dir, 'PHI-STG-007');
    assertOnlyEdited(result, originals, parsesAsBicep);
    const text = readFileSync(join(dir, 'main.bicep'), 'utf8');
    assert.match(
      text,
      /resource phiguardsaCmkVault 'Microsoft\.KeyVault\/vaults@[^']+' = \{\n {2}name: 'kvcmk\$\{uniqueString\(sa\.id\)\}'/,
    );
    assert.match(text, /enablePurgeProtection: true/);
    assert.match(
      text,
      /keyvaultproperties: \{\n\s+keyname: phiguardsaCmkKey\.name\n\s+keyvaulturi: phiguardsaCmkVault\.properties\.vaultUri/,
    );
    assert.match(text, /type: 'SystemAssigned,UserAssigned'/);
    assert.match(text, /blob: \{\n\s+enabled: true/, 'the services already configured are kept');
    assert.ok(result.notes.some((n) => n.kind === 'shared-value' && /parameter default/.test(n.message)));
    assert.deepEqual(await rescan(dir, 'PHI-STG-007', 'sa'), ['pass']);
    const keys = await scanFor(dir, 'PHI-KV-004');
    const key = keys.resources.find((r) => r.type === 'Microsoft.KeyVault/vaults/keys');
    assert.ok(key, 'the rescan sees the key');
    assert.deepEqual(
      keys.subjects
        .filter((s) => s.resource.id === key.id && s.finding.status !== 'pass')
        .map((s) => s.finding.message),
      [],
      'the new key already rotates (PHI-KV-004)',
    );
  });

  it('writes one key set for a module declaration that serves several instances', async () => {
    const module = ACCOUNT("  properties: {\n    minimumTlsVersion: 'TLS1_2'\n  }\n", 'param name string\n\n').replace(
      "name: 'phidocs'",
      'name: name',
    );
    const main =
      "module a 'account.bicep' = {\n  name: 'a'\n  params: { name: 'stphia' }\n}\n\nmodule b 'account.bicep' = {\n  name: 'b'\n  params: { name: 'stphib' }\n}\n";
    const dir = folder({ 'account.bicep': module, 'main.bicep': main });
    await fix(dir, 'PHI-STG-007');
    const text = readFileSync(join(dir, 'account.bicep'), 'utf8');
    assert.equal(text.match(/resource phiguardsaCmkVault /g)?.length, 1, text);
    const after = await scanFor(dir, 'PHI-STG-007');
    assert.deepEqual(
      after.subjects.filter((s) => s.finding.status === 'fail').map((s) => s.finding.resource.name),
      [],
    );
    const vaults = after.resources.filter((r) => r.type === 'Microsoft.KeyVault/vaults').map((r) => r.name);
    assert.equal(new Set(vaults).size, 2, `one vault per instance: ${vaults.join(', ')}`);
  });

  it('writes a Defender plan into phiguard-remediation.subscription.bicep, which the rescan sees at the subscription', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT("  properties: {\n    minimumTlsVersion: 'TLS1_0'\n  }\n") });
    const { result } = await fix(dir, 'PHI-STG-004', [
      {
        kind: 'create',
        resource: 'defender-plan',
        settings: { pricingName: 'StorageAccounts', subPlan: 'DefenderForStorageV2' },
      },
    ]);
    assert.deepEqual(
      result.newFiles.map((f) => f.file),
      [join(dir, 'phiguard-remediation.subscription.bicep')],
    );
    const text = readFileSync(join(dir, 'phiguard-remediation.subscription.bicep'), 'utf8');
    assert.match(
      text,
      /^\/\/ Added by phiguard fix[^\n]*\n\/\/ az deployment sub create [^\n]*\ntargetScope = 'subscription'\n/,
    );
    assert.ok(result.notes.some((n) => /az deployment sub create/.test(n.message)));
    const after = await scanFor(dir, 'PHI-STG-004');
    const plan = after.resources.find((r) => r.type === 'Microsoft.Security/pricings');
    assert.ok(plan, 'the rescan sees the plan');
    assert.match(plan.id, /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Security\/pricings\/StorageAccounts$/);
    assert.equal(JSON.stringify(plan.properties), '{"pricingTier":"Standard","subPlan":"DefenderForStorageV2"}');
  });

  it('writes the activity-log setting into the subscription file with its workspace input', async () => {
    const dir = folder({ 'main.bicep': ACCOUNT("  properties: {\n    minimumTlsVersion: 'TLS1_0'\n  }\n") });
    const { result } = await fix(dir, 'PHI-STG-004', [
      {
        kind: 'create',
        resource: 'diagnostic-setting',
        settings: { name: 'activity-to-law', target: 'subscription', logs: [{ category: 'Administrative' }] },
        inputs: [{ name: 'workspaceId', why: 'the audit workspace' }],
      },
    ]);
    assert.equal(readFileSync(join(dir, 'main.bicep'), 'utf8').includes('activity-to-law'), false);
    const text = readFileSync(join(dir, 'phiguard-remediation.subscription.bicep'), 'utf8');
    assert.match(
      text,
      /targetScope = 'subscription'\n\n@description\('the audit workspace'\)\nparam phiguard_input_workspaceId string\n/,
    );
    assert.ok(result.notes.some((n) => n.kind === 'needs-input' && n.message.startsWith('phiguard_input_workspaceId')));
    const after = await scanFor(dir, 'PHI-STG-004');
    const setting = after.resources.find((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    assert.ok(setting, 'the rescan sees the setting');
    assert.match(
      setting.id,
      /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Insights\/diagnosticSettings\/activity-to-law$/,
    );
  });

  it('deletes one instance of a loop by removing its element from the loop input', async () => {
    const text = `param rules array = [
  { name: 'azure', start: '0.0.0.0', end: '0.0.0.0' }
  { name: 'hq', start: '203.0.113.1', end: '203.0.113.1' }
]

resource sql 'Microsoft.Sql/servers@2023-05-01-preview' = {
  name: 'phi-sql'
  location: 'eastus'
}

resource fw 'Microsoft.Sql/servers/firewallRules@2023-05-01-preview' = [
  for rule in rules: {
    parent: sql
    name: rule.name
    properties: {
      startIpAddress: rule.start
      endIpAddress: rule.end
    }
  }
]
`;
    const dir = folder({ 'main.bicep': text });
    const { result, originals } = await fix(dir, 'PHI-NET-005');
    assertOnlyEdited(result, originals, parsesAsBicep);
    assert.equal(
      readFileSync(join(dir, 'main.bicep'), 'utf8'),
      text.replace("  { name: 'azure', start: '0.0.0.0', end: '0.0.0.0' }\n", ''),
    );
    const after = await scanFor(dir, 'PHI-NET-005');
    assert.deepEqual(
      after.subjects.filter((s) => s.finding.status === 'fail'),
      [],
    );
  });
});

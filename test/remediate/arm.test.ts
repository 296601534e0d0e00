// The ARM writer through the real pipeline pieces: scan a template in a temp dir, plan fixes (the rule's own `fix` or
// hand-made steps), apply the writer's edits, then check that only the edited spans changed, that the template still
// parses, and (where a rule decides) that the rescan shows the rule passing for the subject.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ParseError, parse } from 'jsonc-parser';
import type { Finding } from '../../src/core/types.js';
import { armWriter } from '../../src/remediate/arm.js';
import { INPUT_PREFIX } from '../../src/remediate/types.js';
import type { FixStep } from '../../src/rules/define.js';
import { assertOnlyEdited, planFixes, scanFor, tempFolders, writeFixes } from '../helpers/remediate-harness.js';

const folder = tempFolders('phiguard-arm-fix-');

/**
 * Plans `steps` (or the rule's own fix) for the failing subjects of `ruleId`, or, with `only`, for the resources of
 * that type whatever their verdict; writes the edits and returns them with the original texts.
 */
async function fix(dir: string, ruleId: string, steps: FixStep[] | 'rule' = 'rule', only?: string) {
  const before = await scanFor(dir, ruleId);
  const targets = only
    ? before.resources
        .filter((r) => r.type.toLowerCase() === only.toLowerCase())
        .map((resource) => ({ resource, finding: { fingerprint: resource.address, ruleId } as Finding }))
    : before.subjects.filter((s) => s.finding.status === 'fail');
  assert.ok(targets.length > 0, `${ruleId}: something to fix`);
  return writeFixes(armWriter, planFixes(before, targets, steps), before);
}

/** Every edited file still parses as strict JSON. */
function parsesAsJson(file: string, text: string): void {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false });
  assert.deepEqual(errors, [], `${file} still parses`);
}

/** The rule's statuses for one resource name after the fix; passes are not reported, so none means pass. */
async function statusOf(dir: string, ruleId: string, name: string): Promise<string[]> {
  const { subjects } = await scanFor(dir, ruleId);
  const statuses = subjects.filter((s) => s.finding.resource.name === name).map((s) => s.finding.status);
  return statuses.length === 0 ? ['pass'] : statuses;
}

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A template with the given parameters and resources, serialized with `indent` (2 spaces, 4 spaces, a tab). */
function template(resources: unknown[], parameters: Record<string, unknown> = {}, indent: string | number = 2): string {
  return `${JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', parameters, resources }, null, indent)}\n`;
}

function account(name: string, properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    type: 'Microsoft.Storage/storageAccounts',
    apiVersion: '2023-05-01',
    name,
    location: 'eastus',
    sku: { name: 'Standard_GRS' },
    kind: 'StorageV2',
    properties,
    ...extra,
  };
}

describe('arm writer: values at their origin', () => {
  it('replaces a value written in the resource, and nothing else', async () => {
    const dir = folder({ 'main.json': template([account('stphi', { minimumTlsVersion: 'TLS1_0' })]) });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsJson);
    assert.equal(result.edits.length, 1);
    assert.equal(result.edits[0].text, '"TLS1_2"');
    assert.deepEqual(await statusOf(dir, 'PHI-STG-004', 'stphi'), ['pass']);
  });

  it("edits a parameter's defaultValue, not the resource", async () => {
    const main = template([account('stphi', { minimumTlsVersion: "[parameters('tls')]" })], {
      tls: { type: 'string', defaultValue: 'TLS1_0' },
    });
    const dir = folder({ 'main.json': main });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsJson);
    const after = readFileSync(join(dir, 'main.json'), 'utf8');
    assert.equal(after, main.replace('"defaultValue": "TLS1_0"', '"defaultValue": "TLS1_2"'));
    assert.deepEqual(await statusOf(dir, 'PHI-STG-004', 'stphi'), ['pass']);
  });

  it('edits the value in the sibling .parameters.json, leaving the template alone', async () => {
    const main = template([account('stphi', { minimumTlsVersion: "[parameters('tls')]" })], {
      tls: { type: 'string', defaultValue: 'TLS1_2' },
    });
    const parameters = `{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    "tls": { "value": "TLS1_1" }\n  }\n}\n`;
    const dir = folder({ 'main.json': main, 'main.parameters.json': parameters });
    const { result, originals } = await fix(dir, 'PHI-STG-004');
    assertOnlyEdited(result, originals, parsesAsJson);
    assert.equal(readFileSync(join(dir, 'main.json'), 'utf8'), main);
    assert.equal(readFileSync(join(dir, 'main.parameters.json'), 'utf8'), parameters.replace('"TLS1_1"', '"TLS1_2"'));
    assert.deepEqual(await statusOf(dir, 'PHI-STG-004', 'stphi'), ['pass']);
  });

  it('gives a bare [parameters(x)] with no default and no parameter file a defaultValue', async () => {
    const main = template([account('stphi', { minimumTlsVersion: "[parameters('tls')]" })], {
      tls: { type: 'string' },
    });
    const dir = folder({ 'main.json': main });
    const { result, originals } = await fix(
      dir,
      'PHI-STG-004',
      [{ kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' }],
      'Microsoft.Storage/storageAccounts',
    );
    assertOnlyEdited(result, originals, parsesAsJson);
    const parsed = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8'));
    assert.deepEqual(parsed.parameters.tls, { type: 'string', defaultValue: 'TLS1_2' });
    assert.equal(parsed.resources[0].properties.minimumTlsVersion, "[parameters('tls')]");
    assert.deepEqual(await statusOf(dir, 'PHI-STG-004', 'stphi'), ['pass']);
  });

  it('flags a parameter that other resources also read', async () => {
    const main = template(
      [
        account('stphi', { minimumTlsVersion: "[parameters('tls')]" }),
        account('stlogs', { minimumTlsVersion: "[parameters('tls')]" }),
      ],
      { tls: { type: 'string', defaultValue: 'TLS1_0' } },
    );
    const dir = folder({ 'main.json': main });
    const { result } = await fix(
      dir,
      'PHI-STG-004',
      [{ kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' }],
      'Microsoft.Storage/storageAccounts',
    );
    const shared = result.notes.filter((n) => n.kind === 'shared-value');
    assert.ok(
      shared.some((n) => /also sets stlogs/.test(n.message)),
      JSON.stringify(result.notes),
    );
    assert.ok(
      shared.some((n) => /also sets stphi/.test(n.message)),
      JSON.stringify(result.notes),
    );
  });
});

describe('arm writer: absent properties are inserted in the file style', () => {
  for (const [label, indent] of [
    ['2 spaces', 2],
    ['4 spaces', 4],
    ['tabs', '\t'],
  ] as const) {
    it(`inserts under properties, and creates missing parents, in a ${label} file`, async () => {
      const main = template([account('stphi', { accessTier: 'Hot' })], {}, indent);
      const dir = folder({ 'main.json': main });
      const { result, originals } = await fix(
        dir,
        'PHI-STG-004',
        [
          { kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' },
          { kind: 'set', path: 'properties.encryption.requireInfrastructureEncryption', value: true },
        ],
        'Microsoft.Storage/storageAccounts',
      );
      assertOnlyEdited(result, originals, parsesAsJson);
      const unit = typeof indent === 'number' ? ' '.repeat(indent) : indent;
      const after = readFileSync(join(dir, 'main.json'), 'utf8');
      const inner = unit.repeat(4);
      assert.ok(after.includes(`\n${inner}"minimumTlsVersion": "TLS1_2"`), after);
      assert.ok(
        after.includes(`\n${inner}"encryption": {\n${inner}${unit}"requireInfrastructureEncryption": true\n${inner}}`),
        after,
      );
      assert.deepEqual(JSON.parse(after).resources[0].properties, {
        accessTier: 'Hot',
        minimumTlsVersion: 'TLS1_2',
        encryption: { requireInfrastructureEncryption: true },
      });
    });
  }
});

describe('arm writer: removals and deletions', () => {
  it('removes an array element with its comma', async () => {
    const nsg = {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2023-11-01',
      name: 'nsg-phi',
      location: 'eastus',
      properties: {
        securityRules: [
          { name: 'a', properties: { priority: 100 } },
          { name: 'b', properties: { priority: 200 } },
          { name: 'c', properties: { priority: 300 } },
        ],
      },
    };
    const dir = folder({ 'main.json': template([nsg]) });
    const { result, originals } = await fix(
      dir,
      'PHI-NET-001',
      [{ kind: 'remove', path: 'properties.securityRules.1' }],
      'Microsoft.Network/networkSecurityGroups',
    );
    assertOnlyEdited(result, originals, parsesAsJson);
    const rules = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8')).resources[0].properties.securityRules;
    assert.deepEqual(
      rules.map((r: { name: string }) => r.name),
      ['a', 'c'],
    );
  });

  it('removes a property', async () => {
    const dir = folder({
      'main.json': template([account('stphi', { minimumTlsVersion: 'TLS1_0', accessTier: 'Hot' })]),
    });
    const { result, originals } = await fix(
      dir,
      'PHI-STG-004',
      [{ kind: 'remove', path: 'properties.minimumTlsVersion' }],
      'Microsoft.Storage/storageAccounts',
    );
    assertOnlyEdited(result, originals, parsesAsJson);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8')).resources[0].properties, {
      accessTier: 'Hot',
    });
  });

  it('deletes a resource between others, and the dependsOn entries that name it', async () => {
    const server = {
      type: 'Microsoft.Sql/servers',
      apiVersion: '2023-08-01',
      name: 'sql-phi',
      location: 'eastus',
      properties: { administratorLogin: 'x', minimalTlsVersion: '1.2', publicNetworkAccess: 'Enabled' },
    };
    const rule = (name: string, start: string, end: string) => ({
      type: 'Microsoft.Sql/servers/firewallRules',
      apiVersion: '2023-08-01',
      name: `sql-phi/${name}`,
      properties: { startIpAddress: start, endIpAddress: end },
      dependsOn: ["[resourceId('Microsoft.Sql/servers', 'sql-phi')]"],
    });
    const database = {
      type: 'Microsoft.Sql/servers/databases',
      apiVersion: '2023-08-01',
      name: 'sql-phi/db',
      location: 'eastus',
      dependsOn: [
        "[resourceId('Microsoft.Sql/servers', 'sql-phi')]",
        "[resourceId('Microsoft.Sql/servers/firewallRules', 'sql-phi', 'allow-azure')]",
      ],
    };
    const dir = folder({
      'main.json': template([
        server,
        rule('allow-azure', '0.0.0.0', '0.0.0.0'),
        rule('hq', '203.0.113.1', '203.0.113.1'),
        database,
      ]),
    });
    const { result, originals } = await fix(dir, 'PHI-NET-005');
    assertOnlyEdited(result, originals, parsesAsJson);
    const parsed = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8'));
    assert.deepEqual(
      parsed.resources.map((r: { name: string }) => r.name),
      ['sql-phi', 'sql-phi/hq', 'sql-phi/db'],
    );
    assert.deepEqual(parsed.resources[2].dependsOn, ["[resourceId('Microsoft.Sql/servers', 'sql-phi')]"]);
    assert.deepEqual(await statusOf(dir, 'PHI-NET-005', 'sql-phi/allow-azure'), ['pass']);
  });
});

describe('arm writer: new resources', () => {
  it('declares a phiguard_input_ parameter without default for a human choice and references it', async () => {
    const main = template([account('stphi', { minimumTlsVersion: 'TLS1_2' })]);
    const dir = folder({ 'main.json': main });
    const { result, originals } = await fix(
      dir,
      'PHI-STG-006',
      [
        {
          kind: 'create',
          resource: 'private-endpoint',
          settings: { groupId: 'blob', privateDnsZone: 'privatelink.blob.core.windows.net' },
          inputs: [{ name: 'subnetId', why: 'which subnet' }],
        },
      ],
      'Microsoft.Storage/storageAccounts',
    );
    assertOnlyEdited(result, originals, parsesAsJson);
    const parsed = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8'));
    assert.deepEqual(parsed.parameters[`${INPUT_PREFIX}subnetId`], {
      type: 'string',
      metadata: { description: 'which subnet' },
    });
    const endpoint = parsed.resources.find((r: { type: string }) => r.type === 'Microsoft.Network/privateEndpoints');
    assert.equal(endpoint.properties.subnet.id, `[parameters('${INPUT_PREFIX}subnetId')]`);
    assert.equal(
      endpoint.properties.privateLinkServiceConnections[0].properties.privateLinkServiceId,
      "[resourceId('Microsoft.Storage/storageAccounts', 'stphi')]",
    );
    assert.ok(result.notes.some((n) => n.kind === 'needs-input' && n.message.startsWith(`${INPUT_PREFIX}subnetId`)));
  });

  it('wires a customer-managed key into a SQL server (identity, primary identity, keyId) so PHI-NET-010 passes', async () => {
    const server = {
      type: 'Microsoft.Sql/servers',
      apiVersion: '2023-08-01',
      name: 'sql-phi',
      location: 'eastus',
      properties: { administratorLogin: 'x', minimalTlsVersion: '1.2' },
    };
    const dir = folder({ 'main.json': template([server]) });
    const { result, originals } = await fix(dir, 'PHI-NET-010');
    assertOnlyEdited(result, originals, parsesAsJson);
    const parsed = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8'));
    const sql = parsed.resources[0];
    assert.equal(sql.identity.type, 'UserAssigned');
    assert.match(sql.properties.primaryUserAssignedIdentityId, /userAssignedIdentities/);
    assert.match(sql.properties.keyId, /keyUriWithVersion/);
    assert.ok(parsed.resources.some((r: { type: string }) => r.type === 'Microsoft.KeyVault/vaults/keys'));
    assert.deepEqual(await statusOf(dir, 'PHI-NET-010', 'sql-phi'), ['pass']);
  });

  it('puts the activity-log diagnostic setting in a subscription-scope nested deployment', async () => {
    const dir = folder({ 'main.json': template([account('stphi', { minimumTlsVersion: 'TLS1_2' })]) });
    const { result, originals } = await fix(
      dir,
      'PHI-LOG-007',
      [
        {
          kind: 'create',
          resource: 'diagnostic-setting',
          settings: { name: 'activity', target: 'subscription', logs: [{ category: 'Administrative' }] },
          inputs: [{ name: 'workspaceId', why: 'which workspace' }],
        },
      ],
      'Microsoft.Storage/storageAccounts',
    );
    assertOnlyEdited(result, originals, parsesAsJson);
    const parsed = JSON.parse(readFileSync(join(dir, 'main.json'), 'utf8'));
    const deployment = parsed.resources.find((r: { type: string }) => r.type === 'Microsoft.Resources/deployments');
    assert.equal(deployment.subscriptionId, '[subscription().subscriptionId]');
    assert.match(deployment.properties.template.$schema, /subscriptionDeploymentTemplate/);
    const [setting] = deployment.properties.template.resources;
    assert.equal(setting.type, 'Microsoft.Insights/diagnosticSettings');
    assert.equal(setting.scope, undefined);
    const { resources } = await scanFor(dir, 'PHI-LOG-007');
    const seen = resources.find((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    assert.match(
      seen?.id ?? '',
      /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Insights\/diagnosticSettings\/activity$/i,
    );
  });
});

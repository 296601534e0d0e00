import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { lookup } from '../../../src/core/path.js';
import { Unresolved } from '../../../src/core/types.js';
import { loadBicep, loadBicepParams, parseBicepTemplate } from '../../../src/ingest/bicep/index.js';
import { bicep, bicepParams, lineOf } from './helpers.js';

const TEMPLATE = `
param tls string = 'TLS1_2'
param action string
param prefixes array = []
@secure()
param adminPassword string
@secure()
param settings object = {
  key: 'default-secret-value'
}
param buildAgent string = 'unset'

resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'phistore'
  tags: {
    agent: buildAgent
  }
  properties: {
    minimumTlsVersion: tls
    networkAcls: {
      defaultAction: action
      ipRules: [for p in prefixes: { value: p, action: 'Allow' }]
    }
    secret: adminPassword
    key: settings.key
  }
}
`;

const PARAMS = `using './main.bicep'

var base = 'TLS1'
param tls = '\${base}_0'
param action = 'Allow'
param prefixes = [
  '203.0.113.0/24'
  '198.51.100.7'
]
param adminPassword = 'P@ssw0rd-never-printed'
param settings = {
  key: 'bicepparam-secret-value'
}
param buildAgent = readEnvironmentVariable('AGENT_NAME', 'local')
`;

describe('.bicepparam files', () => {
  const { resources, diagnostics } = bicepParams(PARAMS, { 'main.bicep': TEMPLATE });
  const [account] = resources;

  it('applies the values to the template named by using', () => {
    assert.deepEqual(diagnostics, []);
    const properties = account.properties as Record<string, unknown>;
    assert.equal(properties.minimumTlsVersion, 'TLS1_0');
    assert.deepEqual(properties.networkAcls, {
      defaultAction: 'Allow',
      ipRules: [
        { value: '203.0.113.0/24', action: 'Allow' },
        { value: '198.51.100.7', action: 'Allow' },
      ],
    });
  });

  it('points values at their line in the .bicepparam file, via "parameter file"', () => {
    const at = (path: string) => account.locations?.get(path);
    assert.deepEqual(
      { file: at('properties.minimumtlsversion')?.file, line: at('properties.minimumtlsversion')?.line },
      {
        file: 'main.bicepparam',
        line: lineOf(PARAMS, 'param tls = '),
      },
    );
    assert.equal(account.via?.get('properties.minimumtlsversion'), 'parameter file');
    assert.equal(at('properties.networkacls.defaultaction')?.line, lineOf(PARAMS, 'param action'));
    // Each loop item keeps the line of the array element it came from.
    assert.equal(at('properties.networkacls.iprules.1.value')?.line, lineOf(PARAMS, "'198.51.100.7'"));
    assert.equal(at('properties.networkacls.iprules.1.value')?.file, 'main.bicepparam');
  });

  it('never reads environment variables', () => {
    const agent = lookup(account, 'tags.agent');
    assert.equal(agent.kind, 'unresolved');
    assert.equal(agent.kind === 'unresolved' && agent.expression, "readEnvironmentVariable('AGENT_NAME', 'local')");
    assert.equal(agent.at?.file, 'main.bicepparam');
  });

  it('never puts secure values into the model, from the parameter file or a default', () => {
    const properties = account.properties as Record<string, unknown>;
    assert.ok(properties.secret instanceof Unresolved);
    assert.equal((properties.secret as Unresolved).expression, 'adminPassword (secure)');
    assert.ok(properties.key instanceof Unresolved);
    const serialized = JSON.stringify(resources);
    for (const secret of ['P@ssw0rd-never-printed', 'bicepparam-secret-value', 'default-secret-value']) {
      assert.ok(!serialized.includes(secret), `${secret} leaked`);
    }
    const withDefaults = JSON.stringify(bicep(TEMPLATE, { values: { action: 'Deny' } }).resources);
    assert.ok(!withDefaults.includes('default-secret-value'));
  });

  it('treats getSecret() as a secure unknown value', () => {
    const text =
      "using './main.bicep'\nparam action = 'Deny'\nparam buildAgent = az.getSecret('sub', 'rg', 'kv', 'agent')\n";
    const [sa] = bicepParams(text, { 'main.bicep': TEMPLATE }).resources;
    const agent = lookup(sa, 'tags.agent');
    assert.equal(agent.kind === 'unresolved' && agent.expression, "az.getSecret('sub', 'rg', 'kv', 'agent') (secure)");
  });

  it('applies a base file named by extends, the extending file winning', () => {
    const base = "using none\nparam tls = 'TLS1_1'\nparam action = 'Deny'\n";
    const text = "using './main.bicep'\nextends './base.bicepparam'\nparam action = 'Allow'\n";
    const [sa] = bicepParams(text, { 'main.bicep': TEMPLATE, 'base.bicepparam': base }).resources;
    const properties = sa.properties as { minimumTlsVersion: string; networkAcls: { defaultAction: string } };
    assert.equal(properties.minimumTlsVersion, 'TLS1_1');
    assert.equal(properties.networkAcls.defaultAction, 'Allow');
    assert.equal(sa.locations?.get('properties.minimumtlsversion')?.file, 'base.bicepparam');
  });

  it('warns about values for undeclared parameters, at their line', () => {
    const text = "using './main.bicep'\nparam action = 'Deny'\nparam tlss = 'TLS1_2'\n";
    const { diagnostics: found } = bicepParams(text, { 'main.bicep': TEMPLATE });
    assert.deepEqual(
      found.map((d) => [d.kind, d.file, d.line, d.message]),
      [['warning', 'main.bicepparam', 3, "value given for parameter 'tlss', which main.bicep does not declare"]],
    );
  });

  it('reports using none, a registry template and a missing template', () => {
    const none = bicepParams('using none\nparam x = 1\n', {});
    assert.deepEqual(none.resources, []);
    assert.deepEqual(
      none.diagnostics.map((d) => [d.kind, d.line]),
      [['not-scanned', 1]],
    );
    const registry = bicepParams("using 'br/public:avm/res/storage/storage-account:0.9.0'\n", {});
    assert.deepEqual(
      registry.diagnostics.map((d) => d.kind),
      ['not-scanned'],
    );
    const missing = bicepParams("using './gone.bicep'\n", {});
    assert.deepEqual(
      missing.diagnostics.map((d) => [d.kind, d.line, d.column]),
      [['read-error', 1, 7]],
    );
  });
});

describe('ARM parameter files for Bicep templates', () => {
  it('applies values with their positions in the parameter file, and Key Vault references unresolved', () => {
    const parametersText = JSON.stringify(
      {
        parameters: {
          tls: { value: 'TLS1_1' },
          action: { value: 'Deny' },
          adminPassword: { reference: { keyVault: { id: '/subscriptions/x/vaults/kv' }, secretName: 'admin' } },
          buildAgent: { reference: { keyVault: { id: '/subscriptions/x/vaults/kv' }, secretName: 'agent' } },
        },
      },
      null,
      2,
    );
    const { resources } = parseBicepTemplate({
      file: 'main.bicep',
      text: TEMPLATE,
      parameters: { file: 'main.parameters.json', text: parametersText },
    });
    const [account] = resources;
    assert.equal((account.properties as Record<string, unknown>).minimumTlsVersion, 'TLS1_1');
    assert.equal(account.locations?.get('properties.minimumtlsversion')?.file, 'main.parameters.json');
    assert.equal(account.locations?.get('properties.minimumtlsversion')?.line, lineOf(parametersText, '"TLS1_1"'));
    assert.equal(account.via?.get('properties.minimumtlsversion'), 'parameter file');
    const agent = lookup(account, 'tags.agent');
    assert.equal(
      agent.kind === 'unresolved' && agent.expression,
      "Key Vault secret 'agent' (parameter file reference)",
    );
  });
});

describe('loading from disk', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phiguard-bicep-'));
    await mkdir(join(dir, 'modules'));
    await writeFile(
      join(dir, 'main.bicep'),
      "param tls string = 'TLS1_2'\nmodule m 'modules/sa.bicep' = {\n  name: 'm'\n  params: { tls: tls }\n}\n",
    );
    await writeFile(
      join(dir, 'modules', 'sa.bicep'),
      "param tls string\nresource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n  name: 'st'\n  properties: { minimumTlsVersion: tls, policy: loadTextContent('policy.txt') }\n}\n",
    );
    await writeFile(join(dir, 'modules', 'policy.txt'), 'deny-all');
    await writeFile(join(dir, 'main.parameters.json'), JSON.stringify({ parameters: { tls: { value: 'TLS1_1' } } }));
    await writeFile(join(dir, 'prod.bicepparam'), "using 'main.bicep'\nparam tls = 'TLS1_0'\n");
    await writeFile(
      join(dir, 'broken.bicep'),
      "resource x 'T@1' = {\n  name: 'x'\n  properties: {\n    a: 1 b: 2\n  }\n}\n",
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const tls = (resources: { properties?: unknown }[]) =>
    (resources[0].properties as { minimumTlsVersion: string }).minimumTlsVersion;

  it('loadBicep reads modules and loaded files, and applies a sibling <name>.parameters.json', async () => {
    const result = await loadBicep(join(dir, 'main.bicep'));
    assert.deepEqual(result.diagnostics, []);
    assert.equal(tls(result.resources), 'TLS1_1');
    assert.equal((result.resources[0].properties as { policy: string }).policy, 'deny-all');
    assert.equal(result.resources[0].file, join(dir, 'modules', 'sa.bicep'));
  });

  it('loadBicep applies an explicit parameter file, ARM or .bicepparam', async () => {
    assert.equal(
      tls((await loadBicep(join(dir, 'main.bicep'), { parametersFile: join(dir, 'prod.bicepparam') })).resources),
      'TLS1_0',
    );
  });

  it('loadBicepParams loads the template a .bicepparam uses', async () => {
    const result = await loadBicepParams(join(dir, 'prod.bicepparam'));
    assert.equal(tls(result.resources), 'TLS1_0');
    assert.equal(
      result.resources[0].locations?.get('properties.minimumtlsversion')?.file,
      join(dir, 'prod.bicepparam'),
    );
  });

  it('throws one-line InputErrors for syntax errors and unreadable entry files', async () => {
    await assert.rejects(loadBicep(join(dir, 'broken.bicep')), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(
        error.format(),
        `${join(dir, 'broken.bicep')}:4:10: expected "," or a new line but found "b" (Bicep syntax error)`,
      );
      return true;
    });
    await assert.rejects(
      loadBicep(join(dir, 'absent.bicep')),
      (error: unknown) => error instanceof InputError && error.message.includes('ENOENT'),
    );
  });
});

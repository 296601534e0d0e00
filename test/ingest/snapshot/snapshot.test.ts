import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../../src/core/errors.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Resource } from '../../../src/core/types.js';
import { parseSnapshotText } from '../../../src/ingest/snapshot/index.js';

const SUB = '/subscriptions/00000000-0000-0000-0000-000000000001';
const RG = `${SUB}/resourceGroups/rg-phi`;
const ACCOUNT_ID = `${RG}/providers/Microsoft.Storage/storageAccounts/stphi`;

const account = {
  id: ACCOUNT_ID,
  name: 'stphi',
  type: 'microsoft.storage/storageaccounts',
  location: 'eastus',
  kind: 'StorageV2',
  sku: { name: 'Standard_LRS' },
  tags: { 'data-classification': 'phi' },
  properties: { minimumTlsVersion: 'TLS1_0', allowBlobPublicAccess: null },
};
const firewallRule = {
  id: `${RG}/providers/Microsoft.Sql/servers/sql-phi/firewallRules/AllowAll`,
  name: 'AllowAll',
  type: 'microsoft.sql/servers/firewallrules',
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '255.255.255.255' },
};

function parse(value: unknown, file = 'snapshot.json') {
  return parseSnapshotText(typeof value === 'string' ? value : JSON.stringify(value, null, 2), file);
}

function summary(resources: Resource[]) {
  return resources.map((r) => ({ id: r.id, type: r.type, name: r.name, properties: r.properties }));
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${error}`);
    return error;
  }
  assert.fail('expected an InputError');
}

describe('parseSnapshotText', () => {
  const expected = summary(parse([account, firewallRule]).resources);

  it('reads a bare array (az list, ARG export) into canonical resources', () => {
    const { resources, diagnostics } = parse([account, firewallRule]);
    assert.deepEqual(diagnostics, []);
    const [storage, rule] = resources;
    assert.equal(storage.type, 'Microsoft.Storage/storageAccounts');
    assert.equal(storage.name, 'stphi');
    assert.equal(storage.origin, 'snapshot');
    assert.equal(storage.address, ACCOUNT_ID);
    assert.equal(storage.file, 'snapshot.json');
    assert.deepEqual(storage.at, { file: 'snapshot.json', line: 2, column: 3 });
    assert.deepEqual(storage.sku, { name: 'Standard_LRS' });
    assert.equal(storage.kind, 'StorageV2');
    assert.deepEqual(storage.tags, { 'data-classification': 'phi' });
    assert.equal(storage.locations, undefined, 'no per-property locations for live state');
    assert.equal(rule.type, 'Microsoft.Sql/servers/firewallRules');
    assert.equal(rule.name, 'sql-phi/AllowAll', 'the full ARM name templates use');
  });

  it('keeps properties exactly as given, null included', () => {
    const [storage] = parse([account]).resources;
    assert.deepEqual(storage.properties, { minimumTlsVersion: 'TLS1_0', allowBlobPublicAccess: null });
    assert.equal(parse([{ ...account, properties: null }]).resources[0].properties, null);
  });

  it('accepts every Resource Graph and REST list wrapper', () => {
    const shapes: [string, unknown][] = [
      [
        'objectArray',
        { totalRecords: 2, count: 2, data: [account, firewallRule], facets: [], resultTruncated: 'false' },
      ],
      ['az graph query', { count: 2, data: [account, firewallRule], skip_token: null, total_records: 2 }],
      ['skipToken page', { $skipToken: 'abc', data: [account, firewallRule] }],
      ['REST list', { value: [account, firewallRule], nextLink: 'https://management.azure.com/...&$skiptoken=x' }],
      ['envelope', { phiguard: { version: 1 }, resources: [account, firewallRule] }],
      [
        'x-ms-examples list',
        {
          parameters: { 'api-version': '2023-08-01' },
          responses: { '200': { body: { value: [account, firewallRule] } } },
        },
      ],
      [
        'table',
        {
          totalRecords: 2,
          count: 2,
          data: {
            columns: [
              { name: 'id', type: 'string' },
              { name: 'name', type: 'string' },
              { name: 'type', type: 'string' },
              { name: 'properties', type: 'object' },
            ],
            rows: [account, firewallRule].map((r) => [r.id, r.name, r.type, r.properties]),
          },
        },
      ],
    ];
    for (const [label, shape] of shapes) {
      assert.deepEqual(summary(parse(shape).resources), expected, label);
      assert.deepEqual(summary(parse(JSON.stringify(shape)).resources), expected, `${label} (minified)`);
    }
  });

  it('reads a single REST GET body or `az show` object', () => {
    assert.deepEqual(summary(parse(account).resources), expected.slice(0, 1));
  });

  it('moves the settings of flattened `az` output under properties', () => {
    const flat = {
      id: `${RG}/providers/Microsoft.Sql/servers/sql-phi`,
      name: 'sql-phi',
      type: 'Microsoft.Sql/servers',
      location: 'eastus',
      resourceGroup: 'rg-phi',
      minimalTlsVersion: '1.0',
      publicNetworkAccess: 'Enabled',
    };
    const [server] = parse(flat).resources;
    assert.deepEqual(server.properties, { minimalTlsVersion: '1.0', publicNetworkAccess: 'Enabled' });
  });

  it('reads NDJSON, with each record located on its line', () => {
    const text = `${JSON.stringify(account)}\n${JSON.stringify(firewallRule)}\n`;
    for (const file of ['snapshot.ndjson', 'snapshot.json']) {
      const { resources } = parse(text, file);
      assert.deepEqual(summary(resources), expected, file);
      assert.deepEqual(
        resources.map((r) => r.at?.line),
        [1, 2],
      );
    }
  });

  it('exposes the envelope metadata, whatever comes first', () => {
    const metadata = { version: 1, collectedAt: '2025-01-01T00:00:00Z', scopes: [SUB] };
    assert.deepEqual(parse({ phiguard: metadata, resources: [account] }).metadata, metadata);
    assert.deepEqual(parse({ resources: [account], phiguard: metadata }).metadata, metadata);
    assert.equal(parse([account]).metadata, undefined);
  });

  it('sets scope for extension resources and subscription-level resources only', () => {
    const resources = parse([
      account,
      {
        id: `${ACCOUNT_ID}/providers/Microsoft.Insights/diagnosticSettings/to-law`,
        name: 'to-law',
        type: 'microsoft.insights/diagnosticsettings',
        properties: { logs: [] },
      },
      {
        id: `${RG}/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555`,
        type: 'Microsoft.Authorization/roleAssignments',
        properties: {},
      },
      { id: `${SUB}/providers/Microsoft.Security/pricings/VirtualMachines`, type: 'Microsoft.Security/pricings' },
      {
        id: '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/roleAssignments/x',
        type: 'Microsoft.Authorization/roleAssignments',
      },
    ]).resources;
    assert.deepEqual(
      resources.map((r) => [r.name, r.scope]),
      [
        ['stphi', undefined],
        ['to-law', ACCOUNT_ID],
        ['11111111-2222-3333-4444-555555555555', RG],
        ['VirtualMachines', SUB],
        ['x', '/providers/Microsoft.Management/managementGroups/mg1'],
      ],
    );
    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory.related(resources[0], 'diagnosticSettings').map((r) => r.name),
      ['to-law'],
    );
  });

  it('names nested children by their full path and links them to their parent', () => {
    const container = {
      id: `${ACCOUNT_ID}/blobServices/default/containers/phi-images`,
      name: 'phi-images',
      type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
      properties: { publicAccess: 'Blob' },
    };
    const service = {
      id: `${ACCOUNT_ID}/blobServices/default`,
      name: 'default',
      type: 'Microsoft.Storage/storageAccounts/blobServices',
    };
    const resources = parse([account, service, container]).resources;
    assert.deepEqual(
      resources.map((r) => r.name),
      ['stphi', 'stphi/default', 'stphi/default/phi-images'],
    );
    const inventory = new Inventory(resources);
    assert.deepEqual(
      inventory.related(resources[2], 'parent').map((r) => r.name),
      ['stphi/default'],
    );
  });

  it('keeps unknown types as given, or in the casing of their id', () => {
    const [vnet, custom] = parse([
      { id: `${RG}/providers/Microsoft.Network/virtualNetworks/vnet`, type: 'microsoft.network/virtualnetworks' },
      { id: `${RG}/providers/Contoso.Thing/widgets/w1`, type: 'contoso.thing/WIDGETS' },
    ]).resources;
    assert.equal(vnet.type, 'Microsoft.Network/virtualNetworks');
    assert.equal(custom.type, 'Contoso.Thing/widgets');
  });

  it('skips records that are not resources with a warning, and keeps the rest', () => {
    const { resources, diagnostics } = parse(`[\n${JSON.stringify(account)},\n{"name": "no id"},\n  42\n]`);
    assert.equal(resources.length, 1);
    assert.deepEqual(
      diagnostics.map((d) => [d.kind, d.line, d.column, d.message]),
      [
        ['warning', 3, 1, 'record 2 has no ARM resource id; skipped'],
        ['warning', 4, 3, 'record 3 is not an object; skipped'],
      ],
    );
  });

  it('throws an InputError with the line and column of malformed JSON', () => {
    const text = '[\n  {"id": "/subscriptions/x", "type": "t"},\n  {"id": "/subscriptions/y", "type": tru}\n]';
    const error = thrown(() => parse(text, 'bad.json'));
    assert.deepEqual(error.at, { file: 'bad.json', line: 3, column: 38 });
    assert.equal(error.format(), 'bad.json:3:38: invalid token');
  });

  it('locates errors after a streamed array in the enclosing object', () => {
    const text = '{"data": [\n {"id": "/subscriptions/x", "type": "t"}\n],\n "count": 1,\n "oops" 2}';
    const error = thrown(() => parse(text, 'bad.json'));
    assert.deepEqual([error.at?.line, error.at?.column], [5, 9]);
    assert.match(error.message, /expected ':'/);
  });

  it('never puts file content in an error message', () => {
    const secret = 'DefaultEndpointsProtocol=https;AccountName=stphi;AccountKey=c2VjcmV0LWtleQ==';
    const texts = [
      `[{"id": "/subscriptions/x", "type": "t", "properties": {"connectionString": "${secret}" "next": 1}}]`,
      `{"value": [{"id": "/subscriptions/x", "key": "${secret}", }]}`,
      `{"id": "/subscriptions/x", "key": "${secret}`,
      `{"key": "${secret}"}`,
      `"${secret}"`,
    ];
    for (const text of texts) {
      const error = thrown(() => parse(text));
      assert.ok(!error.format().includes('AccountKey'), error.format());
      assert.ok(!error.format().includes('c2VjcmV0'), error.format());
    }
  });

  it('reports a truncated document, an empty file and a non-snapshot shape as InputErrors', () => {
    assert.match(thrown(() => parse('[{"id": "/subscriptions/x",\n "type": "t"')).message, /truncated/);
    assert.match(thrown(() => parse('  \n')).message, /no JSON value/);
    assert.match(thrown(() => parse({ $schema: 'x', resources: [] })).message, /not a snapshot/);
  });

  it('strips a UTF-8 byte order mark', () => {
    assert.deepEqual(summary(parse(`\uFEFF${JSON.stringify([account])}`).resources), expected.slice(0, 1));
  });
});

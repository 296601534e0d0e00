// Where values originate: findings and fixes point at the line a value is written, which may be a parameter
// default, a variable, a function call or a branch of a condition rather than the resource body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lookup } from '../../../src/core/path.js';
import { bicep, lineOf } from './helpers.js';

const TEXT = `
param tls string = 'TLS1_0'
param acls object = {
  defaultAction: 'Allow'
  bypass: 'None'
}
param strict bool = true
param unknownSku string
var suffix = 'data'
var encryption = union(
  {
    keySource: 'Microsoft.Storage'
  },
  strict
    ? {
        requireInfrastructureEncryption: true
      }
    : {}
)

resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'st\${suffix}'
  sku: {
    name: unknownSku
  }
  properties: {
    minimumTlsVersion: tls
    label: suffix
    defaultAction: acls.defaultAction
    networkAcls: acls
    httpsOnly: strict ? true : false
    encryption: encryption
    literal: 'here'
  }
}
`;

describe('Bicep positions', () => {
  const [account] = bicep(TEXT).resources;
  const where = (path: string) => {
    const at = account.locations?.get(path);
    return { line: at?.line, via: account.via?.get(path) };
  };

  it('locates literals in the resource body', () => {
    assert.deepEqual(where('properties.literal'), { line: lineOf(TEXT, "literal: 'here'"), via: undefined });
  });

  it('locates parameter defaults and members of object defaults', () => {
    assert.deepEqual(where('properties.minimumtlsversion'), {
      line: lineOf(TEXT, 'param tls'),
      via: 'parameter default',
    });
    assert.deepEqual(where('properties.defaultaction'), {
      line: lineOf(TEXT, "defaultAction: 'Allow'"),
      via: 'parameter default',
    });
    assert.deepEqual(where('properties.networkacls.bypass'), {
      line: lineOf(TEXT, "bypass: 'None'"),
      via: 'parameter default',
    });
  });

  it('locates variables', () => {
    assert.deepEqual(where('properties.label'), { line: lineOf(TEXT, 'var suffix'), via: 'variable' });
  });

  it('follows the branch a condition takes and the arguments union() merges', () => {
    assert.equal(where('properties.httpsonly').line, lineOf(TEXT, 'strict ? true : false'));
    assert.deepEqual(where('properties.encryption.keysource'), {
      line: lineOf(TEXT, "keySource: 'Microsoft.Storage'"),
      via: 'variable',
    });
    assert.equal(
      where('properties.encryption.requireinfrastructureencryption').line,
      lineOf(TEXT, 'requireInfrastructureEncryption: true'),
    );
  });

  it('locates an unresolved value at the expression that needs it', () => {
    const sku = lookup(account, 'sku.name');
    assert.equal(sku.kind, 'unresolved');
    assert.equal(sku.kind === 'unresolved' && sku.expression, 'unknownSku');
    assert.equal(sku.at?.line, lineOf(TEXT, 'name: unknownSku'));
    assert.equal(sku.at?.column, 11);
  });

  it('falls back to the nearest located ancestor for values computed by functions', () => {
    const text =
      "var base = { a: { b: 1 } }\nresource r 'Microsoft.Test/things@2020-01-01' = {\n  name: 'r'\n  properties: {\n    value: json(string(base))\n  }\n}\n";
    const [thing] = bicep(text).resources;
    assert.equal(lookup(thing, 'properties.value.a.b').at?.line, 5);
  });
});

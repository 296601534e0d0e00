import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Unresolved } from '../../src/core/types.js';
import { redactText, redactValue } from '../../src/evidence/redact.js';
import { makeFakeSecrets } from './fake-secrets.js';

const fake = makeFakeSecrets();
const b64 = (n: number) => randomBytes(n).toString('base64');

/** A random base64 body with a security-utilities signature at its fixed offset. */
function identifiable(prefixLength: number, signature: string, suffixLength: number, tail: string): string {
  const body = (n: number) =>
    randomBytes(n * 2)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, n);
  return `${body(prefixLength)}${signature}${body(suffixLength)}${tail}`;
}

describe('redactText against the fake Azure secret corpus', () => {
  for (const [name, line] of fake.lines) {
    it(`removes the secret from ${name}`, () => {
      const out = redactText(`${name}="${line}"\n`);
      for (const secret of fake.secrets) assert.ok(!out.includes(secret), `${name} leaked ${secret}: ${out}`);
      assert.match(out, /\[REDACTED:[a-z-]+\]/);
      assert.ok(out.endsWith('"\n'), 'the line ending and closing quote survive');
    });
  }

  it('keeps the non-secret parts of a connection string as evidence', () => {
    const out = redactText(fake.lines.get('STORAGE_CONN') ?? '');
    assert.match(
      out,
      /^DefaultEndpointsProtocol=https;AccountName=phistore01;AccountKey=\[REDACTED:[a-z-]+\];EndpointSuffix=core\.windows\.net$/,
    );
  });

  it('replaces the whole SAS query but keeps the blob URL', () => {
    const out = redactText(fake.lines.get('SAS_URL') ?? '');
    assert.equal(out, 'https://phistore01.blob.core.windows.net/claims/f.pdf?[REDACTED:sas-token]');
  });

  it('keeps the user of a URL but not its password', () => {
    assert.equal(
      redactText(fake.lines.get('PG_URL') ?? ''),
      'postgres://admin:[REDACTED:url-password]@phi-pg.postgres.database.azure.com:5432/claims',
    );
  });

  it('keeps two lines apart (look-around boundaries do not swallow the newline)', () => {
    const text = `${fake.lines.get('AZURE_CLIENT_SECRET')}\nnext line\n`;
    assert.equal(redactText(text), '[REDACTED:client-secret]\nnext line\n');
  });
});

describe('redactText: identifiable Azure keys (security-utilities signatures)', () => {
  const cases: Array<[string, string]> = [
    ['storage +ASt', identifiable(76, '+ASt', 5, 'A==')],
    ['Cosmos DB ACDb', identifiable(76, 'ACDb', 5, 'Q==')],
    ['API Management APIM', identifiable(76, 'APIM', 5, 'g==')],
    ['Service Bus +ASb', identifiable(33, '+ASbA', 5, '=')],
    ['Event Hubs +AEh', identifiable(33, '+AEhB', 5, '=')],
    ['Redis AzCa', identifiable(33, 'AzCaP', 5, '=')],
    ['Event Grid AZEG', identifiable(33, 'AZEGC', 5, '=')],
    ['Functions AzFu', identifiable(44, 'AzFu', 5, 'w==')],
    ['Search AzSe', identifiable(42, 'AzSeA', 5, '')],
    ['Container Registry +ACR', identifiable(42, '+ACRD', 5, '')],
    ['Databricks', `dapi${randomBytes(16).toString('hex')}`],
    ['Entra 7Q~', `abc7Q~${'x'.repeat(31)}`],
  ];
  for (const [name, key] of cases) {
    it(`redacts a ${name} key anywhere in text`, () => {
      const out = redactText(`value: ${key} trailing`);
      assert.ok(!out.includes(key), out);
      assert.match(out, /^value: \[REDACTED:[a-z-]+\] trailing$/);
    });
  }
});

describe('redactText: other secret shapes', () => {
  it('removes a PEM private key block but keeps a certificate', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    const out = redactText(`key:\n${pem}\n${cert}`);
    assert.ok(!out.includes('PRIVATE KEY-----\nMC'), out);
    assert.match(out, /\[REDACTED:private-key\]/);
    assert.ok(out.includes(cert));
  });

  it('removes an RSA PRIVATE KEY block', () => {
    const out = redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----');
    assert.equal(out, '[REDACTED:private-key]');
  });

  it('removes JWTs and bearer tokens', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    assert.equal(redactText(`token ${jwt}`), 'token [REDACTED:jwt]');
    assert.equal(
      redactText('Authorization: Bearer abcdefghijklmnop1234'),
      'Authorization: Bearer [REDACTED:bearer-token]',
    );
  });

  it('removes passwords in secret-named assignments of HCL, Bicep, JSON and env files', () => {
    assert.equal(
      redactText('administrator_login_password = "Xk9#pQ2!vL7z"'),
      'administrator_login_password = "[REDACTED:password]"',
    );
    assert.equal(redactText("adminPassword: 'hunter2hunter2'"), "adminPassword: '[REDACTED:password]'");
    assert.equal(redactText('{"clientSecret": "s3cr3t-value"}'), '{"clientSecret": "[REDACTED:secret]"}');
    assert.equal(redactText('export DB_PASSWORD=letmein99'), 'export DB_PASSWORD=[REDACTED:password]');
  });

  it('keeps references to secrets: ARM expressions, Bicep parameter names, Key Vault references', () => {
    for (const text of [
      `"administratorLoginPassword": "[parameters('adminPassword')]"`,
      'administratorLoginPassword: adminPassword',
      'administrator_login_password = var.admin_password',
      '"password": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)"',
    ]) {
      assert.equal(redactText(text), text);
    }
  });

  it('is idempotent', () => {
    const once = redactText([...fake.lines.values()].join('\n'));
    assert.equal(redactText(once), once);
  });
});

describe('redactText: near-misses that are evidence, not secrets', () => {
  const keep = [
    '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-phi/providers/Microsoft.Storage/storageAccounts/phistore01',
    '6f1c3a2e-9b7d-4c1e-8a5f-2d3b4c5d6e7f',
    createHash('sha256').update('x').digest('hex'),
    createHash('sha512').update('x').digest('hex'),
    `integrity sha512-${createHash('sha512').update('x').digest('base64')}`,
    `thumbprint ${createHash('sha1').update('x').digest('hex').toUpperCase()}`,
    `blob ${b64(64)} inside text without context`,
    `nonce ${b64(32)}`,
    'https://phistore01.blob.core.windows.net/claims/f.pdf',
    'https://kv-phi.vault.azure.net/secrets/db-password/0123456789abcdef0123456789abcdef',
    'Server=tcp:phi-sql.database.windows.net,1433;Initial Catalog=claims;Encrypt=True;',
    'minimumTlsVersion: TLS1_2, allowSharedKeyAccess: false',
  ];
  for (const text of keep) {
    it(`keeps ${text.slice(0, 60)}`, () => assert.equal(redactText(text), text));
  }
});

describe('redactValue', () => {
  it('returns a deep copy and leaves its input untouched', () => {
    const input = { properties: { administratorLoginPassword: 'Xk9#pQ2!vL7z', nested: [{ a: 1 }] } };
    const out = redactValue(input);
    assert.equal(input.properties.administratorLoginPassword, 'Xk9#pQ2!vL7z');
    assert.notEqual(out.properties.nested, input.properties.nested);
    assert.deepEqual(out, { properties: { administratorLoginPassword: '[REDACTED:password]', nested: [{ a: 1 }] } });
  });

  it('redacts by property name across ARM and Terraform spellings, keeping booleans and references', () => {
    const out = redactValue({
      administrator_login_password: 'p@ssw0rd-long',
      primary_access_key: b64(64),
      primary_connection_string: 'whatever',
      clientSecret: 'opaque-value',
      sasToken: 'sv=2022&sig=abc',
      allowSharedKeyAccess: false,
      disablePasswordAuthentication: true,
      secretUri: 'https://kv.vault.azure.net/secrets/x',
      adminPassword: "[parameters('adminPassword')]",
    });
    assert.deepEqual(out, {
      administrator_login_password: '[REDACTED:password]',
      primary_access_key: '[REDACTED:key]',
      primary_connection_string: '[REDACTED:connection-string]',
      clientSecret: '[REDACTED:secret]',
      sasToken: '[REDACTED:token]',
      allowSharedKeyAccess: false,
      disablePasswordAuthentication: true,
      secretUri: 'https://kv.vault.azure.net/secrets/x',
      adminPassword: "[parameters('adminPassword')]",
    });
  });

  it('redacts every string under a secret-named object or array', () => {
    const out = redactValue({ connectionStrings: [{ name: 'db', connectionString: 'Server=x;Password=y1234' }] });
    assert.deepEqual(out, {
      connectionStrings: [{ name: '[REDACTED:connection-string]', connectionString: '[REDACTED:connection-string]' }],
    });
  });

  it('redacts securestring and secureObject parameter values, keeping their declaration', () => {
    const out = redactValue({
      parameters: {
        sqlPassword: { type: 'securestring', defaultValue: 'Xk9#pQ2!vL7z' },
        settings: { type: 'secureObject', defaultValue: { token: 'abc', url: 'u' } },
        location: { type: 'string', defaultValue: 'eastus' },
        adminPassword: { type: 'string', defaultValue: 'plain-text-default', minLength: 12 },
      },
    });
    assert.deepEqual(out, {
      parameters: {
        sqlPassword: { type: 'securestring', defaultValue: '[REDACTED:securestring]' },
        settings: {
          type: 'secureObject',
          defaultValue: { token: '[REDACTED:securestring]', url: '[REDACTED:securestring]' },
        },
        location: { type: 'string', defaultValue: 'eastus' },
        adminPassword: { type: 'string', defaultValue: '[REDACTED:securestring]', minLength: 12 },
      },
    });
  });

  it('redacts listKeys results and Key Vault secret values', () => {
    const key = b64(64);
    const out = redactValue({
      keys: [{ keyName: 'key1', value: key, permissions: 'FULL' }],
      secret: undefined,
      resource: {
        type: 'Microsoft.KeyVault/vaults/secrets',
        name: 'kv/db',
        properties: { value: 'plain', contentType: 'text' },
      },
    });
    assert.deepEqual(out.keys, [{ keyName: 'key1', value: '[REDACTED:key]', permissions: 'FULL' }]);
    assert.deepEqual(out.resource.properties, { value: '[REDACTED:secret]', contentType: 'text' });
  });

  it('redacts a whole value of exactly the 64-byte key shape, and patterns inside any string', () => {
    const out = redactValue({ k: b64(64), settings: [{ name: 'STORAGE', value: fake.lines.get('STORAGE_CONN') }] });
    assert.equal(out.k, '[REDACTED:account-key]');
    assert.ok(!JSON.stringify(out).includes(fake.secrets[0]));
  });

  it('redacts the value of a name/value pair whose name says secret, and keeps the others', () => {
    const out = redactValue({
      appSettings: [
        { name: 'DB_PASSWORD', value: 'hunter2-not-real' },
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' },
      ],
    });
    assert.deepEqual(out.appSettings, [
      { name: 'DB_PASSWORD', value: '[REDACTED:password]' },
      { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' },
    ]);
  });

  it('redacts inside an unresolved expression and keeps it an Unresolved', () => {
    const out = redactValue({ v: new Unresolved(`concat('Server=tcp:x;Password=Xk9#pQ2!vL7z;', parameters('db'))`) });
    assert.ok(out.v instanceof Unresolved);
    assert.ok(!out.v.expression.includes('Xk9#pQ2!vL7z'));
  });

  it('leaves no fake secret anywhere in a resource built from the whole corpus', () => {
    const resource = {
      id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Web/sites/app',
      properties: {
        siteConfig: { appSettings: [...fake.lines].map(([name, value]) => ({ name, value })) },
        description: [...fake.lines.values()].join(' | '),
      },
    };
    const text = JSON.stringify(redactValue(resource));
    for (const secret of fake.secrets) assert.ok(!text.includes(secret), `leaked ${secret}`);
    assert.ok(text.includes('"name":"STORAGE_CONN"'));
  });
});

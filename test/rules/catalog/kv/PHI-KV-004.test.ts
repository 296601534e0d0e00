import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKeyUri } from '../../../../src/rules/catalog/kv/cmk.js';
import { durationDays } from '../../../../src/rules/catalog/kv/duration.js';
import rule from '../../../../src/rules/catalog/kv/PHI-KV-004.js';
import { lineOf, template, templateCase } from '../../../helpers/arm-cases.js';
import { type Case, liveMany, ruleCases, run, withConfig } from '../../../helpers/rule-cases.js';
import { res } from '../net/support.js';
import {
  body,
  cosmosConsumer,
  diskEncryptionSet,
  HSM_KEY,
  hsm,
  KEY,
  key,
  live,
  rotation,
  storageConsumer,
  VAULT_ID,
  vault,
  YEARLY,
} from './support.js';

const keyCase = (properties: Record<string, unknown>, label: string, others: Record<string, unknown>[] = []) =>
  templateCase(template([vault({}), key(properties), ...others]), `key ${label}`);

/** A failure that must point at `needle` (after `after`) in the generated template. */
function keyCaseAt(
  properties: Record<string, unknown>,
  label: string,
  at: { needle: string; after?: string },
  others: Record<string, unknown>[] = [],
): Case {
  return templateCase(template([vault({}), key(properties), ...others]), `key ${label}`, at);
}

const liveKey = (properties: Record<string, unknown>, label: string): Case =>
  live(
    {
      id: `${VAULT_ID}/keys/cmk`,
      name: 'cmk',
      type: KEY,
      location: 'eastus',
      properties: {
        attributes: { enabled: true, created: 1598533051, recoveryLevel: 'Recoverable' },
        kty: 'RSA',
        keyOps: ['wrapKey', 'unwrapKey'],
        keyUri: 'https://phikv.vault.azure.net:443/keys/cmk',
        ...properties,
      },
    },
    `live key ${label}`,
  );

const protector = (autoRotationEnabled: boolean) =>
  res(
    'Microsoft.Sql/servers/encryptionProtector',
    'phisql/current',
    {
      serverKeyType: 'AzureKeyVault',
      serverKeyName: 'phikv_cmk_0123456789abcdef0123456789abcdef',
      autoRotationEnabled,
    },
    { apiVersion: '2023-08-01' },
  );

ruleCases(rule, {
  pass: [
    keyCase({ rotationPolicy: YEARLY }, 'rotating yearly, versionless storage consumer', [storageConsumer()]),
    keyCase({ rotationPolicy: rotation({ timeAfterCreate: 'P90D' }) }, 'rotating every 90 days (Rotate any case)'),
    keyCase({ rotationPolicy: rotation({ timeAfterCreate: 'P12M' }) }, 'P12M equals one year'),
    keyCase(
      { rotationPolicy: rotation({ timeBeforeExpiry: 'P30D' }, { attributes: { expiryTime: 'P13M' } }) },
      'rotating 30 days before a 13-month expiry (365 days)',
    ),
    keyCase({ rotationPolicy: YEARLY }, 'consumed by a rotating disk encryption set', [diskEncryptionSet(true)]),
    keyCase({ rotationPolicy: YEARLY }, 'consumed by a SQL protector with autoRotationEnabled', [protector(true)]),
    keyCase({ rotationPolicy: YEARLY }, 'versionless Cosmos DB key URI', [
      cosmosConsumer('https://phikv.vault.azure.net/keys/cmk'),
    ]),
    liveKey(
      {
        rotationPolicy: {
          attributes: { expiryTime: 'P13M' },
          lifetimeActions: [
            { trigger: { timeAfterCreate: 'P1Y' }, action: { type: 'rotate' } },
            { trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'notify' } },
          ],
        },
      },
      'with the Contoso yearly policy',
    ),
  ],
  fail: [
    keyCaseAt({}, 'without a rotation policy', { needle: '"properties"', after: '"phikv/cmk"' }),
    keyCaseAt({ rotationPolicy: rotation({ timeAfterCreate: 'P2Y' }) }, 'rotating every two years', {
      needle: '"timeAfterCreate"',
    }),
    keyCase({ rotationPolicy: rotation({ timeAfterCreate: 'P13M' }) }, 'rotating every 13 months'),
    keyCase(
      { rotationPolicy: { lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }] } },
      'with only a Notify action',
    ),
    keyCase({ rotationPolicy: rotation({ timeBeforeExpiry: 'P30D' }) }, 'rotating before expiry without expiryTime'),
    keyCase({ rotationPolicy: rotation({ timeAfterCreate: 'one year' }) }, 'with an invalid duration'),
    // The rotation policy is fine, but the consumers are pinned: the finding points at the consumer's setting.
    keyCaseAt(
      { rotationPolicy: YEARLY },
      'consumed by a storage account pinned to a version',
      { needle: '"keyversion"' },
      [storageConsumer('0123456789abcdef0123456789abcdef')],
    ),
    keyCaseAt(
      { rotationPolicy: YEARLY },
      'consumed through a versioned Cosmos DB key URI',
      { needle: '"keyVaultKeyUri"' },
      [cosmosConsumer('https://phikv.vault.azure.net/keys/cmk/0123456789abcdef0123456789abcdef')],
    ),
    keyCase({ rotationPolicy: YEARLY }, 'consumed by a disk encryption set without auto rotation', [
      diskEncryptionSet(),
    ]),
    keyCase({ rotationPolicy: YEARLY }, 'consumed by a SQL protector without autoRotationEnabled', [protector(false)]),
    liveKey({}, 'without a rotation policy (getKey example shape)'),
    templateCase(
      template([hsm({}), res(HSM_KEY, 'phihsm/cmk', { kty: 'RSA-HSM' }, { apiVersion: '2025-05-01' })]),
      'managed HSM key without a rotation policy',
    ),
  ],
  unknown: [
    templateCase(
      template([vault({}), key({ rotationPolicy: "[parameters('policy')]" })], { policy: { type: 'object' } }),
      'rotation policy from a parameter without value',
    ),
    templateCase(
      template([vault({}), key({ rotationPolicy: rotation({ timeAfterCreate: "[parameters('every')]" }) })], {
        every: { type: 'string' },
      }),
      'rotation interval from a parameter without value',
    ),
  ],
  notApplicable: [
    keyCase({ keyOps: ['sign', 'verify'] }, 'signing key that no PHI resource uses'),
    withConfig(keyCase({}, 'key of an untagged vault'), (config) => {
      config.classification.default = 'non-phi';
    }),
  ],
});

describe('PHI-KV-004 consumers', () => {
  it('reports each pinned PHI consumer at its own file and line', () => {
    const tpl = template([vault({}), key({ rotationPolicy: YEARLY }), storageConsumer('abc123')]);
    const findings = run(rule, templateCase(tpl, 'pinned')).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0].status, 'fail');
    assert.equal(findings[0].evidence.path, 'properties.encryption.keyvaultproperties.keyversion');
    assert.equal(findings[0].location?.line, lineOf(JSON.stringify(tpl, null, 2), '"keyversion"'));
    assert.match(findings[0].message, /phistore .* uses a fixed version of this key/);
  });

  it('reports both a missing policy and a pinned consumer', () => {
    const tpl = template([vault({}), key({}), diskEncryptionSet(false)]);
    const paths = run(rule, templateCase(tpl, 'both')).findings.map((f) => `${f.status} ${f.evidence.path}`);
    assert.deepEqual(paths, ['fail properties.rotationPolicy', 'fail properties.rotationToLatestKeyVersionEnabled']);
  });

  it('ignores pinned consumers that are not PHI', () => {
    const tpl = template([
      vault({}, { tags: { 'data-classification': 'phi' } }),
      key({ rotationPolicy: YEARLY }),
      storageConsumer('abc123'),
    ]);
    const testCase = withConfig(templateCase(tpl, 'non-PHI consumer'), (config) => {
      config.classification.default = 'non-phi';
    });
    assert.deepEqual(
      run(rule, testCase).findings.map((f) => f.status),
      ['pass'],
    );
  });

  it('a key used as a CMK is evaluated even when its keyOps are unusual', () => {
    const tpl = template([vault({}), key({ keyOps: ['sign'] }), storageConsumer()]);
    assert.deepEqual(
      run(rule, templateCase(tpl, 'sign-only key with a consumer')).findings.map((f) => f.status),
      ['fail'],
    );
  });

  it('matches consumers of a live key in the same inventory', () => {
    const testCase = liveMany(
      [
        body(KEY, 'phikv/cmk', { rotationPolicy: YEARLY }, { id: `${VAULT_ID}/keys/cmk`, name: 'cmk' }),
        body('Microsoft.DocumentDB/databaseAccounts', 'phicosmos', {
          keyVaultKeyUri: 'https://phikv.vault.azure.net:443/keys/cmk/0123456789abcdef0123456789abcdef',
        }),
      ],
      'live key and versioned consumer',
    );
    const findings = run(rule, testCase).findings;
    assert.deepEqual(
      findings.map((f) => [f.status, f.evidence.path]),
      [['fail', 'properties.keyVaultKeyUri']],
    );
  });
});

describe('key URIs and durations', () => {
  it('parses key URIs of vaults and managed HSM pools, with port and version', () => {
    assert.deepEqual(parseKeyUri('https://PhiKV.vault.azure.net/keys/CMK'), {
      vault: 'phikv',
      key: 'cmk',
      version: undefined,
    });
    assert.deepEqual(parseKeyUri('https://phikv.vault.azure.net:443/keys/cmk/abc123/'), {
      vault: 'phikv',
      key: 'cmk',
      version: 'abc123',
    });
    assert.deepEqual(parseKeyUri('https://pool.managedhsm.azure.net/keys/k'), {
      vault: 'pool',
      key: 'k',
      version: undefined,
    });
    assert.equal(parseKeyUri('https://phikv.vault.azure.net/secrets/s'), undefined);
    assert.equal(parseKeyUri('not a uri'), undefined);
  });

  it('converts ISO 8601 durations to days', () => {
    assert.equal(durationDays('P1Y'), 365);
    assert.equal(durationDays('P12M'), 365);
    assert.equal(durationDays('P90D'), 90);
    assert.equal(durationDays('P2W'), 14);
    assert.equal(durationDays('p1y6m'), 365 + 182.5);
    assert.equal(durationDays('PT36H'), 1.5);
    for (const bad of ['P', 'PT', '1Y', 'P1DT', 'P1X', '']) assert.equal(durationDays(bad), undefined, bad);
  });
});

// Scan, fix, scan again on a real store (SQLite and PostgreSQL), export, verify; and no fake secret anywhere.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import type { Finding, Resource } from '../../src/core/types.js';
import { exportEvidence, signStoreHead } from '../../src/evidence/export.js';
import { loadOrCreateKeys } from '../../src/evidence/signing.js';
import { verifyPackage } from '../../src/evidence/verify.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { HARNESSES } from '../store/fixtures.js';
import { makeFakeSecrets, repoRoot, secretNeedles } from './fake-secrets.js';

const fake = makeFakeSecrets();
const needles = secretNeedles(fake.secrets);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function estate(): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'phiguard-evidence-'));
  dirs.push(root);
  mkdirSync(join(root, 'infra'));
  const file = join(root, 'infra', 'main.bicep');
  const lines = [...fake.lines].map(([name, value]) => `  // ${name}=${value}`);
  writeFileSync(
    file,
    [
      "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {",
      "  name: 'phistore01'",
      `  administratorLoginPassword: 'Xk9#pQ2!vL7z'`,
      "  minimumTlsVersion: 'TLS1_0'",
      ...lines,
      '}',
    ].join('\n'),
  );
  return { root, file };
}

function account(file: string, tls: string): Resource {
  const settings = [...fake.lines].map(([name, value]) => ({ name, value }));
  return {
    id: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/phistore01',
    type: 'Microsoft.Storage/storageAccounts',
    name: 'phistore01',
    location: 'eastus',
    properties: {
      minimumTlsVersion: tls,
      administratorLoginPassword: 'Xk9#pQ2!vL7z',
      description: [...fake.lines.values()].join(' '),
      appSettings: settings,
    } as Resource['properties'],
    origin: 'arm',
    address: 'sa',
    file,
    at: { file, line: 4, column: 3 },
  };
}

function finding(resource: Resource, status: Finding['status']): Finding {
  return {
    ruleId: 'PHI-STG-006',
    status,
    severity: 'high',
    title: 'Storage account accepts TLS versions below 1.2',
    message: `minimumTlsVersion is ${status === 'pass' ? 'TLS1_2' : 'TLS1_0'}; ${fake.lines.get('PG_URL')}`,
    hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
    resource: { id: resource.id, type: resource.type, name: resource.name, address: resource.address },
    location: { file: resource.file as string, line: 4, column: 3 },
    evidence: {
      path: 'properties.minimumTlsVersion',
      actual: status === 'pass' ? 'TLS1_2' : 'TLS1_0',
      expected: 'TLS1_2',
    },
    fingerprint: `fp-${status}`,
    phi: true,
  };
}

async function scanTwice(store: Store, root: string, file: string, keysDir: string) {
  for (const [day, tls, status, actor] of [
    [1, 'TLS1_0', 'fail', 'alice'],
    [2, 'TLS1_2', 'pass', 'bob'],
  ] as const) {
    const recorder = await store.beginScan({
      roots: [join(root, 'infra')],
      base: root,
      actor,
      toolVersion: '0.1.0',
      catalogVersion: 'c'.repeat(64),
      startedAt: new Date(`2026-03-0${day}T10:00:00Z`),
    });
    const resource = account(file, tls);
    recorder.add(finding(resource, status), resource);
    await recorder.commit({ finishedAt: new Date(`2026-03-0${day}T10:01:00Z`), incomplete: false, inputs: [] });
    await signStoreHead(store, keysDir, new Date(`2026-03-0${day}T10:02:00Z`));
  }
}

for (const harness of HARNESSES) {
  describe(`evidence export on ${harness().dialect}`, () => {
    it('exports before and after for the fixed finding, verifies, and leaks no secret into the store or package', async () => {
      const h = harness();
      const { root, file } = estate();
      const keysDir = join(root, '.phiguard', 'keys');
      const store = await h.open();
      try {
        await scanTwice(store, root, file, keysDir);
        const keys = loadOrCreateKeys(keysDir);
        const built = await exportEvidence({
          store,
          keys,
          actor: 'carol',
          now: new Date('2026-03-03T09:00:00Z'),
          tool: { name: 'phiguard', version: '0.1.0' },
          ruleTitle: () => 'Storage account accepts TLS versions below 1.2',
          packageName: 'ocr-package.zip',
        });
        assert.deepEqual(verifyPackage(built.zip, { publicKeyPem: keys.publicKeyPem }).problems, []);
        const files = unzipSync(built.zip);
        const dir = Object.keys(files)
          .find((p) => p.startsWith('evidence/PHI-STG-006-'))
          ?.replace(/\/[^/]+$/, '');
        assert.ok(dir, 'an evidence directory for the finding');
        const before = JSON.parse(strFromU8(files[`${dir}/before.json`]));
        const afterConfig = JSON.parse(strFromU8(files[`${dir}/after.json`]));
        assert.equal(before.config.properties.minimumTlsVersion, 'TLS1_0');
        assert.equal(afterConfig.config.properties.minimumTlsVersion, 'TLS1_2');
        assert.match(strFromU8(files[`${dir}/diff.patch`]), /\+\s+"minimumTlsVersion": "TLS1_2"/);
        assert.match(strFromU8(files['findings.csv']), /PHI-STG-006,.*,fixed,.*bob/);
        const entries = strFromU8(files['ledger/entries.jsonl']);
        assert.match(entries.trim().split('\n').at(-1) ?? '', /\\"kind\\":\\"export\\"/);
        const exported = (await store.lastLedgerEntry())?.event ?? '';
        assert.match(exported, /"kind":"export"/);

        const everything = [
          await h.dump(),
          ...Object.values(files).map((bytes) => Buffer.from(bytes).toString('latin1')),
        ];
        for (const needle of needles) {
          for (const text of everything) assert.ok(!text.includes(needle), `secret ${needle} leaked`);
        }
      } finally {
        await store.close();
        await h.cleanup();
      }
    });
  });
}

describe('phiguard evidence (CLI)', () => {
  const run = (cwd: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/helpers/cli-entry.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, PHIGUARD_TEST_CWD: cwd, PHIGUARD_NOW: '2026-03-03T09:00:00Z' },
      encoding: 'utf8',
    });

  it('exports, verifies (0), reports tampering (1) and non-packages (2), and prints no secret', async () => {
    const { root, file } = estate();
    const db = join(root, '.phiguard', 'phiguard.db');
    const store = await openStore(db);
    try {
      await scanTwice(store, root, file, join(root, '.phiguard', 'keys'));
    } finally {
      await store.close();
    }
    const outputs: string[] = [];
    const exported = run(root, ['evidence', 'export', '--out', 'ocr-package.zip', '--no-pdf', '--actor', 'carol']);
    outputs.push(exported.stdout, exported.stderr);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stderr, /wrote ocr-package\.zip: 2 scan\(s\), 1 finding\(s\)/);

    const verified = run(root, [
      'evidence',
      'verify',
      'ocr-package.zip',
      '--public-key',
      '.phiguard/keys/ledger-ed25519.pub.pem',
    ]);
    outputs.push(verified.stdout, verified.stderr);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^verified: ocr-package\.zip: \d+ files/);

    const zip = readFileSync(join(root, 'ocr-package.zip'));
    const files = unzipSync(zip);
    const path = Object.keys(files).find((p) => p.endsWith('/before.json')) as string;
    files[path] = new Uint8Array(Buffer.from(strFromU8(files[path]).replace('TLS1_0', 'TLS1_2')));
    const { zipPackage } = await import('../../src/evidence/zip.js');
    writeFileSync(join(root, 'tampered.zip'), zipPackage(new Map(Object.entries(files))));
    const tampered = run(root, ['evidence', 'verify', 'tampered.zip']);
    outputs.push(tampered.stdout, tampered.stderr);
    assert.equal(tampered.status, 1);
    assert.equal(tampered.stdout, `altered: ${path} (sha256 mismatch)\n`);

    writeFileSync(join(root, 'notes.txt'), 'hello');
    const notPackage = run(root, ['evidence', 'verify', 'notes.txt']);
    assert.equal(notPackage.status, 2);
    assert.equal(notPackage.stderr, 'phiguard: notes.txt: not an evidence package (not a zip file)\n');

    const badSince = run(root, ['evidence', 'export', '--out', 'x.zip', '--since', 'yesterday']);
    assert.equal(badSince.status, 2);
    assert.match(badSince.stderr, /^phiguard: --since is not a date/);

    for (const needle of needles)
      for (const text of outputs) assert.ok(!text.includes(needle), `secret ${needle} printed`);
  });
});

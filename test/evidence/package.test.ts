import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { buildPackage } from '../../src/evidence/package.js';
import { verifyPackage } from '../../src/evidence/verify.js';
import { fixtureInput, throwawayKeys } from './fixture.js';

const keys = throwawayKeys();

describe('evidence package', () => {
  it('verifies when fresh, with and without a pinned key', async () => {
    for (const priorEntries of [0, 1, 5, 13]) {
      const built = await buildPackage(fixtureInput(keys, { priorEntries }), keys);
      const result = verifyPackage(built.zip);
      assert.deepEqual(result.problems, [], `prior ${priorEntries}`);
      assert.ok(result.ok);
      assert.equal(result.summary.keyId, keys.fingerprint);
      assert.ok(verifyPackage(built.zip, { publicKeyPem: keys.publicKeyPem }).ok);
    }
  });

  it('holds the documented layout, before/after for the fixed finding, and no private key', async () => {
    const built = await buildPackage(fixtureInput(keys), keys);
    const files = unzipSync(built.zip);
    const paths = Object.keys(files);
    for (const path of [
      'manifest.json',
      'manifest.sig',
      'public-key.pem',
      'narrative.html',
      'findings.csv',
      'scans.json',
      'README.md',
      'ledger/entries.jsonl',
      'ledger/checkpoints.json',
    ]) {
      assert.ok(paths.includes(path), path);
    }
    const fixedDir = paths
      .find((p) => p.startsWith('evidence/PHI-STG-006-'))
      ?.split('/')
      .slice(0, 2)
      .join('/');
    assert.ok(fixedDir);
    for (const name of ['before.json', 'after.json', 'diff.patch', 'iac-excerpt.txt', 'finding.json']) {
      assert.ok(paths.includes(`${fixedDir}/${name}`), name);
    }
    const patch = strFromU8(files[`${fixedDir}/diff.patch`]);
    assert.match(patch, /-\s+"minimumTlsVersion": "TLS1_0"/);
    assert.match(patch, /\+\s+"minimumTlsVersion": "TLS1_2"/);
    assert.ok(!paths.some((p) => p.includes('/after.json') && p.startsWith('evidence/PHI-LOG-001')));
    const all = paths.map((p) => strFromU8(files[p])).join('\n');
    assert.ok(!all.includes('PRIVATE KEY'));
    const manifest = JSON.parse(strFromU8(files['manifest.json']));
    assert.deepEqual(
      manifest.files.map((f: { path: string }) => f.path),
      paths.filter((p) => p !== 'manifest.json' && p !== 'manifest.sig').sort(),
    );
    assert.equal(manifest.pdf.included, false);
  });

  it('groups the narrative by HIPAA section and states what was done, when and by whom', async () => {
    const built = await buildPackage(fixtureInput(keys), keys);
    const html = strFromU8(unzipSync(built.zip)['narrative.html']);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /45 CFR §164\.312\(e\)\(1\): Transmission security/);
    assert.match(html, /45 CFR §164\.312\(b\): Audit controls/);
    assert.match(html, /properties\.minimumTlsVersion: &#34;TLS1_0&#34; -&#62; &#34;TLS1_2&#34;/);
    assert.match(html, /Fixed: verified passing in scan 2 on 2026-03-03T10:00:00.000Z \(by bob\)/);
    assert.match(html, /Waived: vendor integration until migration; approved by ciso@example.org/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3)/);
  });

  it('is deterministic for the same input (apart from nothing)', async () => {
    const input = fixtureInput(keys);
    const a = await buildPackage(input, keys);
    const b = await buildPackage(input, keys);
    assert.deepEqual(a.zip, b.zip);
  });

  it('includes a PDF when a renderer provides one, and says so when it cannot', async () => {
    const withPdf = await buildPackage(fixtureInput(keys), keys, {
      renderPdf: async () => ({ pdf: new Uint8Array(Buffer.from('%PDF-1.7 test')) }),
    });
    assert.ok(unzipSync(withPdf.zip)['narrative.pdf']);
    assert.ok(verifyPackage(withPdf.zip).ok);
    const without = await buildPackage(fixtureInput(keys), keys, {
      renderPdf: async () => ({ reason: 'Chromium not found at /usr/bin/chromium' }),
    });
    const files = unzipSync(without.zip);
    assert.equal(files['narrative.pdf'], undefined);
    assert.match(strFromU8(files['README.md']), /narrative\.pdf not included: Chromium not found/);
    assert.match(strFromU8(files['manifest.json']), /"included":false/);
  });
});

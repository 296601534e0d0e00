// The Contoso Health Entra ID snapshot (examples/contoso-health/snapshot/contoso-health-entra.json) evaluated as a
// whole gives the seeded IAM verdicts of the example README.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../../src/core/config.js';
import { Inventory } from '../../../../src/core/inventory.js';
import type { Finding } from '../../../../src/core/types.js';
import { parseSnapshotText } from '../../../../src/ingest/snapshot/index.js';
import { IAM_RULES } from '../../../../src/rules/catalog/iam/index.js';
import { Engine } from '../../../../src/rules/engine.js';
import { type Held, MemoryHoldingArea, StreamingEvaluator } from '../../../../src/rules/stream.js';
import { DiskHoldingArea } from '../../../../src/scan/spill.js';

const EXAMPLE = new URL('../../../../examples/contoso-health/', import.meta.url);
const config = parseConfig(readFileSync(new URL('.phiguard.yaml', EXAMPLE), 'utf8'), '.phiguard.yaml');
const parsed = parseSnapshotText(
  readFileSync(new URL('snapshot/contoso-health-entra.json', EXAMPLE), 'utf8'),
  'contoso-health-entra.json',
);
const findings = new Engine(IAM_RULES, { config, includePassed: true }).evaluate(new Inventory(parsed.resources));
const verdicts = (ruleId: string, status: string) =>
  findings
    .filter((f) => f.ruleId === ruleId && f.status === status)
    .map((f) => f.resource.name)
    .sort();

describe('examples/contoso-health Entra ID snapshot', () => {
  it('parses without diagnostics, every record typed', () => {
    assert.deepEqual(parsed.diagnostics, []);
    assert.ok(parsed.resources.every((r) => r.type !== 'microsoft.graph/directoryObject'));
  });

  it('PHI-IAM-001: the EHR service principal (2 Graph application permissions) and the fax gateway grant fail', () => {
    const failures = findings.filter((f) => f.ruleId === 'PHI-IAM-001' && f.status === 'fail');
    assert.deepEqual(failures.map((f) => String(f.evidence.actual)).sort(), [
      'Directory.ReadWrite.All (19dbc75e-c2e2-444c-a770-ec69d8559fc7)',
      'Mail.Read (810c84a8-4a9e-49e6-bf7d-12d183f40d01)',
      'openid offline_access User.Read Mail.Send Files.Read.All',
    ]);
    assert.ok(failures.every((f) => f.status === 'fail'));
    assert.ok(verdicts('PHI-IAM-001', 'pass').includes('Contoso HR Directory Sync'));
  });

  it('PHI-IAM-002: the deployment service principal holds Owner at the subscription', () => {
    const [failure, ...rest] = findings.filter((f) => f.ruleId === 'PHI-IAM-002' && f.status === 'fail');
    assert.equal(rest.length, 0);
    assert.match(failure.message, /Owner at subscription scope \/subscriptions\/3f2c9a7e/);
  });

  it('PHI-IAM-003: the support engineer role can assign roles', () => {
    const failures = findings.filter((f) => f.ruleId === 'PHI-IAM-003' && f.status === 'fail');
    assert.equal(failures.length, 1);
    assert.match(
      failures[0].message,
      /"Contoso Support Engineer" grants "Microsoft.Authorization\/roleAssignments\/write"/,
    );
  });

  it('PHI-IAM-004: a guest reads the clinical document store', () => {
    const failures = findings.filter((f) => f.ruleId === 'PHI-IAM-004' && f.status === 'fail');
    assert.equal(failures.length, 1);
    assert.match(failures[0].message, /Storage Blob Data Reader .*stcontosoehrdocs is held by a guest user/);
  });

  it('PHI-IAM-005: the EHR app is excluded from CA001 and CA010 is report-only; the portal is covered', () => {
    assert.deepEqual(verdicts('PHI-IAM-005', 'fail'), [
      'CA001 - All users - Require MFA',
      'CA010 - EHR - Require MFA and 8h sign-in frequency (pilot)',
    ]);
    const pass = findings.find((f) => f.ruleId === 'PHI-IAM-005' && f.status === 'pass');
    assert.equal(pass?.evidence.actual, '4f7c2a9e-1b3d-4e5f-a6b7-c8d9e0f1a2b3');
  });

  it('PHI-IAM-006: no enforced sign-in frequency for either PHI app', () => {
    const failures = findings.filter((f) => f.ruleId === 'PHI-IAM-006' && f.status === 'fail');
    const about = (app: string) =>
      failures
        .filter((f) => f.message.includes(app))
        .map((f) => f.resource.name)
        .sort();
    assert.deepEqual(about('"Contoso EHR"'), [
      'CA001 - All users - Require MFA',
      'CA010 - EHR - Require MFA and 8h sign-in frequency (pilot)',
    ]);
    assert.deepEqual(about('"Contoso Patient Portal"'), ['CA001 - All users - Require MFA']);
    assert.equal(findings.filter((f) => f.ruleId === 'PHI-IAM-006' && f.status === 'pass').length, 0);
    assert.equal(findings.filter((f) => f.status === 'unknown').length, 0);
  });

  it('gives the same verdicts streamed, in file order and reversed, held in memory or spilled to disk', async () => {
    const key = (list: Finding[]) =>
      list.map((f) => `${f.ruleId} ${f.status} ${f.resource.id} ${f.evidence.path}`).sort();
    for (const order of [parsed.resources, [...parsed.resources].reverse()]) {
      for (const held of [new MemoryHoldingArea<Held>(), new DiskHoldingArea<Held>()]) {
        const streamed: Finding[] = [];
        const engine = new Engine(IAM_RULES, { config, includePassed: true });
        const evaluator = new StreamingEvaluator(engine, (f) => streamed.push(f), held);
        for (const resource of order) evaluator.push(resource);
        await evaluator.finish();
        assert.deepEqual(key(streamed), key(findings));
      }
    }
  });
});

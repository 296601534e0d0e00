// An in-memory estate history for package tests: three scans of one scope, a fixed, an open and a waived finding,
// with a real hash-chained ledger and checkpoints signed by a throwaway key.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LedgerEntry, type LedgerEvent, nextEntry } from '../../src/evidence/ledger.js';
import type { PackageInput, PackageSubject } from '../../src/evidence/model.js';
import { type Checkpoint, type LedgerKeys, loadOrCreateKeys, signCheckpoint } from '../../src/evidence/signing.js';

export function throwawayKeys(): LedgerKeys {
  return loadOrCreateKeys(join(mkdtempSync(join(tmpdir(), 'phiguard-keys-')), 'keys'));
}

const storage = (tls: string, extra: Record<string, unknown> = {}) => ({
  id: '/subscriptions/0000/resourceGroups/rg-phi/providers/Microsoft.Storage/storageAccounts/phistore01',
  type: 'Microsoft.Storage/storageAccounts',
  name: 'phistore01',
  location: 'eastus',
  properties: { minimumTlsVersion: tls, supportsHttpsTrafficOnly: true, ...extra },
});

export interface FixtureOptions {
  /** Extra text placed in configurations, excerpts and messages (the secret corpus). */
  secretText?: string;
  /** How many ledger entries precede the exported ones (so the package carries prefix subtrees). */
  priorEntries?: number;
}

export function fixtureInput(keys: LedgerKeys, options: FixtureOptions = {}): PackageInput {
  const secret = options.secretText ?? '';
  const at = (day: number) => `2026-03-0${day}T10:00:00.000Z`;
  const entries: LedgerEntry[] = [];
  const checkpoints: Checkpoint[] = [];
  const append = (event: LedgerEvent) => {
    entries.push(nextEntry(entries.at(-1), event));
  };
  const checkpoint = (day: number) => {
    checkpoints.push(
      signCheckpoint(
        keys,
        entries.map((e) => e.hash),
        new Date(at(day)),
      ),
    );
  };
  for (let i = 0; i < (options.priorEntries ?? 0); i++) {
    append({ kind: 'scan', at: at(1), actor: 'old', data: { scan: -i, scope: 'other' } });
  }
  const priorCount = entries.length;
  const scanIds = [1, 2, 3];
  for (const [index, scan] of scanIds.entries()) {
    append({ kind: 'scan', at: at(index + 2), actor: 'alice', data: { scan, scope: 'infra' } });
    append({ kind: 'status', at: at(index + 2), actor: 'alice', data: { scan, changes: [['k1', 'open', 'fixed']] } });
    checkpoint(index + 2);
  }
  append({ kind: 'export', at: at(6), actor: 'carol', data: { scope: 'infra', scans: scanIds } });
  checkpoint(6);

  const base = {
    severity: 'high',
    file: 'infra/main.bicep',
    reopenCount: 0,
    waiver: null,
  } as const;
  const subjects: PackageSubject[] = [
    {
      ...base,
      subjectKey: 'a'.repeat(64),
      ruleId: 'PHI-STG-006',
      title: 'Storage account accepts TLS versions below 1.2',
      hipaa: ['164.312(e)(1)', '164.312(e)(2)(ii)'],
      resource: {
        id: storage('').id,
        type: 'Microsoft.Storage/storageAccounts',
        name: 'phistore01',
        address: 'phistore01',
      },
      state: 'fixed',
      message: `minimumTlsVersion is TLS1_0 ${secret}`,
      firstSeen: { scanId: 1, at: at(2), actor: 'alice' },
      lastSeen: { scanId: 1, at: at(2), actor: 'alice' },
      fixed: { scanId: 2, at: at(3), actor: 'bob', reason: 'passed' },
      before: {
        scanId: 1,
        at: at(2),
        config: storage('TLS1_0', { note: secret, connection: secret }),
        excerpt: { file: 'infra/main.bicep', startLine: 3, text: `  minimumTlsVersion: 'TLS1_0'\n  // ${secret}\n` },
      },
      after: {
        scanId: 2,
        at: at(3),
        config: storage('TLS1_2', { note: secret }),
        excerpt: { file: 'infra/main.bicep', startLine: 3, text: "  minimumTlsVersion: 'TLS1_2'\n" },
      },
    },
    {
      ...base,
      subjectKey: 'b'.repeat(64),
      ruleId: 'PHI-LOG-001',
      title: 'Diagnostic settings missing',
      hipaa: ['164.312(b)'],
      resource: {
        id: storage('').id,
        type: 'Microsoft.Storage/storageAccounts',
        name: 'phistore01',
        address: 'phistore01',
      },
      state: 'open',
      message: 'no diagnostic settings send logs to a workspace',
      firstSeen: { scanId: 1, at: at(2), actor: 'alice' },
      lastSeen: { scanId: 3, at: at(4), actor: 'alice' },
      fixed: null,
      before: { scanId: 1, at: at(2), config: storage('TLS1_0'), excerpt: null },
      after: null,
    },
    {
      ...base,
      subjectKey: 'c'.repeat(64),
      ruleId: 'PHI-NET-002',
      title: 'Public network access enabled',
      hipaa: ['164.312(e)(1)'],
      resource: {
        id: storage('').id,
        type: 'Microsoft.Storage/storageAccounts',
        name: 'phistore01',
        address: 'phistore01',
      },
      state: 'waived',
      message: 'publicNetworkAccess is Enabled',
      firstSeen: { scanId: 1, at: at(2), actor: 'alice' },
      lastSeen: { scanId: 3, at: at(4), actor: 'alice' },
      fixed: null,
      waiver: {
        reason: 'vendor integration until migration',
        expires: '2026-06-30',
        approver: 'ciso@example.org',
        source: 'file',
        at: '.phiguard/waivers.yaml:3',
        state: 'active',
      },
      before: { scanId: 1, at: at(2), config: storage('TLS1_2'), excerpt: null },
      after: null,
    },
  ];
  return {
    generatedAt: at(6),
    generatedBy: 'carol',
    tool: { name: 'phiguard', version: '0.1.0' },
    scope: 'infra',
    since: null,
    scans: scanIds.map((id, index) => ({
      id,
      scope: 'infra',
      startedAt: at(index + 2),
      finishedAt: at(index + 2),
      actor: 'alice',
      toolVersion: '0.1.0',
      catalogVersion: 'f'.repeat(64),
      status: 'complete',
      counts: {
        fail: 2,
        unknown: 0,
        waived: 1,
        new: index === 0 ? 3 : 0,
        open: 2,
        reopened: 0,
        fixed: index === 1 ? 1 : 0,
      },
      inputs: [{ path: 'infra/main.bicep', sha256: 'e'.repeat(64) }],
      ledgerSeq: priorCount + 1 + index * 2,
    })),
    subjects,
    ledger: {
      entries: entries.slice(priorCount),
      priorHashes: entries.slice(0, priorCount).map((e) => e.hash),
      checkpoints: checkpoints.filter((c) => c.treeSize >= priorCount),
    },
  };
}

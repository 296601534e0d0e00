// One repository test suite, two dialects: every test gets a fresh store, SQLite in a temporary directory or a
// fresh PostgreSQL schema (dropped afterwards). PostgreSQL must be reachable (CI starts it): its tests fail, never skip.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Finding, Resource, Severity } from '../../src/core/types.js';
import { openStore } from '../../src/store/index.js';
import type { ScanStart, Store } from '../../src/store/types.js';

export const PG_URL = process.env.PHIGUARD_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Harness {
  dialect: 'sqlite' | 'postgres';
  /** Opens the store of this test (again: the same file or schema). */
  open(): Promise<Store>;
  /** Every byte the store holds, as text: the SQLite file and its WAL, or every PostgreSQL row. */
  dump(): Promise<string>;
  cleanup(): Promise<void>;
}

export function sqliteHarness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-store-'));
  const file = join(dir, 'nested', 'phiguard.db');
  return {
    dialect: 'sqlite',
    open: () => openStore(file),
    async dump() {
      const { readFileSync, existsSync } = await import('node:fs');
      return ['', '-wal', '-shm']
        .filter((suffix) => existsSync(file + suffix))
        .map((suffix) => readFileSync(file + suffix).toString('latin1'))
        .join('\n');
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresHarness(): Harness {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    dialect: 'postgres',
    open: () => openStore(PG_URL, { schema }),
    async dump() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        );
        const parts: string[] = [];
        for (const { table_name } of tables.rows) {
          const rows = await client.query(`SELECT t::text AS row FROM ${schema}."${table_name}" t`);
          for (const row of rows.rows) parts.push(row.row);
        }
        return parts.join('\n');
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export const HARNESSES = [sqliteHarness, postgresHarness];

export function start(overrides: Partial<ScanStart> = {}): ScanStart {
  return {
    roots: ['/estate/infra'],
    base: '/estate',
    actor: 'alice',
    toolVersion: '1.2.3',
    catalogVersion: 'c'.repeat(64),
    startedAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

/** A storage account as an adapter would produce it, declared in /estate/infra/main.json. */
export function account(name: string, properties: Record<string, unknown> = {}): Resource {
  return {
    id: `/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/${name}`,
    type: 'Microsoft.Storage/storageAccounts',
    name,
    location: 'eastus',
    properties: { minimumTlsVersion: 'TLS1_0', ...properties } as Resource['properties'],
    origin: 'arm',
    address: `resources[${name}]`,
    file: '/estate/infra/main.json',
    at: { file: '/estate/infra/main.json', line: 3, column: 5 },
  };
}

/** A finding of `ruleId` on `resource`, with `status` and an evidence value that makes its fingerprint. */
export function finding(
  resource: Resource,
  ruleId: string,
  status: Finding['status'],
  extra: Partial<Finding> = {},
): Finding {
  const severity: Severity = 'high';
  return {
    ruleId,
    status,
    severity,
    title: `${ruleId} title`,
    message: `${resource.name}: ${ruleId} ${status}`,
    hipaa: ['164.312(e)(1)'],
    resource: { id: resource.id, type: resource.type, name: resource.name, address: resource.address },
    location: { file: '/estate/infra/main.json', line: 7, column: 9 },
    evidence: {
      path: 'properties.minimumTlsVersion',
      actual: status === 'pass' ? 'TLS1_2' : 'TLS1_0',
      expected: 'TLS1_2',
    },
    fingerprint: `${ruleId}-${resource.name}-${status}`,
    phi: true,
    ...extra,
  };
}

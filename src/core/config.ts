// The effective configuration (`.phiguard.yaml`, shape from spec/rules.yaml catalog.config_schema).
// Parsing and validation live in src/config/load.ts; this module only holds the types and the defaults.

export interface PhiSelectors {
  /** Tag name -> accepted values (case-insensitive); any match marks the resource PHI. */
  tags: Record<string, string[]>;
  resourceGroups: string[];
  /** Explicit ARM ids or Terraform addresses. */
  resourceIds: string[];
  /** Globs on resource names. */
  namePatterns: string[];
}

export interface Config {
  /** Where the config came from, or null when no file was found (emergency mode). */
  source: string | null;
  classification: {
    /** `phi`: everything is PHI until classified (emergency mode, conservative). */
    default: 'phi' | 'non-phi';
    phi: PhiSelectors;
    alwaysPhiTypes: string[];
    propagate: boolean;
  };
  retention: {
    auditLogs: { minDays: number; requireLockedImmutability: boolean };
    softDeleteMinDays: number;
  };
  network: {
    dbPorts: string[];
    managementPorts: string[];
    internetSources: string[];
    /** DB firewall ranges at least this large count as "the entire internet" (a /8 by default). */
    wideRangeMinAddresses: number;
  };
  scan: {
    failOn: Severity | 'none';
    exclude: string[];
  };
}

import type { Severity } from './types.js';

/** Database ports (rules.yaml PHI-NET-001): SQL incl. 11000-11999 redirect, MySQL, PostgreSQL/pgbouncer, Mongo, Cassandra, Redis, Oracle, Elastic. */
export const DEFAULT_DB_PORTS = [
  '1433',
  '1434/udp',
  '11000-11999',
  '3306',
  '33060',
  '5432',
  '6432',
  '27017',
  '10255',
  '10350',
  '9042',
  '6379',
  '6380',
  '1521',
  '9200',
];

export function defaultConfig(): Config {
  return {
    source: null,
    classification: {
      default: 'phi',
      phi: { tags: { 'data-classification': ['phi', 'ephi'] }, resourceGroups: [], resourceIds: [], namePatterns: [] },
      alwaysPhiTypes: ['Microsoft.HealthcareApis/workspaces/fhirservices', 'Microsoft.HealthcareApis/services'],
      propagate: true,
    },
    retention: {
      // 6 years as Log Analytics accepts it (rules.yaml conventions.years_to_days).
      auditLogs: { minDays: 2191, requireLockedImmutability: true },
      softDeleteMinDays: 7,
    },
    network: {
      dbPorts: [...DEFAULT_DB_PORTS],
      managementPorts: ['22', '3389'],
      internetSources: ['*', 'Internet', 'Any', '0.0.0.0', '0.0.0.0/0', '::/0'],
      wideRangeMinAddresses: 16_777_216,
    },
    scan: { failOn: 'high', exclude: [] },
  };
}

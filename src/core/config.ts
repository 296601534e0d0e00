// The effective configuration (`.phiguard.yaml`, shape from spec/rules.yaml catalog.config_schema): types,
// defaults, and parsing with errors that name the file and line. Finding the file is the CLI's job.
import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import { ConfigError, LineIndex } from './errors.js';

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
    /** Globs (relative to the scanned root) that discovery skips, in addition to .gitignore. */
    exclude: string[];
  };
  /** Sections later issues read (iam, logging, defender, terraform, retention.data_classes...), kept as written. */
  extra: Record<string, unknown>;
}

import { SEVERITIES, type Severity } from './types.js';

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
    extra: {},
  };
}

const TOP_LEVEL_KEYS = new Set([
  'classification',
  'retention',
  'network',
  'iam',
  'logging',
  'defender',
  'terraform',
  'scan',
]);

/** Parses `.phiguard.yaml` text into the effective config; every problem is a ConfigError at its line. */
export function parseConfig(text: string, file: string): Config {
  const config = defaultConfig();
  config.source = file;
  const lines = new LineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, column } = lines.at(firstError.pos[0]);
    throw new ConfigError(firstError.message.split('\n')[0], { file, line, column });
  }
  const errorAt = (node: Node | null | undefined, message: string, hint?: string): ConfigError => {
    const offset = node?.range?.[0];
    const where = offset === undefined ? {} : lines.at(offset);
    return new ConfigError(message, { file, ...where }, hint);
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return config;
  if (!isMap(root)) throw errorAt(root, 'the config must be a mapping of sections');

  const section = (key: string): Node | undefined => {
    const node = doc.get(key, true) as Node | undefined;
    if (node !== undefined && node !== null && !isMap(node)) throw errorAt(node, `${key} must be a mapping`);
    return node ?? undefined;
  };
  const at = (path: string[]): Node | undefined => (doc.getIn(path, true) as Node | undefined) ?? undefined;
  const string = (path: string[]): string | undefined => {
    const node = at(path);
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'string') throw errorAt(node, `${path.join('.')} must be a string`);
    return node.value;
  };
  const stringList = (path: string[]): string[] | undefined => {
    const node = at(path);
    if (node === undefined) return undefined;
    if (!isSeq(node)) throw errorAt(node, `${path.join('.')} must be a list`);
    return node.items.map((item) => {
      if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
        throw errorAt(item as Node, `${path.join('.')} entries must be strings`);
      }
      return String(item.value);
    });
  };
  const integer = (path: string[], min: number): number | undefined => {
    const node = at(path);
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min) {
      throw errorAt(node, `${path.join('.')} must be an integer >= ${min}`);
    }
    return node.value;
  };
  const boolean = (path: string[]): boolean | undefined => {
    const node = at(path);
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean')
      throw errorAt(node, `${path.join('.')} must be true or false`);
    return node.value;
  };
  const oneOf = <T extends string>(path: string[], allowed: readonly T[]): T | undefined => {
    const value = string(path);
    if (value === undefined) return undefined;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (!match) throw errorAt(at(path), `${path.join('.')} must be one of ${allowed.join(', ')}`, `got "${value}"`);
    return match;
  };

  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!TOP_LEVEL_KEYS.has(key)) {
      throw errorAt(pair.key as Node, `unknown section "${key}"`, `expected one of ${[...TOP_LEVEL_KEYS].join(', ')}`);
    }
    section(key);
  }

  const classification = config.classification;
  const explicitDefault = oneOf(['classification', 'default'], ['phi', 'non-phi'] as const);
  const tags = at(['classification', 'phi', 'tags']);
  if (tags !== undefined) {
    if (!isMap(tags)) throw errorAt(tags, 'classification.phi.tags must map tag names to lists of values');
    classification.phi.tags = {};
    for (const pair of tags.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const values = pair.value as Node | null;
      if (isScalar(values) && typeof values.value === 'string') classification.phi.tags[name] = [values.value];
      else if (isSeq(values))
        classification.phi.tags[name] = values.items.map((v) => String(isScalar(v) ? v.value : ''));
      else throw errorAt(values ?? (pair.key as Node), `classification.phi.tags.${name} must be a value or a list`);
    }
  }
  classification.phi.resourceGroups = stringList(['classification', 'phi', 'resource_groups']) ?? [];
  classification.phi.resourceIds = stringList(['classification', 'phi', 'resource_ids']) ?? [];
  classification.phi.namePatterns = stringList(['classification', 'phi', 'name_patterns']) ?? [];
  classification.alwaysPhiTypes = stringList(['classification', 'always_phi_types']) ?? classification.alwaysPhiTypes;
  classification.propagate = boolean(['classification', 'propagate']) ?? classification.propagate;
  // A config that classifies resources means "only these are PHI" unless it says otherwise; with no config at all
  // every resource is PHI (emergency mode).
  const selects =
    tags !== undefined ||
    classification.phi.resourceGroups.length > 0 ||
    classification.phi.resourceIds.length > 0 ||
    classification.phi.namePatterns.length > 0;
  classification.default = explicitDefault ?? (selects ? 'non-phi' : 'phi');

  config.retention.auditLogs.minDays = integer(['retention', 'audit_logs', 'min_days'], 1) ?? 2191;
  config.retention.auditLogs.requireLockedImmutability =
    boolean(['retention', 'audit_logs', 'require_locked_immutability']) ?? true;
  config.retention.softDeleteMinDays = integer(['retention', 'soft_delete_min_days'], 1) ?? 7;

  config.network.dbPorts = stringList(['network', 'db_ports']) ?? config.network.dbPorts;
  config.network.managementPorts = stringList(['network', 'management_ports']) ?? config.network.managementPorts;
  config.network.internetSources = stringList(['network', 'internet_sources']) ?? config.network.internetSources;
  config.network.wideRangeMinAddresses =
    integer(['network', 'wide_range_min_addresses'], 1) ?? config.network.wideRangeMinAddresses;

  config.scan.failOn = oneOf(['scan', 'fail_on'], [...SEVERITIES, 'none'] as const) ?? config.scan.failOn;
  config.scan.exclude = stringList(['scan', 'exclude']) ?? [];

  const plain = doc.toJS() as Record<string, unknown>;
  for (const key of ['iam', 'logging', 'defender', 'terraform']) if (key in plain) config.extra[key] = plain[key];
  const retention = plain.retention as Record<string, unknown> | undefined;
  for (const key of ['data_classes', 'default_phi_class', 'backups', 'legal_hold_overrides_max']) {
    if (retention && key in retention) config.extra[`retention.${key}`] = retention[key];
  }
  return config;
}

/** The effective config as the user would write it (`--show-config`). */
export function configToYamlObject(config: Config): Record<string, unknown> {
  return {
    source: config.source ?? '(none: emergency mode, every resource is PHI)',
    classification: {
      default: config.classification.default,
      phi: {
        tags: config.classification.phi.tags,
        resource_groups: config.classification.phi.resourceGroups,
        resource_ids: config.classification.phi.resourceIds,
        name_patterns: config.classification.phi.namePatterns,
      },
      always_phi_types: config.classification.alwaysPhiTypes,
      propagate: config.classification.propagate,
    },
    retention: {
      audit_logs: {
        min_days: config.retention.auditLogs.minDays,
        require_locked_immutability: config.retention.auditLogs.requireLockedImmutability,
      },
      soft_delete_min_days: config.retention.softDeleteMinDays,
    },
    network: {
      db_ports: config.network.dbPorts,
      management_ports: config.network.managementPorts,
      internet_sources: config.network.internetSources,
      wide_range_min_addresses: config.network.wideRangeMinAddresses,
    },
    scan: { fail_on: config.scan.failOn, exclude: config.scan.exclude },
    ...config.extra,
  };
}

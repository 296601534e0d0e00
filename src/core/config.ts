// The effective configuration (`.phiguard.yaml`, shape from spec/rules.yaml catalog.config_schema): types,
// defaults, and parsing with errors that name the file and line. Finding the file is the CLI's job.
import { isMap, isScalar, isSeq, type Node, parseDocument, type YAMLMap } from 'yaml';
import { ConfigError, LineIndex } from './errors.js';
import { SEVERITIES, type Severity } from './types.js';

export interface PhiSelectors {
  /** Tag name -> accepted values (case-insensitive); any match marks the resource PHI. */
  tags: Record<string, string[]>;
  resourceGroups: string[];
  /** Explicit ARM ids or Terraform addresses. */
  resourceIds: string[];
  /** Globs on resource names. */
  namePatterns: string[];
}

/** One class of the PHI retention schedule: which data it covers and how long it must (and may) be kept. */
export interface DataClass {
  name: string;
  match: { tags: Record<string, string[]>; containers: string[] };
  /** Deleting before this many years is a conflict. */
  minYears: number;
  /** Keeping past this many years is unauthorized persistence; null = no maximum. */
  maxYears: number | null;
}

/** A rule exception for one subject (iam.exceptions); an expired one no longer applies (fail closed). */
export interface RuleException {
  rule: string;
  subject: string;
  reason: string;
  expires?: string;
  ticket?: string;
  approver?: string;
  /** Where the entry is written in the config, so a waived finding can point at it. */
  at?: { line: number; column: number };
}

/** Waiver fields that `waivers.require` can make mandatory (a reason always is). */
export const WAIVER_FIELDS = ['expires', 'ticket', 'approver'] as const;
export type WaiverField = (typeof WAIVER_FIELDS)[number];

/** A `YYYY-MM-DD` calendar date as UTC midnight, or undefined when malformed (2026-02-30 included). */
export function calendarDate(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : undefined;
}

export interface Config {
  /** Where the config came from, or null when no file was found (emergency mode). */
  source: string | null;
  classification: {
    /** `phi`: everything is PHI until classified (emergency mode, conservative). */
    default: 'phi' | 'non-phi';
    phi: PhiSelectors;
    alwaysPhiTypes: string[];
    /** PHI-ness flows to CMK key vaults, backup vaults, audit-log workspaces and FHIR export accounts of PHI resources. */
    propagate: boolean;
    /** Entra applications that access PHI (IAM rules). */
    phiApps: { appId: string; name?: string }[];
    /** API Management API ids that front PHI; empty = every API of a PHI API Management service. */
    phiApis: string[];
  };
  retention: {
    auditLogs: { minDays: number; requireLockedImmutability: boolean };
    /** Blob soft-delete minimum (PHI-BAK-002). */
    softDeleteMinDays: number;
    dataClasses: DataClass[];
    /** Class applied to PHI resources no class matches. */
    defaultPhiClass: string;
    backups: { role: 'operational' | 'archive'; maxGraceDays: number };
    legalHoldOverridesMax: boolean;
  };
  network: {
    dbPorts: string[];
    managementPorts: string[];
    internetSources: string[];
    /** DB firewall ranges at least this large count as "the entire internet" (a /8 by default). */
    wideRangeMinAddresses: number;
  };
  iam: {
    breakGlassObjectIds: string[];
    privilegedRoles: string[];
    /** `default` = the list in PHI-IAM-001; otherwise permission names or GUIDs. */
    graphHighRiskPermissions: 'default' | string[];
    exceptions: RuleException[];
    maxSignInFrequencyHours: number;
    acceptCompliantDeviceAsMfa: boolean;
  };
  logging: {
    auditWorkspaceIds: string[];
    auditStorageAccounts: string[];
    /** true: missing diagnostic settings in IaC are unknown (a DINE policy deploys them) instead of failing. */
    diagnosticsManagedByPolicy: boolean;
  };
  defender: {
    /** `auto` = the plans for PHI resource types present in the scan. */
    requiredPlans: 'auto' | string[];
  };
  terraform: {
    assumeAzurermMajor: 'auto' | 3 | 4 | 5;
  };
  scan: {
    failOn: Severity | 'none';
    /** Globs (relative to the scanned root) that discovery skips, in addition to .gitignore. */
    exclude: string[];
  };
  /** Who may waive what (src/governance/waivers.ts). */
  waivers: {
    /** Inline waivers (comments, ARM metadata) for these rules (globs) or severities are ignored and reported. */
    inline: { forbidRules: string[]; forbidSeverities: Severity[] };
    /** Fields every waiver must carry besides its reason. */
    require: WaiverField[];
  };
}

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
      phiApps: [],
      phiApis: [],
    },
    retention: {
      // 6 years as Log Analytics accepts it (rules.yaml conventions.years_to_days).
      auditLogs: { minDays: 2191, requireLockedImmutability: true },
      softDeleteMinDays: 7,
      // rules.yaml config_schema example: clinical records 6 to 10 years unless the organisation says otherwise.
      dataClasses: [
        {
          name: 'phi-clinical',
          match: { tags: { 'data-class': ['phi-clinical'] }, containers: [] },
          minYears: 6,
          maxYears: 10,
        },
      ],
      defaultPhiClass: 'phi-clinical',
      backups: { role: 'operational', maxGraceDays: 0 },
      legalHoldOverridesMax: true,
    },
    network: {
      dbPorts: [...DEFAULT_DB_PORTS],
      managementPorts: ['22', '3389'],
      internetSources: ['*', 'Internet', 'Any', '0.0.0.0', '0.0.0.0/0', '::/0'],
      wideRangeMinAddresses: 16_777_216,
    },
    iam: {
      breakGlassObjectIds: [],
      privilegedRoles: ['Owner', 'Contributor', 'User Access Administrator', 'Role Based Access Control Administrator'],
      graphHighRiskPermissions: 'default',
      exceptions: [],
      maxSignInFrequencyHours: 12,
      acceptCompliantDeviceAsMfa: false,
    },
    logging: { auditWorkspaceIds: [], auditStorageAccounts: [], diagnosticsManagedByPolicy: false },
    defender: { requiredPlans: 'auto' },
    terraform: { assumeAzurermMajor: 'auto' },
    scan: { failOn: 'high', exclude: [] },
    waivers: { inline: { forbidRules: [], forbidSeverities: [] }, require: [] },
  };
}

const SECTIONS: Record<string, string[]> = {
  classification: ['default', 'phi', 'always_phi_types', 'propagate', 'phi_apps', 'phi_apis'],
  retention: [
    'audit_logs',
    'soft_delete_min_days',
    'data_classes',
    'default_phi_class',
    'backups',
    'legal_hold_overrides_max',
  ],
  network: ['db_ports', 'management_ports', 'internet_sources', 'wide_range_min_addresses'],
  iam: [
    'break_glass_object_ids',
    'privileged_roles',
    'graph_high_risk_permissions',
    'exceptions',
    'max_sign_in_frequency_hours',
    'accept_compliant_device_as_mfa',
  ],
  logging: ['audit_workspace_ids', 'audit_storage_accounts', 'diagnostics_managed_by_policy'],
  defender: ['required_plans'],
  terraform: ['assume_azurerm_major'],
  scan: ['fail_on', 'exclude'],
  waivers: ['inline', 'require'],
};

/** Typed access to a parsed YAML document; every mistake becomes a ConfigError at the offending node's line. */
export class Reader {
  private readonly lines: LineIndex;
  constructor(
    private readonly doc: ReturnType<typeof parseDocument>,
    text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  error(node: Node | null | undefined, message: string, hint?: string): ConfigError {
    const offset = node?.range?.[0];
    return new ConfigError(message, { file: this.file, ...(offset === undefined ? {} : this.lines.at(offset)) }, hint);
  }

  /** Line and column of a node, for values that point back at the config (a waiver's source). */
  where(node: Node | null | undefined): { line: number; column: number } | undefined {
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : this.lines.at(offset);
  }

  /** A `YYYY-MM-DD` date; a malformed one is an error at its line (an unreadable expiry must not read as "never"). */
  date(path: string[]): string | undefined {
    const value = this.string(path);
    if (value !== undefined && !calendarDate(value)) {
      throw this.error(this.node(path), `${path.join('.')} must be a date YYYY-MM-DD`, `got "${value}"`);
    }
    return value;
  }

  /** A list whose entries must each be one of `allowed`; a wrong entry is an error at its own line. */
  listOf<T extends string>(path: string[], allowed: readonly T[]): T[] | undefined {
    const node = this.node(path);
    const values = this.strings(path, node);
    if (values === undefined) return undefined;
    return values.map((value, index) => {
      const match = allowed.find((a) => a === value.toLowerCase());
      if (!match) {
        const item = isSeq(node) ? (node.items[index] as Node) : node;
        throw this.error(item, `${path.join('.')} entries must be one of ${allowed.join(', ')}`, `got "${value}"`);
      }
      return match;
    });
  }

  node(path: (string | number)[]): Node | undefined {
    return (this.doc.getIn(path, true) as Node | null | undefined) ?? undefined;
  }

  map(path: string[]): YAMLMap | undefined {
    const node = this.node(path);
    if (node === undefined || (isScalar(node) && node.value === null)) return undefined;
    if (!isMap(node)) throw this.error(node, `${path.join('.')} must be a mapping`);
    return node;
  }

  string(path: string[], node = this.node(path)): string | undefined {
    if (node === undefined) return undefined;
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      throw this.error(node, `${path.join('.')} must be a string`);
    }
    return String(node.value);
  }

  strings(path: string[], node = this.node(path)): string[] | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && node.value === null) return [];
    if (!isSeq(node)) throw this.error(node, `${path.join('.')} must be a list`);
    return node.items.map((item) => {
      if (!isScalar(item) || (typeof item.value !== 'string' && typeof item.value !== 'number')) {
        throw this.error(item as Node, `${path.join('.')} entries must be strings`);
      }
      return String(item.value);
    });
  }

  integer(path: string[], min: number, node = this.node(path)): number | undefined {
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value) || node.value < min) {
      throw this.error(node, `${path.join('.')} must be an integer >= ${min}`);
    }
    return node.value;
  }

  number(path: string[], node = this.node(path)): number | null | undefined {
    if (node === undefined) return undefined;
    if (isScalar(node) && node.value === null) return null;
    if (!isScalar(node) || typeof node.value !== 'number' || node.value < 0) {
      throw this.error(node, `${path.join('.')} must be a number >= 0 (or null)`);
    }
    return node.value;
  }

  boolean(path: string[]): boolean | undefined {
    const node = this.node(path);
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'boolean')
      throw this.error(node, `${path.join('.')} must be true or false`);
    return node.value;
  }

  oneOf<T extends string>(path: string[], allowed: readonly T[]): T | undefined {
    const value = this.string(path);
    if (value === undefined) return undefined;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (!match)
      throw this.error(this.node(path), `${path.join('.')} must be one of ${allowed.join(', ')}`, `got "${value}"`);
    return match;
  }

  /** `{ tag: [values] }` or `{ tag: value }`. */
  tagMap(path: string[]): Record<string, string[]> | undefined {
    const node = this.map(path);
    if (!node) return undefined;
    const tags: Record<string, string[]> = {};
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      tags[name] =
        isScalar(value) && value.value !== null
          ? [String(value.value)]
          : (this.strings([...path, name], value ?? undefined) ?? []);
    }
    return tags;
  }

  /** Rejects keys a section does not define: a typo must not silently fall back to a default. */
  checkKeys(path: string[], allowed: readonly string[]): void {
    const node = this.map(path);
    if (!node) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) {
        throw this.error(
          pair.key as Node,
          `unknown key "${[...path, key].join('.')}"`,
          `expected one of ${allowed.join(', ')}`,
        );
      }
    }
  }
}

/** Parses `.phiguard.yaml` text into the effective config; every problem is a ConfigError at its line. */
export function parseConfig(text: string, file: string): Config {
  const config = defaultConfig();
  config.source = file;
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, column } = new LineIndex(text).at(firstError.pos[0]);
    throw new ConfigError(firstError.message.split('\n')[0], { file, line, column });
  }
  const read = new Reader(doc, text, file);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return config;
  if (!isMap(root)) throw read.error(root, 'the config must be a mapping of sections');
  read.checkKeys([], Object.keys(SECTIONS));
  for (const [section, keys] of Object.entries(SECTIONS)) read.checkKeys([section], keys);

  const { classification, retention, network, iam, logging } = config;
  const explicitDefault = read.oneOf(['classification', 'default'], ['phi', 'non-phi'] as const);
  read.checkKeys(['classification', 'phi'], ['tags', 'resource_groups', 'resource_ids', 'name_patterns']);
  const tags = read.tagMap(['classification', 'phi', 'tags']);
  if (tags) classification.phi.tags = tags;
  classification.phi.resourceGroups = read.strings(['classification', 'phi', 'resource_groups']) ?? [];
  classification.phi.resourceIds = read.strings(['classification', 'phi', 'resource_ids']) ?? [];
  classification.phi.namePatterns = read.strings(['classification', 'phi', 'name_patterns']) ?? [];
  classification.alwaysPhiTypes = read.strings(['classification', 'always_phi_types']) ?? classification.alwaysPhiTypes;
  classification.propagate = read.boolean(['classification', 'propagate']) ?? classification.propagate;
  classification.phiApps = listOfMaps(read, ['classification', 'phi_apps'], ['app_id', 'name'], (path) => ({
    appId: required(read, [...path, 'app_id']),
    name: read.string([...path, 'name']),
  }));
  classification.phiApis = read.strings(['classification', 'phi_apis']) ?? [];
  // A config that classifies resources means "only these are PHI" unless it says otherwise; with no config at all
  // every resource is PHI (emergency mode).
  const selects =
    tags !== undefined ||
    classification.phi.resourceGroups.length > 0 ||
    classification.phi.resourceIds.length > 0 ||
    classification.phi.namePatterns.length > 0;
  classification.default = explicitDefault ?? (selects ? 'non-phi' : 'phi');

  read.checkKeys(['retention', 'audit_logs'], ['min_days', 'require_locked_immutability']);
  retention.auditLogs.minDays = read.integer(['retention', 'audit_logs', 'min_days'], 1) ?? retention.auditLogs.minDays;
  retention.auditLogs.requireLockedImmutability =
    read.boolean(['retention', 'audit_logs', 'require_locked_immutability']) ?? true;
  retention.softDeleteMinDays = read.integer(['retention', 'soft_delete_min_days'], 1) ?? retention.softDeleteMinDays;
  const classes = read.map(['retention', 'data_classes']);
  if (classes) {
    retention.dataClasses = classes.items.map((pair) => {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const path = ['retention', 'data_classes', name];
      read.checkKeys(path, ['match', 'min_years', 'max_years']);
      read.checkKeys([...path, 'match'], ['tags', 'containers']);
      const minYears = read.number([...path, 'min_years']);
      const maxYears = read.number([...path, 'max_years']);
      if (minYears === undefined || minYears === null)
        throw read.error(pair.key as Node, `${path.join('.')} needs min_years`);
      if (maxYears !== undefined && maxYears !== null && maxYears < minYears) {
        throw read.error(read.node([...path, 'max_years']), `${path.join('.')}.max_years is below min_years`);
      }
      return {
        name,
        match: {
          tags: read.tagMap([...path, 'match', 'tags']) ?? {},
          containers: read.strings([...path, 'match', 'containers']) ?? [],
        },
        minYears,
        maxYears: maxYears ?? null,
      };
    });
  }
  retention.defaultPhiClass = read.string(['retention', 'default_phi_class']) ?? retention.defaultPhiClass;
  if (!retention.dataClasses.some((c) => c.name === retention.defaultPhiClass)) {
    throw read.error(
      read.node(['retention', 'default_phi_class']) ?? read.node(['retention', 'data_classes']),
      `retention.default_phi_class "${retention.defaultPhiClass}" is not one of retention.data_classes`,
    );
  }
  read.checkKeys(['retention', 'backups'], ['role', 'max_grace_days']);
  retention.backups.role =
    read.oneOf(['retention', 'backups', 'role'], ['operational', 'archive'] as const) ?? 'operational';
  retention.backups.maxGraceDays = read.integer(['retention', 'backups', 'max_grace_days'], 0) ?? 0;
  retention.legalHoldOverridesMax = read.boolean(['retention', 'legal_hold_overrides_max']) ?? true;

  network.dbPorts = read.strings(['network', 'db_ports']) ?? network.dbPorts;
  network.managementPorts = read.strings(['network', 'management_ports']) ?? network.managementPorts;
  network.internetSources = read.strings(['network', 'internet_sources']) ?? network.internetSources;
  network.wideRangeMinAddresses =
    read.integer(['network', 'wide_range_min_addresses'], 1) ?? network.wideRangeMinAddresses;

  iam.breakGlassObjectIds = read.strings(['iam', 'break_glass_object_ids']) ?? [];
  iam.privilegedRoles = read.strings(['iam', 'privileged_roles']) ?? iam.privilegedRoles;
  const graph = read.node(['iam', 'graph_high_risk_permissions']);
  if (graph !== undefined) {
    iam.graphHighRiskPermissions =
      isScalar(graph) && graph.value === 'default'
        ? 'default'
        : (read.strings(['iam', 'graph_high_risk_permissions']) ?? []);
  }
  iam.exceptions = listOfMaps(
    read,
    ['iam', 'exceptions'],
    ['rule', 'subject', 'reason', 'expires', 'ticket', 'approver'],
    (path) => ({
      rule: required(read, [...path, 'rule']),
      subject: required(read, [...path, 'subject']),
      reason: required(read, [...path, 'reason']),
      expires: read.date([...path, 'expires']),
      ticket: read.string([...path, 'ticket']),
      approver: read.string([...path, 'approver']),
      at: read.where(read.node(path)),
    }),
  );
  iam.maxSignInFrequencyHours = read.integer(['iam', 'max_sign_in_frequency_hours'], 1) ?? iam.maxSignInFrequencyHours;
  iam.acceptCompliantDeviceAsMfa = read.boolean(['iam', 'accept_compliant_device_as_mfa']) ?? false;

  logging.auditWorkspaceIds = read.strings(['logging', 'audit_workspace_ids']) ?? [];
  logging.auditStorageAccounts = read.strings(['logging', 'audit_storage_accounts']) ?? [];
  logging.diagnosticsManagedByPolicy = read.boolean(['logging', 'diagnostics_managed_by_policy']) ?? false;

  const plans = read.node(['defender', 'required_plans']);
  if (plans !== undefined) {
    config.defender.requiredPlans =
      isScalar(plans) && plans.value === 'auto' ? 'auto' : (read.strings(['defender', 'required_plans']) ?? []);
  }
  const major = read.node(['terraform', 'assume_azurerm_major']);
  if (major !== undefined) {
    const value = isScalar(major) ? major.value : undefined;
    if (value !== 'auto' && value !== 3 && value !== 4 && value !== 5) {
      throw read.error(major, 'terraform.assume_azurerm_major must be auto, 3, 4 or 5');
    }
    config.terraform.assumeAzurermMajor = value;
  }

  config.scan.failOn = read.oneOf(['scan', 'fail_on'], [...SEVERITIES, 'none'] as const) ?? config.scan.failOn;
  config.scan.exclude = read.strings(['scan', 'exclude']) ?? [];

  read.checkKeys(['waivers', 'inline'], ['forbid_rules', 'forbid_severities']);
  config.waivers.inline.forbidRules = read.strings(['waivers', 'inline', 'forbid_rules']) ?? [];
  config.waivers.inline.forbidSeverities = read.listOf(['waivers', 'inline', 'forbid_severities'], SEVERITIES) ?? [];
  config.waivers.require = read.listOf(['waivers', 'require'], WAIVER_FIELDS) ?? [];
  for (const exception of iam.exceptions) {
    const missing = config.waivers.require.find((field) => exception[field] === undefined);
    if (missing) {
      throw new ConfigError(`iam.exceptions entry for ${exception.rule} needs ${missing} (waivers.require)`, {
        file,
        ...exception.at,
      });
    }
  }
  return config;
}

export function required(read: Reader, path: (string | number)[]): string {
  const value = read.string(path.map(String));
  if (value === undefined) throw read.error(read.node(path.slice(0, -1)), `${path.join('.')} is required`);
  return value;
}

export function listOfMaps<T>(read: Reader, path: string[], keys: string[], item: (path: string[]) => T): T[] {
  const node = read.node(path);
  if (node === undefined) return [];
  if (!isSeq(node)) throw read.error(node, `${path.join('.')} must be a list`);
  return node.items.map((_, index) => {
    const itemPath = [...path, String(index)];
    const entry = read.node([...path, index]);
    if (!isMap(entry)) throw read.error(entry, `${itemPath.join('.')} must be a mapping`);
    for (const pair of entry.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!keys.includes(key)) throw read.error(pair.key as Node, `unknown key "${[...itemPath, key].join('.')}"`);
    }
    return item(itemPath);
  });
}

/** The effective config as the user would write it (`--show-config`). */
export function configToYamlObject(config: Config): Record<string, unknown> {
  const { classification, retention, network, iam, logging } = config;
  return {
    source: config.source ?? '(none: emergency mode, every resource is PHI)',
    classification: {
      default: classification.default,
      phi: {
        tags: classification.phi.tags,
        resource_groups: classification.phi.resourceGroups,
        resource_ids: classification.phi.resourceIds,
        name_patterns: classification.phi.namePatterns,
      },
      always_phi_types: classification.alwaysPhiTypes,
      propagate: classification.propagate,
      phi_apps: classification.phiApps.map((app) => ({ app_id: app.appId, ...(app.name ? { name: app.name } : {}) })),
      phi_apis: classification.phiApis,
    },
    retention: {
      audit_logs: {
        min_days: retention.auditLogs.minDays,
        require_locked_immutability: retention.auditLogs.requireLockedImmutability,
      },
      soft_delete_min_days: retention.softDeleteMinDays,
      data_classes: Object.fromEntries(
        retention.dataClasses.map((c) => [c.name, { match: c.match, min_years: c.minYears, max_years: c.maxYears }]),
      ),
      default_phi_class: retention.defaultPhiClass,
      backups: { role: retention.backups.role, max_grace_days: retention.backups.maxGraceDays },
      legal_hold_overrides_max: retention.legalHoldOverridesMax,
    },
    network: {
      db_ports: network.dbPorts,
      management_ports: network.managementPorts,
      internet_sources: network.internetSources,
      wide_range_min_addresses: network.wideRangeMinAddresses,
    },
    iam: {
      break_glass_object_ids: iam.breakGlassObjectIds,
      privileged_roles: iam.privilegedRoles,
      graph_high_risk_permissions: iam.graphHighRiskPermissions,
      exceptions: iam.exceptions.map(({ at: _at, ...exception }) => exception),
      max_sign_in_frequency_hours: iam.maxSignInFrequencyHours,
      accept_compliant_device_as_mfa: iam.acceptCompliantDeviceAsMfa,
    },
    logging: {
      audit_workspace_ids: logging.auditWorkspaceIds,
      audit_storage_accounts: logging.auditStorageAccounts,
      diagnostics_managed_by_policy: logging.diagnosticsManagedByPolicy,
    },
    defender: { required_plans: config.defender.requiredPlans },
    terraform: { assume_azurerm_major: config.terraform.assumeAzurermMajor },
    scan: { fail_on: config.scan.failOn, exclude: config.scan.exclude },
    waivers: {
      inline: {
        forbid_rules: config.waivers.inline.forbidRules,
        forbid_severities: config.waivers.inline.forbidSeverities,
      },
      require: config.waivers.require,
    },
  };
}

// The model in the middle of phiguard (see ARCHITECTURE.md). Adapters produce Resources in ARM's canonical shape,
// rules read them through `read()` and return Outcomes, the engine turns Outcomes into Findings.
// This module imports nothing else of ours.

/** Where a value originates: the line a fix must edit and SARIF points at (1-based line and column). */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * A value that an adapter could not resolve (ARM `reference()`, a parameter without default, a Terraform
 * module output...). It stands in the value tree where the value would be, so a rule reading through it gets
 * `unknown` with the expression text that blocked it.
 */
export class Unresolved {
  constructor(
    readonly expression: string,
    readonly at?: SourceLocation,
  ) {}
}

export type JsonPrimitive = string | number | boolean | null;
export type Value = JsonPrimitive | Unresolved | Value[] | { [key: string]: Value };
export type ValueObject = { [key: string]: Value };

/** What a property a rule reads is, where it came from, and whether it can be known (ARCHITECTURE.md). */
export type Read<T = Value> =
  | { state: 'set'; value: T; at?: SourceLocation; via?: string }
  | { state: 'default'; value: T; because: string; at?: SourceLocation }
  | { state: 'unknown'; expression: string; at?: SourceLocation };

/** The kind of source a resource was read from. Absent-value semantics differ between them (rules.yaml conventions). */
export type Origin = 'arm' | 'bicep' | 'terraform' | 'snapshot' | 'live';

/** Origins whose resources describe deployed state (an ARM GET / Resource Graph row), not a desired template. */
export const LIVE_ORIGINS: ReadonlySet<Origin> = new Set(['snapshot', 'live']);

/**
 * One Azure resource (or Entra object) in ARM's canonical shape: `{ id, type, name, location, tags, sku, kind,
 * identity, properties }`, plus provenance. Child and extension resources are separate Resources linked by the
 * Inventory.
 */
export interface Resource {
  /** ARM resource id. For templates it is built with the deployment context (placeholder subscription/group). */
  id: string;
  /** Canonical ARM type, e.g. `Microsoft.Storage/storageAccounts` or `microsoft.graph/application`. */
  type: string;
  /** ARM name; child resources carry the full `parent/child` name. */
  name: string;
  apiVersion?: string;
  location?: Value;
  tags?: Value;
  sku?: Value;
  kind?: Value;
  identity?: Value;
  properties?: Value;
  /** For extension resources (diagnostic settings, role assignments...): the id of the resource they extend. */
  scope?: string;
  origin: Origin;
  /** Logical address in the source: `resources[2]`, a symbolic name, `azurerm_storage_account.main`, or the id. */
  address: string;
  /** Where the resource itself is declared (null for live resources without a file). */
  at?: SourceLocation;
  /** The file the resource came from (templates, snapshots), relative as given on the command line. */
  file?: string;
  /**
   * Where individual values originate, keyed by lower-cased dotted path (`properties.minimumtlsversion`,
   * `properties.securityrules.0.properties.access`). Adapters record the parameter file or default line when a
   * value came through a parameter.
   */
  locations?: Map<string, SourceLocation>;
  /** Provenance notes per path (`parameter default`, `parameter file`), same keys as `locations`. */
  via?: Map<string, string>;
  /**
   * What absent values mean for this resource when the adapter knows better than the ARM defaults table: Terraform
   * providers send their own schema defaults on apply (azurerm 3.x/4.x/5.x differ). Same keys as `locations`;
   * `value: undefined` means "not pinned". Consulted by `read()` before the table.
   */
  absentDefaults?: Map<string, { value: Value | undefined; because: string }>;
  /** ARM resource `metadata` as declared. JSON has no comments, so inline waivers live in `metadata.phiguard.ignore`. */
  metadata?: Value;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export type Verdict = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** A HIPAA Security Rule citation with its type (R = required or a standard, A = addressable). */
export interface HipaaCitation {
  cite: string;
  type: 'R' | 'A';
}

export interface PolicyReference {
  id: string;
  name: string;
  relation: string;
}

/** A rule's result for one subject (a resource or one element of it, such as one NSG security rule). */
export type Outcome =
  | { verdict: 'pass'; path?: string; actual?: Value; message?: string }
  | {
      verdict: 'fail';
      path: string;
      actual: Value | undefined;
      expected: string;
      message: string;
      at?: SourceLocation;
      /** `default`: the value is absent and the platform/provider default applies (message says why). */
      because?: string;
      labels?: string[];
    }
  | { verdict: 'unknown'; path: string; expression: string; message: string; at?: SourceLocation }
  | { verdict: 'not-applicable'; reason: string };

export type FindingStatus = 'fail' | 'unknown' | 'pass' | 'waived';

/**
 * The waiver that covers a finding (src/governance/waivers.ts). Only an `active` one waives it; an `expired` or
 * `forbidden` one (inline waiver the config does not allow) stays attached to the failing finding to say why it
 * came back.
 */
export interface FindingWaiver {
  reason: string;
  expires?: string;
  ticket?: string;
  approver?: string;
  /** `inline` (a comment or ARM metadata beside the resource), `file` (.phiguard/waivers.yaml) or `config` (iam.exceptions). */
  source: 'inline' | 'file' | 'config';
  /** Where the waiver is written, `file:line`. */
  at: string;
  state: 'active' | 'expired' | 'forbidden';
}

/** The JSON findings contract (spec/cli.md, docs/findings.schema.json). */
export interface Finding {
  ruleId: string;
  status: FindingStatus;
  severity: Severity;
  title: string;
  message: string;
  hipaa: string[];
  resource: { id: string; type: string; name: string; address: string };
  location: { file: string; line: number; column: number } | null;
  /** `actual` is null when the property is absent; for `unknown`, the unresolved expression. */
  evidence: { path: string; actual: Value; expected: string | null };
  fingerprint: string;
  /** Whether the subject was in PHI scope when evaluated. */
  phi: boolean;
  labels?: string[];
  waiver?: FindingWaiver;
  /** Matched an entry of `--baseline`: known before, so `--fail-on` does not judge it. */
  baselined?: boolean;
  /** Set when code and deployed state were scanned together and disagree on this rule for this resource. */
  drift?: Drift;
}

/**
 * Code and deployed state disagree (src/scan/drift.ts). `fixed-in-code`: the template passes, the deployed resource
 * fails (not yet deployed). `changed-by-hand`: the deployed resource passes, the template fails (the next deployment
 * regresses it).
 */
export interface Drift {
  state: 'fixed-in-code' | 'changed-by-hand';
  /** The finding on the other side: where the code declares it, or the deployed resource. */
  counterpart: { file: string | null; line: number | null; address: string; status: FindingStatus };
}

import type { Config } from '../core/config.js';
import type { Inventory } from '../core/inventory.js';
import { toPlain } from '../core/path.js';
import type {
  HipaaCitation,
  Outcome,
  PolicyReference,
  Read,
  Resource,
  Severity,
  SourceLocation,
  Value,
  ValueObject,
} from '../core/types.js';

/** A read that remembers which path it was made for, so outcomes can name it. */
export type PathRead = Read<Value | undefined> & { path: string };

export interface RuleContext {
  /** Reads a property with provenance; absent values resolve through the defaults table (src/rules/defaults.ts). */
  read(resource: Resource, path: string): PathRead;
  inventory: Inventory;
  config: Config;
  isPhi(resource: Resource): boolean;
}

export interface Remediation {
  az?: string;
  arm?: string;
  bicep?: string;
  terraform?: string;
  note?: string;
}

/**
 * Resources a fix may need to add beside the estate (issue 6). The remediation writers (src/remediate) emit each in
 * the estate's own language, referencing the subject by symbol or address.
 */
export type NewResourceKind =
  | 'private-endpoint'
  | 'diagnostic-setting'
  | 'log-analytics-table-retention'
  | 'customer-managed-key'
  | 'nsg-deny-rule'
  | 'defender-plan'
  | 'sql-auditing'
  | 'blob-service-properties'
  | 'lifecycle-policy'
  | 'resource-lock';

/**
 * One step that makes a failing finding pass, in the canonical ARM shape. Paths are relative to the subject resource
 * (`properties.minimumTlsVersion`, `properties.securityRules.2.properties.access`), so one step serves every input
 * format: each writer maps the path to its own syntax and edits the value where it originates. A `set`/`remove` whose
 * value lives in a related resource of the inventory (a site's config/web child, a container's immutability policy,
 * an account's lifecycle policy) names that resource's id in `resource`; its path is then relative to that resource.
 */
export type FixStep =
  /** Set a property (inserting it, and any missing parent objects, when absent). */
  | { kind: 'set'; path: string; value: Value; note?: string; resource?: string }
  /** Remove a property or an array element (e.g. an allow-all firewall rule in a resource's own list). */
  | { kind: 'remove'; path: string; note?: string; resource?: string }
  /** Delete a separate resource that is itself the failure (a `0.0.0.0-255.255.255.255` firewall rule child). */
  | { kind: 'delete-resource'; note?: string }
  /**
   * Add a resource the fix needs. `inputs` are values a human must choose (the subnet of a private endpoint, the
   * audit workspace when none is configured); each becomes a flagged placeholder and the rescan says "needs input".
   */
  | { kind: 'create'; resource: NewResourceKind; settings?: ValueObject; inputs?: { name: string; why: string }[] }
  /** No safe automatic change: what a person must do, and why. */
  | { kind: 'manual'; why: string };

/** What the check saw, handed to a rule's `fix` so a step can target the failing element. */
export interface FixContext {
  /** The failing outcome's path (`properties.securityRules.2.properties.access`). */
  path: string;
  actual: Value | undefined;
  config: Config;
  inventory: Inventory;
}

export interface RuleDocs {
  /** How the rule decides, including what an absent value means for each input kind. */
  evaluation: string;
  absent: string;
  unresolvable?: string;
  crossResource?: string;
  /** Sources for the semantics (swagger, provider docs, policy definitions). */
  references: string[];
}

export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  /** Seed failure pattern (spec/rules.yaml catalog.patterns). */
  pattern: number;
  hipaa: HipaaCitation[];
  /** true: evaluated only for PHI-scoped resources; others are not-applicable. */
  phiScoped: boolean;
  /** ARM resource types this rule evaluates (case-insensitive). */
  types: string[];
  /**
   * Child resource types the check reads through `inventory.related(subject, 'children')` (e.g. a SQL database's
   * transparentDataEncryption). A streamed snapshot holds such subjects until every child has been seen.
   */
  children?: string[];
  /**
   * Other resources the check reads, declared so a streamed snapshot keeps them (src/rules/stream.ts): `types` are
   * found by relation or by type anywhere (diagnostic settings on the subject, Sentinel onboarding of a workspace,
   * workspace tables); `phiCensus` means the check asks whether a subscription holds PHI resources of some type.
   * A stream holds these and evaluates the rule's subjects at its end. `keep` lists the only subject properties
   * (under `properties`) the check reads: when every rule waiting on a type declares it, the stream holds a stub of
   * the subject (identity, tags, kind, sku and these) instead of the whole resource.
   */
  related?: { types: string[]; phiCensus?: boolean; keep?: string[] };
  policies: PolicyReference[];
  remediation: Remediation;
  /**
   * The automatic fix, as steps in the canonical shape. Absent means the rule has no automatic fix yet; a rule
   * whose fix needs judgement returns a `manual` step saying what to decide.
   */
  fix?(resource: Resource, context: FixContext): FixStep[];
  docs: RuleDocs;
  check(resource: Resource, context: RuleContext): Outcome | Outcome[];
}

export type Rule = Readonly<RuleDefinition>;

export function defineRule(definition: RuleDefinition): Rule {
  return Object.freeze(definition);
}

export function pass(path?: string, actual?: Value): Outcome {
  return { verdict: 'pass', path, actual: actual === undefined ? undefined : toPlain(actual) };
}

export interface FailDetails {
  expected: string;
  message: string;
  labels?: string[];
  /** Overrides the read's location, e.g. to point at one element of a list. */
  at?: SourceLocation;
}

/** A failure on the value of `read`; an absent value's default reason is carried into the finding. */
export function fail(read: PathRead, details: FailDetails): Outcome {
  if (read.state === 'unknown') throw new Error(`fail() on an unknown read of ${read.path}`);
  return {
    verdict: 'fail',
    path: read.path,
    actual: read.value === undefined ? undefined : toPlain(read.value),
    expected: details.expected,
    message: read.state === 'default' ? `${details.message} (${read.because})` : details.message,
    at: details.at ?? read.at,
    because: read.state === 'default' ? read.because : undefined,
    labels: details.labels,
  };
}

/** A failure not tied to one property (e.g. "no private endpoint targets this account"). */
export function failAt(
  path: string,
  details: FailDetails & { actual?: Value; at?: SourceLocation; because?: string },
): Outcome {
  return {
    verdict: 'fail',
    path,
    actual: details.actual === undefined ? undefined : toPlain(details.actual),
    expected: details.expected,
    message: details.message,
    at: details.at,
    because: details.because,
    labels: details.labels,
  };
}

/** "Needs review": the value depends on an expression phiguard cannot resolve. */
export function unknown(
  read: PathRead | { path: string; expression: string; at?: SourceLocation },
  message?: string,
): Outcome {
  if ('state' in read && read.state !== 'unknown') throw new Error(`unknown() on a known read of ${read.path}`);
  const expression = 'expression' in read ? read.expression : '';
  return {
    verdict: 'unknown',
    path: read.path,
    expression,
    message: message ?? `${read.path} depends on ${expression}, which cannot be resolved statically`,
    at: read.at,
  };
}

export function notApplicable(reason: string): Outcome {
  return { verdict: 'not-applicable', reason };
}

import type { Config } from '../core/config.js';
import { fingerprint } from '../core/fingerprint.js';
import { type Inventory, parentId } from '../core/inventory.js';
import type { Finding, Outcome, Resource } from '../core/types.js';
import { DEFAULTS, type DefaultEntry, readWithDefaults } from './defaults.js';
import type { Rule, RuleContext } from './define.js';
import { propagatedPhi } from './propagate.js';
import { createClassifier } from './scope.js';

export interface VerdictCounts {
  pass: number;
  fail: number;
  unknown: number;
  'not-applicable': number;
}

export function emptyCounts(): VerdictCounts {
  return { pass: 0, fail: 0, unknown: 0, 'not-applicable': 0 };
}

export interface EngineOptions {
  config: Config;
  includePassed?: boolean;
  defaults?: readonly DefaultEntry[];
  /**
   * Sees each failing or unknown finding with the resource it is about, before anyone else: governance (waivers,
   * baseline) needs the resource's declaration, tags and metadata, which a Finding does not carry.
   */
  annotate?: (finding: Finding, resource: Resource) => void;
  /** Sees every finding (passes too) with its resource, after `annotate`: the fix pipeline's rescan (src/remediate). */
  observe?: (finding: Finding, resource: Resource) => void;
}

/**
 * Evaluates rules over resources with a type index and turns tri-state outcomes into findings. `unknown` becomes a
 * finding ("needs review"), never a failure and never dropped; `not-applicable` is only counted.
 */
export class Engine {
  readonly counts: VerdictCounts = emptyCounts();
  /** Resources that at least one rule evaluated. */
  evaluatedResources = 0;
  private readonly rulesByType = new Map<string, Rule[]>();
  private readonly classify: (resource: Resource) => boolean;

  constructor(
    readonly rules: readonly Rule[],
    private readonly options: EngineOptions,
  ) {
    for (const rule of rules) {
      for (const type of rule.types) {
        const key = type.toLowerCase();
        const list = this.rulesByType.get(key) ?? [];
        list.push(rule);
        this.rulesByType.set(key, list);
      }
    }
    this.classify = createClassifier(options.config);
  }

  rulesFor(type: string): readonly Rule[] {
    return this.rulesByType.get(type.toLowerCase()) ?? [];
  }

  /** PHI classification as the rules see it, against what `inventory` holds (a stream's census asks on arrival). */
  isPhi(resource: Resource, inventory: Inventory): boolean {
    return this.context(inventory).isPhi(resource);
  }

  /** True when some rule evaluates resources of this type (lets streaming callers skip the rest cheaply). */
  handles(type: string): boolean {
    return this.rulesByType.has(type.toLowerCase());
  }

  evaluate(inventory: Inventory): Finding[] {
    const findings: Finding[] = [];
    for (const resource of inventory.resources) this.evaluateResource(resource, inventory, findings);
    return findings;
  }

  /** Evaluates one resource; `inventory` answers cross-resource questions (for a stream, what is known so far). */
  evaluateResource(
    resource: Resource,
    inventory: Inventory,
    findings: Finding[] = [],
    step: { only?: (rule: Rule) => boolean; counted?: boolean } = {},
  ): Finding[] {
    const rules = step.only ? this.rulesFor(resource.type).filter(step.only) : this.rulesFor(resource.type);
    if (rules.length === 0) return findings;
    // A resource evaluated in two steps (a stream's deferred rules) is counted once.
    if (step.counted !== false) this.evaluatedResources++;
    const context = this.context(inventory);
    const phi = context.isPhi(resource);
    for (const rule of rules) {
      if (rule.phiScoped && !phi) {
        this.counts['not-applicable']++;
        continue;
      }
      let result: Outcome | Outcome[];
      try {
        result = rule.check(resource, context);
      } catch (error) {
        throw new Error(`rule ${rule.id} failed on ${resource.address}: ${(error as Error).message}`, { cause: error });
      }
      const outcomes = Array.isArray(result) ? result : [result];
      for (const outcome of outcomes) {
        this.counts[outcome.verdict]++;
        const finding = this.toFinding(rule, resource, outcome, phi);
        if (finding) findings.push(finding);
      }
    }
    return findings;
  }

  private contextCache?: { inventory: Inventory; context: RuleContext };

  private context(inventory: Inventory): RuleContext {
    if (this.contextCache?.inventory === inventory) return this.contextCache.context;
    const defaults = this.options.defaults ?? DEFAULTS;
    const classify = this.classify;
    const context: RuleContext = {
      read: (resource, path) => readWithDefaults(resource, path, defaults),
      inventory,
      config: this.options.config,
      // Child and extension resources (containers, firewall rules, diagnostic settings) share the classification
      // of any ancestor: a container sits under blobServices/default under the tagged account. PHI also flows to
      // resources that serve PHI ones (src/rules/propagate.ts) unless classification.propagate is off.
      isPhi: (resource) => {
        for (let current: Resource | undefined = resource; current; ) {
          if (classify(current) || propagated(current)) return true;
          const up: string | undefined = current.scope ?? parentId(current.id);
          current = up ? inventory.byId(up) : undefined;
        }
        return false;
      },
    };
    // A workspace is PHI when a PHI resource logs to it, which may ask about other resources: a resource already
    // being decided counts as not (yet) PHI, which breaks cycles.
    const visiting = new Set<string>();
    const propagate = this.options.config.classification.propagate;
    const propagated = (resource: Resource): boolean => {
      if (!propagate || visiting.has(resource.id)) return false;
      visiting.add(resource.id);
      try {
        return propagatedPhi(resource, context);
      } finally {
        visiting.delete(resource.id);
      }
    };
    this.contextCache = { inventory, context };
    return context;
  }

  private readonly citations = new Map<Rule, string[]>();

  private toFinding(rule: Rule, resource: Resource, outcome: Outcome, phi: boolean): Finding | undefined {
    if (outcome.verdict === 'not-applicable') return undefined;
    if (outcome.verdict === 'pass' && !this.options.includePassed) return undefined;
    const path = outcome.path ?? '';
    const at = (outcome.verdict === 'pass' ? undefined : outcome.at) ?? resource.at;
    const actual = (outcome.verdict === 'unknown' ? outcome.expression : outcome.actual) ?? null;
    let hipaa = this.citations.get(rule);
    if (!hipaa) {
      hipaa = rule.hipaa.map((c) => c.cite);
      this.citations.set(rule, hipaa);
    }
    // One object, in the contract's key order: large snapshots produce hundreds of thousands of findings.
    const finding: Finding = {
      ruleId: rule.id,
      status: outcome.verdict,
      severity: rule.severity,
      title: rule.title,
      message:
        outcome.verdict === 'unknown'
          ? `Needs review: ${outcome.message}`
          : outcome.verdict === 'pass'
            ? (outcome.message ?? `${rule.title}: compliant`)
            : outcome.message,
      hipaa,
      resource: { id: resource.id, type: resource.type, name: resource.name, address: resource.address },
      location: at ? { file: at.file, line: at.line, column: at.column } : null,
      evidence: { path, actual, expected: outcome.verdict === 'fail' ? outcome.expected : null },
      fingerprint: fingerprint({ ruleId: rule.id, address: resource.address, file: resource.file, path, actual }),
      phi,
    };
    if (outcome.verdict === 'fail' && outcome.labels?.length) finding.labels = outcome.labels;
    if (outcome.verdict !== 'pass') this.options.annotate?.(finding, resource);
    this.options.observe?.(finding, resource);
    return finding;
  }
}

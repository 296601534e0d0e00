// Table-driven rule tests in the shape of ESLint's RuleTester (ARCHITECTURE.md): each case builds an inventory from
// a small inline source of one input format, and the rule's verdicts on it are asserted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { type Config, defaultConfig } from '../../src/core/config.js';
import { Inventory } from '../../src/core/inventory.js';
import type { Finding, Resource } from '../../src/core/types.js';
import { parseArmTemplate } from '../../src/ingest/arm/index.js';
import { parseBicepTemplate } from '../../src/ingest/bicep/index.js';
import { parseSnapshotText } from '../../src/ingest/snapshot/index.js';
import { loadTerraformFiles, type Major } from '../../src/ingest/terraform/index.js';
import type { Rule } from '../../src/rules/define.js';
import { Engine } from '../../src/rules/engine.js';

export const SHARED = new URL('../../../shared/', import.meta.url);
export const PAYLOADS = new URL('payloads/', SHARED);

export interface Case {
  name: string;
  inventory(): Inventory;
  config?: (config: Config) => void;
  /** Only findings on resources whose address/name/id contains this are asserted (default: all). */
  subject?: string;
  /** For fail cases: the expected line of the finding (where the value originates). */
  line?: number;
  /** For fail cases: the expected file of the finding (e.g. the parameter file). */
  file?: string;
}

export const TEMPLATE_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
export const PARAMETERS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';

export interface ArmOptions {
  type?: string;
  apiVersion?: string;
  name?: string;
  /** Extra top-level keys of the resource (sku, kind, identity, tags...). */
  resource?: Record<string, unknown>;
  /** Template parameters section. */
  parameters?: Record<string, unknown>;
  /** A parameter file's `parameters` values. */
  parameterValues?: Record<string, unknown>;
  /** More resources in the same template. */
  others?: Record<string, unknown>[];
  label?: string;
}

/** A one-resource ARM template built from the resource's `properties`. */
export function arm(properties: Record<string, unknown> | undefined, options: ArmOptions = {}): Case {
  const resource: Record<string, unknown> = {
    type: options.type ?? 'Microsoft.Storage/storageAccounts',
    apiVersion: options.apiVersion ?? '2025-06-01',
    name: options.name ?? 'phistore',
    location: 'eastus',
    ...options.resource,
  };
  if (properties !== undefined) resource.properties = properties;
  const template = {
    $schema: TEMPLATE_SCHEMA,
    contentVersion: '1.0.0.0',
    ...(options.parameters ? { parameters: options.parameters } : {}),
    resources: [resource, ...(options.others ?? [])],
  };
  const parameterValues = options.parameterValues
    ? Object.fromEntries(Object.entries(options.parameterValues).map(([k, v]) => [k, { value: v }]))
    : undefined;
  return armTemplate(template, parameterValues, options.label ?? `arm ${JSON.stringify(properties ?? {})}`);
}

/** The text of the parameter file armTemplate() writes for a parameter file's `parameters` values. */
export function parameterFileText(parameterValues: Record<string, unknown>): string {
  return JSON.stringify(
    { $schema: PARAMETERS_SCHEMA, contentVersion: '1.0.0.0', parameters: parameterValues },
    null,
    2,
  );
}

/** A whole ARM template (and optionally a parameter file's `parameters`). */
export function armTemplate(template: unknown, parameterValues?: Record<string, unknown>, label?: string): Case {
  return {
    name: label ?? `arm template ${JSON.stringify(template).slice(0, 80)}`,
    inventory() {
      const text = JSON.stringify(template, null, 2);
      const parameters = parameterValues
        ? {
            file: 'test.parameters.json',
            text: parameterFileText(parameterValues),
          }
        : undefined;
      const result = parseArmTemplate({ file: 'test.json', text, parameters });
      return new Inventory(result.resources);
    },
  };
}

export interface TerraformCaseOptions {
  /** Resource type when `hcl` is a body to wrap (default azurerm_storage_account). */
  type?: string;
  /** Resource name label and `name` argument of the wrapped resource (default phistore). */
  name?: string;
  /** The azurerm major to assume (default: from the sources; none given means least secure among 3/4/5). */
  azurermMajor?: Major;
  /** Extra var files (paths among the given files). */
  varFiles?: string[];
  label?: string;
}

const TOP_LEVEL_BLOCK = /^\s*(resource|data|module|variable|locals|terraform|provider|output)\s/m;

/**
 * A Terraform module. A string with top-level blocks is main.tf; any other string is the body of one resource
 * (default `azurerm_storage_account "phistore"`, wrapped with the required arguments). A record is the module's
 * files by path (`main.tf`, `terraform.tfvars`, `modules/x/main.tf`).
 */
export function terraform(hcl: string | Record<string, string>, options: TerraformCaseOptions = {}): Case {
  const type = options.type ?? 'azurerm_storage_account';
  const name = options.name ?? 'phistore';
  let files: Record<string, string>;
  if (typeof hcl !== 'string') files = hcl;
  else if (TOP_LEVEL_BLOCK.test(hcl)) files = { 'main.tf': hcl };
  else {
    const required =
      type === 'azurerm_storage_account'
        ? '  account_tier             = "Standard"\n  account_replication_type = "GRS"\n'
        : '';
    const body = `  name                = "${name}"\n  resource_group_name = "rg-phi"\n  location            = "eastus"\n${required}${hcl
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n')}\n`;
    files = { 'main.tf': `resource "${type}" "${name}" {\n${body}}\n` };
  }
  const label =
    options.label ??
    `terraform ${typeof hcl === 'string' ? hcl.replace(/\s+/g, ' ').trim().slice(0, 80) : Object.keys(hcl).join(', ')}`;
  return {
    name: label,
    inventory() {
      const result = loadTerraformFiles(files, { azurermMajor: options.azurermMajor, varFiles: options.varFiles });
      const errors = result.diagnostics.filter((d) => d.kind === 'parse-error');
      assert.deepEqual(errors, [], 'the Terraform case must parse');
      return new Inventory(result.resources);
    },
  };
}

export interface BicepCaseOptions {
  /** A .bicepparam text (file `main.bicepparam`) whose values apply to the template. */
  bicepparam?: string;
  /** Other files by path relative to main.bicep: local modules, imports, load*Content() files. */
  files?: Record<string, string>;
  label?: string;
}

/** A Bicep template (file `main.bicep`), optionally with .bicepparam values and local module files. */
export function bicep(source: string, options: BicepCaseOptions = {}): Case {
  return {
    name: options.label ?? `bicep ${source.replace(/\s+/g, ' ').trim().slice(0, 80)}`,
    inventory() {
      const parameters =
        options.bicepparam === undefined ? undefined : { file: 'main.bicepparam', text: options.bicepparam };
      const result = parseBicepTemplate({ file: 'main.bicep', text: source, files: options.files, parameters });
      return new Inventory(result.resources);
    },
  };
}

/** A live resource as an ARM GET / Resource Graph row returns it. */
export function live(body: Record<string, unknown>, label?: string): Case {
  return liveMany([body], label ?? `live ${JSON.stringify(body.properties ?? {}).slice(0, 80)}`);
}

export function liveMany(bodies: Record<string, unknown>[], label: string): Case {
  return {
    name: label,
    inventory() {
      return new Inventory(parseSnapshotText(JSON.stringify(bodies), 'snapshot.json').resources);
    },
  };
}

/** Live records labelled `live <label>`. */
export function liveCase(bodies: Record<string, unknown>[], label: string): Case {
  return liveMany(bodies, `live ${label}`);
}

/** An inventory built directly from Resources (shapes the adapters do not need to, or do not yet, produce). */
export function direct(resources: Resource[], label: string): Case {
  return { name: `direct ${label}`, inventory: () => new Inventory(resources) };
}

/** A payload from ../shared/payloads (x-ms-examples: responses.200.body), optionally modified. */
export function payload(file: string, modify?: (body: Record<string, unknown>) => void): Case {
  return {
    name: `payload ${file}${modify ? ' (modified)' : ''}`,
    inventory() {
      const text = readFileSync(new URL(file, PAYLOADS), 'utf8');
      if (!modify) return new Inventory(parseSnapshotText(text, file).resources);
      const example = JSON.parse(text) as { responses: Record<string, { body: Record<string, unknown> }> };
      const body = example.responses['200'].body;
      modify(body);
      return new Inventory(parseSnapshotText(JSON.stringify(example), file).resources);
    },
  };
}

export function withConfig(testCase: Case, change: (config: Config) => void, subject?: string): Case {
  return { ...testCase, name: `${testCase.name} [config]`, config: change, subject: subject ?? testCase.subject };
}

export function named(testCase: Case, name: string, extra: Partial<Case> = {}): Case {
  return { ...testCase, ...extra, name };
}

export function run(rule: Rule, testCase: Case): { findings: Finding[]; engine: Engine } {
  const config = defaultConfig();
  testCase.config?.(config);
  const engine = new Engine([rule], { config, includePassed: true });
  const findings = engine
    .evaluate(testCase.inventory())
    .filter(
      (f) =>
        !testCase.subject ||
        f.resource.address.includes(testCase.subject) ||
        f.resource.name.includes(testCase.subject) ||
        f.resource.id.includes(testCase.subject),
    );
  return { findings, engine };
}

export interface RuleCaseTable {
  pass?: Case[];
  fail?: Case[];
  unknown?: Case[];
  notApplicable?: Case[];
}

/**
 * pass: at least one verdict, all pass. fail: at least one fail (and its line/file when given). unknown: at least one
 * unknown and no fail. notApplicable: no verdict at all on the subject.
 */
export function ruleCases(rule: Rule, table: RuleCaseTable): void {
  describe(rule.id, () => {
    for (const testCase of table.pass ?? []) {
      it(`passes: ${testCase.name}`, () => {
        const { findings } = run(rule, testCase);
        assert.ok(findings.length > 0, 'expected at least one verdict');
        assert.deepEqual(
          findings.filter((f) => f.status !== 'pass').map((f) => `${f.status}: ${f.message}`),
          [],
        );
      });
    }
    for (const testCase of table.fail ?? []) {
      it(`fails: ${testCase.name}`, () => {
        const { findings } = run(rule, testCase);
        const failures = findings.filter((f) => f.status === 'fail');
        assert.ok(failures.length > 0, `expected a failure, got ${JSON.stringify(findings.map((f) => f.status))}`);
        for (const failure of failures) {
          assert.equal(failure.ruleId, rule.id);
          assert.ok(failure.message.length > 0);
        }
        if (testCase.line !== undefined) {
          assert.ok(
            failures.some((f) => f.location?.line === testCase.line),
            `expected a failure at line ${testCase.line}, got ${JSON.stringify(failures.map((f) => f.location))}`,
          );
        }
        if (testCase.file !== undefined) {
          assert.ok(
            failures.some((f) => f.location?.file === testCase.file),
            `expected a failure in ${testCase.file}, got ${JSON.stringify(failures.map((f) => f.location))}`,
          );
        }
      });
    }
    for (const testCase of table.unknown ?? []) {
      it(`needs review: ${testCase.name}`, () => {
        const { findings } = run(rule, testCase);
        const statuses = findings.map((f) => f.status);
        assert.ok(statuses.includes('unknown'), `expected unknown, got ${JSON.stringify(statuses)}`);
        assert.ok(!statuses.includes('fail'), `expected no failure, got ${JSON.stringify(findings)}`);
        for (const f of findings.filter((x) => x.status === 'unknown')) {
          assert.ok(
            typeof f.evidence.actual === 'string' && f.evidence.actual.length > 0,
            'unknown carries expression',
          );
        }
      });
    }
    for (const testCase of table.notApplicable ?? []) {
      it(`not applicable: ${testCase.name}`, () => {
        const { findings, engine } = run(rule, testCase);
        assert.deepEqual(
          findings.map((f) => f.status),
          [],
        );
        assert.ok(engine.counts['not-applicable'] > 0, 'expected a not-applicable verdict');
      });
    }
  });
}

// Terraform adapter: HCL configurations (a directory is a module) and `terraform show -json` plans/states, translated
// into canonical ARM-shaped Resources with provenance (ARCHITECTURE.md). Resources have origin 'terraform',
// address = the Terraform address (`module.x["a"].azurerm_storage_account.main[0]`), file = the .tf file, an ARM id
// built from name/resource_group_name/parent ids (`terraform://<address>` when the name is unknown), per-value
// `locations`/`via` (a value set in terraform.tfvars or a variable default points there) and `absentDefaults`
// (azurerm 3.x/4.x/5.x schema defaults; the least secure one when the major is not pinned).
//
// Entry points:
// - loadTerraformModule(dir, { varFiles?, azurermMajor? }): Promise<IngestResult>. Reads every .tf file of `dir`,
//   terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) and then `varFiles` (later wins, as Terraform
//   does; TF_VAR_ environment variables are not read), follows local module sources (`./...`), expands
//   count/for_each/dynamic blocks and maps azurerm/azuread resources (map/). The azurerm major comes from
//   `azurermMajor` (.phiguard.yaml terraform.assume_azurerm_major), else .terraform.lock.hcl, else required_providers
//   constraints. Never throws for user input: remote module sources -> `not-scanned`, unreadable files ->
//   `read-error`, malformed HCL -> `parse-error` with file:line:column (the rest of the module still loads, the
//   file itself from its next top-level block on), unknown count/for_each -> `warning` (one representative instance).
// - loadTerraformFiles(files, { dir?, varFiles?, azurermMajor? }): IngestResult. The same from in-memory files.
// - detectTerraformPlan(headText): boolean. Whether the first bytes of a JSON file are `terraform show -json` output
//   (a plan or a state).
// - readTerraformPlan(file, onDiagnostic): AsyncIterable<Resource>. Streams a plan's resource changes (or a state's
//   resources) with their exact values; attributes known only after apply become unknown; references to resources
//   the same plan creates are resolved through the plan's configuration; deletions and data sources are skipped.
//   Resources are located in the .tf files beside the plan when they are there, else in the plan (line:column of
//   the resource change). Malformed JSON -> a `parse-error` diagnostic and the iteration ends.
import { join } from 'node:path';
import type { IngestResult } from '../types.js';
import { computedAttributes, mapInstances } from './map/index.js';
import { DISK, type Host, Loader, memoryHost, rootVariables } from './module.js';
import { azurermVersion, type Major } from './providers.js';

export { detectTerraformPlan, readTerraformPlan } from './plan.js';
export type { Major } from './providers.js';

export interface TerraformOptions {
  /** Extra variable files (`-var-file`), applied after terraform.tfvars and *.auto.tfvars in the order given. */
  varFiles?: string[];
  /** `.phiguard.yaml` terraform.assume_azurerm_major when not `auto`: overrides the lock file and constraints. */
  azurermMajor?: Major;
}

/** Loads the module in `dir` from disk (see the header). */
export async function loadTerraformModule(dir: string, options: TerraformOptions = {}): Promise<IngestResult> {
  return load(DISK, dir, options);
}

/**
 * The same from in-memory files keyed by path (`main.tf`, `terraform.tfvars`, `modules/db/main.tf`); the module
 * is `dir` (default `.`). For rule tables and callers that already hold the text.
 */
export function loadTerraformFiles(
  files: Record<string, string>,
  options: TerraformOptions & { dir?: string } = {},
): IngestResult {
  return load(memoryHost(files), options.dir ?? '.', options);
}

function load(host: Host, dir: string, options: TerraformOptions): IngestResult {
  const loader = new Loader(computedAttributes, host);
  const root = loader.source(dir);
  const variables = rootVariables(host, dir, options.varFiles ?? [], loader.diagnostics);
  let lock: { file: string; text: string } | undefined;
  const lockFile = join(dir, '.terraform.lock.hcl');
  try {
    lock = { file: lockFile, text: host.readFile(lockFile) };
  } catch {
    lock = undefined;
  }
  const version = azurermVersion(loader.files, lock, options.azurermMajor);
  loader.instantiate(root, variables);
  const mapped = mapInstances(loader.resources(), { version, findId: (type, name) => loader.findId(type, name) });
  return { resources: mapped.resources, diagnostics: [...loader.diagnostics, ...mapped.diagnostics] };
}

// Terraform adapter: HCL configurations (a directory is a module) and `terraform show -json` plans/states, translated
// into canonical ARM-shaped Resources with provenance (ARCHITECTURE.md).
//
// Entry points:
// - loadTerraformModule(dir, { varFiles, azurermMajor }): reads every .tf file of `dir`, terraform.tfvars,
//   *.auto.tfvars and the given var files (later wins, as Terraform does), follows local module sources
//   (`./...`), expands count/for_each/dynamic blocks and maps azurerm/azuread resources. Remote module sources
//   and unreadable or malformed files are reported as diagnostics (`not-scanned`, `read-error`, `parse-error` with
//   file:line:column); the rest of the module still loads. Never throws for user input.
// - detectTerraformPlan(headText): whether the first bytes of a JSON file are `terraform show -json` output.
// - readTerraformPlan(file, onDiagnostic): streams the resources of a plan (or state) JSON, exact values, with
//   file:line from the .tf files next to the plan when they are there.
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

// The scan pipeline shared by the CLI and (later) the server: discover files, recognise each by content, ingest
// it with its adapter, evaluate the rules, and hand findings to a sink as they are produced.
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { Config } from '../core/config.js';
import { InputError, LineIndex, UserError } from '../core/errors.js';
import { Inventory } from '../core/inventory.js';
import type { Finding, Resource } from '../core/types.js';
import type { Baseline } from '../governance/baseline.js';
import type { WaiverNotice, WaiverSet } from '../governance/waivers.js';
import { classifyArmJson, parseArmTemplate } from '../ingest/arm/index.js';
import { bicepEntryPoints, loadBicep, loadBicepParams } from '../ingest/bicep/index.js';
import { detectSnapshot, readSnapshot } from '../ingest/snapshot/index.js';
import { detectTerraformPlan, loadTerraformModule, readTerraformPlan } from '../ingest/terraform/index.js';
import type { IngestDiagnostic, IngestResult } from '../ingest/types.js';
import type { Rule } from '../rules/define.js';
import { Engine, emptyCounts, type VerdictCounts } from '../rules/engine.js';
import { type Held, type HoldingArea, MemoryHoldingArea, StreamingEvaluator } from '../rules/stream.js';
import { type DiscoveredFile, discover } from './discover.js';
import { DriftLinker } from './drift.js';
import { DiskHoldingArea } from './spill.js';

export type FileKind =
  | 'arm-template'
  | 'arm-parameters'
  | 'snapshot'
  | 'terraform'
  | 'terraform-vars'
  | 'terraform-plan'
  | 'bicep'
  | 'bicepparam'
  | 'binary'
  | 'unrecognized'
  | 'malformed';

export interface ScanOptions {
  paths: string[];
  config: Config;
  rules: readonly Rule[];
  /** A parameter file applied to every ARM or Bicep template (`--parameters`). */
  parametersFile?: string;
  /** Terraform variable files applied to every root module (`--var-file`), after terraform.tfvars. */
  varFiles?: string[];
  includePassed?: boolean;
  /** Waivers applied to each failing or unknown finding before `onFinding` sees it. */
  waivers?: WaiverSet;
  /** Marks findings the baseline already holds (after waivers: a waived finding is not baselined). */
  baseline?: Baseline;
  onFinding: (finding: Finding) => void;
  /** Every finding with the resource behind it (after waivers), for callers that act on resources (`fix`). */
  onSubject?: (finding: Finding, resource: Resource) => void;
  /** The inventory of the non-streamed sources, before evaluation: cross-resource context for `fix`. */
  onInventory?: (inventory: Inventory) => void;
  onDiagnostic?: (diagnostic: IngestDiagnostic) => void;
  onProgress?: (done: number, total: number, file: string) => void;
}

export interface ScanStats {
  files: Record<FileKind, number>;
  resources: number;
  evaluatedResources: number;
  verdicts: VerdictCounts;
  diagnostics: IngestDiagnostic[];
  /** Something could not be read or parsed, or nothing at all was evaluated (exit code 3). */
  incomplete: boolean;
  /** No config: every resource was treated as PHI. */
  emergencyMode: boolean;
}

/** Files above this size are only ever streamed (a snapshot), never read whole. */
const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

const TERRAFORM = /\.tf$/i;
const TERRAFORM_VARS = /\.tfvars$/i;
const BICEP = /\.bicep$/i;
const BICEPPARAM = /\.bicepparam$/i;
const GZIP = /\.gz$/i;

interface Classified {
  file: DiscoveredFile;
  kind: FileKind;
  text?: string;
  /** The parsed JSON of an ARM template, kept from content detection so the adapter does not parse it again. */
  json?: unknown;
  problem?: InputError;
}

export async function runScan(options: ScanOptions): Promise<ScanStats> {
  const stats: ScanStats = {
    files: {
      'arm-template': 0,
      'arm-parameters': 0,
      snapshot: 0,
      terraform: 0,
      'terraform-vars': 0,
      'terraform-plan': 0,
      bicep: 0,
      bicepparam: 0,
      binary: 0,
      unrecognized: 0,
      malformed: 0,
    },
    resources: 0,
    evaluatedResources: 0,
    verdicts: emptyCounts(),
    diagnostics: [],
    incomplete: false,
    emergencyMode: options.config.source === null,
  };
  const report = (diagnostic: IngestDiagnostic) => {
    stats.diagnostics.push(diagnostic);
    if (diagnostic.kind === 'parse-error' || diagnostic.kind === 'read-error') stats.incomplete = true;
    options.onDiagnostic?.(diagnostic);
  };

  const files = await discover(options.paths, options.config.scan.exclude);
  const classified: Classified[] = [];
  for (const file of files) {
    const entry = await classify(file).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      report({ kind: 'read-error', file: file.path, message: `cannot read file (${code})` });
      return undefined;
    });
    if (!entry) continue;
    stats.files[entry.kind]++;
    if (entry.kind === 'malformed' && entry.problem) {
      const { at } = entry.problem;
      report({
        kind: 'parse-error',
        file: file.path,
        line: at?.line,
        column: at?.column,
        message: entry.problem.message,
      });
    }
    if (file.explicit && (entry.kind === 'binary' || entry.kind === 'unrecognized')) {
      throw new InputError(
        entry.kind === 'binary'
          ? 'binary file, not a scannable input'
          : 'not a recognised input (expected ARM, Bicep or Terraform sources, a Terraform plan or an Azure snapshot)',
        { file: file.path },
      );
    }
    classified.push(entry);
  }

  const { waivers, baseline } = options;
  // Inline waivers are read from every scanned source up front, so a malformed one is an error even where nothing
  // fails, and one that covers nothing is reported as unused.
  for (const entry of classified) {
    if (
      entry.text !== undefined &&
      (entry.kind === 'terraform' || entry.kind === 'bicep' || entry.kind === 'bicepparam')
    ) {
      waivers?.addSource(entry.file.path, entry.text);
    }
  }
  const notify = (notice: WaiverNotice) => report({ kind: 'warning', ...notice });
  // Code and deployed state together: every verdict (passes too) is held until the end so the two sides can be
  // linked before any finding leaves (src/scan/drift.ts).
  const drift = linksDrift(classified) ? new DriftLinker() : undefined;
  const held: Finding[] = [];
  const emit = drift ? (finding: Finding) => held.push(finding) : options.onFinding;
  const onSubject = options.onSubject;
  const observe = drift
    ? (finding: Finding, resource: Resource) => {
        drift.observe(finding, resource);
        if (onSubject && (finding.status !== 'pass' || options.includePassed)) onSubject(finding, resource);
      }
    : onSubject;
  const engine = new Engine(options.rules, {
    config: options.config,
    includePassed: options.includePassed || drift !== undefined,
    annotate:
      waivers || baseline
        ? (finding, resource) => {
            waivers?.apply(finding, resource, notify);
            baseline?.mark(finding);
          }
        : undefined,
    observe,
  });
  const explicitParameters = options.parametersFile
    ? { file: options.parametersFile, text: await readUserFile(options.parametersFile) }
    : undefined;
  const parameterFiles = new Map(
    classified.filter((c) => c.kind === 'arm-parameters').map((c) => [c.file.path, c.text ?? ''] as const),
  );

  const inventory = new Inventory();
  const addAll = (result: IngestResult) => {
    for (const resource of result.resources) inventory.add(resource);
    for (const diagnostic of result.diagnostics) report(diagnostic);
  };
  /** An adapter's InputError (a syntax error) makes that file malformed; the rest of the scan goes on. */
  const guarded = async (entry: Classified, load: () => Promise<IngestResult> | IngestResult) => {
    try {
      addAll(await load());
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      stats.files[entry.kind]--;
      stats.files.malformed++;
      report({
        kind: 'parse-error',
        file: error.at?.file ?? entry.file.path,
        line: error.at?.line,
        column: error.at?.column,
        message: error.message,
      });
    }
  };
  const streamed = async (resources: AsyncIterable<Resource>, waiting: HoldingArea<Held>) => {
    const evaluator = new StreamingEvaluator(engine, emit, waiting);
    for await (const resource of resources) {
      stats.resources++;
      evaluator.push(resource);
    }
    await evaluator.finish();
  };

  const terraformRoots = rootModules(classified);
  const bicepRoots = new Set(
    (
      await bicepEntryPoints(
        classified.filter((c) => c.kind === 'bicep' || c.kind === 'bicepparam').map((c) => c.file.path),
      )
    ).map((entry) => entry.file),
  );
  const work = classified.filter(
    (c) =>
      c.kind === 'arm-template' ||
      c.kind === 'snapshot' ||
      c.kind === 'terraform-plan' ||
      terraformRoots.has(c.file.path) ||
      bicepRoots.has(c.file.path),
  );
  const azurermMajor = options.config.terraform.assumeAzurermMajor;
  let done = 0;
  for (const entry of work) {
    options.onProgress?.(done++, work.length, entry.file.path);
    const path = entry.file.path;
    switch (entry.kind) {
      case 'arm-template': {
        const siblingName = join(dirname(path), `${basename(path, '.json')}.parameters.json`);
        const sibling = parameterFiles.get(siblingName);
        const parameters =
          explicitParameters ?? (sibling !== undefined ? { file: siblingName, text: sibling } : undefined);
        await guarded(entry, () =>
          parseArmTemplate({ file: path, text: entry.text ?? '', json: entry.json, parameters }),
        );
        break;
      }
      case 'snapshot':
        // Snapshot resources are plain JSON, so waiting ones can go to disk and memory stays flat.
        await streamed(readSnapshot(path, report), new DiskHoldingArea());
        break;
      case 'terraform-plan':
        // Plan resources carry source locations (Maps), which a JSON round trip to disk would lose.
        await streamed(readTerraformPlan(path, report), new MemoryHoldingArea());
        break;
      case 'terraform':
        await guarded(entry, () =>
          loadTerraformModule(dirname(path), {
            varFiles: options.varFiles,
            azurermMajor: azurermMajor === 'auto' ? undefined : azurermMajor,
          }),
        );
        break;
      case 'bicepparam':
        await guarded(entry, () => loadBicepParams(path));
        break;
      case 'bicep':
        await guarded(entry, () => loadBicep(path, { parametersFile: options.parametersFile }));
        break;
    }
  }
  options.onProgress?.(done, work.length, '');

  stats.resources += inventory.size;
  if (waivers)
    for (const resource of inventory.resources) if (resource.metadata !== undefined) waivers.addResource(resource);
  options.onInventory?.(inventory);
  for (const finding of engine.evaluate(inventory)) emit(finding);
  if (drift) {
    drift.link();
    for (const finding of held) if (finding.status !== 'pass' || options.includePassed) options.onFinding(finding);
  }
  for (const notice of waivers?.unused() ?? []) notify(notice);
  stats.evaluatedResources = engine.evaluatedResources;
  stats.verdicts = { ...engine.counts };
  if (stats.resources === 0) stats.incomplete = true;
  return stats;
}

const CODE_KINDS: ReadonlySet<FileKind> = new Set(['arm-template', 'terraform', 'terraform-plan', 'bicep']);

function linksDrift(classified: Classified[]): boolean {
  return classified.some((c) => c.kind === 'snapshot') && classified.some((c) => CODE_KINDS.has(c.kind));
}

async function readUserFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code})`, { file: path });
  }
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Recognises a file by content (extension only for formats that have no JSON form to sniff). */
export async function classify(file: DiscoveredFile): Promise<Classified> {
  const path = file.path;
  if (TERRAFORM.test(path)) return { file, kind: 'terraform', text: await readFile(path, 'utf8') };
  if (TERRAFORM_VARS.test(path)) return { file, kind: 'terraform-vars' };
  if (BICEP.test(path)) return { file, kind: 'bicep', text: await readFile(path, 'utf8') };
  if (BICEPPARAM.test(path)) return { file, kind: 'bicepparam', text: await readFile(path, 'utf8') };
  const head = await readHead(path);
  if (GZIP.test(path)) return { file, kind: head[0] === 0x1f && head[1] === 0x8b ? 'snapshot' : 'binary' };
  if (head.includes(0)) return { file, kind: 'binary' };
  const headText = head.toString('utf8').replace(/^\uFEFF/, '');
  const firstChar = headText.trimStart()[0];
  if (firstChar !== '{' && firstChar !== '[') return { file, kind: 'unrecognized' };
  const size = (await stat(path)).size;
  if (detectTerraformPlan(headText)) return { file, kind: 'terraform-plan' };
  if (size > WHOLE_FILE_LIMIT) {
    return { file, kind: detectSnapshot(headText, path) ? 'snapshot' : 'unrecognized' };
  }
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // ARM accepts comments and trailing commas; NDJSON is many documents. Only then is it malformed.
    const errors: ParseError[] = [];
    value = parseJsonc(text, errors, { allowTrailingComma: true });
    if (errors.length > 0) {
      if (detectSnapshot(headText, path)) return { file, kind: 'snapshot' };
      if (!/\.jsonc?$/i.test(path) && !/deploymentTemplate\.json/i.test(headText))
        return { file, kind: 'unrecognized' };
      const first = errors[0];
      const where = new LineIndex(text).at(first.offset);
      const problem = new InputError(`malformed JSON: ${describeJsonError(printParseErrorCode(first.error))}`, {
        file: path,
        ...where,
      });
      return { file, kind: 'malformed', problem };
    }
  }
  const arm = classifyArmJson(value);
  if (arm === 'template') return { file, kind: 'arm-template', text, json: value };
  if (arm === 'parameters') return { file, kind: 'arm-parameters', text };
  return { file, kind: detectSnapshot(headText, path) ? 'snapshot' : 'unrecognized', text };
}

function describeJsonError(code: string): string {
  // jsonc-parser names errors like "CommaExpected"; users read "comma expected".
  return code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/^invalid symbol$/, 'unexpected character');
}

const LOCAL_MODULE_SOURCE = /\bsource\s*=\s*"(\.{1,2}\/[^"]*)"/g;

/**
 * Terraform root modules: every directory with .tf files, except those another scanned directory calls as a local
 * module (they are loaded through their caller, with its inputs). The first .tf file of a root stands for it.
 */
function rootModules(classified: Classified[]): Set<string> {
  const byDir = new Map<string, Classified>();
  const called = new Set<string>();
  for (const entry of classified) {
    if (entry.kind !== 'terraform') continue;
    const dir = resolve(dirname(entry.file.path));
    if (!byDir.has(dir)) byDir.set(dir, entry);
    for (const match of (entry.text ?? '').matchAll(LOCAL_MODULE_SOURCE)) called.add(resolve(dir, match[1]));
  }
  return new Set([...byDir].filter(([dir]) => !called.has(dir)).map(([, entry]) => entry.file.path));
}

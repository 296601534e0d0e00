// The scan pipeline shared by the CLI and (later) the server: discover files, recognise each by content, ingest
// it with its adapter, evaluate the rules, and hand findings to a sink as they are produced.
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import type { Config } from '../core/config.js';
import { InputError, LineIndex, UserError } from '../core/errors.js';
import { Inventory } from '../core/inventory.js';
import type { Finding } from '../core/types.js';
import { classifyArmJson, parseArmTemplate } from '../ingest/arm/index.js';
import { detectSnapshot, readSnapshot } from '../ingest/snapshot/index.js';
import type { IngestDiagnostic } from '../ingest/types.js';
import type { Rule } from '../rules/define.js';
import { Engine, type VerdictCounts } from '../rules/engine.js';
import { StreamingEvaluator } from '../rules/stream.js';
import { type DiscoveredFile, discover } from './discover.js';
import { DiskHoldingArea } from './spill.js';

export type FileKind =
  | 'arm-template'
  | 'arm-parameters'
  | 'snapshot'
  | 'terraform'
  | 'bicep'
  | 'binary'
  | 'unrecognized'
  | 'malformed';

export interface ScanOptions {
  paths: string[];
  config: Config;
  rules: readonly Rule[];
  /** A parameter file applied to every ARM template (`--parameters`). */
  parametersFile?: string;
  includePassed?: boolean;
  onFinding: (finding: Finding) => void;
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

/** Terraform and Bicep adapters arrive with their own issue; until then such files are counted, not scanned. */
const TERRAFORM = /\.(tf|tfvars|tf\.json)$/i;
const BICEP = /\.(bicep|bicepparam)$/i;
const GZIP = /\.gz$/i;

interface Classified {
  file: DiscoveredFile;
  kind: FileKind;
  text?: string;
  problem?: InputError;
}

export async function runScan(options: ScanOptions): Promise<ScanStats> {
  const stats: ScanStats = {
    files: {
      'arm-template': 0,
      'arm-parameters': 0,
      snapshot: 0,
      terraform: 0,
      bicep: 0,
      binary: 0,
      unrecognized: 0,
      malformed: 0,
    },
    resources: 0,
    evaluatedResources: 0,
    verdicts: { pass: 0, fail: 0, unknown: 0, 'not-applicable': 0 },
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
    if (file.explicit && ['binary', 'unrecognized', 'terraform', 'bicep'].includes(entry.kind)) {
      throw new InputError(explainUnscannable(entry.kind), { file: file.path });
    }
    classified.push(entry);
  }

  const engine = new Engine(options.rules, { config: options.config, includePassed: options.includePassed });
  const explicitParameters = options.parametersFile
    ? { file: options.parametersFile, text: await readUserFile(options.parametersFile) }
    : undefined;
  const parameterFiles = new Map(
    classified.filter((c) => c.kind === 'arm-parameters').map((c) => [c.file.path, c.text ?? ''] as const),
  );

  const inventory = new Inventory();
  const work = classified.filter((c) => c.kind === 'arm-template' || c.kind === 'snapshot');
  let done = 0;
  for (const entry of work) {
    options.onProgress?.(done++, work.length, entry.file.path);
    if (entry.kind === 'arm-template') {
      const siblingName = join(dirname(entry.file.path), `${basename(entry.file.path, '.json')}.parameters.json`);
      const sibling = parameterFiles.get(siblingName);
      const parameters =
        explicitParameters ?? (sibling !== undefined ? { file: siblingName, text: sibling } : undefined);
      try {
        const result = parseArmTemplate({ file: entry.file.path, text: entry.text ?? '', parameters });
        for (const resource of result.resources) inventory.add(resource);
        for (const diagnostic of result.diagnostics) report(diagnostic);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        stats.files['arm-template']--;
        stats.files.malformed++;
        report({
          kind: 'parse-error',
          file: error.at?.file ?? entry.file.path,
          line: error.at?.line,
          column: error.at?.column,
          message: error.message,
        });
      }
    } else {
      const evaluator = new StreamingEvaluator(engine, options.onFinding, new DiskHoldingArea());
      for await (const resource of readSnapshot(entry.file.path, report)) {
        stats.resources++;
        evaluator.push(resource);
      }
      await evaluator.finish();
    }
  }
  options.onProgress?.(done, work.length, '');

  stats.resources += inventory.size;
  for (const finding of engine.evaluate(inventory)) options.onFinding(finding);
  stats.evaluatedResources = engine.evaluatedResources;
  stats.verdicts = { ...engine.counts };
  if (stats.resources === 0) stats.incomplete = true;
  return stats;
}

function explainUnscannable(kind: FileKind): string {
  switch (kind) {
    case 'binary':
      return 'binary file, not a scannable input';
    case 'terraform':
      return 'Terraform is not supported by this version of phiguard yet';
    case 'bicep':
      return 'Bicep is not supported by this version of phiguard yet (scan the compiled ARM JSON)';
    default:
      return 'not a recognised input (expected an ARM template, an ARM parameter file or an Azure snapshot)';
  }
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
  if (TERRAFORM.test(path)) return { file, kind: 'terraform' };
  if (BICEP.test(path)) return { file, kind: 'bicep' };
  const head = await readHead(path);
  if (GZIP.test(path)) return { file, kind: head[0] === 0x1f && head[1] === 0x8b ? 'snapshot' : 'binary' };
  if (head.includes(0)) return { file, kind: 'binary' };
  const headText = head.toString('utf8').replace(/^\uFEFF/, '');
  const firstChar = headText.trimStart()[0];
  if (firstChar !== '{' && firstChar !== '[') return { file, kind: 'unrecognized' };
  const size = (await stat(path)).size;
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
  if (arm === 'template') return { file, kind: 'arm-template', text };
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

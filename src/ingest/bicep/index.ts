// Bicep adapter: .bicep templates (with local modules, imports and load*Content() files) and .bicepparam files,
// parsed and evaluated here - no Bicep CLI - into the canonical Resources the ARM adapter produces for the compiled
// template, with Bicep addresses and positions in the Bicep sources.
//
// Entry points:
// - loadBicep(file, { parametersFile? }): reads a .bicep file and everything it uses. Parameter values come from
//   `parametersFile` (an ARM parameter file, or a .bicepparam whose `using` names this template) or, when not
//   given, from a `<name>.parameters.json` beside the template if one exists.
// - loadBicepParams(file): reads a .bicepparam file and evaluates its `using` template with its values.
// - parseBicepTemplate / parseBicepParams: the same over in-memory sources (tests, rule cases), synchronously.
// - bicepEntryPoints(files): which discovered .bicep/.bicepparam files to load (modules are scanned through the
//   files that use them, templates through their .bicepparam files).
//
// Resources: origin 'bicep'; type/name/id/apiVersion as the ARM adapter gives them for the compiled template;
// `address` is the symbolic path (`sa`, `sa::blob::container[0]`, `storage.resources.sa`); `file`/`at` name the
// file that declares the resource (a module's own file); `locations`/`via` point where each value is written (the
// resource body, a parameter default, a variable, a module block, the .bicepparam or parameter file). ARM JSON
// templates used as local modules are scanned by the ARM adapter with the module's values (origin 'arm').
//
// Errors: syntax errors in the entry file throw an InputError (file:line:column, one line). Module problems become
// IngestDiagnostics and the rest is still scanned: registry (`br:`, `br/<alias>:`) and template-spec (`ts:`) modules
// are `not-scanned` at the module's path; unreadable files `read-error`; syntax errors in modules `parse-error`.
// Values only known at deployment (reference(), resource properties other than id/name/type/apiVersion, list*(),
// readEnvironmentVariable(), getSecret(), @secure() parameters) are Unresolved with the Bicep expression text.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, normalize } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { DeploymentContext, IngestResult } from '../types.js';
import type { Supplied } from './evaluate.js';
import { dependencies, FileSet, loadFiles, relativeTo } from './files.js';
import { armParameterValues, bicepParamValues, usingOf } from './params.js';
import { evaluateParamFile, evaluateTemplate } from './template.js';

export { parseBicep } from './parser.js';
export { Source } from './source.js';

export interface BicepOptions {
  /** An ARM parameter file (`*.parameters.json`) or a .bicepparam file for the template. */
  parametersFile?: string;
}

const BICEPPARAM = /\.bicepparam$/i;

export async function loadBicep(file: string, options: BicepOptions = {}): Promise<IngestResult> {
  const files = await loadFiles(file, 'bicep', new Map([[file, await readUserFile(file)]]));
  let parametersFile = options.parametersFile;
  if (parametersFile === undefined) {
    const sibling = join(dirname(file), `${basename(file).replace(/\.bicep$/i, '')}.parameters.json`);
    if ((await readFile(sibling, 'utf8').catch(() => undefined)) !== undefined) parametersFile = sibling;
  }
  if (parametersFile !== undefined && BICEPPARAM.test(parametersFile)) {
    const params = await loadFiles(
      parametersFile,
      'bicepparam',
      new Map([[parametersFile, await readUserFile(parametersFile)]]),
    );
    for (const [path, text] of params.texts) if (!files.texts.has(path)) files.texts.set(path, text);
    const paramFile = files.parse(parametersFile, 'bicepparam');
    const using = usingOf(paramFile);
    const target = using?.path !== undefined ? files.resolve(paramFile, using.path) : undefined;
    if (target?.kind === 'bicep' && target.file.path !== files.parse(file, 'bicep').path) {
      throw new InputError(
        `parameter file is for '${using?.path}', not ${file}`,
        files.parse(parametersFile, 'bicepparam').source.location(using?.pathStart ?? 0),
      );
    }
    return evaluateTemplate(files, file, (evaluator, t) => bicepParamValues(evaluator, paramFile, t));
  }
  const text = parametersFile === undefined ? undefined : await readUserFile(parametersFile);
  return evaluateTemplate(files, file, () =>
    parametersFile === undefined || text === undefined ? undefined : armParameterValues(parametersFile, text),
  );
}

export async function loadBicepParams(file: string): Promise<IngestResult> {
  const files = await loadFiles(file, 'bicepparam', new Map([[file, await readUserFile(file)]]));
  return evaluateParamFile(files, file);
}

export interface BicepSourceInput {
  file: string;
  text: string;
  /** Other files by path (modules, imports, loaded files), as the entry file's relative paths resolve them. */
  files?: Record<string, string>;
  /** An ARM parameter file, or a .bicepparam file (its `using` is not checked). */
  parameters?: { file: string; text: string };
  context?: Partial<DeploymentContext>;
}

function fileSet(
  input: { file: string; text: string; files?: Record<string, string> },
  extra?: { file: string; text: string },
): FileSet {
  const texts = new Map<string, string | Error>(Object.entries(input.files ?? {}));
  texts.set(input.file, input.text);
  if (extra) texts.set(extra.file, extra.text);
  return new FileSet(texts);
}

export function parseBicepTemplate(input: BicepSourceInput): IngestResult {
  const files = fileSet(input, input.parameters);
  const parameters = input.parameters;
  let supplied: Parameters<typeof evaluateTemplate>[2] = () => undefined;
  if (parameters && BICEPPARAM.test(parameters.file)) {
    const paramFile = files.parse(parameters.file, 'bicepparam');
    supplied = (evaluator, target) => bicepParamValues(evaluator, paramFile, target);
  } else if (parameters) {
    supplied = (): Supplied => armParameterValues(parameters.file, parameters.text);
  }
  return evaluateTemplate(files, input.file, supplied, input.context);
}

export function parseBicepParams(input: Omit<BicepSourceInput, 'parameters'>): IngestResult {
  return evaluateParamFile(fileSet(input), input.file, input.context);
}

export interface BicepEntry {
  file: string;
  /** `params`: load with loadBicepParams; `template`: load with loadBicep. */
  kind: 'template' | 'params';
}

/**
 * Which of the discovered `.bicep` / `.bicepparam` files to load, and how: every .bicepparam file, and every .bicep
 * file that no other file in the set uses as a local module, import or `using` target (those are evaluated through
 * their user, with its values - scanned alone they would only show unknown parameters). A file that cannot be read
 * or parsed is kept, so loading it reports the problem.
 */
export async function bicepEntryPoints(files: readonly string[]): Promise<BicepEntry[]> {
  const used = new Set<string>();
  await Promise.all(
    files.map(async (file) => {
      const mode = BICEPPARAM.test(file) ? 'bicepparam' : 'bicep';
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) return;
      const set = new FileSet(new Map([[file, text]]));
      let program: ReturnType<FileSet['parse']>;
      try {
        program = set.parse(file, mode);
      } catch {
        return;
      }
      for (const dependency of dependencies(program)) {
        if (!dependency.parse) continue;
        used.add(normalize(relativeTo(file, dependency.path)));
      }
    }),
  );
  return files
    .filter((file) => BICEPPARAM.test(file) || !used.has(normalize(file)))
    .map((file) => ({ file, kind: BICEPPARAM.test(file) ? 'params' : 'template' }));
}

async function readUserFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`cannot read file (${code})`, { file });
  }
}

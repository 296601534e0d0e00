// The files one Bicep scan reads: the entry file, its local modules and imports, the files load*Content() reads,
// and parameter files. They are read up front (asynchronously, by loadFiles), so evaluation itself is synchronous
// and can also run over in-memory sources (tests, rule cases).
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { Expr, Program, Statement } from './ast.js';
import { type FileMode, parseBicep } from './parser.js';
import { Source } from './source.js';

export interface BicepFile {
  path: string;
  source: Source;
  program: Program;
  mode: FileMode;
  /** The `targetScope` literal, if any. */
  targetScope?: string;
}

export type Resolved =
  | { kind: 'bicep'; file: BicepFile }
  /** An ARM JSON template used as a module or `using` target. */
  | { kind: 'json'; path: string; text: string }
  | { kind: 'registry'; reference: string }
  | { kind: 'missing'; path: string; reason: string }
  | { kind: 'invalid'; path: string; error: InputError };

/** A registry (`br:`, `br/alias:`) or template spec (`ts:`, `ts/alias:`) reference. */
export function isRemote(path: string): boolean {
  return /^(br|ts)[:/]/i.test(path);
}

export function relativeTo(from: string, path: string): string {
  return join(dirname(from), path);
}

export class FileSet {
  private readonly parsed = new Map<string, Resolved>();

  /** Texts by path; a string is the content, an Error says why the file could not be read. */
  constructor(readonly texts: Map<string, string | Error>) {}

  /** Parses a file; syntax errors are thrown (the entry file) or returned as `invalid` (dependencies). */
  parse(path: string, mode: FileMode): BicepFile {
    const resolved = this.load(path, mode);
    if (resolved.kind === 'bicep') return resolved.file;
    if (resolved.kind === 'invalid') throw resolved.error;
    throw new InputError(resolved.kind === 'missing' ? `cannot read file (${resolved.reason})` : 'not a Bicep file', {
      file: path,
    });
  }

  private load(path: string, mode: FileMode): Resolved {
    const cached = this.parsed.get(path);
    if (cached) return cached;
    const text = this.texts.get(path);
    let resolved: Resolved;
    if (text === undefined || text instanceof Error) {
      resolved = { kind: 'missing', path, reason: text instanceof Error ? errorCode(text) : 'not found' };
    } else if (/\.json$/i.test(path)) {
      resolved = { kind: 'json', path, text };
    } else {
      try {
        const source = new Source(path, text);
        const program = parseBicep(source, mode);
        resolved = { kind: 'bicep', file: { path, source, program, mode, targetScope: targetScopeOf(program) } };
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        resolved = { kind: 'invalid', path, error };
      }
    }
    this.parsed.set(path, resolved);
    return resolved;
  }

  /** A module, import or `using` path as written in `from`. */
  resolve(from: BicepFile, path: string): Resolved {
    if (isRemote(path)) return { kind: 'registry', reference: path };
    return this.load(relativeTo(from.path, path), /\.bicepparam$/i.test(path) ? 'bicepparam' : 'bicep');
  }

  readRelative(from: BicepFile, path: string): string | undefined {
    const text = this.texts.get(relativeTo(from.path, path));
    return typeof text === 'string' ? text : undefined;
  }
}

function errorCode(error: Error): string {
  return (error as NodeJS.ErrnoException).code ?? error.message;
}

function targetScopeOf(program: Program): string | undefined {
  for (const statement of program.statements) {
    if (statement.kind === 'targetScope' && statement.value.kind === 'string') return statement.value.value;
  }
  return undefined;
}

const LOADERS = new Set(['loadtextcontent', 'loadjsoncontent', 'loadyamlcontent', 'loadfileasbase64']);

/** Paths a file depends on: local modules, imports, `using`/`extends` targets and load*Content() arguments. */
export function dependencies(file: BicepFile): { path: string; parse: boolean }[] {
  const out: { path: string; parse: boolean }[] = [];
  const visit = (expr: Expr | undefined): void => {
    if (!expr) return;
    walkExpr(expr, (node) => {
      if (node.kind === 'call' && LOADERS.has(node.name.toLowerCase()) && node.args[0]?.kind === 'string') {
        out.push({ path: node.args[0].value, parse: false });
      }
    });
  };
  const statement = (s: Statement): void => {
    switch (s.kind) {
      case 'module':
        if (!isRemote(s.path)) out.push({ path: s.path, parse: !/\.json$/i.test(s.path) });
        visit(s.body);
        break;
      case 'import':
        if (s.from !== undefined && !isRemote(s.from)) out.push({ path: s.from, parse: true });
        break;
      case 'using':
      case 'extends':
        if (s.path !== undefined && !isRemote(s.path)) out.push({ path: s.path, parse: !/\.json$/i.test(s.path) });
        break;
      case 'param':
      case 'var':
      case 'output':
        visit(s.value);
        break;
      case 'resource':
        visit(s.body);
        break;
      case 'func':
        visit(s.body);
        break;
      case 'targetScope':
        visit(s.value);
        break;
      default:
        break;
    }
  };
  for (const s of file.program.statements) statement(s);
  return out;
}

function walkExpr(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  const each = (node: Expr | undefined) => node && walkExpr(node, visit);
  switch (expr.kind) {
    case 'interp':
      expr.exprs.forEach(each);
      break;
    case 'object':
      for (const item of expr.items) each(item.value);
      for (const resource of expr.resources) each(resource.body);
      break;
    case 'array':
      for (const item of expr.items) each(item.kind === 'spread' ? item.value : item);
      break;
    case 'for':
      each(expr.iterable);
      each(expr.condition);
      each(expr.body);
      break;
    case 'if':
      each(expr.condition);
      each(expr.body);
      break;
    case 'call':
      each(expr.target);
      expr.args.forEach(each);
      break;
    case 'member':
    case 'child':
    case 'nonNull':
      each(expr.target);
      break;
    case 'index':
      each(expr.target);
      each(expr.index);
      break;
    case 'unary':
      each(expr.operand);
      break;
    case 'binary':
      each(expr.left);
      each(expr.right);
      break;
    case 'ternary':
      each(expr.condition);
      each(expr.then);
      each(expr.else);
      break;
    case 'lambda':
      each(expr.body);
      break;
    case 'paren':
      each(expr.inner);
      break;
    default:
      break;
  }
}

/**
 * Reads `entry` and everything it depends on, transitively. `initial` holds texts already known (the entry file's,
 * when the caller has read it). Unreadable dependencies are recorded as Errors, reported where they are used.
 */
export async function loadFiles(
  entry: string,
  mode: FileMode,
  initial: Map<string, string> = new Map(),
): Promise<FileSet> {
  const texts = new Map<string, string | Error>(initial);
  const set = new FileSet(texts);
  const queue: { path: string; mode: FileMode; parse: boolean }[] = [{ path: entry, mode, parse: true }];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const batch = queue.splice(0).filter((item) => !seen.has(item.path));
    for (const item of batch) seen.add(item.path);
    await Promise.all(
      batch.map(async (item) => {
        if (!texts.has(item.path)) {
          texts.set(
            item.path,
            await readFile(item.path, 'utf8').catch((error: unknown) =>
              error instanceof Error ? error : new Error(String(error)),
            ),
          );
        }
      }),
    );
    for (const item of batch) {
      if (!item.parse || typeof texts.get(item.path) !== 'string') continue;
      let file: BicepFile;
      try {
        file = set.parse(item.path, item.mode);
      } catch (error) {
        if (item.path === entry) throw error;
        continue; // reported where the dependency is used
      }
      for (const dependency of dependencies(file)) {
        const path = relativeTo(file.path, dependency.path);
        if (!seen.has(path))
          queue.push({ path, mode: /\.bicepparam$/i.test(path) ? 'bicepparam' : 'bicep', parse: dependency.parse });
      }
    }
  }
  return set;
}

// Which files a scan reads: explicit files as given, directories walked with .gitignore honoured and the usual
// tool and dependency folders skipped.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { InputError } from '../core/errors.js';

/** Never scanned: VCS data, dependencies, Terraform's provider cache, phiguard's own state. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.terraform', '.phiguard', '.hg', '.svn']);

export interface DiscoveredFile {
  /** Path as the user would write it (relative to the current directory when given relative). */
  path: string;
  /** True when named on the command line (an unrecognised format is then an input error, not a skip). */
  explicit: boolean;
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

export async function discover(paths: string[], exclude: string[] = []): Promise<DiscoveredFile[]> {
  const found: DiscoveredFile[] = [];
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'no such file or directory' : `cannot access (${code})`, { file: path });
    }
    if (info.isDirectory()) {
      const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
      await walk(path, path, [], excluded, found);
    } else {
      found.push({ path, explicit: true });
    }
  }
  return found;
}

async function walk(
  root: string,
  dir: string,
  scopes: IgnoreScope[],
  excluded: (path: string) => boolean,
  found: DiscoveredFile[],
): Promise<void> {
  const gitignore = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => undefined);
  const active = gitignore === undefined ? scopes : [...scopes, { base: dir, rules: ignore().add(gitignore) }];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(`cannot read directory (${(error as NodeJS.ErrnoException).code})`, { file: dir });
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const isDirectory = entry.isDirectory();
    if (isDirectory && SKIPPED_DIRECTORIES.has(entry.name)) continue;
    if (isIgnored(active, path, isDirectory)) continue;
    if (excluded(toPosix(relative(root, path)))) continue;
    if (isDirectory) await walk(root, path, active, excluded, found);
    else if (entry.isFile()) found.push({ path, explicit: false });
    else if (entry.isSymbolicLink()) {
      // Followed like git does for files; a dangling link is reported as unreadable, not silently dropped.
      const target = await stat(path).catch(() => undefined);
      if (!target || target.isFile()) found.push({ path, explicit: false });
    }
  }
}

function isIgnored(scopes: IgnoreScope[], path: string, isDirectory: boolean): boolean {
  return scopes.some(({ base, rules }) => {
    const rel = toPosix(relative(base, path));
    return rel !== '' && !rel.startsWith('..') && rules.ignores(isDirectory ? `${rel}/` : rel);
  });
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

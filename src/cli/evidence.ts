// `phiguard evidence export` and `phiguard evidence verify` (docs/evidence.md).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { ConfigError, InputError } from '../core/errors.js';
import { EXIT } from '../report/summary.js';
import { scanClock } from './governance.js';
import { writeFileAtomic } from './output.js';

export interface ExportFlags {
  out: string;
  scope?: string;
  since?: string;
  db?: string;
  actor?: string;
  /** `--no-pdf`: HTML narrative only, even when Chromium is installed. */
  pdf?: boolean;
}

function checkSince(since: string | undefined): string | undefined {
  if (since === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(since) || Number.isNaN(Date.parse(since))) {
    throw new ConfigError(
      '--since is not a date',
      undefined,
      `expected YYYY-MM-DD or an ISO date-time, got "${since}"`,
    );
  }
  return since;
}

export async function evidenceExport(flags: ExportFlags, version: string): Promise<number> {
  const since = checkSince(flags.since);
  const now = scanClock();
  // Checked first: the export is recorded in the ledger before the package is written.
  const outDir = dirname(flags.out);
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) {
    throw new ConfigError('--out directory does not exist', { file: outDir });
  }
  const [{ openExistingStore, repositoryRoot, scopeKey, storeTarget }, { defaultActor }, exporter, signing, catalog] =
    await Promise.all([
      import('../store/index.js'),
      import('../store/session.js'),
      import('../evidence/export.js'),
      import('../evidence/signing.js'),
      import('../rules/catalog/index.js'),
    ]);
  const target = storeTarget(flags.db, ['.']);
  const store = await openExistingStore(target, '.');
  try {
    let scope = flags.scope;
    // A scope is recorded relative to the repository root (`phiguard history` shows it); accept a path as well.
    if (scope !== undefined && (await store.scans({ scope, limit: 1 })).length === 0 && existsSync(scope)) {
      scope = scopeKey([scope], repositoryRoot(process.cwd()));
    }
    const titles = new Map(catalog.RULES.map((rule) => [rule.id, rule.title]));
    const keys = signing.loadOrCreateKeys(exporter.keysDirFor(target));
    const built = await exporter.exportEvidence({
      store,
      keys,
      scope,
      since,
      actor: flags.actor ?? defaultActor(),
      now,
      tool: { name: 'phiguard', version },
      ruleTitle: (id) => titles.get(id) ?? id,
      packageName: basename(flags.out),
      renderPdf:
        flags.pdf === false
          ? async () => ({ reason: 'disabled with --no-pdf' })
          : async (html) => (await import('../evidence/pdf.js')).renderPdf(html),
    });
    // The package appears whole or not at all.
    await writeFileAtomic(flags.out, built.zip);
    const pdf = built.manifest.pdf.included ? 'narrative.pdf included' : built.manifest.pdf.note;
    process.stderr.write(
      `phiguard: wrote ${flags.out}: ${built.scans} scan(s), ${built.subjects} finding(s), ${built.manifest.files.length} files, ledger entries ${built.manifest.ledger.firstSeq}-${built.manifest.ledger.treeSize}; ${pdf}\n` +
        `phiguard: signing key ${keys.fingerprint} (give auditors public-key.pem, or this fingerprint, separately)\n`,
    );
    return EXIT.clean;
  } finally {
    await store.close();
  }
}

export interface VerifyFlags {
  publicKey?: string;
  /** Print the result as JSON. */
  json?: boolean;
}

function readInput(path: string, what: string): Buffer {
  if (!existsSync(path)) throw new InputError(`${what} not found`, { file: path });
  if (statSync(path).isDirectory()) throw new InputError(`${what} is a directory`, { file: path });
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InputError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code})`, { file: path });
  }
}

/** Exit 0 verified, 1 something is wrong (each problem on its own line), 2 not a package or unusable flags. */
export async function evidenceVerify(path: string, flags: VerifyFlags): Promise<number> {
  const bytes = readInput(path, 'package');
  const publicKeyPem = flags.publicKey ? readInput(flags.publicKey, 'public key').toString('utf8') : undefined;
  const { verifyPackage } = await import('../evidence/verify.js');
  const result = verifyPackage(bytes, { publicKeyPem });
  if (!result.isPackage) {
    throw new InputError(`not an evidence package (${result.problems.join('; ')})`, { file: path });
  }
  if (flags.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: result.ok, problems: result.problems, ...result.summary }, null, 2)}\n`,
    );
  } else if (result.ok) {
    const s = result.summary;
    process.stdout.write(
      `verified: ${path}: ${s.files} files, ${s.entries} ledger entries, ${s.checkpoints} checkpoint(s) up to entry ${s.treeSize}, key ${s.keyId}${publicKeyPem ? ' (pinned)' : ' (from the package: compare it with the fingerprint you were given)'}\n`,
    );
  } else {
    for (const problem of result.problems) process.stdout.write(`${problem}\n`);
    process.stderr.write(`phiguard: ${path}: verification failed (${result.problems.length} problem(s))\n`);
  }
  return result.ok ? EXIT.clean : EXIT.findings;
}

// The fake Azure secrets produced by ../shared/reference/spikes/make-fake-azure-secrets.js, generated fresh on
// every run (the script writes samples.env into its working directory, so it runs in a temporary one).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const sharedDir = resolve(repoRoot, '../shared');

export interface FakeSecrets {
  /** The env lines as written, e.g. `STORAGE_CONN="DefaultEndpointsProtocol=...;AccountKey=...;..."`. */
  lines: Map<string, string>;
  /** Every secret value (the part an attacker could use), for greps. */
  secrets: string[];
}

export function makeFakeSecrets(): FakeSecrets {
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-fake-secrets-'));
  try {
    execFileSync(process.execPath, [join(sharedDir, 'reference/spikes/make-fake-azure-secrets.js')], { cwd: dir });
    const text = readFileSync(join(dir, 'samples.env'), 'utf8');
    const lines = new Map<string, string>();
    for (const line of text.split('\n').filter(Boolean)) {
      const [name, ...rest] = line.split('=');
      lines.set(name, rest.join('=').replace(/^"|"$/g, ''));
    }
    const secrets = [
      /AccountKey=([^;]+)/.exec(lines.get('STORAGE_CONN') ?? '')?.[1],
      /[?&]sig=([^&]+)/.exec(lines.get('SAS_URL') ?? '')?.[1],
      lines.get('AZURE_CLIENT_SECRET'),
      /SharedAccessKey=([^;]+)/.exec(lines.get('SB_CONN') ?? '')?.[1],
      /Password=([^;]+)/.exec(lines.get('SQL_CONN') ?? '')?.[1],
      /AccountKey=([^;]+)/.exec(lines.get('COSMOS_CONN') ?? '')?.[1],
      /:\/\/[^:]+:([^@]+)@/.exec(lines.get('PG_URL') ?? '')?.[1],
    ];
    if (secrets.some((secret) => !secret)) throw new Error(`unexpected samples.env shape:\n${text}`);
    return { lines, secrets: secrets as string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The secrets plus the forms they take once escaped in JSON, URL-decoded or base64-decoded. */
export function secretNeedles(secrets: string[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    needles.add(secret);
    needles.add(JSON.stringify(secret).slice(1, -1));
    try {
      needles.add(decodeURIComponent(secret));
    } catch {}
  }
  return [...needles].filter((needle) => needle.length >= 8);
}

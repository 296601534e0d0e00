import { unzipSync, zipSync } from 'fflate';

/**
 * The package container: a zip with entries sorted by path, stored (not deflated), all dated 1980-01-01 00:00.
 *
 * Stored, because then every byte of the container is either a byte of a file (checked against the signed
 * manifest) or a header byte that `zipPackage` regenerates identically from those files; a deflate stream has bits
 * that do not change what it inflates to (padding, redundant code tables), so a flip there would go unnoticed.
 * The date is built from local-time fields because zip (DOS) times are local: the same bytes in every time zone.
 */
const FIXED_DATE = () => new Date(1980, 0, 1, 0, 0, 0);

export type PackageFiles = Map<string, Uint8Array>;

export function zipPackage(files: PackageFiles): Uint8Array {
  const entries: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const path of [...files.keys()].sort())
    entries[path] = [files.get(path) as Uint8Array, { level: 0, mtime: FIXED_DATE() }];
  return zipSync(entries);
}

export type Unzipped =
  | { ok: true; files: PackageFiles; container: 'canonical' | 'altered'; firstDifference?: number }
  | {
      ok: false;
      reason: string;
    };

const ZIP_MAGIC = [0x50, 0x4b];

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === ZIP_MAGIC[0] && bytes[1] === ZIP_MAGIC[1];
}

/** Reads a package and says whether its container is byte for byte what `zipPackage` makes of its files. */
export function unzipPackage(bytes: Uint8Array): Unzipped {
  let raw: Record<string, Uint8Array>;
  try {
    raw = unzipSync(bytes);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const files: PackageFiles = new Map(Object.entries(raw).filter(([path]) => !path.endsWith('/')));
  const rebuilt = zipPackage(files);
  let firstDifference: number | undefined;
  const length = Math.max(rebuilt.length, bytes.length);
  for (let i = 0; i < length; i++) {
    if (rebuilt[i] !== bytes[i]) {
      firstDifference = i;
      break;
    }
  }
  return firstDifference === undefined
    ? { ok: true, files, container: 'canonical' }
    : { ok: true, files, container: 'altered', firstDifference };
}

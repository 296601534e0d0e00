import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { hipaaTitle } from '../core/hipaa.js';
import { csvCell } from '../report/csv.js';
import { canonicalJson } from './ledger.js';
import { prefixSubtrees } from './merkle.js';
import type { PackageInput, PackageSubject } from './model.js';
import { renderNarrative, subjectDirectory } from './narrative.js';
import { redactText, redactValue } from './redact.js';
import { type LedgerKeys, ledgerLeaf, signBytes } from './signing.js';
import { type PackageFiles, zipPackage } from './zip.js';

/** Package layout names, shared with verify.ts. */
export const PACKAGE_FORMAT = 'phiguard-evidence/1';
export const MANIFEST = 'manifest.json';
export const MANIFEST_SIG = 'manifest.sig';
export const PUBLIC_KEY = 'public-key.pem';
export const ENTRIES = 'ledger/entries.jsonl';
export const CHECKPOINTS = 'ledger/checkpoints.json';

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: string;
  generatedAt: string;
  generatedBy: string;
  tool: { name: string; version: string };
  scope: string | null;
  since: string | null;
  keyId: string;
  pdf: { included: boolean; note: string };
  ledger: { firstSeq: number; treeSize: number; headHash: string; rootHash: string };
  files: ManifestFile[];
}

/** ledger/checkpoints.json */
export interface CheckpointsFile {
  /** The complete subtrees over the entries before the excerpt (RFC 6962 hashes, hex). */
  prefix: { size: number; subtrees: { start: number; size: number; hash: string }[] };
  checkpoints: PackageInput['ledger']['checkpoints'];
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const FINDINGS_CSV_COLUMNS = [
  'subject_key',
  'rule_id',
  'title',
  'severity',
  'hipaa',
  'hipaa_sections',
  'resource_type',
  'resource_name',
  'resource_id',
  'file',
  'status',
  'first_seen_at',
  'first_seen_scan',
  'first_seen_by',
  'last_seen_scan',
  'fixed_at',
  'fixed_scan',
  'fixed_by',
  'fixed_reason',
  'reopen_count',
  'waiver_reason',
  'waiver_approver',
  'waiver_expires',
  'message',
  'evidence_dir',
] as const;

function findingsCsv(subjects: readonly PackageSubject[]): string {
  const rows = subjects.map((s) => [
    s.subjectKey,
    s.ruleId,
    s.title,
    s.severity,
    s.hipaa.join('; '),
    s.hipaa.map(hipaaTitle).join('; '),
    s.resource.type,
    s.resource.name,
    s.resource.id,
    s.file ?? '',
    s.state,
    s.firstSeen.at,
    String(s.firstSeen.scanId),
    s.firstSeen.actor,
    String(s.lastSeen.scanId),
    s.fixed?.at ?? '',
    s.fixed ? String(s.fixed.scanId) : '',
    s.fixed?.actor ?? '',
    s.fixed?.reason ?? '',
    String(s.reopenCount),
    s.waiver?.reason ?? '',
    s.waiver?.approver ?? '',
    s.waiver?.expires ?? '',
    s.message,
    subjectDirectory(s),
  ]);
  return `${[FINDINGS_CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

function subjectFiles(subject: PackageSubject, files: PackageFiles): void {
  const dir = subjectDirectory(subject);
  const { before, after } = subject;
  files.set(
    `${dir}/finding.json`,
    utf8(
      json({
        subjectKey: subject.subjectKey,
        ruleId: subject.ruleId,
        title: subject.title,
        severity: subject.severity,
        hipaa: subject.hipaa,
        resource: subject.resource,
        file: subject.file,
        status: subject.state,
        message: subject.message,
        firstSeen: subject.firstSeen,
        lastSeen: subject.lastSeen,
        fixed: subject.fixed,
        reopenCount: subject.reopenCount,
        waiver: subject.waiver,
      }),
    ),
  );
  const beforeText = before ? json({ scanId: before.scanId, at: before.at, config: before.config }) : '';
  const afterText = after ? json({ scanId: after.scanId, at: after.at, config: after.config }) : '';
  if (before) files.set(`${dir}/before.json`, utf8(beforeText));
  if (after) files.set(`${dir}/after.json`, utf8(afterText));
  if (before && after) {
    const patch = createTwoFilesPatch(
      'before.json',
      'after.json',
      json(before.config),
      json(after.config),
      `scan ${before.scanId} ${before.at}`,
      `scan ${after.scanId} ${after.at}`,
    );
    files.set(`${dir}/diff.patch`, utf8(patch));
  }
  const excerpts = [
    before?.excerpt ? { label: `before (scan ${before.scanId})`, ...before.excerpt } : null,
    after?.excerpt ? { label: `after (scan ${after.scanId})`, ...after.excerpt } : null,
  ].filter((e) => e !== null);
  if (excerpts.length > 0) {
    const text = excerpts
      .map((e) => `# ${e.label}: ${e.file} from line ${e.startLine}\n${e.text.endsWith('\n') ? e.text : `${e.text}\n`}`)
      .join('\n');
    files.set(`${dir}/iac-excerpt.txt`, utf8(text));
  }
}

function readme(manifestNote: string, keyId: string): string {
  return `# phiguard evidence package

This package is evidence of HIPAA Security Rule findings and their remediation. Everything in it can be
verified offline, with nothing but this package (and, ideally, the signer's public key obtained separately).

${manifestNote}

## Contents

- \`narrative.html\` (and \`narrative.pdf\` when included): the narrative for OCR, findings by HIPAA section.
- \`findings.csv\`: one row per finding (rule on a resource) with HIPAA citations and its status.
- \`scans.json\`: the scans covered: when, by whom, tool and rule-catalog versions, inputs and their SHA-256.
- \`evidence/<rule>-<subject>/\`: \`finding.json\`, \`before.json\` (configuration when found), \`after.json\`
  (configuration when verified fixed), \`diff.patch\` (unified diff before -> after), \`iac-excerpt.txt\`.
- \`ledger/entries.jsonl\`: the excerpt of the append-only, hash-chained ledger covering these scans.
- \`ledger/checkpoints.json\`: signed checkpoints (tree size, head hash, RFC 6962 Merkle root, time) and the
  subtree hashes of the ledger entries before the excerpt.
- \`manifest.json\`: every other file with its SHA-256 and size; \`manifest.sig\`: Ed25519 signature over the
  exact bytes of manifest.json; \`public-key.pem\`: the signer's public key (SHA-256 of its DER form:
  \`${keyId}\`).

Secrets (keys, passwords, tokens, connection strings) were replaced by \`[REDACTED:<kind>]\` before anything
was written.

## Verify with phiguard

    phiguard evidence verify ocr-package.zip --public-key signer.pem

It checks the manifest signature, every file's SHA-256, missing and extra files, the ledger chain and the
checkpoint signatures and Merkle roots, and names exactly what is wrong. Exit code 0 means verified.

## Verify by hand (sha256sum, openssl 3, python3)

    unzip -d pkg ocr-package.zip && cd pkg
    # 1. the signer: compare with the fingerprint published to you separately
    openssl pkey -pubin -in public-key.pem -outform DER | sha256sum
    # 2. the manifest signature
    openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -in manifest.json -sigfile manifest.sig
    # 3. every file listed, and nothing else
    python3 -c 'import json;[print(f["sha256"]+"  "+f["path"]) for f in json.load(open("manifest.json"))["files"]]' | sha256sum -c
    find . -type f | sed 's|^\\./||' | sort   # only the listed files, manifest.json and manifest.sig

4. The ledger: for each line of \`ledger/entries.jsonl\`, \`hash\` must equal
   \`printf 'phiguard-ledger-v1\\n%s\\n%s\\n%s' "$seq" "$prevHash" "$event" | sha256sum\`, \`seq\` must increase by one
   and \`prevHash\` must equal the previous line's \`hash\` (64 zeros before entry 1).
5. Each checkpoint's \`signature\` (base64) signs the five lines
   \`phiguard-checkpoint-v1\\n<treeSize>\\n<headHash>\\n<rootHash>\\n<at>\\n\`; \`headHash\` must be the hash of entry
   \`treeSize\`, and \`rootHash\` the RFC 6962 Merkle root over leaves SHA-256(0x00 || raw 32-byte entry hash),
   computed from \`prefix.subtrees\` and the entries in the excerpt (docs/evidence.md gives the algorithm).
`;
}

export interface BuiltPackage {
  zip: Uint8Array;
  files: PackageFiles;
  manifest: Manifest;
}

export interface BuildOptions {
  /** Renders narrative.html to PDF, or says why it cannot. */
  renderPdf?: (html: string) => Promise<{ pdf: Uint8Array } | { reason: string }>;
}

/** A secret in a ledger event cannot be redacted without breaking the chain, so the export refuses instead. */
export class UnredactedLedgerError extends Error {
  constructor(readonly seq: number) {
    super(`ledger entry ${seq} holds an unredacted secret`);
  }
}

/** Builds the signed package. Every file's content passes through redaction before it is hashed. */
export async function buildPackage(
  raw: PackageInput,
  keys: LedgerKeys,
  options: BuildOptions = {},
): Promise<BuiltPackage> {
  const { ledger, ...rest } = raw;
  for (const entry of ledger.entries) {
    if (redactText(entry.event) !== entry.event) throw new UnredactedLedgerError(entry.seq);
  }
  const input: PackageInput = { ...redactValue(rest), ledger };
  const head = ledger.checkpoints.at(-1);
  const last = ledger.entries.at(-1);
  if (!head || !last || head.treeSize !== last.seq) {
    throw new Error('the package needs a checkpoint covering the newest ledger entry');
  }

  const files: PackageFiles = new Map();
  let pdfNote: { included: boolean; note: string } = { included: false, note: 'no PDF renderer configured' };
  const draft = renderNarrative(input, { pdfIncluded: false, keyId: keys.fingerprint });
  if (options.renderPdf) {
    const rendered = await options.renderPdf(renderNarrative(input, { pdfIncluded: true, keyId: keys.fingerprint }));
    pdfNote =
      'pdf' in rendered
        ? { included: true, note: 'narrative.pdf rendered by Chromium from narrative.html' }
        : { included: false, note: `narrative.pdf not included: ${rendered.reason}; narrative.html is the narrative` };
    if ('pdf' in rendered) files.set('narrative.pdf', rendered.pdf);
  }
  const html = pdfNote.included ? renderNarrative(input, { pdfIncluded: true, keyId: keys.fingerprint }) : draft;
  files.set('narrative.html', utf8(redactText(html)));
  files.set('findings.csv', utf8(redactText(findingsCsv(input.subjects))));
  files.set('scans.json', utf8(redactText(json(input.scans))));
  for (const subject of input.subjects) subjectFiles(subject, files);
  for (const [path, bytes] of files) {
    if (path.endsWith('.pdf')) continue;
    files.set(path, utf8(redactText(Buffer.from(bytes).toString('utf8'))));
  }

  files.set(ENTRIES, utf8(ledger.entries.map((entry) => `${canonicalJson(entry)}\n`).join('')));
  const prefix = prefixSubtrees(ledger.priorHashes.length, ledger.priorHashes.map(ledgerLeaf));
  const checkpointsFile: CheckpointsFile = {
    prefix: {
      size: ledger.priorHashes.length,
      subtrees: prefix.map((s) => ({ start: s.start, size: s.size, hash: s.hash.toString('hex') })),
    },
    checkpoints: ledger.checkpoints,
  };
  files.set(CHECKPOINTS, utf8(json(checkpointsFile)));
  files.set(PUBLIC_KEY, utf8(keys.publicKeyPem));
  files.set('README.md', utf8(readme(`PDF: ${pdfNote.note}.`, keys.fingerprint)));

  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    generatedAt: input.generatedAt,
    generatedBy: input.generatedBy,
    tool: input.tool,
    scope: input.scope,
    since: input.since,
    keyId: keys.fingerprint,
    pdf: pdfNote,
    ledger: {
      firstSeq: ledger.entries[0].seq,
      treeSize: head.treeSize,
      headHash: head.headHash,
      rootHash: head.rootHash,
    },
    files: [...files.keys()].sort().map((path) => {
      const bytes = files.get(path) as Uint8Array;
      return { path, sha256: sha256Hex(bytes), bytes: bytes.length };
    }),
  };
  const manifestBytes = utf8(canonicalJson(manifest));
  files.set(MANIFEST, manifestBytes);
  files.set(MANIFEST_SIG, new Uint8Array(signBytes(keys, manifestBytes)));
  return { zip: zipPackage(files), files, manifest };
}

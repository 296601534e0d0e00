import { hipaaTitle } from '../core/hipaa.js';
import type { PackageInput, PackageSubject } from './model.js';

/**
 * The narrative for OCR: one self-contained, accessible HTML page (no script, no external assets), printable and
 * rendered to PDF as is. It says, per HIPAA section, what was wrong, what was done, when, by whom and where it
 * stands now, and points at the evidence files that prove each statement.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `properties.x: a -> b` lines between two configurations, for "what was done". */
export function changedPaths(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], path ? `${path}.${key}` : key));
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return [`${path || '(resource)'}: ${show(before)} -> ${show(after)}`];
}

export function subjectDirectory(subject: PackageSubject): string {
  return `evidence/${subject.ruleId}-${subject.subjectKey.slice(0, 16)}`;
}

function statusText(subject: PackageSubject): string {
  if (subject.state === 'fixed' && subject.fixed) {
    const how = subject.fixed.reason === 'gone' ? 'resource removed' : 'verified passing';
    return `Fixed: ${how} in scan ${subject.fixed.scanId} on ${subject.fixed.at} (by ${subject.fixed.actor})`;
  }
  if (subject.state === 'waived' && subject.waiver) {
    const w = subject.waiver;
    const parts = [`Waived: ${w.reason}`];
    if (w.approver) parts.push(`approved by ${w.approver}`);
    if (w.expires) parts.push(`expires ${w.expires}`);
    if (w.ticket) parts.push(`ticket ${w.ticket}`);
    return parts.join('; ');
  }
  const reopened = subject.reopenCount > 0 ? `, reopened ${subject.reopenCount} time(s)` : '';
  return `Open since scan ${subject.firstSeen.scanId} on ${subject.firstSeen.at}${reopened}; last seen in scan ${subject.lastSeen.scanId}`;
}

function subjectBlock(subject: PackageSubject): string {
  const dir = subjectDirectory(subject);
  const changes =
    subject.before && subject.after ? changedPaths(subject.before.config, subject.after.config).slice(0, 20) : [];
  const files = [
    subject.before ? `${dir}/before.json` : null,
    subject.after ? `${dir}/after.json` : null,
    subject.before && subject.after ? `${dir}/diff.patch` : null,
    subject.before?.excerpt || subject.after?.excerpt ? `${dir}/iac-excerpt.txt` : null,
  ].filter((f): f is string => f !== null);
  return `<article class="subject state-${subject.state}">
<h4>${escapeHtml(subject.ruleId)}: ${escapeHtml(subject.title)}</h4>
<dl>
<dt>Resource</dt><dd><code>${escapeHtml(subject.resource.address || subject.resource.id)}</code> (${escapeHtml(subject.resource.type)})${subject.file ? ` in <code>${escapeHtml(subject.file)}</code>` : ''}</dd>
<dt>Severity</dt><dd>${escapeHtml(subject.severity)}</dd>
<dt>What was wrong</dt><dd>${escapeHtml(subject.message)}</dd>
<dt>Found</dt><dd>scan ${subject.firstSeen.scanId} on ${escapeHtml(subject.firstSeen.at)} (by ${escapeHtml(subject.firstSeen.actor)})</dd>
<dt>What was done</dt><dd>${changes.length > 0 ? `<ul>${changes.map((c) => `<li><code>${escapeHtml(c)}</code></li>`).join('')}</ul>` : subject.state === 'fixed' ? 'Resource no longer present or configuration unchanged at the recorded path.' : 'Not yet remediated.'}</dd>
<dt>Current status</dt><dd><strong>${escapeHtml(statusText(subject))}</strong></dd>
<dt>Evidence files</dt><dd>${files.length > 0 ? files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ') : 'none recorded'}</dd>
</dl>
</article>`;
}

const CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:2px solid #333;padding-bottom:.2rem;margin-top:2rem}h3{margin-top:1.5rem}h4{margin:.2rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #666;padding:.3rem .5rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:bold;padding:.3rem 0}code{font-family:ui-monospace,Consolas,monospace;font-size:.9em;word-break:break-all}
.subject{border:1px solid #999;border-left-width:6px;padding:.5rem .8rem;margin:.8rem 0;break-inside:avoid}
.state-fixed{border-left-color:#1a7f37}.state-open{border-left-color:#b42318}.state-waived{border-left-color:#8a6d00}
dl{display:grid;grid-template-columns:11rem 1fr;gap:.2rem .8rem;margin:.4rem 0}dt{font-weight:600}dd{margin:0}
@media print{body{margin:0;max-width:none}a{color:inherit}}`;

export interface NarrativeOptions {
  pdfIncluded: boolean;
  keyId: string;
}

export function renderNarrative(input: PackageInput, options: NarrativeOptions): string {
  const bySection = new Map<string, PackageSubject[]>();
  for (const subject of input.subjects) {
    for (const cite of subject.hipaa.length > 0 ? subject.hipaa : ['(uncited)']) {
      const list = bySection.get(cite) ?? [];
      list.push(subject);
      bySection.set(cite, list);
    }
  }
  const count = (state: string) => input.subjects.filter((s) => s.state === state).length;
  const head = input.ledger.checkpoints.at(-1);
  const sections = [...bySection.keys()]
    .sort()
    .map(
      (cite) =>
        `<section aria-labelledby="s-${escapeHtml(cite)}"><h3 id="s-${escapeHtml(cite)}">45 CFR §${escapeHtml(cite)}: ${escapeHtml(hipaaTitle(cite))}</h3>
${(bySection.get(cite) ?? []).map(subjectBlock).join('\n')}</section>`,
    )
    .join('\n');
  const scanRows = input.scans
    .map(
      (scan) =>
        `<tr><td>${scan.id}</td><td>${escapeHtml(scan.startedAt)}</td><td>${escapeHtml(scan.actor)}</td><td><code>${escapeHtml(scan.scope)}</code></td><td>${escapeHtml(scan.status)}</td><td>${escapeHtml(scan.toolVersion)}</td><td>${scan.inputs.length}</td><td>${scan.ledgerSeq}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>HIPAA Security Rule remediation evidence</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>HIPAA Security Rule remediation evidence</h1>
<p>Prepared for the HHS Office for Civil Rights. Generated ${escapeHtml(input.generatedAt)} by ${escapeHtml(input.generatedBy)} with ${escapeHtml(input.tool.name)} ${escapeHtml(input.tool.version)}.</p>
<p>Scope: <code>${escapeHtml(input.scope ?? 'all recorded scopes')}</code>${input.since ? `; scans since ${escapeHtml(input.since)}` : ''}.</p>
</header>
<main>
<h2>Summary</h2>
<table>
<caption>Findings by current status</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Count</th></tr></thead>
<tbody><tr><th scope="row">Fixed and verified</th><td>${count('fixed')}</td></tr>
<tr><th scope="row">Open</th><td>${count('open')}</td></tr>
<tr><th scope="row">Waived (documented exception)</th><td>${count('waived')}</td></tr></tbody>
</table>
<p>Secrets (keys, passwords, tokens, connection strings) were replaced by <code>[REDACTED:&lt;kind&gt;]</code> before this package was written.</p>
<h2>Findings by HIPAA section</h2>
${sections || '<p>No findings were recorded for this scope.</p>'}
<h2>Scans</h2>
<table>
<caption>Scans covered by this package</caption>
<thead><tr><th scope="col">Scan</th><th scope="col">Started</th><th scope="col">By</th><th scope="col">Scope</th><th scope="col">Result</th><th scope="col">Tool</th><th scope="col">Inputs</th><th scope="col">Ledger entry</th></tr></thead>
<tbody>${scanRows}</tbody>
</table>
<h2>Integrity</h2>
<p>Every file of this package is listed with its SHA-256 in <code>manifest.json</code>, which is signed (<code>manifest.sig</code>, Ed25519) by the key in <code>public-key.pem</code> (SHA-256 fingerprint <code>${escapeHtml(options.keyId)}</code>). The ledger excerpt in <code>ledger/entries.jsonl</code> is hash-chained and covered by signed checkpoints${head ? ` (newest: ${head.treeSize} entries, head <code>${escapeHtml(head.headHash)}</code>, Merkle root <code>${escapeHtml(head.rootHash)}</code>)` : ''}. README.md explains how to verify all of it offline.</p>
<p>${options.pdfIncluded ? 'narrative.pdf is this page rendered by Chromium.' : 'No PDF was rendered (Chromium was not available); this HTML page is the narrative.'}</p>
</main>
</body>
</html>
`;
}

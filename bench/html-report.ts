// HTML report: does a 50,000-finding report open quickly? Renders a generated set of findings with renderHtml, then
// loads it in Chromium against the floor: a blank page of the same byte size (what reading and parsing that many
// bytes costs any page). Measured per load in the page itself: navigation start to the first frame painted after
// the load event (the report renders its first view before load). Medians over several runs, after a warm-up.
// Goal (bench/README.md): report <= 2x blank page. Also prints render time in node, file sizes against the JSON
// report, and the time of a few interactions on the loaded report.
//
//   npx tsx bench/html-report.ts [--findings 50000] [--runs 11]
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Finding, FindingStatus, Value } from '../src/core/types.js';
import { renderHtml } from '../src/report/html.js';
import { renderJson } from '../src/report/json.js';
import { RULES } from '../src/rules/catalog/index.js';
import { prng } from './gen-arg-snapshot.js';
import { ensureDataDir, flags, median, ratio, seconds } from './lib.js';

const options = flags({ findings: '50000', runs: '11' });
const count = Number(options.findings);
const runs = Number(options.runs);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const TYPES = [
  'Microsoft.Storage/storageAccounts',
  'Microsoft.Sql/servers',
  'Microsoft.Network/networkSecurityGroups',
  'Microsoft.KeyVault/vaults',
  'Microsoft.Web/sites',
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.Compute/virtualMachines',
];
const PATHS = [
  'properties.minimumTlsVersion',
  'properties.publicNetworkAccess',
  'properties.encryption.keySource',
  'properties.networkAcls.defaultAction',
  'properties.enablePurgeProtection',
  'properties.siteConfig.minTlsVersion',
  'properties.securityRules.3.properties.sourceAddressPrefix',
];

/**
 * Findings shaped like a large estate's: ~10 per resource over many resources, many files, unique messages (they
 * name the resource) and fingerprints, a share of needs-review and waived findings, labels on some.
 */
function generate(n: number): Finding[] {
  const random = prng(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const hex = () => Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('') as string;
  const resources = Math.max(1, Math.round(n / 10));
  const out: Finding[] = [];
  for (let k = 0; k < n; k++) {
    const r = Math.floor(random() * resources);
    const type = TYPES[r % TYPES.length];
    const name = `${type.split('/')[1].toLowerCase().slice(0, 8)}-contoso-${r.toString(36)}`;
    const group = `rg-team-${r % 97}-prod`;
    const id = `/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-${(r % 7).toString().padStart(12, '0')}/resourceGroups/${group}/providers/${type}/${name}`;
    const rule = pick(RULES);
    const roll = random();
    const status: FindingStatus = roll < 0.8 ? 'fail' : roll < 0.92 ? 'unknown' : roll < 0.97 ? 'waived' : 'pass';
    const path = pick(PATHS);
    const actual: Value = status === 'unknown' ? "[parameters('tls')]" : pick(['TLS1_0', 'Enabled', null, false]);
    const live = r % 5 === 0;
    const finding: Finding = {
      ruleId: rule.id,
      status,
      severity: rule.severity,
      title: rule.title,
      message: `${rule.title} on '${name}' in ${group}: ${path} is ${JSON.stringify(actual)}`,
      hipaa: rule.hipaa.map((c) => c.cite),
      resource: { id, type, name, address: live ? id : `resources[${r % 40}]` },
      location: live ? null : { file: `infra/${group}/main-${r % 13}.json`, line: 10 + (r % 900), column: 7 },
      evidence: { path, actual, expected: status === 'unknown' ? null : 'TLS1_2' },
      fingerprint: hex(),
      phi: random() < 0.7,
      labels: random() < 0.1 ? ['exposed'] : undefined,
    };
    const waiver =
      status === 'waived'
        ? {
            reason: 'Compensating control: private network only',
            expires: '2027-01-31',
            ticket: `SEC-${k % 400}`,
            approver: 'ciso@contoso.example',
            source: 'file',
            at: '.phiguard/waivers.yaml:3',
            state: 'active',
          }
        : undefined;
    out.push(waiver ? Object.assign(finding, { waiver }) : finding);
  }
  return out;
}

/** A page with no content and no script, padded with a comment to exactly `bytes` bytes. */
function blankPage(bytes: number): string {
  const head =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><p>blank</p><!--';
  const tail = '--></body></html>\n';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

/**
 * Installed before any page script: on the load event, waits for the next frame and the task after it (the frame
 * has been painted), and records the time since navigation start. The report's own idle work is queued later.
 */
const FIRST_FRAME_PROBE = `addEventListener('load', () => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { window.__firstFrame = performance.now(); };
  channel.port2.postMessage(0);
}));`;

/**
 * One load in a fresh page (no run pays for tearing down the previous one): milliseconds from navigation start to
 * the first frame painted after the load event, in the page's clock.
 */
async function load(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage();
  try {
    await page.addInitScript({ content: FIRST_FRAME_PROBE });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction('"__firstFrame" in window');
    return await page.evaluate<number>('window.__firstFrame');
  } finally {
    await page.close();
  }
}

/** Runs an interaction in the page and times it to the next painted frame. */
async function interaction(page: Page, act: () => void): Promise<number> {
  return page.evaluate(
    (source) =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        new Function(source)();
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
      }),
    `(${act.toString()})()`,
  );
}

const dir = ensureDataDir();
console.log(`HTML report: ${count.toLocaleString('en-US')} findings`);
const findings = generate(count);
const context = {
  tool: { name: 'phiguard' as const, version: '0.1.0' },
  scannedAt: '2026-01-01T00:00:00.000Z',
  failOn: 'high' as const,
  emergencyMode: false,
  incomplete: false,
  configSource: '.phiguard.yaml',
  files: { 'arm-template': 1300, snapshot: 1 },
  resources: Math.round(count / 8),
  verdicts: { pass: count * 3, fail: count, unknown: 0, 'not-applicable': count * 5 },
  problems: [],
  rules: RULES,
};
const renders: number[] = [];
let html = '';
for (let k = 0; k < 3; k++) {
  const started = performance.now();
  html = renderHtml(findings, context);
  renders.push(performance.now() - started);
}
const json = renderJson({ tool: { name: 'phiguard', version: '0.1.0' }, scannedAt: context.scannedAt }, findings, {});
const reportPath = `${dir}html-report-${count}.html`;
const blankPath = `${dir}html-blank-${count}.html`;
writeFileSync(reportPath, html);
const bytes = Buffer.byteLength(html);
writeFileSync(blankPath, blankPage(bytes));
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
console.log(`  renderHtml in node     median ${seconds(median(renders))}`);
console.log(`  report size            ${MB(bytes)} (JSON report of the same findings: ${MB(Buffer.byteLength(json))})`);

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
try {
  const blankUrl = `file://${blankPath}`;
  const reportUrl = `file://${reportPath}`;
  // A warm-up of each fills the file cache; then the two alternate, so both see the same machine load.
  await load(browser, blankUrl);
  await load(browser, reportUrl);
  const blank: number[] = [];
  const report: number[] = [];
  for (let k = 0; k < runs; k++) {
    blank.push(await load(browser, blankUrl));
    report.push(await load(browser, reportUrl));
  }
  const line = (label: string, loads: number[]) =>
    console.log(`  ${label} median ${seconds(median(loads))}  runs ${loads.map((l) => l.toFixed(0)).join(', ')}`);
  line('blank page (floor)    ', blank);
  line('report                ', report);

  // Interactions on a loaded report, each to the next painted frame; the first one also waits for the data block.
  const page = await browser.newPage();
  await page.goto(reportUrl, { waitUntil: 'load' });
  // Page-side code as strings: tsx would wrap named functions in a helper the page does not have.
  await page.waitForFunction('performance.getEntriesByName("phiguard:hydrated").length > 0');
  const hydrated = await page.evaluate<number>('performance.getEntriesByName("phiguard:hydrated")[0].startTime');
  const text = await interaction(page, () => {
    const input = document.getElementById('f-text') as HTMLInputElement;
    input.value = 'contoso-1a tls';
    (document.getElementById('filters') as HTMLFormElement).requestSubmit();
  });
  const view = await interaction(page, () => {
    (document.getElementById('f-reset') as HTMLButtonElement).click();
    (document.querySelector('input[name=view][value=resource]') as HTMLInputElement).click();
  });
  const expand = await interaction(page, () => {
    (document.querySelector('input[name=view][value=section]') as HTMLInputElement).click();
    (document.querySelector('#groups .group button') as HTMLButtonElement).click();
  });
  console.log(`  data block parsed      ${seconds(hydrated)} after navigation start (filters and expanders ready)`);
  console.log(
    `  interactions           text search ${seconds(text)}, group by resource ${seconds(view)}, back to sections + expand the first ${seconds(expand)}`,
  );
  console.log(`\nHTML report result: report/blank ${ratio(median(report), median(blank))} (goal <= 2x)`);
} finally {
  await browser.close();
}

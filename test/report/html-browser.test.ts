// The HTML report in a real browser: Debian's Chromium through playwright-core (CI installs it in .ci/run). The
// example estate's findings, written to a file and opened from disk, must pass axe-core's WCAG 2.2 AA rules before
// and after interaction, work from the keyboard, render lazily, print without controls, and never run finding text.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/types.js';
import { type HtmlContext, renderHtml } from '../../src/report/html.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { runScan, type ScanStats } from '../../src/scan/run.js';
import { finding, ROOT } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeResult {
  violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[];
  passes: { id: string }[];
}

let browser: Browser;
let dir: string;
let estate: Finding[];
let stats: ScanStats;
let estateFile: string;

function contextFor(overrides: Partial<HtmlContext> = {}): HtmlContext {
  return {
    tool: { name: 'phiguard', version: '0.1.0' },
    scannedAt: '2026-01-02T03:04:05.000Z',
    failOn: 'high',
    incomplete: false,
    emergencyMode: false,
    rules: RULES,
    configSource: 'examples/contoso-health/.phiguard.yaml',
    files: { 'arm-template': 1 },
    resources: 10,
    verdicts: { pass: 0, fail: 0, unknown: 0, 'not-applicable': 0 },
    problems: [],
    ...overrides,
  };
}

function write(name: string, findings: readonly Finding[], context: HtmlContext = contextFor()): string {
  const file = join(dir, name);
  writeFileSync(file, renderHtml(findings, context));
  return file;
}

/**
 * Opens a report. Script errors and CSP violations (which Chromium reports on the console) fail the test: the
 * client must run under the report's own hash-pinned policy.
 */
async function open(file: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.waitForSelector('html[data-ready="true"]');
  return { page, errors };
}

async function axe(page: Page): Promise<AxeResult> {
  // Through the DevTools protocol, which the page's CSP does not govern (a <script> tag would be refused).
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE);
  return page.evaluate<AxeResult, string[]>(
    (tags) =>
      (window as unknown as { axe: { run: (c: Document, o: object) => Promise<AxeResult> } }).axe.run(document, {
        runOnly: { type: 'tag', values: tags },
      }),
    WCAG_TAGS,
  );
}

function assertNoViolations(result: AxeResult): void {
  const report = result.violations
    .map(
      (v) =>
        `${v.id} (${v.help}):\n${v.nodes.map((n) => `  ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  assert.equal(result.violations.length, 0, report);
  // The checks that matter here actually ran on something.
  for (const rule of [
    'color-contrast',
    'target-size',
    'label',
    'button-name',
    'html-has-lang',
    'aria-valid-attr-value',
  ]) {
    assert.ok(
      result.passes.some((p) => p.id === rule),
      `axe rule ${rule} did not pass on any element`,
    );
  }
}

async function count(page: Page): Promise<string> {
  return (await page.textContent('#count')) ?? '';
}

/** What the free-text search is documented to cover: every term appears in some field of the finding. */
function matchesText(f: Finding, query: string): boolean {
  const rule = RULES.find((r) => r.id === f.ruleId);
  const actual =
    f.evidence.actual === null
      ? ''
      : typeof f.evidence.actual === 'string'
        ? f.evidence.actual
        : JSON.stringify(f.evidence.actual);
  const fields = [
    f.ruleId,
    rule?.title ?? '',
    f.title,
    f.message,
    f.evidence.path,
    actual,
    f.evidence.expected ?? '',
    f.fingerprint,
    ...f.hipaa,
    ...(f.labels ?? []),
    f.resource.id,
    f.resource.type,
    f.resource.name,
    f.resource.address,
    f.location?.file ?? '',
  ].map((v) => v.toLowerCase());
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => fields.some((v) => v.includes(term)));
}

/** Tabs forward until `selector` has focus; fails after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let k = 0; k < limit; k++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${selector} not reached with Tab`);
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  dir = mkdtempSync(join(tmpdir(), 'phiguard-html-'));
  const root = join(ROOT, 'examples/contoso-health');
  const config = parseConfig(
    readFileSync(join(root, '.phiguard.yaml'), 'utf8'),
    'examples/contoso-health/.phiguard.yaml',
  );
  estate = [];
  stats = await runScan({ paths: [root], config, rules: RULES, onFinding: (f) => estate.push(f) });
  estateFile = write(
    'estate.html',
    estate,
    contextFor({
      files: stats.files,
      resources: stats.resources,
      verdicts: stats.verdicts,
      problems: stats.diagnostics,
      emergencyMode: true,
      incomplete: stats.incomplete,
    }),
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in Chromium', () => {
  it('meets WCAG 2.2 AA (axe-core) on the example estate as opened', async () => {
    assert.ok(estate.length > 100, 'the example estate has findings');
    const { page, errors } = await open(estateFile);
    const fails = estate.filter((f) => f.status !== 'pass').length;
    assert.match(
      await count(page),
      new RegExp(`^Showing ${fails} findings of ${estate.length}, in \\d+ HIPAA sections\\.$`),
    );
    assertNoViolations(await axe(page));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('meets WCAG 2.2 AA after expanding groups, filtering and grouping by resource', async () => {
    const { page, errors } = await open(estateFile);
    await page.click('#groups .group h3 button');
    await page.uncheck('input[name=severity][value=low]');
    const unfiltered = await count(page);
    // Typing applies after a short pause (debounced).
    await page.fill('#f-text', 'storage');
    await page.waitForFunction((text) => document.querySelector('#count')?.textContent !== text, unfiltered);
    assert.ok((await page.locator('#groups .group-body:not([hidden]) article').count()) > 0);
    assertNoViolations(await axe(page));
    await page.check('input[name=view][value=resource]');
    await page.click('#groups .group h3 button');
    assert.ok((await page.locator('#groups .group-body:not([hidden]) article').count()) > 0);
    assertNoViolations(await axe(page));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('operates filters and expanders from the keyboard, with a visible focus indicator', async () => {
    const { page, errors } = await open(estateFile);
    const lows = estate.filter((f) => f.status !== 'pass' && f.severity === 'low').length;
    assert.ok(lows > 0);
    const before = await count(page);
    // The skip link comes first and moves focus to main.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content');
    await tabTo(page, 'input[name=severity][value=low]');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
    });
    assert.notEqual(outline.style, 'none');
    assert.ok(outline.width >= 2, `focus outline ${outline.width}px`);
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('input[name=severity][value=low]'), false);
    const fails = estate.filter((f) => f.status !== 'pass').length;
    assert.match(await count(page), new RegExp(`^Showing ${fails - lows} findings of`));
    assert.notEqual(await count(page), before);

    // On to the first group's expander: Enter opens it, findings appear, Space closes it again.
    await tabTo(page, '#groups button[data-action=toggle]');
    await page.keyboard.press('Enter');
    const button = page.locator('#groups button[data-action=toggle]').first();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const region = page.locator(`#${await button.getAttribute('aria-controls')}`);
    assert.ok(await region.isVisible());
    const severities = await region.locator('.badge.s-low').count();
    assert.equal(severities, 0, 'the unchecked severity is filtered out');
    assert.ok((await region.locator('article').count()) > 0);
    await page.keyboard.press('Space');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    assert.equal(await region.isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('renders 100 findings at a time and moves focus to the first new one on "show more"', async () => {
    const many = Array.from({ length: 250 }, (_, i) =>
      finding({ hipaa: ['164.312(b)'], location: { file: `infra/m${i}.json`, line: i + 1, column: 1 } }),
    );
    const { page, errors } = await open(write('many.html', many));
    await page.click('#groups .group h3 button');
    assert.equal(await page.locator('#groups article').count(), 100);
    const more = page.locator('#groups button[data-action=more]');
    assert.equal(await more.textContent(), 'Show 100 more (150 remaining)');
    await more.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#groups article').count(), 200);
    assert.equal(
      await page.evaluate(() => document.activeElement === document.querySelectorAll('#groups article h4')[100]),
      true,
    );
    await more.click();
    assert.equal(await page.locator('#groups article').count(), 250);
    assert.equal(await more.count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('lists 100 groups at a time when grouping by resource', async () => {
    const many = Array.from({ length: 230 }, (_, i) =>
      finding({
        resource: {
          id: `/subscriptions/s/resourceGroups/rg/providers/T/x/r${i}`,
          type: 'T/x',
          name: `r${i}`,
          address: `resources[${i}]`,
        },
      }),
    );
    const { page, errors } = await open(write('resources.html', many));
    await page.check('input[name=view][value=resource]');
    assert.equal(await page.locator('#groups .group').count(), 100);
    await page.click('#groups button[data-action=more-groups]');
    assert.equal(await page.locator('#groups .group').count(), 200);
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      (await page.locator('#groups .group button').nth(100).getAttribute('id')) ?? '',
    );
    assert.match(await count(page), /^Showing 230 findings of 230, in 230 resources\.$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('searches free text and resource or file, and the first view agrees with the data once parsed', async () => {
    const { page, errors } = await open(estateFile);
    const headings = () => page.locator('#groups .group h3').allTextContents();
    const first = await headings();
    // A fingerprint is unique: free text finds exactly that finding.
    const target = estate.find((f) => f.status === 'fail' && f.location) as Finding;
    await page.fill('#f-text', target.fingerprint.toUpperCase());
    await page.press('#f-text', 'Enter');
    assert.match(await count(page), /^Showing 1 finding of/);
    await page.click('#groups .group h3 button');
    assert.equal(await page.locator('#groups article code', { hasText: target.fingerprint }).count(), 1);
    // Terms are matched literally and case-insensitively, all of them, in any field.
    const bracketed = estate.find((f) => typeof f.evidence.actual === 'string' && /[[(]/.test(f.evidence.actual));
    const queries = [
      `${target.ruleId} ${target.resource.name.toUpperCase()}`,
      // '.*' found literally, not as a pattern that matches everything.
      '.*',
      ...(bracketed ? [(bracketed.evidence.actual as string).slice(0, 20).toUpperCase()] : []),
    ];
    for (const query of queries) {
      await page.fill('#f-text', query);
      await page.press('#f-text', 'Enter');
      const expected = estate.filter((f) => f.status !== 'pass' && matchesText(f, query)).length;
      assert.match(await count(page), new RegExp(`^Showing ${expected} findings? of`), query);
      if (query !== '.*') assert.ok(expected > 0, query);
    }
    // Resource or file: a template path selects the findings located in it (or on a resource of that name).
    await page.click('#f-reset');
    const file = (target.location as { file: string }).file;
    const expected = estate.filter(
      (f) =>
        f.status !== 'pass' &&
        (f.location?.file.toLowerCase().includes(file.toLowerCase()) ||
          [f.resource.id, f.resource.type, f.resource.name, f.resource.address].some((v) =>
            v.toLowerCase().includes(file.toLowerCase()),
          )),
    ).length;
    await page.fill('#f-resource', file);
    await page.press('#f-resource', 'Enter');
    assert.match(await count(page), new RegExp(`^Showing ${expected} finding`));
    // Clearing the filters redraws from the data: the same headings as the first view drawn from the index.
    await page.click('#f-reset');
    assert.deepEqual(await headings(), first);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('prints without controls, with the groups on screen expanded, and restores them afterwards', async () => {
    const { page, errors } = await open(estateFile);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    assert.equal(await page.locator('#filters').isVisible(), false);
    assert.equal(await page.locator('.skip').isVisible(), false);
    assert.equal(await page.locator('nav').isVisible(), false);
    assert.ok(await page.locator('.print-note').isVisible());
    const toggles = page.locator('#groups button[data-action=toggle]');
    const groups = await toggles.count();
    assert.ok(groups > 1);
    assert.deepEqual(
      new Set(await toggles.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-expanded')))),
      new Set(['true']),
    );
    assert.ok((await page.locator('#groups article').count()) >= groups);
    assert.equal(await page.locator('#groups button[data-action=more]').first().isVisible(), false);
    const pdf = await page.pdf();
    assert.ok(pdf.length > 10_000);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(
      new Set(await toggles.evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-expanded')))),
      new Set(['false']),
    );
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('says so when there are no findings', async () => {
    const { page, errors } = await open(write('empty.html', []));
    assert.equal(await count(page), 'Showing 0 findings of 0, in 0 HIPAA sections.');
    assert.equal(await page.textContent('#groups'), 'No findings: nothing failed or needs review.');
    assertNoViolations(await axe(page));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows hostile finding text as text: no script runs, no markup appears', async () => {
    const hostile = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const file = write('hostile.html', [
      finding({
        title: hostile,
        message: hostile,
        resource: { id: hostile, type: 'Microsoft.Storage/storageAccounts', name: hostile, address: hostile },
        evidence: { path: 'properties.a', actual: hostile, expected: hostile },
        labels: [hostile],
      }),
    ]);
    const { page, errors } = await open(file);
    await page.click('#groups .group h3 button');
    assert.equal(await page.evaluate('typeof window.__pwned'), 'undefined');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 3);
    const article = (await page.locator('#groups article').textContent()) ?? '';
    assert.ok(article.includes(hostile), article);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

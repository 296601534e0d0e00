import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Config, defaultConfig, parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/types.js';
import {
  artifactLocation,
  buildSarif,
  FINGERPRINT_KEY,
  NEEDS_REVIEW_TAG,
  type SarifLog,
  SECURITY_SEVERITY,
} from '../../src/report/sarif.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { runScan } from '../../src/scan/run.js';
import { SHARED } from '../helpers/rule-cases.js';
import { context, finding, ROOT, sarifValidator } from './helpers.js';

const validate = sarifValidator();

function assertValid(log: SarifLog, label: string): void {
  // Through JSON so the check sees exactly what is written (no undefined members).
  const written = JSON.parse(JSON.stringify(log));
  assert.ok(validate(written), `${label}: ${JSON.stringify(validate.errors?.slice(0, 3), null, 1)}`);
}

/** The GitHub code-scanning rules the schema cannot express (ecosystem.md 5.1). */
function assertGitHubReady(log: SarifLog, label: string): void {
  assert.ok(log.runs.length <= 20, `${label}: more than 20 runs`);
  for (const run of log.runs) {
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, `${label}: duplicate rule ids`);
    for (const rule of run.tool.driver.rules) {
      assert.ok(rule.shortDescription.text.length <= 1024 && rule.fullDescription.text.length <= 1024);
      assert.ok(rule.help.text.length > 0 && rule.properties.tags.length <= 20, `${label}: ${rule.id} help/tags`);
      assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
    }
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId, `${label}: ruleIndex`);
      assert.equal(Object.keys(result.partialFingerprints).length, 1, `${label}: one fingerprint per result`);
      assert.equal(result.locations.length, 1);
      if (run.automationDetails.id !== 'phiguard/live/') {
        const physical = result.locations[0].physicalLocation;
        assert.ok(physical, `${label}: a result without a physical location would make GitHub reject the upload`);
        assert.ok(physical.region.startLine >= 1 && physical.region.startColumn >= 1);
      }
    }
    const prints = run.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    assert.equal(new Set(prints).size, prints.length, `${label}: repeated fingerprints`);
  }
  const categories = log.runs.map((r) => r.automationDetails.id);
  assert.equal(new Set(categories).size, categories.length, `${label}: two runs share a category`);
}

async function scan(paths: string[], config: Config): Promise<Finding[]> {
  const findings: Finding[] = [];
  await runScan({ paths, config, rules: RULES, onFinding: (f) => findings.push(f) });
  return findings;
}

describe('SARIF reporter', () => {
  it('is checked by a validator that rejects what GitHub would reject', () => {
    const good = JSON.parse(JSON.stringify(buildSarif([finding()], context()))) as SarifLog;
    assert.ok(validate(good));
    const broken = (mutate: (log: SarifLog) => void) => {
      const copy = structuredClone(good);
      mutate(copy);
      return validate(copy);
    };
    assert.equal(
      broken((log) => {
        log.runs[0].tool.driver.rules[0].helpUri = 'docs/rules/x.md';
      }),
      false,
      'relative helpUri',
    );
    assert.equal(
      broken((log) => {
        log.runs[0].results[0].level = 'critical' as 'error';
      }),
      false,
      'bad level',
    );
    assert.equal(
      broken((log) => {
        log.runs[0].tool.driver.rules[0].properties.tags.push('security');
      }),
      false,
      'repeated tag',
    );
    assert.equal(
      broken((log) => {
        log.runs[0].results[0].locations[0].physicalLocation!.artifactLocation.uri = 'a b.json';
      }),
      false,
      'unencoded uri',
    );
    assert.equal(
      broken((log) => {
        log.version = '2.0.0' as '2.1.0';
      }),
      false,
      'version',
    );
  });

  it('maps rules once each with help, tags, HIPAA citations and security-severity', () => {
    const log = buildSarif([finding(), finding({ severity: 'high' })], context());
    assertValid(log, 'synthetic');
    assertGitHubReady(log, 'synthetic');
    const rules = log.runs[0].tool.driver.rules;
    assert.equal(rules.length, RULES.length);
    const tls = rules.find((r) => r.id === 'PHI-STG-004');
    assert.ok(tls);
    const source = RULES.find((r) => r.id === 'PHI-STG-004')!;
    assert.equal(tls.properties['security-severity'], SECURITY_SEVERITY[source.severity]);
    assert.ok(tls.properties.tags.includes('security'));
    for (const cite of source.hipaa) assert.ok(tls.properties.tags.includes(`HIPAA-${cite.cite}`), cite.cite);
    assert.match(tls.help.markdown ?? '', /^# PHI-STG-004/);
    assert.doesNotMatch(tls.help.text, /\*\*|```/);
    assert.match(tls.helpUri, /\/docs\/rules\/PHI-STG-004\.md$/);
    assert.deepEqual(SECURITY_SEVERITY, { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' });
    const levels = Object.fromEntries(rules.map((r) => [r.properties.severity, r.defaultConfiguration.level]));
    assert.deepEqual(levels, { critical: 'error', high: 'error', medium: 'warning', low: 'note' });
  });

  it('describes a rule the catalog does not know from its findings rather than dropping the result', () => {
    const log = buildSarif([finding({ ruleId: 'PHI-XYZ-001', title: 'Custom rule' })], context({ rules: [] }));
    assertValid(log, 'custom');
    assert.deepEqual(
      log.runs[0].tool.driver.rules.map((r) => r.id),
      ['PHI-XYZ-001'],
    );
    assert.equal(log.runs[0].results[0].ruleIndex, 0);
  });

  it('writes repo-relative URIs under %SRCROOT%, encoded, and file URIs outside the repository', () => {
    const log = buildSarif([finding({ location: { file: 'infra/my templates/main.json', line: 3, column: 1 } })], {
      ...context({ cwd: '/repo/sub', srcRoot: '/repo' }),
    });
    assertValid(log, 'uri');
    const physical = log.runs[0].results[0].locations[0].physicalLocation;
    assert.deepEqual(physical?.artifactLocation, { uri: 'sub/infra/my%20templates/main.json', uriBaseId: '%SRCROOT%' });
    assert.equal(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri, 'file:///repo/');
    assert.deepEqual(artifactLocation('../elsewhere/a.json', '/repo', '/repo'), { uri: 'file:///elsewhere/a.json' });
  });

  it('reports unknown as a note tagged "needs review", waivers as suppressions, and leaves passes out', () => {
    const findings = [
      finding({
        status: 'unknown',
        message: "depends on parameters('tls')",
        evidence: { path: 'p', actual: "[parameters('tls')]", expected: null },
      }),
      finding({
        status: 'waived',
        waiver: {
          reason: 'legacy client until Q3',
          expires: '2026-09-30',
          source: 'inline',
          at: 'main.bicep:4',
          state: 'active',
        },
      } as Partial<Finding>),
      finding({
        status: 'waived',
        waiver: { reason: 'vendor appliance', source: 'file', at: '.phiguard/waivers.yaml:3', state: 'active' },
      } as Partial<Finding>),
      finding({ status: 'pass' }),
    ];
    const log = buildSarif(findings, context());
    assertValid(log, 'statuses');
    const [unknown, inline, file] = log.runs[0].results;
    assert.equal(log.runs[0].results.length, 3);
    assert.equal(log.runs[0].properties?.omittedPassed, 1);
    assert.equal(unknown.level, 'note');
    assert.deepEqual(unknown.properties.tags, [NEEDS_REVIEW_TAG]);
    assert.match(unknown.message.text, /^Needs review: /);
    assert.equal(unknown.suppressions, undefined);
    assert.deepEqual(inline.suppressions, [
      { kind: 'inSource', status: 'accepted', justification: 'legacy client until Q3; expires 2026-09-30' },
    ]);
    assert.equal(file.suppressions?.[0].kind, 'external');
    assert.equal(inline.level, 'error', 'a waived finding keeps its level; the suppression hides it');
  });

  it('marks results new or unchanged against a baseline, and keeps an expired waiver on the failure', () => {
    const expired = { reason: 'old', expires: '2020-01-01', source: 'file', at: 'w:1', state: 'expired' };
    const findings = [
      finding({ baselined: true } as Partial<Finding>),
      finding({ waiver: expired } as Partial<Finding>),
    ];
    const log = buildSarif(findings, context({ baseline: true }));
    assertValid(log, 'baseline');
    const [known, back] = log.runs[0].results;
    assert.deepEqual([known.baselineState, back.baselineState], ['unchanged', 'new']);
    assert.equal(back.suppressions, undefined, 'an expired waiver suppresses nothing');
    assert.equal(back.properties.waiver?.state, 'expired');
    assert.equal(buildSarif(findings, context()).runs[0].results[0].baselineState, undefined);
  });

  it('gives each result one fingerprint and numbers a repeated one', () => {
    const same = '0123456789abcdef0123456789abcdef';
    const log = buildSarif([finding({ fingerprint: same }), finding({ fingerprint: same })], context());
    assert.deepEqual(
      log.runs[0].results.map((r) => r.partialFingerprints),
      [{ [FINGERPRINT_KEY]: same }, { [FINGERPRINT_KEY]: `${same}:2` }],
    );
  });

  it('anchors live findings to the template of the same resource, and puts the rest in a "live" run', () => {
    const template = finding({
      ruleId: 'PHI-STG-004',
      resource: {
        id: '/subscriptions/000/x/phistore',
        type: 'Microsoft.Storage/storageAccounts',
        name: 'phistore',
        address: 'resources[0]',
      },
      location: { file: 'infra/storage.json', line: 40, column: 7 },
    });
    const liveId = '/subscriptions/3f2c/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/phistore';
    const live = finding({
      ruleId: 'PHI-STG-001',
      severity: 'critical',
      resource: { id: liveId, type: 'Microsoft.Storage/storageAccounts', name: 'PHISTORE', address: liveId },
      location: null,
    });
    const orphanId = '/subscriptions/3f2c/resourceGroups/rg-prod/providers/Microsoft.Sql/servers/sql-prod';
    const orphan = finding({
      ruleId: 'PHI-NET-004',
      resource: { id: orphanId, type: 'Microsoft.Sql/servers', name: 'sql-prod', address: orphanId },
      location: null,
    });
    const log = buildSarif([template, live, orphan], context());
    assertValid(log, 'live');
    assertGitHubReady(log, 'live');
    assert.deepEqual(
      log.runs.map((r) => r.automationDetails.id),
      ['phiguard/iac/', 'phiguard/live/'],
    );
    const anchored = log.runs[0].results[1];
    assert.equal(anchored.ruleId, 'PHI-STG-001');
    assert.equal(anchored.properties.anchored, 'live-to-template');
    assert.equal(anchored.locations[0].physicalLocation?.artifactLocation.uri, 'infra/storage.json');
    assert.equal(anchored.locations[0].physicalLocation?.region.startLine, 40);
    assert.equal(anchored.locations[0].logicalLocations[0].fullyQualifiedName, liveId);
    assert.match(anchored.message.text, /^Live state: /);
    const [unanchored] = log.runs[1].results;
    assert.equal(unanchored.ruleId, 'PHI-NET-004');
    assert.equal(unanchored.locations[0].physicalLocation, undefined);
    assert.deepEqual(unanchored.locations[0].logicalLocations, [
      { name: 'sql-prod', fullyQualifiedName: orphanId, kind: 'resource' },
    ]);
  });

  it('takes the code-scanning category from the options, and keeps live results in their own', () => {
    const id = '/subscriptions/1/resourceGroups/rg/providers/Microsoft.Sql/servers/sql';
    const live = finding({ location: null, resource: { id, type: 'Microsoft.Sql/servers', name: 'sql', address: id } });
    const ids = (category?: string) =>
      buildSarif([finding(), live], { ...context(), category }).runs.map((r) => r.automationDetails.id);
    assert.deepEqual(ids(), ['phiguard/iac/', 'phiguard/live/']);
    assert.deepEqual(ids('phiguard/prod-infra/'), ['phiguard/prod-infra/', 'phiguard/prod-infra-live/']);
  });

  it('does not anchor a live finding when two templates declare a resource of that type and name', () => {
    const declared = (file: string) =>
      finding({ resource: { ...finding().resource, address: 'resources[0]' }, location: { file, line: 5, column: 1 } });
    const live = finding({
      resource: {
        id: '/subscriptions/1/x',
        type: 'Microsoft.Storage/storageAccounts',
        name: 'phistore',
        address: '/subscriptions/1/x',
      },
      location: null,
    });
    const log = buildSarif([declared('dev.json'), declared('prod.json'), live], context());
    assert.equal(log.runs[1]?.results.length, 1);
  });
});

describe('SARIF of real scans', () => {
  it('is valid for the example estate, with findings from every input format', async () => {
    const estate = join(ROOT, 'examples/contoso-health');
    const config = parseConfig(readFileSync(join(estate, '.phiguard.yaml'), 'utf8'), '.phiguard.yaml');
    const findings = await scan([estate], config);
    const log = buildSarif(findings, context({ cwd: ROOT, srcRoot: ROOT }));
    assertValid(log, 'contoso-health');
    assertGitHubReady(log, 'contoso-health');
    const uris = new Set(log.runs[0].results.map((r) => r.locations[0].physicalLocation?.artifactLocation.uri));
    for (const kind of ['/arm/', '/bicep/', '/terraform/', '/snapshot/']) {
      assert.ok(
        [...uris].some((u) => u?.startsWith('examples/contoso-health') && u.includes(kind)),
        kind,
      );
    }
    assert.equal(log.runs[0].results.length, findings.filter((f) => f.status !== 'pass').length);
    for (const uri of uris) assert.ok(uri && existsSync(join(ROOT, decodeURIComponent(uri))), `${uri} exists`);
  });

  it('is valid for every ARM, Bicep and Terraform sample directory of the KICS corpus', async () => {
    const corpus = new URL('corpus/kics/', SHARED).pathname;
    const config = defaultConfig();
    let dirs = 0;
    let results = 0;
    for (const format of ['arm', 'terraform']) {
      for (const query of readdirSync(join(corpus, format))) {
        const dir = join(corpus, format, query);
        const log = buildSarif(await scan([dir], config), context({ cwd: ROOT, srcRoot: corpus }));
        assertValid(log, `${format}/${query}`);
        assertGitHubReady(log, `${format}/${query}`);
        dirs++;
        results += log.runs[0].results.length;
      }
    }
    assert.ok(dirs >= 70 && results > 0, `${dirs} dirs, ${results} results`);
  });

  it('keeps fingerprints when a blank line is inserted above a resource; only lines move', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phiguard-sarif-'));
    for (const name of ['data-platform.json', 'data-platform.parameters.json']) {
      copyFileSync(join(ROOT, 'examples/contoso-health/arm', name), join(dir, name));
    }
    const template = join(dir, 'data-platform.json');
    const config = defaultConfig();
    const sarif = async () =>
      buildSarif(await scan([dir], config), context({ cwd: '/', srcRoot: dir })).runs[0].results;
    const before = await sarif();
    assert.ok(before.length > 5);

    const lines = readFileSync(template, 'utf8').split('\n');
    const typeLine = lines.findIndex((l, i) => i > 20 && /"type": "Microsoft\.Storage\/storageAccounts"/.test(l));
    let open = typeLine;
    while (lines[open].trim() !== '{') open--;
    lines.splice(open, 0, '');
    writeFileSync(template, lines.join('\n'));
    const after = await sarif();

    const print = (r: (typeof before)[number]) => r.partialFingerprints[FINGERPRINT_KEY];
    assert.deepEqual(after.map(print).sort(), before.map(print).sort());
    const line = (r: (typeof before)[number]) => r.locations[0].physicalLocation?.region.startLine ?? 0;
    const moved = new Map(after.map((r) => [print(r), line(r)]));
    let shifted = 0;
    for (const result of before) {
      const expected = line(result) > open ? line(result) + 1 : line(result);
      assert.equal(moved.get(print(result)), expected, `${result.ruleId} line`);
      if (expected !== line(result)) shifted++;
    }
    assert.ok(shifted > 0, 'the insertion moved some findings');
  });
});

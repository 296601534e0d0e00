// The Contoso Health estate is written four times: ARM templates, Bicep, Terraform and a live Azure Resource Graph
// snapshot (examples/contoso-health/README.md). Scanned one format at a time through the CLI's pipeline, every
// format must fail the same storage and network rules, and each template format must point its failures into its own
// files: a finding that lands in another format's folder (or nowhere) would mean the editions drifted apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/core/config.js';
import type { Finding } from '../../src/core/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import { runScan, type ScanStats } from '../../src/scan/run.js';

const ESTATE = fileURLToPath(new URL('../../examples/contoso-health/', import.meta.url));

type Format = 'arm' | 'bicep' | 'terraform' | 'snapshot';

const SOURCES: Record<Format, { path: string; extensions?: readonly string[] }> = {
  arm: { path: join(ESTATE, 'arm'), extensions: ['.json'] },
  bicep: { path: join(ESTATE, 'bicep'), extensions: ['.bicep', '.bicepparam'] },
  terraform: { path: join(ESTATE, 'terraform'), extensions: ['.tf', '.tfvars'] },
  snapshot: { path: join(ESTATE, 'snapshot', 'contoso-health-arg.json') },
};
const FORMATS = Object.keys(SOURCES) as Format[];

/**
 * Rules allowed to fail in some formats and not in others, each with the reason. Empty: the four editions carry the
 * same seeded STG/NET failures. Add an entry only when a format cannot express the failure; where an edition simply
 * lacks it, fix the example instead.
 */
const EXCEPTIONS: { rule: string; format: Format; reason: string }[] = [];

const IN_SCOPE = /^PHI-(STG|NET)-/;

interface Scanned {
  findings: Finding[];
  stats: ScanStats;
}

async function scan(format: Format): Promise<Scanned> {
  const configFile = join(ESTATE, '.phiguard.yaml');
  const config = parseConfig(readFileSync(configFile, 'utf8'), configFile);
  const findings: Finding[] = [];
  const stats = await runScan({
    paths: [SOURCES[format].path],
    config,
    rules: RULES,
    onFinding: (finding) => findings.push(finding),
  });
  return { findings, stats };
}

function failingRules(findings: Finding[]): string[] {
  return [
    ...new Set(findings.filter((f) => f.status === 'fail' && IN_SCOPE.test(f.ruleId)).map((f) => f.ruleId)),
  ].sort();
}

describe('examples/contoso-health in every format', () => {
  const scanned = new Map<Format, Scanned>();

  before(async () => {
    for (const format of FORMATS) scanned.set(format, await scan(format));
  });

  function result(format: Format): Scanned {
    const value = scanned.get(format);
    assert.ok(value, `${format} was not scanned`);
    return value;
  }

  it('scans each format completely, without diagnostics', () => {
    for (const format of FORMATS) {
      const { stats } = result(format);
      assert.deepEqual(stats.diagnostics, [], format);
      assert.equal(stats.incomplete, false, format);
      assert.equal(stats.emergencyMode, false, format);
      assert.ok(stats.evaluatedResources > 0, `${format}: nothing evaluated`);
    }
  });

  it('fails the same PHI-STG and PHI-NET rules in ARM, Bicep, Terraform and the snapshot', () => {
    const sets = new Map(FORMATS.map((format) => [format, failingRules(result(format).findings)]));
    const all = [...new Set([...sets.values()].flat())].sort();
    assert.ok(
      all.some((rule) => rule.startsWith('PHI-STG-')) && all.some((rule) => rule.startsWith('PHI-NET-')),
      `the estate fails no STG or no NET rule: ${all.join(', ')}`,
    );
    for (const format of FORMATS) {
      const excused = new Set(EXCEPTIONS.filter((e) => e.format === format).map((e) => e.rule));
      const expected = all.filter((rule) => !excused.has(rule));
      assert.deepEqual(sets.get(format), expected, `${format} fails a different set of STG/NET rules`);
    }
  });

  it('names only exceptions that are still needed', () => {
    for (const { rule, format, reason } of EXCEPTIONS) {
      assert.ok(reason.trim() !== '', `${rule} (${format}) needs a reason`);
      assert.ok(
        !failingRules(result(format).findings).includes(rule),
        `${rule} fails in ${format} now: remove its exception`,
      );
    }
  });

  it('locates every failing template finding in a file of its own format', () => {
    for (const format of ['arm', 'bicep', 'terraform'] as const) {
      const { path, extensions = [] } = SOURCES[format];
      const failing = result(format).findings.filter((f) => f.status === 'fail');
      assert.ok(failing.length > 0, `${format}: no failing findings`);
      const misplaced = failing
        .filter((f) => {
          const file = f.location?.file ?? '';
          return !(file.startsWith(path + sep) && extensions.includes(extname(file).toLowerCase()));
        })
        .map(
          (f) =>
            `${f.ruleId} ${f.resource.name} at ${f.location ? `${f.location.file}:${f.location.line}` : 'nowhere'}`,
        );
      assert.deepEqual(misplaced, [], `${format} findings located outside ${path} (${extensions.join(', ')})`);
    }
  });
});

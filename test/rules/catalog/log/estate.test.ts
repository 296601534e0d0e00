// The Contoso Health estate seeds audit-logging failures (examples/contoso-health/README.md rows 30-35). The LOG
// rules must find them, at the same resources, in the templates and in the Resource Graph snapshot; the snapshot
// goes through the scan pipeline, so it is streamed with waiting resources spilled to disk and read back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../../../src/core/config.js';
import type { Finding } from '../../../../src/core/types.js';
import { LOG_RULES } from '../../../../src/rules/catalog/log/index.js';
import { runScan } from '../../../../src/scan/run.js';

const EXAMPLE = new URL('../../../../examples/contoso-health/', import.meta.url);
const config = parseConfig(readFileSync(new URL('.phiguard.yaml', EXAMPLE), 'utf8'), '.phiguard.yaml');

async function scan(path: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  await runScan({
    paths: [fileURLToPath(new URL(path, EXAMPLE))],
    config,
    rules: LOG_RULES,
    includePassed: true,
    onFinding: (finding) => findings.push(finding),
  });
  return findings;
}

function verdicts(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => `${f.ruleId} ${f.status} ${f.resource.name}`))].sort();
}

const SEEDED = [
  'PHI-LOG-001 fail log-contoso-sec-prod',
  'PHI-LOG-002 fail ahdscontosoehr/fhirehrprod',
  'PHI-LOG-002 fail app-contoso-portal-prod',
  'PHI-LOG-002 fail cosmos-contoso-portal-prod',
  'PHI-LOG-002 fail psql-contoso-claims-prod',
  'PHI-LOG-002 fail rsv-contoso-ehr-prod',
  'PHI-LOG-003 fail kv-contoso-data-cmk',
  'PHI-LOG-004 fail stcontosoanalytics',
  'PHI-LOG-004 fail stcontosoclaimsdrop',
  'PHI-LOG-004 fail stcontosoimaging',
  'PHI-LOG-004 fail stcontosoportalupl',
  'PHI-LOG-005 fail sql-contoso-ehr-prod',
  'PHI-LOG-006 fail sql-contoso-ehr-prod',
  'PHI-LOG-009 fail log-contoso-sec-prod',
];
const CONFIGURED_CORRECTLY = [
  'PHI-LOG-002 pass apim-contoso-portal-prod',
  'PHI-LOG-002 pass app-contoso-ehr-prod',
  'PHI-LOG-002 pass mysql-contoso-analytics-prod',
  'PHI-LOG-003 pass kv-contoso-ehr-prod',
  'PHI-LOG-004 pass stcontosoehrdocs',
];

describe('PHI-LOG rules on the Contoso Health estate', () => {
  let templates: Finding[] = [];
  let snapshot: Finding[] = [];
  before(async () => {
    templates = await scan('arm/');
    snapshot = await scan('snapshot/contoso-health-arg.json');
  });

  for (const side of ['templates', 'snapshot'] as const) {
    it(`finds the seeded failures and the correct configurations in the ${side}`, () => {
      const found = verdicts(side === 'templates' ? templates : snapshot);
      for (const expected of [...SEEDED, ...CONFIGURED_CORRECTLY])
        assert.ok(found.includes(expected), `${expected} missing`);
    });
  }

  it('gives the same verdicts on the templates and the snapshot', () => {
    // The activity-log finding sits on the first diagnostic setting by id, which differs with the placeholder group.
    const comparable = (findings: Finding[]) => verdicts(findings.filter((f) => f.ruleId !== 'PHI-LOG-007'));
    assert.deepEqual(comparable(snapshot), comparable(templates));
    assert.deepEqual(
      [templates, snapshot].map((side) => side.filter((f) => f.ruleId === 'PHI-LOG-007').map((f) => f.status)),
      [['fail'], ['fail']],
    );
  });

  it('points the 90-day retention at the parameter file line that sets it', () => {
    const retention = templates.find((f) => f.ruleId === 'PHI-LOG-001' && f.status === 'fail');
    assert.ok(retention?.location);
    assert.match(retention.location.file, /data-platform\.parameters\.json$/);
    assert.equal(retention.evidence.actual, 90);
  });
});

// The Terraform edition of the Contoso Health estate carries the same seeded STG/NET failures as the ARM one, at
// the lines they originate from (terraform.tfvars for the values set there), and the same passing resources.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Finding } from '../../../src/core/types.js';
import { loadTerraformModule } from '../../../src/ingest/terraform/index.js';
import { RULES } from '../../../src/rules/catalog/index.js';
import { Engine } from '../../../src/rules/engine.js';

const ROOT = fileURLToPath(new URL('../../../examples/contoso-health/', import.meta.url));
const DIR = `${ROOT}terraform`;

async function scan(): Promise<{ findings: Finding[]; diagnostics: unknown[] }> {
  const result = await loadTerraformModule(DIR);
  const config = parseConfig(readFileSync(`${ROOT}.phiguard.yaml`, 'utf8'), '.phiguard.yaml');
  const rules = RULES.filter((rule) => /^PHI-(STG|NET)-/.test(rule.id));
  const findings = new Engine(rules, { config, includePassed: true }).evaluate(new Inventory(result.resources));
  return { findings, diagnostics: result.diagnostics };
}

function verdicts(findings: Finding[], status: Finding['status']): string[] {
  return [...new Set(findings.filter((f) => f.status === status).map((f) => `${f.ruleId} ${f.resource.name}`))].sort();
}

describe('examples/contoso-health/terraform', () => {
  it('loads without diagnostics', async () => {
    const { diagnostics } = await scan();
    assert.deepEqual(diagnostics, []);
  });

  it('fails exactly the seeded STG and NET rows', async () => {
    const { findings } = await scan();
    assert.deepEqual(verdicts(findings, 'fail'), [
      'PHI-NET-001 nsg-contoso-legacy-dmz/Allow-SQL-Vendor-Replication',
      'PHI-NET-002 nsg-contoso-legacy-dmz',
      'PHI-NET-003 nsg-contoso-legacy-dmz',
      'PHI-NET-004 sql-contoso-ehr-prod/AllowAll-Temp-Migration',
      'PHI-NET-005 psql-contoso-claims-prod/AllowAllAzureServicesAndResourcesWithinAzureIps_2023-9-14_8-12-3',
      'PHI-NET-005 sql-contoso-ehr-prod/AllowAllWindowsAzureIps',
      'PHI-NET-006 cosmos-contoso-portal-prod',
      'PHI-NET-006 psql-contoso-claims-prod',
      'PHI-NET-006 sql-contoso-ehr-prod',
      'PHI-NET-007 cosmos-contoso-portal-prod',
      'PHI-NET-008 cosmos-contoso-portal-prod',
      'PHI-NET-008 psql-contoso-claims-prod',
      'PHI-NET-008 sql-contoso-ehr-prod',
      'PHI-NET-009 sql-contoso-ehr-prod/sqldb-ehr-reporting/current',
      'PHI-NET-010 psql-contoso-claims-prod',
      'PHI-NET-010 sql-contoso-ehr-prod',
      'PHI-STG-001 stcontosoclaimsdrop',
      'PHI-STG-001 stcontosoportalupl',
      'PHI-STG-002 stcontosoportalupl/default/patient-uploads',
      'PHI-STG-003 stcontosoportalupl',
      'PHI-STG-004 stcontosoportalupl',
      'PHI-STG-005 stcontosoimaging',
      'PHI-STG-005 stcontosomktweb',
      'PHI-STG-005 stcontosoportalupl',
      'PHI-STG-006 stcontosoclaimsdrop',
      'PHI-STG-006 stcontosoimaging',
      'PHI-STG-006 stcontosoportalupl',
      'PHI-STG-007 stcontosoanalytics',
      'PHI-STG-007 stcontosoclaimsdrop',
      'PHI-STG-007 stcontosoimaging',
      'PHI-STG-007 stcontosoportalupl',
      'PHI-STG-008 stcontosoclaimsdrop',
      'PHI-STG-008 stcontosoimaging',
      'PHI-STG-008 stcontosoportalupl',
      'PHI-STG-009 stcontosoclaimsdrop',
      'PHI-STG-009 stcontosoimaging',
      'PHI-STG-009 stcontosoportalupl',
    ]);
    assert.deepEqual(verdicts(findings, 'unknown'), ['PHI-STG-005 stcontosoclaimsdrop']);
  });

  it('points failures whose value comes from terraform.tfvars at that line', async () => {
    const { findings } = await scan();
    const at = (rule: string, name: string) => {
      const finding = findings.find((f) => f.ruleId === rule && f.resource.name === name && f.status === 'fail');
      return finding?.location ? `${finding.location.file.slice(DIR.length + 1)}:${finding.location.line}` : undefined;
    };
    assert.equal(at('PHI-STG-004', 'stcontosoportalupl'), 'terraform.tfvars:5');
    assert.equal(at('PHI-STG-005', 'stcontosoimaging'), 'terraform.tfvars:6');
    assert.equal(at('PHI-NET-001', 'nsg-contoso-legacy-dmz/Allow-SQL-Vendor-Replication'), 'terraform.tfvars:10');
    assert.equal(at('PHI-NET-006', 'sql-contoso-ehr-prod'), 'terraform.tfvars:12');
    assert.equal(at('PHI-STG-003', 'stcontosoportalupl'), 'storage.tf:19');
  });

  it('passes the well-configured resources', async () => {
    const { findings } = await scan();
    const passing = verdicts(findings, 'pass');
    for (const expected of [
      'PHI-STG-001 stcontosoehrdocs',
      'PHI-STG-005 stcontosoehrdocs',
      'PHI-STG-006 stcontosoehrdocs',
      'PHI-STG-007 stcontosoehrdocs',
      'PHI-STG-009 stcontosoehrdocs',
      'PHI-STG-006 stcontosoanalytics',
      'PHI-NET-001 nsg-contoso-data-prod',
      'PHI-NET-004 sql-contoso-ehr-prod/Contoso-HQ',
      'PHI-NET-006 mysql-contoso-analytics-prod',
      'PHI-NET-010 mysql-contoso-analytics-prod',
      'PHI-NET-010 cosmos-contoso-portal-prod',
    ]) {
      assert.ok(passing.includes(expected), `expected a pass: ${expected}`);
    }
  });
});

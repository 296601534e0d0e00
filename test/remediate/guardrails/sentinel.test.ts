import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { type Config, defaultConfig } from '../../../src/core/config.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import {
  buildSentinelRules,
  phiScopeOf,
  renderSentinelRules,
  SENTINEL_API_VERSION,
} from '../../../src/remediate/sentinel.js';
import { kqlDiagnostics, TABLE_SCHEMAS } from './kusto.js';
import { type Json, loadBicep, loadTerraform, SHARED } from './support.js';

type Obj = { [key: string]: Json };

function scopedConfig(): Config {
  const config = defaultConfig();
  config.classification.phi.resourceGroups = ['rg-phi-prod', 'RG.EHR'];
  config.classification.phi.resourceIds = [
    '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-ehr',
  ];
  config.classification.phi.namePatterns = ['phi*', 'ehr?store'];
  config.classification.phiApps = [{ appId: '6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b', name: 'Contoso EHR' }];
  return config;
}

const EXAMPLE = JSON.parse(
  readFileSync(resolve(SHARED, 'payloads/sentinel_scheduled_alert_rule_get_2024-09-01.json'), 'utf8'),
) as { responses: { '200': { body: Obj } } };
const EXAMPLE_PROPERTIES = EXAMPLE.responses['200'].body.properties as Obj;

// Enums of the 2024-09-01 SecurityInsights swagger (AttackTactic, EntityMappingType, AlertSeverity, TriggerOperator).
const TACTICS = new Set([
  'Reconnaissance',
  'ResourceDevelopment',
  'InitialAccess',
  'Execution',
  'Persistence',
  'PrivilegeEscalation',
  'DefenseEvasion',
  'CredentialAccess',
  'Discovery',
  'LateralMovement',
  'Collection',
  'Exfiltration',
  'CommandAndControl',
  'Impact',
  'PreAttack',
  'ImpairProcessControl',
  'InhibitResponseFunction',
]);
const ENTITY_IDENTIFIERS: Record<string, string[]> = {
  Account: [
    'Name',
    'FullName',
    'NTDomain',
    'DnsDomain',
    'UPNSuffix',
    'Sid',
    'AadTenantId',
    'AadUserId',
    'PUID',
    'ObjectGuid',
  ],
  IP: ['Address'],
  AzureResource: ['ResourceId'],
};
const ISO_DURATION = /^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?)?$/;
const hours = (duration: string) => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(duration);
  return m ? Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0) + Number(m[3] ?? 0) / 60 : Number.NaN;
};

describe('guardrails sentinel: the detections', () => {
  const rules = buildSentinelRules(scopedConfig());

  it('covers each PHI access anomaly of issue 6 from its table', () => {
    assert.deepEqual(
      rules.map((rule) => [rule.key, rule.tables.join('+')]),
      [
        ['phi-blob-download-volume', 'StorageBlobLogs'],
        ['phi-blob-new-ip-or-country', 'StorageBlobLogs'],
        ['phi-sql-mass-read', 'AzureDiagnostics+SQLSecurityAuditEvents'],
        ['phi-keyvault-secret-spike', 'AzureDiagnostics'],
        ['phi-rbac-change', 'AzureActivity'],
        ['phi-conditional-access-change', 'AuditLogs'],
        ['phi-diagnostic-setting-deleted', 'AzureActivity'],
        ['phi-app-anomalous-sign-in', 'SigninLogs'],
      ],
    );
    const query = (key: string) => rules.find((rule) => rule.key === key)?.query ?? '';
    assert.match(query('phi-sql-mass-read'), /Category == "SQLSecurityAuditEvents"/);
    assert.match(
      query('phi-keyvault-secret-spike'),
      /ResourceProvider == "MICROSOFT\.KEYVAULT" and OperationName == "SecretGet"/,
    );
    assert.match(
      query('phi-rbac-change'),
      /MICROSOFT\.AUTHORIZATION\/ROLEASSIGNMENTS\/WRITE", "MICROSOFT\.AUTHORIZATION\/ROLEASSIGNMENTS\/DELETE"/,
    );
    assert.match(query('phi-diagnostic-setting-deleted'), /MICROSOFT\.INSIGHTS\/DIAGNOSTICSETTINGS\/DELETE/);
    assert.match(
      query('phi-conditional-access-change'),
      /"Update conditional access policy", "Delete conditional access policy"/,
    );
    assert.match(query('phi-app-anomalous-sign-in'), /dynamic\(\["6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"\]\)/);
  });

  for (const [label, config] of [
    ['scoped config', scopedConfig()],
    ['default config', defaultConfig()],
  ] as const) {
    it(`every query parses and binds against the documented table schemas (${label})`, () => {
      for (const rule of buildSentinelRules(config)) {
        assert.deepEqual(kqlDiagnostics(rule.query), [], `${rule.key}:\n${rule.query}`);
        for (const table of rule.tables) assert.ok(table in TABLE_SCHEMAS, table);
      }
    });
  }

  it('the checker rejects a column the table does not document and a syntax error', () => {
    const query = rules[0].query.replace('sum(ResponseBodySize)', 'sum(ResponseBytes)');
    assert.match(kqlDiagnostics(query)[0]?.message ?? '', /ResponseBytes/);
    assert.ok(kqlDiagnostics('AzureActivity | where | project Caller').length > 0);
    assert.match(kqlDiagnostics('AuditLogs | project Caller')[0]?.message ?? '', /Caller/);
  });

  it('each rule cites 164.308(a)(1)(ii)(D) and 164.312(b) and names the tables it needs', () => {
    for (const rule of rules) {
      assert.match(rule.description, /164\.308\(a\)\(1\)\(ii\)\(D\)/);
      assert.match(rule.description, /164\.312\(b\)/);
      for (const table of rule.tables) assert.ok(rule.description.includes(table), `${rule.key} names ${table}`);
    }
  });

  it('limits rows to the PHI resource groups, ids and names of .phiguard.yaml', () => {
    const scope = phiScopeOf(scopedConfig());
    const ids = new RegExp(scope.idPattern ?? '$^');
    const names = new RegExp(scope.namePattern ?? '$^');
    const id = (group: string) =>
      `/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourcegroups/${group}/providers/microsoft.storage/storageaccounts/sa1`;
    assert.ok(ids.test(id('rg-phi-prod')));
    assert.ok(ids.test(id('rg.ehr')));
    assert.ok(!ids.test(id('rg-phi-prod2')), 'a resource group name is matched whole');
    assert.ok(!ids.test(id('rgxehr')), 'a dot in a group name is literal');
    assert.ok(
      ids.test(
        '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourcegroups/rg-shared/providers/microsoft.keyvault/vaults/kv-ehr',
      ),
    );
    assert.ok(names.test('phistore01') && names.test('ehr1store') && !names.test('ehr12store'));
    const blob = rules[0].query;
    assert.ok(blob.includes(`tolower(_ResourceId) matches regex @"${scope.idPattern}"`));
    assert.ok(blob.includes(`tolower(AccountName) matches regex @"${scope.namePattern}"`));
    const unscoped = buildSentinelRules(defaultConfig());
    assert.ok(!unscoped[0].query.includes('matches regex'));
    assert.match(unscoped[0].description, /every resource/);
    assert.ok(!unscoped.some((rule) => rule.key === 'phi-app-anomalous-sign-in'), 'no PHI apps, no sign-in rule');
  });

  it('rule ids are stable GUIDs, the same on every run and distinct per rule', () => {
    const again = buildSentinelRules(scopedConfig());
    assert.deepEqual(
      rules.map((rule) => rule.id),
      again.map((rule) => rule.id),
    );
    assert.equal(new Set(rules.map((rule) => rule.id)).size, rules.length);
    for (const rule of rules)
      assert.match(rule.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('guardrails sentinel: ARM', () => {
  const template = JSON.parse(
    renderSentinelRules(buildSentinelRules(scopedConfig()), 'arm', { workspace: 'law-phi' }),
  ) as Obj;
  const resources = template.resources as Obj[];

  it('declares workspace-scoped Scheduled alert rules with the fields of the documented GET body', () => {
    assert.equal(
      (template.parameters as Obj).workspaceName && ((template.parameters as Obj).workspaceName as Obj).defaultValue,
      'law-phi',
    );
    assert.equal(resources.length, 8);
    for (const resource of resources) {
      assert.equal(resource.type, 'Microsoft.SecurityInsights/alertRules');
      assert.equal(resource.apiVersion, SENTINEL_API_VERSION);
      assert.equal(resource.kind, 'Scheduled');
      assert.equal(
        resource.scope,
        "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
      );
      const properties = resource.properties as Obj;
      const documented = new Set(Object.keys(EXAMPLE_PROPERTIES));
      for (const key of Object.keys(properties)) {
        assert.ok(documented.has(key) || key === 'techniques', `${resource.name}: ${key} is a documented property`);
      }
      for (const key of [
        'displayName',
        'severity',
        'enabled',
        'query',
        'queryFrequency',
        'queryPeriod',
        'triggerOperator',
        'triggerThreshold',
        'suppressionDuration',
        'suppressionEnabled',
      ]) {
        assert.ok(key in properties, `${resource.name}: ${key} is required`);
      }
      assert.ok(['High', 'Medium', 'Low', 'Informational'].includes(properties.severity as string));
      assert.ok(['GreaterThan', 'LessThan', 'Equal', 'NotEqual'].includes(properties.triggerOperator as string));
      for (const key of ['queryFrequency', 'queryPeriod', 'suppressionDuration']) {
        assert.match(properties[key] as string, ISO_DURATION, key);
      }
      // Scheduled rules: frequency 5 minutes to 14 days, lookback up to 14 days and not shorter than the frequency.
      const frequency = hours(properties.queryFrequency as string);
      const period = hours(properties.queryPeriod as string);
      assert.ok(frequency >= 5 / 60 && period <= 14 * 24 && period >= frequency, `${properties.displayName}`);
      for (const tactic of properties.tactics as string[]) assert.ok(TACTICS.has(tactic), tactic);
      for (const technique of properties.techniques as string[]) assert.match(technique, /^T\d{4}$/);
      for (const mapping of properties.entityMappings as Obj[]) {
        const allowed = ENTITY_IDENTIFIERS[mapping.entityType as string];
        assert.ok(allowed, `${mapping.entityType}`);
        for (const field of mapping.fieldMappings as Obj[]) {
          assert.ok(allowed.includes(field.identifier as string), `${mapping.entityType}.${field.identifier}`);
          // The mapped column must be an output column of the query.
          assert.match(properties.query as string, new RegExp(`\\b${field.columnName}\\b`));
        }
      }
      const grouping = (properties.incidentConfiguration as Obj).groupingConfiguration as Obj;
      assert.equal(grouping.matchingMethod, 'AllEntities');
      assert.equal((properties.eventGroupingSettings as Obj).aggregationKind, 'AlertPerResult');
    }
  });

  it('loads through the repository ARM adapter as alert rules with the query intact', () => {
    const result = parseArmTemplate({ file: 'sentinel.json', text: JSON.stringify(template) });
    const alertRules = result.resources.filter((r) => r.type === 'Microsoft.SecurityInsights/alertRules');
    assert.equal(alertRules.length, 8);
    const query = (alertRules[0].properties as Obj).query;
    assert.equal(query, (resources[0].properties as Obj).query);
  });
});

describe('guardrails sentinel: Bicep, Terraform and JSON', () => {
  const rules = buildSentinelRules(scopedConfig());

  it('Bicep parses and keeps each query byte for byte', () => {
    const result = loadBicep(renderSentinelRules(rules, 'bicep', { workspace: 'law-phi' }));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    const alertRules = result.resources.filter((r) => r.type === 'Microsoft.SecurityInsights/alertRules');
    assert.equal(alertRules.length, rules.length);
    assert.deepEqual(
      alertRules.map((r) => (r.properties as Obj).query),
      rules.map((rule) => rule.query),
    );
  });

  it('Terraform parses, maps to alert rules and keeps each query (heredoc) intact', () => {
    const id =
      '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-phi';
    const result = loadTerraform(renderSentinelRules(rules, 'terraform', { workspace: id }));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.kind === 'parse-error'),
      [],
    );
    const alertRules = result.resources.filter((r) => r.type === 'Microsoft.SecurityInsights/alertRules');
    assert.equal(alertRules.length, rules.length);
    assert.deepEqual(
      alertRules.map((r) => ((r.properties as Obj).query as string).trimEnd()),
      rules.map((rule) => rule.query),
    );
    assert.ok(alertRules.every((r) => r.id.startsWith(`${id}/providers/Microsoft.SecurityInsights/alertRules/`)));
  });

  it('JSON is the list of PUT bodies', () => {
    const bodies = JSON.parse(renderSentinelRules(rules, 'json')) as Obj[];
    assert.deepEqual(
      bodies.map((body) => body.name),
      rules.map((rule) => rule.id),
    );
    assert.ok(bodies.every((body) => body.kind === 'Scheduled'));
  });
});

// The TLS helpers on their own: version spellings, the policy scanner, the creation-date and server-parameter
// defaults, and streamed evaluation of rules that read children (APIM policies/products, config/web).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultConfig } from '../../../../src/core/config.js';
import { Inventory } from '../../../../src/core/inventory.js';
import type { Finding, Resource } from '../../../../src/core/types.js';
import { parseSnapshotText } from '../../../../src/ingest/snapshot/index.js';
import { scanPolicy } from '../../../../src/rules/catalog/tls/apim-policy.js';
import { TLS_RULES } from '../../../../src/rules/catalog/tls/index.js';
import { tlsVersion } from '../../../../src/rules/catalog/tls/shared.js';
import { apimLegacyProtocolDefault, serverParameterDefault } from '../../../../src/rules/defaults/tls.js';
import { Engine } from '../../../../src/rules/engine.js';
import { StreamingEvaluator } from '../../../../src/rules/stream.js';
import { API, body, CONFIG, policies, SITE } from './support.js';

describe('tlsVersion', () => {
  const table: [unknown, number | undefined][] = [
    ['1.2', 1.2],
    [1.3, 1.3],
    [1, 1],
    ['TLS1_0', 1.0],
    ['Tls11', 1.1],
    ['Tls', 1.0],
    ['TLSv1', 1.0],
    ['TLSv1.3', 1.3],
    ['TLS12', 1.2],
    ['None', undefined],
    ['TLSEnforcementDisabled', undefined],
    ['1.4', undefined],
    [null, undefined],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      assert.equal(tlsVersion(input as never), expected);
    });
  }
});

describe('scanPolicy', () => {
  it('finds an unconditional validation in inbound only', () => {
    assert.equal(scanPolicy(policies('<validate-jwt header-name="Authorization" />')).validates, true);
    assert.equal(
      scanPolicy('<policies><inbound /><outbound><validate-jwt header-name="a" /></outbound></policies>').validates,
      false,
    );
  });

  it('tracks <base />, comments, conditions, named values and fragments', () => {
    const facts = scanPolicy(
      policies(
        '<base /><!-- <validate-jwt /> --><choose><when condition="@(1 > 0)"><validate-client-certificate /></when></choose><validate-azure-ad-token tenant-id="{{tenant}}" /><include-fragment fragment-id="auth" />',
      ),
    );
    assert.equal(facts.validates, false);
    assert.equal(facts.base, true);
    assert.equal(facts.blockers.length, 2);
    assert.deepEqual(facts.fragments, [{ id: 'auth', conditional: false }]);
  });

  it('reads an entity-encoded document', () => {
    assert.equal(
      scanPolicy('&lt;policies&gt;&lt;inbound&gt;&lt;validate-jwt /&gt;&lt;/inbound&gt;&lt;/policies&gt;').validates,
      true,
    );
  });

  it('scans a fragment body without an inbound section', () => {
    assert.equal(scanPolicy('<fragment><validate-jwt /></fragment>', { fragment: true }).validates, true);
  });
});

describe('TLS defaults helpers', () => {
  it('APIM legacy protocol default by creation date', () => {
    assert.equal(apimLegacyProtocolDefault('2018-04-01T23:59:59Z')?.value, 'True');
    assert.equal(apimLegacyProtocolDefault('2018-04-02T00:00:00Z')?.value, 'False');
    assert.equal(apimLegacyProtocolDefault('yesterday'), undefined);
  });

  it('flexible server parameter defaults by type, name and version', () => {
    assert.equal(
      serverParameterDefault('Microsoft.DBforPostgreSQL/flexibleServers', 'REQUIRE_SECURE_TRANSPORT', undefined)?.value,
      'on',
    );
    assert.equal(
      serverParameterDefault('Microsoft.DBforMySQL/flexibleServers', 'tls_version', '8.0.21')?.value,
      'TLSv1.2',
    );
    const old = serverParameterDefault('Microsoft.DBforMySQL/flexibleServers', 'tls_version', '5.7');
    assert.ok(old);
    assert.equal(old.value, undefined);
    assert.equal(serverParameterDefault('Microsoft.DBforMySQL/flexibleServers', 'tls_version', undefined), undefined);
  });
});

describe('TLS rules on a streamed snapshot', () => {
  const sub = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/phi-rg/providers';
  const records = [
    body('Microsoft.ApiManagement/service', 'apim-phi', { createdAtUtc: '2022-01-01T00:00:00Z' }),
    body(API, 'apim-phi/open-api', { subscriptionRequired: false, protocols: ['https'] }),
    body(API, 'apim-phi/keyed', { protocols: ['https'] }),
    body('Microsoft.ApiManagement/service/apis/policies', 'apim-phi/open-api/policy', {
      format: 'xml',
      value: policies('<base /><validate-jwt header-name="Authorization" />'),
    }),
    body('Microsoft.ApiManagement/service/products', 'apim-phi/open', { subscriptionRequired: false }),
    {
      id: `${sub}/Microsoft.ApiManagement/service/apim-phi/products/open/apis/keyed`,
      name: 'keyed',
      type: 'Microsoft.ApiManagement/service/products/apis',
      properties: {},
    },
    body(SITE, 'app-phi', { httpsOnly: true, siteConfig: { minTlsVersion: null, ftpsState: null } }),
    body(CONFIG, 'app-phi/web', { minTlsVersion: '1.0', ftpsState: 'FtpsOnly' }),
  ];
  const resources: Resource[] = parseSnapshotText(JSON.stringify(records), 'snapshot.json').resources;
  const key = (findings: Finding[]) =>
    findings.map((f) => `${f.ruleId} ${f.status} ${f.resource.name} ${f.evidence.path}`).sort();
  const config = defaultConfig();
  const expected = key(new Engine(TLS_RULES, { config, includePassed: true }).evaluate(new Inventory(resources)));

  it('in memory: the keyed API in an open product fails, the validated one passes, config/web decides', () => {
    assert.ok(
      expected.includes('PHI-TLS-003 fail apim-phi/keyed properties.subscriptionRequired'),
      expected.join('\n'),
    );
    assert.ok(
      expected.includes('PHI-TLS-003 pass apim-phi/open-api properties.subscriptionRequired'),
      expected.join('\n'),
    );
    assert.ok(expected.includes('PHI-TLS-006 fail app-phi properties.minTlsVersion'), expected.join('\n'));
  });

  for (const [name, order] of [
    ['parents first', resources],
    ['children first', [...resources].reverse()],
  ] as const) {
    it(`streamed ${name} gives the in-memory verdicts`, async () => {
      const findings: Finding[] = [];
      const evaluator = new StreamingEvaluator(new Engine(TLS_RULES, { config, includePassed: true }), (f) =>
        findings.push(f),
      );
      for (const resource of order) evaluator.push(resource);
      await evaluator.finish();
      assert.deepEqual(key(findings), expected);
    });
  }
});

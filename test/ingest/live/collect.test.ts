// Live collection against the loopback Azure (test/helpers/loopback-azure.ts): the real @azure/identity credential,
// Resource Graph SDK client and core-rest-pipeline transport, pointed at 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ClientSecretCredential } from '@azure/identity';
import { rulesReading } from '../../../src/cli/collect.js';
import { defaultConfig } from '../../../src/core/config.js';
import type { Finding } from '../../../src/core/types.js';
import { type CollectOptions, collectLive } from '../../../src/ingest/live/collect.js';
import { RULES } from '../../../src/rules/catalog/index.js';
import { runScan } from '../../../src/scan/run.js';
import { type LoopbackAzure, startLoopbackAzure } from '../../helpers/loopback-azure.js';
import { type PayloadIds, payloadEstate, SUB_A, SUB_B } from '../../helpers/loopback-estate.js';

let az: LoopbackAzure;
let ids: PayloadIds;
let dir: string;
let n = 0;

before(async () => {
  const built = payloadEstate();
  ids = built.ids;
  az = await startLoopbackAzure(built.estate);
  dir = mkdtempSync(join(tmpdir(), 'phiguard-live-test-'));
});
after(async () => {
  await az.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<CollectOptions> = {}): CollectOptions {
  const { estate } = az;
  return {
    scope: { allSubscriptions: true },
    out: join(dir, `snapshot-${n++}.ndjson`),
    cloud: 'AzureCloud',
    credential: new ClientSecretCredential(estate.tenantId, estate.clientId, estate.clientSecret, {
      authorityHost: az.url,
      disableInstanceDiscovery: true,
      agent: az.agent,
    }),
    toolVersion: '0.0.0-test',
    concurrency: 4,
    agent: az.agent,
    env: { PHIGUARD_ARM_ENDPOINT: az.url, PHIGUARD_GRAPH_ENDPOINT: az.url },
    rulesFor: rulesReading,
    ...overrides,
  };
}

function records(path: string): Record<string, unknown>[] {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function scan(path: string) {
  const findings: Finding[] = [];
  const stats = await runScan({
    paths: [path],
    config: defaultConfig(),
    rules: RULES,
    onFinding: (finding) => findings.push(finding),
  });
  const failed = (ruleId: string, id: string) =>
    findings.some(
      (f) => f.ruleId === ruleId && f.status === 'fail' && f.resource.id.toLowerCase() === id.toLowerCase(),
    );
  return { stats, findings, failed };
}

function clearFaults() {
  az.faults.length = 0;
}

describe('live collection from the loopback Azure', () => {
  it('collects resources, children and Entra ID into a snapshot that scans to the verdicts the payloads imply', async () => {
    clearFaults();
    const phases: string[] = [];
    const result = await collectLive(options({ onProgress: (p) => phases.push(p.phase) }));
    assert.equal(result.complete, true, JSON.stringify(result.failures));
    assert.equal(phases.at(-1), 'done', 'the progress display is told to clear');
    const lines = records(result.path);
    const header = lines[0].phiguard as Record<string, unknown>;
    assert.equal(header.kind, 'live-snapshot');
    assert.equal(header.tenantId, az.estate.tenantId);
    assert.equal(header.cloud, 'AzureCloud');
    assert.deepEqual(header.failures, []);
    const counts = header.counts as { records: number; byType: Record<string, number> };
    assert.equal(counts.records, lines.length - 1);
    assert.equal(counts.byType['microsoft.sql/servers/firewallrules'], 4);
    assert.equal(counts.byType['microsoft.graph/conditionalaccesspolicy'], 2);
    // The role assignment's principal was resolved through getByIds (a guest).
    assert.ok(lines.some((r) => r.userType === 'Guest'));

    const { stats, failed } = await scan(result.path);
    assert.equal(stats.incomplete, false);
    assert.ok(failed('PHI-STG-003', ids.storage), 'storage payload: supportsHttpsTrafficOnly false');
    assert.ok(failed('PHI-NET-006', ids.sql), 'SQL payload: publicNetworkAccess Enabled');
    assert.ok(failed('PHI-LOG-005', ids.sql), 'SQL auditing payload: state Disabled');
    assert.ok(
      failed('PHI-NET-005', `${ids.sql}/firewallRules/firewallrulecrudtest-2304`),
      'firewall payload: 0.0.0.0 rule',
    );
    assert.ok(failed('PHI-TLS-005', ids.site), 'web payload: httpsOnly false');
    assert.ok(failed('PHI-KV-001', ids.vault), 'key vault payload: soft delete/purge protection absent');
  });

  it('keeps two subscriptions with the same display name apart, keyed by id', async () => {
    clearFaults();
    const result = await collectLive(options());
    const subscriptions = (result.metadata.scopes as { subscriptions: { id: string; displayName: string }[] })
      .subscriptions;
    assert.deepEqual(subscriptions.map((s) => s.id).sort(), [SUB_A, SUB_B]);
    assert.equal(new Set(subscriptions.map((s) => s.displayName)).size, 1);
    const { failed } = await scan(result.path);
    assert.ok(failed('PHI-STG-003', ids.storage));
    assert.ok(failed('PHI-STG-003', ids.storageB));
  });

  it('survives throttling (429 + Retry-After), 500s and a hung request, and counts the retries', async () => {
    clearFaults();
    az.faults.push(
      { match: /^POST \/providers\/Microsoft\.ResourceGraph\/resources/, status: 429, retryAfter: '2', times: 2 },
      { match: /\/firewallRules$/, status: 503, times: 1 },
      { match: /\/managementPolicies\/default$/, hang: true, times: 1 },
      { match: /^GET \/v1\.0\/applications$/, status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT', times: 1 },
    );
    const waits: number[] = [];
    const result = await collectLive(
      options({
        retry: { timeoutMs: 300 },
        sleep: async (ms) => {
          waits.push(ms);
        },
      }),
    );
    assert.equal(result.complete, true, JSON.stringify(result.failures));
    const counts = result.metadata.counts as {
      retries: number;
      throttled: number;
      serverErrors: number;
      timeouts: number;
    };
    assert.equal(counts.throttled, 3);
    assert.equal(counts.serverErrors, 1);
    assert.equal(counts.timeouts, 1);
    assert.equal(counts.retries, 5);
    assert.equal(waits.filter((ms) => ms === 2000).length, 2, 'Retry-After: 2 (seconds) honoured');
    assert.ok(waits.includes(0), 'a Retry-After date in the past means retry now');
    const { failed } = await scan(result.path);
    assert.ok(failed('PHI-NET-005', `${ids.sql}/firewallRules/firewallrulecrudtest-2304`), 'retried list kept');
  });

  it('pages Resource Graph by skip token and ARM/Graph lists by next link', async () => {
    clearFaults();
    az.estate.pageSize = 1;
    try {
      const result = await collectLive(options());
      assert.equal(result.complete, true);
      const graphPages = az.log.filter((l) => l.path === '/providers/Microsoft.ResourceGraph/resources');
      assert.ok(graphPages.length >= 6, `one resource per page: ${graphPages.length} pages`);
      const counts = result.metadata.counts as { byType: Record<string, number> };
      assert.equal(counts.byType['microsoft.sql/servers/firewallrules'], 4);
      assert.equal(counts.byType['microsoft.graph/conditionalaccesspolicy'], 2);
    } finally {
      az.estate.pageSize = undefined;
      az.log.length = 0;
    }
  });

  it('records a failing subscription, keeps the other subscription, and the scan of it is incomplete', async () => {
    clearFaults();
    az.faults.push(
      { match: new RegExp(`^POST .* subs=.*${SUB_B}`), status: 500 },
      { match: new RegExp(`^GET /subscriptions/${SUB_B}/providers/Microsoft\\.Security/pricings$`), status: 403 },
    );
    const result = await collectLive(options({ retry: { maxRetries: 1 }, sleep: async () => {} }));
    assert.equal(result.complete, false);
    const graphFailure = result.failures.find((f) => f.source === 'resource-graph');
    assert.equal(graphFailure?.scope, `/subscriptions/${SUB_B}`);
    assert.equal(graphFailure?.status, 500);
    assert.equal(graphFailure?.rules.length, RULES.length, 'every rule is affected when resources are missing');
    const denied = result.failures.find((f) => f.status === 403);
    assert.match(denied?.needs ?? '', new RegExp(`Reader role on /subscriptions/${SUB_B}`));
    assert.ok(denied?.rules.includes('PHI-LOG-008'), 'Defender pricings feed PHI-LOG-008');

    const { stats, failed } = await scan(result.path);
    assert.equal(stats.incomplete, true);
    assert.ok(failed('PHI-STG-003', ids.storage), "subscription A's data is intact");
    assert.ok(!failed('PHI-STG-003', ids.storageB));
    const problem = stats.diagnostics.find((d) => d.kind === 'read-error');
    assert.match(problem?.message ?? '', new RegExp(`collection incomplete for /subscriptions/${SUB_B}`));
  });

  it('names the Graph permission a 403 needs and the identity rules it leaves unknown', async () => {
    clearFaults();
    az.faults.push({ match: /^GET \/v1\.0\/identity\/conditionalAccess\/policies$/, status: 403 });
    const result = await collectLive(options({ scope: { subscriptions: [SUB_A] } }));
    assert.equal(result.complete, false);
    assert.equal(result.failures.length, 1);
    const [failure] = result.failures;
    assert.equal(failure.source, 'microsoft-graph');
    assert.match(failure.needs ?? '', /Policy\.Read\.All/);
    assert.ok(failure.rules.includes('PHI-IAM-005') && failure.rules.includes('PHI-IAM-006'));
    const subscriptions = (result.metadata.scopes as { subscriptions: { id: string }[] }).subscriptions;
    assert.deepEqual(
      subscriptions.map((s) => s.id),
      [SUB_A],
    );
  });

  it('collects a management group and writes the gzip envelope the snapshot adapter reads', async () => {
    clearFaults();
    const out = join(dir, 'mg.json.gz');
    const result = await collectLive(options({ scope: { managementGroup: 'mg-health', entra: false }, out }));
    assert.equal(result.complete, true);
    const document = JSON.parse(gunzipSync(readFileSync(out)).toString('utf8')) as {
      phiguard: { scopes: { subscriptions: unknown[] } };
      resources: unknown[];
    };
    assert.equal(document.phiguard.scopes.subscriptions.length, 2);
    assert.equal(document.resources.length, (result.metadata.counts as { records: number }).records);
    const { failed, stats } = await scan(out);
    assert.equal(stats.incomplete, false);
    assert.ok(failed('PHI-STG-003', ids.storageB));
  });

  it('asks for tokens of the chosen cloud (AzureUSGovernment) even when the endpoints are overridden', async () => {
    clearFaults();
    az.tokenScopes.length = 0;
    const result = await collectLive(options({ cloud: 'AzureUSGovernment', scope: { subscriptions: [SUB_A] } }));
    assert.equal(result.complete, true, JSON.stringify(result.failures));
    assert.equal(result.metadata.cloud, 'AzureUSGovernment');
    assert.ok(az.tokenScopes.some((s) => s.includes('https://management.usgovcloudapi.net/.default')));
    assert.ok(az.tokenScopes.some((s) => s.includes('https://graph.microsoft.us/.default')));
    assert.ok(!az.tokenScopes.some((s) => /management\.azure\.com|graph\.microsoft\.com/.test(s)));
  });

  it('records a token that cannot be had for one API as that source failing, not as a crash', async () => {
    clearFaults();
    const base = options().credential;
    const credential: typeof base = {
      getToken: async (scopes, opts) => {
        if (String(scopes).includes('graph')) {
          throw Object.assign(new Error('AADSTS53003: Access has been blocked by Conditional Access policies.'), {
            name: 'AuthenticationError',
          });
        }
        return base.getToken(scopes, opts);
      },
    };
    const result = await collectLive(options({ credential, scope: { subscriptions: [SUB_A] } }));
    assert.equal(result.complete, false);
    assert.ok(result.failures.length > 0);
    for (const failure of result.failures) {
      assert.equal(failure.source, 'microsoft-graph');
      assert.equal(failure.status, 401);
      assert.match(failure.reason, /cannot get a token: AADSTS53003/);
    }
    const { failed } = await scan(result.path);
    assert.ok(failed('PHI-STG-003', ids.storage), 'ARM data is intact');
  });

  it("completes a service principal's app role assignments when $expand stopped at Graph's 20", async () => {
    clearFaults();
    const original = az.estate.graph.get('/serviceprincipals');
    const assignment = (k: number) => ({
      id: `assignment-${k}`,
      appRoleId: '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
      principalId: 'sp-many',
      resourceId: 'graph-sp',
    });
    az.estate.graph.set('/serviceprincipals', [
      {
        id: 'sp-many',
        appId: 'app-many',
        displayName: 'Many',
        appRoleAssignments: Array.from({ length: 20 }, (_, k) => assignment(k)),
      },
    ]);
    az.estate.graph.set(
      '/serviceprincipals/sp-many/approleassignments',
      Array.from({ length: 25 }, (_, k) => assignment(k)),
    );
    try {
      const result = await collectLive(options({ scope: { subscriptions: [SUB_A] } }));
      assert.equal(result.complete, true, JSON.stringify(result.failures));
      const sp = records(result.path).find((r) => r.id === 'sp-many');
      assert.ok(sp, 'the service principal is in the snapshot');
      assert.equal((sp.appRoleAssignments as unknown[]).length, 25);
    } finally {
      az.estate.graph.set('/serviceprincipals', original ?? []);
      az.estate.graph.delete('/serviceprincipals/sp-many/approleassignments');
    }
  });

  it('never writes secrets: app settings, connection strings and keys in a body are redacted', async () => {
    clearFaults();
    const key = `${ids.site}/config/web`.toLowerCase();
    const original = az.estate.gets.get(key);
    const secret = 'DefaultEndpointsProtocol=https;AccountName=phi;AccountKey=c2VjcmV0LWtleS1kYXRhLW5vdC1yZWFs;';
    az.estate.gets.set(key, {
      ...(original as object),
      properties: {
        ...((original as { properties: object }).properties ?? {}),
        appSettings: [{ name: 'DB_PASSWORD', value: 'hunter2-not-real' }],
        connectionStrings: [{ name: 'Storage', connectionString: secret, type: 'Custom' }],
        customNote: `see ${secret}`,
      },
    });
    try {
      const result = await collectLive(options({ scope: { subscriptions: [SUB_A], entra: false } }));
      const text = readFileSync(result.path, 'utf8');
      assert.ok(!text.includes('hunter2-not-real'));
      assert.ok(!text.includes('c2VjcmV0LWtleS1kYXRhLW5vdC1yZWFs'));
      assert.ok(text.includes('[REDACTED:'));
      assert.ok((result.metadata.counts as { redacted: number }).redacted >= 3);
      assert.ok(!az.log.some((l) => /listKeys|listConnectionStrings|appsettings/i.test(l.path)));
    } finally {
      az.estate.gets.set(key, original);
    }
  });
});

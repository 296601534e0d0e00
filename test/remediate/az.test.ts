// `phiguard fix --az`: the script is built from the Contoso Health live snapshot (real ARM ids), checked by bash -n
// and shellcheck, run in --dry-run with neither az nor jq on PATH, and run for real against a fake `az` that records
// its argv and answers `show` from JSON files, to prove idempotency and the before/ capture.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseConfig } from '../../src/core/config.js';
import { Inventory } from '../../src/core/inventory.js';
import { toPlain } from '../../src/core/path.js';
import type { Finding, Resource, Value, ValueObject } from '../../src/core/types.js';
import { parseSnapshotText } from '../../src/ingest/snapshot/index.js';
import { quote } from '../../src/remediate/az/shell.js';
import { APIM_INSECURE_KEYS, renderAzScript } from '../../src/remediate/az.js';
import type { PlannedFix } from '../../src/remediate/types.js';
import { RULES } from '../../src/rules/catalog/index.js';
import type { FixStep } from '../../src/rules/define.js';
import { Engine } from '../../src/rules/engine.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const estate = join(repoRoot, 'examples/contoso-health');
const NOW = new Date('2026-05-05T09:30:00Z');
const work = mkdtempSync(join(tmpdir(), 'phiguard-az-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Failing {
  finding: Finding;
  resource: Resource;
}

function loadEstate(): { failing: Failing[]; inventory: Inventory; config: ReturnType<typeof parseConfig> } {
  const configFile = join(estate, '.phiguard.yaml');
  const config = parseConfig(readFileSync(configFile, 'utf8'), configFile);
  const resources: Resource[] = [];
  for (const file of ['contoso-health-arg.json', 'contoso-health-entra.json']) {
    resources.push(...parseSnapshotText(readFileSync(join(estate, 'snapshot', file), 'utf8'), file).resources);
  }
  const inventory = new Inventory(resources);
  const failing: Failing[] = [];
  const engine = new Engine(RULES, {
    config,
    annotate: (finding, resource) => {
      if (finding.status === 'fail') failing.push({ finding, resource });
    },
  });
  engine.evaluate(inventory);
  return { failing, inventory, config };
}

const { failing, inventory, config } = loadEstate();

function pick(ruleId: string, name: string, path?: string): Failing {
  const found = failing.find(
    (item) =>
      item.finding.ruleId === ruleId &&
      item.resource.name.endsWith(name) &&
      (path === undefined || item.finding.evidence.path === path),
  );
  assert.ok(found, `${ruleId} on ${name} should fail in the example snapshot`);
  return found;
}

function planned(item: Failing, steps: FixStep[]): PlannedFix {
  return { finding: item.finding, resource: item.resource, steps };
}

const storage = pick('PHI-STG-004', 'stcontosoportalupl');
const infra = pick('PHI-STG-008', 'stcontosoportalupl');
const apim = pick('PHI-TLS-001', 'apim-contoso-portal-prod');
const firewall = pick('PHI-NET-004', 'AllowAll-Temp-Migration');
const fhirCors = pick('PHI-DAT-003', 'fhirehrprod');
const cosmosPe = pick('PHI-NET-008', 'cosmos-contoso-portal-prod');
const caPolicy = failing.find(
  (item) => item.finding.ruleId === 'PHI-IAM-005' && item.finding.evidence.path === 'properties.state',
);
assert.ok(caPolicy, 'a report-only Conditional Access policy fails PHI-IAM-005');
const nsg = pick('PHI-NET-003', 'nsg-contoso-legacy-dmz');

const AWKWARD = `it's $HOME "x" \`id\``;

/** One fix per step kind, with steps written here so the script's behaviour is pinned whatever the rules return. */
const FIXES: PlannedFix[] = [
  planned(storage, [
    { kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' },
    { kind: 'set', path: 'tags.owner', value: AWKWARD },
  ]),
  planned(infra, [{ kind: 'set', path: 'properties.encryption.requireInfrastructureEncryption', value: true }]),
  planned(apim, [
    { kind: 'set', path: `properties.customProperties.${APIM_INSECURE_KEYS[0]}`, value: 'False' },
    { kind: 'set', path: `properties.customProperties.${APIM_INSECURE_KEYS[1]}`, value: 'False' },
  ]),
  planned(firewall, [{ kind: 'delete-resource' }]),
  planned(fhirCors, [{ kind: 'remove', path: 'properties.corsConfiguration.origins.0' }]),
  planned(cosmosPe, [
    {
      kind: 'create',
      resource: 'private-endpoint',
      settings: { groupId: 'Sql', privateDnsZone: 'privatelink.documents.azure.com' },
      inputs: [{ name: 'subnet_id', why: 'the subnet the private endpoint is placed in' }],
    },
  ]),
  planned(caPolicy, [{ kind: 'set', path: 'properties.state', value: 'enabled' }]),
  planned(nsg, [{ kind: 'set', path: 'properties.securityRules.0.properties.access', value: 'Deny' }]),
];

function render(fixes: PlannedFix[], dryRunDefault?: boolean): string {
  return renderAzScript(fixes, { now: NOW, toolVersion: '9.8.7', dryRunDefault });
}

function writeScript(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

const script = render(FIXES);
const scriptFile = writeScript('fix.sh', script);

/** A directory with only the named programs, so PATH can leave out az and jq. */
function binDir(name: string, programs: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const program of programs) {
    const which = spawnSync('/usr/bin/bash', ['-c', `command -v ${program}`], { encoding: 'utf8' });
    const path = which.stdout.trim();
    assert.ok(path, `${program} is needed by the test`);
    writeFileSync(join(dir, program), `#!/bin/sh\nexec ${path} "$@"\n`);
    chmodSync(join(dir, program), 0o755);
  }
  return dir;
}

function runScript(file: string, args: string[], env: Record<string, string>, cwd: string) {
  return spawnSync('/usr/bin/bash', [file, ...args], { cwd, env, encoding: 'utf8' });
}

describe('fix --az script text', () => {
  test('starts with the shebang, strict mode, the generated-by line with version and time, and usage', () => {
    const lines = script.split('\n');
    assert.equal(lines[0], '#!/usr/bin/env bash');
    assert.ok(lines.includes('set -euo pipefail'));
    assert.match(script, /^# Generated by phiguard 9\.8\.7 at 2026-05-05T09:30:00\.000Z\./m);
    assert.match(script, /--dry-run\) DRY_RUN=1 ;;/);
    assert.match(script, /^DRY_RUN="\$\{DRY_RUN:-0\}"$/m);
    assert.match(render(FIXES, true), /^DRY_RUN="\$\{DRY_RUN:-1\}"$/m);
  });

  test('each finding has a comment block with rule, severity, title, resource and HIPAA citations', () => {
    const block = script.slice(script.indexOf('# --- PHI-STG-004'));
    assert.match(block, /^# --- PHI-STG-004 \(high\): Storage account/m);
    assert.ok(block.includes(`# Resource: ${storage.resource.id}`));
    assert.ok(block.includes(`# HIPAA: ${storage.finding.hipaa.join(', ')}`));
  });

  test('passes bash -n and shellcheck at style severity', () => {
    const syntax = spawnSync('/usr/bin/bash', ['-n', scriptFile], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const lint = spawnSync('/usr/bin/shellcheck', ['--severity=style', '--shell=bash', scriptFile], {
      encoding: 'utf8',
    });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    assert.doesNotMatch(script, /shellcheck disable/);
  });

  test('the script for every failing snapshot finding, with the rules’ own steps, passes bash -n and shellcheck', () => {
    const all: PlannedFix[] = failing.map(({ finding, resource }) => {
      const rule = RULES.find((candidate) => candidate.id === finding.ruleId);
      let steps: FixStep[] = [];
      try {
        steps =
          rule?.fix?.(resource, { path: finding.evidence.path, actual: finding.evidence.actual, config, inventory }) ??
          [];
      } catch {
        // A rule's fix under construction elsewhere; the script must still be well-formed for the others.
      }
      return { finding, resource, steps };
    });
    const file = writeScript('all.sh', render(all));
    const syntax = spawnSync('/usr/bin/bash', ['-n', file], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const lint = spawnSync('/usr/bin/shellcheck', ['--severity=style', '--shell=bash', file], { encoding: 'utf8' });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);
    const empty = binDir('empty-bin-all', []);
    const cwd = mkdtempSync(join(work, 'dry-all-'));
    const run = runScript(file, ['--dry-run'], { PATH: empty }, cwd);
    assert.equal(run.status, 0, run.stderr);
  });

  test('infrastructure encryption is a migration note, never a command', () => {
    const block = script.slice(
      script.indexOf('# --- PHI-STG-008'),
      script.indexOf('# --- PHI-STG-', script.indexOf('# --- PHI-STG-008') + 1),
    );
    assert.match(block, /# MIGRATION NOTE/);
    assert.match(block, /can only be set when a storage account is created/);
    assert.doesNotMatch(script, /requireInfrastructureEncryption=/);
    assert.doesNotMatch(script, /require-infrastructure-encryption true --/);
  });

  test('template findings become comments pointing back at the source, not commands on placeholder ids', () => {
    const template: Resource = {
      ...storage.resource,
      origin: 'arm',
      id: "[resourceId('Microsoft.Storage/storageAccounts', parameters('name'))]",
      address: 'resources[0]',
      file: 'main.json',
    };
    const text = render([
      {
        finding: { ...storage.finding, location: { file: 'main.json', line: 12, column: 7 } },
        resource: template,
        steps: [{ kind: 'set', path: 'properties.minimumTlsVersion', value: 'TLS1_2' }],
      },
    ]);
    assert.match(text, /# {3}PHI-STG-004 resources\[0\] at main\.json:12: Storage account/);
    assert.doesNotMatch(text, /^\s*change /m);
    assert.doesNotMatch(text, /az resource update/);
  });

  test('secrets never reach the script: messages are redacted, secret values become manual steps', () => {
    const sas = 'https://stx.blob.core.windows.net/c?sv=2022-11-02&sig=abcdEFGH1234%2Bxyz';
    const text = render([
      {
        finding: { ...storage.finding, message: `exposed at ${sas}` },
        resource: storage.resource,
        steps: [{ kind: 'set', path: 'properties.backupUrl', value: sas }],
      },
    ]);
    assert.ok(!text.includes('sig=abcdEFGH'));
    assert.match(text, /# Finding: exposed at .*REDACTED/);
    assert.match(text, /^# MANUAL: set properties\.backupUrl/m);
  });

  test('quoting round-trips through bash for quotes, $, backticks, backslashes and control characters', () => {
    for (const text of [AWKWARD, "a\\b'c$d\ne\tf", "sp ace's", '', 'rg-(test).x']) {
      const run = spawnSync('/usr/bin/bash', ['-c', `printf '%s' ${quote(text)}`], { encoding: 'utf8' });
      assert.equal(run.stdout, text);
    }
  });

  test('free text cannot leave its comment: newlines in a finding message are flattened', () => {
    const hostile = { ...storage.finding, message: 'bad\nrm -rf "$HOME"\n# x' };
    const text = render([{ finding: hostile, resource: storage.resource, steps: [] }]);
    assert.ok(text.includes('# Finding: bad rm -rf "$HOME" # x'));
    assert.ok(!text.split('\n').some((line) => line.startsWith('rm -rf')));
  });
});

describe('fix --az --dry-run without az or jq', () => {
  const empty = binDir('empty-bin', []);
  const cwd = mkdtempSync(join(work, 'dry-'));
  const run = runScript(scriptFile, ['--dry-run'], { PATH: empty }, cwd);

  test('exits 0, changes nothing and creates no capture directories', () => {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(join(cwd, 'before')), false);
    assert.equal(existsSync(join(cwd, 'after')), false);
  });

  test('prints every mutating command, shell-quoted', () => {
    const lines = run.stdout.split('\n').filter((line) => line.startsWith('DRY-RUN:'));
    assert.ok(
      lines.includes(
        `DRY-RUN: az resource update --ids ${storage.resource.id} --api-version 2025-06-01 --set properties.minimumTlsVersion=\\"TLS1_2\\" --output none`,
      ),
      lines.join('\n'),
    );
    assert.ok(lines.includes(`DRY-RUN: az resource delete --ids ${firewall.resource.id} --api-version 2023-08-01`));
    // The NSG rule is changed by name as its own child resource, not by list index.
    const rule = (toPlain(nsg.resource.properties) as { securityRules: { name: string }[] }).securityRules[0].name;
    assert.ok(
      lines.includes(
        `DRY-RUN: az resource update --ids ${nsg.resource.id}/securityRules/${rule} --api-version 2025-07-01 --set properties.access=\\"Deny\\" --output none`,
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) =>
        line.startsWith(
          'DRY-RUN: az rest --method patch --url https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/',
        ),
      ),
    );
    assert.ok(
      lines.some((line) => line.includes('Microsoft.Network/privateEndpoints/pe-cosmos-contoso-portal-prod-sql')),
    );
  });

  test('placeholders for human input are shown, and reported as missing only on a real run', () => {
    assert.match(run.stdout, /\\<PHIGUARD_INPUT_SUBNET_ID\\>/);
    assert.match(script, /^# PHIGUARD_INPUT_SUBNET_ID: the subnet the private endpoint is placed in$/m);
  });

  test('the migration note is reported as a manual step', () => {
    assert.match(run.stdout, /^manual: PHI-STG-008 on stcontosoportalupl: migration needed/m);
  });
});

/**
 * A fake `az`: records each argv as a line (arguments separated by U+001F) in $AZ_LOG and answers `resource show --ids` and
 * `rest --method get --url` from $AZ_STATE/<key>.json (404-style error when absent); everything else succeeds.
 */
const FAKE_AZ = `#!/usr/bin/env bash
set -euo pipefail
(IFS=$'\\x1f'; printf '%s\\n' "$*") >>"$AZ_LOG"
key() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]/_/g'; }
target=""
prev=""
for arg in "$@"; do
  if [[ "$prev" == --ids ]]; then target="$arg"; fi
  if [[ "$prev" == --url ]]; then target="$arg"; fi
  prev="$arg"
done
target="\${target#https://management.azure.com}"
target="\${target%%\\?*}"
if [[ "$1 \${2:-}" == "account show" ]]; then echo '{}'; exit 0; fi
if [[ "$1 \${2:-}" == "resource show" || "$*" == "rest --method get"* ]]; then
  file="$AZ_STATE/$(key "$target").json"
  if [[ -f "$file" ]]; then cat "$file"; exit 0; fi
  echo "ERROR: (ResourceNotFound) The Resource '$target' was not found." >&2
  exit 3
fi
echo '{}'
`;

function stateKey(idOrUrl: string): string {
  return idOrUrl
    .replace(/^https:\/\/management\.azure\.com/, '')
    .replace(/\?.*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_');
}

function resourceJson(resource: Resource): ValueObject {
  const out: ValueObject = { id: resource.id, name: resource.name, type: resource.type };
  for (const key of ['location', 'tags', 'sku', 'kind', 'identity', 'properties'] as const) {
    const value = resource[key];
    if (value !== undefined) out[key] = toPlain(value) as Value;
  }
  return out;
}

/** Graph objects are served without the canonical `properties` wrapper, as Graph returns them. */
function graphJson(resource: Resource): ValueObject {
  return { id: resource.id, ...(toPlain(resource.properties) as ValueObject) };
}

function setIn(root: ValueObject, path: string[], value: Value): void {
  let current: ValueObject | Value[] = root;
  for (const segment of path.slice(0, -1)) {
    const next: Value = Array.isArray(current) ? current[Number(segment)] : current[segment];
    current = next as ValueObject;
  }
  const last = path[path.length - 1];
  if (Array.isArray(current)) current[Number(last)] = value;
  else current[last] = value;
}

describe('fix --az against a fake az', () => {
  const bin = binDir('fake-bin', ['bash', 'jq', 'tr', 'sed', 'grep', 'head', 'mv', 'mkdir', 'cat']);
  writeFileSync(join(bin, 'az'), FAKE_AZ);
  chmodSync(join(bin, 'az'), 0o755);
  const state = join(work, 'state');
  mkdirSync(state);
  const out = mkdtempSync(join(work, 'run-'));
  const subnet =
    '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-contoso-net-prod/providers/Microsoft.Network/virtualNetworks/vnet (hub)/subnets/snet-pe';

  const writeState = (id: string, body: Value) =>
    writeFileSync(join(state, `${stateKey(id)}.json`), JSON.stringify(body));
  const nsgRule = (toPlain(nsg.resource.properties) as { securityRules: ValueObject[] }).securityRules[0];
  const nsgRuleId = `${nsg.resource.id}/securityRules/${nsgRule.name as string}`;
  const caUrl = `https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/${caPolicy.resource.id}`;
  for (const item of [storage, apim, firewall, fhirCors, cosmosPe, nsg])
    writeState(item.resource.id, resourceJson(item.resource));
  writeState(nsgRuleId, { id: nsgRuleId, ...nsgRule });
  writeState(caUrl, graphJson(caPolicy.resource));

  const zones = '/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/rg-contoso-dns';
  const env = (log: string, extra: Record<string, string> = {}) => ({
    PHIGUARD_INPUT_PRIVATE_DNS_ZONES_GROUP_ID: zones,
    PATH: bin,
    AZ_LOG: log,
    AZ_STATE: state,
    OUT_DIR: out,
    ...extra,
  });
  const calls = (log: string): string[][] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('\x1f'))
      : [];
  const READS = [/^account show/, /^resource show/, /^rest --method get/];
  const mutating = (log: string) => calls(log).filter((argv) => !READS.some((read) => read.test(argv.join(' '))));

  test('a real run without the inputs set stops before any change, naming the variable', () => {
    const log = join(work, 'az-noinput.log');
    const run = runScript(scriptFile, [], env(log), out);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /PHIGUARD_INPUT_SUBNET_ID \(the subnet the private endpoint is placed in\)/);
    assert.deepEqual(mutating(log), []);
  });

  const firstLog = join(work, 'az-1.log');
  const first = runScript(scriptFile, [], env(firstLog, { PHIGUARD_INPUT_SUBNET_ID: subnet }), out);

  test('the first run makes each change with correctly quoted arguments', () => {
    assert.equal(first.status, 0, first.stderr + first.stdout);
    const changes = mutating(firstLog);
    const has = (prefix: string[]) => changes.some((argv) => prefix.every((item, index) => argv[index] === item));
    assert.ok(
      has([
        'resource',
        'update',
        '--ids',
        storage.resource.id,
        '--api-version',
        '2025-06-01',
        '--set',
        'properties.minimumTlsVersion="TLS1_2"',
      ]),
      JSON.stringify(changes, null, 1),
    );
    // Quotes, $ and backticks reach az as one literal argument.
    assert.ok(
      has([
        'resource',
        'update',
        '--ids',
        storage.resource.id,
        '--api-version',
        '2025-06-01',
        '--set',
        `tags.owner=${JSON.stringify(AWKWARD)}`,
      ]),
    );
    assert.ok(has(['resource', 'delete', '--ids', firewall.resource.id]));
    assert.ok(
      has([
        'resource',
        'update',
        '--ids',
        nsgRuleId,
        '--api-version',
        '2025-07-01',
        '--set',
        'properties.access="Deny"',
      ]),
    );
    const cors = changes.find((argv) => argv[3] === fhirCors.resource.id);
    assert.ok(cors, 'the FHIR CORS origins are updated');
    const origins = (toPlain(fhirCors.resource.properties) as { corsConfiguration: { origins: string[] } })
      .corsConfiguration.origins;
    const setArg = cors[cors.indexOf('--set') + 1];
    assert.deepEqual(
      JSON.parse(setArg.slice('properties.corsConfiguration.origins='.length)),
      origins.filter((o) => o !== '*'),
    );
    // The subnet input reaches the private endpoint body intact (its space and parentheses included).
    const endpoint = changes.find(
      (argv) =>
        argv.includes('put') &&
        argv.some((arg) => arg.includes('/privateEndpoints/pe-cosmos') && !arg.includes('privateDnsZoneGroups')),
    );
    assert.ok(endpoint, 'the private endpoint is created');
    const body = JSON.parse(endpoint[endpoint.indexOf('--body') + 1]);
    assert.equal(body.properties.subnet.id, subnet);
    assert.deepEqual(body.properties.privateLinkServiceConnections[0].properties, {
      privateLinkServiceId: cosmosPe.resource.id,
      groupIds: ['Sql'],
    });
    const zoneGroup = changes.find((argv) => argv.some((arg) => arg.includes('/privateDnsZoneGroups/default?')));
    assert.ok(zoneGroup, 'the private DNS zone group is created');
    assert.equal(
      JSON.parse(zoneGroup[zoneGroup.indexOf('--body') + 1]).properties.privateDnsZoneConfigs[0].properties
        .privateDnsZoneId,
      `${zones}/providers/Microsoft.Network/privateDnsZones/privatelink.documents.azure.com`,
    );
    const graph = changes.find((argv) => argv.includes(caUrl));
    assert.ok(graph);
    assert.deepEqual(JSON.parse(graph[graph.indexOf('--body') + 1]), { state: 'enabled' });
  });

  test('API Management gets one PATCH with the FULL customProperties map', () => {
    const patches = mutating(firstLog).filter((argv) => argv.join(' ').includes('Microsoft.ApiManagement/service'));
    assert.equal(patches.length, 1, 'one PATCH however many keys failed');
    const [patch] = patches;
    assert.deepEqual(patch.slice(0, 4), ['rest', '--method', 'patch', '--url']);
    assert.equal(patch[4], `https://management.azure.com${apim.resource.id}?api-version=2024-05-01`);
    const sent = JSON.parse(patch[patch.indexOf('--body') + 1]).properties.customProperties as Record<string, string>;
    const current = (toPlain(apim.resource.properties) as { customProperties: Record<string, string> })
      .customProperties;
    for (const key of APIM_INSECURE_KEYS) assert.equal(sent[key], 'False', key);
    // Every key the service has now is sent (omitted keys would be reset), the insecure ones turned off.
    for (const [key, value] of Object.entries(current)) {
      const insecure = APIM_INSECURE_KEYS.some((k) => k.toLowerCase() === key.toLowerCase());
      if (!insecure) assert.equal(sent[key], value, key);
    }
    assert.ok(Object.keys(current).length > 0);
  });

  test('before/ holds the state as it was; after/ is captured', () => {
    const before = JSON.parse(
      readFileSync(
        join(out, 'before', readdirSync(join(out, 'before')).find((f) => f.includes('stcontosoportalupl')) as string),
        'utf8',
      ),
    );
    assert.equal(before.properties.minimumTlsVersion, 'TLS1_0');
    assert.ok(readdirSync(join(out, 'after')).some((f) => f.includes('stcontosoportalupl')));
  });

  test('a second run against compliant state issues no mutating command and keeps the original before/', () => {
    const storageJson = resourceJson(storage.resource);
    setIn(storageJson, ['properties', 'minimumTlsVersion'], 'tls1_2');
    setIn(storageJson, ['tags', 'owner'], AWKWARD);
    writeState(storage.resource.id, storageJson);
    const apimJson = resourceJson(apim.resource);
    const map = (apimJson.properties as ValueObject).customProperties as ValueObject;
    for (const key of Object.keys(map))
      if (APIM_INSECURE_KEYS.some((k) => k.toLowerCase() === key.toLowerCase())) delete map[key];
    for (const key of APIM_INSECURE_KEYS) map[key] = 'false';
    writeState(apim.resource.id, apimJson);
    rmSync(join(state, `${stateKey(firewall.resource.id)}.json`));
    const cors = resourceJson(fhirCors.resource);
    const corsConfiguration = (cors.properties as ValueObject).corsConfiguration as ValueObject;
    corsConfiguration.origins = (corsConfiguration.origins as string[]).filter((origin) => origin !== '*');
    writeState(fhirCors.resource.id, cors);
    const endpointId = `/subscriptions/3f2c9a7e-5d1b-4c8e-9a6f-2b7d8e1c4a90/resourceGroups/${cosmosPe.resource.id.split('/')[4]}/providers/Microsoft.Network/privateEndpoints/pe-cosmos-contoso-portal-prod-sql`;
    writeState(endpointId, { id: endpointId });
    writeState(`${endpointId}/privateDnsZoneGroups/default`, { id: 'zone group' });
    writeState(nsgRuleId, { ...nsgRule, properties: { ...(nsgRule.properties as ValueObject), access: 'Deny' } });
    writeState(caUrl, { ...graphJson(caPolicy.resource), state: 'enabled' });

    const log = join(work, 'az-2.log');
    const second = runScript(scriptFile, [], env(log, { PHIGUARD_INPUT_SUBNET_ID: subnet }), out);
    assert.equal(second.status, 0, second.stderr + second.stdout);
    assert.deepEqual(mutating(log), []);
    assert.match(second.stdout, /0 change\(s\) made/);
    const before = readdirSync(join(out, 'before')).find((f) => f.includes('stcontosoportalupl')) as string;
    assert.equal(JSON.parse(readFileSync(join(out, 'before', before), 'utf8')).properties.minimumTlsVersion, 'TLS1_0');
    const afterFile = readdirSync(join(out, 'after')).find((f) => f.includes('stcontosoportalupl')) as string;
    assert.equal(
      JSON.parse(readFileSync(join(out, 'after', afterFile), 'utf8')).properties.minimumTlsVersion,
      'tls1_2',
    );
    const deleted = readdirSync(join(out, 'after')).find((f) => f.includes('AllowAll-Temp-Migration')) as string;
    assert.equal(readFileSync(join(out, 'after', deleted), 'utf8').trim(), 'null');
  });

  test('a failed read (not a missing resource) stops the script instead of being taken as compliant', () => {
    const broken = join(work, 'broken-bin');
    mkdirSync(broken);
    for (const program of readdirSync(bin)) writeFileSync(join(broken, program), readFileSync(join(bin, program)));
    writeFileSync(
      join(broken, 'az'),
      `#!/usr/bin/env bash\nif [[ "$1" == account ]]; then echo '{}'; exit 0; fi\nif [[ "$1 $2" == "resource show" ]]; then echo 'ERROR: (AuthorizationFailed) no read access' >&2; exit 1; fi\necho "$*" >>"$AZ_LOG"\n`,
    );
    for (const program of readdirSync(broken)) chmodSync(join(broken, program), 0o755);
    const log = join(work, 'az-broken.log');
    const run = runScript(
      scriptFile,
      [],
      { ...env(log, { PHIGUARD_INPUT_SUBNET_ID: subnet }), PATH: broken, OUT_DIR: mkdtempSync(join(work, 'broken-')) },
      out,
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /cannot read .*AuthorizationFailed/);
    assert.equal(existsSync(log), false, 'no change was attempted');
  });
});

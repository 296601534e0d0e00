// KICS Bicep twins (../shared/corpus/kics/arm/<query>/*.bicep next to their ARM JSON twins): every Bicep sample must
// parse, and every rule of the catalog must give the same verdicts (rule, resource type and name, status) on the
// Bicep file as on its JSON twin. Agreement figures are printed per crosswalked rule and overall.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defaultConfig } from '../../../src/core/config.js';
import { Inventory } from '../../../src/core/inventory.js';
import type { Finding, Resource } from '../../../src/core/types.js';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';
import { loadBicep } from '../../../src/ingest/bicep/index.js';
import { RULES } from '../../../src/rules/catalog/index.js';
import { Engine } from '../../../src/rules/engine.js';
import { SHARED } from '../../helpers/rule-cases.js';

const CORPUS = new URL('corpus/kics/arm/', SHARED);
const spec = parse(readFileSync(new URL('spec/rules.yaml', SHARED), 'utf8')) as {
  rules: { id: string; crosswalk?: { kics?: string[] } }[];
};

interface Twin {
  query: string;
  name: string;
  bicep: string;
  /** Absent when KICS ships the Bicep sample alone: it must still parse. */
  json?: string;
}

/**
 * Samples whose twins genuinely differ, with the exact verdict differences that follows from it (anything else
 * still fails the test).
 */
const EXCEPTIONS: Record<string, { reason: string; onlyJson: string[]; onlyBicep: string[] }> = {
  'default_azure_storage_account_network_access_is_too_permissive/negative2': {
    reason:
      "the JSON twin takes apiVersion from an undeclared variable (variables('storageApiVersion')), so the " +
      'API-version-dependent HTTPS default is unknown there; the Bicep twin pins 2021-06-01',
    onlyJson: ['PHI-STG-003 microsoft.storage/storageaccounts negative2 unknown'],
    onlyBicep: ['PHI-STG-003 microsoft.storage/storageaccounts negative2 pass'],
  },
};

function twins(): Twin[] {
  const out: Twin[] = [];
  for (const query of readdirSync(CORPUS).sort()) {
    const dir = new URL(`${query}/`, CORPUS);
    const files = readdirSync(dir).sort();
    for (const file of files) {
      if (!file.endsWith('.bicep')) continue;
      const name = file.slice(0, -'.bicep'.length);
      out.push({
        query,
        name,
        bicep: fileURLToPath(new URL(file, dir)),
        json: files.includes(`${name}.json`) ? fileURLToPath(new URL(`${name}.json`, dir)) : undefined,
      });
    }
  }
  return out;
}

/**
 * Names are compared only where the JSON twin's name is known: an unresolved name prints as its expression, which
 * differs between the formats (`[parameters('x')]` vs `x`).
 */
function key(finding: Finding): string {
  const name = finding.resource.name.includes('[') ? '<unresolved>' : finding.resource.name.toLowerCase();
  return `${finding.ruleId} ${finding.resource.type.toLowerCase()} ${name} ${finding.status}`;
}

function bicepKey(finding: Finding, unresolvedNames: Set<string>): string {
  const name = unresolvedNames.has(finding.resource.name) ? '<unresolved>' : finding.resource.name.toLowerCase();
  return `${finding.ruleId} ${finding.resource.type.toLowerCase()} ${name} ${finding.status}`;
}

function evaluate(resources: Resource[]): Finding[] {
  const config = defaultConfig();
  // Harness note (rules.yaml): phi_scoped rules would otherwise be not applicable on every corpus resource.
  config.classification.default = 'phi';
  return new Engine(RULES, { config, includePassed: true }).evaluate(new Inventory(resources));
}

/** Names of the JSON twin's resources that are unresolved, matched by type and declaration order. */
function unresolvedBicepNames(json: Resource[], bicep: Resource[]): Set<string> {
  const out = new Set<string>();
  const byType = new Map<string, Resource[]>();
  for (const resource of json) {
    const list = byType.get(resource.type.toLowerCase()) ?? [];
    list.push(resource);
    byType.set(resource.type.toLowerCase(), list);
  }
  const seen = new Map<string, number>();
  for (const resource of bicep) {
    const type = resource.type.toLowerCase();
    const index = seen.get(type) ?? 0;
    seen.set(type, index + 1);
    const twin = byType.get(type)?.[index];
    if (twin?.name.includes('[')) out.add(resource.name);
  }
  return out;
}

function multiset(keys: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

function difference(a: Map<string, number>, b: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(k);
  return out;
}

describe('KICS Bicep twins', () => {
  const all = twins();
  const perRule = new Map<string, { same: number; total: number }>();
  let same = 0;
  let compared = 0;
  let excepted = 0;
  let alone = 0;

  it('finds the Bicep samples', () => {
    assert.ok(all.length >= 150, `only ${all.length} Bicep samples found`);
  });

  for (const twin of all) {
    const id = `${twin.query}/${twin.name}`;
    it(`${id}: parses${twin.json ? ' and agrees with its JSON twin' : ' (no JSON twin)'}`, async () => {
      const bicep = await loadBicep(twin.bicep);
      assert.deepEqual(
        bicep.diagnostics.filter((d) => d.kind === 'parse-error' || d.kind === 'read-error'),
        [],
      );
      assert.ok(bicep.resources.length > 0, 'no resources');
      if (!twin.json) {
        alone++;
        return;
      }
      compared++;
      const armResources = parseArmTemplate({ file: twin.json, text: readFileSync(twin.json, 'utf8') }).resources;
      const names = unresolvedBicepNames(armResources, bicep.resources);
      const jsonFindings = evaluate(armResources);
      const bicepFindings = evaluate(bicep.resources);
      const jsonKeys = multiset(jsonFindings.map(key));
      const bicepKeys = multiset(bicepFindings.map((f) => bicepKey(f, names)));
      const onlyJson = difference(jsonKeys, bicepKeys);
      const onlyBicep = difference(bicepKeys, jsonKeys);
      for (const ruleId of new Set([...jsonFindings, ...bicepFindings].map((f) => f.ruleId))) {
        const entry = perRule.get(ruleId) ?? { same: 0, total: 0 };
        entry.total++;
        if (![...onlyJson, ...onlyBicep].some((k) => k.startsWith(`${ruleId} `))) entry.same++;
        perRule.set(ruleId, entry);
      }
      if (onlyJson.length === 0 && onlyBicep.length === 0) same++;
      const exception = EXCEPTIONS[id];
      if (exception) excepted++;
      assert.deepEqual(
        { onlyJson, onlyBicep },
        { onlyJson: exception?.onlyJson ?? [], onlyBicep: exception?.onlyBicep ?? [] },
        exception?.reason,
      );
    });
  }

  it('prints agreement figures', (t) => {
    const crosswalked = new Set(
      spec.rules.filter((rule) => (rule.crosswalk?.kics ?? []).some((e) => e.startsWith('arm/'))).map((r) => r.id),
    );
    const lines = [
      `KICS Bicep twins: ${all.length} Bicep samples parsed; ${same}/${compared} give the same verdicts as their JSON ` +
        `twin on every rule (${excepted} documented twin difference(s)); ${alone} without a JSON twin`,
    ];
    for (const [ruleId, { same: agree, total }] of [...perRule].sort()) {
      lines.push(`  ${ruleId}${crosswalked.has(ruleId) ? ' (crosswalked)' : ''}: ${agree}/${total} samples agree`);
    }
    for (const line of lines) {
      t.diagnostic(line);
      console.log(line);
    }
    assert.ok(perRule.size > 0);
  });
});

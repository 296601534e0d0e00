// `phiguard fix --az`: an idempotent bash script that fixes live or snapshot findings with the Azure CLI (issue 6).
// Per finding: a comment with rule, resource and HIPAA citations; the resource captured to before/<name>.json (once),
// a guard that skips the change when the current value is already compliant, the change, and an after/ capture.
// The script is plain text for a person to review; `--dry-run` prints every change instead of making it.
import { getKey, isObject, lookup, toPlain } from '../core/path.js';
import { LIVE_ORIGINS, type Resource, Unresolved, type Value, type ValueObject } from '../core/types.js';
import { redactText } from '../evidence/redact.js';
import { findRule } from '../rules/catalog/index.js';
import { APIM_LEGACY_PROTOCOL_KEYS } from '../rules/defaults/tls.js';
import type { FixStep } from '../rules/define.js';
import { epilogue, prelude, type ScriptInput } from './az/prelude.js';
import { commentText, inputMarker, inputVariable, quote, safeName } from './az/shell.js';
import { apiVersionFor, graphUrl, isDeployedArmId, parseArmId, privateLinkGroup, typeOfId } from './az/targets.js';
import type { PlannedFix } from './types.js';

export interface AzScriptOptions {
  now?: Date;
  toolVersion: string;
  /** The script's own default when neither --dry-run nor DRY_RUN is given (default: make the changes). */
  dryRunDefault?: boolean;
}

const ARM = 'https://management.azure.com';
const WORKSPACE_WHY = 'the Log Analytics workspace (ARM id) that keeps the PHI audit trail';

/** The API Management keys that enable TLS 1.0/1.1, SSL 3.0 or 3DES (controls.md D1): all must be "False". */
export const APIM_INSECURE_KEYS: readonly string[] = APIM_LEGACY_PROTOCOL_KEYS;

/**
 * Properties Azure only accepts when a resource is created: a command cannot change them on a deployed resource,
 * so the script carries a migration note instead of a command that would fail.
 */
const CREATE_TIME_ONLY: { type: string; path: RegExp; note: string }[] = [
  {
    type: 'microsoft.storage/storageaccounts',
    path: /^properties\.encryption\.requireInfrastructureEncryption$/i,
    note: 'requireInfrastructureEncryption can only be set when a storage account is created (controls.md A4). Migrate: create a new account with --require-infrastructure-encryption true (same SKU, network rules and CMK), copy the data (az storage copy / AzCopy, with versions and immutability policies recreated), move clients and private endpoints to it, then delete this account once its retention obligations allow.',
  },
  {
    type: 'microsoft.dbforpostgresql/flexibleservers',
    path: /^properties\.backup\.geoRedundantBackup$/i,
    note: 'Geo-redundant backup of a flexible server is chosen at creation. Migrate: restore this server into a new one created with --geo-redundant-backup Enabled, switch clients, then retire this server.',
  },
  {
    type: 'microsoft.dbformysql/flexibleservers',
    path: /^properties\.backup\.geoRedundantBackup$/i,
    note: 'Geo-redundant backup of a flexible server is chosen at creation. Migrate: restore this server into a new one created with --geo-redundant-backup Enabled, switch clients, then retire this server.',
  },
];

/** Renders the script for `fixes` (any origin: IaC findings become comments pointing back at the source). */
export function renderAzScript(fixes: PlannedFix[], options: AzScriptOptions): string {
  const script = new Script();
  const deployed = new Map<string, PlannedFix[]>();
  const iac: PlannedFix[] = [];
  const unaddressable: PlannedFix[] = [];
  for (const fix of fixes) {
    if (actionable(fix.resource)) {
      const key = fix.resource.id.toLowerCase();
      deployed.set(key, [...(deployed.get(key) ?? []), fix]);
    } else if (LIVE_ORIGINS.has(fix.resource.origin)) {
      unaddressable.push(fix);
    } else {
      iac.push(fix);
    }
  }

  const groups = [...deployed.values()].sort((a, b) => compare(a[0].resource.id, b[0].resource.id));
  groups.forEach((group, index) => {
    new ResourceBlock(script, group[0].resource, `${index + 1}/${groups.length}`).render(
      [...group].sort((a, b) => compare(a.finding.ruleId, b.finding.ruleId)),
    );
  });
  if (iac.length > 0) renderIac(script, iac);
  if (unaddressable.length > 0) renderUnaddressable(script, unaddressable);

  const head = prelude({
    toolVersion: options.toolVersion,
    generatedAt: (options.now ?? new Date()).toISOString(),
    findings: fixes.length,
    resources: groups.length,
    dryRunDefault: options.dryRunDefault ?? false,
    inputs: [...script.inputs.values()],
  });
  return `${head}\n${script.lines.join('\n')}\n${epilogue()}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function actionable(resource: Resource): boolean {
  if (!LIVE_ORIGINS.has(resource.origin)) return false;
  if (resource.type.toLowerCase().startsWith('microsoft.graph/'))
    return graphUrl(resource.type, resource.id) !== undefined;
  return isDeployedArmId(resource.id);
}

/** The lines of the script after the prelude, and the inputs the prelude must declare. */
class Script {
  readonly lines: string[] = [];
  readonly inputs = new Map<string, ScriptInput>();
  private readonly written = new Set<string>();

  /** True the first time a resource the script writes is seen (several findings may need the same one). */
  once(id: string): boolean {
    const key = id.toLowerCase();
    if (this.written.has(key)) return false;
    this.written.add(key);
    return true;
  }

  add(...lines: string[]): void {
    this.lines.push(...lines);
  }

  /** Declares an input (a value a human must choose) and returns its marker for JSON bodies. */
  input(name: string, why: string, resourceId: string): string {
    const variable = inputVariable(name);
    const existing = this.inputs.get(variable);
    if (existing) {
      if (!existing.usedBy.includes(resourceId)) existing.usedBy.push(resourceId);
    } else {
      this.inputs.set(variable, { variable, why, usedBy: [resourceId] });
    }
    return inputMarker(variable);
  }
}

/** A resource the script reads and writes: its id, api-version and capture name. */
interface Target {
  id: string;
  api?: string;
  name: string;
  /** Graph objects are read and patched by URL. */
  url?: string;
}

function armTarget(id: string, type?: string): Target {
  return { id, api: apiVersionFor(type ?? typeOfId(id) ?? ''), name: safeName(id) };
}

function showArgs(target: Target): string {
  return `${quote(target.url ?? target.id)} ${quote(target.api ?? '')}`;
}

function apiFlag(target: Target): string {
  return target.api ? ` --api-version ${quote(target.api)}` : '';
}

/** A canonical dotted path as a JSON array for jq's getpath (numeric segments index arrays). */
function jqPath(segments: string[]): string {
  return quote(JSON.stringify(segments.map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))));
}

/** A canonical path in `az ... --set/--remove` syntax (`properties.rules[2].name`); undefined if az cannot say it. */
function azPath(segments: string[]): string | undefined {
  let out = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else return undefined;
  }
  return out;
}

/**
 * A step value as JSON, or undefined when part of it is unresolved (never guess a value into live state) or is a
 * secret (a script is shared and kept: a secret is set by hand, never written into it).
 */
function json(value: Value | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (containsUnresolved(value)) return undefined;
  const text = JSON.stringify(toPlain(value));
  return redactText(text) === text ? text : undefined;
}

function containsUnresolved(value: Value): boolean {
  if (value instanceof Unresolved) return true;
  if (Array.isArray(value)) return value.some(containsUnresolved);
  if (isObject(value)) return Object.values(value).some(containsUnresolved);
  return false;
}

class ResourceBlock {
  private readonly subject: Target;
  private readonly targets = new Map<string, Target>();
  private readonly body: string[] = [];
  private apimDone = false;

  constructor(
    private readonly script: Script,
    private readonly resource: Resource,
    private readonly position: string,
  ) {
    const url = resource.type.toLowerCase().startsWith('microsoft.graph/')
      ? graphUrl(resource.type, resource.id)
      : undefined;
    this.subject = url ? { id: resource.id, url, name: safeName(resource.id) } : armTarget(resource.id, resource.type);
    this.targets.set(this.subject.id.toLowerCase(), this.subject);
  }

  render(fixes: PlannedFix[]): void {
    for (const fix of fixes) this.finding(fix);
    const targets = [...this.targets.values()];
    this.script.add(
      '',
      '# ============================================================================',
      `# Resource ${this.position}: ${commentText(this.resource.id)}`,
      `# Type: ${commentText(this.resource.type)}`,
      ...targets.map((target) => `capture before ${showArgs(target)} ${quote(target.name)}`),
      ...this.body,
      ...targets.map((target) => `capture after ${showArgs(target)} ${quote(target.name)}`),
    );
  }

  private target(id: string, type?: string): Target {
    const key = id.toLowerCase();
    const existing = this.targets.get(key);
    if (existing) return existing;
    const target = armTarget(id, type);
    this.targets.set(key, target);
    return target;
  }

  private add(...lines: string[]): void {
    this.body.push(...lines);
  }

  private finding(fix: PlannedFix): void {
    const { finding } = fix;
    const label = `${finding.ruleId} on ${this.resource.name}`;
    this.add(
      '',
      `# --- ${finding.ruleId} (${finding.severity}): ${commentText(finding.title)}`,
      `# Resource: ${commentText(finding.resource.id)}`,
      `# HIPAA: ${finding.hipaa.map(commentText).join(', ')}`,
      `# Finding: ${commentText(finding.message)}`,
    );
    if (fix.steps.length === 0) {
      this.manual(label, 'the rule has no automatic fix', finding.ruleId);
      return;
    }
    for (const step of fix.steps) this.step(step, label, finding.ruleId);
  }

  private step(step: FixStep, label: string, ruleId: string): void {
    if (this.subject.url) {
      this.graphStep(step, label, ruleId);
      return;
    }
    switch (step.kind) {
      case 'set':
        this.set(step.path, step.value, label, ruleId, step.note);
        return;
      case 'remove':
        this.remove(step.path, label, ruleId, step.note);
        return;
      case 'delete-resource':
        this.deleteResource(this.subject, label, step.note);
        return;
      case 'create':
        this.create(step, label, ruleId);
        return;
      case 'manual':
        this.manual(label, step.why, ruleId);
        return;
    }
  }

  private manual(label: string, why: string, ruleId: string): void {
    this.add(`# MANUAL: ${commentText(why)}`);
    const suggested = findRule(ruleId)?.remediation.az;
    if (suggested) {
      this.add('# Suggested by the rule (review, fill in the $VARIABLES, and run by hand):');
      for (const line of suggested.split('\n')) this.add(`#   ${commentText(line)}`);
    }
    this.add(`note ${quote(`${label}: ${commentText(why)}`)}`);
  }

  /** Set a property: the guard skips when the current value already equals it. */
  private set(path: string, value: Value, label: string, ruleId: string, note?: string): void {
    const type = this.resource.type.toLowerCase();
    const segments = path.split('.');
    if (note) this.add(`# ${commentText(note)}`);

    if (type === 'microsoft.apimanagement/service' && /^properties\.customProperties(\.|$)/i.test(path)) {
      this.apimTls(label);
      return;
    }
    const createTime = CREATE_TIME_ONLY.find((entry) => entry.type === type && entry.path.test(path));
    if (createTime) {
      this.add(`# MIGRATION NOTE (no command: ${commentText(path)} cannot change after creation)`);
      this.add(`# ${commentText(createTime.note)}`);
      this.add(`note ${quote(`${label}: migration needed, ${path} is create-time only`)}`);
      return;
    }
    if (type === 'microsoft.keyvault/vaults' && /^properties\.enableRbacAuthorization$/i.test(path)) {
      this.manual(
        label,
        'switching a vault to Azure RBAC drops its access policies at once: assign Key Vault data-plane roles to every identity in properties.accessPolicies first, then set enableRbacAuthorization=true',
        ruleId,
      );
      return;
    }
    if (type === 'microsoft.keyvault/vaults/keys' && /^properties\.rotationPolicy$/i.test(path)) {
      this.keyRotation(value, label, ruleId);
      return;
    }
    if (type === 'microsoft.keyvault/vaults' && /^properties\.enablePurgeProtection$/i.test(path)) {
      this.add('# Irreversible: once on, purge protection cannot be turned off (controls.md G).');
    }
    if (type === 'microsoft.storage/storageaccounts' && /^sku\.name$/i.test(path) && /zrs/i.test(String(value))) {
      this.add(
        '# A change to zone-redundant storage (ZRS/GZRS/RA-GZRS) is a conversion, which may need a request: if az rejects it, use the portal Redundancy blade or a support-initiated conversion.',
      );
    }

    // NSG rules are child resources: change the named rule, not an index into the group's list that may shift.
    const nsgRule = this.nsgRule(segments);
    if (nsgRule) {
      this.setOn(nsgRule.target, nsgRule.rest, value, label, ruleId);
      return;
    }
    // App Service settings live on the config/web child (the authoritative copy, controls.md D2).
    if (
      type === 'microsoft.web/sites' &&
      segments[0].toLowerCase() === 'properties' &&
      segments[1]?.toLowerCase() === 'siteconfig'
    ) {
      const web = this.target(`${this.resource.id}/config/web`, 'Microsoft.Web/sites/config');
      this.setOn(web, ['properties', ...segments.slice(2)], value, label, ruleId);
      return;
    }
    this.setOn(this.subject, segments, value, label, ruleId);
  }

  private setOn(target: Target, segments: string[], value: Value, label: string, ruleId: string): void {
    const path = azPath(segments);
    const valueJson = json(value);
    if (!path || valueJson === undefined) {
      this.manual(
        label,
        `set ${segments.join('.')} to ${valueJson ?? 'the value the rule expects'} (az cannot express this path or value)`,
        ruleId,
      );
      return;
    }
    this.add(
      `refresh ${showArgs(target)}`,
      `if has ${jqPath(segments)} ${quote(valueJson)}; then`,
      `  skip ${quote(`${label}: ${segments.join('.')} is already ${valueJson}`)}`,
      'else',
      `  change az resource update --ids ${quote(target.id)}${apiFlag(target)} --set ${quote(`${path}=${valueJson}`)} --output none`,
      'fi',
    );
  }

  private nsgRule(segments: string[]): { target: Target; rest: string[] } | undefined {
    if (this.resource.type.toLowerCase() !== 'microsoft.network/networksecuritygroups') return undefined;
    if (segments[0]?.toLowerCase() !== 'properties' || segments[1]?.toLowerCase() !== 'securityrules') return undefined;
    if (!/^\d+$/.test(segments[2] ?? '')) return undefined;
    const rule = lookup(this.resource, segments.slice(0, 3).join('.'));
    const name = rule.kind === 'present' && isObject(rule.value) ? getKey(rule.value, 'name') : undefined;
    if (typeof name !== 'string') return undefined;
    const target = this.target(
      `${this.resource.id}/securityRules/${name}`,
      'Microsoft.Network/networkSecurityGroups/securityRules',
    );
    return { target, rest: segments.slice(3) };
  }

  /** Remove a property, or one element of a list (by value, so a re-run never removes a different element). */
  private remove(path: string, label: string, ruleId: string, note?: string): void {
    if (note) this.add(`# ${commentText(note)}`);
    const segments = path.split('.');
    const nsgRule = this.nsgRule(segments);
    if (nsgRule && nsgRule.rest.length === 0) {
      this.deleteResource(nsgRule.target, label);
      return;
    }
    const last = segments[segments.length - 1];
    if (/^\d+$/.test(last)) {
      const parent = segments.slice(0, -1);
      const element = lookup(this.resource, path);
      const list = lookup(this.resource, parent.join('.'));
      const elementJson = element.kind === 'present' ? json(element.value) : undefined;
      const parentPath = azPath(parent);
      if (elementJson === undefined || list.kind !== 'present' || !Array.isArray(list.value) || !parentPath) {
        this.manual(label, `remove ${path} (its value is not known from the snapshot)`, ruleId);
        return;
      }
      const remaining = json(list.value.filter((_, index) => index !== Number(last))) ?? '[]';
      this.add(
        `refresh ${showArgs(this.subject)}`,
        `if lacks_element ${jqPath(parent)} ${quote(elementJson)}; then`,
        `  skip ${quote(`${label}: ${parent.join('.')} no longer holds ${elementJson}`)}`,
        'else',
        `  remaining="$(without_element ${jqPath(parent)} ${quote(elementJson)} ${quote(remaining)})"`,
        `  change az resource update --ids ${quote(this.subject.id)}${apiFlag(this.subject)} --set ${quote(`${parentPath}=`)}"$remaining" --output none`,
        'fi',
      );
      return;
    }
    const property = azPath(segments);
    if (!property) {
      this.manual(label, `remove ${path} (az cannot express this path)`, ruleId);
      return;
    }
    this.add(
      `refresh ${showArgs(this.subject)}`,
      `if lacks ${jqPath(segments)}; then`,
      `  skip ${quote(`${label}: ${path} is already absent`)}`,
      'else',
      `  change az resource update --ids ${quote(this.subject.id)}${apiFlag(this.subject)} --remove ${quote(property)} --output none`,
      'fi',
    );
  }

  private deleteResource(target: Target, label: string, note?: string): void {
    if (note) this.add(`# ${commentText(note)}`);
    this.targets.set(target.id.toLowerCase(), target);
    this.add(
      '# The before/ capture keeps the deleted definition: recreate it from there if the deletion must be undone.',
      `refresh ${showArgs(target)}`,
      'if absent; then',
      `  skip ${quote(`${label}: ${target.id} is already deleted`)}`,
      'else',
      `  change az resource delete --ids ${quote(target.id)}${apiFlag(target)}`,
      'fi',
    );
  }

  /**
   * API Management resets every TLS/cipher key a PATCH omits to its default (controls.md D1), so the PATCH carries
   * the FULL customProperties map: the current map (from the live state; in a dry run, the snapshot's) with the
   * insecure keys set to "False". Once per service, however many of its keys failed.
   */
  private apimTls(label: string): void {
    if (this.apimDone) return;
    this.apimDone = true;
    const secure = Object.fromEntries(APIM_INSECURE_KEYS.map((key) => [key, 'False']));
    const known = isObject(this.resource.properties) ? getKey(this.resource.properties, 'customProperties') : undefined;
    const fallback = { properties: { customProperties: mergeKeys(isObject(known) ? known : {}, secure) } };
    const url = `${ARM}${this.resource.id}?api-version=${this.subject.api ?? '2024-05-01'}`;
    this.add(
      '# API Management resets TLS/cipher settings omitted from a PATCH to their defaults: send the FULL customProperties',
      '# map (current keys kept, insecure protocols and 3DES set to "False"). The gateway restarts; the update can take',
      '# 15-45 minutes on classic tiers.',
      `APIM_SECURE=${quote(JSON.stringify(secure))}`,
      `refresh ${showArgs(this.subject)}`,
      `if [[ -n "$state" ]] && jq -e --argjson secure "$APIM_SECURE" '(.properties.customProperties // {} | with_entries(.key |= ascii_downcase)) as $m | all($secure | keys[]; ($m[ascii_downcase] // "True" | tostring | ascii_downcase) == "false")' >/dev/null <<<"$state"; then`,
      `  skip ${quote(`${label}: TLS 1.0/1.1, SSL 3.0 and 3DES are already off`)}`,
      'else',
      '  if [[ "$DRY_RUN" == 1 ]]; then',
      `    body=${quote(JSON.stringify(fallback))}`,
      '  else',
      `    body="$(jq -c --argjson secure "$APIM_SECURE" '{properties: {customProperties: ((.properties.customProperties // {} | with_entries(select(.key | ascii_downcase | IN($secure | keys[] | ascii_downcase) | not))) + $secure)}}' <<<"$state")"`,
      '  fi',
      `  change az rest --method patch --url ${quote(url)} --body "$body" --output none`,
      'fi',
    );
  }

  private graphStep(step: FixStep, label: string, ruleId: string): void {
    const url = this.subject.url as string;
    if (step.kind === 'manual') {
      this.manual(label, step.why, ruleId);
      return;
    }
    // Graph PATCH replaces whole complex properties, so only top-level scalar sets are safe to send as they are.
    const key = step.kind === 'set' ? /^properties\.([A-Za-z][A-Za-z0-9]*)$/.exec(step.path)?.[1] : undefined;
    const valueJson = step.kind === 'set' ? json(step.value) : undefined;
    if (step.kind !== 'set' || !key || valueJson === undefined || typeof toPlain(step.value) === 'object') {
      const what = step.kind === 'set' || step.kind === 'remove' ? `${step.kind} ${step.path}` : step.kind;
      this.manual(
        label,
        `${what} on this Entra object needs a reviewed Graph request (a PATCH of a nested property replaces it whole)`,
        ruleId,
      );
      return;
    }
    this.add(
      `refresh ${showArgs(this.subject)}`,
      `if has ${jqPath([key])} ${quote(valueJson)}; then`,
      `  skip ${quote(`${label}: ${key} is already ${valueJson}`)}`,
      'else',
      `  change az rest --method patch --url ${quote(url)} --body ${quote(JSON.stringify({ [key]: toPlain(step.value) }))}`,
      'fi',
    );
  }

  private create(step: Extract<FixStep, { kind: 'create' }>, label: string, ruleId: string): void {
    const settings = step.settings ?? {};
    const inputs = new Map((step.inputs ?? []).map((input) => [input.name, input]));
    const input = (pattern: RegExp, fallbackName: string, why: string): string => {
      const declared = [...inputs.values()].find((candidate) => pattern.test(candidate.name));
      return this.script.input(declared?.name ?? fallbackName, declared?.why ?? why, this.resource.id);
    };
    const id = parseArmId(this.resource.id);
    if (!id) {
      this.manual(label, `create a ${step.resource} for this resource`, ruleId);
      return;
    }
    const location = typeof this.resource.location === 'string' ? this.resource.location : undefined;

    switch (step.resource) {
      case 'private-endpoint': {
        const group = str(settings, 'groupId') ?? first(settings, 'groupIds') ?? privateLinkGroup(this.resource.type);
        if (!group || !id.resourceGroup || !location) {
          this.manual(label, 'create a private endpoint (the target sub-resource or location is not known)', ruleId);
          return;
        }
        const subnet = input(
          /subnet/i,
          'private_endpoint_subnet_id',
          'the subnet (ARM id) private endpoints are placed in',
        );
        const name = `pe-${id.name}-${group}`.toLowerCase().slice(0, 80);
        const endpointId = `/subscriptions/${id.subscription}/resourceGroups/${id.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${name}`;
        this.putIfMissing(label, endpointId, 'Microsoft.Network/privateEndpoints', {
          location,
          properties: {
            subnet: { id: subnet },
            privateLinkServiceConnections: [
              {
                name: `${id.name}-${group}`,
                properties: { privateLinkServiceId: this.resource.id, groupIds: [group] },
              },
            ],
          },
        });
        // The zone's name is known (privatelink.<service>); where the estate keeps its zones is a human choice.
        const zoneName = str(settings, 'privateDnsZone');
        if (zoneName) {
          const zones = this.script.input(
            'private_dns_zones_group_id',
            "the resource group (ARM id, /subscriptions/.../resourceGroups/...) holding the privatelink.* private DNS zones linked to the clients' virtual networks",
            this.resource.id,
          );
          this.putIfMissing(
            label,
            `${endpointId}/privateDnsZoneGroups/default`,
            'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
            {
              properties: {
                privateDnsZoneConfigs: [
                  {
                    name: zoneName.replaceAll('.', '-'),
                    properties: {
                      privateDnsZoneId: `${zones}/providers/Microsoft.Network/privateDnsZones/${zoneName}`,
                    },
                  },
                ],
              },
            },
          );
        }
        this.add(
          '# A private endpoint does not close the public endpoint: the publicNetworkAccess finding is fixed separately.',
        );
        return;
      }
      case 'diagnostic-setting': {
        const target = str(settings, 'target');
        const scope =
          target?.toLowerCase() === 'subscription'
            ? `/subscriptions/${id.subscription}`
            : target
              ? `${this.resource.id}/${target.replace(/^\/+/, '')}`
              : this.resource.id;
        const workspace = str(settings, 'workspaceId') ?? input(/workspace/i, 'workspace_id', WORKSPACE_WHY);
        const name = str(settings, 'name') ?? 'phiguard-audit';
        const logs = Array.isArray(settings.logs)
          ? settings.logs.filter(isObject).map((log) => ({ ...(toPlain(log) as ValueObject), enabled: true }))
          : [{ categoryGroup: 'audit', enabled: true }];
        const properties: ValueObject = { workspaceId: workspace, logs };
        if (settings.metrics === true) properties.metrics = [{ category: 'AllMetrics', enabled: true }];
        this.putIfMissing(
          label,
          `${scope}/providers/Microsoft.Insights/diagnosticSettings/${name}`,
          'Microsoft.Insights/diagnosticSettings',
          {
            properties,
          },
        );
        return;
      }
      case 'log-analytics-table-retention': {
        // The table is a child of the subject workspace (or of the workspace named in the settings).
        const workspaceId =
          str(settings, 'workspaceId') ??
          (this.resource.type.toLowerCase() === 'microsoft.operationalinsights/workspaces'
            ? this.resource.id
            : undefined);
        const tables = listOf(settings, 'tables', 'table', 'tableName');
        const total = num(settings, 'totalRetentionInDays') ?? 2191;
        const ws = workspaceId ? parseArmId(workspaceId) : undefined;
        if (!workspaceId || !ws?.resourceGroup || tables.length === 0) {
          this.manual(
            label,
            `set table total retention to ${total} days (the workspace or table is not known)`,
            ruleId,
          );
          return;
        }
        for (const table of tables) {
          const target = this.target(
            `${workspaceId}/tables/${table}`,
            'Microsoft.OperationalInsights/workspaces/tables',
          );
          this.add(
            `refresh ${showArgs(target)}`,
            `if at_least ${jqPath(['properties', 'totalRetentionInDays'])} ${total}; then`,
            `  skip ${quote(`${label}: ${table} already keeps at least ${total} days`)}`,
            'else',
            `  change az monitor log-analytics workspace table update --resource-group ${quote(ws.resourceGroup)} --workspace-name ${quote(ws.name)} --name ${quote(table)} --total-retention-time ${total} --output none`,
            'fi',
          );
        }
        return;
      }
      case 'sql-auditing': {
        // Server auditing for a server subject (it covers every database), database auditing for a database.
        const database = /\/databases\/[^/]+$/i.test(this.resource.id);
        const workspace = str(settings, 'workspaceId') ?? input(/workspace/i, 'workspace_id', WORKSPACE_WHY);
        const type = database
          ? 'Microsoft.Sql/servers/databases/auditingSettings'
          : 'Microsoft.Sql/servers/auditingSettings';
        const auditing = this.target(`${this.resource.id}/auditingSettings/default`, type);
        const properties: ValueObject = { state: 'Enabled', isAzureMonitorTargetEnabled: true };
        const retentionDays = num(settings, 'retentionDays');
        if (retentionDays !== undefined) properties.retentionDays = retentionDays;
        if (Array.isArray(settings.auditActionsAndGroups))
          properties.auditActionsAndGroups = toPlain(settings.auditActionsAndGroups) as Value;
        const api = apiVersionFor('Microsoft.Sql/servers/auditingSettings');
        if (this.script.once(auditing.id)) {
          this.add(
            `refresh ${showArgs(auditing)}`,
            `if has ${jqPath(['properties', 'state'])} '"Enabled"' && has ${jqPath(['properties', 'isAzureMonitorTargetEnabled'])} true; then`,
            `  skip ${quote(`${label}: auditing to Azure Monitor is already on`)}`,
            'else',
            `  change az rest --method put --url ${quote(`${ARM}${auditing.id}?api-version=${api}`)} --body ${quote(JSON.stringify({ properties }))} --output none`,
            'fi',
          );
        } else {
          this.add(`# ${commentText(auditing.id)}: written above for another finding.`);
        }
        // Audit records reach the workspace through a diagnostic setting: on master for server auditing.
        const source = database ? this.resource.id : `${this.resource.id}/databases/master`;
        this.putIfMissing(
          label,
          `${source}/providers/Microsoft.Insights/diagnosticSettings/phiguard-sql-audit`,
          'Microsoft.Insights/diagnosticSettings',
          {
            properties: { workspaceId: workspace, logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }] },
          },
        );
        return;
      }
      case 'defender-plan': {
        const plans = listOf(settings, 'pricingName', 'plans', 'plan', 'name');
        if (plans.length === 0) {
          this.manual(label, 'enable the Defender for Cloud plan that covers this resource', ruleId);
          return;
        }
        for (const plan of plans) {
          const target = this.target(
            `/subscriptions/${id.subscription}/providers/Microsoft.Security/pricings/${plan}`,
            'Microsoft.Security/pricings',
          );
          const properties: ValueObject = { pricingTier: 'Standard' };
          const subPlan = str(settings, 'subPlan');
          if (subPlan) properties.subPlan = subPlan;
          if (Array.isArray(settings.extensions)) properties.extensions = toPlain(settings.extensions) as Value;
          this.add(
            `refresh ${showArgs(target)}`,
            `if has ${jqPath(['properties', 'pricingTier'])} '"Standard"'; then`,
            `  skip ${quote(`${label}: Defender plan ${plan} is already Standard`)}`,
            'else',
            `  change az rest --method put --url ${quote(`${ARM}${target.id}?api-version=${target.api}`)} --body ${quote(JSON.stringify({ properties }))} --output none`,
            'fi',
          );
        }
        return;
      }
      case 'nsg-deny-rule': {
        const name = str(settings, 'name');
        const nsgId = this.resource.id.replace(/\/securityRules\/[^/]+$/i, '');
        if (!name || num(settings, 'priority') === undefined) {
          this.manual(
            label,
            'add an inbound Deny rule for the database ports ahead of the offending rule (no free priority is known)',
            ruleId,
          );
          return;
        }
        const { name: _name, ...properties } = settings;
        this.putIfMissing(
          label,
          `${nsgId}/securityRules/${name}`,
          'Microsoft.Network/networkSecurityGroups/securityRules',
          {
            properties: toPlain(properties) as ValueObject,
          },
        );
        return;
      }
      case 'blob-service-properties': {
        const service = /\/blobServices\/default$/i.test(this.resource.id)
          ? this.resource.id
          : `${this.resource.id}/blobServices/default`;
        const target = this.target(service, 'Microsoft.Storage/storageAccounts/blobServices');
        const values = isObject(settings.properties) ? settings.properties : settings;
        for (const [key, value] of Object.entries(values))
          this.setOn(target, ['properties', key], value, label, ruleId);
        return;
      }
      case 'resource-lock': {
        const name = str(settings, 'name') ?? 'phiguard-do-not-delete';
        const level = str(settings, 'level') ?? 'CanNotDelete';
        this.putIfMissing(
          label,
          `${this.resource.id}/providers/Microsoft.Authorization/locks/${name}`,
          'Microsoft.Authorization/locks',
          {
            properties: {
              level,
              notes: 'Added by phiguard fix --az: PHI resource protected from deletion (164.308(a)(7)).',
            },
          },
        );
        return;
      }
      case 'lifecycle-policy': {
        const rules = Array.isArray(settings.rules) ? (toPlain(settings.rules) as Value[]) : [];
        if (rules.length === 0) {
          this.manual(label, 'write a lifecycle management policy that keeps PHI for the required retention', ruleId);
          return;
        }
        this.lifecycle(rules, label);
        return;
      }
      case 'customer-managed-key':
        this.manual(
          label,
          'customer-managed key: choose the key vault (purge protection on), key and user-assigned identity, grant the identity "Key Vault Crypto Service Encryption User" on the key, then point the resource at the versionless key URI',
          ruleId,
        );
        return;
      default:
        this.manual(label, `create a ${String((step as { resource: string }).resource)} for this resource`, ruleId);
    }
  }

  /** PUT a new resource unless it exists already; input markers in the body are filled from the inputs. */
  private putIfMissing(label: string, id: string, type: string, body: ValueObject): void {
    const target = this.target(id, type);
    if (!this.script.once(id)) {
      this.add(`# ${commentText(id)}: written above for another finding.`);
      return;
    }
    const text = JSON.stringify(body);
    const needsFill = text.includes('"<PHIGUARD_INPUT_');
    this.add(
      `refresh ${showArgs(target)}`,
      'if exists; then',
      `  skip ${quote(`${label}: ${id} already exists`)}`,
      'else',
      needsFill ? `  body="$(fill ${quote(text)})"` : `  body=${quote(text)}`,
      `  change az rest --method put --url ${quote(`${ARM}${id}${target.api ? `?api-version=${target.api}` : ''}`)} --body "$body" --output none`,
      'fi',
    );
  }

  /**
   * An ARM PUT of an existing key returns it unchanged ("if it already exists, the existing key is returned without
   * any write operations"), so the rotation policy goes through the data plane.
   */
  private keyRotation(value: Value, label: string, ruleId: string): void {
    const policy = json(value);
    const vaultName = /\/vaults\/([^/]+)\/keys\//i.exec(this.resource.id)?.[1];
    const keyName = /\/keys\/([^/]+)$/i.exec(this.resource.id)?.[1];
    if (!vaultName || !keyName || policy === undefined) {
      this.manual(label, 'set a rotation policy on the key (az keyvault key rotation-policy update)', ruleId);
      return;
    }
    this.add(
      '# Key rotation policies are data-plane settings: an ARM PUT of an existing key does not change it.',
      `refresh ${showArgs(this.subject)}`,
      `if [[ -n "$state" ]] && jq -e 'any(.properties.rotationPolicy.lifetimeActions[]?; (.action.type // "" | ascii_downcase) == "rotate")' >/dev/null <<<"$state"; then`,
      `  skip ${quote(`${label}: the key already rotates automatically`)}`,
      'else',
      `  change az keyvault key rotation-policy update --vault-name ${quote(vaultName)} --name ${quote(keyName)} --value ${quote(policy)} --output none`,
      'fi',
    );
  }

  /**
   * Adds `rules` to the account's lifecycle policy, keeping its other rules: the policy is one resource, and a PUT
   * of only the new rules would delete the rest. Rules of the same name are replaced.
   */
  private lifecycle(rules: Value[], label: string): void {
    const account = this.resource.id.replace(/\/(managementPolicies|blobServices)\/default$/i, '');
    const target = this.target(
      `${account}/managementPolicies/default`,
      'Microsoft.Storage/storageAccounts/managementPolicies',
    );
    const names = rules
      .map((rule) => (isObject(rule) && typeof rule.name === 'string' ? rule.name : ''))
      .filter(Boolean);
    const fallback = { properties: { policy: { rules } } };
    this.add(
      `NEW_RULES=${quote(JSON.stringify(rules))}`,
      `refresh ${showArgs(target)}`,
      `if exists && jq -e --argjson new "$NEW_RULES" '[.properties.policy.rules[]?] as $have | all($new[]; . as $r | any($have[]; . == $r))' >/dev/null <<<"$state"; then`,
      `  skip ${quote(`${label}: lifecycle rules ${names.join(', ')} are already in place`)}`,
      'else',
      '  if [[ "$DRY_RUN" == 1 ]] || ! exists; then',
      `    body=${quote(JSON.stringify(fallback))}`,
      '  else',
      `    body="$(jq -c --argjson new "$NEW_RULES" '($new | map(.name)) as $names | {properties: {policy: {rules: ([.properties.policy.rules[]? | select(.name as $n | $names | index($n) | not)] + $new)}}}' <<<"$state")"`,
      '  fi',
      `  change az rest --method put --url ${quote(`${ARM}${target.id}?api-version=${target.api}`)} --body "$body" --output none`,
      'fi',
    );
  }
}

function mergeKeys(current: ValueObject, secure: Record<string, string>): ValueObject {
  const lower = new Set(Object.keys(secure).map((key) => key.toLowerCase()));
  const out: ValueObject = {};
  for (const [key, value] of Object.entries(current))
    if (!lower.has(key.toLowerCase())) out[key] = toPlain(value) as Value;
  return { ...out, ...secure };
}

function str(settings: ValueObject, key: string): string | undefined {
  const value = getKey(settings, key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(settings: ValueObject, key: string): number | undefined {
  const value = getKey(settings, key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function first(settings: ValueObject, key: string): string | undefined {
  const value = getKey(settings, key);
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/** The first of `keys` present, as a list of strings or numbers-as-strings (`ports: [1433, "5432"]`). */
function listOf(settings: ValueObject, ...keys: string[]): string[] {
  for (const key of keys) {
    const value = getKey(settings, key);
    if (value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    return list.filter((item) => typeof item === 'string' || typeof item === 'number').map(String);
  }
  return [];
}

/** IaC findings: the fix belongs in the template (`phiguard fix` without --az), not in a command on a placeholder id. */
function renderIac(script: Script, fixes: PlannedFix[]): void {
  script.add(
    '',
    '# ============================================================================',
    '# Findings from templates (ARM, Bicep, Terraform): their ids are not deployed resources, so no command is',
    '# generated. Fix them in the source with `phiguard fix <paths>` (a diff) or `phiguard fix --apply`.',
  );
  for (const { finding, resource } of fixes) {
    const at = finding.location ? ` at ${finding.location.file}:${finding.location.line}` : '';
    script.add(`#   ${commentText(`${finding.ruleId} ${resource.address}${at}: ${finding.title}`)}`);
    script.add(`note ${quote(`${finding.ruleId} on ${resource.address}: fix in IaC${at}`)}`);
  }
}

/** Live findings on objects no command can address (an Entra object without a Graph URL phiguard knows). */
function renderUnaddressable(script: Script, fixes: PlannedFix[]): void {
  script.add(
    '',
    '# ============================================================================',
    '# Live findings on objects this script cannot address by id: fix them by hand (the rule docs say how).',
  );
  for (const { finding, resource } of fixes) {
    script.add(`#   ${commentText(`${finding.ruleId} ${resource.type} ${resource.id}: ${finding.title}`)}`);
    script.add(`note ${quote(`${finding.ruleId} on ${resource.name}: no command can address this object`)}`);
  }
}

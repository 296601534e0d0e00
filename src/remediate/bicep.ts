// The Bicep SourceWriter. Bicep resources are already in the canonical ARM shape, so a step's path is the path in
// the resource body. A value changes where it originates (Resource.locations: the body, a `param` default, a
// .bicepparam line, an ARM parameter file); an absent one is inserted into the body, creating `properties: {}` and
// other parents as needed. New resources are appended to the subject's own file, referencing it by symbol: a
// separate phiguard-remediation.bicep would be a separate deployment that cannot name the subject's symbols, and the
// same file keeps the rescan able to link the new resource to its subject through `scope:`/`parent:`.

import { dirname, join } from 'node:path';
import { findNodeAtOffset, parseTree } from 'jsonc-parser';
import { isObject, locationKey, lookupIn } from '../core/path.js';
import { type Resource, type SourceLocation, Unresolved, type Value, type ValueObject } from '../core/types.js';
import type { Program, ResourceDecl } from '../ingest/bicep/ast.js';
import { parseBicep } from '../ingest/bicep/parser.js';
import { Source } from '../ingest/bicep/source.js';
import type { FixStep } from '../rules/define.js';
import {
  bicepKey,
  bicepValue,
  bodyObject,
  elementContaining,
  exprAt,
  type ObjectExpr,
  property,
  resourceDecls,
} from './bicep/syntax.js';
import { canWireKey, cmkRotationPolicy, cmkVaultProperties, type KeyRefs, keyWiring } from './cmk.js';
import { TextWriterSession, WriterProblem } from './session.js';
import { indentAt, indentUnit, lineSpan } from './text.js';
import {
  INPUT_PREFIX,
  type PlannedFix,
  type ReadText,
  type SourceWriter,
  type WriteContext,
  type WriterResult,
} from './types.js';

const SHARED_VIA = new Set(['parameter default', 'parameter file', 'variable']);

class Session extends TextWriterSession {
  /** Text to append per file (new resources and input parameters), with the fingerprints it serves. */
  readonly appended = new Map<string, { blocks: string[]; params: Set<string>; fingerprints: Set<string> }>();
  /** Declarations (file:offset) that already got a customer-managed key set. */
  readonly keyed = new Set<string>();
  /** Subscription-scope resources per `phiguard-remediation.subscription.bicep`, by Defender plan name. */
  readonly subscription = new Map<string, { blocks: Map<string, string>; fingerprints: Set<string> }>();

  parse(file: string): Program {
    try {
      return parseBicep(new Source(file, this.open(file).text), /\.bicepparam$/i.test(file) ? 'bicepparam' : 'bicep');
    } catch {
      throw new WriterProblem(`${file} does not parse; fix its syntax first`);
    }
  }
}

export const bicepWriter: SourceWriter = {
  origins: ['bicep'],
  write(fixes: PlannedFix[], readText: ReadText, context?: WriteContext): WriterResult {
    const session = new Session(readText, context);
    session.applySteps(fixes, (fix, step) => applyStep(session, fix, step));
    for (const [file, pending] of session.appended) {
      const text = session.open(file).text;
      const params = [...pending.params].join('\n');
      const body = [params, ...pending.blocks].filter(Boolean).join('\n');
      const separator = text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
      const header = '// Added by phiguard fix: resources the HIPAA findings of this file need.\n';
      session.open(file).replace(text.length, text.length, `${separator}${header}${body}`, pending.fingerprints);
    }
    const newFiles: WriterResult['newFiles'] = [];
    for (const [file, pending] of session.subscription) {
      const existing = session.tryRead(file);
      const blocks = [...pending.blocks.entries()]
        .sort(([a], [b]) => Number(!a.startsWith('param:')) - Number(!b.startsWith('param:')))
        .map(([, block]) => block)
        .filter((block) => !existing?.includes(declarationOf(block)));
      if (blocks.length === 0) continue;
      if (existing === undefined) {
        const header =
          "// Added by phiguard fix: subscription-scope resources. Deploy with\n// az deployment sub create --location <region> --template-file phiguard-remediation.subscription.bicep\ntargetScope = 'subscription'\n\n";
        newFiles.push({ file, text: `${header}${blocks.join('\n')}`, fingerprints: [...pending.fingerprints] });
      } else {
        const separator = existing.endsWith('\n') ? '\n' : '\n\n';
        session
          .open(file)
          .replace(existing.length, existing.length, `${separator}${blocks.join('\n')}`, pending.fingerprints);
      }
    }
    return { edits: session.edits(), newFiles, notes: session.notes };
  },
};

function applyStep(session: Session, fix: PlannedFix, step: FixStep): void {
  const resource = fix.resource;
  if (step.kind === 'manual') {
    session.note(fix, 'manual', step.why, resource.at);
    return;
  }
  if (!resource.at || !/\.bicep$/i.test(resource.at.file))
    throw new WriterProblem(`cannot locate ${resource.address} in Bicep source`);
  switch (step.kind) {
    case 'set':
      setValue(session, fix, step.path, step.value);
      return;
    case 'remove':
      removeValue(session, fix, step.path);
      return;
    case 'delete-resource': {
      const decl = declaration(session, fix);
      // Deleting the declaration of a loop would delete every instance: the failing one's input element goes.
      if (decl.body.kind === 'for') {
        removeLoopInput(session, fix);
        return;
      }
      const text = session.open(resource.at.file).text;
      const span = lineSpan(text, decl.start, decl.end);
      session.edit(resource.at.file, span.start, span.end, '', fix.finding.fingerprint);
      return;
    }
    case 'create':
      create(session, fix, step);
      return;
  }
}

/** Removes the element of the loop's input array that produced this instance (where its name was written). */
function removeLoopInput(session: Session, fix: PlannedFix): void {
  const decl = declaration(session, fix);
  const declFile = (fix.resource.at as SourceLocation).file;
  // The values the loop took from its input element: any located outside the declaration itself.
  let at: SourceLocation | undefined;
  let found: ReturnType<typeof elementContaining>;
  for (const [path, location] of fix.resource.locations ?? []) {
    if (path === 'name' || !/\.bicep$/i.test(location.file)) continue;
    const offset = session.offset(location);
    if (offset === undefined || (location.file === declFile && offset >= decl.start && offset < decl.end)) continue;
    found = elementContaining(session.parse(location.file), offset);
    if (found) {
      at = location;
      break;
    }
  }
  if (!at || !found)
    throw new WriterProblem(
      `${fix.resource.address} is one instance of a loop: remove the failing element from the loop's input by hand`,
    );
  const text = session.open(at.file).text;
  const span = lineSpan(text, found.item.start, found.item.end);
  const comma = /^\s*,/.exec(text.slice(span.end));
  session.edit(at.file, span.start, comma ? span.end + comma[0].length : span.end, '', fix.finding.fingerprint);
}

function declaration(session: Session, fix: PlannedFix): ResourceDecl {
  const at = fix.resource.at as SourceLocation;
  const offset = session.offset(at);
  const decl = resourceDecls(session.parse(at.file)).find(
    (d) =>
      offset !== undefined &&
      (d.start === offset || d.nameStart === offset || (d.start <= offset && offset < d.typeStart)),
  );
  if (!decl) throw new WriterProblem(`cannot find the declaration of ${fix.resource.address} in ${at.file}`);
  return decl;
}

function setValue(session: Session, fix: PlannedFix, path: string, value: Value): void {
  const at = fix.resource.locations?.get(locationKey(path));
  if (at && replaceAt(session, fix, at, path, value)) return;
  insert(session, fix, path, value);
}

function replaceAt(session: Session, fix: PlannedFix, at: SourceLocation, path: string, value: Value): boolean {
  let text: string;
  try {
    text = session.open(at.file).text;
  } catch {
    return false;
  }
  const offset = session.offset(at);
  if (offset === undefined) return false;
  if (/\.json$/i.test(at.file)) {
    const tree = parseTree(text);
    const node = tree && findNodeAtOffset(tree, offset);
    if (!node || node.offset !== offset) return false;
    session.edit(at.file, node.offset, node.offset + node.length, JSON.stringify(value), fix.finding.fingerprint);
  } else {
    const found = exprAt(session.parse(at.file), offset);
    if (!found) return false;
    const expr = found.kind === 'property' ? found.item.value : found.kind === 'element' ? found.item : found.expr;
    // The location of a whole resource body or a parent object is not the value itself.
    if (expr.kind === 'object' && !isObject(value)) return false;
    session.edit(
      at.file,
      expr.start,
      expr.end,
      bicepValue(value, indentAt(text, expr.start), indentUnit(text)),
      fix.finding.fingerprint,
    );
  }
  const via = fix.resource.via?.get(locationKey(path));
  if (via && SHARED_VIA.has(via)) flagShared(session, fix, at, via);
  return true;
}

function flagShared(session: Session, fix: PlannedFix, at: SourceLocation, via: string): void {
  const others = new Set(session.sharers(fix.resource, at).map((other) => other.address));
  const name = paramName(session, at);
  const what = name ? `${via === 'variable' ? 'variable' : 'parameter'} ${name}` : `the value at ${at.file}:${at.line}`;
  if (others.size > 0)
    session.note(
      fix,
      'shared-value',
      `${what} (${via}) is also used by ${[...others].sort().join(', ')}: the change applies to them too`,
      at,
    );
  else if (name && usedElsewhere(session, fix, name))
    session.note(
      fix,
      'shared-value',
      `${what} (${via}) is read by other declarations: the change applies to them too`,
      at,
    );
}

function paramName(session: Session, at: SourceLocation): string | undefined {
  if (/\.json$/i.test(at.file)) return undefined;
  const offset = session.offset(at);
  if (offset === undefined) return undefined;
  for (const statement of session.parse(at.file).statements)
    if (
      (statement.kind === 'param' || statement.kind === 'var') &&
      statement.start <= offset &&
      offset <= statement.end
    )
      return statement.name;
  return undefined;
}

function usedElsewhere(session: Session, fix: PlannedFix, name: string): boolean {
  const file = fix.resource.at?.file;
  if (!file) return false;
  const text = session.open(file).text;
  const own = declaration(session, fix);
  const pattern = new RegExp(`(?<![\\w.'])${name}(?![\\w'])`, 'g');
  for (const statement of session.parse(file).statements) {
    if (statement.kind === 'param' && statement.name === name) continue;
    if (statement.start === own.start) continue;
    if (own.start >= statement.start && own.end <= statement.end && statement.kind === 'resource') {
      // A parent declaration: only its text outside the subject counts.
      const outside = text.slice(statement.start, own.start) + text.slice(own.end, statement.end);
      if (pattern.test(outside)) return true;
      continue;
    }
    if (pattern.test(text.slice(statement.start, statement.end))) return true;
  }
  return false;
}

/** Inserts `path` = value into the resource body, creating missing parent objects. */
function insert(session: Session, fix: PlannedFix, path: string, value: Value): void {
  const file = (fix.resource.at as SourceLocation).file;
  const decl = declaration(session, fix);
  let object = bodyObject(decl.body);
  if (!object) throw new WriterProblem(`${fix.resource.address} has no object body to add ${path} to`);
  const segments = path.split('.');
  const text = session.open(file).text;
  const unit = indentUnit(text);
  for (let i = 0; i < segments.length; i++) {
    const key = segments[i];
    if (/^\d+$/.test(key)) throw new WriterProblem(`${path}: add element ${key} of the list by hand`);
    const item = property(object, key);
    const last = i === segments.length - 1;
    if (item && !last && item.value.kind === 'object') {
      object = item.value;
      continue;
    }
    if (item) {
      // Present but not where the location said (or not an object to descend into): replace its value.
      let nested: Value = value;
      for (const segment of segments.slice(i + 1).reverse()) nested = { [segment]: nested };
      const indent = indentAt(text, item.start);
      session.edit(file, item.value.start, item.value.end, bicepValue(nested, indent, unit), fix.finding.fingerprint);
      return;
    }
    let nested: Value = value;
    for (const segment of segments.slice(i + 1).reverse()) nested = { [segment]: nested };
    insertProperty(session, fix, file, object, key, nested);
    return;
  }
}

function insertProperty(
  session: Session,
  fix: PlannedFix,
  file: string,
  object: ObjectExpr,
  key: string,
  value: Value,
): void {
  const text = session.open(file).text;
  const unit = indentUnit(text);
  const oneLine = !text.slice(object.start, object.end).includes('\n');
  const outer = indentAt(text, object.start);
  const first = object.items[0];
  const indent = first && !oneLine ? indentAt(text, first.start) : outer + unit;
  const line = `${indent}${bicepKey(key)}: ${bicepValue(value, indent, unit)}\n`;
  if (oneLine) {
    // `{}` or `{ name: 'x' }`: open it up, one property per line.
    const inner = text.slice(object.start + 1, object.end - 1).trim();
    const items = inner === '' ? '' : `${indent}${inner.replace(/\s*,\s*/g, `\n${indent}`)}\n`;
    session.edit(file, object.start, object.end, `{\n${items}${line}${outer}}`, fix.finding.fingerprint);
    return;
  }
  const last = object.items[object.items.length - 1];
  const after = last ? last.end : object.start + 1;
  const eol = text.indexOf('\n', after);
  const at = eol < 0 || eol >= object.end ? object.end - 1 : eol + 1;
  session.edit(file, at, at, line, fix.finding.fingerprint);
}

function removeValue(session: Session, fix: PlannedFix, path: string): void {
  const at = fix.resource.locations?.get(locationKey(path));
  if (!at) return;
  const via = fix.resource.via?.get(locationKey(path));
  if (via && SHARED_VIA.has(via))
    throw new WriterProblem(
      `${path} of ${fix.resource.address} comes from a ${via} (${at.file}:${at.line}): remove its use by hand`,
    );
  const offset = session.offset(at);
  if (offset === undefined || /\.json$/i.test(at.file))
    throw new WriterProblem(`cannot remove ${path} at ${at.file}:${at.line}`);
  const found = exprAt(session.parse(at.file), offset);
  const text = session.open(at.file).text;
  if (found?.kind === 'property') {
    const span = lineSpan(text, found.item.start, found.item.end);
    session.edit(at.file, span.start, span.end, '', fix.finding.fingerprint);
    return;
  }
  if (found?.kind === 'element') {
    const span = lineSpan(text, found.item.start, found.item.end);
    // Elements separated by commas on one line take their comma with them.
    const comma = /^\s*,/.exec(text.slice(span.end));
    session.edit(at.file, span.start, comma ? span.end + comma[0].length : span.end, '', fix.finding.fingerprint);
    return;
  }
  throw new WriterProblem(
    `cannot remove ${path} of ${fix.resource.address}: remove it at ${at.file}:${at.line} by hand`,
  );
}

const API = {
  privateEndpoints: 'Microsoft.Network/privateEndpoints@2023-11-01',
  dnsZones: 'Microsoft.Network/privateDnsZones@2020-06-01',
  zoneGroups: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2023-11-01',
  diagnostics: 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview',
  tables: 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01',
  securityRules: 'Microsoft.Network/networkSecurityGroups/securityRules@2023-11-01',
  auditing: 'Microsoft.Sql/servers/auditingSettings@2021-11-01',
  databases: 'Microsoft.Sql/servers/databases@2021-11-01',
  blobServices: 'Microsoft.Storage/storageAccounts/blobServices@2023-01-01',
  managementPolicies: 'Microsoft.Storage/storageAccounts/managementPolicies@2023-01-01',
  locks: 'Microsoft.Authorization/locks@2020-05-01',
};

const ref = (expression: string): Value => new Unresolved(expression);

function resourceText(symbol: string, type: string, body: ValueObject, existing = false): string {
  return `resource ${symbol} '${type}'${existing ? ' existing' : ''} = ${bicepValue(body, '', '  ')}\n`;
}

function create(session: Session, fix: PlannedFix, step: Extract<FixStep, { kind: 'create' }>): void {
  const resource = fix.resource;
  const file = (resource.at as SourceLocation).file;
  const decl = declaration(session, fix);
  // A nested declaration (`sa::blob`) is referenced with `::` from the top level.
  const symbol = resource.address.includes('.') ? decl.name : resource.address.replace(/\[.*$/, '');
  const base = decl.name.replace(/[^A-Za-z0-9_]/g, '');
  let pending = session.appended.get(file);
  if (!pending) {
    pending = { blocks: [], params: new Set(), fingerprints: new Set() };
    session.appended.set(file, pending);
  }
  const target = pending;
  const settings = step.settings ?? {};
  const text = (key: string) => (typeof settings[key] === 'string' ? (settings[key] as string) : undefined);
  const value = (key: string): Value | undefined => {
    if (settings[key] !== undefined) return settings[key];
    const input = step.inputs?.find((i) => i.name === key);
    if (!input) return undefined;
    const name = `${INPUT_PREFIX}${input.name}`;
    const declared = `@description(${bicepValue(input.why, '', '  ')})\nparam ${name} string\n`;
    if (!target.params.has(declared) && !session.open(file).text.includes(`param ${name} `)) {
      target.params.add(declared);
      session.note(fix, 'needs-input', `${name} in ${file}: ${input.why}`, resource.at);
    }
    return ref(name);
  };
  const blocks: string[] = [];
  const location = ref(`${symbol}.location`);
  switch (step.resource) {
    case 'private-endpoint': {
      const groupId = text('groupId') ?? 'default';
      const zone = text('privateDnsZone');
      const name = `phiguard${base}${groupId.replace(/[^A-Za-z0-9]/g, '')}`;
      blocks.push(
        resourceText(`${name}Pe`, API.privateEndpoints, {
          name: ref(`'\${${symbol}.name}-${groupId}-pe'`),
          location,
          properties: {
            subnet: { id: value('subnetId') ?? ref('null') },
            privateLinkServiceConnections: [
              {
                name: ref(`'\${${symbol}.name}-${groupId}'`),
                properties: { privateLinkServiceId: ref(`${symbol}.id`), groupIds: [groupId] },
              },
            ],
          },
        }),
      );
      if (zone) {
        blocks.push(
          resourceText(`${name}Zone`, API.dnsZones, { name: zone, location: 'global' }),
          resourceText(`${name}ZoneGroup`, API.zoneGroups, {
            parent: ref(`${name}Pe`),
            name: 'default',
            properties: {
              privateDnsZoneConfigs: [
                { name: zone.replace(/\./g, '-'), properties: { privateDnsZoneId: ref(`${name}Zone.id`) } },
              ],
            },
          }),
        );
        session.note(
          fix,
          'manual',
          `link the private DNS zone ${zone} to the endpoint's virtual network (privateDnsZones/virtualNetworkLinks)`,
          resource.at,
        );
      }
      break;
    }
    case 'diagnostic-setting': {
      const sub = text('target');
      if (sub === 'subscription') {
        subscriptionSetting(session, fix, file, step);
        return;
      }
      const logs = Array.isArray(settings.logs) ? settings.logs.filter(isObject) : [];
      const body: ValueObject = {
        name: text('name') ?? 'phiguard-audit',
        scope: ref(symbol),
        properties: {
          workspaceId: value('workspaceId') ?? ref('null'),
          logs: logs.map((log) => ({ ...log, enabled: true })),
          ...(settings.metrics === true ? { metrics: [{ category: 'AllMetrics', enabled: true }] } : {}),
        },
      };
      let scopeSymbol = symbol;
      if (sub) {
        // A sub-resource (`blobServices/default`) is declared `existing` so the setting can name it as its scope.
        const [childType, childName] = sub.split('/');
        scopeSymbol = `phiguard${base}${childType}`;
        const parentType = resourceType(decl);
        blocks.push(
          resourceText(
            scopeSymbol,
            `${parentType}/${childType}@${apiVersion(decl)}`,
            { parent: ref(symbol), name: childName ?? 'default' },
            true,
          ),
        );
        body.scope = ref(scopeSymbol);
      }
      blocks.push(resourceText(`phiguard${base}${sub ? sub.split('/')[0] : ''}Diagnostics`, API.diagnostics, body));
      break;
    }
    case 'sql-auditing': {
      const master = `phiguard${base}Master`;
      blocks.push(
        resourceText(`phiguard${base}Auditing`, API.auditing, {
          parent: ref(symbol),
          name: 'default',
          properties: {
            state: 'Enabled',
            isAzureMonitorTargetEnabled: true,
            retentionDays: typeof settings.retentionDays === 'number' ? settings.retentionDays : 0,
            auditActionsAndGroups: Array.isArray(settings.auditActionsAndGroups) ? settings.auditActionsAndGroups : [],
          },
        }),
        resourceText(master, API.databases, { parent: ref(symbol), name: 'master' }, true),
        resourceText(`phiguard${base}AuditDiagnostics`, API.diagnostics, {
          name: 'phiguard-sql-audit',
          scope: ref(master),
          properties: {
            workspaceId: value('workspaceId') ?? ref('null'),
            logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }],
          },
        }),
      );
      break;
    }
    case 'log-analytics-table-retention': {
      const table = text('table') ?? 'AzureDiagnostics';
      blocks.push(
        resourceText(`phiguard${base}${table.replace(/[^A-Za-z0-9]/g, '')}`, API.tables, {
          parent: ref(symbol),
          name: table,
          properties: {
            totalRetentionInDays:
              typeof settings.totalRetentionInDays === 'number' ? settings.totalRetentionInDays : 2192,
          },
        }),
      );
      break;
    }
    case 'nsg-deny-rule': {
      const { name, ...properties } = settings;
      blocks.push(
        resourceText(`phiguard${base}${String(name ?? 'deny').replace(/[^A-Za-z0-9]/g, '')}`, API.securityRules, {
          parent: ref(symbol),
          name: typeof name === 'string' ? name : 'phiguard-deny',
          properties,
        }),
      );
      break;
    }
    case 'blob-service-properties':
      if (/\/blobServices$/i.test(resource.type)) {
        for (const [key, inner] of Object.entries(settings)) setValue(session, fix, `properties.${key}`, inner);
        return;
      }
      blocks.push(
        resourceText(`phiguard${base}Blob`, API.blobServices, {
          parent: ref(symbol),
          name: 'default',
          properties: settings,
        }),
      );
      break;
    case 'lifecycle-policy':
      blocks.push(
        resourceText(`phiguard${base}Lifecycle`, API.managementPolicies, {
          parent: ref(symbol),
          name: 'default',
          properties: { policy: { rules: Array.isArray(settings.rules) ? settings.rules : [] } },
        }),
      );
      break;
    case 'resource-lock':
      blocks.push(
        resourceText(`phiguard${base}Lock`, API.locks, {
          name: 'phiguard-lock',
          scope: ref(symbol),
          properties: {
            level: text('level') ?? 'CanNotDelete',
            notes: text('notes') ?? 'Protects PHI (HIPAA 164.308(a)(7))',
          },
        }),
      );
      break;
    case 'customer-managed-key': {
      // One key set per declaration: a module's declaration serves every instance, and each instance's vault name
      // derives from its own account id (uniqueString), so one block deploys a vault per instance.
      const once = `${file}:${decl.start}`;
      if (!session.keyed.has(once)) {
        session.keyed.add(once);
        blocks.push(...customerManagedKey(session, fix, symbol, base, settings));
      }
      break;
    }
    case 'defender-plan':
      subscriptionPlan(session, fix, file, settings);
      return;
    default:
      throw new WriterProblem(`add a ${step.resource} for ${resource.address} by hand`);
  }
  // A module file serves every instance of the module, and a second `fix` run sees what the first appended: a
  // symbol already declared (in the file or pending) is not declared again, which Bicep would reject.
  const current = session.open(file).text;
  for (const block of blocks) {
    const symbol = symbolOf(block);
    if (symbol && (target.blocks.some((b) => symbolOf(b) === symbol) || declares(current, symbol))) continue;
    target.blocks.push(block);
  }
  target.fingerprints.add(fix.finding.fingerprint);
}

function symbolOf(block: string): string | undefined {
  return /^(?:resource|param|var) ([A-Za-z_][A-Za-z0-9_]*)/m.exec(block)?.[1];
}

function declares(text: string, symbol: string): boolean {
  return new RegExp(`^\\s*(?:resource|param|var|module) ${symbol}\\b`, 'm').test(text);
}

const KEY_API = {
  vaults: 'Microsoft.KeyVault/vaults@2023-07-01',
  keys: 'Microsoft.KeyVault/vaults/keys@2023-07-01',
  identities: 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31',
  roleAssignments: 'Microsoft.Authorization/roleAssignments@2022-04-01',
};

// Key Vault Crypto Service Encryption User: wrap/unwrap for a service's managed identity (Azure built-in roles).
const CRYPTO_SERVICE_ENCRYPTION_USER = 'e147488a-f6f5-4113-8e2d-b22465e65bf6';

/**
 * A Key Vault (purge protection, RBAC), an RSA key, a user-assigned identity with the crypto role on the vault, and
 * the subject's encryption settings pointing at the key (src/remediate/cmk.ts). The wiring is written in the
 * declaration's body, where the new symbols are in scope: a value passed in as a module parameter is overridden
 * there, which the notes say.
 */
function customerManagedKey(
  session: Session,
  fix: PlannedFix,
  symbol: string,
  base: string,
  settings: ValueObject,
): string[] {
  const resource = fix.resource;
  if (!canWireKey(resource.type))
    throw new WriterProblem(
      `add a customer-managed key for ${resource.address} by hand: ${resource.type} needs more than properties (a disk encryption set)`,
    );
  const vault = `phiguard${base}CmkVault`;
  const key = `phiguard${base}CmkKey`;
  const identity = `phiguard${base}CmkIdentity`;
  const role =
    typeof settings.roleDefinitionId === 'string' ? settings.roleDefinitionId : CRYPTO_SERVICE_ENCRYPTION_USER;
  const location = ref(`${symbol}.location`);
  const blocks = [
    resourceText(vault, KEY_API.vaults, {
      // Vault names are global, 3-24 characters: derived from the subject's id so each instance gets its own.
      name: ref(`'kvcmk\${uniqueString(${symbol}.id)}'`),
      location,
      properties: {
        tenantId: ref('subscription().tenantId'),
        ...cmkVaultProperties(),
      },
    }),
    resourceText(key, KEY_API.keys, {
      parent: ref(vault),
      // Named per instance: a module's declaration serves several subjects.
      name: ref(`'cmk-\${last(split(${symbol}.name, '/'))}'`),
      properties: {
        kty: typeof settings.keyType === 'string' ? settings.keyType : 'RSA',
        keySize: typeof settings.keySize === 'number' ? settings.keySize : 3072,
        keyOps: ['wrapKey', 'unwrapKey'],
        rotationPolicy: cmkRotationPolicy(),
      },
    }),
    resourceText(identity, KEY_API.identities, { name: ref(`'\${${symbol}.name}-cmk-identity'`), location }),
    resourceText(`phiguard${base}CmkRole`, KEY_API.roleAssignments, {
      name: ref(`guid(${vault}.id, ${identity}.id, '${role}')`),
      scope: ref(vault),
      properties: {
        roleDefinitionId: ref(`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')`),
        principalId: ref(`${identity}.properties.principalId`),
        principalType: 'ServicePrincipal',
      },
    }),
  ];
  const refs: KeyRefs = {
    identityId: ref(`${identity}.id`),
    userAssignedIdentities: ref(`{ '\${${identity}.id}': {} }`),
    keyName: ref(`${key}.name`),
    vaultUri: ref(`${vault}.properties.vaultUri`),
    keyUri: ref(`${key}.properties.keyUri`),
    keyUriWithVersion: ref(`${key}.properties.keyUriWithVersion`),
    serverKeyName: ref(`'\${${vault}.name}_\${${key}.name}_\${last(split(${key}.properties.keyUriWithVersion, '/'))}'`),
  };
  const wiring = keyWiring(resource, refs, session.context?.resources ?? []);
  if (!wiring) throw new WriterProblem(`point ${resource.address} at the new key ${key} by hand`);
  const file = (resource.at as SourceLocation).file;
  for (const part of wiring) {
    const target = { ...fix, resource: part.resource };
    if (part.resource.at?.file !== file)
      throw new WriterProblem(`${part.resource.address} is declared in another file: point it at ${key} by hand`);
    for (const { path, value } of mergedSets(part.resource, part.sets)) {
      const key = locationKey(path);
      const vias = new Set(
        [...(part.resource.via ?? [])].filter(([at]) => at === key || at.startsWith(`${key}.`)).map(([, via]) => via),
      );
      if (vias.size > 0)
        session.note(
          target,
          'shared-value',
          `${path} of ${part.resource.address} came from a ${[...vias].join(' / ')}; it is now written in the resource body (the new key's symbols are only in scope there), so that value no longer sets it for any use of this declaration`,
          part.resource.at,
        );
      insert(session, target, path, value);
    }
  }
  return blocks;
}

/**
 * One set per top-level body property (`identity`, `properties.encryption`): inserting several keys into an object
 * that a parameter reference stands for (`encryption: encryption`) would edit the same span twice. What the resource
 * holds there now (infrastructure encryption, services) is kept.
 */
function mergedSets(resource: Resource, sets: { path: string; value: Value }[]): { path: string; value: Value }[] {
  const grouped = new Map<string, ValueObject>();
  const out: { path: string; value: Value }[] = [];
  for (const { path, value } of sets) {
    const segments = path.split('.');
    const head = segments[0] === 'properties' && segments.length > 2 ? segments.slice(0, 2).join('.') : undefined;
    if (!head) {
      out.push({ path, value });
      continue;
    }
    let object = grouped.get(head);
    if (!object) {
      const current = lookupIn(resource as unknown as Value, head);
      object = current.kind === 'present' && isObject(current.value) ? plainCopy(current.value) : {};
      grouped.set(head, object);
    }
    let cursor = object;
    const rest = segments.slice(2);
    rest.forEach((segment, index) => {
      const existing = Object.keys(cursor).find((k) => k.toLowerCase() === segment.toLowerCase());
      if (existing && existing !== segment) delete cursor[existing];
      if (index === rest.length - 1) cursor[segment] = value;
      else {
        const next = cursor[segment];
        cursor[segment] = isObject(next) ? next : {};
        cursor = cursor[segment] as ValueObject;
      }
    });
  }
  for (const [path, value] of grouped) out.push({ path, value });
  return out;
}

/** A copy of the literal part of a value: unresolved pieces are left out (they cannot be written back). */
function plainCopy(value: ValueObject): ValueObject {
  const out: ValueObject = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner instanceof Unresolved) continue;
    out[key] = isObject(inner) ? plainCopy(inner) : inner;
  }
  return out;
}

/**
 * A Defender plan is a subscription resource: it goes into `phiguard-remediation.subscription.bicep`
 * (targetScope = 'subscription') beside the subject's file, deployed on its own with
 * `az deployment sub create --location <region> --template-file phiguard-remediation.subscription.bicep`.
 */
function subscriptionPlan(session: Session, fix: PlannedFix, file: string, settings: ValueObject): void {
  const name = typeof settings.pricingName === 'string' ? settings.pricingName : 'StorageAccounts';
  const { pending } = subscriptionFile(session, file);
  pending.fingerprints.add(fix.finding.fingerprint);
  if (pending.blocks.has(`pricing:${name}`)) return;
  const { pricingName: _name, ...properties } = settings;
  pending.blocks.set(
    `pricing:${name}`,
    resourceText(`phiguardDefender${name.replace(/[^A-Za-z0-9]/g, '')}`, 'Microsoft.Security/pricings@2024-01-01', {
      name,
      properties: { pricingTier: 'Standard', ...properties },
    }),
  );
  session.note(
    fix,
    'manual',
    `deploy ${SUBSCRIPTION_FILE} at subscription scope: az deployment sub create --location <region> --template-file ${SUBSCRIPTION_FILE}`,
    fix.resource.at,
  );
}

export const SUBSCRIPTION_FILE = 'phiguard-remediation.subscription.bicep';

/** `resource x 'type@version'` or `param x string`: what a file already holding the block would contain. */
function declarationOf(block: string): string {
  const line = block.split('\n').find((l) => /^(resource|param) /.test(l)) ?? block;
  return line.split(' = ')[0];
}

function subscriptionFile(session: Session, file: string) {
  const target = join(dirname(file), SUBSCRIPTION_FILE);
  let pending = session.subscription.get(target);
  if (!pending) {
    pending = { blocks: new Map(), fingerprints: new Set() };
    session.subscription.set(target, pending);
  }
  return { target, pending };
}

/**
 * The subscription's activity-log diagnostic setting, in the subscription-scope file (a resource-group file cannot
 * hold it). Its workspace, when .phiguard.yaml names none, is a phiguard_input_ parameter of that file.
 */
function subscriptionSetting(
  session: Session,
  fix: PlannedFix,
  file: string,
  step: Extract<FixStep, { kind: 'create' }>,
): void {
  const { target, pending } = subscriptionFile(session, file);
  pending.fingerprints.add(fix.finding.fingerprint);
  const settings = step.settings ?? {};
  const name = typeof settings.name === 'string' ? settings.name : 'phiguard-activity-log';
  const input = step.inputs?.find((i) => /workspace/i.test(i.name));
  const parameter = input ? `${INPUT_PREFIX}${input.name}` : undefined;
  if (input && parameter) {
    pending.blocks.set(
      `param:${parameter}`,
      `@description(${bicepValue(input.why, '', '  ')})\nparam ${parameter} string\n`,
    );
    session.note(fix, 'needs-input', `${parameter} in ${target}: ${input.why}`, fix.resource.at);
  }
  const logs = Array.isArray(settings.logs) ? settings.logs.filter(isObject) : [];
  pending.blocks.set(
    `setting:${name}`,
    resourceText(`phiguard${name.replace(/[^A-Za-z0-9]/g, '')}`, API.diagnostics, {
      name,
      properties: {
        workspaceId: typeof settings.workspaceId === 'string' ? settings.workspaceId : ref(parameter ?? 'null'),
        logs: logs.map((log) => ({ ...log, enabled: true })),
      },
    }),
  );
  session.note(
    fix,
    'manual',
    `deploy ${SUBSCRIPTION_FILE} at subscription scope: az deployment sub create --location <region> --template-file ${SUBSCRIPTION_FILE}`,
    fix.resource.at,
  );
}

function resourceType(decl: ResourceDecl): string {
  return decl.type.split('@')[0];
}

function apiVersion(decl: ResourceDecl): string {
  return decl.type.split('@')[1] ?? '2023-01-01';
}

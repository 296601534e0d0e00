// The Terraform SourceWriter: turns FixSteps (canonical ARM paths) into edits of the HCL that produced the resource.
// A value is changed where it originates (Resource.locations: the attribute, a variable default, a tfvars line, a
// module input); an absent one is inserted into the resource block under the azurerm attribute the adapter reads it
// from (terraform/attributes.ts reverses the adapter's mapping); new resources go to `phiguard-remediation.tf`
// beside the module. Plans are not source: their findings get a manual note naming the .tf when it is known.
import { dirname, join } from 'node:path';
import { findNodeAtOffset, parseTree } from 'jsonc-parser';
import { isObject, locationKey, lookupIn } from '../core/path.js';
import type { Resource, SourceLocation, Value } from '../core/types.js';
import { type Block, type Body, type HclFile, parseHclRecovering } from '../ingest/terraform/hcl.js';
import { azurermVersion, type Major } from '../ingest/terraform/providers.js';
import type { FixStep } from '../rules/define.js';
import { TextWriterSession, WriterProblem } from './session.js';
import {
  attributeFor,
  indexesOf,
  nameFor,
  type TfAttribute,
  terraformValue,
  throughCurrent,
} from './terraform/attributes.js';
import { createResources } from './terraform/create.js';
import {
  attributeInsertionPoint,
  attributeLines,
  blockInsertionPoint,
  blockRemovalSpan,
  elementRemovalSpan,
  hclValue,
  isOneLine,
  lineSpan,
  nodeAt,
  topLevelBlockAt,
} from './terraform/hcl-edit.js';
import { indentAt, indentUnit } from './text.js';
import type { PlannedFix, ReadText, SourceWriter, WriteContext, WriterResult } from './types.js';

export const REMEDIATION_FILE = 'phiguard-remediation.tf';

const SHARED_VIA = new Set(['variable default', 'tfvars file', 'module input']);

/** `module.a["x"].azurerm_storage_account.main[0]#blobServices` -> its parts. */
export function parseAddress(
  address: string,
): { tfType: string; local: string; inModule: string; child: string } | undefined {
  const [main, child = ''] = address.split('#');
  const match = /(?:^|\.)((?:azurerm|azuread|azapi)_[A-Za-z0-9_]+)\.([A-Za-z0-9_-]+(?:\[[^\]]*\])?)$/.exec(main);
  if (!match) return undefined;
  return { tfType: match[1], local: `${match[1]}.${match[2]}`, inModule: match[2].replace(/\[.*$/, ''), child };
}

class Session extends TextWriterSession {
  readonly created = new Map<string, { blocks: string[]; inputs: Map<string, string>; fingerprints: Set<string> }>();
  /** Blocks (file:address:kind) whose own body a create step already changed. */
  readonly createdFor = new Set<string>();
  readonly fingerprints = new Map<string, Set<string>>();

  parse(file: string): HclFile | undefined {
    const parsed = parseHclRecovering(file, this.open(file).text);
    return parsed.errors.length > 0 ? undefined : parsed.file;
  }
}

export const terraformWriter: SourceWriter = {
  origins: ['terraform'],
  write(fixes: PlannedFix[], readText: ReadText, context?: WriteContext): WriterResult {
    const session = new Session(readText, context);
    session.applySteps(fixes, (fix, step) => applyStep(session, fix, step));
    const edits = session.edits();
    const newFiles: WriterResult['newFiles'] = [];
    for (const [file, created] of session.created) {
      const text = created.blocks.join('\n');
      const existing = session.tryReadOriginal(file);
      const fingerprints = [...created.fingerprints];
      if (existing === undefined) newFiles.push({ file, text, fingerprints });
      else {
        const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
        edits.push({ file, start: existing.length, end: existing.length, text: separator + text, fingerprints });
      }
    }
    return { edits, newFiles, notes: session.notes };
  },
};

function applyStep(session: Session, fix: PlannedFix, step: FixStep): void {
  const resource = fix.resource;
  if (step.kind === 'manual') {
    session.note(fix, 'manual', step.why, resource.at);
    return;
  }
  if (resource.file !== undefined && /\.json$/i.test(resource.file) && resource.at?.file === resource.file) {
    // A plan or state: the values are Terraform's output, not source.
    throw new WriterProblem(
      `${resource.address} was read from a Terraform plan (${resource.file}); change its configuration in the .tf files and plan again`,
    );
  }
  const address = parseAddress(resource.address);
  if (!address || !resource.at) throw new WriterProblem(`cannot locate ${resource.address} in the Terraform source`);
  switch (step.kind) {
    case 'set':
      setValue(session, fix, address, step.path, step.value);
      return;
    case 'remove':
      removeValue(session, fix, step.path);
      return;
    case 'delete-resource': {
      if (address.child) throw new WriterProblem(`${resource.address} is part of ${address.local}; remove it there`);
      const block = subjectBlock(session, resource);
      const text = session.open(resource.at.file).text;
      const span = blockRemovalSpan(text, block);
      session.edit(resource.at.file, span.start, span.end, '', fix.finding.fingerprint);
      return;
    }
    case 'create':
      create(session, fix, address, step);
      return;
  }
}

function subjectBlock(session: Session, resource: Resource): Block {
  const at = resource.at as SourceLocation;
  const hcl = session.parse(at.file);
  const offset = session.offset(at);
  const block = hcl && offset !== undefined ? topLevelBlockAt(hcl, offset) : undefined;
  if (!block) throw new WriterProblem(`cannot find the block of ${resource.address} in ${at.file}`);
  return block;
}

function majorOf(session: Session, file: string): Major | undefined {
  const dir = dirname(file);
  const files: HclFile[] = [];
  for (const name of [file, ...['versions.tf', 'providers.tf', 'terraform.tf', 'main.tf'].map((n) => join(dir, n))]) {
    const text = session.tryReadOriginal(name);
    if (text === undefined) continue;
    const parsed = parseHclRecovering(name, text);
    files.push(parsed.file);
  }
  const lockFile = join(dir, '.terraform.lock.hcl');
  const lockText = session.tryReadOriginal(lockFile);
  const version = azurermVersion(files, lockText === undefined ? undefined : { file: lockFile, text: lockText });
  return version.candidates.length === 1 ? version.candidates[0] : undefined;
}

function setValue(
  session: Session,
  fix: PlannedFix,
  address: NonNullable<ReturnType<typeof parseAddress>>,
  path: string,
  wanted: Value,
): void {
  const resource = fix.resource;
  const attribute = attributeFor(address.tfType, path, address.child);
  const at = resource.locations?.get(locationKey(path));
  const fromPair = () =>
    at ? throughCurrent(lookupIn(resource as unknown as Value, path), literalAt(session, at), wanted) : undefined;
  // The value was written under another argument than the one the probe found (the 4.x local_authentication_disabled
  // beside 5.x local_authentication_enabled): convert through that argument's current pair instead.
  const written = at ? attributeNameAt(session, at) : undefined;
  const elsewhere = attribute && written !== undefined && written !== attribute.path[attribute.path.length - 1].name;
  const tfValue =
    (elsewhere ? fromPair() : undefined) ??
    (attribute && !elsewhere ? terraformValue(address.tfType, attribute, path, wanted, address.child) : undefined) ??
    fromPair() ??
    wanted;
  if (at && replaceAt(session, fix, at, path, tfValue)) return;
  if (!attribute)
    throw new WriterProblem(
      `${address.tfType} has no Terraform argument phiguard knows for ${path}; set it to ${JSON.stringify(wanted)} by hand`,
    );
  // Absent: insert it, into a separate resource that already carries this part (azurerm_storage_account_network_rules)
  // when there is one.
  const patch = patchBlock(session, resource, path);
  if (patch) {
    const patchAttribute = attributeFor(patch.tfType, path);
    if (patchAttribute) {
      insert(
        session,
        fix,
        patch.file,
        patch.block.body,
        patchAttribute.path,
        path,
        tfValue,
        majorOf(session, patch.file),
        patchAttribute,
      );
      return;
    }
  }
  const block = subjectBlock(session, resource);
  const file = (resource.at as SourceLocation).file;
  insert(session, fix, file, block.body, attribute.path, path, tfValue, majorOf(session, file), attribute);
}

/** Replaces the value that starts at `at`; false when nothing replaceable starts there (e.g. a block). */
/** The name of the HCL argument whose value starts at `at` (undefined for tfvars, list elements, variables). */
function attributeNameAt(session: Session, at: SourceLocation): string | undefined {
  if (/\.json$/i.test(at.file)) return undefined;
  const offset = session.offset(at);
  const hcl = offset === undefined ? undefined : session.parse(at.file);
  const found = hcl && offset !== undefined ? nodeAt(hcl.body, offset) : undefined;
  if (found?.kind !== 'attribute') return undefined;
  // A variable's `default` or a tfvars line is not the resource's argument.
  return /\.tfvars$/i.test(at.file) || found.attribute.name === 'default' ? undefined : found.attribute.name;
}

/** The literal written at `at` (an HCL attribute value or a tfvars JSON value), if it is one. */
function literalAt(session: Session, at: SourceLocation): Value | undefined {
  const offset = session.offset(at);
  if (offset === undefined) return undefined;
  if (/\.json$/i.test(at.file)) {
    const tree = parseTree(session.open(at.file).text);
    const node = tree && findNodeAtOffset(tree, offset);
    return node && node.offset === offset && node.type !== 'object' && node.type !== 'array' ? node.value : undefined;
  }
  const hcl = session.parse(at.file);
  const found = hcl ? nodeAt(hcl.body, offset) : undefined;
  if (!found || found.kind === 'block') return undefined;
  const expr = found.kind === 'attribute' ? found.attribute.expr : found.expr;
  if (expr.kind === 'literal' && expr.value !== null) return expr.value;
  if (expr.kind === 'template' && expr.parts.every((part) => typeof part === 'string'))
    return (expr.parts as string[]).join('');
  return undefined;
}

function replaceAt(session: Session, fix: PlannedFix, at: SourceLocation, path: string, value: Value): boolean {
  const text = session.tryReadOriginal(at.file);
  if (text === undefined) return false;
  const offset = session.offset(at);
  if (offset === undefined) return false;
  const via = fix.resource.via?.get(locationKey(path));
  if (/\.json$/i.test(at.file)) {
    const current = session.open(at.file).text;
    const tree = parseTree(current);
    const node = tree && findNodeAtOffset(tree, offset);
    if (!node || node.offset !== offset) return false;
    session.edit(at.file, node.offset, node.offset + node.length, JSON.stringify(value), fix.finding.fingerprint);
  } else {
    const hcl = session.parse(at.file);
    if (!hcl) throw new WriterProblem(`${at.file} does not parse; fix its syntax first`);
    const found = nodeAt(hcl.body, offset);
    if (!found || found.kind === 'block') return false;
    const expr = found.kind === 'attribute' ? found.attribute.expr : found.expr;
    const current = session.open(at.file).text;
    const indent = indentAt(current, expr.start);
    session.edit(at.file, expr.start, expr.end, hclValue(value, indent, indentUnit(current)), fix.finding.fingerprint);
  }
  if (via && SHARED_VIA.has(via)) flagShared(session, fix, at, via);
  return true;
}

/** Another resource reads the same variable/tfvars value: the edit changes it too. */
function flagShared(session: Session, fix: PlannedFix, at: SourceLocation, via: string): void {
  const others = new Set(session.sharers(fix.resource, at).map((other) => other.address));
  const name = variableName(session, at);
  const what = name ? `variable ${name}` : `the value at ${at.file}:${at.line}`;
  if (others.size > 0)
    session.note(
      fix,
      'shared-value',
      `${what} (${via}) is also used by ${[...others].sort().join(', ')}: the change applies to them too`,
      at,
    );
  else if (name && referencedElsewhere(session, fix.resource, name))
    session.note(
      fix,
      'shared-value',
      `${what} (${via}) is referenced by other blocks: the change applies to them too`,
      at,
    );
}

function variableName(session: Session, at: SourceLocation): string | undefined {
  const offset = session.offset(at);
  if (offset === undefined) return undefined;
  if (/\.json$/i.test(at.file)) return undefined;
  const hcl = session.parse(at.file);
  if (!hcl) return undefined;
  for (const block of hcl.body.blocks)
    if (block.type === 'variable' && block.start < offset && offset < block.end) return block.labels[0];
  for (const attribute of hcl.body.attributes) if (attribute.expr.start === offset) return attribute.name;
  return undefined;
}

function referencedElsewhere(session: Session, resource: Resource, name: string): boolean {
  const file = resource.at?.file;
  if (!file) return false;
  const text = session.open(file).text;
  const hcl = session.parse(file);
  if (!hcl) return false;
  const own = subjectBlock(session, resource);
  const pattern = new RegExp(`\\bvar\\.${name.replace(/[^A-Za-z0-9_-]/g, '')}\\b`);
  return hcl.body.blocks.some(
    (block) => block !== own && block.start !== own.start && pattern.test(text.slice(block.start, block.end)),
  );
}

/** A separate resource block (a patch such as azurerm_storage_account_network_rules) carrying `path`'s parent. */
function patchBlock(
  session: Session,
  resource: Resource,
  path: string,
): { file: string; block: Block; tfType: string } | undefined {
  const key = locationKey(path);
  const own = resource.at as SourceLocation;
  for (
    let parent = key.slice(0, key.lastIndexOf('.'));
    parent.includes('.');
    parent = parent.slice(0, parent.lastIndexOf('.'))
  ) {
    const at = resource.locations?.get(parent);
    if (!at) continue;
    const hcl =
      session.tryReadOriginal(at.file) === undefined || /\.json$/i.test(at.file) ? undefined : session.parse(at.file);
    const offset = session.offset(at);
    if (!hcl || offset === undefined) return undefined;
    const block = hcl.body.blocks.find((b) => b.start <= offset && offset < b.end);
    if (block?.type !== 'resource') return undefined;
    if (at.file === own.file && block.start === session.offset(own)) return undefined;
    return { file: at.file, block, tfType: block.labels[0] };
  }
  return undefined;
}

/** Inserts `tfPath` = value into `body`, descending into (or creating) nested blocks. */
function insert(
  session: Session,
  fix: PlannedFix,
  file: string,
  body: Body,
  tfPath: TfAttribute['path'],
  canonicalPath: string,
  value: Value,
  major: Major | undefined,
  attribute: TfAttribute,
): void {
  const text = session.open(file).text;
  const unit = indentUnit(text);
  const indexes = indexesOf(canonicalPath);
  let indexCursor = 0;
  let current = body;
  for (let i = 0; i < tfPath.length; i++) {
    const segment = tfPath[i];
    const last = i === tfPath.length - 1;
    if (!segment.block && last) {
      const name = nameFor(attribute, major);
      const existing = current.attributes.find((a) => a.name === name || attribute.aliases.includes(a.name));
      const innerIndent = bodyIndent(text, current, unit);
      if (existing) {
        session.edit(
          file,
          existing.expr.start,
          existing.expr.end,
          hclValue(value, innerIndent, unit),
          fix.finding.fingerprint,
        );
        return;
      }
      insertLines(session, fix, file, current, attributeLines([[name, value]], innerIndent, unit), 'attribute');
      return;
    }
    const blocks = current.blocks.filter((b) => b.type === segment.name);
    const index = segment.indexed ? (indexes[indexCursor++] ?? 0) : 0;
    const next = blocks[index];
    if (next) {
      current = next.body;
      if (last && value === false) {
        // A block whose presence is the setting (delete_retention_policy { } = enabled): false removes it.
        const span = lineSpan(text, next.start, next.end);
        session.edit(file, span.start, span.end, '', fix.finding.fingerprint);
      }
      if (last) return;
      continue;
    }
    if (last && value === false) return;
    // Create the rest as nested blocks.
    const innerIndent = bodyIndent(text, current, unit);
    const rest = tfPath.slice(i);
    session.edit(
      file,
      ...insertionSpan(text, current, 'block'),
      renderNested(rest, value, innerIndent, unit, nameFor(attribute, major), isOneLine(text, current)),
      fix.finding.fingerprint,
    );
    return;
  }
}

function bodyIndent(text: string, body: Body, unit: string): string {
  const first = body.attributes[0] ?? body.blocks[0];
  if (first && text.slice(body.start, first.start).includes('\n')) return indentAt(text, first.start);
  return indentAt(text, body.start) + unit;
}

function insertionSpan(text: string, body: Body, what: 'attribute' | 'block'): [number, number] {
  const at = what === 'attribute' ? attributeInsertionPoint(text, body) : blockInsertionPoint(text, body);
  return [at, at];
}

function insertLines(
  session: Session,
  fix: PlannedFix,
  file: string,
  body: Body,
  lines: string,
  what: 'attribute' | 'block',
): void {
  const text = session.open(file).text;
  if (isOneLine(text, body)) {
    // `network_rules { default_action = "Allow" }`: a one-line block takes one argument; open it up.
    const outer = indentAt(text, body.start);
    const inner = text.slice(body.start + 1, body.end - 1).trim();
    const unit = indentUnit(text);
    const opened = `{\n${inner ? `${outer}${unit}${inner}\n` : ''}${lines}${outer}}`;
    session.edit(file, body.start, body.end, opened, fix.finding.fingerprint);
    return;
  }
  const [start] = insertionSpan(text, body, what);
  session.edit(file, start, start, lines, fix.finding.fingerprint);
}

function renderNested(
  segments: TfAttribute['path'],
  value: Value,
  indent: string,
  unit: string,
  leafName: string,
  oneLine: boolean,
): string {
  const render = (i: number, at: string): string => {
    const segment = segments[i];
    if (i === segments.length - 1) {
      if (segment.block) return `${at}${segment.name} {}\n`;
      return `${at}${leafName} = ${hclValue(value, at, unit)}\n`;
    }
    return `${at}${segment.name} {\n${render(i + 1, at + unit)}${at}}\n`;
  };
  const text = render(0, indent);
  return oneLine ? `\n${text}` : text;
}

function create(
  session: Session,
  fix: PlannedFix,
  address: NonNullable<ReturnType<typeof parseAddress>>,
  step: Extract<FixStep, { kind: 'create' }>,
): void {
  const resource = fix.resource;
  const file = (resource.at as SourceLocation).file;
  if (step.resource === 'blob-service-properties') {
    // In azurerm these are the account's own blob_properties block, not a resource of their own.
    for (const [path, value] of leaves(step.settings ?? {}, 'properties'))
      setValue(session, fix, { ...address, child: 'blobServices' }, path, value);
    return;
  }
  const target = join(dirname(file), REMEDIATION_FILE);
  let pending = session.created.get(target);
  if (!pending) {
    pending = { blocks: [], inputs: new Map(), fingerprints: new Set() };
    session.created.set(target, pending);
  }
  const local = address.inModule;
  const made = createResources(step, { address: address.local, tfType: address.tfType, local }, pending.inputs);
  if (!made) throw new WriterProblem(`no Terraform form for a new ${step.resource}`);
  // A module's block serves every instance of the module: its new resources are written once, by their header
  // (`resource "type" "name"`), whichever instance asked first; so is a change to the block itself.
  const written = session.tryReadOriginal(target) ?? '';
  const headers = new Set(pending.blocks.map(headerOf));
  for (const block of made.blocks) {
    const header = headerOf(block);
    if (headers.has(header) || written.includes(header)) continue;
    headers.add(header);
    pending.blocks.push(block);
  }

  pending.fingerprints.add(fix.finding.fingerprint);
  for (const [variable, why] of made.inputs)
    session.note(fix, 'needs-input', `${variable} in ${target}: ${why}`, { file: target, line: 1, column: 1 });
  for (const note of made.notes) session.note(fix, 'manual', note, resource.at);
  const once = `${file}:${address.local}:${step.resource}`;
  const subjectSets = session.createdFor.has(once) ? [] : (made.subjectSets ?? []);
  session.createdFor.add(once);
  for (const change of subjectSets) {
    const block = subjectBlock(session, resource);
    if (!isObject(change.value)) {
      // An argument of the subject itself (primary_user_assigned_identity_id): set unless the block has one.
      if (block.body.attributes.some((a) => a.name === change.path)) {
        session.note(fix, 'manual', `set ${change.path} of ${resource.address} to the new identity`, resource.at);
        continue;
      }
      const text = session.open(file).text;
      const indent = bodyIndent(text, block.body, indentUnit(text));
      insertLines(
        session,
        fix,
        file,
        block.body,
        attributeLines([[change.path, change.value]], indent, indentUnit(text)),
        'attribute',
      );
      continue;
    }
    const existing = block.body.blocks.find((b) => b.type === change.path);
    if (existing && change.path === 'identity' && addIdentity(session, fix, file, existing.body, change.value))
      continue;
    if (existing) {
      session.note(
        fix,
        'manual',
        `add ${JSON.stringify(change.value)} to the existing ${change.path} block of ${resource.address}`,
        resource.at,
      );
      continue;
    }
    const text = session.open(file).text;
    const unit = indentUnit(text);
    const indent = bodyIndent(text, block.body, unit);
    const inner = change.value as Record<string, Value>;
    const lines = `${indent}${change.path} {\n${attributeLines(Object.entries(inner), indent + unit, unit)}${indent}}\n`;
    insertLines(session, fix, file, block.body, lines, 'block');
  }
}

/**
 * Adds the new user-assigned identity to an existing `identity { type = "SystemAssigned" }` block (type becomes
 * "SystemAssigned, UserAssigned"). False when the block is not that simple literal form (a person merges it).
 */
function addIdentity(session: Session, fix: PlannedFix, file: string, body: Body, value: Value): boolean {
  const type = body.attributes.find((a) => a.name === 'type');
  if (!type || body.attributes.some((a) => a.name === 'identity_ids') || body.blocks.length > 0) return false;
  const literal =
    type.expr.kind === 'literal'
      ? type.expr.value
      : type.expr.kind === 'template' && type.expr.parts.every((p) => typeof p === 'string')
        ? (type.expr.parts as string[]).join('')
        : undefined;
  if (typeof literal !== 'string' || !/^\s*SystemAssigned\s*$/i.test(literal)) return false;
  const ids = (value as Record<string, Value>).identity_ids;
  const text = session.open(file).text;
  const unit = indentUnit(text);
  const indent = indentAt(text, type.start);
  // The later edit first: both offsets are in the text as it is now.
  const lineEnd = text.indexOf('\n', type.expr.end);
  const at = lineEnd < 0 ? text.length : lineEnd + 1;
  session.edit(file, at, at, attributeLines([['identity_ids', ids]], indent, unit), fix.finding.fingerprint);
  session.edit(file, type.expr.start, type.expr.end, '"SystemAssigned, UserAssigned"', fix.finding.fingerprint);
  return true;
}

function headerOf(block: string): string {
  return block.slice(0, block.indexOf('{')).trim();
}

/** `{ deleteRetentionPolicy: { enabled: true, days: 30 } }` -> dotted leaf paths under `prefix`. */
function leaves(value: Record<string, Value>, prefix: string): [string, Value][] {
  const out: [string, Value][] = [];
  for (const [key, inner] of Object.entries(value)) {
    const path = `${prefix}.${key}`;
    if (
      typeof inner === 'object' &&
      inner !== null &&
      !Array.isArray(inner) &&
      Object.keys(inner).length > 0 &&
      !('expression' in inner)
    )
      out.push(...leaves(inner as Record<string, Value>, path));
    else out.push([path, inner]);
  }
  // `enabled` first: it creates the block the other members go into.
  return out.sort((a, b) => Number(b[0].endsWith('.enabled')) - Number(a[0].endsWith('.enabled')));
}

/** Removes the attribute, nested block or list element a canonical path was read from. */
function removeValue(session: Session, fix: PlannedFix, path: string): void {
  const at = fix.resource.locations?.get(locationKey(path));
  if (!at) {
    // Nothing written for it: the value is already absent from the source.
    return;
  }
  const via = fix.resource.via?.get(locationKey(path));
  if (via && SHARED_VIA.has(via))
    throw new WriterProblem(
      `${path} of ${fix.resource.address} comes from a ${via} (${at.file}:${at.line}): remove its use in the resource by hand`,
    );
  const offset = session.offset(at);
  const hcl = /\.json$/i.test(at.file) ? undefined : session.parse(at.file);
  if (!hcl || offset === undefined)
    throw new WriterProblem(`cannot remove ${path} of ${fix.resource.address} at ${at.file}:${at.line}`);
  const found = nodeAt(hcl.body, offset);
  const text = session.open(at.file).text;
  if (found?.kind === 'block') {
    const span = lineSpan(text, found.block.start, found.block.end);
    session.edit(at.file, span.start, span.end, '', fix.finding.fingerprint);
    return;
  }
  if (found?.kind === 'attribute') {
    const span = lineSpan(text, found.attribute.start, found.attribute.end);
    session.edit(at.file, span.start, span.end, '', fix.finding.fingerprint);
    return;
  }
  if (found?.kind === 'expr' && found.container.kind === 'tuple') {
    const span = elementRemovalSpan(text, found.container, found.expr);
    session.edit(at.file, span.start, span.end, '', fix.finding.fingerprint);
    return;
  }
  throw new WriterProblem(
    `cannot remove ${path} of ${fix.resource.address}: remove it at ${at.file}:${at.line} by hand`,
  );
}

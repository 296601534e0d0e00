// ARM JSON writer for `phiguard fix`: turns FixSteps into minimal text edits of templates and parameter files.
// A value is changed where it originates (Resource.locations: a parameter default, a .parameters.json value, the
// resource itself); absent properties are inserted under the resource in the file's own indentation; new resources
// are appended to the same template, because an ARM deployment is one file and a template beside it would never be
// deployed with it. Edits are computed on jsonc-parser's syntax tree, so comments, key order and formatting outside
// the edited spans are kept byte for byte.
import { type Node, parseTree } from 'jsonc-parser';
import { toPlain } from '../core/path.js';
import type { Resource, SourceLocation, Value, ValueObject } from '../core/types.js';
import type { FixStep, NewResourceKind } from '../rules/define.js';
import {
  cmkRotationPolicy,
  cmkVaultProperties,
  diskEncryptionSetProperties,
  type KeyRefs,
  keyWiring,
  needsDiskEncryptionSet,
} from './cmk.js';
import { EditBuffer } from './edits.js';
import { WriterSession } from './session.js';
import {
  INPUT_PREFIX,
  type PlannedFix,
  type ReadText,
  type SourceWriter,
  type TextEdit,
  type WriteContext,
  type WriterResult,
} from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One file being edited: its text under the edits so far and its original line starts (locations are original). */
class JsonFile {
  readonly buffer: EditBuffer;
  readonly #lineStarts: number[] = [0];
  #tree?: { text: string; root: Node | undefined };
  readonly eol: string;
  readonly unit: string;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.buffer = new EditBuffer(file, text);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#lineStarts.push(i + 1);
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
    this.unit = indentUnit(text);
  }

  get text(): string {
    return this.buffer.text;
  }

  get root(): Node | undefined {
    const text = this.buffer.text;
    if (this.#tree?.text !== text) this.#tree = { text, root: parseTree(text, [], { allowTrailingComma: true }) };
    return this.#tree.root;
  }

  /** The value node a location (in the original text) points at, in the current tree. */
  nodeAt(location: SourceLocation): Node | undefined {
    const lineStart = this.#lineStarts[location.line - 1];
    if (lineStart === undefined) return undefined;
    const offset = this.buffer.toCurrent(lineStart + location.column - 1);
    if (offset === undefined) return undefined;
    let node = this.root ? innermost(this.root, offset) : undefined;
    while (node && (node.offset !== offset || node.type === 'property')) node = node.parent;
    return node;
  }

  edits(): TextEdit[] {
    return this.buffer.edits();
  }

  replace(node: Node, text: string, fingerprints: string[]): void {
    this.buffer.replace(node.offset, node.offset + node.length, text, fingerprints);
  }

  /** Leading whitespace of the line holding `offset` (current text). */
  indentAt(offset: number): string {
    const text = this.text;
    const start = text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
  }

  lineOf(offset: number): number {
    const text = this.text;
    let line = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  }
}

function innermost(node: Node, offset: number): Node | undefined {
  if (offset < node.offset || offset > node.offset + node.length) return undefined;
  for (const child of node.children ?? []) {
    const found = innermost(child, offset);
    if (found) return found;
  }
  return node;
}

/** The file's indentation step: a tab, or the smallest space indent in use (2 when nothing is indented). */
export function indentUnit(text: string): string {
  let smallest = 0;
  for (const match of text.matchAll(/^([ \t]+)\S/gm)) {
    const indent = match[1];
    if (indent.startsWith('\t')) return '\t';
    if (smallest === 0 || indent.length < smallest) smallest = indent.length;
    if (smallest === 1) break;
  }
  return ' '.repeat(smallest || 2);
}

/** JSON text of `value` laid out in the file's style, continuing at indentation `indent`. */
function render(file: JsonFile, value: Json, indent: string): string {
  return JSON.stringify(value, null, file.unit)
    .split('\n')
    .join(file.eol + indent);
}

function property(node: Node, name: string): Node | undefined {
  if (node.type !== 'object') return undefined;
  const lower = name.toLowerCase();
  // JSON.parse keeps the last of duplicate keys, and so does ARM: the last one is the one in force.
  let found: Node | undefined;
  for (const member of node.children ?? []) {
    const key = member.children?.[0];
    if (key && typeof key.value === 'string' && key.value.toLowerCase() === lower) found = member;
  }
  return found;
}

function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'array') {
    const index = Number(segment);
    return Number.isInteger(index) ? node.children?.[index] : undefined;
  }
  return property(node, segment)?.children?.[1];
}

/** Text just after `offset` up to the line end is only whitespace, a comma or a comment. */
function restOfLine(text: string, offset: number): { end: number; clear: boolean } {
  const newline = text.indexOf('\n', offset);
  const end = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  const rest = text.slice(offset, end);
  return { end, clear: /^\s*,?\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(rest) };
}

/**
 * Appends a member (`"key": value` in an object, an element in an array) at the end of `container`, in the style of
 * its existing members: on one line when they share the opening line, else on a line of its own at their indentation.
 * A comment at the end of the last member's line stays on that line.
 */
function appendMember(
  file: JsonFile,
  container: Node,
  key: string | undefined,
  value: Json,
  fingerprints: string[],
): void {
  const text = file.text;
  const members = container.children ?? [];
  const prefix = key === undefined ? '' : `${JSON.stringify(key)}: `;
  const last = members[members.length - 1];
  if (!last) {
    const base = file.indentAt(container.offset);
    const inner = base + file.unit;
    const body = `${file.eol}${inner}${prefix}${render(file, value, inner)}${file.eol}${base}`;
    file.buffer.replace(container.offset + 1, container.offset + container.length - 1, body, fingerprints);
    return;
  }
  const lastEnd = last.offset + last.length;
  const afterLast = text.slice(lastEnd).match(/^\s*,/);
  const inline = file.lineOf(last.offset) === file.lineOf(container.offset);
  if (inline) {
    const insertAt = afterLast ? lastEnd + afterLast[0].length : lastEnd;
    const member = `${prefix}${JSON.stringify(value)}`;
    file.buffer.replace(insertAt, insertAt, afterLast ? ` ${member},` : `, ${member}`, fingerprints);
    return;
  }
  const indent = file.indentAt(last.offset);
  const line = restOfLine(text, lastEnd);
  const insertAt = line.clear ? line.end : lastEnd;
  const member = `${file.eol}${indent}${prefix}${render(file, value, indent)}`;
  // The later insertion first, so the comma's offset is still right.
  file.buffer.replace(insertAt, insertAt, afterLast ? `${member},` : member, fingerprints);
  if (!afterLast) file.buffer.replace(lastEnd, lastEnd, ',', fingerprints);
}

/** Removes an object member or array element with its separating comma. */
function removeMember(file: JsonFile, container: Node, member: Node, fingerprints: string[]): void {
  const members = container.children ?? [];
  const index = members.indexOf(member);
  if (index < 0) return;
  if (index > 0) {
    const previous = members[index - 1];
    file.buffer.replace(previous.offset + previous.length, member.offset + member.length, '', fingerprints);
  } else if (members.length > 1) {
    file.buffer.replace(member.offset, members[1].offset, '', fingerprints);
  } else {
    file.buffer.replace(container.offset + 1, container.offset + container.length - 1, '', fingerprints);
  }
}

/** Removes the member whose value is `node` (a property of an object, or an element of an array). */
function removeValue(file: JsonFile, node: Node, fingerprints: string[]): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'property' && parent.parent) removeMember(file, parent.parent, parent, fingerprints);
  else if (parent.type === 'array') removeMember(file, parent, node, fingerprints);
  else return false;
  return true;
}

function nested(segments: readonly string[], value: Json): Json {
  let out = value;
  for (let i = segments.length - 1; i >= 0; i--) out = { [segments[i]]: out };
  return out;
}

/** ARM evaluates a string starting with `[` as an expression; a literal one is written `[[`. */
function escapeLiterals(value: Json): Json {
  if (typeof value === 'string') return value.startsWith('[') && !value.startsWith('[[') ? `[${value}` : value;
  if (Array.isArray(value)) return value.map(escapeLiterals);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeLiterals(v)]));
  }
  return value;
}

const PARAMETER_REFERENCE = /^\[\s*parameters\(\s*'([^']+)'\s*\)\s*\]$/i;

function isExpression(node: Node): boolean {
  return node.type === 'string' && typeof node.value === 'string' && /^\[(?!\[)/.test(node.value);
}

function parameterFileOf(template: string): string {
  return template.replace(/(\.json)?$/i, '.parameters.json');
}

class Session extends WriterSession<JsonFile> {
  /** Create steps already written (file, subject, kind, settings). */
  readonly created = new Set<string>();

  constructor(readText: ReadText, context: WriteContext | undefined) {
    super(readText, context, (file, text) => new JsonFile(file, text));
  }
}

/** The resource's own object in its template. */
function resourceNode(session: Session, resource: Resource): { file: JsonFile; node: Node } | undefined {
  if (!resource.at) return undefined;
  const file = session.tryOpen(resource.at.file);
  const node = file?.nodeAt(resource.at);
  return file && node?.type === 'object' ? { file, node } : undefined;
}

/**
 * Where a path's value is written: the deepest prefix of `path` with a location (the value itself, or the nearest
 * ancestor that exists), falling back to the resource object.
 */
function origin(
  session: Session,
  resource: Resource,
  path: string,
): { file: JsonFile; node: Node; rest: string[]; key: string; location: SourceLocation } | undefined {
  const segments = path.split('.');
  for (let depth = segments.length; depth > 0; depth--) {
    const key = segments.slice(0, depth).join('.').toLowerCase();
    const location = resource.locations?.get(key);
    if (!location) continue;
    const file = session.tryOpen(location.file);
    const node = file?.nodeAt(location);
    if (file && node) return { file, node, rest: segments.slice(depth), key, location };
  }
  const own = resourceNode(session, resource);
  if (!own || !resource.at) return undefined;
  return { ...own, rest: segments, key: '', location: resource.at };
}

/** Other resources whose value at some path comes from the same spot: editing it changes them too. */
function setStep(
  session: Session,
  fix: PlannedFix,
  step: Extract<FixStep, { kind: 'set' }>,
  expressions = false,
): void {
  const fingerprints = [fix.finding.fingerprint];
  const value = toPlain(step.value) as Json;
  const target = origin(session, fix.resource, step.path);
  if (!target) {
    session.note(fix, 'manual', `cannot find ${fix.resource.address} in its template to set ${step.path}`);
    return;
  }
  const { file, rest } = target;
  let node = target.node;
  const inTemplate = file.file === fix.resource.at?.file || file.file === fix.resource.file;
  const via = fix.resource.via?.get(target.key);
  if (via && /parameter|variable/i.test(via) && rest.length === 0) {
    const others = [
      ...new Set(session.sharers(fix.resource, target.location).map((other) => other.name || other.address)),
    ];
    if (others.length > 0) {
      session.note(
        fix,
        'shared-value',
        `${step.path} comes from a ${via} that also sets ${others.join(', ')}: changing it changes them too`,
        target.location,
      );
    }
  }
  // A bare parameter reference with neither default nor file value: give the parameter the value where the
  // deployment reads it (the sibling parameter file when there is one, else a default in the template).
  const reference = rest.length === 0 && typeof node.value === 'string' ? PARAMETER_REFERENCE.exec(node.value) : null;
  if (reference) {
    setParameter(session, fix, file, reference[1], value);
    return;
  }
  // Walk down what exists; insert the rest as nested objects.
  let i = 0;
  while (i < rest.length) {
    const next = child(node, rest[i]);
    if (!next) break;
    node = next;
    i++;
  }
  const remaining = rest.slice(i);
  const written = inTemplate && !expressions ? escapeLiterals(value) : value;
  if (remaining.length === 0) {
    file.replace(node, render(file, written, file.indentAt(node.offset)), fingerprints);
  } else if (node.type === 'object') {
    appendMember(file, node, remaining[0], nested(remaining.slice(1), written), fingerprints);
  } else if (node.type === 'null') {
    file.replace(node, render(file, nested(remaining, written), file.indentAt(node.offset)), fingerprints);
  } else if (isExpression(node)) {
    session.note(
      fix,
      'manual',
      `set ${step.path} to ${JSON.stringify(value)}: it lies inside the expression ${node.value}, which phiguard does not rewrite`,
      target.location,
    );
  } else {
    session.note(fix, 'manual', `set ${step.path} to ${JSON.stringify(value)} by hand`, target.location);
  }
}

function setParameter(session: Session, fix: PlannedFix, template: JsonFile, name: string, value: Json): void {
  const fingerprints = [fix.finding.fingerprint];
  const parameterFile = session.tryOpen(parameterFileOf(template.file));
  const fileParameters = parameterFile?.root ? child(parameterFile.root, 'parameters') : undefined;
  if (parameterFile && fileParameters?.type === 'object') {
    const entry = child(fileParameters, name);
    if (entry?.type === 'object') appendMember(parameterFile, entry, 'value', value, fingerprints);
    else appendMember(parameterFile, fileParameters, name, { value }, fingerprints);
    return;
  }
  const declaration = template.root ? child(template.root, 'parameters') : undefined;
  const parameter = declaration ? child(declaration, name) : undefined;
  if (parameter?.type !== 'object') {
    session.note(fix, 'manual', `parameter ${name} is not declared in ${template.file}`);
    return;
  }
  appendMember(template, parameter, 'defaultValue', escapeLiterals(value), fingerprints);
}

function removeStep(session: Session, fix: PlannedFix, step: Extract<FixStep, { kind: 'remove' }>): void {
  const location = fix.resource.locations?.get(step.path.toLowerCase());
  const file = location ? session.tryOpen(location.file) : undefined;
  const node = location && file ? file.nodeAt(location) : undefined;
  if (!node || !file || !removeValue(file, node, [fix.finding.fingerprint])) {
    session.note(fix, 'manual', `remove ${step.path} from ${fix.resource.address} by hand`, location);
  }
}

function deleteResource(session: Session, fix: PlannedFix): void {
  const own = resourceNode(session, fix.resource);
  if (!own) {
    session.note(fix, 'manual', `delete ${fix.resource.address} by hand`);
    return;
  }
  if (property(own.node, 'copy')) {
    session.note(
      fix,
      'manual',
      `${fix.resource.address} is one copy of a loop: remove the failing instance from the loop's input by hand`,
      fix.resource.at,
    );
    return;
  }
  // The dependents first: their nodes belong to the tree as it is before the deletion.
  dropDependents(session, fix, own.file, own.node);
  const current = resourceNode(session, fix.resource);
  if (current) removeValue(current.file, current.node, [fix.finding.fingerprint]);
}

/** An expression compared as ARM reads it: case and spaces do not matter. */
function normalized(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/**
 * Removes the `dependsOn` entries of the template's other resources that name a deleted resource (by symbolic name,
 * by its resourceId(), or by its plain name): ARM rejects a dependency on a resource the template no longer
 * declares. An entry that only looks like one (same type and leaf name, written another way) is left, with a note.
 */
function dropDependents(session: Session, fix: PlannedFix, file: JsonFile, deleted: Node): void {
  const template = templateOf(deleted);
  const resources = template ? child(template, 'resources') : undefined;
  if (!resources) return;
  const subject = subjectOf(file, deleted, fix.resource);
  const rawName = child(deleted, 'name')?.value;
  const exact = new Set(
    [subject.dependency, `[${subject.id}]`, typeof rawName === 'string' && !/^\[(?!\[)/.test(rawName) ? rawName : '']
      .filter(Boolean)
      .map(normalized),
  );
  if (typeof rawName === 'string' && exact.has(normalized(rawName)))
    exact.add(normalized(`${subject.type}/${rawName}`));
  const leaf = normalized(subject.segments?.[subject.segments.length - 1] ?? subject.name);
  const type = normalized(`'${subject.type}'`);
  const end = deleted.offset + deleted.length;
  const visit = (node: Node) => {
    if (node.offset >= deleted.offset && node.offset < end) return;
    const dependsOn = child(node, 'dependsOn');
    for (const entry of dependsOn?.type === 'array' ? (dependsOn.children ?? []) : []) {
      if (typeof entry.value !== 'string') continue;
      const text = normalized(entry.value);
      if (exact.has(text)) removeValue(file, entry, [fix.finding.fingerprint]);
      else if (text.includes(type) && text.includes(leaf))
        session.note(
          fix,
          'manual',
          `dependsOn entry ${entry.value} may name the deleted ${fix.resource.address}: remove it if it does`,
          { file: file.file, line: file.lineOf(entry.offset) + 1, column: 1 },
        );
    }
    const nestedResources = child(node, 'resources');
    for (const inner of nestedResources?.children ?? []) visit(memberValue(inner));
  };
  for (const member of resources.children ?? []) visit(memberValue(member));
}

/** An array element, or the value of an object member (languageVersion 2.0 symbolic resources). */
function memberValue(node: Node): Node {
  return node.type === 'property' ? (node.children?.[1] ?? node) : node;
}

// ---- new resources -------------------------------------------------------------------------------------------

interface Subject {
  type: string;
  /** ARM expression text (without brackets) that evaluates to the subject's full name. */
  name: string;
  /** Name segments as expressions, one per type level, when they can be told apart. */
  segments?: string[];
  /** `resourceId(...)` of the subject, without brackets. */
  id: string;
  /** The scope form extension resources use: `Microsoft.Storage/storageAccounts/name`, as an expression. */
  scope: string;
  /** What dependsOn lists for it: the symbolic name (languageVersion 2.0) or its resourceId. */
  dependency: string;
  location: Json;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Splits an expression at its top-level commas (not those inside parentheses or quotes). */
function topLevelArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (quoted) continue;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

/**
 * The per-level name expressions of a child resource named `format('{0}/{1}', a, b)` or `concat(a, '/', b)` (the
 * forms Bicep and the quickstarts emit), so `scope` and `resourceId()` get one argument per type level.
 */
function nameSegments(name: string, levels: number): string[] | undefined {
  const call = /^(format|concat)\((.*)\)$/s.exec(name);
  if (!call) return undefined;
  const args = topLevelArguments(call[2]);
  if (call[1] === 'format') {
    const pattern = /^'((?:\{\d+\}\/)*\{\d+\})'$/.exec(args[0] ?? '');
    if (!pattern) return undefined;
    const picks = pattern[1].split('/').map((part) => args[Number(part.slice(1, -1)) + 1]);
    return picks.length === levels && picks.every((pick) => pick !== undefined) ? picks : undefined;
  }
  const picks = args.filter((_, index) => index % 2 === 0);
  const separators = args.filter((_, index) => index % 2 === 1);
  return picks.length === levels && separators.every((sep) => sep === "'/'") ? picks : undefined;
}

function subjectOf(file: JsonFile, node: Node, resource: Resource): Subject {
  const rawName = child(node, 'name')?.value;
  const rawType = child(node, 'type')?.value;
  const type = typeof rawType === 'string' ? rawType : resource.type;
  const literal = typeof rawName !== 'string' || !/^\[(?!\[)/.test(rawName);
  const nameText = typeof rawName === 'string' ? rawName : resource.name;
  const name = literal ? quote(nameText.replace(/^\[\[/, '[')) : nameText.slice(1, -1).trim();
  const typeLevels = type.split('/').length - 1;
  const segments = literal
    ? nameText.split('/').map(quote)
    : typeLevels === 1
      ? [name]
      : nameSegments(name, typeLevels);
  const id = `resourceId(${[quote(type), ...(segments ?? [name])].join(', ')})`;
  let scope: string;
  if (segments) {
    const typeParts = type.split('/');
    const parts = [typeParts[0]];
    const args: string[] = [];
    segments.forEach((segment, index) => {
      parts.push(typeParts[index + 1], `{${index}}`);
      args.push(segment);
    });
    scope = `format(${[quote(parts.join('/')), ...args].join(', ')})`;
  } else {
    scope = `format(${quote(`${type}/{0}`)}, ${name})`;
  }
  const symbolic = node.parent?.type === 'property' ? node.parent.children?.[0]?.value : undefined;
  const locationNode = child(node, 'location');
  return {
    type,
    name,
    segments,
    id,
    scope,
    dependency: typeof symbolic === 'string' ? symbolic : `[${id}]`,
    location: locationNode
      ? (JSON.parse(file.text.slice(locationNode.offset, locationNode.offset + locationNode.length)) as Json)
      : '[resourceGroup().location]',
  };
}

const PRIVATE_LINK_GROUP: Record<string, string> = {
  'microsoft.storage/storageaccounts': 'blob',
  'microsoft.sql/servers': 'sqlServer',
  'microsoft.keyvault/vaults': 'vault',
  'microsoft.documentdb/databaseaccounts': 'Sql',
  'microsoft.dbforpostgresql/flexibleservers': 'postgresqlServer',
  'microsoft.dbformysql/flexibleservers': 'mysqlServer',
  'microsoft.web/sites': 'sites',
  'microsoft.healthcareapis/workspaces': 'healthcareworkspace',
  'microsoft.cognitiveservices/accounts': 'account',
  'microsoft.containerregistry/registries': 'registry',
  'microsoft.apimanagement/service': 'Gateway',
};

// Key Vault Crypto Service Encryption User: wrap/unwrap for a service's managed identity (Azure built-in roles).
const CRYPTO_SERVICE_ENCRYPTION_USER = 'e147488a-f6f5-4113-8e2d-b22465e65bf6';

function merge(base: { [key: string]: Json }, extra: ValueObject | undefined): { [key: string]: Json } {
  if (!extra) return base;
  const out = { ...base };
  for (const [key, value] of Object.entries(toPlain(extra) as { [key: string]: Json })) {
    const existing = out[key];
    out[key] =
      existing &&
      typeof existing === 'object' &&
      !Array.isArray(existing) &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value)
        ? merge(existing, value as ValueObject)
        : value;
  }
  return out;
}

type ArmResource = { [key: string]: Json };

/**
 * The ARM resources for one `create` step. `input(pattern)` returns a reference to the placeholder parameter of the
 * first input whose name matches, so each input lands where a human choice belongs.
 */
function newResources(
  kind: NewResourceKind,
  subject: Subject,
  settings: ValueObject | undefined,
  input: (pattern: RegExp) => string | undefined,
): ArmResource[] | undefined {
  const s = (toPlain(settings ?? {}) ?? {}) as { [key: string]: Json };
  const str = (key: string): string | undefined => (typeof s[key] === 'string' ? (s[key] as string) : undefined);
  const nameOf = (suffix: string) =>
    `[format('{0}-${suffix}', ${subject.segments?.[subject.segments.length - 1] ?? subject.name})]`;
  const dependsOn = [subject.dependency];
  switch (kind) {
    case 'private-endpoint': {
      const groupId =
        str('groupId') ??
        (Array.isArray(s.groupIds) ? String(s.groupIds[0]) : undefined) ??
        PRIVATE_LINK_GROUP[subject.type.toLowerCase()] ??
        'default';
      const endpointName = nameOf(`${groupId.toLowerCase()}-pe`);
      const endpoint: ArmResource = {
        type: 'Microsoft.Network/privateEndpoints',
        apiVersion: '2023-11-01',
        name: endpointName,
        location: subject.location,
        properties: {
          subnet: { id: input(/subnet/i) ?? '' },
          privateLinkServiceConnections: [
            {
              name: endpointName,
              properties: { privateLinkServiceId: `[${subject.id}]`, groupIds: [groupId] },
            },
          ],
        },
        dependsOn,
      };
      const zone = str('privateDnsZone');
      const resources = [endpoint];
      if (zone) {
        const endpointId = `resourceId('Microsoft.Network/privateEndpoints', ${endpointName.slice(1, -1)})`;
        resources.push(
          // The zone has no virtual network link here: which network resolves it is a human choice (a note says so).
          { type: 'Microsoft.Network/privateDnsZones', apiVersion: '2020-06-01', name: zone, location: 'global' },
          {
            type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
            apiVersion: '2023-11-01',
            name: `[format('{0}/default', ${endpointName.slice(1, -1)})]`,
            properties: {
              privateDnsZoneConfigs: [
                {
                  name: groupId,
                  properties: { privateDnsZoneId: `[resourceId('Microsoft.Network/privateDnsZones', ${quote(zone)})]` },
                },
              ],
            },
            dependsOn: [`[${endpointId}]`, `[resourceId('Microsoft.Network/privateDnsZones', ${quote(zone)})]`],
          },
        );
      }
      return resources;
    }
    case 'diagnostic-setting': {
      const target = str('target');
      const logs = Array.isArray(s.logs)
        ? s.logs.map((log) => ({ ...(log as object), enabled: true }))
        : [{ categoryGroup: 'allLogs', enabled: true }];
      const subscription = target === 'subscription';
      const diagnostic: ArmResource = {
        type: 'Microsoft.Insights/diagnosticSettings',
        apiVersion: '2021-05-01-preview',
        // The activity log's setting sits on the subscription itself (see atSubscription).
        ...(!subscription && {
          scope: target ? `[format('{0}/${target}', ${subject.scope})]` : `[${subject.scope}]`,
        }),
        name: str('name') ?? 'phiguard-audit',
        properties: {
          workspaceId: str('workspaceId') ?? input(/workspace/i) ?? '',
          logs: logs as Json[],
          ...(s.metrics === true && { metrics: [{ category: 'AllMetrics', enabled: true }] }),
        },
        ...(!subscription && { dependsOn }),
      };
      return [diagnostic];
    }
    case 'log-analytics-table-retention':
      return [
        {
          type: 'Microsoft.OperationalInsights/workspaces/tables',
          apiVersion: '2022-10-01',
          name: `[format('{0}/{1}', ${subject.name}, ${quote(str('table') ?? 'AzureDiagnostics')})]`,
          properties: {
            totalRetentionInDays: typeof s.totalRetentionInDays === 'number' ? s.totalRetentionInDays : 2191,
          },
          dependsOn,
        },
      ];
    case 'customer-managed-key': {
      const vault = nameOf('cmk');
      const vaultExpression = vault.slice(1, -1);
      const identity = nameOf('cmk-identity');
      const role = str('roleDefinitionId') ?? CRYPTO_SERVICE_ENCRYPTION_USER;
      const roleGuid = `guid(resourceId('Microsoft.KeyVault/vaults', ${vaultExpression}), ${identity.slice(1, -1)}, '${role}')`;
      const keySet: ArmResource[] = [
        {
          type: 'Microsoft.KeyVault/vaults',
          apiVersion: '2023-07-01',
          name: vault,
          location: subject.location,
          properties: {
            tenantId: '[subscription().tenantId]',
            ...cmkVaultProperties(),
          },
        },
        {
          type: 'Microsoft.KeyVault/vaults/keys',
          apiVersion: '2023-07-01',
          name: `[format('{0}/{1}', ${vaultExpression}, ${quote(str('keyName') ?? 'phiguard-cmk')})]`,
          properties: {
            kty: str('keyType') ?? 'RSA',
            keySize: typeof s.keySize === 'number' ? s.keySize : 3072,
            keyOps: ['wrapKey', 'unwrapKey'],
            rotationPolicy: cmkRotationPolicy(),
          },
          dependsOn: [`[resourceId('Microsoft.KeyVault/vaults', ${vaultExpression})]`],
        },
        {
          type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
          apiVersion: '2023-01-31',
          name: identity,
          location: subject.location,
        },
        {
          type: 'Microsoft.Authorization/roleAssignments',
          apiVersion: '2022-04-01',
          scope: `[format('Microsoft.KeyVault/vaults/{0}', ${vaultExpression})]`,
          name: `[${roleGuid}]`,
          properties: {
            roleDefinitionId: `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${role}')]`,
            principalId: `[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identity.slice(1, -1)}), '2023-01-31').principalId]`,
            principalType: 'ServicePrincipal',
          },
          dependsOn: [
            `[resourceId('Microsoft.KeyVault/vaults', ${vaultExpression})]`,
            `[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identity.slice(1, -1)})]`,
          ],
        },
      ];
      if (needsDiskEncryptionSet(subject.type)) {
        const identityId = `[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${identity.slice(1, -1)})]`;
        const keyId = `resourceId('Microsoft.KeyVault/vaults/keys', ${vaultExpression}, ${quote(str('keyName') ?? 'phiguard-cmk')})`;
        keySet.push({
          type: 'Microsoft.Compute/diskEncryptionSets',
          apiVersion: '2023-10-02',
          name: nameOf('des'),
          location: subject.location,
          identity: { type: 'UserAssigned', userAssignedIdentities: { [identityId]: {} } },
          properties: diskEncryptionSetProperties(
            {
              keyUriWithVersion: `[reference(${keyId}, '2023-07-01').keyUriWithVersion]`,
            } as KeyRefs,
            `[resourceId('Microsoft.KeyVault/vaults', ${vaultExpression})]`,
          ) as { [key: string]: Json },
          // The set's identity must be able to unwrap the key before the set is created.
          dependsOn: [
            `[${keyId}]`,
            `[extensionResourceId(resourceId('Microsoft.KeyVault/vaults', ${vaultExpression}), 'Microsoft.Authorization/roleAssignments', ${roleGuid})]`,
          ],
        });
      }
      return keySet;
    }
    case 'nsg-deny-rule':
      return [
        {
          type: 'Microsoft.Network/networkSecurityGroups/securityRules',
          apiVersion: '2023-11-01',
          name: `[format('{0}/{1}', ${subject.name}, ${quote(str('name') ?? 'phiguard-deny-inbound')})]`,
          properties: merge(
            {
              priority: 100,
              direction: 'Inbound',
              access: 'Deny',
              protocol: '*',
              sourceAddressPrefix: '*',
              sourcePortRange: '*',
              destinationAddressPrefix: '*',
              ...(!Array.isArray(s.destinationPortRanges) && { destinationPortRange: '*' }),
            },
            withoutKeys(s, Array.isArray(s.destinationPortRanges) ? ['name', 'destinationPortRange'] : ['name']),
          ),
          dependsOn,
        },
      ];
    case 'defender-plan':
      return [
        {
          type: 'Microsoft.Security/pricings',
          apiVersion: '2024-01-01',
          name: str('pricingName') ?? 'StorageAccounts',
          properties: merge({ pricingTier: 'Standard' }, withoutKeys(s, ['pricingName'])),
        },
      ];
    case 'sql-auditing': {
      const workspaceId = str('workspaceId') ?? input(/workspace/i) ?? '';
      return [
        {
          type: `${subject.type}/auditingSettings`,
          apiVersion: '2023-08-01-preview',
          name: `[format('{0}/default', ${subject.name})]`,
          properties: merge({ state: 'Enabled', isAzureMonitorTargetEnabled: true }, withoutKeys(s, ['workspaceId'])),
          dependsOn,
        },
        // Azure Monitor as the audit target needs a diagnostic setting on the master database (controls.md).
        {
          type: 'Microsoft.Insights/diagnosticSettings',
          apiVersion: '2021-05-01-preview',
          scope: /\/databases$/i.test(subject.type)
            ? `[${subject.scope}]`
            : `[format('{0}/databases/master', ${subject.scope})]`,
          name: 'phiguard-sql-audit',
          properties: { workspaceId, logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }] },
          dependsOn,
        },
      ];
    }
    case 'blob-service-properties':
      return [
        {
          type: 'Microsoft.Storage/storageAccounts/blobServices',
          apiVersion: '2023-05-01',
          name: `[format('{0}/default', ${subject.name})]`,
          properties: merge({}, s),
          dependsOn,
        },
      ];
    case 'lifecycle-policy':
      return [
        {
          type: 'Microsoft.Storage/storageAccounts/managementPolicies',
          apiVersion: '2023-05-01',
          name: `[format('{0}/default', ${subject.name})]`,
          properties: { policy: { rules: Array.isArray(s.rules) ? s.rules : [] } },
          dependsOn,
        },
      ];
    case 'resource-lock':
      return [
        {
          type: 'Microsoft.Authorization/locks',
          apiVersion: '2020-05-01',
          scope: `[${subject.scope}]`,
          name: str('name') ?? 'phiguard-lock',
          properties: merge(
            { level: 'CanNotDelete', notes: 'Protects PHI or its audit trail from deletion (phiguard fix).' },
            withoutKeys(s, ['name']),
          ),
          dependsOn,
        },
      ];
    default:
      return undefined;
  }
}

function withoutKeys(object: { [key: string]: Json }, keys: string[]): ValueObject | undefined {
  const lower = new Set(keys.map((k) => k.toLowerCase()));
  const entries = Object.entries(object).filter(([key]) => !lower.has(key.toLowerCase()));
  return entries.length > 0 ? (Object.fromEntries(entries) as ValueObject) : undefined;
}

function createStep(session: Session, fix: PlannedFix, step: Extract<FixStep, { kind: 'create' }>): void {
  const fingerprints = [fix.finding.fingerprint];
  // Several findings on one subject (each disk of a VM) ask for the same new resources: they are written once.
  const once = `${fix.resource.at?.file}:${fix.resource.id}:${step.resource}:${JSON.stringify(toPlain(step.settings ?? {}))}`;
  if (session.created.has(once)) return;
  session.created.add(once);
  const own = resourceNode(session, fix.resource);
  const root = own ? templateOf(own.node) : undefined;
  const resources = root ? child(root, 'resources') : undefined;
  if (!own || !root || !resources || (resources.type !== 'array' && resources.type !== 'object')) {
    session.note(fix, 'manual', `add a ${step.resource} for ${fix.resource.address} by hand`);
    return;
  }
  const { file } = own;
  const inputs = step.inputs ?? [];
  const parameterName = (name: string) => `${INPUT_PREFIX}${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const used = new Set<string>();
  const input = (pattern: RegExp): string | undefined => {
    const found = inputs.find((i) => pattern.test(i.name));
    if (!found) return undefined;
    used.add(found.name);
    return `[parameters('${parameterName(found.name)}')]`;
  };
  const subject = subjectOf(file, own.node, fix.resource);
  const resourcesFor = newResources(step.resource, subject, step.settings, input);
  const created =
    resourcesFor && subscriptionScoped(step) ? [atSubscription(resourcesFor, step, subject)] : resourcesFor;
  if (!created) {
    session.note(fix, 'manual', `add a ${step.resource} for ${fix.resource.address} by hand`);
    return;
  }
  // Declare the placeholders first (they precede resources in the file, so the later edit's offsets hold).
  if (inputs.length > 0) {
    if (!child(root, 'parameters')) appendMember(file, root, 'parameters', {}, fingerprints);
    for (const { name, why } of inputs) {
      const parameter = parameterName(name);
      session.note(fix, 'needs-input', `${parameter} — ${why}`);
      const template = own ? resourceNode(session, fix.resource) : undefined;
      const scope = template ? templateOf(template.node) : undefined;
      const current = scope ? child(scope, 'parameters') : undefined;
      if (!current || child(current, parameter)) continue;
      appendMember(file, current, parameter, { type: 'string', metadata: { description: why } }, fingerprints);
    }
  }
  for (const resource of created) {
    const owner = resourceNode(session, fix.resource);
    const template = owner ? templateOf(owner.node) : undefined;
    const current = template ? child(template, 'resources') : undefined;
    if (!current) break;
    if (current.type === 'array') appendMember(file, current, undefined, resource, fingerprints);
    else appendMember(file, current, symbolFor(current, step.resource), resource, fingerprints);
  }
  if (step.resource === 'customer-managed-key') wireKey(session, fix, created);
  if (step.resource === 'private-endpoint' && typeof step.settings?.privateDnsZone === 'string') {
    session.note(
      fix,
      'manual',
      `link the private DNS zone ${step.settings.privateDnsZone} to the virtual network of the endpoint's subnet (Microsoft.Network/privateDnsZones/virtualNetworkLinks) so clients resolve the private address`,
    );
  }
}

/** Steps whose resource lives on the subscription, not in the resource group the template deploys to. */
function subscriptionScoped(step: Extract<FixStep, { kind: 'create' }>): boolean {
  return (
    step.resource === 'defender-plan' ||
    (step.resource === 'diagnostic-setting' && step.settings?.target === 'subscription')
  );
}

/**
 * A resource-group template reaches its subscription through a nested deployment with `subscriptionId` and
 * `location` (and no resourceGroup) whose template has the subscription schema ("Deploy to multiple scopes", ARM
 * docs). The default outer evaluation scope lets its expressions read the template's own parameters (the
 * phiguard_input_ placeholders).
 */
function atSubscription(
  resources: ArmResource[],
  step: Extract<FixStep, { kind: 'create' }>,
  subject: Subject,
): ArmResource {
  const label =
    step.resource === 'defender-plan'
      ? `defender-${String(step.settings?.pricingName ?? 'plan')}`
      : `${String(step.settings?.name ?? 'activity-log')}`;
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: '2022-09-01',
    name: `phiguard-subscription-${label}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 64),
    subscriptionId: '[subscription().subscriptionId]',
    location: subject.location,
    properties: {
      mode: 'Incremental',
      template: {
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources,
      },
    },
  };
}

/**
 * Points the consumer at the new key: a user-assigned identity that can unwrap it, and the consumer's key
 * properties (keyWiring). Consumers that need more than properties (a disk encryption set) get a manual step.
 */
function wireKey(session: Session, fix: PlannedFix, created: ArmResource[]): void {
  const [vault, key, identity] = created;
  const vaultName = String(vault.name).slice(1, -1);
  const identityId = `[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', ${String(identity.name).slice(1, -1)})]`;
  const keyName = /'([^']*)'\)\]$/.exec(String(key.name))?.[1] ?? 'phiguard-cmk';
  const keyId = `resourceId('Microsoft.KeyVault/vaults/keys', ${vaultName}, ${quote(keyName)})`;
  const withVersion = `reference(${keyId}, '2023-07-01').keyUriWithVersion`;
  const refs: KeyRefs = {
    identityId,
    userAssignedIdentities: { [identityId]: {} },
    keyName,
    vaultUri: `[reference(resourceId('Microsoft.KeyVault/vaults', ${vaultName}), '2023-07-01').vaultUri]`,
    keyUri: `[reference(${keyId}, '2023-07-01').keyUri]`,
    keyUriWithVersion: `[${withVersion}]`,
    serverKeyName: `[format('{0}_{1}_{2}', ${vaultName}, ${quote(keyName)}, last(split(${withVersion}, '/')))]`,
  };
  const encryptionSet = created.find((r) => r.type === 'Microsoft.Compute/diskEncryptionSets');
  if (encryptionSet)
    refs.diskEncryptionSetId = `[resourceId('Microsoft.Compute/diskEncryptionSets', ${String(encryptionSet.name).slice(1, -1)})]`;
  const wiring = keyWiring(fix.resource, refs, session.context?.resources ?? []);
  if (!wiring) {
    session.note(fix, 'manual', `point ${fix.resource.address} at the new key ${keyName} with identity ${identityId}`);
    return;
  }
  // The consumer may only point at the key once the identity can unwrap it.
  const needed = [`[${keyId}]`];
  const roleName = String(created[3]?.name ?? '');
  if (roleName)
    needed.push(
      `[extensionResourceId(resourceId('Microsoft.KeyVault/vaults', ${vaultName}), 'Microsoft.Authorization/roleAssignments', ${roleName.slice(1, -1)})]`,
    );
  if (encryptionSet) needed.splice(0, needed.length, String(refs.diskEncryptionSetId));
  for (const part of wiring) {
    const target = { ...fix, resource: part.resource };
    for (const { path, value } of part.sets)
      setStep(session, target, { kind: 'set', path, value: value as Value }, true);
    const own = resourceNode(session, part.resource);
    if (!own) continue;
    const list = child(own.node, 'dependsOn');
    if (list?.type === 'array')
      for (const entry of needed) appendMember(own.file, list, undefined, entry, [fix.finding.fingerprint]);
    else appendMember(own.file, own.node, 'dependsOn', needed, [fix.finding.fingerprint]);
  }
}

/** The template object holding a resource: the file's root, or a nested deployment's `template`. */
function templateOf(node: Node): Node | undefined {
  for (let current: Node | undefined = node.parent; current; current = current.parent) {
    if (current.type === 'object' && child(current, 'resources') && !child(current, 'type')) return current;
  }
  return undefined;
}

function symbolFor(resources: Node, kind: NewResourceKind): string {
  const base = `phiguard_${kind.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}${n}`;
    if (!property(resources, name)) return name;
  }
}

/** Sets first, then removals from the last element down, then deletions: earlier steps' locations stay valid. */
function ordered(steps: readonly FixStep[]): FixStep[] {
  const rank = (s: FixStep) => ({ set: 0, create: 1, remove: 2, 'delete-resource': 3, manual: 4 })[s.kind];
  return [...steps].sort((a, b) => rank(a) - rank(b));
}

export const armWriter: SourceWriter = {
  origins: ['arm'],
  write(fixes: PlannedFix[], readText: ReadText, context?: WriteContext): WriterResult {
    const session = new Session(readText, context);
    for (const fix of fixes) {
      for (const step of ordered(fix.steps)) {
        switch (step.kind) {
          case 'set':
            setStep(session, fix, step);
            break;
          case 'remove':
            removeStep(session, fix, step);
            break;
          case 'delete-resource':
            deleteResource(session, fix);
            break;
          case 'create':
            createStep(session, fix, step);
            break;
          case 'manual':
            session.note(fix, 'manual', step.why);
            break;
        }
      }
    }
    return { edits: session.edits(), newFiles: [], notes: session.notes };
  },
};

// Waivers: accepted risks with a reason, optionally an expiry, a ticket and an approver. Three places declare them:
// - inline, beside the resource or attribute: `# phiguard:ignore PHI-STG-004 reason="..." expires=2026-12-31` in
//   Terraform (`#` or `//`) and Bicep (`//`); in ARM JSON (no comments) the resource's `metadata.phiguard.ignore`;
// - the waivers file (`.phiguard/waivers.yaml`), with resource selectors;
// - `iam.exceptions` in `.phiguard.yaml`.
// A waived finding is reported as `waived` with its waiver, never dropped. A waiver past its expiry fails closed:
// the finding keeps its status and says the waiver expired. `.phiguard.yaml` can forbid inline waivers for some rules
// or severities; such a waiver is ignored and reported. Malformed waivers are ConfigErrors at their line.
import { relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, type Node, parseDocument } from 'yaml';
import { type Config, calendarDate, listOfMaps, Reader, required, WAIVER_FIELDS } from '../core/config.js';
import { ConfigError, LineIndex } from '../core/errors.js';
import { getKey, isObject, locate } from '../core/path.js';
import { type Finding, type FindingWaiver, type Resource, Unresolved, type Value } from '../core/types.js';

/** Something a user should know about a waiver (ignored, expired, unused); the scan lists it as a warning. */
export interface WaiverNotice {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** One declared waiver, for one or more rules. */
export interface Waiver {
  rules: readonly string[];
  reason: string;
  expires?: string;
  ticket?: string;
  approver?: string;
  source: FindingWaiver['source'];
  file: string;
  line?: number;
  column?: number;
  /** Which subjects a file or config waiver covers; inline waivers are placed by position instead. */
  covers?: (finding: Finding, resource: Resource) => boolean;
}

interface Tracked extends Waiver {
  used: boolean;
  notified: boolean;
}

const RULE_ID = /^PHI-[A-Z]+-\d{3}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** True once the expiry day is over (a waiver expiring 2026-12-31 still holds on that day, UTC). */
export function isExpired(expires: string | undefined, now: Date): boolean {
  if (expires === undefined) return false;
  const day = calendarDate(expires);
  // Validated when parsed; an unreadable date would fail closed here too.
  return day === undefined || now.getTime() >= day.getTime() + DAY_MS;
}

function where(waiver: Waiver): string {
  return [waiver.file, waiver.line].filter((p) => p !== undefined).join(':');
}

function checkRule(rule: string, ruleIds: ReadonlySet<string>, fail: (message: string, hint?: string) => never): void {
  if (!RULE_ID.test(rule)) fail(`"${rule}" is not a rule id`, 'expected e.g. PHI-STG-004');
  if (ruleIds.size > 0 && !ruleIds.has(rule)) fail(`unknown rule ${rule}`, 'see `phiguard rules list`');
}

// ---------------------------------------------------------------------------------------------------------------
// Inline comments

const DIRECTIVE = /(?:#|\/\/)\s*phiguard:([A-Za-z][\w-]*)/;
const KEYS = ['reason', ...WAIVER_FIELDS] as const;
type Key = (typeof KEYS)[number];

/** Files whose syntax has comments, so an inline waiver can sit beside the resource or the attribute. */
export const COMMENTED_SOURCE = /\.(?:tf|tfvars|bicep|bicepparam)$/i;

/**
 * Parses every `phiguard:ignore` comment of a Terraform or Bicep source. Each is
 * `phiguard:ignore RULE[,RULE...] reason="..." [expires=YYYY-MM-DD] [ticket=X] [approver=Y]`.
 */
export function parseInlineWaivers(
  text: string,
  file: string,
  options: { ruleIds?: ReadonlySet<string>; require?: readonly string[] } = {},
): Waiver[] {
  const waivers: Waiver[] = [];
  if (!text.includes('phiguard:')) return waivers;
  const lines = text.split(/\r?\n/);
  for (const [index, content] of lines.entries()) {
    const match = DIRECTIVE.exec(content);
    if (!match) continue;
    const line = index + 1;
    const problem = (column: number, message: string, hint?: string) =>
      new ConfigError(message, { file, line, column }, hint);
    const nameColumn = match.index + match[0].length - match[1].length + 1;
    if (match[1] !== 'ignore')
      throw problem(nameColumn, `unknown directive "phiguard:${match[1]}"`, 'expected phiguard:ignore');
    const tail = new Cursor(content, match.index + match[0].length);
    tail.spaces();
    const rulesColumn = tail.column;
    const ruleText = tail.take(/^[^\s=]+/);
    if (!ruleText)
      throw problem(rulesColumn, 'phiguard:ignore needs a rule id', 'e.g. # phiguard:ignore PHI-STG-004 reason="..."');
    const rules = ruleText.split(',').filter(Boolean);
    for (const rule of rules)
      checkRule(rule, options.ruleIds ?? new Set(), (m, h) => {
        throw problem(rulesColumn, m, h);
      });
    const values: Partial<Record<Key, string>> = {};
    for (;;) {
      tail.spaces();
      if (tail.done() || tail.rest().startsWith('*/')) break;
      const keyColumn = tail.column;
      const key = tail.take(/^[A-Za-z_]+(?==)/);
      if (!key) throw problem(keyColumn, 'expected key=value after the rule id', `keys: ${KEYS.join(', ')}`);
      if (!(KEYS as readonly string[]).includes(key))
        throw problem(keyColumn, `unknown key "${key}"`, `expected ${KEYS.join(', ')}`);
      if (values[key as Key] !== undefined) throw problem(keyColumn, `"${key}" given twice`);
      tail.skip(1);
      const valueColumn = tail.column;
      const value = tail.value();
      if (value === undefined) throw problem(valueColumn, `unterminated quote in ${key}`);
      if (key === 'expires' && !calendarDate(value)) {
        throw problem(valueColumn, 'expires must be a date YYYY-MM-DD', `got "${value}"`);
      }
      values[key as Key] = value;
    }
    const reason = values.reason?.trim();
    if (!reason)
      throw problem(match.index + 1, `inline waiver for ${rules.join(', ')} has no reason`, 'add reason="..."');
    for (const field of options.require ?? []) {
      if (values[field as Key] === undefined) {
        throw problem(match.index + 1, `inline waiver for ${rules.join(', ')} needs ${field}= (waivers.require)`);
      }
    }
    waivers.push({
      rules,
      reason,
      expires: values.expires,
      ticket: values.ticket,
      approver: values.approver,
      source: 'inline',
      file,
      line,
      column: match.index + 1,
    });
  }
  return waivers;
}

/** Reads key=value pairs of a directive; columns are 1-based like every SourceLocation. */
class Cursor {
  constructor(
    private readonly text: string,
    private offset: number,
  ) {}
  get column(): number {
    return this.offset + 1;
  }
  done(): boolean {
    return this.offset >= this.text.length;
  }
  rest(): string {
    return this.text.slice(this.offset);
  }
  skip(count: number): void {
    this.offset += count;
  }
  spaces(): void {
    while (this.offset < this.text.length && /\s/.test(this.text[this.offset])) this.offset++;
  }
  take(pattern: RegExp): string {
    const match = pattern.exec(this.rest());
    if (!match) return '';
    this.offset += match[0].length;
    return match[0];
  }
  /** A bare word, or a "double" / 'single' quoted string with backslash escapes; undefined when unterminated. */
  value(): string | undefined {
    const quote = this.text[this.offset];
    if (quote !== '"' && quote !== "'") return this.take(/^\S*/);
    let out = '';
    for (let i = this.offset + 1; i < this.text.length; i++) {
      const char = this.text[i];
      if (char === '\\' && i + 1 < this.text.length) {
        out += this.text[++i];
      } else if (char === quote) {
        this.offset = i + 1;
        return out;
      } else {
        out += char;
      }
    }
    return undefined;
  }
}

/** Inline waivers of one source file, by line, and which lines are comments or decorators (they stack above). */
class SourceWaivers {
  readonly byLine = new Map<number, Tracked[]>();
  private readonly stacked: boolean[];
  constructor(text: string, waivers: Tracked[]) {
    for (const waiver of waivers) {
      const list = this.byLine.get(waiver.line ?? 0) ?? [];
      list.push(waiver);
      this.byLine.set(waiver.line ?? 0, list);
    }
    // Only files with waivers need the line table.
    this.stacked = waivers.length === 0 ? [] : text.split(/\r?\n/).map((l) => /^\s*(?:#|\/\/|@)/.test(l));
  }

  /** Waivers on `line` itself and in the block of comments (and Bicep decorators) directly above it. */
  at(line: number): Tracked[] {
    if (this.byLine.size === 0) return [];
    const found = [...(this.byLine.get(line) ?? [])];
    for (let l = line - 1; l >= 1 && this.stacked[l - 1]; l--) found.push(...(this.byLine.get(l) ?? []));
    return found;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ARM metadata

/** `metadata.phiguard.ignore: [{id, reason, expires, ticket, approver}]` of an ARM template resource. */
export function armMetadataWaivers(
  resource: Resource,
  options: { ruleIds?: ReadonlySet<string>; require?: readonly string[] } = {},
): Waiver[] {
  const metadata = resource.metadata;
  if (!isObject(metadata)) return [];
  const phiguard = getKey(metadata, 'phiguard');
  if (phiguard === undefined) return [];
  const place = (path: string) => {
    const at = locate(resource, path).at ?? resource.at;
    return { file: at?.file ?? resource.file ?? resource.address, line: at?.line, column: at?.column };
  };
  const fail = (path: string, message: string, hint?: string): never => {
    const { file, line, column } = place(path);
    throw new ConfigError(message, { file, line, column }, hint);
  };
  if (!isObject(phiguard)) fail('metadata.phiguard', 'metadata.phiguard must be an object with "ignore"');
  const ignore = getKey(phiguard as Record<string, Value>, 'ignore');
  if (ignore === undefined) return [];
  if (!Array.isArray(ignore)) return fail('metadata.phiguard.ignore', 'metadata.phiguard.ignore must be an array');
  return ignore.map((entry, index) => {
    const path = `metadata.phiguard.ignore.${index}`;
    if (!isObject(entry)) return fail(path, `${path} must be an object {id, reason, expires, ticket, approver}`);
    const text = (key: string): string | undefined => {
      const value = getKey(entry, key);
      if (value === undefined || value === null) return undefined;
      if (value instanceof Unresolved)
        return fail(`${path}.${key}`, `${path}.${key} must be a literal, not an expression`);
      if (typeof value !== 'string') return fail(`${path}.${key}`, `${path}.${key} must be a string`);
      return value;
    };
    for (const key of Object.keys(entry)) {
      if (!['id', ...KEYS].includes(key))
        fail(`${path}.${key}`, `unknown key "${path}.${key}"`, `expected id, ${KEYS.join(', ')}`);
    }
    const idValue = getKey(entry, 'id');
    const rules = Array.isArray(idValue) ? idValue : [idValue];
    if (idValue === undefined || rules.some((r) => typeof r !== 'string')) {
      fail(path, `${path}.id must be a rule id (or a list of them)`);
    }
    for (const rule of rules as string[])
      checkRule(rule, options.ruleIds ?? new Set(), (m, h) => fail(`${path}.id`, m, h));
    const reason = text('reason')?.trim();
    if (!reason) fail(path, `${path} has no reason`, 'add "reason"');
    const expires = text('expires');
    if (expires !== undefined && !calendarDate(expires)) {
      fail(`${path}.expires`, `${path}.expires must be a date YYYY-MM-DD`, `got "${expires}"`);
    }
    const values = { expires, ticket: text('ticket'), approver: text('approver') };
    for (const field of options.require ?? []) {
      if (values[field as keyof typeof values] === undefined) fail(path, `${path} needs ${field} (waivers.require)`);
    }
    return { rules: rules as string[], reason: reason as string, ...values, source: 'inline' as const, ...place(path) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The waivers file

const ENTRY_KEYS = [
  'rule',
  'reason',
  ...WAIVER_FIELDS,
  'id',
  'address',
  'name',
  'file',
  'resource_group',
  'tags',
] as const;

/** Case-insensitive exact text or glob. Exact first: Terraform addresses like `a.b["k"]` are not valid globs. */
function matcher(patterns: readonly string[]): (text: string | undefined) => boolean {
  const exact = new Set(patterns.map((p) => p.toLowerCase()));
  const globs = picomatch([...patterns], { nocase: true, dot: true });
  return (text) => text !== undefined && (exact.has(text.toLowerCase()) || globs(text));
}

const RESOURCE_GROUP = /\/resourceGroups\/([^/]+)/i;

function tagsMatch(resource: Resource, wanted: Record<string, string[]>): boolean {
  const tags = resource.tags;
  if (!isObject(tags)) return false;
  return Object.entries(wanted).every(([name, values]) => {
    const value = getKey(tags, name) ?? Object.entries(tags).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (typeof value !== 'string') return false;
    return values.some((v) => v === '*' || v.toLowerCase() === value.toLowerCase());
  });
}

/**
 * Parses `.phiguard/waivers.yaml`:
 * ```yaml
 * waivers:
 *   - rule: PHI-STG-004            # or a list
 *     reason: Public marketing assets, no PHI
 *     expires: 2026-12-31
 *     ticket: SEC-123
 *     approver: jane.doe@contoso.com
 *     name: stmarketing*           # selectors (all given must match; each a glob or a list of them)
 * ```
 * Selectors: `id`, `address`, `name`, `file` (relative to `root`, the directory that holds `.phiguard/`),
 * `resource_group`, `tags` (`{tag: value}`, `*` = any value). No selector waives the rule everywhere.
 */
export function parseWaiverFile(
  text: string,
  file: string,
  options: { root: string; ruleIds?: ReadonlySet<string>; require?: readonly string[] },
): Waiver[] {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, column } = new LineIndex(text).at(firstError.pos[0]);
    throw new ConfigError(firstError.message.split('\n')[0], { file, line, column });
  }
  const read = new Reader(doc, text, file);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) throw read.error(root, 'the waivers file must be a mapping with a "waivers" list');
  read.checkKeys([], ['waivers']);
  const list = (path: string[]): string[] | undefined => {
    const node = read.node(path);
    if (node === undefined) return undefined;
    return isScalar(node) ? [read.string(path, node) ?? ''] : read.strings(path, node);
  };
  return listOfMaps(read, ['waivers'], [...ENTRY_KEYS], (path) => {
    const entry = read.node(path) as Node;
    const rules = list([...path, 'rule']);
    if (!rules?.length) throw read.error(entry, `${path.join('.')}.rule is required`);
    const ruleNode = read.node([...path, 'rule']);
    for (const rule of rules)
      checkRule(rule, options.ruleIds ?? new Set(), (m, h) => {
        throw read.error(ruleNode, m, h);
      });
    const reason = required(read, [...path, 'reason']).trim();
    if (!reason) throw read.error(read.node([...path, 'reason']), `${path.join('.')}.reason is empty`);
    const values = {
      expires: read.date([...path, 'expires']),
      ticket: read.string([...path, 'ticket']),
      approver: read.string([...path, 'approver']),
    };
    for (const field of options.require ?? []) {
      if (values[field as keyof typeof values] === undefined) {
        throw read.error(entry, `${path.join('.')} needs ${field} (waivers.require)`);
      }
    }
    const ids = list([...path, 'id']);
    const addresses = list([...path, 'address']);
    const names = list([...path, 'name']);
    const files = list([...path, 'file']);
    const groups = list([...path, 'resource_group']);
    const tags = read.tagMap([...path, 'tags']);
    const test = {
      id: ids && matcher(ids),
      address: addresses && matcher(addresses),
      name: names && matcher(names),
      file: files && matcher(files),
      group: groups && matcher(groups),
    };
    const covers = (finding: Finding, resource: Resource): boolean => {
      if (test.id && !test.id(resource.id)) return false;
      if (test.address && !test.address(resource.address)) return false;
      if (test.name && !test.name(resource.name)) return false;
      if (test.group && !test.group(RESOURCE_GROUP.exec(resource.id)?.[1])) return false;
      if (tags && !tagsMatch(resource, tags)) return false;
      if (test.file) {
        const source = resource.file ?? finding.location?.file;
        if (source === undefined) return false;
        const given = source.replaceAll('\\', '/');
        const fromRoot = relative(options.root, resolve(source)).replaceAll('\\', '/');
        if (!test.file(given) && !test.file(fromRoot)) return false;
      }
      return true;
    };
    const at = read.where(entry);
    return { rules, reason, ...values, source: 'file', file, line: at?.line, column: at?.column, covers };
  });
}

/** `iam.exceptions` of the config as waivers: `subject` is a resource id, name or address, or an app/principal id. */
export function configWaivers(config: Config): Waiver[] {
  return config.iam.exceptions.map((exception) => {
    const subject = exception.subject.toLowerCase();
    const covers = (_finding: Finding, resource: Resource): boolean => {
      const properties = isObject(resource.properties) ? resource.properties : {};
      const candidates = [
        resource.id,
        resource.name,
        resource.address,
        getKey(properties, 'appId'),
        getKey(properties, 'principalId'),
      ];
      return candidates.some((c) => typeof c === 'string' && c.toLowerCase() === subject);
    };
    return {
      rules: [exception.rule],
      reason: exception.reason,
      expires: exception.expires,
      ticket: exception.ticket,
      approver: exception.approver,
      source: 'config' as const,
      file: config.source ?? '.phiguard.yaml',
      line: exception.at?.line,
      column: exception.at?.column,
      covers,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Applying waivers to findings

export interface WaiverSetOptions {
  config: Config;
  /** The clock for expiry (injectable: tests never depend on today). */
  now: Date;
  /** Known rule ids: a waiver for a misspelt rule would silently waive nothing. Empty = do not check. */
  ruleIds?: ReadonlySet<string>;
  /** Waivers from the waivers file and the config. */
  waivers?: readonly Waiver[];
  /** Reads a commented source that was not registered with `addSource` (a module or tfvars file); undefined = unreadable. */
  readSource?: (file: string) => string | undefined;
}

/** Decides, per finding, whether a waiver covers it, and remembers which waivers were used. */
export class WaiverSet {
  private readonly byRule = new Map<string, Tracked[]>();
  private readonly sources = new Map<string, SourceWaivers>();
  private readonly metadata = new WeakMap<Resource, Tracked[]>();
  private readonly all: Tracked[] = [];
  private readonly forbidRule: (rule: string) => boolean;

  constructor(private readonly options: WaiverSetOptions) {
    for (const waiver of options.waivers ?? []) {
      const tracked = this.track(waiver);
      for (const rule of waiver.rules) {
        const list = this.byRule.get(rule) ?? [];
        list.push(tracked);
        this.byRule.set(rule, list);
      }
    }
    const forbidden = options.config.waivers.inline.forbidRules;
    this.forbidRule = forbidden.length > 0 ? picomatch(forbidden, { nocase: true }) : () => false;
  }

  private track(waiver: Waiver): Tracked {
    const tracked = { ...waiver, used: false, notified: false };
    this.all.push(tracked);
    return tracked;
  }

  private get parseOptions() {
    return { ruleIds: this.options.ruleIds, require: this.options.config.waivers.require };
  }

  /** Registers a Terraform or Bicep source's inline waivers; a malformed one is a ConfigError. */
  addSource(file: string, text: string): void {
    const key = file.replaceAll('\\', '/');
    if (this.sources.has(key) || !COMMENTED_SOURCE.test(file)) return;
    const waivers = parseInlineWaivers(text, file, this.parseOptions).map((w) => this.track(w));
    this.sources.set(key, new SourceWaivers(text, waivers));
  }

  /** Registers an ARM resource's metadata waivers (so malformed and unused ones are found without a finding). */
  addResource(resource: Resource): Tracked[] {
    let waivers = this.metadata.get(resource);
    if (!waivers) {
      waivers = armMetadataWaivers(resource, this.parseOptions).map((w) => this.track(w));
      this.metadata.set(resource, waivers);
    }
    return waivers;
  }

  private source(file: string): SourceWaivers | undefined {
    const key = file.replaceAll('\\', '/');
    if (!this.sources.has(key) && COMMENTED_SOURCE.test(file)) {
      const text = this.options.readSource?.(file);
      if (text !== undefined) this.addSource(file, text);
    }
    return this.sources.get(key);
  }

  /** Why the config forbids an inline waiver of this finding, or undefined when it is allowed. */
  private forbidden(finding: Finding): string | undefined {
    const { inline } = this.options.config.waivers;
    if (this.forbidRule(finding.ruleId)) return `waivers.inline.forbid_rules covers ${finding.ruleId}`;
    if (inline.forbidSeverities.includes(finding.severity)) {
      return `waivers.inline.forbid_severities includes ${finding.severity}`;
    }
    return undefined;
  }

  /**
   * Waives `finding` when an allowed, unexpired waiver covers it. Otherwise an expired or forbidden waiver stays
   * attached and the message says why it no longer applies (fail closed). `notify` hears about each ignored or
   * expired waiver once.
   */
  apply(finding: Finding, resource: Resource, notify: (notice: WaiverNotice) => void = () => {}): void {
    const candidates: Tracked[] = [];
    for (const waiver of this.byRule.get(finding.ruleId) ?? []) {
      if (waiver.covers?.(finding, resource)) candidates.push(waiver);
    }
    const inline: Tracked[] = [];
    if (resource.metadata !== undefined) inline.push(...this.addResource(resource));
    // Snapshots and ARM JSON have no comments: their (possibly hundreds of thousands of) findings skip the lookup.
    const { at } = resource;
    const location = finding.location;
    if (at && COMMENTED_SOURCE.test(at.file)) inline.push(...(this.source(at.file)?.at(at.line) ?? []));
    if (location && COMMENTED_SOURCE.test(location.file) && (location.file !== at?.file || location.line !== at.line)) {
      inline.push(...(this.source(location.file)?.at(location.line) ?? []));
    }
    for (const waiver of inline)
      if (waiver.rules.includes(finding.ruleId) && !candidates.includes(waiver)) candidates.push(waiver);
    if (candidates.length === 0) return;

    const why = this.forbidden(finding);
    const judged = candidates.map((waiver) => {
      waiver.used = true;
      const state: FindingWaiver['state'] =
        waiver.source === 'inline' && why
          ? 'forbidden'
          : isExpired(waiver.expires, this.options.now)
            ? 'expired'
            : 'active';
      return { waiver, state };
    });
    const chosen =
      judged.find((j) => j.state === 'active') ??
      judged.find((j) => j.state === 'expired') ??
      judged.find((j) => j.state === 'forbidden');
    if (!chosen) return;
    const { waiver, state } = chosen;
    finding.waiver = {
      reason: waiver.reason,
      ...(waiver.expires !== undefined ? { expires: waiver.expires } : {}),
      ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
      ...(waiver.approver !== undefined ? { approver: waiver.approver } : {}),
      source: waiver.source,
      at: where(waiver),
      state,
    };
    if (state === 'active') {
      finding.status = 'waived';
      return;
    }
    const note =
      state === 'expired'
        ? `waiver expired on ${waiver.expires} (${where(waiver)})`
        : `inline waiver at ${where(waiver)} ignored: ${why}`;
    finding.message = `${finding.message} [${note}]`;
    if (!waiver.notified) {
      waiver.notified = true;
      notify({
        file: waiver.file,
        line: waiver.line,
        column: waiver.column,
        message:
          state === 'expired'
            ? `waiver for ${waiver.rules.join(', ')} expired on ${waiver.expires}; its findings count again`
            : `inline waiver for ${finding.ruleId} ignored: ${why} (${this.options.config.source ?? 'config'})`,
      });
    }
  }

  /** Waivers that covered no finding: the failure was fixed (remove the waiver) or the selector is wrong. */
  unused(): WaiverNotice[] {
    return this.all
      .filter((waiver) => !waiver.used)
      .map((waiver) => ({
        file: waiver.file,
        line: waiver.line,
        column: waiver.column,
        message: `waiver for ${waiver.rules.join(', ')} matched no finding (fixed? then remove it)`,
      }));
  }
}

// The NSG security rule model shared by PHI-NET-001/002/003 (rules.yaml PHI-NET-001 check, controls.md B1): inline
// `properties.securityRules[]` of an NSG and standalone `networkSecurityGroups/securityRules` resources, evaluated
// against a set of (port, transport) targets with internet sources, priority shadowing and attachment labels.
import { type Inventory, parentId } from '../../../core/inventory.js';
import { isObject, lookupIn } from '../../../core/path.js';
import { LIVE_ORIGINS, type Outcome, type Resource, type Value } from '../../../core/types.js';
import { type FixStep, fail, notApplicable, type PathRead, pass, type RuleContext, unknown } from '../../define.js';
import { set } from '../fixes.js';
import { internetKind, kindCovered } from './ip.js';
import {
  describePorts,
  intersect,
  type PortRange,
  type PortTarget,
  parsePortList,
  subtract,
  type Transport,
} from './ports.js';
import { and, type Blocker, blockerMessage, blockerOf, isBlocker, or, requiredText, type Tri } from './tri.js';

export const NSG_TYPE = 'Microsoft.Network/networkSecurityGroups';
export const SECURITY_RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';

/** One security rule: where its properties object lives. */
export interface SecurityRuleRef {
  resource: Resource;
  /** `properties.securityRules.2.properties` (inline) or `properties` (standalone resource). */
  base: string;
  name: string;
}

interface InternetSource {
  kind: string;
  text: string;
  read: PathRead;
}

interface ParsedRule {
  ref: SecurityRuleRef;
  direction: string | Blocker;
  access: string | Blocker;
  protocol: string | Blocker;
  priority: number | Blocker;
  internet: InternetSource[];
  /** Set when a source entry is unresolved, or no source is given at all. */
  sourceBlocker?: Blocker;
  ports: PortRange[];
  portBlocker?: Blocker;
}

/** A (transport, ports) slice of a target that a rule lets through. */
interface Piece {
  protocol: Transport;
  ranges: PortRange[];
}

export interface NsgCheck {
  /** What the rule looks for, e.g. the configured database ports or TCP 22. */
  targets: PortTarget[];
  /** Names the target in messages: "SSH (TCP 22)". */
  what: string;
  expected: string;
}

const lower = (value: string): string => value.toLowerCase();

function shortName(resource: Resource): string {
  return resource.name.split('/').pop() ?? resource.name;
}

/** The inline rules of an NSG (`properties.securityRules[]`); a whole list that is unresolved yields a blocker. */
export function inlineRules(nsg: Resource, context: RuleContext): SecurityRuleRef[] | Blocker {
  const list = context.read(nsg, 'properties.securityRules');
  if (list.state === 'unknown') return blockerOf(list);
  if (!Array.isArray(list.value)) return [];
  return list.value.map((item, index) => ({
    resource: nsg,
    base: `properties.securityRules.${index}.properties`,
    name: isObject(item) && typeof item.name === 'string' ? item.name : `#${index}`,
  }));
}

function standaloneRef(rule: Resource): SecurityRuleRef {
  return { resource: rule, base: 'properties', name: shortName(rule) };
}

function readPriority(read: PathRead): number | Blocker {
  const text = requiredText(read);
  if (isBlocker(text) || /^\d+$/.test(text)) return isBlocker(text) ? text : Number(text);
  return { path: read.path, expression: text, at: read.at, message: `priority '${text}' is not a number` };
}

function parseRule(ref: SecurityRuleRef, context: RuleContext): ParsedRule {
  const read = (field: string): PathRead => context.read(ref.resource, `${ref.base}.${field}`);
  const parsed: ParsedRule = {
    ref,
    direction: requiredText(read('direction')),
    access: requiredText(read('access')),
    protocol: requiredText(read('protocol')),
    priority: readPriority(read('priority')),
    internet: [],
    ports: [],
  };
  readSources(parsed, read, context);
  readPorts(parsed, read);
  return parsed;
}

function readSources(parsed: ParsedRule, read: (field: string) => PathRead, context: RuleContext): void {
  const internetSources = context.config.network.internetSources;
  let any = false;
  const take = (entry: PathRead): void => {
    if (entry.state === 'unknown') {
      parsed.sourceBlocker ??= blockerOf(entry);
      return;
    }
    if (typeof entry.value !== 'string' || entry.value.trim() === '') return;
    any = true;
    const kind = internetKind(entry.value, internetSources);
    if (kind) parsed.internet.push({ kind, text: entry.value, read: entry });
  };
  take(read('sourceAddressPrefix'));
  const plural = read('sourceAddressPrefixes');
  if (plural.state === 'unknown') parsed.sourceBlocker ??= blockerOf(plural);
  else if (Array.isArray(plural.value)) {
    for (let i = 0; i < plural.value.length; i++) take(read(`sourceAddressPrefixes.${i}`));
  }
  if (any || parsed.sourceBlocker) return;
  // Application security groups are VNet-internal sources, never the internet.
  const groups = read('sourceApplicationSecurityGroups');
  if (groups.state === 'unknown' || (Array.isArray(groups.value) && groups.value.length > 0)) return;
  parsed.sourceBlocker = {
    path: `${parsed.ref.base}.sourceAddressPrefix`,
    expression: 'absent (required by the API)',
    at: read('sourceAddressPrefix').at,
    message: 'the rule has no source address prefix',
  };
}

function readPorts(parsed: ParsedRule, read: (field: string) => PathRead): void {
  let any = false;
  const take = (entry: PathRead): void => {
    if (entry.state === 'unknown') {
      parsed.portBlocker ??= blockerOf(entry);
      return;
    }
    const text = typeof entry.value === 'number' ? String(entry.value) : entry.value;
    if (typeof text !== 'string' || text.trim() === '') return;
    any = true;
    const { ranges, invalid } = parsePortList(text);
    parsed.ports.push(...ranges);
    if (invalid.length > 0) {
      parsed.portBlocker ??= {
        path: entry.path,
        expression: text,
        at: entry.at,
        message: `${entry.path} '${text}' is not a port, range or '*'`,
      };
    }
  };
  take(read('destinationPortRange'));
  const plural = read('destinationPortRanges');
  if (plural.state === 'unknown') parsed.portBlocker ??= blockerOf(plural);
  else if (Array.isArray(plural.value)) {
    for (let i = 0; i < plural.value.length; i++) take(read(`destinationPortRanges.${i}`));
  }
  if (!any && !parsed.portBlocker) {
    const single = read('destinationPortRange');
    parsed.portBlocker = {
      path: single.path,
      expression: 'absent (required by the API)',
      at: single.at,
      message: 'neither destinationPortRange nor destinationPortRanges is set',
    };
  }
}

function equals(value: string | Blocker, wanted: string): Tri {
  return isBlocker(value) ? value : value === wanted;
}

function admits(protocol: string | Blocker, transport: Transport): Tri {
  return isBlocker(protocol) ? protocol : protocol === '*' || protocol === 'any' || protocol === transport;
}

function portsHit(rule: ParsedRule, ranges: readonly PortRange[]): Tri {
  if (intersect(rule.ports, ranges).length > 0) return true;
  return rule.portBlocker ?? false;
}

function internet(rule: ParsedRule): Tri {
  if (rule.internet.length > 0) return true;
  return rule.sourceBlocker ?? false;
}

/** Whether the rule lets internet traffic to any target through (before shadowing), and which slices. */
function exposure(rule: ParsedRule, targets: readonly PortTarget[]): { match: Tri; pieces: Piece[] } {
  const perTarget = targets.map((target) => and(admits(rule.protocol, target.protocol), portsHit(rule, target.ranges)));
  const match = and(equals(rule.direction, 'inbound'), equals(rule.access, 'allow'), internet(rule), or(...perTarget));
  const pieces: Piece[] = [];
  targets.forEach((target, i) => {
    if (perTarget[i] === true) pieces.push({ protocol: target.protocol, ranges: intersect(rule.ports, target.ranges) });
  });
  return { match, pieces };
}

/** Ports still exposed after higher-precedence Deny rules, plus the first peer that could not be read fully. */
function afterShadowing(
  rule: ParsedRule,
  pieces: Piece[],
  peers: readonly ParsedRule[],
  unreadPeers?: Blocker,
): { rest: Piece[]; blocker?: Blocker } {
  let blocker = unreadPeers;
  const kinds = rule.internet.map((source) => source.kind);
  let rest = pieces;
  const priority = rule.priority as number;
  for (const peer of peers) {
    if (peer.ref === rule.ref) continue;
    const lowerNumber: Tri = isBlocker(peer.priority) ? peer.priority : peer.priority < priority;
    const candidate = and(equals(peer.direction, 'inbound'), equals(peer.access, 'deny'), lowerNumber);
    if (candidate === false) continue;
    const unreadable = isBlocker(candidate)
      ? candidate
      : isBlocker(peer.protocol)
        ? peer.protocol
        : (peer.sourceBlocker ?? peer.portBlocker);
    if (unreadable) {
      blocker ??= {
        ...unreadable,
        message: `may be shadowed by Deny rule '${peer.ref.name}': ${blockerMessage(unreadable)}`,
      };
      continue;
    }
    const denied = new Set(peer.internet.map((source) => source.kind));
    if (!kinds.every((kind) => kindCovered(kind, denied))) continue;
    rest = rest
      .map((piece) =>
        admits(peer.protocol, piece.protocol) === true
          ? { ...piece, ranges: subtract(piece.ranges, peer.ports) }
          : piece,
      )
      .filter((piece) => piece.ranges.length > 0);
  }
  return { rest, blocker };
}

function describePieces(pieces: readonly Piece[]): string {
  return (['tcp', 'udp'] as const)
    .map((protocol) => pieces.filter((piece) => piece.protocol === protocol).flatMap((piece) => piece.ranges))
    .map((ranges, i) => (ranges.length > 0 ? `${i === 0 ? 'TCP' : 'UDP'} ${describePorts(ranges)}` : ''))
    .filter((text) => text !== '')
    .join('; ');
}

const attachmentCache = new WeakMap<Inventory, Set<string>>();

const ATTACHERS: readonly (readonly [string, string])[] = [
  ['Microsoft.Network/virtualNetworks/subnets', 'properties.networkSecurityGroup.id'],
  ['Microsoft.Network/networkInterfaces', 'properties.networkSecurityGroup.id'],
];

/** Ids of NSGs that some subnet or NIC of the inventory references (templates declare attachment on that side). */
function attachedNsgIds(inventory: Inventory): Set<string> {
  const cached = attachmentCache.get(inventory);
  if (cached) return cached;
  const ids = new Set<string>();
  const add = (root: Value | undefined, path: string): void => {
    const found = root === undefined ? undefined : lookupIn(root, path);
    if (found?.kind === 'present' && typeof found.value === 'string') ids.add(lower(found.value));
  };
  for (const [type, path] of ATTACHERS) {
    for (const resource of inventory.byType(type)) add(resource as unknown as Value, path);
  }
  for (const vnet of inventory.byType('Microsoft.Network/virtualNetworks')) {
    const subnets = isObject(vnet.properties) ? vnet.properties.subnets : undefined;
    if (Array.isArray(subnets)) for (const subnet of subnets) add(subnet, 'properties.networkSecurityGroup.id');
  }
  attachmentCache.set(inventory, ids);
  return ids;
}

/**
 * "exposed" when the NSG is attached to a subnet or NIC; "latent" when a live NSG is attached to nothing (a GET lists
 * every attachment); nothing when a template does not show the attachment (it may live in another template).
 */
export function attachmentLabel(nsg: Resource | undefined, context: RuleContext): 'exposed' | 'latent' | undefined {
  if (!nsg) return undefined;
  for (const path of ['properties.subnets', 'properties.networkInterfaces']) {
    const list = context.read(nsg, path);
    if (list.state === 'unknown' || (Array.isArray(list.value) && list.value.length > 0)) return 'exposed';
  }
  if (attachedNsgIds(context.inventory).has(lower(nsg.id))) return 'exposed';
  return LIVE_ORIGINS.has(nsg.origin) ? 'latent' : undefined;
}

const LABEL_TEXT = {
  exposed: 'the NSG is attached to a subnet or network interface (exposed)',
  latent: 'the NSG is not attached to any subnet or network interface (latent: it applies once attached)',
} as const;

function evaluate(
  subjects: readonly SecurityRuleRef[],
  peers: readonly SecurityRuleRef[],
  nsg: Resource | undefined,
  check: NsgCheck,
  context: RuleContext,
  unreadPeers?: Blocker,
): Outcome[] {
  const parsedPeers = peers.map((ref) => parseRule(ref, context));
  const byRef = new Map(parsedPeers.map((rule) => [rule.ref, rule]));
  const outcomes: Outcome[] = [];
  let label: 'exposed' | 'latent' | undefined | null = null;
  for (const ref of subjects) {
    const rule = byRef.get(ref) ?? parseRule(ref, context);
    const { match, pieces } = exposure(rule, check.targets);
    const say = (blocker: Blocker): Outcome =>
      unknown(blocker, `Security rule '${rule.ref.name}': ${blockerMessage(blocker)}`);
    if (match === false) continue;
    if (isBlocker(match)) {
      outcomes.push(say(match));
      continue;
    }
    if (isBlocker(rule.priority)) {
      outcomes.push(say(rule.priority));
      continue;
    }
    const { rest, blocker } = afterShadowing(rule, pieces, parsedPeers, unreadPeers);
    if (rest.length === 0) {
      // Shadowed on what is known; an unresolved source or port of the rule itself may reach beyond the Deny.
      const own = rule.sourceBlocker ?? rule.portBlocker;
      if (own) outcomes.push(say(own));
      continue;
    }
    if (blocker) {
      outcomes.push(say(blocker));
      continue;
    }
    if (label === null) label = attachmentLabel(nsg, context);
    const source = rule.internet[0];
    const where = label ? `; ${LABEL_TEXT[label]}` : '';
    outcomes.push(
      fail(source.read, {
        expected: check.expected,
        message: `Inbound security rule '${rule.ref.name}' (priority ${rule.priority}) allows ${check.what} from internet source '${source.text}': ${describePieces(rest)}${where}`,
        labels: label ? [label] : undefined,
      }),
    );
  }
  return outcomes;
}

function sameNsg(rule: Resource): (other: Resource) => boolean {
  const parent = lower(parentId(rule.id) ?? '');
  return (other) => lower(parentId(other.id) ?? '') === parent;
}

/** The check of PHI-NET-001/002/003 for an NSG (its inline rules) or a standalone security rule. */
export function checkNsgResource(resource: Resource, context: RuleContext, check: NsgCheck): Outcome[] {
  const { inventory } = context;
  if (lower(resource.type) === lower(NSG_TYPE)) {
    const inline = inlineRules(resource, context);
    if (isBlocker(inline)) return [unknown(inline, `The NSG's security rules ${blockerMessage(inline)}`)];
    const standalone = inventory
      .related(resource, 'children')
      .filter((child) => lower(child.type) === lower(SECURITY_RULE_TYPE))
      .map(standaloneRef);
    const outcomes = evaluate(inline, [...inline, ...standalone], resource, check, context);
    return outcomes.length > 0 ? outcomes : [pass('properties.securityRules')];
  }
  const nsg = inventory.related(resource, 'parent')[0];
  const inline = nsg ? inlineRules(nsg, context) : [];
  const name = lower(shortName(resource));
  // A live NSG body already lists its standalone rules inline; evaluate each rule once.
  if (!isBlocker(inline) && inline.some((ref) => lower(ref.name) === name)) {
    return [notApplicable(`evaluated as an inline rule of ${nsg?.name}`)];
  }
  const self = standaloneRef(resource);
  const inSameNsg = sameNsg(resource);
  const siblings = inventory
    .byType(SECURITY_RULE_TYPE)
    .filter((other) => other !== resource && inSameNsg(other))
    .map(standaloneRef);
  const peers = [self, ...(isBlocker(inline) ? [] : inline), ...siblings];
  // An unresolved inline rule list of the parent may hold a Deny that shadows this rule.
  const unreadPeers = isBlocker(inline)
    ? { ...inline, message: `may be shadowed by a rule of ${nsg?.name}: ${blockerMessage(inline)}` }
    : undefined;
  const outcomes = evaluate([self], peers, nsg, check, context, unreadPeers);
  return outcomes.length > 0 ? outcomes : [pass('properties')];
}

/**
 * The fix of an NSG finding: the security rule whose source admits the internet is set to Deny. The finding's path
 * names one of the rule's source fields, so the rule's own properties object is the path before it.
 */
export function denySecurityRule(path: string, what: string): FixStep[] {
  const base = path.replace(
    /\.(sourceAddressPrefix|sourceAddressPrefixes(\.\d+)?|sourceApplicationSecurityGroups)$/i,
    '',
  );
  return [
    set(
      `${base}.access`,
      'Deny',
      `every port this rule names is denied from its sources, not only ${what}: give legitimate clients a narrower Allow rule (named source ranges, Azure Bastion or JIT) first`,
    ),
  ];
}

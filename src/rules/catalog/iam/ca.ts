// Conditional Access coverage of the PHI applications (PHI-IAM-005 MFA, PHI-IAM-006 sign-in frequency).
//
// Policies are tenant-wide and a PHI app is covered when ANY policy covers it, so each policy subject reports only
// its share of the tenant-level answer, per PHI app (classification.phi_apps):
// - app covered: the covering policies pass for it;
// - else, some policy might cover it but needs review (group-scoped users...): those policies are unknown for it;
// - else, the policies that target the app (include it or "All") fail for it, each with its own gaps;
// - else no policy targets it: the "anchor" policy (lowest id, a stable choice) fails for it.
// Block policies (grant "block", e.g. legacy authentication) are not attempts at MFA or session limits: they are
// left out, except as the legacy-authentication block that lets a browser + mobile/desktop policy count.
// A policy with nothing to say about any PHI app is not applicable. This needs every policy of the tenant: when the
// subject is not in the inventory (a caller that did not hold the policies together), the rule cannot see the others
// and reports needs-review instead of guessing. Streamed scans hold them (CA_RELATED) and evaluate at the end.
import type { Config } from '../../../core/config.js';
import type { Inventory } from '../../../core/inventory.js';
import { asBoolean, getKey, isObject, sameText } from '../../../core/path.js';
import { type Outcome, type Resource, Unresolved, type Value, type ValueObject } from '../../../core/types.js';
import { failAt, notApplicable, type RuleContext, unknown } from '../../define.js';
import {
  APP_ROLE_ASSIGNMENT,
  assignedPrincipals,
  CONDITIONAL_ACCESS_POLICY,
  field,
  hasText,
  SERVICE_PRINCIPAL,
  servicePrincipalOf,
  strings,
} from './graph.js';

export type PhiApp = { appId: string; name?: string };

/** What the Conditional Access rules read besides their subject (declared so streamed scans hold them). */
export const CA_RELATED = [CONDITIONAL_ACCESS_POLICY, SERVICE_PRINCIPAL, APP_ROLE_ASSIGNMENT];

/** How one policy relates to one PHI app. */
export type Coverage =
  | { kind: 'covers'; path: string; detail: string }
  | { kind: 'unknown'; path: string; expression: string; reason: string }
  | { kind: 'gap'; path: string; actual: Value | undefined; gaps: string[] }
  | { kind: 'unrelated' };

/** What the rule adds to the common coverage test (grant controls for MFA, session controls for frequency). */
export type Requirement = (
  policy: Resource,
  context: RuleContext,
) =>
  | { ok: true; detail: string }
  | { ok: false; path: string; actual: Value | undefined; gap: string }
  | { unknown: true; path: string; expression: string; reason: string };

function obj(value: Value | undefined): ValueObject | undefined {
  return isObject(value) ? value : undefined;
}

function conditions(policy: Resource): ValueObject {
  return obj(field(policy, 'conditions')) ?? {};
}

function list(object: ValueObject | undefined, key: string): string[] {
  return object ? strings(getKey(object, key)) : [];
}

/** True when the policy names the app (by appId) or "All" among its included cloud apps. */
export function targets(policy: Resource, app: PhiApp): boolean {
  const include = list(obj(getKey(conditions(policy), 'applications')), 'includeApplications');
  return hasText(include, 'All') || hasText(include, app.appId);
}

/** A policy that denies access (grant "block", e.g. legacy authentication): it neither grants MFA nor sessions. */
function blocks(policy: Resource): boolean {
  return hasText(list(obj(field(policy, 'grantControls')), 'builtInControls'), 'block');
}

function unresolvedIn(policy: Resource): Unresolved | undefined {
  const search = (value: Value | undefined): Unresolved | undefined => {
    if (value instanceof Unresolved) return value;
    if (Array.isArray(value))
      for (const item of value) {
        const found = search(item);
        if (found) return found;
      }
    else if (isObject(value))
      for (const item of Object.values(value)) {
        const found = search(item);
        if (found) return found;
      }
    return undefined;
  };
  return search(policy.properties);
}

const LEGACY_CLIENTS = ['exchangeActiveSync', 'other'];

/** A non-empty condition that limits when the policy applies (locations, platforms, risk, device filters...). */
function narrowing(cond: ValueObject): string[] {
  const found: string[] = [];
  const locations = obj(getKey(cond, 'locations'));
  if (locations) {
    const include = list(locations, 'includeLocations');
    const exclude = list(locations, 'excludeLocations');
    if ((include.length > 0 && !hasText(include, 'All')) || exclude.length > 0) {
      found.push(`locations (include ${JSON.stringify(include)}, exclude ${JSON.stringify(exclude)})`);
    }
  }
  const platforms = obj(getKey(cond, 'platforms'));
  if (platforms) {
    const include = list(platforms, 'includePlatforms');
    const exclude = list(platforms, 'excludePlatforms');
    if ((include.length > 0 && !hasText(include, 'all')) || exclude.length > 0) {
      found.push(`device platforms (include ${JSON.stringify(include)}, exclude ${JSON.stringify(exclude)})`);
    }
  }
  for (const key of ['signInRiskLevels', 'userRiskLevels', 'servicePrincipalRiskLevels']) {
    const levels = list(cond, key);
    if (levels.length > 0) found.push(`${key} ${JSON.stringify(levels)}`);
  }
  for (const key of ['insiderRiskLevels', 'authenticationFlows']) {
    const value = getKey(cond, key);
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) found.push(key);
  }
  const devices = obj(getKey(cond, 'devices'));
  if (devices && obj(getKey(devices, 'deviceFilter'))) found.push('a device filter');
  return found;
}

/** The common coverage test: enforced, the app included and not excluded, all users, all client apps, no narrowing. */
export function coverage(
  policy: Resource,
  app: PhiApp,
  policies: readonly Resource[],
  context: RuleContext,
  requirement: Requirement,
): Coverage {
  if (!targets(policy, app) || blocks(policy)) return { kind: 'unrelated' };
  const blocked = unresolvedIn(policy);
  if (blocked) {
    return {
      kind: 'unknown',
      path: 'properties',
      expression: blocked.expression,
      reason: 'the policy holds an unresolved value',
    };
  }
  const { config } = context;
  const gaps: string[] = [];
  let path: string | undefined;
  let actual: Value | undefined;
  const note = (gap: string, at: string, value: Value | undefined) => {
    gaps.push(gap);
    if (path === undefined) {
      path = at;
      actual = value;
    }
  };
  const state = field(policy, 'state');
  if (!sameText(state, 'enabled')) {
    const why = sameText(state, 'enabledForReportingButNotEnforced')
      ? 'report-only (enabledForReportingButNotEnforced, not enforced)'
      : sameText(state, 'disabled')
        ? 'disabled'
        : `in state ${JSON.stringify(state ?? null)}`;
    note(`the policy is ${why}`, 'properties.state', state);
  }
  const cond = conditions(policy);
  const apps = obj(getKey(cond, 'applications'));
  if (hasText(list(apps, 'excludeApplications'), app.appId)) {
    note(
      'it excludes the app',
      'properties.conditions.applications.excludeApplications',
      getKey(apps ?? {}, 'excludeApplications'),
    );
  }
  const clientTypes = getKey(cond, 'clientAppTypes');
  const types = strings(clientTypes);
  let clientUnknown: string | undefined;
  if (!Array.isArray(clientTypes) || types.length === 0) {
    clientUnknown = 'conditions.clientAppTypes is absent (Graph requires it: a truncated export?)';
  } else if (!hasText(types, 'all')) {
    const modern = hasText(types, 'browser') && hasText(types, 'mobileAppsAndDesktopClients');
    if (!modern) {
      note(
        `it applies only to client app types ${JSON.stringify(types)}`,
        'properties.conditions.clientAppTypes',
        clientTypes,
      );
    } else if (!LEGACY_CLIENTS.every((t) => hasText(types, t)) && !legacyBlocked(app, policies, config)) {
      note(
        'it leaves legacy authentication clients (exchangeActiveSync, other) out and no enabled policy blocks them',
        'properties.conditions.clientAppTypes',
        clientTypes,
      );
    }
  }
  const narrowed = narrowing(cond);
  if (narrowed.length > 0)
    note(`it applies only under conditions: ${narrowed.join('; ')}`, 'properties.conditions', null);
  const users = userCoverage(policy, app, context);
  if (users.kind === 'gap') note(users.gap, 'properties.conditions.users', getKey(cond, 'users'));
  const required = requirement(policy, context);
  if ('ok' in required && !required.ok) note(required.gap, required.path, required.actual);
  if (gaps.length > 0) return { kind: 'gap', path: path ?? 'properties', actual, gaps };
  if (clientUnknown)
    return {
      kind: 'unknown',
      path: 'properties.conditions.clientAppTypes',
      expression: 'absent',
      reason: clientUnknown,
    };
  if (users.kind === 'unknown')
    return { kind: 'unknown', path: 'properties.conditions.users', expression: users.expression, reason: users.reason };
  if ('unknown' in required)
    return { kind: 'unknown', path: required.path, expression: required.expression, reason: required.reason };
  return { kind: 'covers', path: 'properties', detail: 'ok' in required && required.ok ? required.detail : '' };
}

/** An enabled policy blocking legacy authentication for the app and all users. */
function legacyBlocked(app: PhiApp, policies: readonly Resource[], config: Config): boolean {
  return policies.some((policy) => {
    if (!sameText(field(policy, 'state'), 'enabled') || !targets(policy, app)) return false;
    const cond = conditions(policy);
    if (hasText(list(obj(getKey(cond, 'applications')), 'excludeApplications'), app.appId)) return false;
    const types = strings(getKey(cond, 'clientAppTypes'));
    if (!hasText(types, 'all') && !LEGACY_CLIENTS.every((t) => hasText(types, t))) return false;
    const grant = obj(field(policy, 'grantControls'));
    if (!hasText(list(grant, 'builtInControls'), 'block')) return false;
    const users = obj(getKey(cond, 'users'));
    return hasText(list(users, 'includeUsers'), 'All') && extraExclusions(users, config).length === 0;
  });
}

/** Exclusions beyond the break-glass accounts (iam.break_glass_object_ids). */
function extraExclusions(users: ValueObject | undefined, config: Config): string[] {
  const breakGlass = config.iam.breakGlassObjectIds;
  const extra: string[] = [];
  for (const key of ['excludeUsers', 'excludeGroups']) {
    const outside = list(users, key).filter((id) => !hasText(breakGlass, id));
    if (outside.length > 0) extra.push(`${key} ${JSON.stringify(outside)}`);
  }
  const roles = list(users, 'excludeRoles');
  if (roles.length > 0) extra.push(`excludeRoles ${JSON.stringify(roles)}`);
  const guests = users ? getKey(users, 'excludeGuestsOrExternalUsers') : undefined;
  if (guests !== undefined && guests !== null) extra.push('excludeGuestsOrExternalUsers');
  return extra;
}

type UserCoverage =
  | { kind: 'all' }
  | { kind: 'gap'; gap: string }
  | { kind: 'unknown'; expression: string; reason: string };

/**
 * "All users" passes (with exclusions limited to break-glass accounts). Narrower user scoping covers the app only
 * when the app requires assignment (appRoleAssignmentRequired) and every principal assigned to it is included.
 */
function userCoverage(policy: Resource, app: PhiApp, context: RuleContext): UserCoverage {
  const users = obj(getKey(conditions(policy), 'users'));
  const excluded = extraExclusions(users, context.config);
  if (excluded.length > 0)
    return { kind: 'gap', gap: `it excludes users beyond the break-glass accounts (${excluded.join(', ')})` };
  const includeUsers = list(users, 'includeUsers');
  if (hasText(includeUsers, 'All')) return { kind: 'all' };
  const included = new Set(
    [...includeUsers, ...list(users, 'includeGroups')]
      .filter((id) => !['none', 'guestsorexternalusers'].includes(id.toLowerCase()))
      .map((id) => id.toLowerCase()),
  );
  const roles = list(users, 'includeRoles');
  if (included.size === 0 && roles.length === 0)
    return { kind: 'gap', gap: 'it applies to no users (includeUsers None)' };
  const scoped = `users limited to ${JSON.stringify({ includeUsers, includeGroups: list(users, 'includeGroups'), includeRoles: roles })}`;
  const sp = servicePrincipalOf(app.appId, context.inventory);
  if (!sp) {
    return {
      kind: 'unknown',
      expression: scoped,
      reason: `${scoped}; the app's service principal is not in the scan to compare its assignments`,
    };
  }
  const required = asBoolean(field(sp, 'appRoleAssignmentRequired'));
  if (required === false) {
    return {
      kind: 'gap',
      gap: `${scoped}, but any user of the tenant can sign in to the app (appRoleAssignmentRequired false)`,
    };
  }
  const assigned = assignedPrincipals(sp, context.inventory);
  if (required === undefined || assigned === undefined) {
    return {
      kind: 'unknown',
      expression: scoped,
      reason: `${scoped}; the app's assignment requirement or its assigned users and groups are not in the scan`,
    };
  }
  const outside = assigned.filter((a) => !a.principalId || !included.has(a.principalId.toLowerCase()));
  if (outside.length > 0) {
    const names = outside.map((a) => a.principalId ?? '?').join(', ');
    return { kind: 'gap', gap: `${scoped}, but principals assigned to the app are outside it (${names})` };
  }
  return { kind: 'all' };
}

function policiesIn(inventory: Inventory): Resource[] {
  return inventory.byType(CONDITIONAL_ACCESS_POLICY);
}

/** The policy that carries tenant-level outcomes nobody else can: the lowest id, stable between scans. */
function anchorOf(policies: readonly Resource[]): Resource | undefined {
  let anchor: Resource | undefined;
  for (const policy of policies) if (!anchor || policy.id.toLowerCase() < anchor.id.toLowerCase()) anchor = policy;
  return anchor;
}

export function describePhiApp(app: PhiApp): string {
  return `PHI application ${app.name ? `"${app.name}" ` : ''}(appId ${app.appId})`;
}

export interface Evaluation {
  /** Expected value shown in failures. */
  expected: string;
  /** "an enforced MFA policy", "an enforced sign-in frequency of at most 12 hours". */
  control: string;
  requirement: Requirement;
}

type Results = { policy: Resource; result: Coverage }[];
const cache = new WeakMap<Inventory, { size: number; config: Config; results: Map<string, Results> }>();

/**
 * Every policy's coverage of one app. Each policy subject needs the whole table, so it is computed once per
 * inventory and config (and per rule: the control names the rule and its settings).
 */
function resultsFor(app: PhiApp, policies: readonly Resource[], context: RuleContext, evaluation: Evaluation): Results {
  const { inventory } = context;
  let entry = cache.get(inventory);
  if (!entry || entry.size !== inventory.size || entry.config !== context.config) {
    entry = { size: inventory.size, config: context.config, results: new Map() };
    cache.set(inventory, entry);
  }
  const key = `${evaluation.control}|${app.appId.toLowerCase()}`;
  let results = entry.results.get(key);
  if (!results) {
    results = policies.map((policy) => ({
      policy,
      result: coverage(policy, app, policies, context, evaluation.requirement),
    }));
    entry.results.set(key, results);
  }
  return results;
}

/** This policy's outcomes for every PHI app (see the header comment). */
export function evaluatePolicy(policy: Resource, context: RuleContext, evaluation: Evaluation): Outcome[] {
  const { inventory, config } = context;
  const policies = policiesIn(inventory);
  // By id: a streamed scan may hand the subject back from its spill file as a copy of the held record.
  const self = (other: Resource | undefined) =>
    other !== undefined && other.id.toLowerCase() === policy.id.toLowerCase();
  if (!policies.some(self)) {
    return [
      unknown(
        { path: 'properties', expression: 'Conditional Access policies of the tenant', at: policy.at },
        `whether a PHI application is covered by ${evaluation.control} depends on every Conditional Access policy of the tenant, and this evaluation did not hold them together`,
      ),
    ];
  }
  const apps = config.classification.phiApps;
  const anchor = self(anchorOf(policies));
  if (apps.length === 0) {
    return anchor
      ? [
          unknown(
            { path: 'classification.phi_apps', expression: '[]', at: policy.at },
            'classification.phi_apps is empty: which Entra applications give access to PHI is not configured, so Conditional Access coverage cannot be judged',
          ),
        ]
      : [notApplicable('no PHI application is configured (classification.phi_apps)')];
  }
  const outcomes: Outcome[] = [];
  for (const app of apps) {
    const results = resultsFor(app, policies, context, evaluation);
    const mine = results.find((r) => self(r.policy))?.result ?? { kind: 'unrelated' };
    const covering = results.filter((r) => r.result.kind === 'covers');
    const open = results.filter((r) => r.result.kind === 'unknown');
    const targeting = results.filter((r) => r.result.kind === 'gap');
    const label = describePhiApp(app);
    if (covering.length > 0) {
      if (mine.kind === 'covers') {
        outcomes.push({
          verdict: 'pass',
          path: mine.path,
          actual: app.appId,
          message: `${label} is covered by ${evaluation.control}: ${mine.detail}`,
        });
      }
      continue;
    }
    if (open.length > 0) {
      if (mine.kind === 'unknown') {
        outcomes.push(
          unknown(
            { path: mine.path, expression: mine.expression, at: policy.at },
            `${label}: this policy may provide ${evaluation.control}, but ${mine.reason}; no other policy provides it`,
          ),
        );
      }
      continue;
    }
    if (targeting.length > 0) {
      if (mine.kind === 'gap') {
        outcomes.push(
          failAt(mine.path, {
            actual: mine.actual ?? null,
            expected: evaluation.expected,
            at: policy.at,
            message: `${label} is not covered by ${evaluation.control}: this policy applies to it, but ${mine.gaps.join('; ')}`,
          }),
        );
      }
      continue;
    }
    if (anchor) {
      outcomes.push(
        failAt('properties.conditions.applications.includeApplications', {
          actual: app.appId,
          expected: evaluation.expected,
          at: policy.at,
          message: `${label} is not covered by ${evaluation.control}: no Conditional Access policy of the tenant (${policies.length} in the scan) includes it or "All" cloud apps, block policies aside`,
        }),
      );
    }
  }
  return outcomes.length > 0
    ? outcomes
    : [notApplicable('this policy does not decide the coverage of any PHI application')];
}

// The PHI retention schedule (.phiguard.yaml retention.*) as the BAK rules apply it: years -> days, which data class
// a storage account, container or backed-up resource belongs to, and durations in the formats Azure writes them.
import type { Config, DataClass } from '../../../core/config.js';
import { isObject } from '../../../core/path.js';
import type { Resource } from '../../../core/types.js';

/** Log Analytics' accepted whole-year values (rules.yaml conventions.years_to_days). */
const YEAR_DAYS = [0, 365, 730, 1095, 1460, 1826, 2191, 2556, 2922, 3288, 3653, 4018, 4383];

/** Years -> days: the table for whole years up to 12, floor(years * 365.25) otherwise. "6 years" is 2191 days. */
export function yearsToDays(years: number): number {
  if (Number.isInteger(years) && years >= 0 && years < YEAR_DAYS.length) return YEAR_DAYS[years];
  return Math.floor(years * 365.25);
}

/** Months -> days: whole years by yearsToDays, the rest at 365.25/12 a month (121 months = 3653 + 30 days). */
export function monthsToDays(months: number): number {
  const years = Math.floor(months / 12);
  return yearsToDays(years) + Math.floor(((months - 12 * years) * 365.25) / 12);
}

export function describeYears(years: number): string {
  return `${years} year${years === 1 ? '' : 's'}`;
}

/** "6 years (2191 days)" */
export function describeDays(years: number): string {
  return `${describeYears(years)} (${yearsToDays(years)} days)`;
}

export const SCHEDULE = 'your retention schedule (.phiguard.yaml)';

/**
 * ISO 8601 duration -> days (P1W, P12W, P6Y, P30D, P1Y6M, PT12H). Years and months follow yearsToDays/monthsToDays
 * so `P6Y` equals the schedule's 6 years. undefined when the text is not a duration.
 */
export function isoDurationDays(text: string): number | undefined {
  const match =
    /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text.trim(),
    );
  if (!match || text.trim().length <= 1 || /T$/i.test(text.trim())) return undefined;
  const [, y, mo, w, d, h, mi, s] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return yearsToDays(y) + monthsToDays(mo) + 7 * w + d + h / 24 + mi / 1440 + s / 86400;
}

/** A Recovery Services `retentionDuration { count, durationType }` in days. */
export function countDurationDays(count: number, durationType: string): number | undefined {
  switch (durationType.toLowerCase()) {
    case 'days':
      return count;
    case 'weeks':
      return 7 * count;
    case 'months':
      return monthsToDays(count);
    case 'years':
      return yearsToDays(count);
    default:
      return undefined;
  }
}

export function formatDays(days: number): string {
  const rounded = Number.isInteger(days) ? days : Math.round(days * 100) / 100;
  return `${rounded} day${rounded === 1 ? '' : 's'}`;
}

function tagsMatch(resource: Resource | undefined, dataClass: DataClass): string | undefined {
  if (!resource || !isObject(resource.tags)) return undefined;
  for (const [name, accepted] of Object.entries(dataClass.match.tags)) {
    for (const [tag, value] of Object.entries(resource.tags)) {
      if (tag.toLowerCase() !== name.toLowerCase() || typeof value !== 'string') continue;
      if (accepted.some((a) => a.toLowerCase() === value.toLowerCase())) return `tag ${tag}=${value}`;
    }
  }
  return undefined;
}

export function classNamed(config: Config, name: string): DataClass | undefined {
  return config.retention.dataClasses.find((c) => c.name === name);
}

/** The classes a (non-storage) resource holds: classes whose tags it carries, else the default PHI class. */
export function classesOfResource(
  resource: Resource | undefined,
  config: Config,
): { dataClass: DataClass; via: string }[] {
  const tagged = config.retention.dataClasses.flatMap((dataClass) => {
    const via = tagsMatch(resource, dataClass);
    return via ? [{ dataClass, via }] : [];
  });
  if (tagged.length > 0) return tagged;
  const fallback = classNamed(config, config.retention.defaultPhiClass);
  return fallback ? [{ dataClass: fallback, via: 'retention.default_phi_class' }] : [];
}

/**
 * Part of a storage account's blob namespace that holds one data class: a container (and optional prefix), or the
 * whole account except the containers claimed by other classes.
 */
export interface BlobScope {
  dataClass: DataClass;
  /** Lower-case container name; undefined = the whole account. */
  container?: string;
  prefix?: string;
  /** Whole-account scopes: `container/prefix` paths that belong to other classes. */
  except: string[];
  via: string;
}

/** `container/prefix` in the form lifecycle prefixMatch compares against (container names are lower case). */
export function scopePath(container: string, prefix = ''): string {
  return `${container.toLowerCase()}/${prefix}`;
}

export function describeScope(scope: BlobScope, account: string): string {
  if (scope.container === undefined) {
    return scope.except.length > 0
      ? `account ${account} (except ${scope.except.join(', ')})`
      : `account ${account} (all containers)`;
  }
  return `${account}/${scope.container}${scope.prefix ? `/${scope.prefix}` : ''}`;
}

/** Account name of a storage resource id (`.../storageAccounts/<name>/...`). */
export function storageAccountName(id: string): string | undefined {
  return /\/storageaccounts\/([^/]+)/i.exec(id)?.[1];
}

/**
 * The data classes stored in a storage account: the whole account when its tags match a class (or, for a PHI
 * account, the default class), plus the containers `retention.data_classes.*.match.containers` lists for it.
 */
export function blobScopes(
  account: Resource | undefined,
  accountName: string,
  config: Config,
  isPhi: boolean,
): BlobScope[] {
  const scopes: BlobScope[] = [];
  const claimed: string[] = [];
  for (const dataClass of config.retention.dataClasses) {
    for (const entry of dataClass.match.containers) {
      const [name, container, ...rest] = entry.split('/');
      if (!container || name.toLowerCase() !== accountName.toLowerCase()) continue;
      const prefix = rest.join('/');
      scopes.push({
        dataClass,
        container: container.toLowerCase(),
        prefix: prefix || undefined,
        except: [],
        via: `match.containers ${entry}`,
      });
      claimed.push(scopePath(container, prefix));
    }
  }
  const tagged = config.retention.dataClasses.flatMap((dataClass) => {
    const via = tagsMatch(account, dataClass);
    return via ? [{ dataClass, via }] : [];
  });
  const whole =
    tagged.length > 0
      ? tagged
      : isPhi
        ? classesOfResource(undefined, config).map(({ dataClass, via }) => ({ dataClass, via }))
        : [];
  for (const { dataClass, via } of whole) scopes.push({ dataClass, except: claimed, via });
  return scopes;
}

/** True when lifecycle prefix `prefix` ('' = no filter) can match blobs of the scope. */
export function prefixIntersects(prefix: string, scope: BlobScope): boolean {
  if (scope.container === undefined) {
    // The whole account minus other classes' paths: only a prefix inside one of those misses it.
    return !scope.except.some((path) => normalizePrefix(prefix).startsWith(path));
  }
  const path = scopePath(scope.container, scope.prefix);
  const p = normalizePrefix(prefix);
  return path.startsWith(p) || p.startsWith(path);
}

/** True when lifecycle prefix `prefix` matches every blob of container (and prefix) `path`. */
export function prefixCovers(prefix: string, path: string): boolean {
  return path.startsWith(normalizePrefix(prefix));
}

/** prefixMatch compares against `container/blob`; container names are case-insensitive (always lower case). */
export function normalizePrefix(prefix: string): string {
  const slash = prefix.indexOf('/');
  return slash < 0 ? prefix.toLowerCase() : prefix.slice(0, slash).toLowerCase() + prefix.slice(slash);
}

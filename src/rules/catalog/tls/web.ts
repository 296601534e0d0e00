// App Service settings that live in the site configuration (PHI-TLS-006/007): the `config/web` child resource is
// authoritative (it is what the built-in policies evaluate); the `siteConfig` embedded in the site is the fallback
// (controls.md D2). Subjects are sites and slots; a `config/web` whose site is not in the scan is its own subject.
import { type Inventory, parentId } from '../../../core/inventory.js';
import type { Outcome, Resource } from '../../../core/types.js';
import { type FixStep, notApplicable, type PathRead, type RuleContext } from '../../define.js';
import { set, setOn } from '../fixes.js';
import { isType, SITE, SITE_CONFIG, SLOT, SLOT_CONFIG, shortName } from './shared.js';

export function isSiteOrSlot(resource: Resource): boolean {
  return isType(resource, SITE) || isType(resource, SLOT);
}

export function isConfig(resource: Resource): boolean {
  return isType(resource, SITE_CONFIG) || isType(resource, SLOT_CONFIG);
}

/** The `config/web` children of a site or slot. */
export function webConfigsOf(site: Resource, context: RuleContext): Resource[] {
  return context.inventory
    .related(site, 'children')
    .filter((child) => isConfig(child) && shortName(child).toLowerCase() === 'web');
}

export type Subject = { site?: Resource; config?: Resource } | { skip: Outcome };

/** Which resources a site-configuration rule reads for this subject, or why it is not a subject. */
export function subjectOf(resource: Resource, context: RuleContext): Subject {
  if (isSiteOrSlot(resource)) return { site: resource, config: webConfigsOf(resource, context)[0] };
  if (shortName(resource).toLowerCase() !== 'web')
    return { skip: notApplicable('not the web configuration of the app') };
  const site = parentId(resource.id);
  if (site && context.inventory.byId(site)) {
    return { skip: notApplicable('evaluated through its site or slot, which is the subject') };
  }
  return { config: resource };
}

/**
 * A site configuration setting with provenance: config/web when it states the value, else the site's siteConfig;
 * when neither does, the default read of the authoritative source (config/web if present).
 */
export function readSiteSetting(
  subject: { site?: Resource; config?: Resource },
  setting: string,
  context: RuleContext,
): PathRead {
  const fromConfig = subject.config ? context.read(subject.config, `properties.${setting}`) : undefined;
  if (fromConfig && fromConfig.state !== 'default') return fromConfig;
  const fromSite = subject.site ? context.read(subject.site, `properties.siteConfig.${setting}`) : undefined;
  if (fromSite && fromSite.state !== 'default') return fromSite;
  return (fromConfig ?? fromSite) as PathRead;
}

/** `app-x` or `app-x/staging` for messages. */
export function appName(subject: { site?: Resource; config?: Resource }): string {
  if (subject.site) return subject.site.name;
  const config = subject.config as Resource;
  return config.name.split('/').slice(0, -1).join('/') || config.name;
}

/**
 * The fix of a site configuration setting (PHI-TLS-006/007): where the failing value was read. A site's config/web
 * child states it authoritatively when present, so the step edits that child; otherwise the site's siteConfig.
 */
export function webSetting(
  subject: Resource,
  path: string,
  value: string,
  note: string,
  inventory: Inventory,
): FixStep[] {
  const setting = path.split('.').pop() ?? path;
  if (isConfig(subject) || path.startsWith('properties.siteConfig.')) return [set(path, value, note)];
  const config = inventory
    .related(subject, 'children')
    .find((child) => isConfig(child) && shortName(child).toLowerCase() === 'web');
  if (config) return [setOn(config, `properties.${setting}`, value, note)];
  return [set(`properties.siteConfig.${setting}`, value, note)];
}

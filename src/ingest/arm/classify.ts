// Recognizes ARM documents by content, so the CLI can tell templates and parameter files from other JSON.
import { isRawObject, member, type RawObject } from './json.js';

const TEMPLATE_SCHEMA = /deploymenttemplate\.json/i; // also subscription-, managementGroup-, tenantDeploymentTemplate
const PARAMETERS_SCHEMA = /deploymentparameters\.json/i;
const BLUEPRINT_ARTIFACT = 'microsoft.blueprint/blueprints/artifacts';

export function classifyArmJson(value: unknown): 'template' | 'parameters' | null {
  if (!isRawObject(value)) return null;
  const schema = member(value, '$schema');
  if (typeof schema === 'string') {
    if (TEMPLATE_SCHEMA.test(schema)) return 'template';
    if (PARAMETERS_SCHEMA.test(schema)) return 'parameters';
  }
  if (blueprintTemplate(value)) return 'template';
  const resources = member(value, 'resources');
  const hasResources = Array.isArray(resources) || isRawObject(resources);
  const contentVersion = member(value, 'contentVersion') !== undefined;
  const parameters = member(value, 'parameters');
  if (hasResources && (contentVersion || isRawObject(parameters))) return 'template';
  if (!hasResources && contentVersion && isRawObject(parameters) && isParameterValues(parameters)) return 'parameters';
  return null;
}

function isParameterValues(parameters: RawObject): boolean {
  const entries = Object.values(parameters);
  return entries.every(
    (entry) => isRawObject(entry) && (member(entry, 'value') !== undefined || member(entry, 'reference') !== undefined),
  );
}

/** The template inside a `Microsoft.Blueprint/blueprints/artifacts` envelope (`properties.template`). */
function blueprintTemplate(value: RawObject): RawObject | undefined {
  const type = member(value, 'type');
  if (typeof type !== 'string' || type.toLowerCase() !== BLUEPRINT_ARTIFACT) return undefined;
  const properties = member(value, 'properties');
  const template = isRawObject(properties) ? member(properties, 'template') : undefined;
  return isRawObject(template) ? template : undefined;
}

/** The template to scan and the address prefix of its resources, or undefined when `root` is not a template. */
export function unwrapTemplate(root: unknown): { template: RawObject; prefix: string } | undefined {
  if (!isRawObject(root)) return undefined;
  const envelope = blueprintTemplate(root);
  if (envelope) return { template: envelope, prefix: 'properties.template.' };
  const resources = member(root, 'resources');
  if (classifyArmJson(root) === 'template' || Array.isArray(resources) || isRawObject(resources)) {
    return { template: root, prefix: '' };
  }
  return undefined;
}

// ARM template adapter: JSON templates (classic and languageVersion 2.0, as compiled from Bicep) and parameter
// files, evaluated with a deployment context into canonical Resources (see ./template.ts).
import type { Origin, Value } from '../../core/types.js';
import type { DeploymentContext } from '../types.js';

export { classifyArmJson } from './classify.js';
export { parseArmTemplate } from './template.js';

export interface ArmInput {
  file: string;
  text: string;
  /** A parameter file (`*.parameters.json` or `--parameters FILE`). */
  parameters?: { file: string; text: string };
  context?: Partial<DeploymentContext>;
  origin?: Origin;
  /** `JSON.parse(text)` when the caller already parsed it (content detection does): saves a second parse. */
  json?: unknown;
  /**
   * Parameter values given by a caller instead of a parameter file (a Bicep module block that deploys this template).
   * Values are located where the template reads them; unresolved values keep their own location.
   */
  values?: ReadonlyMap<string, Value>;
}

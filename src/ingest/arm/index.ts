// PLACEHOLDER until the ARM adapter lands (being written now): signature only.
import type { Origin } from '../../core/types.js';
import type { DeploymentContext, IngestResult } from '../types.js';

export interface ArmInput {
  file: string;
  text: string;
  /** A parameter file (`*.parameters.json` or `--parameters FILE`). */
  parameters?: { file: string; text: string };
  context?: Partial<DeploymentContext>;
  origin?: Origin;
}

export function parseArmTemplate(_input: ArmInput): IngestResult {
  throw new Error('ARM adapter not implemented yet');
}

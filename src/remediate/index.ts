// The writers `phiguard fix` edits sources with, one per input language (Resource.origin).
import type { Origin } from '../core/types.js';
import { armWriter } from './arm.js';
import { bicepWriter } from './bicep.js';
import { terraformWriter } from './terraform.js';
import type { SourceWriter } from './types.js';

export const WRITERS: readonly SourceWriter[] = [armWriter, bicepWriter, terraformWriter];

export function writerFor(origin: Origin): SourceWriter | undefined {
  return WRITERS.find((writer) => writer.origins.includes(origin));
}

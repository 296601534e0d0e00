import type { Resource } from '../../core/types.js';
import type { IngestDiagnostic } from '../types.js';

export function detectTerraformPlan(headText: string): boolean {
  return /"format_version"/.test(headText) && /"terraform_version"/.test(headText);
}

export async function* readTerraformPlan(
  file: string,
  onDiagnostic: (d: IngestDiagnostic) => void,
): AsyncIterable<Resource> {
  void file;
  void onDiagnostic;
  yield* [];
}

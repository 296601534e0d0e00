// PLACEHOLDER until the snapshot adapter lands (being written now): signature only.
import type { IngestResult } from '../types.js';

export function parseSnapshotText(_text: string, _file: string): IngestResult {
  throw new Error('snapshot adapter not implemented yet');
}

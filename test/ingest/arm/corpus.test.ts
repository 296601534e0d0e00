// Robustness on realistic input: every KICS ARM sample (../shared/corpus/kics/arm) parses and yields resources.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArmTemplate } from '../../../src/ingest/arm/index.js';

const KICS_ARM = fileURLToPath(new URL('../../../../shared/corpus/kics/arm/', import.meta.url));

function samples(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return samples(path);
    return entry.name.endsWith('.json') && !entry.name.includes('expected_result') ? [path] : [];
  });
}

describe('KICS ARM samples', () => {
  const files = samples(KICS_ARM).sort();

  it('the corpus is present', () => {
    assert.ok(files.length > 100, `found ${files.length} samples under ${KICS_ARM}`);
  });

  for (const file of files) {
    const name = file.slice(KICS_ARM.length);
    it(`parses ${name}`, () => {
      const result = parseArmTemplate({ file: name, text: readFileSync(file, 'utf8') });
      assert.ok(result.resources.length > 0, 'expected at least one resource');
      for (const resource of result.resources) {
        assert.ok(resource.id.startsWith('/'), `id ${resource.id}`);
        assert.ok(resource.type.includes('/'), `type ${resource.type}`);
        assert.ok(resource.at && resource.at.line > 0, 'resource location');
        assert.equal(resource.file, name);
      }
      for (const diagnostic of result.diagnostics) assert.ok(diagnostic.line === undefined || diagnostic.line > 0);
    });
  }
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_CHROMIUM, renderPdf } from '../../src/evidence/pdf.js';

describe('narrative PDF', () => {
  it('says why when Chromium is not installed', async () => {
    assert.deepEqual(await renderPdf('<p>x</p>', '/nonexistent/chromium'), {
      reason: 'Chromium not found at /nonexistent/chromium',
    });
  });

  it(`renders with ${DEFAULT_CHROMIUM} when it is installed, or reports its absence`, async () => {
    const result = await renderPdf(
      '<!DOCTYPE html><html lang="en"><title>t</title><h1>Evidence</h1></html>',
      DEFAULT_CHROMIUM,
    );
    if (existsSync(DEFAULT_CHROMIUM)) {
      assert.ok('pdf' in result, JSON.stringify(result));
      assert.equal(Buffer.from(result.pdf.subarray(0, 5)).toString(), '%PDF-');
    } else {
      assert.deepEqual(result, { reason: `Chromium not found at ${DEFAULT_CHROMIUM}` });
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffMs,
  DEFAULT_RETRY,
  emptyStats,
  Limiter,
  RequestTimeoutError,
  retryAfterMs,
  withRetries,
} from '../../../src/ingest/live/retry.js';

const response = (status: number, headers: Record<string, string> = {}) => ({
  status,
  header: (name: string) => headers[name.toLowerCase()],
});

describe('retry policy', () => {
  const now = Date.parse('2026-05-04T12:00:00Z');

  it('reads Retry-After as seconds, as an HTTP date, as milliseconds, and Resource Graph quota resets', () => {
    assert.equal(retryAfterMs(response(429, { 'retry-after': '7' }), now, DEFAULT_RETRY), 7000);
    assert.equal(
      retryAfterMs(response(429, { 'retry-after': 'Mon, 04 May 2026 12:00:30 GMT' }), now, DEFAULT_RETRY),
      30_000,
    );
    assert.equal(retryAfterMs(response(429, { 'x-ms-retry-after-ms': '250' }), now, DEFAULT_RETRY), 250);
    assert.equal(
      retryAfterMs(
        response(429, { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': '00:00:04' }),
        now,
        DEFAULT_RETRY,
      ),
      4000,
    );
    assert.equal(retryAfterMs(response(503), now, DEFAULT_RETRY), undefined);
    assert.equal(
      retryAfterMs(response(429, { 'retry-after': '86400' }), now, DEFAULT_RETRY),
      DEFAULT_RETRY.maxRetryAfterMs,
      'an hour-long Retry-After is capped',
    );
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling]', () => {
    assert.equal(
      backoffMs(0, DEFAULT_RETRY, () => 0),
      500,
    );
    assert.equal(
      backoffMs(0, DEFAULT_RETRY, () => 1),
      1000,
    );
    assert.equal(
      backoffMs(3, DEFAULT_RETRY, () => 1),
      8000,
    );
    assert.equal(
      backoffMs(20, DEFAULT_RETRY, () => 1),
      DEFAULT_RETRY.maxDelayMs,
    );
  });

  it('retries 429 and 5xx, counts them, and returns the last answer when retries run out', async () => {
    const stats = emptyStats();
    const statuses = [429, 500, 200];
    const waits: number[] = [];
    const result = await withRetries(async () => response(statuses.shift() ?? 200, { 'retry-after': '1' }), {
      settings: DEFAULT_RETRY,
      stats,
      limiter: new Limiter(2),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    assert.equal(result.status, 200);
    assert.deepEqual(stats, { requests: 3, retries: 2, throttled: 1, serverErrors: 1, timeouts: 0, networkErrors: 0 });
    assert.deepEqual(waits, [1000, 1000]);

    const exhausted = emptyStats();
    const last = await withRetries(async () => response(503), {
      settings: { ...DEFAULT_RETRY, maxRetries: 2 },
      stats: exhausted,
      limiter: new Limiter(1),
      sleep: async () => {},
    });
    assert.equal(last.status, 503);
    assert.equal(exhausted.requests, 3);
    assert.equal(exhausted.retries, 2);
  });

  it('does not retry 403 or 404', async () => {
    const stats = emptyStats();
    const result = await withRetries(async () => response(403), {
      settings: DEFAULT_RETRY,
      stats,
      limiter: new Limiter(1),
    });
    assert.equal(result.status, 403);
    assert.equal(stats.retries, 0);
  });

  it('times out a hung attempt, retries it, and gives up with a timeout error', async () => {
    const stats = emptyStats();
    const hang = (signal: AbortSignal) =>
      new Promise<ReturnType<typeof response>>((_, reject) =>
        signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
      );
    await assert.rejects(
      withRetries(hang, {
        settings: { ...DEFAULT_RETRY, timeoutMs: 20, maxRetries: 1 },
        stats,
        limiter: new Limiter(1),
        sleep: async () => {},
      }),
      RequestTimeoutError,
    );
    assert.equal(stats.timeouts, 2);
    assert.equal(stats.retries, 1);
  });

  it('keeps at most `size` attempts in flight', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withRetries(
          async () => {
            active++;
            peak = Math.max(peak, active);
            await new Promise((resolve) => setTimeout(resolve, 5));
            active--;
            return response(200);
          },
          { settings: DEFAULT_RETRY, stats: emptyStats(), limiter },
        ),
      ),
    );
    assert.equal(peak, 3);
  });
});

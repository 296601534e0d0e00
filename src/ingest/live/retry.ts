// Retries shared by every live request (ARM, Resource Graph, Microsoft Graph), whichever HTTP stack sends it:
// a bounded pool per host, a per-attempt timeout, Retry-After on 429/503, exponential backoff with full jitter on
// 5xx and network errors, and counters the snapshot header reports.

export interface TransportStats {
  /** HTTP attempts sent (retries included). */
  requests: number;
  retries: number;
  /** 429 responses. */
  throttled: number;
  /** 5xx and 408 responses. */
  serverErrors: number;
  timeouts: number;
  networkErrors: number;
}

export function emptyStats(): TransportStats {
  return { requests: 0, retries: 0, throttled: 0, serverErrors: 0, timeouts: 0, networkErrors: 0 };
}

export interface RetrySettings {
  maxRetries: number;
  /** First backoff; doubles per attempt (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  /** A Retry-After longer than this is cut to it: a run should not sleep for an hour on one request. */
  maxRetryAfterMs: number;
}

// Azure SDK defaults (core-rest-pipeline exponentialRetryPolicy: 3 retries, 1 s base, 64 s max) with two more retries,
// since a collection of thousands of requests meets throttling windows that the SDK's single calls rarely do.
export const DEFAULT_RETRY: RetrySettings = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 64_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 120_000,
};

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// Transient network failures. A refused connection or an unknown host is not retried: it rarely heals within a
// backoff, and the user should hear at once that the endpoint (or --cloud) is wrong.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

/** A bounded number of requests in flight (per host), FIFO. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

export interface RetryContext {
  settings: RetrySettings;
  stats: TransportStats;
  limiter: Limiter;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface AttemptResult {
  status: number;
  header(name: string): string | undefined;
}

/** The request did not answer within the per-attempt timeout, on every attempt. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/**
 * Runs `attempt` until it returns a non-retryable status or retries run out; the last response is returned
 * (the caller judges its status). Errors that are not network errors or timeouts are thrown at once.
 */
export async function withRetries<R extends AttemptResult>(
  attempt: (signal: AbortSignal) => Promise<R>,
  context: RetryContext,
): Promise<R> {
  const { settings, stats } = context;
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let n = 0; ; n++) {
    const release = await context.limiter.acquire();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, settings.timeoutMs);
    stats.requests++;
    let response: R | undefined;
    let failure: unknown;
    try {
      response = await attempt(controller.signal);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
      release();
    }
    let delay: number;
    if (response) {
      if (!RETRYABLE_STATUS.has(response.status) || n >= settings.maxRetries) return response;
      if (response.status === 429) stats.throttled++;
      else stats.serverErrors++;
      delay = retryAfterMs(response, context.now?.() ?? Date.now(), settings) ?? backoffMs(n, settings, context.random);
    } else {
      if (timedOut) stats.timeouts++;
      else if (isNetworkError(failure)) stats.networkErrors++;
      else throw failure;
      if (n >= settings.maxRetries) throw timedOut ? new RequestTimeoutError(settings.timeoutMs) : failure;
      delay = backoffMs(n, settings, context.random);
    }
    stats.retries++;
    await sleep(delay);
  }
}

/** Exponential backoff with full jitter (AWS architecture blog "Exponential Backoff And Jitter"). */
export function backoffMs(attempt: number, settings: RetrySettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long the service asked us to wait: `retry-after-ms`/`x-ms-retry-after-ms` (milliseconds), `Retry-After`
 * (seconds or an HTTP date), or Resource Graph's `x-ms-user-quota-resets-after` (hh:mm:ss) once the quota is spent.
 */
export function retryAfterMs(response: AttemptResult, now: number, settings: RetrySettings): number | undefined {
  const cap = (ms: number) => Math.max(0, Math.min(ms, settings.maxRetryAfterMs));
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.header(name));
    if (response.header(name) !== undefined && Number.isFinite(value)) return cap(value);
  }
  const retryAfter = response.header('retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return cap(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return cap(date - now);
  }
  if (response.header('x-ms-user-quota-remaining') === '0') {
    const match = /^(\d+):(\d{2}):(\d{2})/.exec(response.header('x-ms-user-quota-resets-after') ?? '');
    if (match) return cap((Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000);
  }
  return undefined;
}

export function isNetworkError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isNetworkError(cause);
}

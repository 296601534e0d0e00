// The HTTP stack of live collection: @azure/core-rest-pipeline (the transport the current Azure SDKs use) with a
// bearer token policy, keep-alive sockets capped per host (azqr#249: unbounded sockets exhaust large estates), and
// the shared retry policy of retry.ts. One instance serves ARM, Resource Graph and Microsoft Graph.
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  agentPolicy,
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  decompressResponsePolicy,
  getDefaultProxySettings,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
  proxyPolicy,
  userAgentPolicy,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import {
  DEFAULT_RETRY,
  emptyStats,
  Limiter,
  type RetryContext,
  type RetrySettings,
  type TransportStats,
  withRetries,
} from './retry.js';

/** A request that ended without a 2xx after retries, or could not be sent at all. */
export class LiveRequestError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    /** ARM/Graph `error.code`, a network error code, or 'ETIMEDOUT'. */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface TransportOptions {
  credential: TokenCredential;
  /** Requests in flight per host (and the socket cap of the default agent). */
  concurrency: number;
  /** A caller's agent (tests: one that trusts the loopback certificate). */
  agent?: HttpsAgent | HttpAgent;
  retry?: Partial<RetrySettings>;
  userAgent?: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export class LiveTransport {
  readonly stats: TransportStats = emptyStats();
  private readonly client: HttpClient = createDefaultHttpClient();
  private readonly pipelines = new Map<string, Pipeline>();
  private readonly limiters = new Map<string, Limiter>();
  private readonly settings: RetrySettings;
  readonly agent: HttpsAgent | HttpAgent;
  private readonly ownsAgent: boolean;

  constructor(private readonly options: TransportOptions) {
    this.settings = { ...DEFAULT_RETRY, ...options.retry };
    this.ownsAgent = options.agent === undefined;
    this.agent =
      options.agent ??
      new HttpsAgent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  }

  /** The retry context of one host, for stacks other than this pipeline (the Resource Graph SDK client). */
  retryContext(url: string): RetryContext {
    return { settings: this.settings, stats: this.stats, limiter: this.limiter(url), sleep: this.options.sleep };
  }

  async get(url: string, scope: string): Promise<JsonResponse> {
    return this.send('GET', url, scope);
  }

  async post(url: string, scope: string, body: unknown): Promise<JsonResponse> {
    return this.send('POST', url, scope, body);
  }

  /** Sends a request; a non-2xx status after retries throws a LiveRequestError carrying the service's error code. */
  async send(method: 'GET' | 'POST', url: string, scope: string, body?: unknown): Promise<JsonResponse> {
    const request = createPipelineRequest({
      url,
      method,
      headers: createHttpHeaders({ accept: 'application/json', 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let response: Awaited<ReturnType<Pipeline['sendRequest']>>;
    try {
      response = await this.pipeline(scope).sendRequest(this.client, request);
    } catch (error) {
      if (error instanceof LiveRequestError) throw error;
      if (isCredentialError(error)) throw tokenError(error, method, url);
      const code = (error as { code?: unknown }).code;
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      const networkCode = typeof cause === 'string' ? cause : typeof code === 'string' ? code : undefined;
      if (networkCode !== undefined) {
        throw new LiveRequestError(
          `${describeNetwork(networkCode)}: ${(error as Error).message}`,
          method,
          url,
          undefined,
          networkCode,
        );
      }
      throw error; // credential errors and bugs: the caller maps the first, the CLI reports the second
    }
    const text = response.bodyAsText ?? '';
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.status < 200 || response.status > 299) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : undefined;
      const message = typeof error?.message === 'string' ? error.message.split('\n')[0] : `HTTP ${response.status}`;
      throw new LiveRequestError(message, method, url, response.status, code);
    }
    return { status: response.status, body: parsed, headers: response.headers.toJSON() };
  }

  close(): void {
    if (this.ownsAgent) this.agent.destroy();
  }

  private limiter(url: string): Limiter {
    const host = new URL(url).host;
    let limiter = this.limiters.get(host);
    if (!limiter) {
      limiter = new Limiter(this.options.concurrency);
      this.limiters.set(host, limiter);
    }
    return limiter;
  }

  private pipeline(scope: string): Pipeline {
    let pipeline = this.pipelines.get(scope);
    if (pipeline) return pipeline;
    pipeline = createEmptyPipeline();
    pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: this.options.userAgent }));
    pipeline.addPolicy(decompressResponsePolicy());
    pipeline.addPolicy(proxyPolicy(getDefaultProxySettings()));
    pipeline.addPolicy(agentPolicy(this.agent));
    pipeline.addPolicy(this.retryPolicy(), { phase: 'Retry' });
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: this.options.credential, scopes: scope }), {
      phase: 'Sign',
    });
    this.pipelines.set(scope, pipeline);
    return pipeline;
  }

  private retryPolicy(): PipelinePolicy {
    return {
      name: 'phiguardRetry',
      sendRequest: (request, next) =>
        withRetries(async (signal) => {
          request.abortSignal = signal;
          const response = await next(request);
          return Object.assign(response, { header: (name: string) => response.headers.get(name) });
        }, this.retryContext(request.url)),
    };
  }
}

function describeNetwork(code: string): string {
  switch (code) {
    case 'ETIMEDOUT':
      return 'timed out';
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    default:
      return `network error ${code}`;
  }
}

/** @azure/identity's errors (by name: the classes are not shared across bundles). */
export function isCredentialError(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return (
    typeof name === 'string' &&
    /^(AuthenticationError|CredentialUnavailableError|AggregateAuthenticationError|AuthenticationRequiredError)$/.test(
      name,
    )
  );
}

/** A token that could not be had mid-run fails the request (recorded, not fatal), as a 401 would. */
export function tokenError(error: unknown, method: string, url: string): LiveRequestError {
  const message = ((error as Error).message ?? String(error)).split('\n')[0].slice(0, 300);
  return new LiveRequestError(`cannot get a token: ${message}`, method, url, 401, 'TokenAcquisitionFailed');
}

// Azure Resource Graph through its SDK client. @azure/arm-resourcegraph 4.x is built on @azure/ms-rest-js, not on
// core-rest-pipeline, so its own retry policies are switched off and the shared retry policy (retry.ts) wraps its
// pipeline instead: one limiter, one set of counters, one timeout for every live request.
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { TokenCredential } from '@azure/identity';
import type { LiveTransport } from './http.js';
import { LiveRequestError, tokenError } from './http.js';
import { withRetries } from './retry.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof ResourceGraphClient>[1]>;
type PolicyFactories = Extract<NonNullable<ClientOptions['requestPolicyFactories']>, unknown[]>;
type PolicyFactory = PolicyFactories[number];

/** The api-version @azure/arm-resourcegraph 4.2 sends for `resources` (its models/parameters apiVersion1). */
export const RESOURCE_GRAPH_API = '2021-03-01';

/** Resource Graph returns at most 1000 rows a page ($top maximum). */
export const PAGE_SIZE = 1000;

export interface GraphQueryScope {
  subscriptions?: string[];
  managementGroups?: string[];
}

export interface ResourceGraphPage {
  data: unknown[];
  skipToken?: string;
  totalRecords?: number;
}

export class ResourceGraph {
  private readonly client: ResourceGraphClient;

  constructor(credential: TokenCredential, endpoint: string, scope: string, transport: LiveTransport) {
    const retry: PolicyFactory = {
      create: (next) => ({
        sendRequest: (request) =>
          withRetries(async (signal) => {
            const attempt = request.clone();
            attempt.abortSignal = signal as unknown as typeof attempt.abortSignal;
            const response = await next.sendRequest(attempt);
            return Object.assign(response, {
              status: response.status,
              header: (name: string) => response.headers.get(name),
            });
          }, transport.retryContext(endpoint)),
      }),
    };
    // The client would derive the token audience from baseUri, which is wrong for an overridden endpoint: sign with
    // the cloud's ARM scope instead.
    const signer = {
      async signRequest<T extends { headers: { set(name: string, value: string): void } }>(request: T): Promise<T> {
        const url = `${endpoint}/providers/Microsoft.ResourceGraph/resources`;
        const token = await credential.getToken(scope).catch((error: unknown) => {
          throw tokenError(error, 'POST', url);
        });
        if (!token) throw tokenError(new Error('the credential returned no token'), 'POST', url);
        request.headers.set('authorization', `Bearer ${token.token}`);
        return request;
      },
    };
    this.client = new ResourceGraphClient(signer as unknown as TokenCredential, {
      baseUri: endpoint,
      noRetryPolicy: true,
      agentSettings: { http: transport.agent, https: transport.agent } as ClientOptions['agentSettings'],
      // Last, next to the HTTP client: it sees raw statuses before the deserialization policy turns them into errors.
      requestPolicyFactories: (defaults: PolicyFactories) => [...defaults, retry],
    });
  }

  /** One page of a query; `skipToken` continues a previous page. */
  async page(query: string, scope: GraphQueryScope, skipToken?: string): Promise<ResourceGraphPage> {
    try {
      const response = await this.client.resources({
        query,
        subscriptions: scope.subscriptions,
        managementGroups: scope.managementGroups,
        options: { top: PAGE_SIZE, skipToken, resultFormat: 'objectArray' },
      });
      return {
        data: Array.isArray(response.data) ? response.data : [],
        skipToken: response.skipToken ?? undefined,
        totalRecords: response.totalRecords,
      };
    } catch (error) {
      throw asRequestError(error);
    }
  }
}

function asRequestError(error: unknown): unknown {
  if (!error || typeof error !== 'object' || error instanceof LiveRequestError) return error;
  const { statusCode, code, body, message } = error as {
    statusCode?: number;
    code?: string;
    body?: { code?: string; message?: string };
    message?: string;
  };
  if (statusCode === undefined && code === undefined) return error;
  if (statusCode === undefined && code !== 'ETIMEDOUT' && !/REQUEST_|^E[A-Z]+$/.test(code ?? '')) return error;
  return new LiveRequestError(
    (body?.message ?? message ?? 'request failed').split('\n')[0],
    'POST',
    'providers/Microsoft.ResourceGraph/resources',
    statusCode,
    body?.code ?? code,
  );
}

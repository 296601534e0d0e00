// Live collection: subscriptions -> Resource Graph (resources, paged by skip token) -> ARM GETs of the child and
// extension resources Resource Graph lacks (plan.ts) -> Microsoft Graph (Entra ID). Records stream to the snapshot
// as they arrive; a source or subscription that fails is recorded in the header (what, why, what permission it
// needs, which rules become unknown) and collection goes on with the rest.
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { TokenCredential } from '@azure/identity';
import { type CloudEndpoints, type CloudName, cloudEndpoints } from './clouds.js';
import { LiveRequestError, LiveTransport } from './http.js';
import { API, CHILD_PLAN, type ChildRequest, GRAPH_EXPAND_LIMIT, GRAPH_SOURCES, subscriptionRequests } from './plan.js';
import { redactSecrets } from './redact.js';
import { RESOURCE_GRAPH_API, ResourceGraph } from './resource-graph.js';
import type { RetrySettings, TransportStats } from './retry.js';
import { SnapshotWriter } from './writer.js';

export interface LiveScope {
  subscriptions?: string[];
  managementGroup?: string;
  allSubscriptions?: boolean;
  /** The tenant to sign in to; alone, it means every subscription of that tenant. */
  tenant?: string;
  /** Collect Entra ID through Microsoft Graph (default true). */
  entra?: boolean;
}

export interface CollectProgress {
  phase: 'subscriptions' | 'resources' | 'children' | 'entra' | 'done';
  records: number;
  requests: number;
  pending: number;
}

export interface CollectOptions {
  scope: LiveScope;
  out: string;
  cloud: CloudName;
  credential: TokenCredential;
  toolVersion: string;
  /** Requests in flight per host (ARM, Graph). */
  concurrency: number;
  /** Subscriptions per Resource Graph query. */
  subscriptionBatch?: number;
  agent?: HttpsAgent | HttpAgent;
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetrySettings>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Rule ids that read any of these resource types ('*': every rule), so failures can name them. */
  rulesFor?: (types: string[]) => string[];
  onProgress?: (progress: CollectProgress) => void;
}

export type CollectSource = 'subscriptions' | 'resource-graph' | 'arm' | 'microsoft-graph';

export interface CollectFailure {
  /** `/subscriptions/<id>`, `/providers/Microsoft.Management/managementGroups/<id>` or `tenant/<id>`. */
  scope: string;
  source: CollectSource;
  /** The request, with the parent resource replaced by `{parent}` when many parents failed alike. */
  request: string;
  status: number | null;
  code: string | null;
  reason: string;
  /** The role or Graph permission that grants it (401/403). */
  needs: string | null;
  /** Requests that failed this way. */
  count: number;
  types: string[];
  rules: string[];
}

export interface SubscriptionInfo {
  id: string;
  displayName: string | null;
  state: string | null;
  tenantId: string | null;
}

export interface CollectResult {
  path: string;
  complete: boolean;
  failures: CollectFailure[];
  metadata: Record<string, unknown>;
}

/** Sign-in failed before anything was collected (no credential, refused secret, unreachable authority). */
export class LiveAuthError extends Error {}
/** The ARM endpoint could not be reached at all. */
export class LiveConnectionError extends Error {}

const DEFAULT_BATCH = 100;
const RESOURCES_QUERY = 'resources | order by id asc';

export async function collectLive(options: CollectOptions): Promise<CollectResult> {
  const collector = new Collector(options);
  return collector.run();
}

class Collector {
  private readonly endpoints: CloudEndpoints;
  private readonly transport: LiveTransport;
  private readonly writer: SnapshotWriter;
  private readonly failures = new Map<string, CollectFailure>();
  private readonly counts = new Map<string, number>();
  private readonly redaction = { redacted: 0 };
  private readonly seen = new Set<string>();
  private readonly principals = new Set<string>();
  private absent = 0;
  private phase: CollectProgress['phase'] = 'subscriptions';
  private pending = 0;
  private readonly pool: TaskPool;
  private tenantId: string | undefined;

  constructor(private readonly options: CollectOptions) {
    this.endpoints = cloudEndpoints(options.cloud, options.env);
    this.transport = new LiveTransport({
      credential: options.credential,
      concurrency: options.concurrency,
      agent: options.agent,
      retry: options.retry,
      sleep: options.sleep,
      userAgent: `phiguard/${options.toolVersion}`,
    });
    this.writer = new SnapshotWriter(options.out);
    this.pool = new TaskPool(options.concurrency * 2);
    this.tenantId = options.scope.tenant;
  }

  async run(): Promise<CollectResult> {
    const started = (this.options.now ?? (() => new Date()))();
    // A steady refresh (not per record): children and Graph pages arrive in bursts, long waits show as waits.
    const ticker = this.options.onProgress ? setInterval(() => this.progress(), 250) : undefined;
    ticker?.unref();
    try {
      await this.signIn();
      const subscriptions = await this.subscriptions();
      this.phase = 'resources';
      await this.resources(subscriptions);
      this.phase = 'children';
      for (const subscription of subscriptions) await this.subscriptionExtras(subscription);
      await this.pool.drain();
      if (this.options.scope.entra !== false) {
        this.phase = 'entra';
        await this.entra();
      }
      this.phase = 'done';
      this.progress();
      const finished = (this.options.now ?? (() => new Date()))();
      const failures = [...this.failures.values()];
      const metadata = this.metadata(started, finished, subscriptions, failures);
      await this.writer.finish(metadata);
      return { path: this.options.out, complete: failures.length === 0, failures, metadata };
    } catch (error) {
      await this.writer.abort();
      throw error;
    } finally {
      clearInterval(ticker);
      this.transport.close();
    }
  }

  private metadata(
    started: Date,
    finished: Date,
    subscriptions: SubscriptionInfo[],
    failures: CollectFailure[],
  ): Record<string, unknown> {
    const scope = this.options.scope;
    return {
      kind: 'live-snapshot',
      formatVersion: 1,
      tool: { name: 'phiguard', version: this.options.toolVersion },
      collectedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      cloud: this.endpoints.name,
      endpoints: { arm: this.endpoints.arm, graph: this.endpoints.graph },
      tenantId: this.tenantId ?? null,
      scopes: {
        requested: {
          subscriptions: scope.subscriptions ?? [],
          managementGroup: scope.managementGroup ?? null,
          allSubscriptions: scope.allSubscriptions === true,
          tenant: scope.tenant ?? null,
          entra: scope.entra !== false,
        },
        subscriptions,
      },
      apiVersions: { ...API, resourceGraph: RESOURCE_GRAPH_API },
      concurrency: this.options.concurrency,
      complete: failures.length === 0,
      counts: {
        records: this.writer.count,
        byType: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))),
        absent: this.absent,
        redacted: this.redaction.redacted,
        ...this.transport.stats,
      } satisfies Record<string, unknown> & TransportStats,
      redaction:
        'listKeys, listConnectionStrings, app settings and connection strings are never requested; secret-bearing keys and values are replaced',
      failures,
    };
  }

  // Sign-in --------------------------------------------------------------------------------------------------

  private async signIn(): Promise<void> {
    let token: { token: string } | null;
    try {
      token = await this.options.credential.getToken(this.endpoints.armScope);
    } catch (error) {
      throw new LiveAuthError(describeAuthError(error, this.endpoints));
    }
    if (!token) throw new LiveAuthError('the credential returned no token (run az login, or set AZURE_CLIENT_ID ...)');
    this.tenantId ??= tenantOfToken(token.token);
  }

  // Subscriptions --------------------------------------------------------------------------------------------

  private async subscriptions(): Promise<SubscriptionInfo[]> {
    const scope = this.options.scope;
    const found = new Map<string, SubscriptionInfo>();
    const arm = this.endpoints.arm;
    try {
      if (scope.subscriptions && scope.subscriptions.length > 0) {
        // In parallel (the transport bounds it), kept in the order given.
        const answers = await Promise.all(
          scope.subscriptions.map(async (id) => {
            const url = `${arm}/subscriptions/${id}?api-version=${API.subscriptions}`;
            try {
              return subscriptionInfo((await this.transport.get(url, this.endpoints.armScope)).body);
            } catch (error) {
              if (isUnreachable(error)) throw error;
              this.fail(
                `/subscriptions/${id}`,
                'subscriptions',
                `GET /subscriptions/${id}`,
                error,
                ['*'],
                readerOn(`/subscriptions/${id}`),
              );
              return undefined;
            }
          }),
        );
        for (const info of answers) if (info) found.set(info.id.toLowerCase(), info);
      } else if (scope.managementGroup) {
        const mg = `/providers/Microsoft.Management/managementGroups/${scope.managementGroup}`;
        const url = `${arm}${mg}/descendants?api-version=${API.managementGroups}`;
        try {
          for await (const item of this.pages(url, this.endpoints.armScope)) {
            const record = item as { type?: string; name?: string; properties?: { displayName?: string } };
            if (!/managementGroups\/subscriptions$/i.test(record.type ?? '') || !record.name) continue;
            found.set(record.name.toLowerCase(), {
              id: record.name,
              displayName: record.properties?.displayName ?? null,
              state: null,
              tenantId: null,
            });
          }
        } catch (error) {
          if (isUnreachable(error)) throw error;
          this.fail(mg, 'subscriptions', `GET ${mg}/descendants`, error, ['*'], readerOn(mg));
        }
      } else {
        const url = `${arm}/subscriptions?api-version=${API.subscriptions}`;
        try {
          for await (const item of this.pages(url, this.endpoints.armScope)) {
            const info = subscriptionInfo(item);
            if (!info) continue;
            if (scope.tenant && info.tenantId && info.tenantId.toLowerCase() !== scope.tenant.toLowerCase()) continue;
            found.set(info.id.toLowerCase(), info);
          }
        } catch (error) {
          if (isUnreachable(error)) throw error;
          this.fail(
            '/subscriptions',
            'subscriptions',
            'GET /subscriptions',
            error,
            ['*'],
            'Reader on the subscriptions',
          );
        }
      }
    } catch (error) {
      if (isUnreachable(error)) {
        throw new LiveConnectionError(
          `cannot reach Azure Resource Manager at ${arm} (${(error as Error).message}); check --cloud, PHIGUARD_ARM_ENDPOINT, HTTPS_PROXY and the network`,
        );
      }
      throw error;
    }
    const list = [...found.values()];
    this.tenantId ??= list.find((s) => s.tenantId)?.tenantId ?? undefined;
    for (const subscription of list) {
      await this.emit({
        id: `/subscriptions/${subscription.id}`,
        type: 'Microsoft.Resources/subscriptions',
        name: subscription.id,
        properties: {
          displayName: subscription.displayName,
          state: subscription.state,
          tenantId: subscription.tenantId,
        },
      });
    }
    return list;
  }

  // Resource Graph -------------------------------------------------------------------------------------------

  private async resources(subscriptions: SubscriptionInfo[]): Promise<void> {
    if (subscriptions.length === 0) return;
    const graph = new ResourceGraph(
      this.options.credential,
      this.endpoints.arm,
      this.endpoints.armScope,
      this.transport,
    );
    const size = Math.max(1, this.options.subscriptionBatch ?? DEFAULT_BATCH);
    for (let i = 0; i < subscriptions.length; i += size) {
      const batch = subscriptions.slice(i, i + size).map((s) => s.id);
      await this.query(graph, batch);
    }
  }

  /** One batch; when it fails, each subscription alone, so one bad subscription does not lose the others. */
  private async query(graph: ResourceGraph, batch: string[]): Promise<void> {
    let skipToken: string | undefined;
    let written = 0;
    try {
      do {
        const page = await graph.page(RESOURCES_QUERY, { subscriptions: batch }, skipToken);
        for (const record of page.data) {
          await this.emit(record);
          written++;
        }
        skipToken = page.skipToken;
      } while (skipToken);
    } catch (error) {
      if (batch.length > 1 && written === 0) {
        for (const subscription of batch) await this.query(graph, [subscription]);
        return;
      }
      for (const subscription of batch) {
        this.fail(
          `/subscriptions/${subscription}`,
          'resource-graph',
          'POST /providers/Microsoft.ResourceGraph/resources',
          error,
          ['*'],
          readerOn(`/subscriptions/${subscription}`),
        );
      }
    }
  }

  // ARM ------------------------------------------------------------------------------------------------------

  private async subscriptionExtras(subscription: SubscriptionInfo): Promise<void> {
    for (const request of subscriptionRequests(subscription.id)) {
      await this.pool.add(async () => {
        const scope = `/subscriptions/${subscription.id}`;
        try {
          for await (const item of this.pages(`${this.endpoints.arm}${request.url}`, this.endpoints.armScope)) {
            const id = (item as { id?: unknown }).id;
            // Role assignments inherited from a management group appear in every subscription below it.
            if (typeof id === 'string' && /\/providers\/Microsoft\.Authorization\//i.test(id)) {
              const key = id.toLowerCase();
              if (this.seen.has(key)) continue;
              this.seen.add(key);
            }
            await this.emit(item, true);
          }
        } catch (error) {
          if (isAbsent(error)) return;
          const path = request.url.replace(/^\/subscriptions\/[^/]+/, '').replace(/\?.*$/, '');
          this.fail(scope, 'arm', `GET {subscription}${path}`, error, request.types, readerOn(scope));
        }
      });
    }
  }

  private async children(
    parent: { id: string; type: string; properties?: Record<string, unknown> },
    nested: boolean,
  ): Promise<void> {
    const plan = CHILD_PLAN[parent.type.toLowerCase()];
    if (!plan) return;
    if (/\/databases\/master$/i.test(parent.id)) return;
    for (const request of plan) {
      if (request.when && !request.when(parent)) continue;
      this.pending++;
      const task = async () => {
        try {
          await this.child(parent.id, request);
        } finally {
          this.pending--;
        }
      };
      if (nested) this.pool.spawn(task);
      else await this.pool.add(task);
    }
  }

  private async child(parentId: string, request: ChildRequest): Promise<void> {
    const url = `${this.endpoints.arm}${parentId}${request.path}?api-version=${request.apiVersion}`;
    try {
      if (request.list) {
        for await (const item of this.pages(url, this.endpoints.armScope)) await this.emit(item, true);
      } else {
        const { body } = await this.transport.get(url, this.endpoints.armScope);
        if (body && typeof body === 'object') await this.emit(body, true);
      }
    } catch (error) {
      if (isAbsent(error)) {
        this.absent++;
        return;
      }
      const subscription = /^\/subscriptions\/[^/]+/i.exec(parentId)?.[0] ?? parentId;
      const parentType = parentId
        .split('/providers/')
        .pop()
        ?.replace(/\/[^/]+(\/|$)/g, '/')
        .replace(/\/$/, '');
      this.fail(
        subscription,
        'arm',
        `GET {${parentType}}${request.path}`,
        error,
        request.types,
        readerOn(subscription),
      );
    }
  }

  // Microsoft Graph ------------------------------------------------------------------------------------------

  private async entra(): Promise<void> {
    const base = `${this.endpoints.graph}/${API.graph}`;
    const scope = `tenant/${this.tenantId ?? 'unknown'}`;
    for (const source of GRAPH_SOURCES) {
      try {
        for await (const item of this.pages(`${base}${source.path}`, this.endpoints.graphScope, '@odata.nextLink')) {
          const record = withODataType(item, source.entity);
          if (source.entity === 'servicePrincipal') await this.completeAssignments(record, base);
          await this.emit(record);
        }
      } catch (error) {
        this.fail(
          scope,
          'microsoft-graph',
          `GET ${source.path.split('?')[0]}`,
          error,
          [
            `microsoft.graph/${source.entity}`,
            ...(source.entity === 'servicePrincipal' ? ['microsoft.graph/appRoleAssignment'] : []),
          ],
          graphPermission(source.permission),
        );
      }
    }
    await this.resolvePrincipals(base, scope);
  }

  /** `$expand` returns at most 20 assignments: a service principal with 20 (or a next link) gets its full list. */
  private async completeAssignments(record: Record<string, unknown>, base: string): Promise<void> {
    const assignments = record.appRoleAssignments;
    const truncated =
      (Array.isArray(assignments) && assignments.length >= GRAPH_EXPAND_LIMIT) ||
      typeof record['appRoleAssignments@odata.nextLink'] === 'string';
    if (!truncated || typeof record.id !== 'string') return;
    const all: unknown[] = [];
    for await (const item of this.pages(
      `${base}/servicePrincipals/${record.id}/appRoleAssignments`,
      this.endpoints.graphScope,
      '@odata.nextLink',
    )) {
      all.push(item);
    }
    record.appRoleAssignments = all;
    delete record['appRoleAssignments@odata.nextLink'];
  }

  /** Users and groups named by RBAC role assignments (guest and principal-kind checks), 1000 ids per call. */
  private async resolvePrincipals(base: string, scope: string): Promise<void> {
    const ids = [...this.principals];
    for (let i = 0; i < ids.length; i += 1000) {
      try {
        const { body } = await this.transport.post(`${base}/directoryObjects/getByIds`, this.endpoints.graphScope, {
          ids: ids.slice(i, i + 1000),
          types: ['user', 'group'],
        });
        const value = (body as { value?: unknown[] } | undefined)?.value ?? [];
        for (const item of value) await this.emit(item);
      } catch (error) {
        this.fail(
          scope,
          'microsoft-graph',
          'POST /directoryObjects/getByIds',
          error,
          ['microsoft.graph/user', 'microsoft.graph/group'],
          graphPermission('Directory.Read.All'),
        );
      }
    }
  }

  // Plumbing -------------------------------------------------------------------------------------------------

  /** Writes a record and schedules its children; `nested` (inside a pool task) schedules without waiting for a slot. */
  private async emit(record: unknown, nested = false): Promise<void> {
    if (!record || typeof record !== 'object') return;
    const clean = redactSecrets(record, this.redaction) as Record<string, unknown>;
    const type =
      typeof clean.type === 'string'
        ? clean.type
        : typeof clean['@odata.type'] === 'string'
          ? `microsoft.graph/${(clean['@odata.type'] as string).replace(/^#microsoft\.graph\./, '')}`
          : 'unknown';
    const key = type.toLowerCase();
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (key === 'microsoft.authorization/roleassignments') {
      const principal = (clean.properties as { principalId?: unknown; principalType?: unknown } | undefined) ?? {};
      if (typeof principal.principalId === 'string' && principal.principalType !== 'ServicePrincipal') {
        this.principals.add(principal.principalId);
      }
    }
    await this.writer.write(clean);
    if (typeof clean.id === 'string' && clean.id.startsWith('/')) {
      await this.children(
        { id: clean.id, type, properties: clean.properties as Record<string, unknown> | undefined },
        nested,
      );
    }
  }

  private async *pages(url: string, scope: string, nextKey = 'nextLink'): AsyncGenerator<unknown> {
    for (let next: string | undefined = url; next; ) {
      const { body } = await this.transport.get(next, scope);
      const page = body as Record<string, unknown> | undefined;
      const value = page?.value;
      if (Array.isArray(value)) yield* value;
      else if (page && nextKey === 'nextLink' && page.id !== undefined) yield page;
      const link = page?.[nextKey];
      next = typeof link === 'string' && link ? link : undefined;
    }
  }

  private fail(
    scope: string,
    source: CollectSource,
    request: string,
    error: unknown,
    types: string[],
    needs: string,
  ): void {
    if (!(error instanceof LiveRequestError)) throw error;
    const status = error.status ?? null;
    const key = `${scope}\u0000${request}\u0000${status}\u0000${error.code}`;
    const existing = this.failures.get(key);
    if (existing) {
      existing.count++;
      return;
    }
    const denied = status === 401 || status === 403;
    this.failures.set(key, {
      scope,
      source,
      request,
      status,
      code: error.code ?? null,
      reason: error.message,
      needs: denied ? needs : null,
      count: 1,
      types,
      rules: this.options.rulesFor?.(types) ?? [],
    });
  }

  private progress(): void {
    this.options.onProgress?.({
      phase: this.phase,
      records: this.writer.count,
      requests: this.transport.stats.requests,
      pending: this.pending,
    });
  }
}

/** Runs tasks with at most `size` in flight; `add` waits for a free slot, so producers cannot run ahead. */
class TaskPool {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  constructor(private readonly size: number) {}

  async add(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.size) await Promise.race(this.running);
    if (this.failure) throw this.failure;
    this.spawn(task);
  }

  /** Starts a task at once (from inside a running task, which must not wait for its own slot). */
  spawn(task: () => Promise<void>): void {
    const promise: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.running.delete(promise));
    this.running.add(promise);
  }

  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failure) throw this.failure;
  }
}

function subscriptionInfo(body: unknown): SubscriptionInfo | undefined {
  const record = body as { subscriptionId?: unknown; displayName?: unknown; state?: unknown; tenantId?: unknown };
  if (!record || typeof record.subscriptionId !== 'string') return undefined;
  return {
    id: record.subscriptionId,
    displayName: typeof record.displayName === 'string' ? record.displayName : null,
    state: typeof record.state === 'string' ? record.state : null,
    tenantId: typeof record.tenantId === 'string' ? record.tenantId : null,
  };
}

function withODataType(item: unknown, entity: string): Record<string, unknown> {
  const record = { ...(item as Record<string, unknown>) };
  if (typeof record['@odata.type'] !== 'string') record['@odata.type'] = `#microsoft.graph.${entity}`;
  return record;
}

/** 404 (the singleton child does not exist: no management policy, no auditing setting), 400/409 (not supported by this SKU or kind). */
function isAbsent(error: unknown): boolean {
  return error instanceof LiveRequestError && (error.status === 404 || error.status === 400 || error.status === 409);
}

function isUnreachable(error: unknown): boolean {
  return (
    error instanceof LiveRequestError &&
    error.status === undefined &&
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT'].includes(error.code ?? '')
  );
}

function readerOn(scope: string): string {
  return `the Reader role on ${scope}`;
}

function graphPermission(permission: string): string {
  return `the Microsoft Graph application permission ${permission} (admin consent)`;
}

function tenantOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { tid?: unknown };
    return typeof claims.tid === 'string' ? claims.tid : undefined;
  } catch {
    return undefined;
  }
}

function describeAuthError(error: unknown, endpoints: CloudEndpoints): string {
  const name = (error as { name?: string }).name ?? '';
  const message = ((error as Error).message ?? String(error)).split('\n')[0];
  if (name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError') {
    return 'no Azure credentials found: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or use a managed or workload identity)';
  }
  return `cannot sign in at ${endpoints.authorityHost} (${message.slice(0, 200)}); check the credential and AZURE_AUTHORITY_HOST or --cloud`;
}

// A loopback Azure for tests and benchmarks: one HTTPS server on 127.0.0.1 playing the Entra ID token endpoint
// (OpenID discovery + client credentials), Azure Resource Manager (subscriptions, management group descendants,
// resource GETs and child lists, paged by nextLink), Azure Resource Graph (POST .../resources, paged by
// $skipToken) and Microsoft Graph v1.0 (lists paged by @odata.nextLink, directoryObjects/getByIds). MSAL only
// accepts an https authority, so the server uses a self-signed certificate made with openssl at start; clients
// trust it through `agent` (in process) or NODE_EXTRA_CA_CERTS (a child process). Faults (429 + Retry-After, 5xx,
// 403, hangs) are injected per route, and every request is logged. Nothing leaves loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoopbackSubscription {
  id: string;
  displayName: string;
  tenantId?: string;
}

export interface Estate {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptions: LoopbackSubscription[];
  managementGroups?: Record<string, string[]>;
  /** Resource Graph rows (each with `subscriptionId`). */
  resources: Record<string, unknown>[];
  /** ARM GET bodies by lower-cased path. */
  gets: Map<string, unknown>;
  /** ARM list members by lower-cased path (served as `{value, nextLink}` pages). */
  lists: Map<string, unknown[]>;
  /** Microsoft Graph list members by path after /v1.0, lower-cased, without the query. */
  graph: Map<string, unknown[]>;
  /** Objects `directoryObjects/getByIds` can return. */
  directoryObjects: Record<string, unknown>[];
  /** Rows per Resource Graph page and members per list page. */
  pageSize?: number;
}

export interface Fault {
  /** Tested against `METHOD /path` (path without query; Resource Graph: plus ` subs=<ids>`). */
  match: RegExp;
  status?: number;
  /** Retry-After header value. */
  retryAfter?: string;
  /** Never answer (the client's timeout must end it). */
  hang?: boolean;
  /** How many matching requests it applies to (default: all). */
  times?: number;
  errorCode?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

export interface LoopbackAzure {
  url: string;
  ca: Buffer;
  caFile: string;
  agent: Agent;
  estate: Estate;
  faults: Fault[];
  log: LoggedRequest[];
  /** The `scope` of every token request. */
  tokenScopes: string[];
  latencyMs: number;
  /** Environment for a CLI child process: credentials, endpoints, the CA, IMDS kept on loopback. */
  env(): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

let certificate: { key: Buffer; cert: Buffer; dir: string } | undefined;

/** A self-signed certificate for 127.0.0.1, made once per process. */
function loopbackCertificate(): { key: Buffer; cert: Buffer; dir: string } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-loopback-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  certificate = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), dir };
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return certificate;
}

export async function startLoopbackAzure(estate: Estate, options: { latencyMs?: number } = {}): Promise<LoopbackAzure> {
  const { key, cert, dir } = loopbackCertificate();
  const faults: Fault[] = [];
  const log: LoggedRequest[] = [];
  const tokenScopes: string[] = [];
  const hanging = new Set<ServerResponse>();
  const state = { latencyMs: options.latencyMs ?? 0 };
  let base = '';

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = () => {
        try {
          route(request, response, body);
        } catch (error) {
          send(response, request, 500, { error: { code: 'LoopbackBug', message: String(error) } });
        }
      };
      if (state.latencyMs > 0) setTimeout(answer, state.latencyMs);
      else answer();
    });
  };

  const send = (
    response: ServerResponse,
    request: IncomingMessage,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ) => {
    const url = new URL(request.url ?? '/', base);
    log.push({ method: request.method ?? 'GET', path: url.pathname, status });
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(payload));
  };

  const route = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const url = new URL(request.url ?? '/', base);
    const method = request.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const lower = path.toLowerCase();

    // Entra ID --------------------------------------------------------------------------------------------
    const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (discovery) {
      const tenant = discovery[1];
      send(response, request, 200, {
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
        device_authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/devicecode`,
        issuer: `${base}/${tenant}/v2.0`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        tenant_region_scope: null,
        cloud_instance_name: 'loopback',
      });
      return;
    }
    if (method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path)) {
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== estate.clientId || form.get('client_secret') !== estate.clientSecret) {
        send(response, request, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
        return;
      }
      tokenScopes.push(form.get('scope') ?? '');
      send(response, request, 200, {
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: fakeJwt({ tid: estate.tenantId, aud: form.get('scope') ?? '' }),
      });
      return;
    }
    // Each API takes only tokens for its own audience (a Graph token at ARM is a 401, as in Azure).
    const audience = tokenAudience(request.headers.authorization);
    const wanted = lower.startsWith('/v1.0/') ? /graph/ : /management/;
    if (!audience || !wanted.test(audience)) {
      send(response, request, 401, {
        error: { code: 'InvalidAuthenticationToken', message: `token audience "${audience ?? 'none'}"` },
      });
      return;
    }

    // Faults ----------------------------------------------------------------------------------------------
    let subjects = `${method} ${path}`;
    if (lower === '/providers/microsoft.resourcegraph/resources') {
      const subs = ((JSON.parse(body || '{}') as { subscriptions?: string[] }).subscriptions ?? []).join(',');
      subjects += ` subs=${subs}`;
    }
    const fault = faults.find((f) => f.match.test(subjects) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      if (fault.hang) {
        hanging.add(response);
        log.push({ method, path, status: 0 });
        response.on('close', () => hanging.delete(response));
        return;
      }
      const status = fault.status ?? 500;
      const headers: Record<string, string> = fault.retryAfter ? { 'retry-after': fault.retryAfter } : {};
      const code =
        fault.errorCode ??
        (status === 403 ? 'AuthorizationFailed' : status === 429 ? 'TooManyRequests' : 'InternalServerError');
      send(response, request, status, { error: { code, message: `loopback fault ${status} for ${path}` } }, headers);
      return;
    }

    // Resource Graph --------------------------------------------------------------------------------------
    if (method === 'POST' && lower === '/providers/microsoft.resourcegraph/resources') {
      const query = JSON.parse(body) as { subscriptions?: string[]; options?: { $top?: number; $skipToken?: string } };
      const subs = new Set((query.subscriptions ?? []).map((s) => s.toLowerCase()));
      const rows = estate.resources
        .filter((row) => subs.has(String(row.subscriptionId).toLowerCase()))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
      const top = Math.min(query.options?.$top ?? 1000, estate.pageSize ?? 1000);
      const offset = query.options?.$skipToken
        ? Number(Buffer.from(query.options.$skipToken, 'base64url').toString())
        : 0;
      const page = rows.slice(offset, offset + top);
      const more = offset + top < rows.length;
      send(response, request, 200, {
        totalRecords: rows.length,
        count: page.length,
        resultTruncated: 'false',
        facets: [],
        data: page,
        ...(more ? { $skipToken: Buffer.from(String(offset + top)).toString('base64url') } : {}),
      });
      return;
    }

    // Microsoft Graph -------------------------------------------------------------------------------------
    if (lower.startsWith('/v1.0/')) {
      const graphPath = lower.slice('/v1.0'.length);
      if (method === 'POST' && graphPath === '/directoryobjects/getbyids') {
        const ids = new Set((JSON.parse(body) as { ids: string[] }).ids);
        send(response, request, 200, {
          '@odata.context': `${base}/v1.0/$metadata#directoryObjects`,
          value: estate.directoryObjects.filter((o) => ids.has(String(o.id))),
        });
        return;
      }
      const members = estate.graph.get(graphPath);
      if (!members) {
        send(response, request, 404, { error: { code: 'Request_ResourceNotFound', message: `no ${graphPath}` } });
        return;
      }
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const size = estate.pageSize ?? 1000;
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + size));
      send(response, request, 200, {
        '@odata.context': `${base}/v1.0/$metadata#${graphPath.slice(1)}`,
        value: members.slice(skip, skip + size),
        ...(skip + size < members.length ? { '@odata.nextLink': next.toString() } : {}),
      });
      return;
    }

    // Azure Resource Manager ------------------------------------------------------------------------------
    if (method !== 'GET') {
      send(response, request, 405, { error: { code: 'MethodNotAllowed', message: method } });
      return;
    }
    const subscription = (id: string) => {
      const found = estate.subscriptions.find((s) => s.id.toLowerCase() === id.toLowerCase());
      return found
        ? {
            id: `/subscriptions/${found.id}`,
            subscriptionId: found.id,
            displayName: found.displayName,
            state: 'Enabled',
            tenantId: found.tenantId ?? estate.tenantId,
          }
        : undefined;
    };
    let list: unknown[] | undefined;
    if (lower === '/subscriptions') list = estate.subscriptions.map((s) => subscription(s.id));
    const single = /^\/subscriptions\/([^/]+)$/.exec(path);
    if (single) {
      const found = subscription(single[1]);
      if (found) send(response, request, 200, found);
      else send(response, request, 404, { error: { code: 'SubscriptionNotFound', message: single[1] } });
      return;
    }
    const descendants = /^\/providers\/microsoft\.management\/managementgroups\/([^/]+)\/descendants$/.exec(lower);
    if (descendants) {
      const ids = estate.managementGroups?.[descendants[1]];
      if (!ids) {
        send(response, request, 403, { error: { code: 'AuthorizationFailed', message: 'no access' } });
        return;
      }
      list = ids.map((id) => ({
        id: `/providers/Microsoft.Management/managementGroups/${descendants[1]}/subscriptions/${id}`,
        type: 'Microsoft.Management/managementGroups/subscriptions',
        name: id,
        properties: { displayName: subscription(id)?.displayName },
      }));
    }
    list ??= estate.lists.get(lower);
    if (list) {
      const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
      const size = estate.pageSize ?? 1000;
      const next = new URL(url);
      next.searchParams.set('$skiptoken', String(skip + size));
      send(response, request, 200, {
        value: list.slice(skip, skip + size),
        ...(skip + size < list.length ? { nextLink: next.toString() } : {}),
      });
      return;
    }
    const item = estate.gets.get(lower);
    if (item !== undefined) {
      send(response, request, 200, item);
      return;
    }
    send(response, request, 404, { error: { code: 'ResourceNotFound', message: `${path} not found` } });
  };

  const server: Server = createHttpsServer({ key, cert }, handler) as unknown as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  base = `https://127.0.0.1:${port}`;
  const agent = new Agent({ ca: cert, keepAlive: true, maxSockets: 64 });
  const caFile = join(dir, 'cert.pem');
  return {
    url: base,
    ca: cert,
    caFile,
    agent,
    estate,
    faults,
    log,
    tokenScopes,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    env() {
      return {
        AZURE_TENANT_ID: estate.tenantId,
        AZURE_CLIENT_ID: estate.clientId,
        AZURE_CLIENT_SECRET: estate.clientSecret,
        AZURE_AUTHORITY_HOST: base,
        PHIGUARD_ARM_ENDPOINT: base,
        PHIGUARD_GRAPH_ENDPOINT: base,
        NODE_EXTRA_CA_CERTS: caFile,
        // Managed identity probes stay on loopback (a closed port) instead of 169.254.169.254.
        AZURE_POD_IDENTITY_AUTHORITY_HOST: 'http://127.0.0.1:9',
      };
    },
    async close() {
      for (const response of hanging) response.destroy();
      agent.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function tokenAudience(header: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  try {
    const claims = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      aud?: string;
    };
    return claims.aud;
  } catch {
    return undefined;
  }
}

/** An unsigned JWT: enough for clients that read claims (`tid`), never verified by anyone. */
function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims, iat: now, exp: now + 3600 })}.loopback`;
}

/** An HTTP (not HTTPS) server that accepts connections and never answers: an unreachable-but-open endpoint. */
export async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

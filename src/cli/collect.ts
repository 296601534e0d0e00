// `phiguard collect`: live Azure and Entra ID into a snapshot file that `phiguard scan` reads, and the collection
// half of `phiguard scan --live`. Parses flags, builds the credential, prints progress and failures; the work is in
// src/ingest/live.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ConfigError } from '../core/errors.js';
import { CLOUD_NAMES, type CloudName, cloudEndpoints, isKnownAuthority } from '../ingest/live/clouds.js';
import {
  type CollectFailure,
  type CollectProgress,
  type CollectResult,
  collectLive,
  LiveAuthError,
  LiveConnectionError,
  type LiveScope,
} from '../ingest/live/collect.js';
import { EXIT } from '../report/summary.js';
import { RULES } from '../rules/catalog/index.js';

export interface LiveFlags {
  subscription?: string[];
  managementGroup?: string;
  allSubscriptions?: boolean;
  tenant?: string;
  cloud?: string;
  concurrency?: string;
  /** commander's --no-entra. */
  entra?: boolean;
  quiet?: boolean;
}

export interface CollectFlags extends LiveFlags {
  out: string;
}

/** Test seams: a credential and an agent that trusts the loopback Azure's certificate. */
export interface CollectDependencies {
  credential?: TokenCredential;
  agent?: import('node:https').Agent;
  env?: NodeJS.ProcessEnv;
}

// 16 requests in flight per host: ARM allows ~250 reads per 5 s per principal per region (token bucket, 2024
// throttling model), so 16 x ~100 ms round trips stays under it while keeping a large estate to minutes.
const DEFAULT_CONCURRENCY = 16;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SNAPSHOT_NAME = /\.(json|ndjson|jsonl)(\.gz)?$/i;

interface LiveRequest {
  scope: LiveScope;
  cloud: CloudName;
  concurrency: number;
}

/** Validates the scope flags (exit 2 on a bad combination). Returns undefined when no live flag was given. */
export function liveRequest(flags: LiveFlags): LiveRequest {
  const subscriptions = (flags.subscription ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const chosen = [subscriptions.length > 0, !!flags.managementGroup, !!flags.allSubscriptions].filter(Boolean).length;
  if (chosen === 0 && !flags.tenant) {
    throw new ConfigError(
      'choose what to collect',
      undefined,
      'give --subscription ID, --management-group ID, --all-subscriptions or --tenant ID',
    );
  }
  if (chosen > 1) {
    throw new ConfigError(
      '--subscription, --management-group and --all-subscriptions exclude each other',
      undefined,
      'give one of them',
    );
  }
  for (const id of subscriptions) {
    if (!GUID.test(id)) throw new ConfigError(`--subscription "${id}" is not a subscription id`, undefined, 'a GUID');
  }
  if (flags.tenant && !GUID.test(flags.tenant) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(flags.tenant)) {
    throw new ConfigError(`--tenant "${flags.tenant}" is not a tenant id or domain`, undefined, 'a GUID');
  }
  const cloud = (flags.cloud ?? 'AzureCloud') as CloudName;
  if (!CLOUD_NAMES.includes(cloud)) {
    throw new ConfigError(`unknown --cloud "${flags.cloud}"`, undefined, `one of ${CLOUD_NAMES.join(', ')}`);
  }
  const concurrency = flags.concurrency === undefined ? DEFAULT_CONCURRENCY : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new ConfigError('--concurrency must be a whole number from 1 to 256');
  }
  return {
    scope: {
      subscriptions: subscriptions.length > 0 ? subscriptions : undefined,
      managementGroup: flags.managementGroup,
      allSubscriptions: flags.allSubscriptions,
      tenant: flags.tenant,
      entra: flags.entra !== false,
    },
    cloud,
    concurrency,
  };
}

/** Rule ids that read any of `types` (lower-case), from the catalog's types, children and related types. */
export function rulesReading(types: string[]): string[] {
  if (types.includes('*')) return RULES.map((rule) => rule.id);
  const wanted = new Set(types.map((t) => t.toLowerCase()));
  return RULES.filter((rule) =>
    [...rule.types, ...(rule.children ?? []), ...(rule.related?.types ?? [])].some((t) => wanted.has(t.toLowerCase())),
  ).map((rule) => rule.id);
}

function credentialFor(request: LiveRequest, env: NodeJS.ProcessEnv): TokenCredential {
  const authorityHost = cloudEndpoints(request.cloud, env).authorityHost;
  return new DefaultAzureCredential({
    tenantId: request.scope.tenant,
    authorityHost,
    // MSAL validates authorities it knows; a custom one (a private cloud, a test double) skips the public lookup.
    disableInstanceDiscovery: !isKnownAuthority(authorityHost),
  });
}

function progressLine(progress: CollectProgress): string {
  const pending = progress.pending > 0 ? `, ${progress.pending} queued` : '';
  return `\r\u001b[Kcollecting ${progress.phase}: ${progress.records} records, ${progress.requests} requests${pending}`;
}

export function describeFailure(failure: CollectFailure): string {
  const status = failure.status
    ? `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}`
    : (failure.code ?? '');
  const count = failure.count > 1 ? ` x${failure.count}` : '';
  const needs = failure.needs ? `; grant ${failure.needs}` : '';
  return `${failure.scope}: ${failure.request}${count} failed (${status}: ${failure.reason})${needs}`;
}

/**
 * Collects to `out`. Returns the result, or an exit code when nothing could be collected (sign-in failed or Azure
 * was unreachable: exit 3 with the one-line reason on stderr).
 */
export async function collectTo(
  out: string,
  flags: LiveFlags,
  version: string,
  dependencies: CollectDependencies = {},
): Promise<CollectResult | number> {
  const request = liveRequest(flags);
  const env = dependencies.env ?? process.env;
  const progress = !flags.quiet && process.stderr.isTTY === true;
  try {
    return await collectLive({
      scope: request.scope,
      out,
      cloud: request.cloud,
      credential: dependencies.credential ?? credentialFor(request, env),
      agent: dependencies.agent,
      env,
      toolVersion: version,
      concurrency: request.concurrency,
      rulesFor: rulesReading,
      onProgress: progress
        ? (p) => process.stderr.write(p.phase === 'done' ? '\r\u001b[K' : progressLine(p))
        : undefined,
    });
  } catch (error) {
    if (error instanceof LiveAuthError || error instanceof LiveConnectionError) {
      if (progress) process.stderr.write('\r\u001b[K');
      process.stderr.write(`phiguard: ${error.message}\n`);
      return EXIT.incomplete;
    }
    throw error;
  }
}

function report(result: CollectResult, quiet: boolean | undefined): void {
  const counts = result.metadata.counts as { records: number; requests: number; retries: number; throttled: number };
  const scopes = result.metadata.scopes as { subscriptions: unknown[] };
  for (const failure of result.failures) process.stderr.write(`phiguard: ${describeFailure(failure)}\n`);
  if (!quiet || !result.complete) {
    process.stderr.write(
      `phiguard: ${result.complete ? 'wrote' : 'wrote an incomplete snapshot'} ${result.path} (${counts.records} records from ${scopes.subscriptions.length} subscriptions; ${counts.requests} requests, ${counts.retries} retries, ${counts.throttled} throttled)\n`,
    );
  }
}

export async function collectCommand(
  flags: CollectFlags,
  version: string,
  dependencies: CollectDependencies = {},
): Promise<number> {
  if (!SNAPSHOT_NAME.test(flags.out)) {
    throw new ConfigError(
      `--out "${flags.out}" needs a snapshot name`,
      undefined,
      'end it in .json, .ndjson or .jsonl, optionally .gz',
    );
  }
  const result = await collectTo(flags.out, flags, version, dependencies);
  if (typeof result === 'number') return result;
  report(result, flags.quiet);
  return result.complete ? EXIT.clean : EXIT.incomplete;
}

/**
 * `scan --live`: collects into a temporary snapshot and hands its path to the scan; `cleanup` removes it. Failures
 * recorded in the snapshot make the scan incomplete (exit 3) through the snapshot adapter.
 */
export async function liveSnapshot(
  flags: LiveFlags,
  version: string,
  dependencies: CollectDependencies = {},
): Promise<{ path: string; cleanup: () => Promise<void> } | number> {
  liveRequest(flags);
  const dir = await mkdtemp(join(tmpdir(), 'phiguard-live-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const result = await collectTo(join(dir, 'live-snapshot.ndjson.gz'), flags, version, dependencies);
    if (typeof result === 'number') {
      await cleanup();
      return result;
    }
    return { path: result.path, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

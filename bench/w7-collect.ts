// W7: live collection is API-bound. A loopback Azure (test/helpers/loopback-azure.ts, HTTPS, in this process) adds
// an artificial latency to every request; the collector gathers `--resources` resources spread over
// `--subscriptions` subscriptions with `--concurrency` requests in flight. The floor is (requests / concurrency) x
// latency, measured in the same run from the requests actually sent; the ratio says how close collection gets.
// Peak RSS is sampled as records stream to the snapshot (the server's estate is resident the whole time, so the
// growth between the quartiles is the collector's). Usage: npx tsx bench/w7-collect.ts [--resources 10000 ...]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { collectLive } from '../src/ingest/live/collect.js';
import { startLoopbackAzure } from '../test/helpers/loopback-azure.js';
import { generatedEstate } from '../test/helpers/loopback-estate.js';
import { flags, mb, median, ratio, seconds } from './lib.js';

const options = flags({ resources: '10000', subscriptions: '20', latency: '50', concurrency: '16', runs: '3' });
const resources = Number(options.resources);
const subscriptionCount = Number(options.subscriptions);
const latency = Number(options.latency);
const concurrency = Number(options.concurrency);
const runs = Number(options.runs);

const estate = generatedEstate(subscriptionCount, Math.ceil(resources / subscriptionCount));
const az = await startLoopbackAzure(estate, { latencyMs: latency });
const dir = mkdtempSync(join(tmpdir(), 'phiguard-w7-'));
const rssMB = () => process.memoryUsage().rss / 1024 / 1024;

console.log(
  `W7 live collection: ${estate.resources.length} resources in ${subscriptionCount} subscriptions, ` +
    `${latency} ms per request, concurrency ${concurrency} per host, ${runs} runs`,
);
const walls: number[] = [];
const floors: number[] = [];
const counts: number[] = [];
let peak = 0;
const quartiles: number[] = [];
try {
  for (let run = 0; run < runs; run++) {
    const out = join(dir, `w7-${run}.ndjson.gz`);
    const sampled: number[] = [];
    const timer = setInterval(() => {
      peak = Math.max(peak, rssMB());
    }, 50);
    const started = performance.now();
    const result = await collectLive({
      scope: { allSubscriptions: true, entra: false },
      out,
      cloud: 'AzureCloud',
      credential: new ClientSecretCredential(estate.tenantId, estate.clientId, estate.clientSecret, {
        authorityHost: az.url,
        disableInstanceDiscovery: true,
        agent: az.agent,
      }),
      toolVersion: 'bench',
      concurrency,
      agent: az.agent,
      env: { PHIGUARD_ARM_ENDPOINT: az.url, PHIGUARD_GRAPH_ENDPOINT: az.url },
      onProgress: (progress) => {
        const quarter = Math.floor((progress.records / estate.resources.length) * 4);
        if (sampled[quarter] === undefined) sampled[quarter] = rssMB();
      },
    });
    const wall = performance.now() - started;
    clearInterval(timer);
    const stats = result.metadata.counts as { requests: number; records: number };
    // Token requests go to the same server but not through the collector's pool; they are a handful.
    const floor = (stats.requests / concurrency) * latency;
    walls.push(wall);
    floors.push(floor);
    counts.push(stats.requests);
    if (run === 0) quartiles.push(...sampled.filter((v) => v !== undefined));
    console.log(
      `  run ${run + 1}: ${seconds(wall)} for ${stats.requests} requests (${stats.records} records, ` +
        `${(statSync(out).size / 1024 / 1024).toFixed(1)} MB gz); floor ${seconds(floor)}; ${ratio(wall, floor)}`,
    );
    rmSync(out, { force: true });
  }
  console.log(`median wall time        ${seconds(median(walls))}`);
  console.log(`requests per run        ${median(counts)}`);
  console.log(`floor (requests/N x lat) ${seconds(median(floors))}`);
  console.log(`ratio                   ${ratio(median(walls), median(floors))}`);
  console.log(`peak RSS                ${mb(peak)}`);
  console.log(`RSS at 0/25/50/75% of records (run 1): ${quartiles.map((v) => mb(v)).join(' / ')}`);
} finally {
  await az.close();
  rmSync(dir, { recursive: true, force: true });
}

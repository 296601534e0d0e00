// W7: live collection is API-bound. A loopback Azure (test/helpers/loopback-azure.ts, HTTPS) runs in a child
// process and adds an artificial latency to every request; the collector, in this process, gathers `--resources`
// resources spread over `--subscriptions` subscriptions with `--concurrency` requests in flight per host. The floor
// is (requests / concurrency) x latency from the requests actually sent in the same run; the ratio says how close
// collection gets to it. RSS is this process's alone (the server's estate lives in the child), sampled every 50 ms
// and at each quarter of the records, to show memory staying flat while records stream to the snapshot.
// Usage: npx tsx bench/w7-collect.ts [--resources 10000 --subscriptions 20 --latency 50 --concurrency 16 --runs 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ClientSecretCredential } from '@azure/identity';
import { collectLive } from '../src/ingest/live/collect.js';
import { startLoopbackAzure } from '../test/helpers/loopback-azure.js';
import { generatedEstate } from '../test/helpers/loopback-estate.js';
import { flags, mb, median, ratio, seconds } from './lib.js';

interface Served {
  url: string;
  caFile: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

const serving = process.argv.includes('--serve');
if (serving) process.argv.splice(process.argv.indexOf('--serve'), 1);
const options = flags({ resources: '10000', subscriptions: '20', latency: '50', concurrency: '16', runs: '3' });
const resources = Number(options.resources);
const subscriptionCount = Number(options.subscriptions);
const latency = Number(options.latency);

if (serving) {
  // The child: serve the generated estate until the parent closes stdin.
  const estate = generatedEstate(subscriptionCount, Math.ceil(resources / subscriptionCount));
  const az = await startLoopbackAzure(estate, { latencyMs: latency });
  const { tenantId, clientId, clientSecret } = estate;
  const served: Served = { url: az.url, caFile: az.caFile, tenantId, clientId, clientSecret };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.stdin.resume();
  process.stdin.on('end', async () => {
    await az.close();
    process.exit(0);
  });
} else {
  await measure();
}

async function startServer(): Promise<{ served: Served; stop: () => void }> {
  const args = ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve'];
  for (const [name, value] of Object.entries(options)) args.push(`--${name}`, value);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = await new Promise<string[]>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout });
    reader.once('line', (text) => resolve([text]));
    child.once('exit', (code) => reject(new Error(`loopback server exited with ${code}`)));
  });
  const served = JSON.parse(line) as Served;
  return { served, stop: () => child.stdin.end() };
}

async function measure(): Promise<void> {
  const concurrency = Number(options.concurrency);
  const runs = Number(options.runs);
  const { served, stop } = await startServer();
  const agent = new Agent({ ca: readFileSync(served.caFile), keepAlive: true, maxSockets: concurrency });
  const dir = mkdtempSync(join(tmpdir(), 'phiguard-w7-'));
  const rssMB = () => process.memoryUsage().rss / 1024 / 1024;
  const total = resources + subscriptionCount;
  console.log(
    `W7 live collection: ${resources} resources in ${subscriptionCount} subscriptions, ${latency} ms per request, ` +
      `concurrency ${concurrency} per host, ${runs} runs (loopback server in a child process)`,
  );
  const walls: number[] = [];
  const floors: number[] = [];
  const requests: number[] = [];
  const peaks: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const out = join(dir, `w7-${run}.ndjson.gz`);
      const quarters: number[] = [];
      let peak = rssMB();
      const timer = setInterval(() => {
        peak = Math.max(peak, rssMB());
      }, 50);
      const started = performance.now();
      const result = await collectLive({
        scope: { allSubscriptions: true, entra: false },
        out,
        cloud: 'AzureCloud',
        credential: new ClientSecretCredential(served.tenantId, served.clientId, served.clientSecret, {
          authorityHost: served.url,
          disableInstanceDiscovery: true,
          agent,
        }),
        toolVersion: 'bench',
        concurrency,
        agent,
        env: { PHIGUARD_ARM_ENDPOINT: served.url, PHIGUARD_GRAPH_ENDPOINT: served.url },
        onProgress: (progress) => {
          const quarter = Math.min(4, Math.floor((progress.records / total) * 4));
          quarters[quarter] ??= rssMB();
        },
      });
      const wall = performance.now() - started;
      clearInterval(timer);
      const counts = result.metadata.counts as { requests: number; records: number; retries: number };
      const floor = (counts.requests / concurrency) * latency;
      walls.push(wall);
      floors.push(floor);
      requests.push(counts.requests);
      peaks.push(peak);
      const rssByQuarter = [0, 1, 2, 3, 4].map((q) => (quarters[q] === undefined ? '-' : mb(quarters[q])));
      console.log(
        `  run ${run + 1}: ${seconds(wall)}, ${counts.requests} requests, ${counts.records} records ` +
          `(${(statSync(out).size / 1024).toFixed(0)} KB gz), ${counts.retries} retries; floor ${seconds(floor)}; ` +
          `${ratio(wall, floor)}; RSS at 0/25/50/75/100% of records ${rssByQuarter.join(' / ')}, peak ${mb(peak)}`,
      );
      rmSync(out, { force: true });
    }
    console.log(`median wall time           ${seconds(median(walls))}`);
    console.log(`requests per run           ${median(requests)}`);
    console.log(`floor (requests/N x lat.)  ${seconds(median(floors))}`);
    console.log(`ratio (median)             ${ratio(median(walls), median(floors))}`);
    console.log(`peak RSS (median of runs)  ${mb(median(peaks))}`);
  } finally {
    agent.destroy();
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Extraction throughput against the bundled simulator.
 *
 * 1. Fast mode (no rate limits): a full extraction (parse, validate, map, gzip, write raw +
 *    landing + checkpoint per page) against a bare loop that fetches exactly the same requests, in
 *    the same order, and discards the bodies. Prints both rates and their ratio (target ≥ 0.5).
 * 2. Realistic mode (the simulator enforces its rate limits, the connectors pace under the same
 *    limits): the achieved request rate per limit as a share of the allowed one (target ≥ 90 %), and
 *    the 429s (target 0). The simulator's windows are fixed (60 s Zendesk, 10 s and 1 s HubSpot), so
 *    small pages make enough requests to span several windows in a short run.
 *
 *   npx tsx bench/extract-throughput.ts [--days 7] [--tickets-per-day 300] [--realistic-days 3]
 *     [--zendesk-per-minute 30] [--zendesk-page-size 50] [--hubspot-page-size 20] [--rounds 3]
 *     [--skip-fast] [--skip-realistic] [--in-process]
 *
 * The simulator runs in a child process (as a remote API would, on its own core); `--in-process`
 * puts it in this process, where its CPU time and ours add up.
 */
import './extract-thread-pool.ts';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { SimulatorOptions } from '#simulator/simulator-config.ts';
import { startSimulator } from '#simulator/start-simulator.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';
import type { SourceEndpoint } from '#src/connectors/connector.ts';
import type { RawExchange } from '#src/connectors/shared/raw-exchange.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '7' },
    'tickets-per-day': { type: 'string', default: '300' },
    'realistic-days': { type: 'string', default: '3' },
    'zendesk-per-minute': { type: 'string', default: '30' },
    'zendesk-page-size': { type: 'string', default: '50' },
    'hubspot-page-size': { type: 'string', default: '20' },
    'skip-fast': { type: 'boolean', default: false },
    'skip-realistic': { type: 'boolean', default: false },
    'in-process': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
  },
});

const HMAC_KEY = 'bench-hmac-key-0123456789abcdef';

interface SimHandle {
  readonly zendeskUrl: string;
  readonly hubspotUrl: string;
  readonly credentials: { zendeskEmail: string; zendeskToken: string; hubspotToken: string };
  close(): Promise<void>;
}

/** The simulator in a child process (default: a remote API does not share our cores) or in this one. */
async function startSim(options: SimulatorOptions): Promise<SimHandle> {
  if (values['in-process']) return startSimulator(options);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/extract-simulator-process.ts', JSON.stringify(options)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve(buffer.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`simulator process exited with ${code}`)));
  });
  const info = JSON.parse(line) as Omit<SimHandle, 'close'>;
  return {
    ...info,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

function endpointsOf(sim: SimHandle): Record<string, SourceEndpoint> {
  return {
    zendesk: {
      baseUrl: sim.zendeskUrl,
      credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
    },
    hubspot: { baseUrl: sim.hubspotUrl, credentials: { token: sim.credentials.hubspotToken } },
  };
}

async function tempLake(): Promise<{ root: string; store: LocalObjectStore }> {
  const root = await mkdtemp(join(tmpdir(), 'bench-extract-'));
  return { root, store: new LocalObjectStore(join(root, 'lake')) };
}

/** The exact requests an extraction made, per source, in order (from its raw pages). */
async function recordedRequests(store: LocalObjectStore): Promise<Record<string, RawExchange[]>> {
  const out: Record<string, RawExchange[]> = { zendesk: [], hubspot: [] };
  for (const source of ['zendesk', 'hubspot']) {
    const files: { key: string; seq: string }[] = [];
    for await (const info of store.list(`raw/${source}/`)) files.push({ key: info.key, seq: info.key });
    // Keys sort by stream then page number, which is the order the requests were made in.
    for (const file of files) {
      const text = gunzipSync((await store.get(file.key))!).toString('utf8');
      for (const line of text.split('\n')) if (line) out[source]!.push(JSON.parse(line) as RawExchange);
    }
  }
  return out;
}

async function bareLoop(sim: SimHandle, requests: Record<string, RawExchange[]>): Promise<number> {
  const endpoints = endpointsOf(sim);
  const auth: Record<string, string> = {
    zendesk: `Basic ${Buffer.from(`${sim.credentials.zendeskEmail}/token:${sim.credentials.zendeskToken}`).toString('base64')}`,
    hubspot: `Bearer ${sim.credentials.hubspotToken}`,
  };
  const t0 = performance.now();
  await Promise.all(
    Object.entries(requests).map(async ([source, list]) => {
      for (const r of list) {
        const res = await fetch(`${endpoints[source]!.baseUrl}${r.path}`, {
          method: r.method,
          headers: {
            authorization: auth[source]!,
            ...(r.requestBody ? { 'content-type': 'application/json' } : {}),
          },
          body: r.requestBody ? JSON.stringify(r.requestBody) : undefined,
        });
        await res.arrayBuffer();
      }
    }),
  );
  return performance.now() - t0;
}

const fastConfig = (root: string) =>
  parseConfig({
    stateDir: join(root, 'state'),
    sources: {
      zendesk: { requestsPerMinute: 1_000_000, apiRequestsPerMinute: 1_000_000 },
      hubspot: { requestsPer10s: 1_000_000, searchRequestsPerSecond: 1_000_000 },
    },
  });

async function fastMode(): Promise<void> {
  const days = Number(values.days);
  const ticketsPerDay = Number(values['tickets-per-day']);
  const sim = await startSim({ seed: 3, days, ticketsPerDay, fast: true });
  console.log(
    `fast mode: ${days} days at ~${ticketsPerDay} tickets/day, simulator without rate limits ${values['in-process'] ? 'in this process' : 'in its own process'}`,
  );
  try {
    // A first extraction warms the simulator's caches and records the exact request list.
    const warm = await tempLake();
    const first = await runExtraction({
      config: fastConfig(warm.root),
      store: warm.store,
      runId: 'bench-warm',
      endpoints: endpointsOf(sim),
      hmacKey: HMAC_KEY,
    });
    if (first.status !== 'succeeded') throw new Error(`extraction ${first.status}`);
    const requests = await recordedRequests(warm.store);
    await rm(warm.root, { recursive: true, force: true });
    const records = first.streams.reduce((n, s) => n + s.records, 0);
    const pages = first.streams.reduce((n, s) => n + s.pages, 0);
    const requestCount = Object.values(requests).reduce((n, l) => n + l.length, 0);
    // Rounds alternate the two, so a change in the machine's load hits both alike.
    const rounds = Number(values.rounds);
    const ratios: number[] = [];
    const extractTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const bareMs = await bareLoop(sim, requests);
      const { root, store } = await tempLake();
      const t0 = performance.now();
      const manifest = await runExtraction({
        config: fastConfig(root),
        store,
        runId: `bench-${round}`,
        endpoints: endpointsOf(sim),
        hmacKey: HMAC_KEY,
      });
      const extractMs = performance.now() - t0;
      if (manifest.status !== 'succeeded') throw new Error(`extraction ${manifest.status}`);
      await rm(root, { recursive: true, force: true });
      bareTimes.push(bareMs);
      extractTimes.push(extractMs);
      ratios.push(bareMs / extractMs);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const extractMs = median(extractTimes);
    const bareMs = median(bareTimes);
    console.log(
      `  extraction: ${records} records, ${pages} pages, ${requestCount} requests in ${(extractMs / 1000).toFixed(2)} s` +
        ` = ${((records / extractMs) * 1000).toFixed(0)} records/s, ${((requestCount / extractMs) * 1000).toFixed(1)} requests/s (median of ${rounds})`,
    );
    console.log(
      `  bare loop (same ${requestCount} requests, bodies discarded): ${(bareMs / 1000).toFixed(2)} s` +
        ` = ${((requestCount / bareMs) * 1000).toFixed(1)} requests/s (median of ${rounds})`,
    );
    console.log(
      `  throughput ratio extraction / bare loop: median ${median(ratios).toFixed(2)}` +
        ` (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.5)`,
    );
  } finally {
    await sim.close();
  }
}

interface Sent {
  readonly at: number;
  readonly url: string;
  readonly status: number;
}

/**
 * Requests per window over the whole windows of the run (from the first request; the last, partial
 * window left out), as a share of the limit: the limit is reached when every window is full.
 */
function windowShare(
  times: readonly number[],
  limit: number,
  windowMs: number,
): { share: number; windows: number } | undefined {
  if (times.length === 0) return undefined;
  const first = times[0]!;
  const whole = Math.floor((times[times.length - 1]! - first) / windowMs);
  if (whole < 1) return undefined;
  const inWhole = times.filter((t) => t < first + whole * windowMs).length;
  return { share: inWhole / whole / limit, windows: whole };
}

async function realisticMode(): Promise<void> {
  const days = Number(values['realistic-days']);
  const zendeskPerMinute = Number(values['zendesk-per-minute']);
  const limits = {
    zendeskIncrementalPerMinute: zendeskPerMinute,
    zendeskPerMinute: 400,
    hubspotPer10s: 100,
    hubspotSearchPerSecond: 5,
  };
  const sim = await startSim({ seed: 4, days, ticketsPerDay: 300, fast: false, rateLimits: limits });
  console.log(
    `realistic mode: ${days} days at ~300 tickets/day; limits: Zendesk incremental ${zendeskPerMinute}/min` +
      ` (documented: 10, or 30 with the High Volume add-on), Zendesk ${limits.zendeskPerMinute}/min,` +
      ` HubSpot ${limits.hubspotPer10s}/10 s and search ${limits.hubspotSearchPerSecond}/s (documented)`,
  );
  const sent: Sent[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    sent.push({ at: performance.now(), url: String(input), status: response.status });
    return response;
  };
  const { root, store } = await tempLake();
  try {
    const config = parseConfig({
      stateDir: join(root, 'state'),
      sources: {
        zendesk: {
          requestsPerMinute: zendeskPerMinute,
          apiRequestsPerMinute: limits.zendeskPerMinute,
          perPage: 100,
        },
        hubspot: {
          requestsPer10s: limits.hubspotPer10s,
          searchRequestsPerSecond: limits.hubspotSearchPerSecond,
          pageSize: Number(values['hubspot-page-size']),
        },
      },
    });
    const t0 = performance.now();
    const manifest = await runExtraction({
      config,
      store,
      runId: 'bench-realistic',
      endpoints: endpointsOf(sim),
      hmacKey: HMAC_KEY,
    });
    const ms = performance.now() - t0;
    const tooMany = manifest.streams.reduce((n, s) => n + s.rateLimited, 0);
    console.log(
      `  run ${manifest.status} in ${(ms / 1000).toFixed(1)} s, ${sent.length} requests, ${tooMany} answered 429`,
    );
    const incremental = sent.filter((s) => s.url.includes('/api/v2/incremental/')).map((s) => s.at);
    const hubspotAll = sent.filter((s) => s.url.startsWith(sim.hubspotUrl)).map((s) => s.at);
    const search = sent.filter((s) => s.url.endsWith('/contacts/search')).map((s) => s.at);
    const report = (name: string, times: number[], limit: number, windowMs: number) => {
      const result = windowShare(times, limit, windowMs);
      console.log(
        `  ${name}: ${times.length} requests; ${result === undefined ? 'n/a (the run ended within one window)' : `${(result.share * 100).toFixed(1)} % of the allowed ${limit} per ${windowMs / 1000} s over ${result.windows} whole windows`}`,
      );
    };
    for (const s of sent.filter((x) => x.status === 429))
      console.log(`  429 from ${s.url.replace(/\?.*$/, '')}`);
    report('Zendesk incremental exports', incremental, zendeskPerMinute, 60_000);
    report('HubSpot app limit (search + batch read + lists)', hubspotAll, limits.hubspotPer10s, 10_000);
    report(
      'HubSpot search (bound by the app limit here: 1 search + 1 batch read per page)',
      search,
      limits.hubspotSearchPerSecond,
      1000,
    );
  } finally {
    globalThis.fetch = realFetch;
    await sim.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (!values['skip-fast']) await fastMode();
if (!values['skip-realistic']) await realisticMode();

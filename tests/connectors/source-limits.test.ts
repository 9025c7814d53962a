import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyBatchReadMax } from '#simulator/hubspot-api.ts';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { HISTORY_BATCH_READ_MAX } from '#src/connectors/hubspot/contacts-stream.ts';
import type { ExtractManifest } from '#src/extract/extract-manifest.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import {
  extractionConfig,
  freshLake,
  HMAC_KEY,
  removeLakes,
  startSmallSimulator,
} from '#tests/extract/extraction-harness.ts';
import { type SourceProxy, startSourceProxy } from '#tests/pipeline/source-proxy.ts';

/*
 * The connectors keep within every documented source limit (docs/SOURCE-LIMITS.md): a whole
 * extraction at the connectors' default page sizes, against the simulator that enforces the limits,
 * with every request recorded on the way and checked against each limit.
 */
interface Recorded {
  readonly source: 'zendesk' | 'hubspot';
  readonly method: string;
  readonly url: URL;
  readonly body: string;
  /** The world's clock when the request was made, in unix seconds. */
  readonly nowS: number;
}

let sim: RunningSimulator;
let proxies: SourceProxy[] = [];
const recorded: Recorded[] = [];
let manifest: ExtractManifest;

beforeAll(async () => {
  // Prepare: enough contacts that a search page of 200 needs four history batches
  sim = await startSmallSimulator({}, { days: 4, ticketsPerDay: 80 });
  const record = (source: Recorded['source']) => (r: { method: string; url: URL; body: string }) =>
    recorded.push({ source, ...r, nowS: Math.floor(sim.clock.nowMs() / 1000) });
  const zendesk = await startSourceProxy({ target: sim.zendeskUrl, observe: record('zendesk') });
  const hubspot = await startSourceProxy({ target: sim.hubspotUrl, observe: record('hubspot') });
  proxies = [zendesk, hubspot];
  const { root, store } = await freshLake();
  // The connectors' own page sizes (the largest the vendors allow), unpaced against the fast simulator.
  const config = extractionConfig(root, {
    zendesk: { perPage: 1000, listPageSize: 100 },
    hubspot: { pageSize: 200, listPageSize: 100 },
  });

  // Act
  manifest = await runExtraction({
    config,
    store,
    runId: 'limits',
    hmacKey: HMAC_KEY,
    endpoints: {
      zendesk: {
        baseUrl: zendesk.url,
        credentials: { email: sim.credentials.zendeskEmail, token: sim.credentials.zendeskToken },
      },
      hubspot: { baseUrl: hubspot.url, credentials: { token: sim.credentials.hubspotToken } },
    },
  });
}, 120_000);

afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  await sim?.close();
  await removeLakes();
});

const bodies = (path: string) =>
  recorded
    .filter((r) => r.source === 'hubspot' && r.method === 'POST' && r.url.pathname === path)
    .map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe('the connectors against the documented source limits', () => {
  it('extract every stream to its end', () => {
    expect(manifest.streams.map((s) => [`${s.source}/${s.stream}`, s.status, s.error ?? ''])).toEqual(
      manifest.streams.map((s) => [`${s.source}/${s.stream}`, 'succeeded', '']),
    );
  });

  it('read contact histories at most 50 at a time, the limit the simulator enforces', () => {
    const batches = bodies('/crm/v3/objects/contacts/batch/read');
    const sizes = batches.map((b) => (b.inputs as unknown[]).length);
    expect(HISTORY_BATCH_READ_MAX).toBe(historyBatchReadMax);
    expect(batches.every((b) => (b.propertiesWithHistory as unknown[]).length > 0)).toBe(true);
    // A search page of 200 contacts was read in several full batches of 50.
    expect(sizes.filter((n) => n === 50).length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
  });

  it('ask the CRM search for at most 200 results a page, within 5 groups of at most 10 filters, and never past 10,000', () => {
    const searches = bodies('/crm/v3/objects/contacts/search');
    expect(searches.length).toBeGreaterThan(0);
    for (const s of searches) {
      expect(s.limit).toBeLessThanOrEqual(200);
      const groups = (s.filterGroups ?? []) as { filters: unknown[] }[];
      expect(groups.length).toBeLessThanOrEqual(5);
      expect(groups.every((g) => g.filters.length <= 10)).toBe(true);
      expect(groups.reduce((n, g) => n + g.filters.length, 0)).toBeLessThanOrEqual(25);
      expect(Number(s.after ?? 0) + Number(s.limit)).toBeLessThanOrEqual(10_000);
    }
  });

  it('ask Zendesk exports for at most 1000 records a page and lists for at most 100', () => {
    const zendesk = recorded.filter((r) => r.source === 'zendesk');
    const exports = zendesk.filter((r) => r.url.pathname.startsWith('/api/v2/incremental/'));
    const lists = zendesk.filter((r) => !r.url.pathname.startsWith('/api/v2/incremental/'));
    expect(exports.length).toBeGreaterThan(0);
    expect(lists.length).toBeGreaterThan(0);
    for (const r of exports)
      expect(Number(r.url.searchParams.get('per_page') ?? 1000)).toBeLessThanOrEqual(1000);
    for (const r of lists)
      expect(Number(r.url.searchParams.get('page[size]') ?? 100)).toBeLessThanOrEqual(100);
  });

  it('never start a Zendesk export within the last minute', () => {
    const timed = recorded.filter(
      (r) =>
        r.source === 'zendesk' &&
        r.url.pathname.startsWith('/api/v2/incremental/') &&
        r.url.searchParams.has('start_time'),
    );
    expect(timed.length).toBeGreaterThan(0);
    for (const r of timed)
      expect(Number(r.url.searchParams.get('start_time'))).toBeLessThanOrEqual(r.nowS - 60);
  });
});

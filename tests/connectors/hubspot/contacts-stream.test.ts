import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { type FixtureServer, startFixtureServer } from '#tests/connectors/fixture-server.ts';
import {
  type FixtureContact,
  hubspotSearchFixture,
} from '#tests/connectors/hubspot/hubspot-search-fixture.ts';
import {
  extractionConfig,
  HMAC_KEY,
  simulatorEndpoints,
  startSmallSimulator,
} from '#tests/extract/extraction-harness.ts';

const START = Date.parse('2026-08-01T00:00:00Z');
const BULK_AT = Date.parse('2026-08-03T12:00:00Z');

let server: FixtureServer | undefined;
const roots: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function landingRows(store: ObjectStore, stream: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const info of store.list(`landing/hubspot/${stream}/`)) {
    const text = gunzipSync((await store.get(info.key))!).toString('utf8');
    for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line));
  }
  return rows;
}

function world(): FixtureContact[] {
  const contacts: FixtureContact[] = [];
  let id = 1000;
  // Before the start date: contacts are a dimension, read whatever their age.
  contacts.push({
    id: String(id++),
    email: 'old@example.com',
    lastmodified: START - 1000,
    vipHistory: [[START - 5000, 'none']],
  });
  // A bulk import: 10,250 contacts share one lastmodifieddate, more than one search query may return.
  for (let i = 0; i < 10_250; i += 1) {
    contacts.push({
      id: String(id++),
      email: `bulk${i}@example.com`,
      lastmodified: BULK_AT,
      vipHistory: [[BULK_AT, 'none']],
    });
  }
  // Spread out afterwards, some with a VIP history.
  for (let i = 0; i < 300; i += 1) {
    const at = BULK_AT + (i + 1) * 60_000;
    contacts.push({
      id: String(id++),
      email: `c${i}@example.com`,
      lastmodified: at,
      vipHistory:
        i % 3 === 0
          ? [
              [START + 1000, 'none'],
              [at - 30_000, 'gold'],
              [at, 'platinum'],
            ]
          : [[at, 'silver']],
    });
  }
  return contacts;
}

describe('the HubSpot contacts stream', () => {
  it('reads every contact when more than 10,000 share one timestamp, without a 400 past the search cap or a loop', async () => {
    // Prepare
    const contacts = world();
    const fixture = hubspotSearchFixture(contacts);
    server = await startFixtureServer(fixture.handler);
    const root = await mkdtemp(join(tmpdir(), 'lake-'));
    roots.push(root);
    const store = new LocalObjectStore(root);
    const config = parseConfig({
      stateDir: join(root, 'state'),
      sources: {
        hubspot: {
          streams: ['contacts'],
          requestsPer10s: 100_000,
          searchRequestsPerSecond: 100_000,
          retry: { baseDelayMs: 1, maxRetries: 1 },
        },
      },
    });
    // Act
    const manifest = await runExtraction({
      config,
      store,
      runId: 'r1',
      endpoints: { hubspot: { baseUrl: server.url, credentials: { token: 'test-token' } } },
      hmacKey: 'k'.repeat(32),
    });
    // Assess
    expect(manifest.status).toBe('succeeded');
    expect(fixture.counts.pastCap).toBe(0);
    const ids = new Set((await landingRows(store, 'contacts')).map((r) => r.contact_id));
    expect(ids).toEqual(new Set(contacts.map((c) => c.id)));
    // Bounded work: about one query per page, plus one re-read of the bulk instant's first page.
    expect(fixture.counts.search).toBeLessThan(contacts.length / 200 + 10);
  });

  it('rebuilds the VIP tier history as versions, and keeps e-mails out of the contacts rows', async () => {
    // Prepare
    const contacts = world().slice(-6);
    server = await startFixtureServer(hubspotSearchFixture(contacts).handler);
    const root = await mkdtemp(join(tmpdir(), 'lake-'));
    roots.push(root);
    const store = new LocalObjectStore(root);
    const config = parseConfig({
      stateDir: join(root, 'state'),
      sources: { hubspot: { streams: ['contacts'], retry: { baseDelayMs: 1 } } },
    });
    // Act
    await runExtraction({
      config,
      store,
      runId: 'r1',
      endpoints: { hubspot: { baseUrl: server.url, credentials: { token: 'test-token' } } },
      hmacKey: 'k'.repeat(32),
    });
    // Assess
    const gold = contacts.find((c) => c.vipHistory.length === 3)!;
    const snapshots = (await landingRows(store, 'contact_snapshots'))
      .filter((r) => r.contact_id === gold.id)
      .map((r) => [r.valid_from, r.vip_tier, r.kyc_level]);
    expect(snapshots).toEqual([
      [new Date(START + 1000).toISOString(), 'none', '2'],
      [new Date(gold.vipHistory[1]![0]).toISOString(), 'gold', '2'],
      [new Date(gold.vipHistory[2]![0]).toISOString(), 'platinum', '2'],
    ]);
    const contactRows = await landingRows(store, 'contacts');
    expect(JSON.stringify(contactRows)).not.toContain('@example.com');
    expect(
      contactRows.every((r) => typeof r.customer_key === 'string' && /^[0-9a-f]{64}$/.test(r.customer_key)),
    ).toBe(true);
    const pii = await landingRows(store, 'contact_pii');
    expect(pii.map((r) => r.email).sort()).toEqual(contacts.map((c) => c.email).sort());
  });

  it('reads a bulk import of 10,500 contacts at one instant from the simulator, whose search refuses to page past 10,000', async () => {
    // Prepare
    const sim = await startSmallSimulator({}, { days: 1, ticketsPerDay: 5, bulkImportContacts: 10_500 });
    try {
      const root = await mkdtemp(join(tmpdir(), 'lake-'));
      roots.push(root);
      const store = new LocalObjectStore(root);
      const config = extractionConfig(root, { hubspot: { pageSize: 200 } });
      const truth = await sim.truth.idSet('contacts');
      // Act
      const manifest = await runExtraction({
        config,
        store,
        runId: 'r1',
        sources: ['hubspot'],
        streams: ['contacts'],
        endpoints: simulatorEndpoints(sim),
        hmacKey: HMAC_KEY,
      });
      // Assess
      expect(manifest.streams[0]).toMatchObject({ stream: 'contacts', status: 'succeeded' });
      expect(truth.size).toBeGreaterThan(10_500);
      const ids = new Set((await landingRows(store, 'contacts')).map((r) => r.contact_id));
      expect(ids).toEqual(new Set([...truth].map(String)));
    } finally {
      await sim.close();
    }
  });
});

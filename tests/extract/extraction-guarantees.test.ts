import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '#simulator/start-simulator.ts';
import { RetriesExhaustedError } from '#src/connectors/shared/api-client.ts';
import { CheckpointStore } from '#src/extract/checkpoint-store.ts';
import { manifestKey } from '#src/extract/extract-manifest.ts';
import { runExtraction } from '#src/extract/run-extraction.ts';
import { customerKey } from '#src/privacy/customer-key.ts';
import { ConfigError } from '#src/shared/config-error.ts';
import { type FixtureServer, startFixtureServer } from '#tests/connectors/fixture-server.ts';
import {
  entities,
  extractedIds,
  extractionConfig,
  freshLake,
  HMAC_KEY,
  landingRows,
  removeLakes,
  simulatorEndpoints,
  startSmallSimulator,
  truthIds,
} from '#tests/extract/extraction-harness.ts';

let sim: RunningSimulator | undefined;
let broken: FixtureServer | undefined;
afterEach(async () => {
  await sim?.close();
  await broken?.close();
  sim = undefined;
  broken = undefined;
  await removeLakes();
});

async function allFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { recursive: true });
    const files: string[] = [];
    for (const entry of entries) if ((await stat(join(folder, entry))).isFile()) files.push(entry);
    return files;
  } catch {
    return [];
  }
}

describe('configuration checked before anything is written', () => {
  it('names the missing credential variable and writes nothing', async () => {
    // Prepare
    const { root, store } = await freshLake();
    const config = extractionConfig(root);
    const withUrl = {
      ...config,
      sources: {
        ...config.sources,
        zendesk: { ...config.sources.zendesk!, baseUrl: 'https://acme.zendesk.com' },
      },
    };
    // Act
    const error = await runExtraction({
      config: withUrl,
      store,
      runId: 'r1',
      sources: ['zendesk'],
      env: {},
      hmacKey: HMAC_KEY,
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
      'sources.zendesk.emailEnv',
      'sources.zendesk.tokenEnv',
    ]);
    expect((error as Error).message).toContain('ZENDESK_API_TOKEN is not set');
    expect(await allFiles(root)).toEqual([]);
  });

  it('refuses an unknown stream or source by name, and a missing base URL, before any write', async () => {
    const { root, store } = await freshLake();
    const config = extractionConfig(root);
    const unknownStream = await runExtraction({
      config,
      store,
      runId: 'r1',
      streams: ['tickets', 'tikets'],
      env: {},
      endpoints: {
        zendesk: { baseUrl: 'http://127.0.0.1:9', credentials: { email: 'a', token: 'b' } },
        hubspot: { baseUrl: 'http://127.0.0.1:9', credentials: { token: 'c' } },
      },
    }).catch((e: unknown) => e);
    const unknownSource = await runExtraction({ config, store, runId: 'r1', sources: ['intercom'] }).catch(
      (e: unknown) => e,
    );
    const noUrl = await runExtraction({
      config,
      store,
      runId: 'r1',
      sources: ['hubspot'],
      env: { HUBSPOT_ACCESS_TOKEN: 'x' },
    }).catch((e: unknown) => e);
    expect((unknownStream as ConfigError).message).toContain('"tikets" is not an enabled stream');
    expect((unknownSource as ConfigError).issues[0]?.path).toBe('sources.intercom');
    expect((noUrl as ConfigError).issues[0]?.path).toBe('sources.hubspot.baseUrl');
    expect(await allFiles(root)).toEqual([]);
  });

  it('names the missing connector folder of a configured source, before any write', async () => {
    // Prepare: a section for a source nobody wrote a connector for
    const { root, store } = await freshLake();
    const base = extractionConfig(root);
    const config = {
      ...base,
      sources: { ...base.sources, intercom: { baseUrl: 'https://acme.intercom.io' } },
    };
    // Act
    const error = await runExtraction({ config, store, runId: 'r1', sources: ['intercom'] }).catch(
      (e: unknown) => e,
    );
    // Assess
    expect((error as Error).name).toBe('UnknownSourceError');
    expect((error as Error).message).toContain('src/connectors/intercom/intercom-connector.ts');
    expect(await allFiles(root)).toEqual([]);
  });
});

describe('a stream whose retries run out', () => {
  it('fails with RetriesExhaustedError, keeps its last checkpoint, and lets the other source finish', async () => {
    // Prepare: a first complete run, then the ticket desk starts failing.
    sim = await startSmallSimulator();
    const { root, store } = await freshLake();
    const config = extractionConfig(root);
    await runExtraction({
      config,
      store,
      runId: 'r1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    const before = await store.get(CheckpointStore.key('zendesk', 'tickets'));
    broken = await startFixtureServer(() => ({ status: 503, body: { error: 'ServiceUnavailable' } }));
    const endpoints = simulatorEndpoints(sim);
    // Act
    const manifest = await runExtraction({
      config,
      store,
      runId: 'r2',
      endpoints: { ...endpoints, zendesk: { ...endpoints.zendesk!, baseUrl: broken.url } },
      hmacKey: HMAC_KEY,
    });
    // Assess
    const tickets = manifest.streams.find((s) => s.stream === 'tickets')!;
    expect(manifest.status).toBe('failed');
    expect(tickets.status).toBe('failed');
    expect(tickets.errorName).toBe(new RetriesExhaustedError('', '', 0, '').name);
    expect(tickets.error).toContain('HTTP 503');
    expect(tickets.cursorAfter).toEqual(tickets.cursorBefore);
    expect(Buffer.from((await store.get(CheckpointStore.key('zendesk', 'tickets')))!).toString()).toBe(
      Buffer.from(before!).toString(),
    );
    expect(manifest.streams.filter((s) => s.source === 'hubspot').map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });
});

describe('an unreadable checkpoint', () => {
  it('fails its own stream with CheckpointError, naming the file, and leaves the checkpoint for a person to fix', async () => {
    // Prepare
    sim = await startSmallSimulator();
    const { root, store } = await freshLake();
    await store.put(CheckpointStore.key('zendesk', 'tickets'), '{"state": {"cursor": 42}, "pageSeq": 3}');
    // Act
    const manifest = await runExtraction({
      config: extractionConfig(root),
      store,
      runId: 'r1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    // Assess
    const tickets = manifest.streams.find((s) => s.stream === 'tickets')!;
    expect(tickets).toMatchObject({ status: 'failed', errorName: 'CheckpointError', pages: 0 });
    expect(tickets.error).toContain('state/checkpoints/zendesk/tickets.json');
    expect(manifest.streams.filter((s) => s.status === 'succeeded')).toHaveLength(6);
    expect(Buffer.from((await store.get(CheckpointStore.key('zendesk', 'tickets')))!).toString()).toContain(
      '"cursor": 42',
    );
  });
});

describe('incremental runs', () => {
  it('pick up what changed since the last run, so two runs together hold the whole later window', async () => {
    // Prepare: a first run, then a day passes in the simulated world.
    sim = await startSmallSimulator({}, { days: 3, now: '2026-08-03T12:00:00Z' });
    const { root, store } = await freshLake();
    const config = extractionConfig(root);
    const first = await runExtraction({
      config,
      store,
      runId: 'r1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    sim.clock.advance(24 * 3600 * 1000);
    const truth = await truthIds(sim);
    // Act
    const second = await runExtraction({
      config,
      store,
      runId: 'r2',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    // Assess
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const landed = await extractedIds(store);
    for (const entity of entities)
      expect({ entity, ids: landed[entity] }).toEqual({ entity, ids: truth[entity] });
    const ticketsSecond = second.streams.find((s) => s.stream === 'tickets')!;
    const ticketsFirst = first.streams.find((s) => s.stream === 'tickets')!;
    expect(ticketsSecond.records).toBeLessThan(ticketsFirst.records + ticketsSecond.records);
    expect(ticketsSecond.cursorBefore).toEqual(ticketsFirst.cursorAfter);
  });

  it('lose nothing while the world keeps changing during the run', async () => {
    // Prepare: every request moves the world clock on by 20 minutes.
    sim = await startSmallSimulator(
      { clockAdvanceSecondsPerRequest: 1200 },
      { days: 3, now: '2026-08-02T12:00:00Z' },
    );
    const { root, store } = await freshLake();
    const before = await truthIds(sim);
    // Act
    await runExtraction({
      config: extractionConfig(root),
      store,
      runId: 'r1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    const after = await truthIds(sim);
    // Assess: all that existed at the start is there, and nothing the world never had.
    const landed = await extractedIds(store);
    for (const entity of entities) {
      const missing = [...before[entity]!].filter((id) => !landed[entity]!.has(id));
      const unknown = [...landed[entity]!].filter((id) => !after[entity]!.has(id));
      expect({ entity, missing, unknown }).toEqual({ entity, missing: [], unknown: [] });
    }
  });
});

describe('privacy at the door', () => {
  it('keeps e-mails, names and bodies out of the open landing streams, and secrets out of files and names', async () => {
    // Prepare
    sim = await startSmallSimulator();
    const { root, store } = await freshLake();
    // Act
    const manifest = await runExtraction({
      config: extractionConfig(root),
      store,
      runId: 'r1',
      endpoints: simulatorEndpoints(sim),
      hmacKey: HMAC_KEY,
    });
    // Assess: open streams hold customer keys, not addresses.
    const users = await landingRows(store, 'zendesk', 'users');
    const pii = await landingRows(store, 'zendesk', 'user_pii');
    expect(JSON.stringify(users)).not.toMatch(/@/);
    expect(JSON.stringify(await landingRows(store, 'hubspot', 'contacts'))).not.toMatch(/@/);
    expect(JSON.stringify(await landingRows(store, 'zendesk', 'comments'))).not.toContain('"body"');
    const somePii = pii.find((r) => typeof r.email === 'string')!;
    const itsUser = users.find((u) => u.user_id === somePii.user_id)!;
    expect(itsUser.customer_key).toBe(customerKey(somePii.email as string, HMAC_KEY));
    // The same person has the same key in the CRM.
    const contactPii = await landingRows(store, 'hubspot', 'contact_pii');
    const zendeskKeys = new Set(pii.map((r) => r.customer_key));
    expect(contactPii.some((c) => zendeskKeys.has(c.customer_key))).toBe(true);
    // No token in any file, file name or manifest.
    const secrets = [sim.credentials.zendeskToken, sim.credentials.hubspotToken];
    const files = await allFiles(join(root, 'lake'));
    for (const file of files) {
      const bytes = await readFile(join(root, 'lake', file));
      const text = file.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      for (const secret of secrets) {
        expect(file).not.toContain(secret);
        expect(text).not.toContain(secret);
      }
      expect(text.toLowerCase()).not.toContain('authorization');
    }
    expect(files).toContain(manifestKey('r1'));
    expect(manifest.streams.every((s) => s.status === 'succeeded')).toBe(true);
  });
});

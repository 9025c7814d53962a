import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { publish } from '#src/publish/publish.ts';
import { type RunningPublicationServer, servePublication } from '#src/publish/serve-publication.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import { openFixtureWarehouse } from '#tests/publish/fixture-warehouse.ts';

let engine: QueryEngine;
let folder: string;
let store: LocalObjectStore;
let server: RunningPublicationServer;
const config = parseConfig({});

beforeAll(async () => {
  engine = await openFixtureWarehouse({ days: 30, tickets: 100 });
  folder = await mkdtemp(join(tmpdir(), 'serve-test-'));
  store = new LocalObjectStore(join(folder, 'lake'));
  server = await servePublication({ store });
});

afterAll(async () => {
  await server?.close();
  await engine?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('warehouse serve', () => {
  test('listens on the loopback interface only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  test('says there is no publication yet, then serves the current dashboard and follows the switch', async () => {
    // Prepare
    const before = await fetch(server.url);
    await publish({ config, engine, store, runId: 'run-s1', kpiVersion: 'v3', dataTests: { passed: true } });
    const first = await (await fetch(server.url)).text();

    // Act
    await publish({ config, engine, store, runId: 'run-s2', kpiVersion: 'v3', dataTests: { passed: true } });
    const second = await fetch(server.url);

    // Assess
    expect(before.status).toBe(404);
    expect(await before.text()).toMatch(/No publication yet/);
    expect(first).toContain('run-s1');
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(second.headers.get('cache-control')).toBe('no-store');
    const html = await second.text();
    expect(html).toContain('"runId":"run-s2"');
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  test('serves the pointer and the files of the current and of kept publications', async () => {
    // Act
    const pointer = (await (await fetch(`${server.url}CURRENT.json`)).json()) as { runId: string };
    const csv = await fetch(`${server.url}current/csv/kpi_scorecard.csv`);
    const older = await fetch(`${server.url}publications/run-s1/manifest.json`);

    // Assess
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\n')[0]).toMatch(
      /^kpi,breakdown,breakdown_value,period_grain,period_start,target,actual/,
    );
    expect(pointer.runId).toBe('run-s2');
    expect(((await older.json()) as { runId: string }).runId).toBe('run-s1');
  });

  test('serves the current data dictionary where the dashboard links to it', async () => {
    // Act
    const dashboard = await (await fetch(server.url)).text();
    const href = /id="data-dictionary-link" href="([^"]+)"/.exec(dashboard)?.[1];
    const page = await fetch(new URL(href ?? 'missing', server.url));
    // Assess
    expect(href).toBe('dictionary.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Data dictionary · run-s2/);
  });

  test('serves nothing outside the published folder and refuses writes', async () => {
    // Act
    const climbing = await fetch(`${server.url}publications/..%2F..%2Flanding%2Fx`);
    const unknown = await fetch(`${server.url}raw/zendesk/tickets`);
    const post = await fetch(server.url, { method: 'POST', body: 'x' });

    // Assess
    expect(climbing.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(post.status).toBe(405);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import { runRetention } from '#src/governance/retention/run-retention.ts';
import { type ModelChange, recordModelChanges } from '#src/models/model-changes.ts';
import { digestBytes } from '#src/publish/file-digest.ts';
import { prunePublications } from '#src/publish/prune-publications.ts';
import { PUBLICATIONS_PREFIX, type PublishedTable } from '#src/publish/publication-manifest.ts';
import { type PublicationResult, publish } from '#src/publish/publish.ts';
import { formatBytes } from '#src/publish/publish-progress.ts';
import { type CurrentPublication, readCurrentPublication } from '#src/publish/read-publication.ts';
import { servePublication } from '#src/publish/serve-publication.ts';
import { verifyPublication } from '#src/publish/verify-publication.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { openFixtureWarehouse } from '#tests/publish/fixture-warehouse.ts';
import { canonicalRows, readCsvRows, readParquetRows } from '#tests/publish/read-published.ts';
import { RecordingObjectStore } from '#tests/publish/recording-object-store.ts';

/**
 * The fixture warehouse stands in for the transform's output; the change log is written the way
 * the transform writes it (`recordModelChanges`), so each test says exactly what "the transform"
 * changed and checks the publisher exports that and nothing else.
 */
let engine: QueryEngine;
let folder: string;
let config: WarehouseConfig;
let clock: number;

beforeEach(async () => {
  engine = await openFixtureWarehouse();
  folder = await mkdtemp(join(tmpdir(), 'incremental-publish-'));
  config = parseConfig({ lake: { kind: 'local', root: join(folder, 'lake') }, publish: { keep: 2 } });
  clock = Date.parse('2026-11-23T06:00:00Z');
});

afterEach(async () => {
  await engine.close();
  await rm(folder, { recursive: true, force: true });
});

const base = { kpiVersion: 'v3', dataTests: { passed: true, tests: 42 }, dashboard: false } as const;

/** One minute later each time: the change log's watermark and the manifests' times move forward. */
function tick(): Date {
  clock += 60_000;
  return new Date(clock);
}

async function transformed(runId: string, changes: readonly ModelChange[]): Promise<void> {
  await recordModelChanges(engine, { runId, changes, now: tick() });
}

/** A transform run that built every relation of the warehouse: these partitions changed, nothing else. */
async function changes(changed: Record<string, 'all' | string[]> = {}): Promise<ModelChange[]> {
  return [...(await engine.listRelations()).keys()].map((model) => ({
    model,
    partitions: changed[model] ?? [],
  }));
}

/** A first (or full) transform run: every model rebuilt. */
async function rebuiltAll(): Promise<ModelChange[]> {
  return (await changes()).map(({ model }) => ({ model, partitions: 'all' }));
}

async function publishRun(store: ObjectStore, runId: string): Promise<PublicationResult> {
  const now = tick();
  return publish({ config, engine, store, runId, ...base, now: () => now });
}

async function months(table: string, column: string): Promise<string[]> {
  const result = await engine.execute(`SELECT DISTINCT ${column} AS m FROM ${table} ORDER BY 1`);
  return result.rows.map((r) => String(r.m));
}

/** Every table's rows as other readers read them, Parquet and CSV, in canonical form. */
async function tablesAsRead(store: ObjectStore, publication: CurrentPublication) {
  const tables: Record<string, { rowCount: number; parquet: string[]; csv: string[] }> = {};
  for (const table of publication.manifest.tables) {
    tables[table.name] = {
      rowCount: table.rowCount,
      parquet: canonicalRows(await readParquetRows(store, publication, table), table.columns),
      csv: canonicalRows((await readCsvRows(store, publication, table)).rows, table.columns),
    };
  }
  return tables;
}

function table(publication: CurrentPublication, name: string): PublishedTable {
  const found = publication.manifest.tables.find((t) => t.name === name);
  if (!found) throw new Error(`${name} not published`);
  return found;
}

describe('an incremental publication', () => {
  test('writes only the changed partitions, yet reads back table by table as a full publication', async () => {
    // Prepare: a first publication, then "the transform" changes one month of tickets
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    const first = await publishRun(store, 'run-1');
    const ticketMonths = await months('fct_tickets', 'created_month');
    const changedMonth = ticketMonths.at(-1) ?? '';
    await engine.execute(
      `UPDATE fct_tickets SET status = 'closed', csat_score = 5 WHERE created_month = '${changedMonth}'`,
    );
    await transformed('run-t2', await changes({ fct_tickets: [changedMonth] }));
    const recording = new RecordingObjectStore(store);

    // Act
    const second = await publishRun(recording, 'run-2');
    const incremental = await readCurrentPublication(store);
    const reference = new LocalObjectStore(join(folder, 'full'));
    await publish({ config, engine, store: reference, runId: 'run-full', ...base });
    const full = await readCurrentPublication(reference);

    // Assess: the changed month's Parquet and CSV were written, no other partition's
    const tableFiles = recording.puts.filter((k) => /\/(parquet|csv)\//.test(k));
    const partitionFiles = tableFiles.filter((k) => /_month=/.test(k));
    expect(partitionFiles.length).toBeGreaterThanOrEqual(2);
    for (const key of partitionFiles) expect(key).toContain(`/fct_tickets/created_month=${changedMonth}/`);
    const tickets = table(incremental, 'fct_tickets');
    for (const file of [...tickets.parquet, ...tickets.csv]) {
      expect(file.publication, file.path).toBe(file.partition === changedMonth ? undefined : 'run-1');
    }
    expect(table(incremental, 'kpi_values').parquet.every((f) => f.publication === 'run-1')).toBe(true);
    // … and the publication is whole, and the same as a full one, table by table
    expect((await verifyPublication(store, incremental)).problems).toEqual([]);
    expect(await tablesAsRead(store, incremental)).toEqual(await tablesAsRead(reference, full));
    expect(second.written.objects).toBe(recording.puts.length);
    // Tables without partitions are exported whole every time (the transform rebuilds them).
    const unpartitioned = incremental.manifest.tables.filter((t) => !t.partitionBy).map((t) => t.name);
    for (const key of tableFiles.filter((k) => !/_month=/.test(k))) {
      expect(unpartitioned).toContain(/\/(?:parquet|csv)\/([a-z_]+)/.exec(key)?.[1]);
    }
    expect(second.written.bytes).toBeLessThan(first.written.bytes);
    console.log(
      `publish of the fixture warehouse: full ${first.written.objects} objects, ${formatBytes(first.written.bytes)}; ` +
        `daily incremental ${second.written.objects} objects, ${formatBytes(second.written.bytes)} ` +
        `(${second.reused.files} files, ${formatBytes(second.reused.bytes)} reused)`,
    );
  });

  test('re-exports a partition whose rows changed outside the transform, and drops one that emptied', async () => {
    // Prepare: retention deletes the oldest month's tickets and some of the next one's, unlogged
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    await publishRun(store, 'run-1');
    const [oldest = '', second = ''] = await months('fct_tickets', 'created_month');
    await engine.execute(`DELETE FROM fct_tickets WHERE created_month = '${oldest}'`);
    await engine.execute(`DELETE FROM fct_tickets WHERE created_month = '${second}' AND ticket_id % 2 = 0`);
    const recording = new RecordingObjectStore(store);

    // Act
    await publishRun(recording, 'run-2');
    const publication = await readCurrentPublication(store);

    // Assess
    const tickets = table(publication, 'fct_tickets');
    expect(tickets.parquet.map((f) => f.partition)).not.toContain(oldest);
    expect(Object.keys(tickets.partitionRows ?? {})).not.toContain(oldest);
    expect(tickets.parquet.filter((f) => f.partition === second).every((f) => !f.publication)).toBe(true);
    expect(recording.puts.filter((k) => k.includes('_month=')).every((k) => k.includes(`=${second}/`))).toBe(
      true,
    );
    const source = await engine.execute('SELECT count(*) AS n FROM fct_tickets');
    expect((await readParquetRows(store, publication, tickets)).length).toBe(Number(source.rows[0]?.n));
  });

  test('exports everything after a full rebuild, or without a change log', async () => {
    // Prepare
    const store = new LocalObjectStore(join(folder, 'lake'));
    const unlogged = await publishRun(store, 'run-0');
    await transformed('run-t1', await rebuiltAll());

    // Act
    const noLogBefore = await publishRun(store, 'run-1');
    await transformed('run-t2', await rebuiltAll());
    const rebuilt = await publishRun(store, 'run-2');

    // Assess
    expect(unlogged.manifest.changesThrough).toBeNull();
    expect(noLogBefore.reused.files).toBe(0);
    expect(rebuilt.reused.files).toBe(0);
    expect(rebuilt.written.objects).toBe(noLogBefore.written.objects);
  });
});

describe('pruning incremental publications', () => {
  test('keeps every file a kept publication lists and deletes the rest once nothing lists them', async () => {
    // Prepare: run-2 and run-3 reuse run-1's unchanged partitions
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    await publishRun(store, 'run-1');
    const last = (await months('fct_tickets', 'created_month')).at(-1) ?? '';
    for (const runId of ['run-2', 'run-3']) {
      await engine.execute(`UPDATE fct_tickets SET priority = 'urgent' WHERE created_month = '${last}'`);
      await transformed(`${runId}-t`, await changes({ fct_tickets: [last] }));
      await publishRun(store, runId);
    }

    // Act: keep = 2, so run-1 goes while run-2 and run-3 still list its files
    const folders = async () => {
      const runs = new Set<string>();
      for await (const o of store.list(PUBLICATIONS_PREFIX))
        runs.add(o.key.slice(PUBLICATIONS_PREFIX.length).split('/')[0] ?? '');
      return [...runs].sort();
    };
    const afterRun3 = await folders();
    const run1Manifest = await store.exists(`${PUBLICATIONS_PREFIX}run-1/manifest.json`);
    const current = await readCurrentPublication(store);
    const run3Check = await verifyPublication(store, current);
    const reusedFromRun1 = table(current, 'kpi_values').parquet.filter((f) => f.publication === 'run-1');
    // A full rebuild next: nothing of run-1 is listed by a kept publication any more.
    await transformed('run-t4', await rebuiltAll());
    const fourth = await publishRun(store, 'run-4');
    await transformed('run-t5', await rebuiltAll());
    await publishRun(store, 'run-5');

    // Assess
    expect(afterRun3).toEqual(['run-1', 'run-2', 'run-3']);
    expect(run1Manifest).toBe(false);
    expect(reusedFromRun1.length).toBeGreaterThan(0);
    expect(run3Check.problems).toEqual([]);
    expect(fourth.pruned.stillReferenced).toBeGreaterThan(0);
    expect(await folders()).toEqual(['run-4', 'run-5']);
  });
});

describe('pruning without the current manifest', () => {
  test('deletes nothing, since nothing can tell which files the current publication lists', async () => {
    // Prepare: run-2 reuses run-1's files; then run-2's manifest is lost
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    await publishRun(store, 'run-1');
    await transformed('run-t2', await changes());
    await publishRun(store, 'run-2');
    await store.delete([`${PUBLICATIONS_PREFIX}run-2/manifest.json`]);
    const before: string[] = [];
    for await (const o of store.list(PUBLICATIONS_PREFIX)) before.push(o.key);

    // Act
    const pruned = await prunePublications({ store, keep: 1, current: 'run-2' });

    // Assess
    const after: string[] = [];
    for await (const o of store.list(PUBLICATIONS_PREFIX)) after.push(o.key);
    expect(pruned.objects).toBe(0);
    expect(after).toEqual(before);
    expect(before.some((k) => k.startsWith(`${PUBLICATIONS_PREFIX}run-1/`))).toBe(true);
  });
});

describe('retention after an incremental publication', () => {
  test('leaves every file the current publication lists, in whichever folder it is', async () => {
    // Prepare: run-2 lists run-1's unchanged ticket partitions; a year later they are all expired
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    await publishRun(store, 'run-1');
    const last = (await months('fct_tickets', 'created_month')).at(-1) ?? '';
    await engine.execute(`UPDATE fct_tickets SET priority = 'low' WHERE created_month = '${last}'`);
    await transformed('run-t2', await changes({ fct_tickets: [last] }));
    await publishRun(store, 'run-2');
    const current = await readCurrentPublication(store);
    const reused = table(current, 'fct_tickets').parquet.filter((f) => f.publication === 'run-1');

    // Act
    const report = await runRetention({ config, store, engine, now: new Date('2030-01-01T00:00:00Z') });

    // Assess
    expect(reused.length).toBeGreaterThan(0);
    expect(report.items.some((i) => i.layer === 'published')).toBe(true);
    expect((await verifyPublication(store, current)).problems).toEqual([]);
  });
});

describe('serving an incremental publication', () => {
  test('serves a reused file under /current/ like one of its own', async () => {
    // Prepare
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t1', await rebuiltAll());
    await publishRun(store, 'run-1');
    await transformed('run-t2', await changes());
    await publishRun(store, 'run-2');
    const current = await readCurrentPublication(store);
    const reused = table(current, 'fct_tickets').csv.find((f) => f.publication === 'run-1');
    if (!reused) throw new Error('no reused file');
    const server = await servePublication({ store });

    // Act
    const response = await fetch(`${server.url}current/${reused.path}`);
    const body = new Uint8Array(await response.arrayBuffer());
    await server.close();

    // Assess
    expect(response.status).toBe(200);
    expect(digestBytes(body)).toEqual({ sha256: reused.sha256, bytes: reused.bytes });
  });
});

describe('readers during incremental publications', () => {
  test('always resolve a whole publication, the previous one or the new one', async () => {
    // Prepare: three publications kept, so one a reader resolved is not pruned under it
    config = parseConfig({ ...config, publish: { keep: 3 } });
    const store = new LocalObjectStore(join(folder, 'lake'));
    await transformed('run-t0', await rebuiltAll());
    await publishRun(store, 'run-r0');
    const last = (await months('fct_tickets', 'created_month')).at(-1) ?? '';
    const seen: string[] = [];
    const problems: string[] = [];
    let publishing = true;
    const reader = async () => {
      while (publishing) {
        const publication = await readCurrentPublication(store);
        const check = await verifyPublication(store, publication);
        seen.push(publication.pointer.runId);
        problems.push(...check.problems.map((p) => `${publication.pointer.runId}: ${p}`));
      }
    };

    // Act
    const readers = [reader(), reader()];
    for (const runId of ['run-r1', 'run-r2', 'run-r3']) {
      await engine.execute(`UPDATE fct_tickets SET channel = 'web' WHERE created_month = '${last}'`);
      await transformed(`${runId}-t`, await changes({ fct_tickets: [last] }));
      await publishRun(store, runId);
    }
    publishing = false;
    await Promise.all(readers);

    // Assess
    expect(problems).toEqual([]);
    expect(seen[0]).toBe('run-r0');
    expect(seen.at(-1)).toBe('run-r3');
    expect(new Set(seen).size).toBeGreaterThan(2);
  });
});

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig, type WarehouseConfig } from '#src/config/warehouse-config.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { DataTestReport } from '#src/models/run-data-tests.ts';
import { CURRENT_POINTER_KEY, PUBLICATIONS_PREFIX } from '#src/publish/publication-manifest.ts';
import { PublicationExistsError, PublicationRefusedError, publish } from '#src/publish/publish.ts';
import { NotPublishableError } from '#src/publish/published-tables.ts';
import { readCurrentPublication } from '#src/publish/read-publication.ts';
import { verifyPublication } from '#src/publish/verify-publication.ts';
import { LocalObjectStore } from '#src/stores/local/local-object-store.ts';
import type { ObjectStore } from '#src/stores/object-store.ts';
import { CrashingObjectStore, SimulatedCrashError } from '#tests/publish/crashing-object-store.ts';
import { openFixtureWarehouse } from '#tests/publish/fixture-warehouse.ts';
import {
  canonicalRows,
  readCsvRows,
  readParquetRows,
  readSourceRows,
} from '#tests/publish/read-published.ts';
import { RecordingObjectStore } from '#tests/publish/recording-object-store.ts';

let engine: QueryEngine;
let folder: string;
let config: WarehouseConfig;

beforeAll(async () => {
  engine = await openFixtureWarehouse();
  folder = await mkdtemp(join(tmpdir(), 'publish-test-'));
  config = parseConfig({ lake: { kind: 'local', root: join(folder, 'lake') }, publish: { keep: 2 } });
});

afterAll(async () => {
  await engine.close();
  await rm(folder, { recursive: true, force: true });
});

let lakes = 0;
function freshStore(): LocalObjectStore {
  lakes += 1;
  return new LocalObjectStore(join(folder, `lake-${lakes}`));
}

const passed = { passed: true, tests: 42 } as const;
// Most tests need the files only; the dashboard has its own suite (tests/dashboard).
const base = { kpiVersion: 'v3', dataTests: passed, dashboard: false } as const;

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

describe('publish', () => {
  test('writes every published table as Parquet and CSV that other readers read back as the source rows', async () => {
    // Prepare
    const store = freshStore();

    // Act
    await publish({ config, engine, store, runId: 'run-a', ...base });
    const publication = await readCurrentPublication(store);

    // Assess
    const names = publication.manifest.tables.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'kpi_scorecard',
        'kpi_values',
        'service_quality_index',
        'fct_tickets',
        'sla_alerts',
      ]),
    );
    expect(publication.manifest.missingTables).toEqual(
      expect.arrayContaining(['kpi_daily_wide', 'fct_ticket_events', 'contact_reasons']),
    );
    for (const table of publication.manifest.tables) {
      const source = await readSourceRows(engine, table.name, table.columns);
      const parquet = await readParquetRows(store, publication, table);
      const csv = await readCsvRows(store, publication, table);
      expect(table.rowCount, table.name).toBe(source.length);
      expect(csv.header, table.name).toEqual(table.columns);
      expect(canonicalRows(parquet, table.columns), `${table.name} parquet`).toEqual(
        canonicalRows(source, table.columns),
      );
      expect(canonicalRows(csv.rows, table.columns), `${table.name} csv`).toEqual(
        canonicalRows(source, table.columns),
      );
    }
  });

  test('partitions month-partitioned tables by created_month and withholds personal columns', async () => {
    // Prepare
    const store = freshStore();

    // Act
    await publish({ config, engine, store, runId: 'run-b', ...base });
    const { manifest } = await readCurrentPublication(store);

    // Assess
    const tickets = manifest.tables.find((t) => t.name === 'fct_tickets');
    const months = (
      await engine.execute('SELECT DISTINCT created_month FROM fct_tickets ORDER BY 1')
    ).rows.map((r) => r.created_month);
    expect(tickets?.partitionBy).toBe('created_month');
    expect(tickets?.parquet.map((f) => f.partition).sort()).toEqual(months);
    // One CSV per partition too, the partition column kept in its rows.
    expect(tickets?.csv.map((f) => f.partition).sort()).toEqual(months);
    for (const file of tickets?.csv ?? [])
      expect(file.path).toMatch(/^csv\/fct_tickets\/created_month=\d{4}-\d{2}\/part-0\.csv$/);
    expect(Object.keys(tickets?.partitionRows ?? {}).sort()).toEqual(months);
    for (const file of tickets?.parquet ?? []) {
      expect(file.path).toMatch(/^parquet\/fct_tickets\/created_month=\d{4}-\d{2}\/part-\d+\.parquet$/);
    }
    expect(tickets?.columns.at(-1)).toBe('created_month');
    // The access policy: analysts read the pseudonymous customer key, not names or e-mails.
    expect(tickets?.withheldColumns).toEqual([]);
    expect(tickets?.columns).toContain('customer_key');
    const agents = manifest.tables.find((t) => t.name === 'dim_agents');
    expect(agents?.withheldColumns).toEqual(['agent_name', 'email']);
    expect(agents?.columns).toEqual(['agent_id', 'group_name']);
    // KPI marts are partitioned by the month of their period.
    const values = manifest.tables.find((t) => t.name === 'kpi_values');
    expect(values?.partitionBy).toBe('period_month');
    for (const file of values?.parquet ?? [])
      expect(file.path).toMatch(/^parquet\/kpi_values\/period_month=\d{4}-\d{2}\/part-\d+\.parquet$/);
    const scorecard = manifest.tables.find((t) => t.name === 'kpi_scorecard');
    expect(scorecard?.partitionBy).toBeNull();
    expect(scorecard?.parquet.map((f) => f.path)).toEqual(['parquet/kpi_scorecard/part-0.parquet']);
  });

  test('records the run, the KPI version, the data tests and a checksum of every file in the manifest', async () => {
    // Prepare
    const store = freshStore();
    const now = new Date('2026-11-23T06:00:00.000Z');

    // Act
    await publish({ config, engine, store, runId: 'run-c', ...base, now: () => now });
    const publication = await readCurrentPublication(store);
    const check = await verifyPublication(store, publication);

    // Assess
    expect(publication.pointer.runId).toBe('run-c');
    expect(publication.manifest).toMatchObject({
      runId: 'run-c',
      kpiVersion: 'v3',
      createdAt: now.toISOString(),
      engine: 'duckdb',
      dataTests: { status: 'passed', tests: 42 },
    });
    expect(check.files).toBeGreaterThan(publication.manifest.tables.length);
    expect(check.problems).toEqual([]);
  });

  test('refuses to publish when the data tests failed, and leaves the current publication alone', async () => {
    // Prepare
    const store = freshStore();
    await publish({ config, engine, store, runId: 'run-good', ...base });
    const before = await store.get(CURRENT_POINTER_KEY);

    // Act
    const attempt = publish({
      config,
      engine,
      store,
      runId: 'run-bad',
      ...base,
      dataTests: { passed: false, failures: ['unique(fct_tickets.ticket_id)'] },
    });

    // Assess
    await expect(attempt).rejects.toThrow(PublicationRefusedError);
    await expect(attempt).rejects.toThrow(/unique\(fct_tickets\.ticket_id\)/);
    expect(await store.get(CURRENT_POINTER_KEY)).toEqual(before);
    expect(await keysUnder(store, `${PUBLICATIONS_PREFIX}run-bad/`)).toEqual([]);
  });

  test('refuses a failed data-test report from the model runner, naming the failing tests', async () => {
    // Prepare
    const store = freshStore();
    const report = {
      passed: false,
      counts: { pass: 1, fail: 1, error: 0 },
      results: [
        { model: 'fct_tickets', test: 'unique(ticket_id)', status: 'pass' },
        { model: 'kpi_values', test: 'not_null(kpi)', status: 'fail' },
      ],
    } as unknown as DataTestReport;

    // Act
    const attempt = publish({ config, engine, store, runId: 'run-report', ...base, dataTests: report });

    // Assess
    await expect(attempt).rejects.toThrow(/kpi_values not_null\(kpi\) \(fail\)/);
    expect(await keysUnder(store, 'published/')).toEqual([]);
  });

  test('refuses a table the analyst role may not read, before writing anything', async () => {
    // Prepare
    const store = freshStore();

    // Act
    const attempt = publish({
      config,
      engine,
      store,
      runId: 'run-forbidden',
      ...base,
      tables: [
        { name: 'kpi_scorecard', kind: 'mart' },
        { name: 'landing_zendesk__users', kind: 'fact' },
      ],
    });

    // Assess
    await expect(attempt).rejects.toThrow(NotPublishableError);
    expect(await keysUnder(store, 'published/')).toEqual([]);
  });

  test('publishes untested data only when an operator skipped the tests, and says so in the manifest', async () => {
    // Prepare
    const store = freshStore();

    // Act
    await publish({
      config,
      engine,
      store,
      runId: 'run-skip',
      ...base,
      dataTests: { skipped: 'manual re-publish' },
    });
    const { manifest } = await readCurrentPublication(store);

    // Assess
    expect(manifest.dataTests).toEqual({ status: 'skipped', reason: 'manual re-publish' });
  });

  test('returns the current publication when its run is published again (a retried step), writing nothing', async () => {
    // Prepare: the step published and switched, then timed out; Step Functions retries it
    const store = freshStore();
    const first = await publish({ config, engine, store, runId: 'run-retry-0', ...base });
    const published = await publish({ config, engine, store, runId: 'run-same', ...base });
    const pointer = await store.get(CURRENT_POINTER_KEY);
    const keys = await keysUnder(store, 'published/');
    const recording = new RecordingObjectStore(store);

    // Act
    const retried = await publish({ config, engine, store: recording, runId: 'run-same', ...base });

    // Assess
    expect(retried.alreadyCurrent).toBe(true);
    expect(retried.runId).toBe('run-same');
    expect(retried.prefix).toBe(published.prefix);
    expect(retried.manifest).toEqual(published.manifest);
    expect(retried.previousRunId).toBe(first.runId);
    expect(recording.puts).toEqual([]);
    expect(await store.get(CURRENT_POINTER_KEY)).toEqual(pointer);
    expect(await keysUnder(store, 'published/')).toEqual(keys);
  });

  test('refuses to publish again a run that another publication has replaced since', async () => {
    // Prepare
    const store = freshStore();
    const clock = (iso: string) => () => new Date(iso);
    await publish({ config, engine, store, runId: 'run-old', ...base, now: clock('2026-11-20T00:00:00Z') });
    await publish({ config, engine, store, runId: 'run-new', ...base, now: clock('2026-11-21T00:00:00Z') });
    const pointer = await store.get(CURRENT_POINTER_KEY);

    // Act
    const attempt = publish({ config, engine, store, runId: 'run-old', ...base });

    // Assess
    await expect(attempt).rejects.toThrow(PublicationExistsError);
    await expect(attempt).rejects.toThrow(/run-new has replaced it/);
    expect(await store.get(CURRENT_POINTER_KEY)).toEqual(pointer);
  });

  test('keeps the configured number of publications and deletes older ones after the switch', async () => {
    // Prepare
    const store = freshStore();
    const clock = (iso: string) => () => new Date(iso);

    // Act
    await publish({ config, engine, store, runId: 'run-1', ...base, now: clock('2026-11-20T00:00:00Z') });
    await publish({ config, engine, store, runId: 'run-2', ...base, now: clock('2026-11-21T00:00:00Z') });
    const third = await publish({
      config,
      engine,
      store,
      runId: 'run-3',
      ...base,
      now: clock('2026-11-22T00:00:00Z'),
    });

    // Assess
    const runs = new Set(
      (await keysUnder(store, PUBLICATIONS_PREFIX)).map(
        (k) => k.slice(PUBLICATIONS_PREFIX.length).split('/')[0],
      ),
    );
    expect([...runs].sort()).toEqual(['run-2', 'run-3']);
    expect(existsSync(join(store.root, 'published', 'publications', 'run-1'))).toBe(false);
    expect(third.previousRunId).toBe('run-2');
    expect(third.pruned.runIds).toEqual(['run-1']);
  });
});

describe('readers during publications', () => {
  test('always resolve a whole publication, the previous one or the new one', async () => {
    // Prepare
    const store = freshStore();
    const keepAll = parseConfig({ ...config, publish: { keep: 3 } });
    await publish({ config: keepAll, engine, store, runId: 'run-r0', ...base });
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
    await publish({ config: keepAll, engine, store, runId: 'run-r1', ...base });
    await publish({ config: keepAll, engine, store, runId: 'run-r2', ...base });
    publishing = false;
    await Promise.all(readers);

    // Assess
    expect(problems).toEqual([]);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[0]).toBe('run-r0');
    expect(new Set(seen)).toEqual(new Set(['run-r0', 'run-r1', 'run-r2']));
  });
});

describe('an interrupted publication', () => {
  // Writes of one publication: its files (the dashboard off), the manifest, the pointer.
  test.each([1, 7, 'all but the pointer'] as const)(
    'after %s write(s) leaves readers on the previous publication, whole',
    async (crashAfter) => {
      // Prepare
      const store = freshStore();
      await publish({ config, engine, store, runId: 'run-before', ...base });
      const before = await readCurrentPublication(store);
      const writesOfAPublication =
        before.manifest.tables.reduce((sum, t) => sum + t.parquet.length + t.csv.length, 0) + 1;
      const limit = crashAfter === 'all but the pointer' ? writesOfAPublication : crashAfter;
      const crashing = new CrashingObjectStore(store, limit);

      // Act
      const attempt = publish({ config, engine, store: crashing, runId: 'run-crashed', ...base });

      // Assess
      await expect(attempt).rejects.toThrow(SimulatedCrashError);
      expect(crashing.written.length).toBe(limit);
      expect(crashing.written).not.toContain(CURRENT_POINTER_KEY);
      const after = await readCurrentPublication(store);
      expect(after.pointer).toEqual(before.pointer);
      expect(after.manifest).toEqual(before.manifest);
      expect((await verifyPublication(store, after)).problems).toEqual([]);
      const tickets = after.manifest.tables.find((t) => t.name === 'fct_tickets');
      if (!tickets) throw new Error('fct_tickets not published');
      expect((await readParquetRows(store, after, tickets)).length).toBe(tickets.rowCount);
      expect(await keysUnder(store, `${PUBLICATIONS_PREFIX}run-crashed/`)).not.toEqual([]);
    },
  );

  test('is cleaned up by the next publication, which then becomes current', async () => {
    // Prepare
    const store = freshStore();
    await publish({ config, engine, store, runId: 'run-x', ...base });
    await expect(
      publish({ config, engine, store: new CrashingObjectStore(store, 3), runId: 'run-y', ...base }),
    ).rejects.toThrow(SimulatedCrashError);

    // Act
    const result = await publish({ config, engine, store, runId: 'run-z', ...base });

    // Assess
    expect(result.pruned.runIds).toEqual(['run-y']);
    expect((await readCurrentPublication(store)).pointer.runId).toBe('run-z');
    expect(await keysUnder(store, `${PUBLICATIONS_PREFIX}run-y/`)).toEqual([]);
  });
});

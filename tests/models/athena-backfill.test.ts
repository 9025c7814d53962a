import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { AthenaTableExporter } from '#src/publish/athena/athena-table-exporter.ts';
import type { TableExportResult } from '#src/publish/table-exporter.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

/*
 * A backfill whose history spans 150 months, on the local Athena (which fails any CTAS, INSERT,
 * MERGE or UNLOAD writing more than 100 partitions, as Athena does): a month-partitioned model is
 * built from nothing, merged again, and published. Few rows, so it stays quick.
 */
const MONTHS = 150;
const months = Array.from(
  { length: MONTHS },
  (_, i) => `${2014 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
);
let dir: string;
let s3: RunningS3Server;
let athena: LocalAthena;
let engine: AthenaEngine;
let store: S3ObjectStore;
const executed: { sql: string; state: string; error?: string }[] = [];
const saved: Record<string, string | undefined> = {};
let exported: TableExportResult;

function transform(runId: string) {
  return runTransform({
    engine,
    store,
    runId,
    modelsDir: join(dir, 'sql'),
    seeds: [
      {
        name: 'backfill_months',
        columns: { period_month: 'varchar', tickets: 'bigint' },
        rows: months.map((period_month, i) => ({ period_month, tickets: i })),
      },
    ],
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'athena-backfill-'));
  mkdirSync(join(dir, 'sql', 'marts'), { recursive: true });
  writeFileSync(
    join(dir, 'sql', 'marts', 'monthly_backfill.sql'),
    [
      '-- materialized: incremental',
      '-- unique_key: period_month',
      '-- partition_by: period_month',
      '-- description: One row per month of a long backfill (fixture)',
      'select period_month, tickets from cfg_backfill_months',
    ].join('\n'),
  );
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) saved[key] = process.env[key];
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  s3 = await startS3Server('lake-backfill');
  athena = await startLocalAthena({
    s3Endpoint: s3.endpoint,
    onStatement: (e) => executed.push({ sql: e.sql, state: e.state, error: e.error }),
  });
  engine = new AthenaEngine({
    workgroup: 'warehouse',
    database: 'backfill',
    curatedLocation: `s3://${s3.bucket}/curated/`,
    client: new AthenaClient({ endpoint: athena.endpoint, region: 'us-east-1' }),
    initialPollMs: 1,
    maxPollMs: 5,
  });
  store = new S3ObjectStore({
    bucket: s3.bucket,
    client: s3.client,
  });
  await transform('run-1');
  await transform('run-2');
  exported = await new AthenaTableExporter(engine, store).exportTable({
    table: 'monthly_backfill',
    columns: ['tickets', 'period_month'],
    partitionBy: 'period_month',
    publicationPrefix: 'published/publications/run-2/',
  });
}, 120_000);

afterAll(async () => {
  await engine?.close();
  await athena?.close();
  await s3?.close();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a backfill of 150 months on Athena', () => {
  it('runs every statement Athena accepts', () => {
    expect(executed.filter((e) => e.state !== 'SUCCEEDED')).toEqual([]);
  });

  it('builds the month-partitioned model by CTAS of 100 months, then INSERT of the other 50', () => {
    const writes = executed
      .map((e) => e.sql)
      .filter((sql) => /^(CREATE TABLE|INSERT INTO) "monthly_backfill__v__run_1"/.test(sql));
    expect(writes.map((sql) => sql.split(' ', 2).join(' '))).toEqual(['CREATE TABLE', 'INSERT INTO']);
    expect(writes.map((sql) => sql.match(/'\d{4}-\d{2}'/g)?.length)).toEqual([100, 50]);
  });

  it('merges all 150 months again through the published name, at most 100 a statement', () => {
    const merges = executed.map((e) => e.sql).filter((sql) => sql.startsWith('MERGE INTO'));
    expect(merges).toHaveLength(2);
    expect(merges.every((sql) => sql.startsWith('MERGE INTO "monthly_backfill__v__run_1"'))).toBe(true);
  });

  it('keeps every month, once', async () => {
    const { rows } = await engine.execute(
      'SELECT count(*) AS n, count(DISTINCT period_month) AS months FROM "monthly_backfill"',
    );
    expect(rows).toEqual([{ n: MONTHS, months: MONTHS }]);
  });

  it('publishes every month in the usual layout, unloaded in batches of at most 100 partitions', () => {
    const unloads = executed.map((e) => e.sql).filter((sql) => sql.startsWith('UNLOAD'));
    expect(unloads).toHaveLength(4); // Parquet and CSV, two batches each
    expect(new Set(exported.parquet.map((f) => f.partition))).toEqual(new Set(months));
    expect(new Set(exported.csv.map((f) => f.partition))).toEqual(new Set(months));
    expect(
      exported.parquet.every((f) => /^parquet\/monthly_backfill\/(batch-1\/)?period_month=/.test(f.path)),
    ).toBe(true);
  });

  it('leaves nothing in the staging prefixes', async () => {
    const left: string[] = [];
    for await (const object of store.list('published/publications/run-2/_staging/')) left.push(object.key);
    expect(left).toEqual([]);
  });
});

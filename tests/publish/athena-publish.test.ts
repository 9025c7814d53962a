import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { recordModelChanges } from '#src/models/model-changes.ts';
import { csvRecords } from '#src/publish/athena/athena-table-exporter.ts';
import { publish } from '#src/publish/publish.ts';
import { readCurrentPublication } from '#src/publish/read-publication.ts';
import { verifyPublication } from '#src/publish/verify-publication.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';
import { canonicalRows, readCsvRows, readParquetRows, readSourceRows } from './read-published.ts';
import { RecordingObjectStore } from './recording-object-store.ts';

/**
 * The Athena side of publishing, end to end on the local Athena (Athena's API over DuckDB, its
 * documented rules enforced) and s3rver: UNLOAD per partition, one CSV per partition split from
 * UNLOAD's text, and an incremental publication that unloads only the changed partition.
 */
let s3: RunningS3Server;
let athena: LocalAthena;
let client: AthenaClient;
let engine: AthenaEngine;
let store: S3ObjectStore;

beforeAll(async () => {
  s3 = await startS3Server();
  athena = await startLocalAthena({ s3Endpoint: s3.endpoint });
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  engine = new AthenaEngine({
    workgroup: 'warehouse',
    database: 'warehouse',
    curatedLocation: `s3://${s3.bucket}/curated/`,
    client,
    initialPollMs: 5,
    maxPollMs: 20,
  });
  store = new S3ObjectStore({ bucket: s3.bucket, client: s3.client });
  // A fact with text CSV must quote (commas, quotes, a line break, non-ASCII) and NULLs, in 3 months.
  const select =
    "SELECT CAST(n AS BIGINT) AS ticket_id, CASE n % 4 WHEN 0 THEN 'VIP, \"gold\" desk' WHEN 1 THEN 'two\nlines' " +
    "WHEN 2 THEN 'Чат 24/7' END AS sla_policy, CAST(n * 1.5 AS DOUBLE) AS first_reply_time_s, " +
    "CASE n % 3 WHEN 0 THEN '2026-09' WHEN 1 THEN '2026-10' ELSE '2026-11' END AS created_month " +
    'FROM UNNEST(sequence(1, 30)) AS t(n)';
  for (const statement of engine.statements.replaceTable({
    name: 'fct_tickets',
    sql: select,
    partitionBy: 'created_month',
    runId: 'run-t1',
  }))
    await engine.execute(statement);
});

afterAll(async () => {
  client.destroy();
  await athena.close();
  await s3.close();
});

const config = parseConfig({ publish: { keep: 2 } });
const base = {
  kpiVersion: 'v3',
  dataTests: { passed: true, tests: 1 },
  dashboard: false,
  completenessTable: false,
  tables: [{ name: 'fct_tickets', kind: 'fact' as const }],
};

describe('publishing from Athena', () => {
  test('unloads each partition as Parquet and CSV that read back as the source rows, then only what changed', async () => {
    // Prepare
    await recordModelChanges(engine, {
      runId: 'run-t1',
      changes: [{ model: 'fct_tickets', partitions: 'all' }],
      now: new Date('2026-11-23T06:00:00Z'),
    });
    await publish({
      config,
      engine,
      store,
      runId: 'run-a1',
      ...base,
      now: () => new Date('2026-11-23T06:10:00Z'),
    });
    const first = await readCurrentPublication(store);
    await engine.execute("UPDATE fct_tickets SET first_reply_time_s = 1 WHERE created_month = '2026-11'");
    await recordModelChanges(engine, {
      runId: 'run-t2',
      changes: [{ model: 'fct_tickets', partitions: ['2026-11'] }],
      now: new Date('2026-11-24T06:00:00Z'),
    });
    const recording = new RecordingObjectStore(store);

    // Act
    await publish({
      config,
      engine,
      store: recording,
      runId: 'run-a2',
      ...base,
      now: () => new Date('2026-11-24T06:10:00Z'),
    });
    const second = await readCurrentPublication(store);

    // Assess: the first publication, whole and equal to the source in both formats
    const table = (p: typeof first) => p.manifest.tables.find((t) => t.name === 'fct_tickets');
    const one = table(first);
    if (!one) throw new Error('fct_tickets not published');
    expect(one.csv.map((f) => f.partition)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect((await verifyPublication(store, first)).problems).toEqual([]);
    // … and the incremental one: only 2026-11 unloaded, the rest reused, still equal to the source
    const two = table(second);
    if (!two) throw new Error('fct_tickets not published');
    const source = canonicalRows(await readSourceRows(engine, two.name, two.columns), two.columns);
    expect(canonicalRows(await readParquetRows(store, second, two), two.columns)).toEqual(source);
    expect(canonicalRows((await readCsvRows(store, second, two)).rows, two.columns)).toEqual(source);
    expect((await verifyPublication(store, second)).problems).toEqual([]);
    const partitionFiles = recording.puts.filter((k) => k.includes('created_month='));
    expect(partitionFiles.length).toBeGreaterThan(0);
    expect(partitionFiles.every((k) => k.includes('created_month=2026-11/'))).toBe(true);
    expect(two.parquet.filter((f) => f.publication === 'run-a1').map((f) => f.partition)).toEqual([
      '2026-09',
      '2026-10',
    ]);
  });
});

describe('csvRecords', () => {
  test('ends a record at a line break outside quotes only', () => {
    // Act
    const records = csvRecords('2026-01\t"a","b\nc"\n2026-02\t"d ""e""",\n');

    // Assess
    expect(records).toEqual(['2026-01\t"a","b\nc"', '2026-02\t"d ""e""",']);
  });
});

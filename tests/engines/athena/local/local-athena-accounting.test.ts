import { gzipSync } from 'node:zlib';
import { type AthenaClient, GetQueryExecutionCommand } from '@aws-sdk/client-athena';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { billedBytes, MINIMUM_BILLED_BYTES } from '#src/engines/athena/local/local-athena-accounting.ts';
import type { LocalAthenaStatementEvent } from '#src/engines/athena/local/start-local-athena.ts';
import type { RunningS3Server } from '#tests/stores/start-s3-server.ts';
import { type LocalAthenaOnS3, startLocalAthenaOnS3 } from './local-athena-on-s3.ts';

/*
 * The local Athena reports in GetQueryExecution's Statistics the bytes a statement scanned, as
 * Athena bills them: the compressed Parquet column chunks of the columns it reads, in the
 * partitions left after pruning; whole files of an external table, those its filters keep.
 */
let world: LocalAthenaOnS3;
let s3: RunningS3Server;
let client: AthenaClient;
let database = 'acct0';
let counter = 0;
const events: LocalAthenaStatementEvent[] = [];

function engine(): AthenaEngine {
  return world.engine(database);
}

/** A month-partitioned Iceberg table of 40,000 rows over four months, with a wide text column. */
async function monthlyTable(e: AthenaEngine): Promise<void> {
  await e.execute(
    `CREATE TABLE "events" WITH (table_type = 'ICEBERG', is_external = false, ` +
      `location = 's3://${s3.bucket}/curated/${database}/events/', format = 'PARQUET', ` +
      `write_compression = 'ZSTD', partitioning = ARRAY['period_month']) AS ` +
      `SELECT CAST(i AS BIGINT) AS id, md5(CAST(i AS VARCHAR)) || md5(CAST(i * 7 AS VARCHAR)) AS body, ` +
      `CAST(i % 97 AS DOUBLE) AS score, ` +
      `date_add('month', CAST(i % 4 AS INTEGER), DATE '2026-01-01') AS period_month FROM range(40000) AS t(i)`,
  );
}

async function scanned(e: AthenaEngine, sql: string): Promise<number> {
  const result = await e.execute(sql);
  return result.bytesScanned ?? 0;
}

beforeAll(async () => {
  world = await startLocalAthenaOnS3({ onStatement: (event) => events.push(event) });
  ({ s3, client } = world);
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  database = `acct${++counter}`;
});

describe('the local Athena accounts for the bytes a statement scans', () => {
  it('prunes partitions: a query on one month scans fewer bytes than on all four', async () => {
    // Prepare
    const e = engine();
    await monthlyTable(e);
    // Act
    const all = await scanned(e, 'SELECT count(body) AS n FROM "events"');
    const one = await scanned(
      e,
      `SELECT count(body) AS n FROM "events" WHERE period_month = DATE '2026-02-01'`,
    );
    // Assess
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThan(all / 2);
  });

  it('prunes partitions at run time: a join keeps only the months its other side holds', async () => {
    // Prepare
    const e = engine();
    await monthlyTable(e);
    // Act
    const all = await scanned(e, 'SELECT count(body) AS n FROM "events"');
    const joined = await scanned(
      e,
      `SELECT count(e.body) AS n FROM "events" e JOIN (SELECT DATE '2026-03-01' AS m) AS months ON e.period_month = months.m`,
    );
    // Assess
    expect(joined).toBeGreaterThan(0);
    expect(joined).toBeLessThan(all / 2);
  });

  it('reads only the columns used: two columns scan fewer bytes than every column', async () => {
    // Prepare
    const e = engine();
    await monthlyTable(e);
    // Act
    const every = await scanned(e, 'SELECT * FROM "events" LIMIT 1');
    const two = await scanned(e, 'SELECT id, score FROM "events" LIMIT 1');
    // Assess
    expect(two).toBeGreaterThan(0);
    expect(two).toBeLessThan(every / 2);
  });

  it('bills an external table the files its "$path" filter keeps, at their size in S3', async () => {
    // Prepare
    const prefix = `landing/${database}/tickets/`;
    const sizes: number[] = [];
    for (const [day, n] of [
      ['2026-12-01', 2000],
      ['2026-12-02', 50],
    ] as const) {
      const body = gzipSync(
        Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, subject: `s${i * 31}` })).join('\n'),
      );
      sizes.push(body.length);
      await s3.client.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}dt=${day}/part-0.jsonl.gz`, Body: body }),
      );
    }
    const e = engine();
    await e.execute(
      `CREATE EXTERNAL TABLE IF NOT EXISTS \`tickets\` (\n  \`id\` bigint,\n  \`subject\` string\n)\nPARTITIONED BY (\`dt\` string)\n` +
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n" +
        `LOCATION 's3://${s3.bucket}/${prefix}'`,
    );
    // Act
    const all = await scanned(e, 'SELECT count(*) AS n FROM "tickets"');
    const one = await scanned(
      e,
      `SELECT id FROM "tickets" WHERE dt IN ('2026-12-02') AND "$path" IN ('s3://${s3.bucket}/${prefix}dt=2026-12-02/part-0.jsonl.gz')`,
    );
    // Assess
    expect(all).toBe((sizes[0] ?? 0) + (sizes[1] ?? 0));
    expect(one).toBe(sizes[1]);
  });

  it('reports the scan in GetQueryExecution Statistics, and none for DDL', async () => {
    // Prepare
    const e = engine();
    events.length = 0;
    // Act
    await monthlyTable(e);
    await e.execute('SELECT sum(score) AS s FROM "events"');
    await e.execute('DROP TABLE IF EXISTS `events`');
    const [ctas, select, drop] = events;
    const { QueryExecution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: select?.id }),
    );
    // Assess
    expect(ctas?.dataScannedBytes).toBe(0); // it reads range(), no table
    expect(select?.dataScannedBytes).toBeGreaterThan(0);
    expect(QueryExecution?.Statistics?.DataScannedInBytes).toBe(select?.dataScannedBytes);
    expect(QueryExecution?.Statistics?.EngineExecutionTimeInMillis).toBeGreaterThanOrEqual(0);
    expect(QueryExecution?.Statistics?.TotalExecutionTimeInMillis).toBeGreaterThanOrEqual(
      QueryExecution?.Statistics?.EngineExecutionTimeInMillis ?? 0,
    );
    expect(drop?.dataScannedBytes).toBe(0);
  });
});

describe('billedBytes', () => {
  it('bills at least 10 MB a query, whole megabytes above, nothing for DDL or a failure', () => {
    // Act / Assess
    expect(billedBytes(0, { ddl: false, failed: false })).toBe(MINIMUM_BILLED_BYTES);
    expect(billedBytes(10 * 1024 * 1024 + 1, { ddl: false, failed: false })).toBe(11 * 1024 * 1024);
    expect(billedBytes(5e9, { ddl: true, failed: false })).toBe(0);
    expect(billedBytes(5e9, { ddl: false, failed: true })).toBe(0);
  });
});

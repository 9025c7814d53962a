import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#src/config/warehouse-config.ts';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { icebergTables, maintainTables } from '#src/governance/retention/maintain-tables.ts';
import { type RetentionReport, runRetention } from '#src/governance/retention/run-retention.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';
import { filesHolding, readParquetFiles } from '#tests/engines/athena/local/read-parquet-files.ts';
import { type RunningS3Server, startS3Server } from '#tests/stores/start-s3-server.ts';

/*
 * Retention of a customer through the Athena engine on the local Athena, whose Iceberg tables keep
 * real Parquet files in S3 (s3rver): the customer's personal data is in the files after the
 * logical deletes, and in none of them once maintenance has run past the tables' snapshot age.
 * The tables are created by the engine's own CTAS statements, so they carry the production
 * table properties (a one-day snapshot age, rewrite on one delete file).
 */
const DAY = 86_400_000;
const ALICE = { key: 'ck_alice_7f3a', email: 'alice.erased@example.com', wallet: 'wallet-A11CE-0042' };
const CAROL = { key: 'ck_carol_91b2', email: 'carol.kept@example.com' };
const BUILT = new Date('2026-06-01T00:00:00Z');
const RETENTION_AT = new Date('2026-06-11T00:00:00Z');

let s3: RunningS3Server;
let athena: LocalAthena;
let client: AthenaClient;
let engine: AthenaEngine;
let athenaNow = BUILT;
let report: RetentionReport;
let afterRetention: string[];
let afterWindow: string[];
let carolAfterWindow: string[];
let everyTable: string[];
let liveRows: readonly unknown[];

const curated = () => readParquetFiles(s3.client, s3.bucket, 'curated/');
const holdingAlice = async () => {
  const files = await curated();
  return [
    ...new Set([ALICE.key, ALICE.email, ALICE.wallet].flatMap((needle) => filesHolding(files, needle))),
  ];
};

async function table(name: string, sql: string): Promise<void> {
  for (const statement of engine.statements.replaceTable({
    name,
    sql,
    runId: 'build-1',
    existing: undefined,
  }))
    await engine.execute(statement);
}

beforeAll(async () => {
  // Prepare: a customer whose ticket is 41 months old (past the 24-month facts window) and one who is recent
  s3 = await startS3Server('lake-retention');
  athena = await startLocalAthena({ s3Endpoint: s3.endpoint, clock: () => athenaNow });
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  engine = new AthenaEngine({
    workgroup: 'warehouse',
    database: 'support_kpi',
    curatedLocation: `s3://${s3.bucket}/curated/`,
    snapshotMaxAgeSeconds: 86_400,
    client,
    initialPollMs: 2,
    maxPollMs: 10,
  });
  await table(
    'fct_tickets',
    `SELECT * FROM (VALUES (CAST(1 AS BIGINT), '${ALICE.key}', CAST(11 AS BIGINT), TIMESTAMP '2023-01-10 09:00:00'),
      (CAST(2 AS BIGINT), '${CAROL.key}', CAST(12 AS BIGINT), TIMESTAMP '2026-05-20 09:00:00'))
      AS t (ticket_id, customer_key, requester_id, created_at)`,
  );
  await table(
    'stg_zendesk__comment_texts',
    `SELECT * FROM (VALUES (CAST(101 AS BIGINT), CAST(1 AS BIGINT), CAST(11 AS BIGINT), 'my withdrawal to ${ALICE.wallet} is stuck', TIMESTAMP '2023-01-10 09:00:00'),
      (CAST(102 AS BIGINT), CAST(2 AS BIGINT), CAST(12 AS BIGINT), 'please reset my 2FA', TIMESTAMP '2026-05-20 09:00:00'))
      AS t (comment_id, ticket_id, author_id, body, created_at)`,
  );
  await table(
    'stg_zendesk__user_pii',
    `SELECT * FROM (VALUES (CAST(11 AS BIGINT), '${ALICE.key}', '${ALICE.email}', 'Alice', '+44 20 7946 0001', TIMESTAMP '2023-01-10 09:00:00'),
      (CAST(12 AS BIGINT), '${CAROL.key}', '${CAROL.email}', 'Carol', '+44 20 7946 0002', TIMESTAMP '2026-05-20 09:00:00'))
      AS t (user_id, customer_key, email, name, phone, updated_at)`,
  );
  const store = new S3ObjectStore({
    bucket: s3.bucket,
    client: s3.client,
  });

  // Act 1: the retention run (with its maintenance of the tables it deleted from), ten days later
  athenaNow = RETENTION_AT;
  report = await runRetention({
    config: parseConfig({}),
    store,
    engine,
    now: RETENTION_AT,
    schema: 'support_kpi',
  });
  afterRetention = await holdingAlice();
  liveRows = (await engine.execute('SELECT customer_key FROM stg_zendesk__user_pii')).rows;

  // Act 2: the scheduled maintenance of every table, once the snapshot age (one day) has passed
  athenaNow = new Date(RETENTION_AT.getTime() + DAY + 1000);
  everyTable = await icebergTables(engine);
  await maintainTables(engine, everyTable);
  afterWindow = await holdingAlice();
  carolAfterWindow = filesHolding(await curated(), CAROL.email);
}, 240_000);

afterAll(async () => {
  await engine?.close();
  client?.destroy();
  await athena?.close();
  await s3?.close();
});

describe('retention with Iceberg maintenance on the local Athena', () => {
  it('deletes the customer from every table and maintains exactly the tables it deleted from', () => {
    expect(liveRows).toEqual([{ customer_key: CAROL.key }]);
    expect(report.maintenance?.tables).toEqual([
      'fct_tickets',
      'stg_zendesk__comment_texts',
      'stg_zendesk__user_pii',
    ]);
  });

  it('leaves the personal data in data files within the snapshot age (the delete snapshot still references them)', () => {
    expect(afterRetention.length).toBeGreaterThan(0);
  });

  it('leaves it in no data file after maintenance past the snapshot age, and keeps the retained customer', () => {
    expect(everyTable).toEqual(['fct_tickets', 'stg_zendesk__comment_texts', 'stg_zendesk__user_pii']);
    expect(afterWindow).toEqual([]);
    expect(carolAfterWindow).toHaveLength(1);
  });
});

describe("maintenance of a table created with Athena's default properties", () => {
  it('sets the snapshot age and thresholds first, so a single delete still leaves the files', async () => {
    // Prepare: a CTAS without the properties (as before they were part of every CTAS)
    await engine.execute(
      `CREATE TABLE "legacy_pii" WITH (table_type = 'ICEBERG', is_external = false, location = 's3://${s3.bucket}/legacy/legacy_pii/', format = 'PARQUET') AS ` +
        `SELECT * FROM (VALUES ('${ALICE.key}', '${ALICE.email}'), ('${CAROL.key}', '${CAROL.email}')) AS t (customer_key, email)`,
    );
    await engine.execute(`DELETE FROM "legacy_pii" WHERE customer_key = '${ALICE.key}'`);
    // Act: maintenance two days later
    athenaNow = new Date(athenaNow.getTime() + 2 * DAY);
    const result = await maintainTables(engine, ['legacy_pii'], { snapshotMaxAgeSeconds: 86_400 });
    // Assess
    expect(result.statements).toBe(3);
    const files = await readParquetFiles(s3.client, s3.bucket, 'legacy/legacy_pii/');
    expect(filesHolding(files, ALICE.email)).toEqual([]);
    expect(filesHolding(files, CAROL.email)).toHaveLength(1);
  });
});

describe('maintenance on DuckDB', () => {
  it('is one CHECKPOINT: DuckDB keeps no snapshots', async () => {
    // Prepare
    const duck = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
    try {
      await duck.execute('create table t as select 1 as a');
      // Act
      const result = await maintainTables(duck, ['t']);
      // Assess
      expect(result).toEqual({ engine: 'duckdb', tables: [], statements: 1 });
    } finally {
      await duck.close();
    }
  });
});

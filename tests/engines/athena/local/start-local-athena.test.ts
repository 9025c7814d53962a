import { gzipSync } from 'node:zlib';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AthenaEngine,
  AthenaQueryAbortedError,
  AthenaQueryFailedError,
} from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import type { RunningS3Server } from '#tests/stores/start-s3-server.ts';
import { type LocalAthenaOnS3, startLocalAthenaOnS3 } from './local-athena-on-s3.ts';

let world: LocalAthenaOnS3;
let s3: RunningS3Server;
let athena: LocalAthena;
let client: AthenaClient;
let database = 'db0';
let counter = 0;

function engine(): AthenaEngine {
  return world.engine(database);
}

beforeAll(async () => {
  world = await startLocalAthenaOnS3();
  ({ s3, athena, client } = world);
});

afterAll(async () => {
  await world?.close();
});

beforeEach(() => {
  // Each test gets its own Athena database: an empty catalog.
  database = `db${++counter}`;
});

describe('the local Athena speaks the Athena API to the real client', () => {
  it('runs a SELECT and returns typed values through AthenaEngine', async () => {
    // Act
    const result = await engine().execute(
      "SELECT CAST(7 AS BIGINT) AS n, 1.5 AS x, 'a' AS s, TRUE AS b, TIMESTAMP '2026-01-31 23:59:59.123' AS t, CAST(NULL AS VARCHAR) AS z",
    );
    // Assess
    expect(result.columns).toEqual(['n', 'x', 's', 'b', 't', 'z']);
    expect(result.rows).toEqual([{ n: 7, x: 1.5, s: 'a', b: true, t: '2026-01-31T23:59:59.123Z', z: null }]);
  });

  it('pages results 1,000 rows at a time, all values strings, the header row first on page one', async () => {
    // Prepare
    const { QueryExecutionId } = await client.send(
      new StartQueryExecutionCommand({
        QueryString: 'SELECT CAST(range AS BIGINT) AS i FROM range(2500)',
        QueryExecutionContext: { Database: database },
      }),
    );
    let state = '';
    while (state !== 'SUCCEEDED') {
      const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
      state = QueryExecution?.Status?.State ?? '';
      expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(state);
    }
    // Act
    const first = await client.send(new GetQueryResultsCommand({ QueryExecutionId }));
    const second = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId, NextToken: first.NextToken }),
    );
    const third = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId, NextToken: second.NextToken }),
    );
    // Assess
    expect(first.ResultSet?.ResultSetMetadata?.ColumnInfo?.[0]).toMatchObject({ Name: 'i', Type: 'bigint' });
    expect(first.ResultSet?.Rows?.length).toBe(1000);
    expect(first.ResultSet?.Rows?.[0]?.Data?.[0]?.VarCharValue).toBe('i');
    expect(first.ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue).toBe('0');
    expect(second.ResultSet?.Rows?.[0]?.Data?.[0]?.VarCharValue).toBe('999');
    expect(third.NextToken).toBeUndefined();
    expect(third.ResultSet?.Rows?.length).toBe(2501 - 2000);
    expect((await engine().execute('SELECT CAST(range AS BIGINT) AS i FROM range(2500)')).rows).toHaveLength(
      2500,
    );
  });

  it('refuses a query string over 262,144 bytes at StartQueryExecution', async () => {
    // Act
    const start = client.send(
      new StartQueryExecutionCommand({ QueryString: `SELECT '${'x'.repeat(262_144)}' AS s` }),
    );
    // Assess
    await expect(start).rejects.toMatchObject({ name: 'InvalidRequestException' });
  });

  it("reports FAILED with Athena's error shape", async () => {
    // Act
    const run = engine().execute('SELECT * FROM no_such_table');
    // Assess
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryFailedError);
    expect((error as AthenaQueryFailedError).reason).toMatch(/TABLE_NOT_FOUND/);
    expect((error as AthenaQueryFailedError).errorType).toBe(1000);
  });

  it('cancels a running statement when the caller aborts (StopQueryExecution), and nothing is written', async () => {
    // Prepare
    const slow = await startLocalAthena({ latencyMs: 60_000 });
    const slowClient = new AthenaClient({
      endpoint: slow.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const slowEngine = new AthenaEngine({
      workgroup: 'w',
      database,
      curatedLocation: 's3://b/c/',
      client: slowClient,
      initialPollMs: 5,
      maxPollMs: 5,
    });
    const controller = new AbortController();
    try {
      // Act
      const run = slowEngine.execute(
        "CREATE TABLE \"t\" WITH (table_type = 'ICEBERG', location = 's3://b/c/t/') AS SELECT 1 AS a",
        { signal: controller.signal },
      );
      setImmediate(() => controller.abort());
      const error = await run.catch((e: unknown) => e);
      // Assess
      expect(error).toBeInstanceOf(AthenaQueryAbortedError);
      const id = (error as AthenaQueryAbortedError).queryExecutionId;
      const { QueryExecution } = await slowClient.send(
        new GetQueryExecutionCommand({ QueryExecutionId: id }),
      );
      expect(QueryExecution?.Status?.State).toBe('CANCELLED');
      expect(slow.catalog.get(database, 't')).toBeUndefined();
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });
});

describe('the local Athena enforces engine v3 rules', () => {
  const iceberg = (name: string, select: string, partitioning?: string) =>
    `CREATE TABLE "${name}" WITH (table_type = 'ICEBERG', is_external = false, location = 's3://lake-test/curated/${name}/${counter}/', format = 'PARQUET'` +
    (partitioning ? `, partitioning = ARRAY['${partitioning}']` : '') +
    `) AS ${select}`;

  it('fails ALTER TABLE RENAME of a table that does not exist (a seed swap on an empty catalog)', async () => {
    // Act
    const run = engine().execute('ALTER TABLE `cfg_x` RENAME TO `cfg_x__old`');
    // Assess
    await expect(run).rejects.toThrow(/Table not found: cfg_x/);
  });

  it('accepts execution parameters only in the WHERE clause of SELECT / INSERT / CTAS / UNLOAD', async () => {
    // Prepare
    await engine().execute(iceberg('p', 'SELECT CAST(1 AS BIGINT) AS a'));
    const run = async (QueryString: string, ExecutionParameters: string[]) => {
      const { QueryExecutionId } = await client.send(
        new StartQueryExecutionCommand({
          QueryString,
          ExecutionParameters,
          QueryExecutionContext: { Database: database },
        }),
      );
      for (;;) {
        const { QueryExecution } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId }));
        const status = QueryExecution?.Status;
        if (status?.State === 'SUCCEEDED') return 'SUCCEEDED';
        if (status?.State === 'FAILED') return status.AthenaError?.ErrorMessage ?? '';
      }
    };
    // Act / Assess
    expect(await run('SELECT a FROM "p" WHERE a = ?', ['1'])).toBe('SUCCEEDED');
    expect(await run('INSERT INTO "p" (a) VALUES (?)', ['2'])).toMatch(/only supported in the WHERE clause/);
    expect(await run('UPDATE "p" SET a = ? WHERE a = 1', ['2'])).toMatch(
      /not supported for this statement \(update\)/,
    );
    expect(await run('SELECT a FROM "p" LIMIT ?', ['1'])).toMatch(/WHERE clause/);
    expect(await run('SELECT a FROM "p" WHERE a = ?', ['1', '2'])).toMatch(/Incorrect number of parameters/);
  });

  it('is never sent execution parameters by AthenaEngine, whose Kysely writes therefore succeed', async () => {
    // Prepare
    const e = engine();
    await e.execute(iceberg('w', "SELECT CAST('a' AS VARCHAR) AS k, CAST(1 AS BIGINT) AS n"));
    // Act
    await e.execute('INSERT INTO "w" (k, n) VALUES (?, ?)', { parameters: ["it's", 2] });
    await e.execute('UPDATE "w" SET n = ? WHERE k = ?', { parameters: [3, "it's"] });
    // Assess
    expect((await e.execute('SELECT k, n FROM "w" ORDER BY k')).rows).toEqual([
      { k: 'a', n: 1 },
      { k: "it's", n: 3 },
    ]);
  });

  it('refuses timestamp with time zone in an Iceberg CTAS and leaves no table', async () => {
    // Prepare
    const e = engine();
    // Act
    const zoned = e.execute(
      iceberg('z', "SELECT from_iso8601_timestamp('2026-01-31T10:00:00Z') AS created_at"),
    );
    // Assess
    await expect(zoned).rejects.toThrow(/timestamp\(6\) with time zone/);
    expect(await e.relationExists('z')).toBeUndefined();
    await e.execute(
      iceberg(
        'z',
        "SELECT CAST(from_iso8601_timestamp('2026-01-31T10:00:00Z') AS timestamp(6)) AS created_at",
      ),
    );
    expect((await e.execute('SELECT created_at FROM "z"')).rows).toEqual([
      { created_at: '2026-01-31T10:00:00.000Z' },
    ]);
  });

  it('refuses a CTAS or INSERT that writes more than 100 partitions', async () => {
    // Prepare
    const e = engine();
    const months = (n: number, from = 0) =>
      `SELECT CAST(range AS BIGINT) AS v, CAST(range AS VARCHAR) AS period_month FROM range(${from}, ${from + n})`;
    // Act / Assess
    await expect(e.execute(iceberg('m', months(101), 'period_month'))).rejects.toThrow(
      /HIVE_TOO_MANY_OPEN_PARTITIONS/,
    );
    await e.execute(iceberg('m', months(100), 'period_month'));
    await expect(e.execute(`INSERT INTO "m" ${months(101, 100)}`)).rejects.toThrow(
      /HIVE_TOO_MANY_OPEN_PARTITIONS/,
    );
    await e.execute(`INSERT INTO "m" ${months(100, 100)}`);
    expect((await e.execute('SELECT count(*) AS n FROM "m"')).rows).toEqual([{ n: 200 }]);
  });

  it('wants backticks in DDL, double quotes in DML, and reserved words quoted in DDL', async () => {
    // Prepare
    const e = engine();
    // Act / Assess
    await expect(e.execute('DROP TABLE IF EXISTS "x"')).rejects.toThrow(/backticks/);
    await expect(e.execute('SELECT 1 AS `a`')).rejects.toThrow(/backquoted identifiers are not supported/);
    await expect(
      e.execute(
        "CREATE TABLE IF NOT EXISTS `r` (date string) LOCATION 's3://lake-test/r/' TBLPROPERTIES ('table_type' = 'ICEBERG')",
      ),
    ).rejects.toThrow(/reserved keyword/);
    await e.execute(
      "CREATE TABLE IF NOT EXISTS `r` (`date` string) LOCATION 's3://lake-test/r/' TBLPROPERTIES ('table_type' = 'ICEBERG')",
    );
    expect(await e.relationExists('r')).toBe('table');
  });

  it('drops an Iceberg table with its data: its readers fail and its location is free again', async () => {
    // Prepare
    const e = engine();
    await e.execute(iceberg('d', 'SELECT 1 AS a'));
    const location = athena.catalog.get(database, 'd')?.location ?? '';
    // Act
    await e.execute('DROP TABLE IF EXISTS `d`');
    // Assess
    await expect(e.execute('SELECT a FROM "d"')).rejects.toThrow(/TABLE_NOT_FOUND/);
    expect(athena.catalog.deletedLocations.has(location)).toBe(true);
  });

  it('deletes from an Iceberg table (merge-on-read: a delete file beside the data), and refuses DELETE on a non-Iceberg table', async () => {
    // Prepare
    const e = engine();
    await e.execute(iceberg('v', 'SELECT CAST(range AS BIGINT) AS a FROM range(10)'));
    // Act
    await e.execute('DELETE FROM "v" WHERE a < 3');
    // Assess: the data file stays in the current snapshot, a delete file joins it
    const files = athena.catalog.get(database, 'v')?.files;
    expect(files?.snapshots.at(-1)?.files.map((f) => [f.content, f.rows])).toEqual([
      ['data', 10],
      ['position-deletes', 3],
    ]);
    expect((await e.execute('SELECT count(*) AS n FROM "v"')).rows).toEqual([{ n: 7 }]);
    await e.execute('CREATE OR REPLACE VIEW "vv" AS SELECT a FROM "v"');
    await expect(e.execute('DELETE FROM "vv" WHERE a = 5')).rejects.toThrow(
      /only supported for Iceberg tables/,
    );
  });
});

describe('the local Athena reads external landing tables from S3', () => {
  it('reads the JSON lines of each dt partition, with "$path"', async () => {
    // Prepare
    const prefix = `landing/${database}/tickets/`;
    const put = (key: string, lines: object[]) =>
      s3.client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${prefix}${key}`,
          Body: gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')),
        }),
      );
    await put('dt=2026-12-01/r1-0.jsonl.gz', [{ id: 1, subject: 'a' }]);
    await put('dt=2026-12-02/r2-0.jsonl.gz', [{ id: 2, subject: 'b' }, { id: 3 }]);
    const e = engine();
    // Act
    await e.execute(
      `CREATE EXTERNAL TABLE IF NOT EXISTS \`tickets\` (\n  \`id\` bigint,\n  \`subject\` string\n)\nPARTITIONED BY (\`dt\` string)\n` +
        "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n" +
        `LOCATION 's3://${s3.bucket}/${prefix}'\nTBLPROPERTIES ('projection.enabled' = 'true')`,
    );
    const all = await e.execute('SELECT id, subject, dt FROM "tickets" ORDER BY id');
    const one = await e.execute(
      `SELECT id FROM "tickets" WHERE "$path" IN ('s3://${s3.bucket}/${prefix}dt=2026-12-02/r2-0.jsonl.gz') ORDER BY id`,
    );
    // Assess
    expect(all.rows).toEqual([
      { id: 1, subject: 'a', dt: '2026-12-01' },
      { id: 2, subject: 'b', dt: '2026-12-02' },
      { id: 3, subject: null, dt: '2026-12-02' },
    ]);
    expect(one.rows).toEqual([{ id: 2 }, { id: 3 }]);
  });
});

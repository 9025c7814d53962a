import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { runTransform } from '#src/models/run-transform.ts';
import { S3ObjectStore } from '#src/stores/s3/s3-object-store.ts';

/**
 * The Athena engine's generated statements for a whole transform: the real runner and the real
 * engine, with Athena and S3 answered by aws-sdk-client-mock as their APIs document. A small
 * catalogue decides what exists, so the incremental model takes its MERGE path.
 */
const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);
const statements: string[] = [];
const partitions = Array.from(
  { length: 150 },
  (_, i) => `${2014 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
);
let modelsDir: string;

function result(columns: [string, string][], rows: string[][]) {
  return {
    ResultSet: {
      Rows: [
        { Data: columns.map(([n]) => ({ VarCharValue: n })) },
        ...rows.map((r) => ({ Data: r.map((v) => ({ VarCharValue: v })) })),
      ],
      ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Label: Name, Type })) },
    },
  };
}

function answer(sql: string) {
  if (sql.includes('information_schema.tables')) {
    return result(
      [
        ['table_name', 'varchar'],
        ['table_type', 'varchar'],
      ],
      [
        ['int_tickets_current', 'BASE TABLE'],
        ['int_ticket_daily_counts', 'BASE TABLE'],
      ],
    );
  }
  if (sql.startsWith('select "file_key" from "landing_watermarks"')) {
    return result(
      [['file_key', 'varchar']],
      [['landing/zendesk/tickets/dt=2026-01-01/run-1-00001.jsonl.gz']],
    );
  }
  if (/IS NULL$/.test(sql)) return result([['n', 'bigint']], [['0']]);
  if (sql.includes('HAVING count(*) > 1'))
    return result(
      [
        ['ticket_id', 'bigint'],
        ['copies', 'bigint'],
      ],
      [],
    );
  if (sql.startsWith('SELECT CAST("created_month" AS VARCHAR) AS p, count(*) AS n'))
    return result(
      [
        ['p', 'varchar'],
        ['n', 'bigint'],
        ['null_keys', 'bigint'],
      ],
      partitions.map((p) => [p, '1', '0']),
    );
  if (sql.endsWith('LIMIT 0')) {
    return result(
      [
        'ticket_id',
        'status',
        'priority',
        'group_id',
        'created_at',
        'updated_at',
        'generated_timestamp',
        'created_month',
      ].map((c) => [c, 'varchar']),
      [],
    );
  }
  if (sql.startsWith('SELECT count(*) AS n')) return result([['n', 'bigint']], [['2']]);
  return { ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } };
}

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), 'athena-models-'));
  cpSync(fileURLToPath(new URL('../../sql/staging', import.meta.url)), join(modelsDir, 'staging'), {
    recursive: true,
  });
  cpSync(fileURLToPath(new URL('./fixtures', import.meta.url)), modelsDir, { recursive: true });
  const sqlById = new Map<string, { sql: string; parameters?: string[] }>();
  athena.on(StartQueryExecutionCommand).callsFake((input) => {
    const id = `q-${sqlById.size + 1}`;
    sqlById.set(id, { sql: input.QueryString, parameters: input.ExecutionParameters });
    statements.push(input.QueryString);
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1000 } },
  });
  athena.on(GetQueryResultsCommand).callsFake((input) => {
    const query = sqlById.get(input.QueryExecutionId);
    return answer(query?.sql ?? '');
  });
  // The lake holds no state objects (no retention has run, so no month is frozen): S3 answers
  // NoSuchKey, as it does for a missing key, rather than aws-sdk-client-mock's default undefined.
  s3.on(GetObjectCommand).callsFake(() => {
    throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
  });
  s3.on(ListObjectsV2Command).callsFake((input) => ({
    Contents:
      input.Prefix === 'lake/landing/zendesk/tickets/'
        ? [
            {
              Key: 'lake/landing/zendesk/tickets/dt=2026-01-01/run-1-00001.jsonl.gz',
              Size: 100,
              LastModified: new Date('2026-01-01T01:00:00Z'),
            },
            {
              Key: 'lake/landing/zendesk/tickets/dt=2026-01-02/run-2-00001.jsonl.gz',
              Size: 200,
              LastModified: new Date('2026-01-02T01:00:00Z'),
            },
          ]
        : [],
  }));

  const engine = new AthenaEngine({
    workgroup: 'warehouse-transform',
    database: 'support_kpi',
    curatedLocation: 's3://curated/warehouse',
    client: new AthenaClient({ region: 'eu-west-1' }),
    sleep: async () => undefined,
  });
  const store = new S3ObjectStore({
    bucket: 'lake-bucket',
    prefix: 'lake',
    clientConfig: { region: 'eu-west-1' },
  });
  await runTransform({
    engine,
    store,
    runId: 'run-42',
    modelsDir,
    seeds: [
      {
        name: 'group_tiers',
        columns: { group_id: 'bigint', tier: 'varchar' },
        rows: [{ group_id: 10, tier: 'L1' }],
      },
    ],
  });
});

afterAll(() => {
  rmSync(modelsDir, { recursive: true, force: true });
  athena.restore();
  s3.restore();
});

const find = (pattern: RegExp) => statements.filter((s) => pattern.test(s));

describe('on Athena, a transform', () => {
  it('creates the run-metadata tables as Iceberg tables in the curated location', () => {
    expect(find(/^CREATE TABLE IF NOT EXISTS `warehouse_runs`/)[0]).toContain(
      "LOCATION 's3://curated/warehouse/_meta/warehouse_runs/' TBLPROPERTIES ('table_type' = 'ICEBERG', 'vacuum_max_snapshot_age_seconds' = '86400'",
    );
  });

  it('creates every Iceberg table with the snapshot age and rewrite thresholds retention relies on', () => {
    const ctas = find(/^CREATE TABLE "[a-z_]+" WITH \(table_type = 'ICEBERG'/);
    expect(ctas.length).toBeGreaterThan(0);
    for (const statement of ctas) {
      expect(statement).toContain('vacuum_max_snapshot_age_seconds = 86400');
      expect(statement).toContain('optimize_rewrite_delete_file_threshold = 1');
    }
  });

  it('declares each landing table as an external JSON table partitioned by dt with projection', () => {
    const ddl = find(/^CREATE EXTERNAL TABLE IF NOT EXISTS `landing_zendesk__tickets`/)[0] ?? '';
    expect(ddl).toContain('`ticket_id` bigint');
    expect(ddl).toContain('`created_at` string');
    expect(ddl).toContain("PARTITIONED BY (`dt` string COMMENT 'Extract date (UTC), YYYY-MM-DD')");
    expect(ddl).toContain("'case.insensitive' = 'FALSE'");
    expect(ddl).toContain("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'");
    expect(ddl).toContain("LOCATION 's3://lake-bucket/lake/landing/zendesk/tickets/'");
    expect(ddl).toContain("'projection.dt.type' = 'date'");
    expect(ddl).toContain(
      `'storage.location.template' = 's3://lake-bucket/lake/landing/zendesk/tickets/dt=\${dt}/'`,
    );
    expect(find(/^CREATE EXTERNAL TABLE IF NOT EXISTS/)).toHaveLength(15);
  });

  it('restricts each __new view to the files no run consumed, by dt (pruning) and by "$path"', () => {
    const view = find(/^CREATE OR REPLACE VIEW "landing_zendesk__tickets__new"/)[0] ?? '';
    expect(view).toMatch(
      /WHERE dt IN \('2026-01-02'\) AND "\$path" IN \('s3:\/\/lake-bucket\/lake\/landing\/zendesk\/tickets\/dt=2026-01-02\/run-2-00001\.jsonl\.gz'\)$/,
    );
    expect(
      find(/^CREATE OR REPLACE VIEW "landing_hubspot__contacts__new" AS SELECT .* WHERE 1 = 0$/),
    ).toHaveLength(1);
  });

  it('builds a seed as a versioned Iceberg table from typed VALUES and publishes it with its view', () => {
    const ctas = find(/^CREATE TABLE "cfg_group_tiers__v__run_42"/)[0] ?? '';
    expect(ctas).toContain("location = 's3://curated/warehouse/cfg_group_tiers/cfg_group_tiers__v__run_42/'");
    expect(
      find(/^CREATE OR REPLACE VIEW "cfg_group_tiers" AS SELECT \* FROM "cfg_group_tiers__v__run_42"$/),
    ).toHaveLength(1);
    expect(ctas).toContain('FROM (VALUES (CAST(10 AS BIGINT), \'L1\')) AS t("group_id", "tier")');
  });

  it('creates the latest-row models and single-reader staging models as views over their query', () => {
    expect(
      find(
        /^CREATE OR REPLACE VIEW "landing_zendesk__tickets__new_latest" AS SELECT \* FROM \(\n-- Generated/,
      ),
    ).toHaveLength(1);
    expect(find(/^CREATE OR REPLACE VIEW "landing_\w+__new_latest" AS SELECT \* FROM/)).toHaveLength(15);
    expect(
      find(/^CREATE OR REPLACE VIEW "stg_zendesk__groups" AS SELECT \* FROM \(\n-- materialized: view/),
    ).toHaveLength(1);
    // Staging that several models read is a table, built once per run.
    expect(find(/^CREATE TABLE "stg_zendesk__tickets__v__run_42"/)).toHaveLength(1);
  });

  it('rebuilds a table model as a new version in a fresh location, then points its view at it', () => {
    const i = statements.findIndex((s) => s.startsWith('CREATE TABLE "int_ticket_daily_counts__v__run_42"'));
    expect(statements[i]).toContain(
      "WITH (table_type = 'ICEBERG', is_external = false, location = 's3://curated/warehouse/int_ticket_daily_counts/int_ticket_daily_counts__v__run_42/'",
    );
    // The catalog held a plain table of that name (built before versions): it is moved aside, kept.
    expect(statements.slice(i + 1, i + 3)).toEqual([
      'ALTER TABLE `int_ticket_daily_counts` RENAME TO `int_ticket_daily_counts__v__legacy`',
      'CREATE OR REPLACE VIEW "int_ticket_daily_counts" AS SELECT * FROM "int_ticket_daily_counts__v__run_42"',
    ]);
    expect(find(/^DROP TABLE IF EXISTS `int_ticket_daily_counts/)).toEqual([]);
  });

  it('merges an incremental model on its unique key, at most 100 partitions a statement', () => {
    expect(find(/^CREATE TABLE "int_tickets_current__delta" WITH \(table_type = 'ICEBERG'/)).toHaveLength(1);
    const merges = find(/^MERGE INTO "int_tickets_current"/);
    expect(merges).toHaveLength(2);
    expect(merges[0]).toContain('ON t."ticket_id" = s."ticket_id" AND t."created_month" IN (');
    expect(merges[0]?.match(/'\d{4}-\d{2}'/g)?.length).toBe(200); // 100 in the source filter + 100 on the target
    expect(merges[1]?.match(/'\d{4}-\d{2}'/g)?.length).toBe(100);
    expect(merges[0]).toContain('WHEN MATCHED THEN UPDATE SET "status" = s."status"');
    expect(merges[0]).toContain('WHEN NOT MATCHED THEN INSERT ("ticket_id", "status"');
    expect(statements.lastIndexOf('DROP TABLE IF EXISTS `int_tickets_current__delta`')).toBeGreaterThan(
      statements.indexOf(merges[1] ?? ''),
    );
  });

  it('advances the watermark and closes the run through Kysely (Trino SQL, values inlined as literals)', () => {
    expect(
      find(
        /^insert into "landing_watermarks" \("file_key", "source", "stream", "size_bytes", "last_modified", "run_id"\) values \('landing\//,
      ),
    ).toHaveLength(1);
    expect(find(/^update "warehouse_runs" set "status" = 'succeeded'/)).toHaveLength(1);
    expect(statements.some((s) => s.includes('?'))).toBe(false);
  });
});

import '#tests/functions/fixtures/lambda-process-env.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/publish.ts';
import { type AthenaAnswer, fakeAthena, rowsOf } from './fixtures/fake-athena.ts';
import {
  answerHmacSecret,
  auditEntries,
  buckets,
  database,
  type LambdaWorld,
  lambdaContext,
  startLambdaWorld,
  workgroup,
} from './fixtures/lambda-world.ts';

answerHmacSecret();

let world: LambdaWorld;
/** The marts that exist in the warehouse, with their columns and rows. */
const marts: Record<string, { columns: [string, string][]; rows: string[][] }> = {
  kpi_values: {
    columns: [
      ['kpi', 'varchar'],
      ['value', 'double'],
    ],
    rows: [
      ['first_reply_time_median', '420.0'],
      ['csat_score', '0.91'],
    ],
  },
  dim_groups: {
    columns: [
      ['group_id', 'bigint'],
      ['name', 'varchar'],
    ],
    rows: [['1', 'L1 Frontline']],
  },
};

/** What Athena does with an UNLOAD: writes its files under the target prefix (Parquet, or header-less CSV lines). */
function unload(sql: string): AthenaAnswer {
  const [, table, uri] = /FROM "(\w+)"\) TO 's3:\/\/([^']+)'/.exec(sql)!;
  const [bucket, ...rest] = uri!.split('/');
  const prefix = rest.join('/');
  const rows = marts[table!]!.rows;
  const csv = sql.includes("format = 'TEXTFILE'");
  return {
    effect: () =>
      world.put(
        bucket!,
        `${prefix}20261123_120000_00001_${csv ? 'csv' : 'parquet'}`,
        csv ? rows.map((r) => `${r.map((v) => `"${v}"`).join(',')}\n`).join('') : 'PAR1 fake parquet PAR1',
      ),
  };
}

const athena = fakeAthena((sql) => {
  // The engine inlines the schema and table name as string literals (no execution parameters).
  const lookup = /information_schema\.tables WHERE table_schema = '(\w+)' AND table_name = '(\w+)'$/.exec(
    sql,
  );
  if (lookup) {
    const [, schema, name] = lookup;
    return rowsOf([['table_type', 'varchar']], schema === database && name! in marts ? [['BASE TABLE']] : []);
  }
  const limit0 = /^SELECT \* FROM "(\w+)" LIMIT 0$/.exec(sql);
  if (limit0) return rowsOf(marts[limit0[1]!]!.columns, []);
  const count = /^SELECT count\(\*\) AS row_count FROM "(\w+)"$/.exec(sql);
  if (count) return rowsOf([['row_count', 'bigint']], [[String(marts[count[1]!]!.rows.length)]]);
  if (sql.startsWith('UNLOAD')) return unload(sql);
  return undefined;
});

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
});
afterAll(async () => world.close());
beforeEach(() => athena.install());

describe('the publish handler', () => {
  it('unloads the marts from Athena into the published bucket, then switches CURRENT.json to them', async () => {
    // Act
    const result = await handler(
      { runId: 'run-pub-1', full: false, dataTests: { passed: true, tests: 65, failures: [] } },
      lambdaContext('publish'),
    );
    // Assess
    const prefix = 'published/publications/run-pub-1/';
    expect(result).toEqual({ runId: 'run-pub-1', prefix, tables: 2 });
    const unloads = athena.executions.filter((e) => e.sql.startsWith('UNLOAD'));
    expect(unloads).toHaveLength(4);
    for (const u of unloads) {
      expect(u.workgroup).toBe(workgroup);
      expect(u.sql).toContain(`TO 's3://${buckets.published}/${prefix}`);
    }
    const keys = await world.keys(buckets.published);
    expect(keys).toEqual(
      expect.arrayContaining([
        'published/CURRENT.json',
        `${prefix}manifest.json`,
        `${prefix}csv/kpi_values.csv`,
        `${prefix}parquet/kpi_values/20261123_120000_00001_parquet`,
      ]),
    );
    expect(keys.filter((k) => k.includes('_staging/'))).toEqual([]);
    expect(await world.text(buckets.published, `${prefix}csv/kpi_values.csv`)).toBe(
      '"kpi","value"\n"first_reply_time_median","420.0"\n"csat_score","0.91"\n',
    );
    const pointer = JSON.parse(await world.text(buckets.published, 'published/CURRENT.json'));
    expect(pointer).toMatchObject({ runId: 'run-pub-1', prefix });
    const manifest = JSON.parse(await world.text(buckets.published, `${prefix}manifest.json`));
    expect(manifest).toMatchObject({
      engine: 'athena',
      dataTests: { status: 'passed', tests: 65 },
      dashboard: null,
    });
    expect(manifest.missingTables).toContain('kpi_scorecard');
    expect((await auditEntries(world)).at(-1)).toMatchObject({
      target: 'run-pub-1',
      outcome: 'success',
      details: { stage: 'publish' },
      counts: { tables: 2 },
    });
  });

  it('answers a retry after its switch with the same publication, without a second one', async () => {
    // Prepare: the step switched CURRENT.json, then the Lambda timed out and Step Functions retries it
    const event = {
      runId: 'run-pub-retry',
      full: false,
      dataTests: { passed: true, tests: 65, failures: [] },
    };
    const first = await handler(event, lambdaContext('publish'));
    const pointer = await world.text(buckets.published, 'published/CURRENT.json');
    const keys = await world.keys(buckets.published);
    athena.install();

    // Act
    const retried = await handler(event, lambdaContext('publish'));

    // Assess
    expect(retried).toEqual(first);
    expect(athena.executions.filter((e) => e.sql.startsWith('UNLOAD'))).toEqual([]);
    expect(await world.text(buckets.published, 'published/CURRENT.json')).toBe(pointer);
    expect(await world.keys(buckets.published)).toEqual(keys);
    expect((await auditEntries(world)).at(-1)).toMatchObject({
      target: 'run-pub-retry',
      outcome: 'success',
      counts: { tables: 2, objects_written: 0 },
    });
  });

  it('refuses to publish when the data tests failed, leaving the current publication in place', async () => {
    // Prepare
    const before = await world.keys(buckets.published);
    // Act
    const outcome = handler(
      {
        runId: 'run-pub-2',
        full: false,
        dataTests: { passed: false, failures: ['fct_tickets: unique(source, ticket_id)'] },
      },
      lambdaContext('publish'),
    );
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'PublicationRefusedError' });
    await expect(outcome).rejects.toThrow('fct_tickets: unique(source, ticket_id)');
    expect(await world.keys(buckets.published)).toEqual(before);
    expect(athena.executions).toHaveLength(0);
  });

  it('refuses an event without the data-test gate as InvalidEventError', async () => {
    // Act
    const outcome = handler({ runId: 'run-pub-3', full: false } as never, lambdaContext('publish'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidEventError' });
    await expect(outcome).rejects.toThrow(/dataTests/);
  });

  it('labels the publication with the streams the extract steps recorded as failing', async () => {
    // Prepare: the lake's stream health says the CRM's contacts have failed since an earlier run
    await world.put(
      buckets.raw,
      'state/stream-health.json',
      JSON.stringify({
        format: 'support-kpi-warehouse/stream-health@1',
        streams: [
          {
            source: 'hubspot',
            stream: 'contacts',
            lastSucceededAt: '2026-11-22T06:00:00.000Z',
            lastSucceededRunId: 'run-a',
            failingSince: '2026-11-23T06:00:00.000Z',
            failingSinceRunId: 'run-b',
            lastError: 'hubspot /crm/v3/objects/contacts/search answered HTTP 404',
          },
          {
            source: 'zendesk',
            stream: 'tickets',
            lastSucceededAt: '2026-11-23T06:00:00.000Z',
            lastSucceededRunId: 'run-b',
            failingSince: null,
            failingSinceRunId: null,
            lastError: null,
          },
        ],
      }),
    );
    // Act
    await handler(
      { runId: 'run-pub-partial', full: false, dataTests: { passed: true, tests: 65, failures: [] } },
      lambdaContext('publish'),
    );
    // Assess
    const manifest = JSON.parse(
      await world.text(buckets.published, 'published/publications/run-pub-partial/manifest.json'),
    );
    expect(manifest.completeness).toEqual({
      complete: false,
      streams: ['hubspot/contacts', 'zendesk/tickets'],
      missing: [
        {
          source: 'hubspot',
          stream: 'contacts',
          error: 'hubspot /crm/v3/objects/contacts/search answered HTTP 404',
          missingSince: '2026-11-23T06:00:00.000Z',
          lastSucceededAt: '2026-11-22T06:00:00.000Z',
        },
      ],
    });
  });
});

import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import {
  AthenaTableVersions,
  publishedNameOf,
  versionOfViewDefinition,
  writeTargetOf,
} from '#src/engines/athena/athena-table-versions.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { loadRelationCatalog } from '#src/governance/access/relation-catalog.ts';

/*
 * Swapping a rebuilt table in under readers, on the local Athena (which drops an Iceberg table's
 * files with the table, and fails a query whose table is missing): a reader runs between every
 * statement of a rebuild, as an analyst's query may at any time.
 */
let athena: LocalAthena;
let client: AthenaClient;
let database = 'swap0';
let counter = 0;

function engine(): AthenaEngine {
  return new AthenaEngine({
    workgroup: 'warehouse',
    database,
    curatedLocation: `s3://lake-test/curated/${database}/`,
    client,
    initialPollMs: 1,
    maxPollMs: 5,
  });
}

/** The rows of `daily`, as a reader's query sees them. */
async function readDaily(reader: AthenaEngine): Promise<number> {
  const { rows } = await reader.execute('SELECT count(*) AS n FROM "daily"');
  return Number(rows[0]?.n);
}

/** The locations whose files a query of `daily` reads when it starts now. */
function filesReadNow(): string[] {
  return athena.catalog.baseTables(database, 'daily').map((t) => t.location ?? '');
}

/**
 * Rebuild `daily` with `rows` rows as the runner does; after every statement a reader on another
 * engine reads it. Returns what the reader saw.
 */
async function rebuild(writer: AthenaEngine, runId: string, rows: number): Promise<(number | string)[]> {
  const reader = engine();
  const relations = await writer.listRelations();
  const statements = writer.statements.replaceTable({
    name: 'daily',
    sql: `SELECT CAST(range AS BIGINT) AS n FROM range(${rows})`,
    runId,
    existing: relations.get('daily'),
  });
  const seen: (number | string)[] = [];
  for (const statement of statements) {
    await writer.execute(statement);
    seen.push(await readDaily(reader).catch((error: Error) => error.message));
  }
  await reader.close();
  return seen;
}

beforeAll(async () => {
  athena = await startLocalAthena();
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await athena.close();
});

beforeEach(() => {
  database = `swap${++counter}`;
});

describe('a table rebuilt on Athena', () => {
  it('is always there for a reader between the statements of its swap, with the old rows or the new', async () => {
    // Prepare
    const writer = engine();
    await rebuild(writer, 'run-1', 3);
    // Act
    const seen = await rebuild(writer, 'run-2', 5);
    // Assess
    expect(seen.length).toBeGreaterThan(1);
    for (const value of seen) expect([3, 5]).toContain(value);
    expect(seen.at(-1)).toBe(5);
  });

  it('keeps the files a query started before the swap reads until the next swap, then drops them', async () => {
    // Prepare
    const writer = engine();
    await rebuild(writer, 'run-1', 3);
    const readByEarlyQuery = filesReadNow();
    // Act
    await rebuild(writer, 'run-2', 5);
    const afterOneSwap = readByEarlyQuery.filter((l) => athena.catalog.deletedLocations.has(l));
    const readBySecondQuery = filesReadNow();
    await rebuild(writer, 'run-3', 7);
    // Assess
    expect(readByEarlyQuery).toHaveLength(1);
    expect(afterOneSwap).toEqual([]);
    expect(readByEarlyQuery.every((l) => athena.catalog.deletedLocations.has(l))).toBe(true);
    expect(readBySecondQuery.some((l) => athena.catalog.deletedLocations.has(l))).toBe(false);
    expect(await readDaily(writer)).toBe(7);
    expect([...(await writer.listRelations()).keys()].filter((n) => n.startsWith('daily')).sort()).toEqual([
      'daily',
      'daily__v__run_2',
      'daily__v__run_3',
    ]);
  });

  it('is listed as a table, and a run retried after its swap builds a new version instead of dropping the live one', async () => {
    // Prepare
    const writer = engine();
    await rebuild(writer, 'run-1', 3);
    // Act
    const seen = await rebuild(writer, 'run-1', 4);
    // Assess
    expect((await engine().listRelations()).get('daily')).toBe('table');
    for (const value of seen) expect([3, 4]).toContain(value);
    expect(filesReadNow()).toEqual([`s3://lake-test/curated/${database}/daily/daily__v__run_1_2/`]);
  });

  it('takes writes by its published name (MERGE, DELETE, OPTIMIZE, VACUUM) into the version readers see', async () => {
    // Prepare
    await rebuild(engine(), 'run-1', 10);
    const retention = engine(); // another process: it learns the versions from the catalog
    // Act
    await retention.execute('delete from daily where n < 4');
    await retention.execute(
      'MERGE INTO "daily" AS t USING (SELECT CAST(42 AS BIGINT) AS n) AS s ON t.n = s.n WHEN NOT MATCHED THEN INSERT (n) VALUES (s.n)',
    );
    await retention.execute('OPTIMIZE "daily" REWRITE DATA USING BIN_PACK');
    await retention.execute('VACUUM "daily"');
    // Assess
    expect(await readDaily(engine())).toBe(7);
    expect(athena.catalog.get(database, 'daily')?.kind).toBe('view');
  });

  it('drops the version readers were on before a swap at the next run that merges into it', async () => {
    // Prepare
    const writer = engine();
    await rebuild(writer, 'run-1', 3);
    await rebuild(writer, 'run-2', 5);
    const kept = filesReadNow();
    // Act
    for (const statement of writer.statements.createDelta({
      name: 'daily',
      deltaName: 'daily__delta',
      sql: 'SELECT CAST(9 AS BIGINT) AS n',
      runId: 'run-3',
    }))
      await writer.execute(statement);
    // Assess
    const names = [...(await writer.listRelations()).keys()].filter((n) => n.startsWith('daily')).sort();
    expect(names).toEqual(['daily', 'daily__delta', 'daily__v__run_2']);
    expect(kept.some((l) => athena.catalog.deletedLocations.has(l))).toBe(false);
  });

  it('is one table to the governance catalog that retention and exports read, its versions hidden', async () => {
    // Prepare
    await rebuild(engine(), 'run-1', 3);
    await rebuild(engine(), 'run-2', 4);
    // Act
    const catalog = await loadRelationCatalog(engine(), { schema: database });
    // Assess
    expect([...catalog.keys()].filter((n) => n.startsWith('daily'))).toEqual(['daily']);
    expect(catalog.get('daily')).toMatchObject({ kind: 'table', columns: ['n'] });
  });

  it('replaces a plain table of its name (built before versions) without deleting what its readers read', async () => {
    // Prepare
    const writer = engine();
    await writer.execute(
      "CREATE TABLE \"daily\" WITH (table_type = 'ICEBERG', is_external = false, location = 's3://lake-test/curated/daily/old/') AS SELECT CAST(1 AS BIGINT) AS n",
    );
    // Act
    await rebuild(writer, 'run-1', 2);
    // Assess
    expect(await readDaily(writer)).toBe(2);
    expect(athena.catalog.deletedLocations.has('s3://lake-test/curated/daily/old/')).toBe(false);
    expect(athena.catalog.get(database, 'daily__v__legacy')?.location).toBe(
      's3://lake-test/curated/daily/old/',
    );
  });
});

describe('the versions of a published name', () => {
  it('are named after the run, Glue-safe, and told apart from names that merely contain __v', () => {
    // Prepare
    const versions = new AthenaTableVersions();
    versions.load([{ name: 'kpi_values__v__2026_12_07t02_30_00z' }, { name: 'stg_zendesk__views' }]);
    // Act / Assess
    expect(versions.nextVersion('kpi_values', '2026-12-07T02-30-00Z')).toBe(
      'kpi_values__v__2026_12_07t02_30_00z_2',
    );
    expect(publishedNameOf('stg_zendesk__views')).toBeUndefined();
    expect(versions.versionsOf('stg_zendesk')).toEqual([]);
  });

  it("are read back from a view's definition as Athena and DuckDB print it, and only when it is exactly a version view", () => {
    expect(versionOfViewDefinition('x', 'SELECT * FROM "x__v__r1"')).toBe('x__v__r1');
    expect(versionOfViewDefinition('x', 'CREATE VIEW x AS SELECT * FROM "x__v__r1";')).toBe('x__v__r1');
    expect(versionOfViewDefinition('x', 'SELECT * FROM "y__v__r1"')).toBeUndefined();
    expect(versionOfViewDefinition('x', 'SELECT * FROM "x__v__r1" WHERE n > 1')).toBeUndefined();
  });

  it('are the target of writes by the published name, however the statement quotes or qualifies it', () => {
    const target = (sql: string) => {
      const t = writeTargetOf(sql);
      return t && { name: t.name, text: sql.slice(t.start, t.end), quote: t.quote };
    };
    expect(target('delete from fct_tickets where x = 1')).toEqual({
      name: 'fct_tickets',
      text: 'fct_tickets',
      quote: '',
    });
    expect(target('MERGE INTO "support_kpi"."Fct_Tickets" AS t USING s ON TRUE')?.name).toBe('fct_tickets');
    expect(
      target("ALTER TABLE `fct_tickets` SET TBLPROPERTIES ('vacuum_max_snapshot_age_seconds' = '1')"),
    ).toEqual({ name: 'fct_tickets', text: '`fct_tickets`', quote: '`' });
    expect(target('ALTER TABLE `a` RENAME TO `b`')).toBeUndefined();
    expect(target('SELECT * FROM fct_tickets')).toBeUndefined();
    expect(target('INSERT INTO "warehouse_runs" ("run_id") VALUES (\'r\')')?.name).toBe('warehouse_runs');
  });
});

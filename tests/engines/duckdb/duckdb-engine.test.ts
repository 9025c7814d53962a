import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely } from '#src/engines/create-kysely.ts';
import { DuckDbDialect } from '#src/engines/duckdb/duckdb-dialect.ts';
import { DuckDbEngine, DuckDbQueryError, QueryAbortedError } from '#src/engines/duckdb/duckdb-engine.ts';

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
});
afterAll(() => engine.close());

describe('DuckDbEngine.execute returns plain values', () => {
  it('integers as numbers, huge ones as strings, decimals as numbers', async () => {
    // Act
    const { rows, columns } = await engine.execute(
      'SELECT CAST(42 AS BIGINT) AS b, sum(CAST(1 AS BIGINT)) AS h, CAST(9007199254740993 AS BIGINT) AS huge, CAST(1.25 AS DECIMAL(5, 2)) AS d',
    );
    // Assess
    expect(columns).toEqual(['b', 'h', 'huge', 'd']);
    expect(rows).toEqual([{ b: 42, h: 1, huge: '9007199254740993', d: 1.25 }]);
  });

  it('timestamps as ISO-8601 UTC strings and dates as YYYY-MM-DD', async () => {
    const { rows } = await engine.execute(
      "SELECT CAST('2026-01-31 23:59:59.5' AS TIMESTAMP) AS t, from_iso8601_timestamp('2026-01-31T23:59:59Z') AS tz, CAST('2026-02-01' AS DATE) AS d",
    );
    expect(rows).toEqual([
      { t: '2026-01-31T23:59:59.500Z', tz: '2026-01-31T23:59:59.000Z', d: '2026-02-01' },
    ]);
  });

  it('NULL as null, booleans, lists and structs as JS values', async () => {
    const { rows } = await engine.execute(
      "SELECT NULL AS n, true AS b, [1, 2] AS l, {'a': CAST(1 AS BIGINT)} AS s",
    );
    expect(rows).toEqual([{ n: null, b: true, l: [1, 2], s: { a: 1 } }]);
  });

  it('binds positional parameters', async () => {
    const { rows } = await engine.execute('SELECT $1 || $2 AS s, $3 + 1 AS n', {
      parameters: ['a', 'b', 41],
    });
    expect(rows).toEqual([{ s: 'ab', n: 42 }]);
  });

  it('names the statement DuckDB refused', async () => {
    await expect(engine.execute('SELECT * FROM no_such_table')).rejects.toThrow(DuckDbQueryError);
    await expect(engine.execute('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
  });

  it('refuses to start a query whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(engine.execute('SELECT 1', { signal: controller.signal })).rejects.toThrow(
      QueryAbortedError,
    );
  });

  it('interrupts a running query on abort', async () => {
    // Prepare
    const controller = new AbortController();
    const running = engine.execute('SELECT count(*) FROM range(10000000000) a', {
      signal: controller.signal,
    });
    // Act
    setTimeout(() => controller.abort(), 50);
    // Assess
    await expect(running).rejects.toThrow(QueryAbortedError);
    expect((await engine.execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('reports whether a relation is a table, a view or absent', async () => {
    await engine.execute('CREATE TABLE rel_t (x INTEGER)');
    await engine.execute('CREATE VIEW rel_v AS SELECT 1 AS x');
    expect(await engine.relationExists('rel_t')).toBe('table');
    expect(await engine.relationExists('rel_v')).toBe('view');
    expect(await engine.relationExists('rel_none')).toBeUndefined();
  });
});

interface TestDb {
  kv: { k: string; v: number; at: string | null };
}

describe('Kysely on the DuckDB dialect', () => {
  it('inserts, updates, selects and returns rows with RETURNING', async () => {
    // Prepare
    const db = createKysely<TestDb>(engine);
    await db.schema
      .createTable('kv')
      .addColumn('k', 'varchar')
      .addColumn('v', 'bigint')
      .addColumn('at', 'varchar')
      .execute();
    // Act
    const inserted = await db.insertInto('kv').values({ k: 'a', v: 1, at: null }).executeTakeFirst();
    await db.insertInto('kv').values({ k: 'b', v: 2, at: '2026-01-01T00:00:00.000Z' }).execute();
    const updated = await db
      .updateTable('kv')
      .set({ v: 10 })
      .where('k', '=', 'a')
      .returning(['k', 'v'])
      .execute();
    const rows = await db.selectFrom('kv').selectAll().orderBy('k').execute();
    // Assess
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
    expect(updated).toEqual([{ k: 'a', v: 10 }]);
    expect(rows).toEqual([
      { k: 'a', v: 10, at: null },
      { k: 'b', v: 2, at: '2026-01-01T00:00:00.000Z' },
    ]);
    await db.destroy();
  });

  it('rolls a failed transaction back', async () => {
    const db = new Kysely<TestDb>({ dialect: new DuckDbDialect(engine) });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('kv').values({ k: 'c', v: 3, at: null }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const count = await sql<{ n: number }>`SELECT count(*) AS n FROM kv WHERE k = 'c'`.execute(db);
    expect(count.rows).toEqual([{ n: 0 }]);
    await db.destroy();
  });

  it('compiles with $n placeholders and double-quoted identifiers', () => {
    const db = createKysely<TestDb>(engine);
    const compiled = db.selectFrom('kv').select('v').where('k', '=', 'x').compile();
    expect(compiled.sql).toBe('select "v" from "kv" where "k" = $1');
  });
});

describe('a DuckDB database file', () => {
  it('keeps tables and the macros across reopenings', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-file-'));
    const database = join(dir, 'sub', 'w.duckdb');
    const first = await DuckDbEngine.open({ database, memoryLimit: '128MB', threads: 1 });
    await first.execute('CREATE TABLE kept AS SELECT 7 AS x');
    await first.close();
    // Act
    const second = await DuckDbEngine.open({ database, memoryLimit: '128MB', threads: 1 });
    const { rows } = await second.execute(
      "SELECT x, day_of_week(from_iso8601_date('2024-01-07')) AS d FROM kept",
    );
    await second.close();
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(rows).toEqual([{ x: 7, d: 7 }]);
  });
});

describe('a statement bigger than the memory limit', () => {
  it('finishes by spilling to the configured temp folder, within the configured cap', async () => {
    // Prepare: a sort of ~60 MB of rows under a 24 MB limit can only finish by spilling.
    const dir = mkdtempSync(join(tmpdir(), 'duckdb-spill-'));
    const engine = await DuckDbEngine.open({
      database: join(dir, 'w.duckdb'),
      memoryLimit: '24MB',
      threads: 1,
      tempDirectory: join(dir, 'spill'),
      maxTempDirectorySize: '1GB',
    });
    try {
      // Act
      await engine.execute(
        'CREATE TABLE sorted AS SELECT i, md5(i::varchar) AS s FROM range(800000) t(i) ORDER BY s',
      );
      const { rows } = await engine.execute(
        "SELECT count(*) AS n, current_setting('temp_directory') AS temp, current_setting('max_temp_directory_size') AS cap, current_setting('preserve_insertion_order') AS ordered FROM sorted",
      );
      // Assess
      expect(rows).toEqual([{ n: 800_000, temp: join(dir, 'spill'), cap: '953.6 MiB', ordered: false }]);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import { loadModels, type Model } from '#src/models/load-models.ts';
import {
  checkPortability,
  duckDbFunctionNames,
  type FunctionList,
  readFunctionList,
} from '#src/models/model-portability.ts';

const models = loadModels();
let engine: DuckDbEngine;
let duckdb: Set<string>;
let list: FunctionList;

beforeAll(async () => {
  engine = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
  duckdb = await duckDbFunctionNames(engine);
  list = readFunctionList();
});
afterAll(() => engine.close());

function fakeModel(sql: string): Model {
  return {
    name: 'm',
    file: 'marts/m.sql',
    path: '/x',
    layer: 'marts',
    header: {
      materialized: 'view',
      uniqueKey: [],
      incrementalStrategy: 'merge',
      description: 'x',
      tests: [],
      lines: 2,
    },
    sql,
  };
}

describe('every model under sql/ is portable between Athena and DuckDB', () => {
  it.each(models.map((m) => [m.file, m] as const))(
    '%s parses as Athena SQL and calls only listed functions',
    (_file, model) => {
      // Act
      const problems = checkPortability(model, list, duckdb);
      // Assess
      expect(problems.map((p) => `sql/${p.file}:${p.line} ${p.problem}`)).toEqual([]);
    },
  );

  it('the Trino list and the DuckDB set overlap in the functions the models need', () => {
    for (const name of [
      'approx_percentile',
      'date_add',
      'date_diff',
      'to_unixtime',
      'from_iso8601_timestamp',
    ]) {
      expect(list.allowed.has(name) && duckdb.has(name)).toBe(true);
    }
  });
});

describe('the portability check refuses', () => {
  it('a function missing from the Trino list, naming the model, function and line', () => {
    // Prepare
    const model = fakeModel('-- materialized: view\n-- description: x\nselect\n  list_sum(x) as s\nfrom t');
    // Act
    const problems = checkPortability(model, list, duckdb);
    // Assess
    expect(problems).toEqual([expect.objectContaining({ model: 'm', function: 'list_sum', line: 4 })]);
  });

  it('a Trino function whose DuckDB namesake differs (regexp_extract)', () => {
    const problems = checkPortability(fakeModel("select regexp_extract(s, 'a') from t"), list, duckdb);
    expect(problems[0]?.problem).toMatch(/regexp_extract.*differs/);
  });

  it('a Trino function DuckDB does not have', () => {
    const problems = checkPortability(
      fakeModel('select json_array_length(j) from t'),
      list,
      new Set(['count']),
    );
    expect(problems[0]?.problem).toMatch(/DuckDB has neither/);
  });

  it('a model the Athena parser cannot read, with the line', () => {
    const problems = checkPortability(fakeModel('select\n  1 +\nfrom t where'), list, duckdb);
    expect(problems[0]?.problem).toMatch(/does not parse/);
    expect(problems[0]?.line).toBeGreaterThan(1);
  });
});

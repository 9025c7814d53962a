import { quoteIdentifier as q, quoteString } from '#src/engines/engine-statements.ts';
import type { QueryEngine, Row } from '#src/engines/query-engine.ts';
import type { DataTestDeclaration } from './data-test-declaration.ts';
import { DEFAULT_MODELS_DIR, loadModels, type Model } from './load-models.ts';

export interface DataTestResult {
  readonly model: string;
  readonly file: string;
  readonly line: number;
  /** The declaration as written, e.g. `unique(ticket_id)`. */
  readonly test: string;
  readonly kind: DataTestDeclaration['kind'];
  /** `error`: the test query itself failed (a missing table or column), which also blocks publication. */
  readonly status: 'pass' | 'fail' | 'error';
  /** How many failing rows (or groups) the test found. */
  readonly failingRows: number;
  /** Up to `maxExamples` of them, as the engine returned them. */
  readonly examples: readonly Row[];
  readonly message?: string;
  readonly sql: string;
}

export interface DataTestReport {
  readonly passed: boolean;
  readonly results: readonly DataTestResult[];
  readonly counts: { readonly pass: number; readonly fail: number; readonly error: number };
}

export interface DataTestOptions {
  readonly engine: QueryEngine;
  /** Folder holding the models (default: the repository's `sql/`). */
  readonly modelsDir?: string;
  /** Only the tests of these models (default: every model with tests). */
  readonly models?: readonly string[];
  /** "Now" for freshness tests (default: the clock). */
  readonly now?: Date;
  readonly maxExamples?: number;
  readonly signal?: AbortSignal;
  readonly onResult?: (result: DataTestResult) => void;
}

/** Publication is blocked: says which tests failed and shows failing rows. */
export class DataTestsFailedError extends Error {
  override readonly name = 'DataTestsFailedError';
  constructor(readonly report: DataTestReport) {
    const failed = report.results.filter((r) => r.status !== 'pass');
    super(
      `${failed.length} data test(s) failed; nothing was published:\n${failed
        .map(
          (r) =>
            `  - ${r.model} ${r.test} (sql/${r.file}:${r.line}): ${r.status === 'error' ? `error: ${r.message}` : `${r.failingRows} failing, e.g. ${JSON.stringify(r.examples.slice(0, 3))}`}`,
        )
        .join('\n')}\nFix the data or the model, run the transform again, then publish.`,
    );
  }
}

/** Throw DataTestsFailedError unless every test passed (the gate before publishing). */
export function assertDataTestsPassed(report: DataTestReport): void {
  if (!report.passed) throw new DataTestsFailedError(report);
}

const columns = (list: readonly string[]) => list.map(q).join(', ');

/** The query returning the rows that violate the test (none = pass). */
export function failingRowsQuery(model: string, test: DataTestDeclaration, now: Date): string {
  const m = q(model);
  switch (test.kind) {
    case 'unique':
      return `SELECT ${columns(test.columns)}, count(*) AS copies FROM ${m} GROUP BY ${columns(test.columns)} HAVING count(*) > 1`;
    case 'not_null':
      return `SELECT * FROM ${m} WHERE ${test.columns.map((c) => `${q(c)} IS NULL`).join(' OR ')}`;
    case 'accepted_values':
      return (
        `SELECT ${q(test.column)}, count(*) AS row_count FROM ${m} WHERE ${q(test.column)} IS NOT NULL ` +
        `AND CAST(${q(test.column)} AS VARCHAR) NOT IN (${test.values.map(quoteString).join(', ')}) GROUP BY ${q(test.column)}`
      );
    case 'relationships':
      return (
        `SELECT DISTINCT child.${q(test.column)} FROM ${m} AS child LEFT JOIN ${q(test.to)} AS parent ` +
        `ON child.${q(test.column)} = parent.${q(test.toColumn)} ` +
        `WHERE child.${q(test.column)} IS NOT NULL AND parent.${q(test.toColumn)} IS NULL`
      );
    case 'reconcile': {
      const keys = columns(test.keys);
      const source = q(test.source);
      return (
        `SELECT 'in landing, not in ${model}' AS problem, ${keys} FROM ` +
        `(SELECT DISTINCT ${keys} FROM ${source} EXCEPT SELECT ${keys} FROM ${m}) AS missing ` +
        `UNION ALL SELECT 'in ${model}, not in landing' AS problem, ${keys} FROM ` +
        `(SELECT ${keys} FROM ${m} EXCEPT SELECT DISTINCT ${keys} FROM ${source}) AS extra`
      );
    }
    case 'freshness':
      if (test.watermark) {
        // Behind the watermark (the newest value of another model's column) by more than allowed.
        // No watermark yet (an empty desk) is fresh by definition; an empty table under one is not.
        const watermark = `(SELECT max(${q(test.watermark.column)}) FROM ${q(test.watermark.model)})`;
        return (
          `SELECT CAST(max(${q(test.column)}) AS VARCHAR) AS newest, CAST(${watermark} AS VARCHAR) AS watermark FROM ${m} ` +
          `HAVING ${watermark} IS NOT NULL AND (max(${q(test.column)}) IS NULL OR CAST(max(${q(test.column)}) AS TIMESTAMP) < ` +
          `CAST(date_add('second', ${-Math.round(test.maxAgeHours * 3600)}, ${watermark}) AS TIMESTAMP))`
        );
      }
      return (
        `SELECT max(${q(test.column)}) AS newest, ${quoteString(now.toISOString())} AS checked_at FROM ${m} ` +
        `HAVING max(${q(test.column)}) IS NULL OR max(${q(test.column)}) < ` +
        `date_add('second', ${-Math.round(test.maxAgeHours * 3600)}, from_iso8601_timestamp(${quoteString(now.toISOString())}))`
      );
  }
}

/**
 * Run the data tests declared in the models' headers (`-- test: …`), after the transform and before
 * publishing. Each test is one query that returns the violating rows; the report keeps a count and
 * examples of them. A failing or erroring test makes `passed` false, which blocks publication.
 */
export async function runDataTests(options: DataTestOptions): Promise<DataTestReport> {
  const { engine, signal } = options;
  const now = options.now ?? new Date();
  const maxExamples = options.maxExamples ?? 10;
  let models: Model[] = loadModels(options.modelsDir ?? DEFAULT_MODELS_DIR);
  if (options.models) {
    const wanted = new Set(options.models);
    models = models.filter((m) => wanted.has(m.name));
  }
  const results: DataTestResult[] = [];
  for (const model of models) {
    for (const test of model.header.tests) {
      const failing = failingRowsQuery(model.name, test, now);
      const sql = `SELECT *, count(*) OVER () AS failing_rows FROM (${failing}) AS failing LIMIT ${maxExamples}`;
      const base = {
        model: model.name,
        file: model.file,
        line: test.line,
        test: test.text,
        kind: test.kind,
        sql,
      };
      let result: DataTestResult;
      try {
        const { rows } = await engine.execute(sql, { signal });
        const count = Number(rows[0]?.failing_rows ?? 0);
        const examples = rows.map(({ failing_rows: _, ...rest }) => rest);
        result = { ...base, status: count === 0 ? 'pass' : 'fail', failingRows: count, examples };
      } catch (error) {
        if (signal?.aborted) throw error;
        result = {
          ...base,
          status: 'error',
          failingRows: 0,
          examples: [],
          message: (error as Error).message.split('\n')[0],
        };
      }
      results.push(result);
      options.onResult?.(result);
    }
  }
  const counts = {
    pass: results.filter((r) => r.status === 'pass').length,
    fail: results.filter((r) => r.status === 'fail').length,
    error: results.filter((r) => r.status === 'error').length,
  };
  return { passed: counts.fail === 0 && counts.error === 0, results, counts };
}

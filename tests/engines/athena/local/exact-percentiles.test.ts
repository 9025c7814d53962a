import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#src/engines/athena/athena-engine.ts';
import { type LocalAthena, startLocalAthena } from '#src/engines/athena/local/start-local-athena.ts';
import { DuckDbEngine } from '#src/engines/duckdb/duckdb-engine.ts';
import type { QueryEngine } from '#src/engines/query-engine.ts';

/*
 * p50 / p90 KPIs are the exact nearest-rank percentile (the smallest value with at least p of the
 * values at or below it) on both engines. Athena's approx_percentile is an approximation, and the
 * local Athena's is too, so a model calling it would publish other numbers on Athena than on DuckDB.
 */
const SQL_ROOT = fileURLToPath(new URL('../../../../sql/', import.meta.url));
/** The expression the models use, for a column `x` and a fraction `p`. */
const nearestRank = (x: string, p: number) =>
  `element_at(array_sort(array_agg(${x})), greatest(1, cast(ceil(${p} * count(${x})) as integer)))`;

/** A reference in plain TypeScript: the value at rank ceil(p·n) of the sorted non-null values. */
function reference(values: readonly (number | null)[], p: number): number | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.max(1, Math.ceil((Math.round(p * 10) * sorted.length) / 10)) - 1] ?? null;
}

/** Samples of first-reply times in seconds: small groups, ties, NULLs, one value, only NULLs. */
const samples: readonly (readonly (number | null)[])[] = [
  [42],
  [10, 20],
  [5, 1, 4, 2, 3],
  [60, 60, 61, 900, null, 30, 3600, 45, 45, 50],
  [null, null],
  Array.from({ length: 37 }, (_, i) => ((i * 7919) % 1013) + 0.5),
];

const valuesSql = (sample: readonly (number | null)[]) =>
  `SELECT * FROM (VALUES ${sample.map((v) => `(CAST(${v ?? 'NULL'} AS DOUBLE))`).join(', ')}) AS t (x)`;

let athena: LocalAthena;
let client: AthenaClient;
let onAthena: AthenaEngine;
let onDuckDb: DuckDbEngine;

beforeAll(async () => {
  athena = await startLocalAthena();
  client = new AthenaClient({
    endpoint: athena.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  onAthena = new AthenaEngine({
    workgroup: 'warehouse',
    database: 'percentiles',
    curatedLocation: 's3://unused/curated/',
    client,
    initialPollMs: 2,
    maxPollMs: 10,
  });
  onDuckDb = await DuckDbEngine.open({ database: ':memory:', memoryLimit: '256MB', threads: 1 });
});

afterAll(async () => {
  await onDuckDb?.close();
  client?.destroy();
  await athena?.close();
});

const percentiles = async (
  engine: QueryEngine,
  expression: (p: number) => string,
  sample: readonly (number | null)[],
) =>
  (
    await engine.execute(
      `SELECT ${expression(0.5)} AS p50, ${expression(0.9)} AS p90 FROM (${valuesSql(sample)})`,
    )
  ).rows[0];

describe('exact percentiles on both engines', () => {
  it.each(samples.map((s, i) => [i, s] as const))(
    'gives the nearest-rank p50 and p90 on the local Athena and on DuckDB (sample %i)',
    async (_, sample) => {
      // Act
      const athenaValues = await percentiles(onAthena, (p) => nearestRank('x', p), sample);
      const duckValues = await percentiles(onDuckDb, (p) => nearestRank('x', p), sample);
      // Assess
      const expected = { p50: reference(sample, 0.5), p90: reference(sample, 0.9) };
      expect(athenaValues).toEqual(expected);
      expect(duckValues).toEqual(expected);
    },
  );

  it('shows why: approx_percentile on the local Athena is not the exact value DuckDB gives', async () => {
    // Prepare
    const sample = samples[3] ?? [];
    // Act
    const approx = await percentiles(onAthena, (p) => `approx_percentile(x, ${p})`, sample);
    const exact = await percentiles(onDuckDb, (p) => `approx_percentile(x, ${p})`, sample);
    // Assess
    expect(exact).toEqual({ p50: reference(sample, 0.5), p90: reference(sample, 0.9) });
    expect(approx).not.toEqual(exact);
  });

  it('is what every SQL model uses: none calls approx_percentile', () => {
    // Prepare
    const files = (readdirSync(SQL_ROOT, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.sql') && !f.startsWith('functions'))
      .map((f) => join(SQL_ROOT, f));
    // Act
    const calling = files.filter((f) => /approx_percentile\s*\(/i.test(readFileSync(f, 'utf8')));
    const exact = files.filter((f) => readFileSync(f, 'utf8').includes('element_at(array_sort(array_agg('));
    // Assess
    expect(calling.map((f) => relative(SQL_ROOT, f))).toEqual([]);
    expect(exact.length).toBeGreaterThanOrEqual(4);
  });
});

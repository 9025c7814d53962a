import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { kpiCatalogue, kpiNames } from '#src/kpi/catalogue/kpi-catalogue.ts';
import { renderWideView, renderWideViews } from '#src/kpi/catalogue/wide-views.ts';
import { parseModelHeader } from '#src/models/model-header.ts';

const checkedIn = (path: string) => readFileSync(new URL(`../../../sql/${path}`, import.meta.url), 'utf8');

/** The output columns of a view, read by DuckDB from the view it created. */
async function viewColumns(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`create table kpi_values (
      period_grain varchar, period_start date, breakdown varchar, breakdown_value varchar,
      kpi varchar, value double, kpi_version varchar)`);
    await connection.run(`insert into kpi_values values
      ('day', date '2026-09-25', 'overall', 'all', 'fcr_rate', 0.71, 'kpi-x'),
      ('day', date '2026-09-25', 'overall', 'all', 'aht_s', 101, 'kpi-x'),
      ('week', date '2026-09-21', 'overall', 'all', 'fcr_rate', 0.78, 'kpi-x'),
      ('month', date '2026-09-01', 'channel', 'chat', 'nps', 51.6, 'kpi-x')`);
    await connection.run(`create view wide as ${sql}`);
    const reader = await connection.runAndReadAll('select * from wide order by period_start');
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('the KPI wide views generated from the catalogue', () => {
  it.each(renderWideViews().map((view) => [view.path, view.sql]))(
    'sql/%s is checked in as the generator writes it now (else run `npm run generate:wide-views`)',
    (path, sql) => {
      // Assess
      expect(checkedIn(path)).toBe(sql);
    },
  );

  it.each(['day', 'week', 'month'] as const)(
    'the %s view has the published columns: the period, the cell, one per KPI in catalogue order, the version',
    async (grain) => {
      // Act
      const { columns } = await viewColumns(renderWideView(grain));

      // Assess
      expect(columns).toEqual(['period_start', 'breakdown', 'breakdown_value', ...kpiNames, 'kpi_version']);
    },
  );

  it("pivots each KPI's value into its own column, from its own grain only", async () => {
    // Act
    const daily = await viewColumns(renderWideView('day'));
    const monthly = await viewColumns(renderWideView('month'));

    // Assess
    expect(daily.rows).toHaveLength(1);
    expect(daily.rows[0]).toMatchObject({ fcr_rate: 0.71, aht_s: 101, nps: null, kpi_version: 'kpi-x' });
    expect(monthly.rows).toEqual([
      expect.objectContaining({ breakdown: 'channel', breakdown_value: 'chat', nps: 51.6 }),
    ]);
  });

  it.each(renderWideViews().map((view) => [view.grain, view.sql]))(
    'the %s view is a view model with a description and a freshness test, the generated mark read as free text',
    (grain, sql) => {
      // Act
      const header = parseModelHeader(sql, `kpi_${grain}_wide.sql`);

      // Assess
      expect(header.materialized).toBe('view');
      expect(header.description).toContain(`One row per ${grain}`);
      expect(header.tests).toHaveLength(1);
      expect(sql.split('\n')[header.lines]).toBe('select');
    },
  );

  it('gives a KPI a column only at the grains the catalogue says it is computed at', () => {
    // Prepare
    const catalogue = { ...kpiCatalogue, nps: { ...kpiCatalogue.nps, grains: ['month' as const] } };

    // Act
    const daily = renderWideView('day', catalogue);
    const monthly = renderWideView('month', catalogue);

    // Assess
    expect(daily).not.toContain(' as nps,');
    expect(monthly).toContain(`max(case when kpi = 'nps' then value end) as nps,`);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kpiNames } from '#src/kpi/kpi-config.ts';

/*
 * The three BI wide views repeat one pivot of kpi_values per grain (plain SQL has no template),
 * so a KPI added to the catalogue must reach all three; this keeps them from drifting apart.
 */
describe.each(['day', 'week', 'month'])('the %s wide view', (grain) => {
  const file = { day: 'daily', week: 'weekly', month: 'monthly' }[grain];
  const sql = readFileSync(new URL(`../../sql/marts/kpi/kpi_${file}_wide.sql`, import.meta.url), 'utf8');

  it('has a column for every KPI of the catalogue, and no other pivoted column', () => {
    const pivoted = [...sql.matchAll(/when kpi = '([a-z0-9_]+)' then value end\) as ([a-z0-9_]+)/g)];
    expect(pivoted.every(([, kpi, column]) => kpi === column)).toBe(true);
    expect(pivoted.map(([, kpi]) => kpi).sort()).toEqual([...kpiNames].sort());
  });

  it(`reads only the ${grain} grain`, () => {
    expect(sql).toContain(`where period_grain = '${grain}'`);
  });
});

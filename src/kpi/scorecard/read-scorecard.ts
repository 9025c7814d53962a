import type { QueryEngine } from '#src/engines/query-engine.ts';
import type { ScorecardRow } from './format-scorecard.ts';

/** The grain a KPI is reviewed at: daily → day, weekly → week, the slower ones → month (the longest grain). */
const grainOfFrequency = `case frequency when 'daily' then 'day' when 'weekly' then 'week' else 'month' end`;

export interface ScorecardSummary {
  readonly rows: ScorecardRow[];
  /** Latest service quality index per grain. */
  readonly qualityIndex: { period_grain: string; period_start: string; service_quality_index: number }[];
}

/**
 * The scorecard to print at the end of a run: for each KPI target, the latest period at the grain
 * of the KPI's review frequency, plus the latest service quality index of each grain.
 */
export async function readScorecard(engine: QueryEngine): Promise<ScorecardSummary> {
  const rows = await engine.execute(`
    with latest as (
      select period_grain, max(period_start) as period_start from kpi_scorecard group by period_grain
    )
    select s.*
    from kpi_scorecard as s
    inner join latest as l on l.period_grain = s.period_grain and l.period_start = s.period_start
    where s.period_grain = ${grainOfFrequency.replaceAll('frequency', 's.frequency')}
    order by s.frequency, s.kpi, s.breakdown, s.breakdown_value`);
  const index = await engine.execute(`
    select q.period_grain, cast(q.period_start as varchar) as period_start, q.service_quality_index
    from service_quality_index as q
    inner join (select period_grain, max(period_start) as period_start from service_quality_index group by period_grain) as l
      on l.period_grain = q.period_grain and l.period_start = q.period_start
    order by q.period_grain`);
  const order = ['daily', 'weekly', 'monthly', 'quarterly', 'half-yearly'];
  const sorted = (rows.rows as unknown as ScorecardRow[]).sort(
    (a, b) => order.indexOf(a.frequency) - order.indexOf(b.frequency) || a.kpi.localeCompare(b.kpi),
  );
  return { rows: sorted, qualityIndex: index.rows as unknown as ScorecardSummary['qualityIndex'] };
}

-- materialized: view
-- description: Weighted mean of the scorecard attainments per day, week and month (weights from the KPI catalogue)
-- test: freshness(period_start, 2d, fct_ticket_events.created_at)
select
  s.period_grain,
  s.period_start,
  sum(s.weight * s.attainment) / sum(s.weight) as service_quality_index,
  count(*) as kpis_scored,
  max(s.kpi_version) as kpi_version
from kpi_scorecard as s
where s.attainment is not null and s.weight > 0
group by s.period_grain, s.period_start

-- materialized: view
-- description: Weighted mean of the scorecard attainments per day, week and month (weights from the KPI catalogue)
-- test: freshness(period_start, 2d, fct_ticket_events.created_at)
-- column: period_grain: Period length: day, week (ISO, starting Monday) or month
-- column: period_start: First day of the period (date in the reporting time zone)
-- column: service_quality_index: Weighted mean of the scorecard attainments of the period (0–150; 100 = every KPI met)
-- column: kpis_scored: Number of scorecard rows (KPI × cell) with an attainment and a weight above 0
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
select
  s.period_grain,
  s.period_start,
  sum(s.weight * s.attainment) / sum(s.weight) as service_quality_index,
  count(*) as kpis_scored,
  max(s.kpi_version) as kpi_version
from kpi_scorecard as s
where s.attainment is not null and s.weight > 0
group by s.period_grain, s.period_start

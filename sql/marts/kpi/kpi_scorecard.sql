-- materialized: incremental
-- unique_key: kpi, breakdown, breakdown_value, period_grain, period_start
-- partition_by: period_month
-- incremental_strategy: replace_partitions
-- description: Each KPI with a target per day, week and month: actual, previous period, change, owner, frequency, source, status and attainment on the moving base (mean of the three previous periods), clamped to [0, 150]; 100 or 0 when the base already meets the target
-- test: unique(kpi, breakdown, breakdown_value, period_grain, period_start)
-- test: accepted_values(status: met, missed, no_data)
-- test: freshness(period_start, 8d, fct_ticket_events.created_at)
-- column: kpi: KPI name from the catalogue
-- column: breakdown: Breakdown dimension: overall, channel, priority, vip_tier, language, category or group_tier (where a target is set)
-- column: breakdown_value: Cell of the breakdown (a channel, a priority, …); 'all' on the overall row
-- column: period_grain: Period length: day, week (ISO, starting Monday) or month
-- column: period_start: First day of the period (date in the reporting time zone)
-- column: target: Target of the KPI for this cell (unit of the KPI)
-- column: actual: Value of the KPI in the period; null when no data
-- column: previous_actual: Value in the previous period of the same grain; null when none
-- column: change: actual minus previous_actual (unit of the KPI: fractions for rates)
-- column: base: Moving base: mean of the actuals of the three previous periods; null when none
-- column: direction: Which way is better: higher or lower
-- column: unit: Unit of the values: seconds, rate (fraction 0–1), ratio, score or count
-- column: owner: Who answers for the KPI
-- column: frequency: How often the KPI is reviewed: daily, weekly, monthly, quarterly or half-yearly
-- column: source: Where the data comes from (ticket desk, surveys, CRM, NLP stage …)
-- column: status: met, missed, or no_data (no actual in the period)
-- column: attainment: 100 × (actual − base) / (target − base) clamped to [0, 150]; 100 or 0 when the base already meets the target; null when no data
-- column: weight: Weight of the KPI in the service quality index (0 = not part of it)
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: period_month: Partition key: month of period_start, YYYY-MM (reporting zone)
with run as (
  select kpi_version from cfg_run
),

-- The months recomputed (those whose KPI values changed and the three after each) and the KPI
-- value months their rows read: chg_months_to_recompute.
values_read as (
  select * from kpi_values
  where period_month in (
    select partition_month from chg_months_to_recompute where mart = 'kpi_scorecard' and month_kind = 'period_read'
  )
),

periods as (
  select distinct period_grain, period_start
  from values_read
  where kpi = 'ticket_volume' and breakdown = 'overall'
    and period_month in (
      select partition_month from chg_months_to_recompute where mart = 'kpi_scorecard' and month_kind = 'recompute'
    )
),

targeted as (
  select
    t.kpi,
    t.breakdown,
    t.breakdown_value,
    t.target,
    c.direction,
    c.unit,
    c.owner,
    c.frequency,
    c.source,
    c.weight,
    p.period_grain,
    p.period_start
  from cfg_kpi_targets as t
  inner join cfg_kpi_catalogue as c on c.kpi = t.kpi
  cross join periods as p
),

with_actual as (
  select tg.*, v.value as actual
  from targeted as tg
  left join values_read as v
    on v.kpi = tg.kpi and v.breakdown = tg.breakdown and v.breakdown_value = tg.breakdown_value
    and v.period_grain = tg.period_grain and v.period_start = tg.period_start
),

previous_periods as (
  select
    w.kpi,
    w.breakdown,
    w.breakdown_value,
    w.period_grain,
    w.period_start,
    k.n,
    cast(case w.period_grain
      when 'day' then date_add('day', -k.n, w.period_start)
      when 'week' then date_add('day', -7 * k.n, w.period_start)
      else date_add('month', -k.n, w.period_start)
    end as date) as previous_start
  from with_actual as w
  cross join (values (1), (2), (3)) as k (n)
),

history as (
  select
    p.kpi,
    p.breakdown,
    p.breakdown_value,
    p.period_grain,
    p.period_start,
    max(case when p.n = 1 then v.value end) as previous_actual,
    avg(v.value) as base
  from previous_periods as p
  left join values_read as v
    on v.kpi = p.kpi and v.breakdown = p.breakdown and v.breakdown_value = p.breakdown_value
    and v.period_grain = p.period_grain and v.period_start = p.previous_start
  group by p.kpi, p.breakdown, p.breakdown_value, p.period_grain, p.period_start
),

judged as (
  select
    w.*,
    h.previous_actual,
    h.base,
    case
      when w.actual is null then null
      when w.direction = 'lower' then w.actual <= w.target
      else w.actual >= w.target
    end as is_met
  from with_actual as w
  left join history as h
    on h.kpi = w.kpi and h.breakdown = w.breakdown and h.breakdown_value = w.breakdown_value
    and h.period_grain = w.period_grain and h.period_start = w.period_start
)

select
  j.kpi,
  j.breakdown,
  j.breakdown_value,
  j.period_grain,
  j.period_start,
  j.target,
  j.actual,
  j.previous_actual,
  j.actual - j.previous_actual as change,
  j.base,
  j.direction,
  j.unit,
  j.owner,
  j.frequency,
  j.source,
  case when j.actual is null then 'no_data' when j.is_met then 'met' else 'missed' end as status,
  -- 100 × (actual − base) / (target − base), clamped to [0, 150]; without a base (no earlier period)
  -- or when the base already meets the target (equal included: KPIS.md, 2026-12-07), 100 if the
  -- target is met, else 0. So a met KPI never scores below 100 and a missed one never reaches it.
  case
    when j.actual is null then null
    when j.base is null
      or (j.direction = 'lower' and j.base <= j.target)
      or (j.direction <> 'lower' and j.base >= j.target)
      then (case when j.is_met then 100e0 else 0e0 end)
    else least(150e0, greatest(0e0, 100 * (j.actual - j.base) / (j.target - j.base)))
  end as attainment,
  j.weight,
  r.kpi_version,
  substr(cast(j.period_start as varchar), 1, 7) as period_month
from judged as j
cross join run as r

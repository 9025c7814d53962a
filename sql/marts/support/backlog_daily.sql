-- materialized: incremental
-- unique_key: day_date, breakdown, breakdown_value
-- partition_by: period_month
-- incremental_strategy: replace_partitions
-- description: Unsolved, non-deleted tickets at the end of each reporting day (now for the current day), with age p50/p90, overall and by every breakdown
-- test: unique(day_date, breakdown, breakdown_value)
-- test: not_null(day_date, backlog_open)
-- test: freshness(day_date, 2d, fct_ticket_events.created_at)
-- column: day_date: Reporting day (date in the reporting time zone); counted at its end, or now for the current day
-- column: breakdown: Breakdown dimension: overall, channel, priority, vip_tier, language, category or group_tier
-- column: breakdown_value: Cell of the breakdown (a channel, a priority, …); 'all' on the overall row
-- column: backlog_open: Unsolved, non-deleted tickets at the end of the day
-- column: backlog_age_p50_s: Median age in seconds (end of day − created_at) of those tickets; null when none
-- column: backlog_age_p90_s: 90th percentile of that age in seconds; null when none
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: period_month: Partition key: month of day_date, YYYY-MM
with run as (
  select now_s, kpi_version from cfg_run
),

-- Only the months this run can change are recomputed (whole), from the day the history starts.
days as (
  select
    cast(d.day_date as date) as day_date,
    least(cast(d.day_end_s as double), r.now_s) as measured_s
  from cfg_reporting_days as d
  cross join run as r
  where d.day_start_s <= r.now_s
    and d.day_end_s > (select min(first_created_s) from chg_ticket_months)
    and substr(d.day_date, 1, 7) in (
      select partition_month from chg_months_to_recompute where mart = 'backlog_daily' and month_kind = 'recompute'
    )
),

bounds as (
  select min(measured_s) as first_s, max(measured_s) as last_s from days
),

-- Open tickets by their row, from the index months that hold any.
open_tickets as (
  select ticket_id, created_s
  from int_ticket_index
  where is_open and created_month_utc in (select created_month_utc from chg_ticket_months where open_tickets > 0)
),

-- A status interval reaching past the first day measured ends at a change from that day's UTC month
-- on, or is its ticket's last one; open tickets by their row are added so a ticket whose log and row
-- disagree is judged on its whole log. Their status changes are read from the earliest creation
-- month among them (a change is never before its ticket's creation month).
candidates as (
  select e.ticket_id
  from int_status_changes as e
  where e.event_month >= (select substr(cast(from_unixtime(first_s - 86400) as varchar), 1, 7) from bounds)
  union
  select ticket_id
  from int_ticket_log_status
  where last_status not in ('solved', 'closed', 'deleted')
    and created_month_utc in (select created_month_utc from chg_log_open_months where open_tickets > 0)
  union
  select ticket_id from open_tickets
),

logged as (
  select
    e.ticket_id,
    e.status,
    e.changed_s as from_s,
    coalesce(
      lead(e.changed_s) over (partition by e.ticket_id order by e.changed_s, e.event_order, e.event_id),
      1e11
    ) as to_s
  from int_status_changes as e
  where e.event_month >= (
      select min(m.created_month_utc)
      from chg_ticket_months as m
      inner join candidates as c on c.ticket_id between m.min_ticket_id and m.max_ticket_id
    )
    and e.ticket_id in (select ticket_id from candidates)
),

-- Tickets unsolved at some instant between the first and the last day measured, and the months they
-- were created in (so the fact's partitions are pruned).
relevant as (
  select l.ticket_id
  from logged as l
  cross join bounds as b
  where l.status not in ('solved', 'closed', 'deleted') and l.from_s <= b.last_s and l.to_s > b.first_s
  union
  select t.ticket_id
  from open_tickets as t
  cross join bounds as b
  where t.created_s <= b.last_s
    and not exists (select 1 from logged as l where l.ticket_id = t.ticket_id)
),

relevant_months as (
  select distinct i.created_month
  from int_ticket_index as i
  inner join relevant as r on r.ticket_id = i.ticket_id
  where i.created_month_utc in (
    select m.created_month_utc
    from chg_ticket_months as m
    inner join relevant as r on r.ticket_id between m.min_ticket_id and m.max_ticket_id
  )
),

tickets as (
  select
    ticket_id, created_s, status, channel, priority, vip_tier, language, category, group_tier
  from (
    select f.*, to_unixtime(f.created_at) as created_s from fct_tickets as f
    where f.created_month in (select created_month from relevant_months)
  ) as f
  where not is_deleted and ticket_id in (select ticket_id from relevant)
),

status_intervals as (
  select ticket_id, status, from_s, to_s from logged
  union all
  select t.ticket_id, t.status, t.created_s, 1e11
  from tickets as t
  where not exists (select 1 from logged as l where l.ticket_id = t.ticket_id)
),

open_at_day_end as (
  select d.day_date, t.*, d.measured_s - t.created_s as age_s
  from days as d
  inner join status_intervals as i on i.from_s <= d.measured_s and i.to_s > d.measured_s
  inner join tickets as t on t.ticket_id = i.ticket_id
  where i.status not in ('solved', 'closed', 'deleted') and t.created_s <= d.measured_s
),

cells as (
  select o.day_date, o.age_s, b.breakdown,
    case b.breakdown
      when 'overall' then 'all'
      when 'channel' then o.channel
      when 'priority' then o.priority
      when 'vip_tier' then o.vip_tier
      when 'language' then o.language
      when 'category' then o.category
      else o.group_tier
    end as breakdown_value
  from open_at_day_end as o
  cross join (
    values ('overall'), ('channel'), ('priority'), ('vip_tier'), ('language'), ('category'), ('group_tier')
  ) as b (breakdown)
),

overall_days as (
  -- every day gets an overall row, also a day with an empty backlog
  select d.day_date, 'overall' as breakdown, 'all' as breakdown_value from days as d
),

aggregated as (
  select
    day_date,
    breakdown,
    breakdown_value,
    count(*) as backlog_open,
    element_at(array_sort(array_agg(age_s)), greatest(1, cast(ceil(0.5 * count(age_s)) as integer))) as backlog_age_p50_s,
    element_at(array_sort(array_agg(age_s)), greatest(1, cast(ceil(0.9 * count(age_s)) as integer))) as backlog_age_p90_s
  from cells
  group by day_date, breakdown, breakdown_value
)

select
  o.day_date,
  o.breakdown,
  o.breakdown_value,
  coalesce(a.backlog_open, 0) as backlog_open,
  a.backlog_age_p50_s,
  a.backlog_age_p90_s,
  r.kpi_version,
  substr(cast(o.day_date as varchar), 1, 7) as period_month
from overall_days as o
cross join run as r
left join aggregated as a
  on a.day_date = o.day_date and a.breakdown = o.breakdown and a.breakdown_value = o.breakdown_value
union all
select a.day_date, a.breakdown, a.breakdown_value, a.backlog_open, a.backlog_age_p50_s, a.backlog_age_p90_s, r.kpi_version,
  substr(cast(a.day_date as varchar), 1, 7) as period_month
from aggregated as a
cross join run as r
where a.breakdown <> 'overall'

-- materialized: table
-- description: Reporting months (YYYY-MM) whose end-of-day backlog this run can change: from the earliest creation among changed tickets (their status or breakdowns moved) and from the previous run's now (days it measured before their end) up to now, each with the month its week starts in
with run as (
  select now_s from cfg_run
),

-- The previous run that built every model (seeded by the runner) measured the days up to its own now.
previous_run as (
  select previous_run_s as from_s from cfg_refresh
),

starts as (
  select min(a.created_s) as from_s
  from chg_affected_tickets as a
  inner join chg_changed_tickets as c on c.ticket_id = a.ticket_id
  where c.moves_kpis
  union all
  select from_s from previous_run
),

days as (
  select cast(d.day_date as date) as day_date
  from cfg_reporting_days as d
  cross join run as r
  where d.day_start_s <= r.now_s
    and d.day_end_s > (select min(from_s) from starts)
)

select substr(cast(day_date as varchar), 1, 7) as period_month from days
union
select substr(cast(cast(date_trunc('week', day_date) as date) as varchar), 1, 7) from days

-- materialized: incremental
-- unique_key: agent_id, period_grain, period_start
-- partition_by: period_month
-- incremental_strategy: replace_partitions
-- description: Per human agent per week and month: tickets solved, first reply p50, AHT, CSAT rate, one-touch rate, reopen rate and escalations made
-- test: unique(agent_id, period_grain, period_start)
-- test: freshness(period_start, 8d, fct_ticket_events.created_at)
-- test: relationships(agent_id -> dim_agents.agent_id)
-- column: agent_id: Human agent (see dim_agents)
-- column: period_grain: Period length: week (ISO, starting Monday) or month
-- column: period_start: First day of the period (date in the reporting time zone)
-- column: tickets_solved: Non-deleted tickets assigned to the agent and last solved in the period
-- column: first_reply_time_p50_s: Median first_reply_time_s of the tickets the agent first replied to, created in the period; null when none
-- column: aht_s: Mean agent_work_time_s of the tickets solved; null when none
-- column: csat_rate: Ratings ≥ 4 / all ratings of the agent's tickets, by rating date (fraction 0–1); null when none
-- column: one_touch_rate: One-touch tickets / solved tickets with an agent reply (fraction 0–1); null when none
-- column: reopen_rate: Solved tickets reopened at least once / solved tickets (fraction 0–1); null when none
-- column: escalations_made: Escalating changes the agent made in the period
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: period_month: Partition key: month of period_start, YYYY-MM (reporting zone)
-- The months recomputed and the partitions their rows read: chg_months_to_recompute.
with agents as (
  select user_id from int_user_kinds where user_kind = 'agent'
),

facts as (
  select * from fct_tickets
  where not is_deleted and created_month in (
    select partition_month from chg_months_to_recompute where mart = 'agent_performance' and month_kind = 'ticket_read'
  )
),

observations as (
  select assignee_id as agent_id, last_solved_date as anchor_date, 'solved' as measure, 1e0 as num, 1e0 as den,
    cast(null as double) as x
  from facts where is_solved
  union all
  select assignee_id, last_solved_date, 'aht', agent_work_time_s, 1e0, null from facts where is_solved
  union all
  select assignee_id, last_solved_date, 'one_touch', case when is_one_touch then 1e0 else 0e0 end, 1e0, null
  from facts where is_solved and agent_reply_count >= 1
  union all
  select assignee_id, last_solved_date, 'reopen', case when reopen_count >= 1 then 1e0 else 0e0 end, 1e0, null
  from facts where is_solved
  union all
  select first_reply_agent_id, created_date, 'frt', null, null, first_reply_time_s
  from facts where first_reply_time_s is not null
  union all
  select escalated_by_id, created_date, 'escalation', 1e0, 1e0, null from facts where is_escalated
  union all
  select assignee_id, rated_date, 'csat', case when csat_score >= 4 then 1e0 else 0e0 end, 1e0, null
  from fct_satisfaction_ratings
  where is_rated and not is_ticket_deleted and created_month in (
    select partition_month from chg_months_to_recompute where mart = 'agent_performance' and month_kind = 'rating_read'
  )
),

periods as (
  select
    g.grain as period_grain,
    case g.grain
      when 'week' then cast(date_trunc('week', o.anchor_date) as date)
      else cast(date_trunc('month', o.anchor_date) as date)
    end as period_start,
    o.*
  from observations as o
  inner join agents as a on a.user_id = o.agent_id
  cross join (values ('week'), ('month')) as g (grain)
  where o.anchor_date is not null
)

select
  p.agent_id,
  p.period_grain,
  p.period_start,
  cast(sum(case when p.measure = 'solved' then p.num else 0 end) as bigint) as tickets_solved,
  element_at(array_sort(array_agg(case when p.measure = 'frt' then p.x end)), greatest(1, cast(ceil(0.5 * count(case when p.measure = 'frt' then p.x end)) as integer))) as first_reply_time_p50_s,
  avg(case when p.measure = 'aht' then p.num end) as aht_s,
  avg(case when p.measure = 'csat' then p.num end) as csat_rate,
  avg(case when p.measure = 'one_touch' then p.num end) as one_touch_rate,
  avg(case when p.measure = 'reopen' then p.num end) as reopen_rate,
  cast(sum(case when p.measure = 'escalation' then p.num else 0 end) as bigint) as escalations_made,
  max(r.kpi_version) as kpi_version,
  substr(cast(p.period_start as varchar), 1, 7) as period_month
from periods as p
cross join cfg_run as r
where substr(cast(p.period_start as varchar), 1, 7) in (
  select partition_month from chg_months_to_recompute where mart = 'agent_performance' and month_kind = 'recompute'
)
group by p.agent_id, p.period_grain, p.period_start

-- materialized: view
-- description: Per affected ticket: solves, reopens and time in each status, from its status changes (open intervals end at now)
with tickets as (
  select t.ticket_id, t.status, t.created_at
  from int_tickets as t
  inner join int_affected_tickets as a on a.ticket_id = t.ticket_id
  where t.created_month in (select created_month from int_affected_tickets)
),

logged as (
  select
    e.ticket_id,
    cast(at_timezone(from_unixtime(e.changed_s), 'UTC') as timestamp(6)) as created_at,
    e.event_order,
    e.event_id,
    e.status
  from int_status_changes as e
  inner join tickets as t on t.ticket_id = e.ticket_id
  where e.event_month in (select event_month from int_affected_event_months)
),

-- A ticket whose status history is missing is taken to have held its current status since creation.
status_events as (
  select ticket_id, created_at, event_order, event_id, status from logged
  union all
  select t.ticket_id, t.created_at, 0 as event_order, cast(0 as bigint) as event_id, t.status
  from tickets as t
  where not exists (select 1 from logged as l where l.ticket_id = t.ticket_id)
),

intervals as (
  select
    ticket_id,
    created_at,
    status,
    lag(status) over (partition by ticket_id order by created_at, event_order, event_id) as previous_status,
    to_unixtime(created_at) as from_s,
    to_unixtime(lead(created_at) over (partition by ticket_id order by created_at, event_order, event_id)) as next_s
  from status_events
),

measured as (
  select
    i.ticket_id,
    i.created_at,
    i.status,
    i.previous_status,
    case when coalesce(i.next_s, r.now_s) > i.from_s then coalesce(i.next_s, r.now_s) - i.from_s else 0 end
      as duration_s
  from intervals as i
  cross join cfg_run as r
)

select
  ticket_id,
  min(case when status in ('solved', 'closed') and coalesce(previous_status, 'none') not in ('solved', 'closed')
    then created_at end) as first_solved_at,
  max(case when status in ('solved', 'closed') and coalesce(previous_status, 'none') not in ('solved', 'closed')
    then created_at end) as last_solved_at,
  sum(case when previous_status in ('solved', 'closed') and status not in ('solved', 'closed', 'deleted')
    then 1 else 0 end) as reopen_count,
  sum(case when status in ('new', 'open', 'hold') then duration_s else 0 end) as requester_wait_time_s,
  sum(case when status in ('new', 'open') then duration_s else 0 end) as agent_work_time_s,
  sum(case when status = 'hold' then duration_s else 0 end) as on_hold_time_s,
  sum(case when status = 'pending' then duration_s else 0 end) as pending_time_s
from measured
group by ticket_id

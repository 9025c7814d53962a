-- materialized: view
-- description: Per affected ticket: solves, reopens and time in each status, from its status changes (open intervals end at now, or at the deletion of a deleted ticket), and the instant a deleted ticket's clocks stop at
with tickets as (
  select t.ticket_id, t.status, t.created_at, t.is_deleted, to_unixtime(t.updated_at) as updated_s
  from int_tickets as t
  inner join chg_affected_tickets as a on a.ticket_id = t.ticket_id
  where t.created_month in (select created_month from chg_affected_tickets)
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
  where e.event_month in (select event_month from chg_affected_event_months)
),

-- A ticket whose status history is missing is taken to have held its current status since creation.
status_events as (
  select ticket_id, created_at, event_order, event_id, status from logged
  union all
  select t.ticket_id, t.created_at, 0 as event_order, cast(0 as bigint) as event_id, t.status
  from tickets as t
  where not exists (select 1 from logged as l where l.ticket_id = t.ticket_id)
),

-- A deleted ticket's clocks stop at its deletion (KPIS.md, 2026-12-07): its logged change to deleted
-- when that is its latest status, else the source's last update of the deleted ticket (a desk may
-- delete without auditing a status change). Never later than now; null for a ticket not deleted.
latest_logged as (
  select ticket_id, status, to_unixtime(created_at) as changed_s
  from (
    select
      ticket_id,
      status,
      created_at,
      row_number() over (partition by ticket_id order by created_at desc, event_order desc, event_id desc) as recency
    from logged
  ) as ranked
  where recency = 1
),

clock_stops as (
  select
    t.ticket_id,
    case
      when not t.is_deleted then cast(null as double)
      when l.status = 'deleted' then least(l.changed_s, r.now_s)
      else least(t.updated_s, r.now_s)
    end as deleted_s
  from tickets as t
  cross join cfg_run as r
  left join latest_logged as l on l.ticket_id = t.ticket_id
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

-- Each interval ends at the next change, at most at the clock stop (now, or the deletion).
measured as (
  select
    i.ticket_id,
    i.created_at,
    i.status,
    i.previous_status,
    greatest(least(coalesce(i.next_s, e.end_s), e.end_s) - i.from_s, 0) as duration_s
  from intervals as i
  inner join (
    select c.ticket_id, coalesce(c.deleted_s, r.now_s) as end_s
    from clock_stops as c
    cross join cfg_run as r
  ) as e on e.ticket_id = i.ticket_id
)

select
  m.ticket_id,
  cast(at_timezone(from_unixtime(max(c.deleted_s)), 'UTC') as timestamp(6)) as deleted_at,
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
from measured as m
inner join clock_stops as c on c.ticket_id = m.ticket_id
group by m.ticket_id

-- materialized: incremental
-- unique_key: ticket_id
-- partition_by: created_month_utc
-- description: Each ticket's latest logged status and when it was set (its open-ended status interval), from the affected tickets' status changes, by the ticket's UTC creation month; lets backlog_daily find the tickets left open before the days it measures without reading every status change (chg_log_open_months says which months hold any)
with ranked as (
  select
    s.ticket_id,
    s.status,
    s.changed_s,
    a.created_month_utc,
    row_number() over (
      partition by s.ticket_id order by s.changed_s desc, s.event_order desc, s.event_id desc
    ) as recency
  from int_status_changes as s
  inner join chg_affected_tickets as a on a.ticket_id = s.ticket_id
  where s.event_month in (select event_month from chg_affected_event_months)
)

select ticket_id, status as last_status, changed_s as last_changed_s, created_month_utc
from ranked
where recency = 1

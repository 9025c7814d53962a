-- materialized: incremental
-- unique_key: event_id
-- partition_by: event_month
-- description: Every status change of every ticket, narrow (ticket, instant, status), by the UTC month of the change (never before its ticket's creation month), to find the dates tickets count on and the tickets open at an instant
select
  event_id,
  ticket_id,
  to_unixtime(created_at) as changed_s,
  case when event_type = 'Create' then 0 else 1 end as event_order,
  value as status,
  substr(cast(created_at as varchar), 1, 7) as event_month
from stg_zendesk__ticket_events
where field_name = 'status'

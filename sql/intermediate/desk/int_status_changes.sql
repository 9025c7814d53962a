-- materialized: incremental
-- unique_key: event_id
-- description: Every status change of every ticket, narrow (ticket, instant, status), read whole to find the dates tickets count on and the tickets open at an instant
select
  event_id,
  ticket_id,
  to_unixtime(created_at) as changed_s,
  case when event_type = 'Create' then 0 else 1 end as event_order,
  value as status
from stg_zendesk__ticket_events
where field_name = 'status'

-- materialized: incremental
-- unique_key: event_id
-- partition_by: event_month
-- description: Every group and assignee change of every ticket, narrow (ticket, instant, who, new id), by the UTC month of the change (never before its ticket's creation month), so routing metrics read these instead of every field change
select
  event_id,
  ticket_id,
  created_at,
  event_type,
  updater_id,
  field_name,
  try_cast(value as bigint) as value_id,
  substr(cast(created_at as varchar), 1, 7) as event_month
from stg_zendesk__ticket_events
where field_name in ('group_id', 'assignee_id')

-- materialized: incremental
-- unique_key: event_id
-- partition_by: event_month
-- description: Every field-change event of every ticket (status, group, assignee, priority), accumulated by the UTC month of the change (never before its ticket's creation month, so a ticket's events are in its created month and after)
select
  event_id,
  audit_id,
  ticket_id,
  created_at,
  updater_id,
  via_channel,
  event_type,
  field_name,
  value,
  previous_value,
  substr(cast(created_at as varchar), 1, 7) as event_month
from stg_zendesk__ticket_events

-- materialized: incremental
-- unique_key: event_id
-- description: Every field-change event of every ticket (status, group, assignee, priority), accumulated
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
  previous_value
from stg_zendesk__ticket_events

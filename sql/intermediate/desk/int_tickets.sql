-- materialized: incremental
-- unique_key: ticket_id
-- version_column: generated_timestamp
-- description: Latest known state of every ticket, accumulated from the new staging rows of each run
select
  ticket_id,
  requester_id,
  submitter_id,
  assignee_id,
  group_id,
  status,
  priority,
  via_channel,
  category,
  language,
  is_deleted,
  created_at,
  updated_at,
  generated_timestamp
from stg_zendesk__tickets

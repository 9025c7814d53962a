-- materialized: incremental
-- unique_key: ticket_id
-- version_column: generated_timestamp
-- partition_by: created_month
-- description: Latest known state of every ticket, accumulated from the new staging rows of each run, by the reporting month it was created in
select
  t.ticket_id,
  t.requester_id,
  t.submitter_id,
  t.assignee_id,
  t.group_id,
  t.status,
  t.priority,
  t.via_channel,
  t.category,
  t.language,
  t.is_deleted,
  t.created_at,
  t.updated_at,
  t.generated_timestamp,
  substr(cast(cast(from_unixtime(to_unixtime(t.created_at) + o.offset_s) as date) as varchar), 1, 7) as created_month
from stg_zendesk__tickets as t
inner join cfg_reporting_offsets as o
  on to_unixtime(t.created_at) >= o.valid_from_s and to_unixtime(t.created_at) < o.valid_to_s

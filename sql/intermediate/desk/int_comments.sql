-- materialized: incremental
-- unique_key: comment_id
-- partition_by: event_month
-- description: Every comment of every ticket (no text), accumulated by the UTC month it was added in (never before its ticket's creation month)
select
  comment_id,
  audit_id,
  ticket_id,
  author_id,
  created_at,
  is_public,
  via_channel,
  body_chars,
  substr(cast(created_at as varchar), 1, 7) as event_month
from stg_zendesk__comments

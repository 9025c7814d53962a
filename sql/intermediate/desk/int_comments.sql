-- materialized: incremental
-- unique_key: comment_id
-- description: Every comment of every ticket (no text), accumulated
select
  comment_id,
  audit_id,
  ticket_id,
  author_id,
  created_at,
  is_public,
  via_channel,
  body_chars
from stg_zendesk__comments

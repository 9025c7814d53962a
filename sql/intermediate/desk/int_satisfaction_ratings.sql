-- materialized: incremental
-- unique_key: rating_id
-- version_column: updated_at
-- description: Latest state of every satisfaction rating, accumulated
select
  rating_id,
  ticket_id,
  requester_id,
  assignee_id,
  group_id,
  score,
  created_at,
  updated_at
from stg_zendesk__satisfaction_ratings

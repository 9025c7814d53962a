-- materialized: incremental
-- unique_key: group_id
-- version_column: updated_at
-- description: Latest state of every agent group, accumulated
select
  group_id,
  name,
  is_deleted,
  created_at,
  updated_at
from stg_zendesk__groups

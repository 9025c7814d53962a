-- materialized: incremental
-- unique_key: group_id
-- description: Latest state of every agent group, accumulated
select
  group_id,
  name,
  is_deleted,
  created_at,
  updated_at
from stg_zendesk__groups

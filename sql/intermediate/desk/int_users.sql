-- materialized: incremental
-- unique_key: user_id
-- version_column: updated_at
-- description: Latest state of every user (role, bot flag, customer key), accumulated
select
  user_id,
  role,
  customer_key,
  locale,
  default_group_id,
  is_bot,
  is_active,
  is_suspended,
  created_at,
  updated_at
from stg_zendesk__users

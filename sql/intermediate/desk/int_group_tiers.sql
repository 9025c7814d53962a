-- materialized: view
-- description: Each group with its configured tier (L1 when not configured) and whether it is a security group
select
  g.group_id,
  g.name as group_name,
  coalesce(t.tier, 'L1') as tier,
  coalesce(t.tier_rank, 1) as tier_rank,
  coalesce(t.tier_level, 1) as tier_level,
  coalesce(t.is_security, false) as is_security,
  g.is_deleted
from int_groups as g
left join cfg_group_tiers as t on t.group_name = g.name

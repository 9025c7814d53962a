-- materialized: table
-- description: Agent groups with their configured tier and security flag
select group_id, group_name, tier, tier_rank, is_security, is_deleted
from int_group_tiers

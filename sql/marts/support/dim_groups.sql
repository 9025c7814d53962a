-- materialized: table
-- description: Agent groups with their configured tier and security flag
-- test: unique(group_id)
-- test: accepted_values(tier: L1, L2, L3, VIP, BOT)
select group_id, group_name, tier, tier_rank, tier_level, is_security, is_deleted
from int_group_tiers

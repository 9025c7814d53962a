-- materialized: table
-- description: Agent groups with their configured tier and security flag
-- test: unique(group_id)
-- test: accepted_values(tier: L1, L2, L3, VIP, BOT)
-- column: group_id: Desk group id (unique)
-- column: group_name: Group name in the desk
-- column: tier: Configured tier: L1, L2, L3, VIP or BOT (L1 when not configured)
-- column: tier_rank: Seniority order of the tier: BOT 0, L1 1, VIP 2, L2 3, L3 4 (max_tier and escalations compare it)
-- column: tier_level: Support level of the tier: 1 (L1, VIP, BOT), 2 (L2) or 3 (L3); a rise is an escalation
-- column: is_security: The group handles security incidents (escalation into it counts as reaching L3)
-- column: is_deleted: The group was deleted in the desk
select group_id, group_name, tier, tier_rank, tier_level, is_security, is_deleted
from int_group_tiers

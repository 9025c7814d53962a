-- materialized: table
-- description: Agents and bots of the ticket desk with their default group and its tier
-- test: unique(agent_id)
-- test: accepted_values(user_kind: agent, bot)
select
  u.user_id as agent_id,
  k.user_kind,
  u.role,
  u.default_group_id,
  g.group_name as default_group_name,
  g.tier as default_group_tier,
  u.is_active,
  u.is_suspended,
  u.created_at
from int_users as u
inner join int_user_kinds as k on k.user_id = u.user_id
left join int_group_tiers as g on g.group_id = u.default_group_id
where k.user_kind in ('agent', 'bot')

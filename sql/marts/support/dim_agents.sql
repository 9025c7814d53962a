-- materialized: table
-- description: Agents and bots of the ticket desk with their default group and its tier
-- test: unique(agent_id)
-- test: accepted_values(user_kind: agent, bot)
-- column: agent_id: Desk user id of the agent or bot (unique)
-- column: user_kind: agent (a human agent or admin) or bot (configured or flagged by the source)
-- column: role: Role in the desk: agent or admin
-- column: default_group_id: Agent's default group (see dim_groups); null if none
-- column: default_group_name: Name of that group
-- column: default_group_tier: Tier of that group: L1, L2, L3, VIP or BOT
-- column: is_active: The desk account is active
-- column: is_suspended: The desk account is suspended
-- column: created_at: When the desk account was created (UTC)
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

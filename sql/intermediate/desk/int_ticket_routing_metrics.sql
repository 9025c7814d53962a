-- materialized: view
-- description: Per affected ticket: group transfers, escalations by tier rise, highest tier, the tier of its group at creation and assignee changes, from its group and assignee changes
with tickets as (
  select t.ticket_id, t.group_id, t.assignee_id, t.created_at
  from int_tickets as t
  inner join chg_affected_tickets as a on a.ticket_id = t.ticket_id
  where t.created_month in (select created_month from chg_affected_tickets)
),

logged as (
  select
    e.ticket_id,
    e.field_name,
    e.created_at,
    e.event_type,
    case when e.event_type = 'Create' then 0 else 1 end as event_order,
    e.event_id,
    e.updater_id,
    e.value_id
  from int_routing_changes as e
  inner join tickets as t on t.ticket_id = e.ticket_id
  where e.event_month in (select event_month from chg_affected_event_months)
),

-- Without a logged history, the current group / assignee is taken as set at creation.
changes as (
  select ticket_id, field_name, created_at, event_type, event_order, event_id, updater_id, value_id from logged
  union all
  select t.ticket_id, 'group_id', t.created_at, 'Create', 0, cast(0 as bigint), cast(null as bigint), t.group_id
  from tickets as t
  where not exists (select 1 from logged as l where l.ticket_id = t.ticket_id and l.field_name = 'group_id')
  union all
  select t.ticket_id, 'assignee_id', t.created_at, 'Create', 0, cast(0 as bigint), cast(null as bigint), t.assignee_id
  from tickets as t
  where not exists (select 1 from logged as l where l.ticket_id = t.ticket_id and l.field_name = 'assignee_id')
),

sequenced as (
  select
    c.*,
    lag(c.value_id) over (partition by c.ticket_id, c.field_name order by c.created_at, c.event_order, c.event_id)
      as previous_id,
    row_number() over (partition by c.ticket_id, c.field_name order by c.created_at, c.event_order, c.event_id)
      as step,
    -- whether the field held a value at some earlier point (assignee: "after the first assignment")
    max(case when c.value_id is not null then 1 else 0 end) over (
      partition by c.ticket_id, c.field_name order by c.created_at, c.event_order, c.event_id
      rows between unbounded preceding and 1 preceding
    ) as was_set_before
  from changes as c
),

group_steps as (
  select
    s.ticket_id,
    s.created_at,
    s.event_type,
    s.updater_id,
    s.value_id,
    s.previous_id,
    s.step,
    g.tier,
    g.tier_rank,
    g.tier_level,
    coalesce(g.is_security, false) as is_security,
    pg.tier_level as previous_level,
    coalesce(pg.is_security, false) as previous_is_security
  from sequenced as s
  left join int_group_tiers as g on g.group_id = s.value_id
  left join int_group_tiers as pg on pg.group_id = s.previous_id
  where s.field_name = 'group_id'
),

group_flags as (
  select
    ticket_id,
    created_at,
    updater_id,
    tier,
    tier_rank,
    step,
    event_type = 'Change' and value_id is distinct from previous_id as is_transfer,
    -- A rise of support line (front line: bot, L1, VIP desk < L2 < L3), or a move into a security
    -- group from any other group.
    event_type = 'Change' and previous_id is not null and value_id is not null and (
      tier_level > previous_level
      or (is_security and not previous_is_security)
    ) as is_escalation
  from group_steps
),

groups_summary as (
  select
    ticket_id,
    sum(case when is_transfer then 1 else 0 end) as group_transfer_count,
    min(case when is_escalation then created_at end) as escalated_at,
    min_by(case when is_escalation then updater_id end, case when is_escalation then to_unixtime(created_at) end)
      as escalated_by_id,
    max_by(tier, tier_rank) as max_tier,
    -- SLA rules may match on it (KPIS.md, 2026-12-07); a group without a configured tier is L1.
    max(case when step = 1 then coalesce(tier, 'L1') end) as created_group_tier
  from group_flags
  group by ticket_id
),

assignees_summary as (
  select
    ticket_id,
    sum(case when was_set_before = 1 and value_id is distinct from previous_id then 1 else 0 end)
      as assignee_change_count
  from sequenced
  where field_name = 'assignee_id'
  group by ticket_id
)

select
  t.ticket_id,
  coalesce(g.group_transfer_count, 0) as group_transfer_count,
  coalesce(a.assignee_change_count, 0) as assignee_change_count,
  g.escalated_at is not null as is_escalated,
  g.escalated_at,
  g.escalated_by_id,
  g.max_tier,
  g.created_group_tier
from tickets as t
left join groups_summary as g on g.ticket_id = t.ticket_id
left join assignees_summary as a on a.ticket_id = t.ticket_id

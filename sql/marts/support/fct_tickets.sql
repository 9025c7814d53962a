-- materialized: incremental
-- unique_key: source, ticket_id
-- partition_by: created_month
-- description: One row per ticket with every measure of KPIS.md (replies, resolution, waits, routing, SLA, CSAT, sentiment); deleted tickets kept and flagged
-- test: unique(source, ticket_id)
-- test: not_null(ticket_id, source, created_at, created_date, created_month, channel, status, kpi_version)
-- test: accepted_values(channel: chat, email, web, phone, telegram, discord, social, api, other)
-- test: accepted_values(group_tier: L1, L2, L3, VIP, BOT)
-- test: accepted_values(sla_first_reply_status: met, breached, pending)
-- test: accepted_values(sla_resolution_status: met, breached, pending)
-- test: accepted_values(sentiment_label: negative, neutral, positive)
-- test: accepted_values(csat_score: 1, 2, 3, 4, 5)
-- test: reconcile(landing_zendesk__tickets: ticket_id)
-- test: relationships(customer_key -> dim_customers.customer_key)
-- test: relationships(assignee_id -> dim_agents.agent_id)
-- test: relationships(group_id -> dim_groups.group_id)
-- column: ticket_id: Ticket id in the source desk; unique together with source
-- column: source: Source system name (zendesk); (source, ticket_id) is unique
-- column: customer_key: Pseudonymous customer key: HMAC-SHA256 of the trimmed, lower-cased requester e-mail (the e-mail itself is in restricted tables only); null when the requester has no e-mail
-- column: requester_id: Desk user id of the requester (pseudonymous id; name and e-mail live in restricted tables)
-- column: assignee_id: Desk user id of the current assignee (an agent or bot, see dim_agents); null if unassigned
-- column: group_id: Current group of the ticket (see dim_groups); null if none
-- column: group_tier: Tier of the current group: L1, L2, L3, VIP or BOT (L1 when the group has no configured tier or no group)
-- column: created_at: When the ticket was created (UTC timestamp)
-- column: created_date: Creation date in the reporting time zone
-- column: created_hour: Hour of day of creation in the reporting time zone, 0–23
-- column: channel: Normalised channel: chat, email, web, phone, telegram, discord, social, api or other
-- column: priority: Priority at the latest state: low, normal, high or urgent; null if unset
-- column: category: Contact reason (category) of the ticket; null if unset
-- column: language: Language of the ticket (desk's locale code); null if unset
-- column: vip_tier: Customer's VIP tier at ticket creation, from the CRM history (dim_customers); 'none' when the customer is not VIP or not in the CRM
-- column: status: Latest status: new, open, pending, hold, solved, closed or deleted
-- column: is_solved: The latest status is solved or closed
-- column: is_agent_created: A human agent opened the ticket with a public comment (the first reply is then the second public agent comment)
-- column: first_response_at: First public reply by a human agent or a bot (UTC); null if none yet
-- column: first_reply_at: First public reply by a human agent (UTC); for an agent-opened ticket the second public agent comment; null if none yet
-- column: first_reply_agent_id: Desk user id of the human agent who wrote the first reply; null if none yet
-- column: first_reply_time_s: Seconds from created_at to first_reply_at (calendar time); null if no reply yet
-- column: first_response_time_s: Seconds from created_at to first_response_at (calendar time, bot replies count); null if no response yet
-- column: first_reply_time_business_s: Seconds from created_at to first_reply_at counted only inside the business hours of the ticket's SLA policy schedule (equals first_reply_time_s for 24/7 policies); null if no reply yet
-- column: first_solved_at: First change of status to solved (or directly to closed), UTC; null if never solved
-- column: last_solved_at: Latest change of status to solved (or directly to closed), UTC; null if never solved
-- column: last_solved_date: Date of last_solved_at in the reporting time zone; null if never solved
-- column: first_resolution_time_s: Seconds from created_at to first_solved_at (calendar time); null while unsolved
-- column: full_resolution_time_s: Seconds from created_at to last_solved_at (calendar time); null while unsolved
-- column: reopen_count: Number of status changes from solved to an unsolved status
-- column: agent_reply_count: Number of public comments by human agents
-- column: customer_message_count: Number of public comments by end users, the ticket's opening description included
-- column: requester_wait_time_s: Seconds spent in new, open and hold up to last_solved_at (or now, or the deletion time, while unsolved)
-- column: agent_work_time_s: Seconds spent in new and open (the handle time behind AHT), up to last_solved_at or now
-- column: on_hold_time_s: Seconds spent in hold
-- column: pending_time_s: Seconds spent in pending (waiting on the customer)
-- column: reply_wait_count: Number of completed customer waits: each run of unanswered customer messages ended by a public agent reply
-- column: total_reply_wait_s: Total seconds of the completed customer waits (the first wait included)
-- column: group_transfer_count: Number of group changes after creation
-- column: assignee_change_count: Number of assignee changes after the first assignment
-- column: is_escalated: The ticket's group tier ever rose (L1→L2, L2→L3, L1→L3, or into a security L3 group)
-- column: escalated_at: First change that raised the group tier (UTC); null if never escalated
-- column: escalated_by_id: Desk user id of who made that first escalating change; null if never escalated or made by the system
-- column: max_tier: Highest group tier the ticket reached: L1, L2, L3, VIP or BOT
-- column: escalation_time_s: Seconds from created_at to escalated_at; null if never escalated
-- column: is_bot_handled: A bot replied publicly
-- column: is_bot_contained: Bot-handled, solved, and no public human agent reply ever
-- column: is_one_touch: Solved with exactly one public agent reply and never reopened
-- column: is_repeat_contact_24h: The same customer created another non-deleted ticket in the 24 hours before this ticket's created_at
-- column: is_repeat_contact_7d: The same customer created another non-deleted ticket in the 7 days before this ticket's created_at
-- column: is_first_contact_resolution: One-touch and no new ticket from the same customer within 7 days after last_solved_at
-- column: sla_policy: Name of the first SLA policy rule matching the ticket (channel, priority, VIP tier, category, group tier at creation)
-- column: sla_first_reply_target_s: First-reply target of that policy in seconds (business seconds when its schedule is not 24/7); null if the policy has none
-- column: sla_resolution_target_s: Resolution target of that policy in seconds (business seconds when its schedule is not 24/7); null if the policy has none
-- column: sla_first_reply_status: met, breached (replied after the target, or no reply and the target passed) or pending (no reply yet, target not passed); null without a target
-- column: sla_resolution_status: met, breached (solved after the target, or unsolved and the target passed) or pending (unsolved, target not passed); null without a target
-- column: csat_score: Latest satisfaction rating on 1–5 (good = 5, bad = 1); null if unrated
-- column: is_csat_offered: A satisfaction rating was requested for the ticket
-- column: sentiment_score: Mean sentiment of the customer messages in [-1, 1] (NLP stage); null if no text was scored
-- column: sentiment_label: negative (score ≤ -0.25), neutral or positive (score ≥ 0.25); null if no score
-- column: sentiment_shift: Sentiment of the last customer message minus that of the first; null with fewer than one scored message
-- column: is_deleted: The source reports the ticket deleted (kept for compliance, excluded from every KPI)
-- column: deleted_at: When the ticket was deleted (UTC); its clocks stop there; null if not deleted
-- column: created_group_tier: Tier of the group the ticket was created in, before any transfer (used by SLA policy matching)
-- column: kpi_version: KPI definitions version (kpi-<12 hex>): hash of the catalogue, SLA policies, desk setup and model SQL that produced the row
-- column: created_month: Partition key: creation month in the reporting time zone, YYYY-MM
with run as (
  select now_s, kpi_version from cfg_run
),

tickets as (
  select
    t.ticket_id,
    t.requester_id,
    t.submitter_id,
    t.assignee_id,
    t.group_id,
    t.status,
    t.priority,
    t.via_channel,
    t.category,
    t.language,
    t.is_deleted,
    t.created_at,
    to_unixtime(t.created_at) as created_s,
    u.customer_key
  from int_tickets as t
  inner join chg_affected_tickets as a on a.ticket_id = t.ticket_id
  left join int_user_kinds as u on u.user_id = t.requester_id
  where t.created_month in (select created_month from chg_affected_tickets)
),

normalised as (
  select
    t.*,
    case
      when t.via_channel in ('chat', 'native_messaging', 'messaging', 'chat_transcript') then 'chat'
      when t.via_channel in ('email', 'mail') then 'email'
      when t.via_channel in ('web', 'web_form', 'web_widget', 'web_service', 'help_center') then 'web'
      when t.via_channel in ('voice', 'phone', 'call') then 'phone'
      when t.via_channel = 'telegram' then 'telegram'
      when t.via_channel = 'discord' then 'discord'
      when t.via_channel in ('twitter', 'facebook', 'instagram', 'social', 'x') then 'social'
      when t.via_channel = 'api' then 'api'
      else 'other'
    end as channel,
    coalesce(lower(t.priority), 'unknown') as priority_value,
    coalesce(t.category, 'unknown') as category_value,
    coalesce(lower(t.language), 'unknown') as language_value,
    t.status in ('solved', 'closed') as is_solved
  from tickets as t
),

-- Each contact of the customer holds, at creation, the tier of its latest VIP point before it.
contact_tier_at_creation as (
  select t.ticket_id, p.contact_id, max_by(p.vip_tier, p.valid_from_s) as vip_tier
  from tickets as t
  inner join int_customer_vip_points as p on p.customer_key = t.customer_key and p.valid_from_s <= t.created_s
  group by t.ticket_id, p.contact_id
),

vip_at_creation as (
  select ticket_id, max(vip_tier) as vip_tier
  from contact_tier_at_creation
  group by ticket_id
),

measured as (
  select
    n.*,
    coalesce(v.vip_tier, 'none') as vip_tier,
    g.tier as group_tier,
    c.first_reply_at,
    c.first_response_at,
    c.first_reply_agent_id,
    coalesce(c.agent_reply_count, 0) as agent_reply_count,
    coalesce(c.customer_message_count, 0) as customer_message_count,
    coalesce(c.is_bot_handled, false) as is_bot_handled,
    coalesce(c.is_agent_created, false) as is_agent_created,
    coalesce(c.reply_wait_count, 0) as reply_wait_count,
    coalesce(c.total_reply_wait_s, 0) as total_reply_wait_s,
    s.first_solved_at,
    s.last_solved_at,
    coalesce(s.reopen_count, 0) as reopen_count,
    coalesce(s.requester_wait_time_s, 0) as requester_wait_time_s,
    coalesce(s.agent_work_time_s, 0) as agent_work_time_s,
    coalesce(s.on_hold_time_s, 0) as on_hold_time_s,
    coalesce(s.pending_time_s, 0) as pending_time_s,
    r.group_transfer_count,
    r.assignee_change_count,
    r.is_escalated,
    r.escalated_at,
    r.escalated_by_id,
    r.max_tier,
    coalesce(r.created_group_tier, g.tier, 'L1') as created_group_tier,
    s.deleted_at,
    f.csat_score,
    f.is_csat_offered,
    f.sentiment_score,
    f.sentiment_shift,
    to_unixtime(c.first_reply_at) as first_reply_s,
    to_unixtime(c.first_response_at) as first_response_s,
    to_unixtime(s.first_solved_at) as first_solved_s,
    to_unixtime(s.last_solved_at) as last_solved_s,
    to_unixtime(s.deleted_at) as deleted_s
  from normalised as n
  left join vip_at_creation as v on v.ticket_id = n.ticket_id
  left join int_group_tiers as g on g.group_id = n.group_id
  left join int_ticket_comment_metrics as c on c.ticket_id = n.ticket_id
  left join int_ticket_status_metrics as s on s.ticket_id = n.ticket_id
  left join int_ticket_routing_metrics as r on r.ticket_id = n.ticket_id
  left join int_ticket_feedback_metrics as f on f.ticket_id = n.ticket_id
),

-- The recomputed tickets' neighbours were created from 7 days before the earliest of them on.
customer_tickets as (
  select i.ticket_id, u.customer_key, i.created_s
  from int_ticket_index as i
  inner join int_user_kinds as u on u.user_id = i.requester_id
  where not i.is_deleted
    and u.customer_key is not null
    and i.created_month_utc >= (
      select substr(cast(from_unixtime(min(created_s) - 8 * 86400) as varchar), 1, 7) from chg_affected_tickets
    )
),

-- Repeat contacts look back from created_at; first-contact resolution looks 7 days past the last solve.
repeats as (
  select
    m.ticket_id,
    max(case when o.created_s >= m.created_s - 86400 and o.created_s < m.created_s then 1 else 0 end) = 1
      as is_repeat_contact_24h,
    max(case when o.created_s >= m.created_s - 604800 and o.created_s < m.created_s then 1 else 0 end) = 1
      as is_repeat_contact_7d,
    max(case when m.last_solved_s is not null and o.created_s > m.last_solved_s
      and o.created_s <= m.last_solved_s + 604800 then 1 else 0 end) = 1 as has_contact_after_solve
  from measured as m
  inner join customer_tickets as o on o.customer_key = m.customer_key and o.ticket_id <> m.ticket_id
  group by m.ticket_id
),

sla_candidates as (
  select
    m.ticket_id,
    p.policy_name,
    p.first_reply_target_s,
    p.resolution_target_s,
    p.schedule,
    row_number() over (partition by m.ticket_id order by p.rule_order) as match_order
  from measured as m
  cross join cfg_sla_policies as p
  where (p.channels is null or strpos(p.channels, ',' || m.channel || ',') > 0)
    and (p.priorities is null or strpos(p.priorities, ',' || m.priority_value || ',') > 0)
    and (p.vip_tiers is null or strpos(p.vip_tiers, ',' || m.vip_tier || ',') > 0)
    and (p.categories is null or strpos(p.categories, ',' || m.category_value || ',') > 0)
    and (p.group_tiers is null or strpos(p.group_tiers, ',' || m.created_group_tier || ',') > 0)
),

sla_policy as (
  select * from sla_candidates where match_order = 1
),

-- Business time elapsed at each instant that matters, on the policy's schedule: the open seconds
-- before the containing interval plus the open part of it (see cfg_business_hours).
instants as (
  select m.ticket_id, 'created' as instant, m.created_s as at_s from measured as m
  union all
  select m.ticket_id, 'first_reply', m.first_reply_s from measured as m where m.first_reply_s is not null
  union all
  select m.ticket_id, 'first_solved', m.first_solved_s from measured as m where m.first_solved_s is not null
  union all
  select m.ticket_id, 'last_solved', m.last_solved_s from measured as m where m.last_solved_s is not null
  union all
  -- A deleted ticket's clock stops at its deletion (KPIS.md, 2026-12-07): its "now" is that instant.
  select m.ticket_id, 'now', coalesce(m.deleted_s, r.now_s) from measured as m cross join run as r
),

business_clock as (
  select
    i.ticket_id,
    max(case when i.instant = 'created' then b.clock_s end) as created_b,
    max(case when i.instant = 'first_reply' then b.clock_s end) as first_reply_b,
    max(case when i.instant = 'first_solved' then b.clock_s end) as first_solved_b,
    max(case when i.instant = 'last_solved' then b.clock_s end) as last_solved_b,
    max(case when i.instant = 'now' then b.clock_s end) as now_b
  from instants as i
  inner join sla_policy as p on p.ticket_id = i.ticket_id
  left join (
    select
      i2.ticket_id,
      i2.instant,
      case
        when p2.schedule = 'calendar' then i2.at_s
        else h.open_before_s + least(greatest(i2.at_s - h.open_from_s, 0), h.open_to_s - h.open_from_s)
      end as clock_s
    from instants as i2
    inner join sla_policy as p2 on p2.ticket_id = i2.ticket_id
    left join cfg_business_hours as h
      on h.schedule = p2.schedule and i2.at_s >= h.open_from_s and i2.at_s < h.next_open_from_s
  ) as b on b.ticket_id = i.ticket_id and b.instant = i.instant
  group by i.ticket_id
),

reporting as (
  select
    m.ticket_id,
    cast(from_unixtime(m.created_s + oc.offset_s) as date) as created_date,
    hour(from_unixtime(m.created_s + oc.offset_s)) as created_hour,
    cast(from_unixtime(m.last_solved_s + os.offset_s) as date) as last_solved_date
  from measured as m
  inner join cfg_reporting_offsets as oc on m.created_s >= oc.valid_from_s and m.created_s < oc.valid_to_s
  left join cfg_reporting_offsets as os on m.last_solved_s >= os.valid_from_s and m.last_solved_s < os.valid_to_s
),

final as (
  select
    m.ticket_id,
    'zendesk' as source,
    m.customer_key,
    m.requester_id,
    m.assignee_id,
    m.group_id,
    coalesce(m.group_tier, 'L1') as group_tier,
    m.created_at,
    d.created_date,
    substr(cast(d.created_date as varchar), 1, 7) as created_month,
    d.created_hour,
    m.channel,
    m.priority_value as priority,
    m.category_value as category,
    m.language_value as language,
    m.vip_tier,
    m.status,
    m.is_solved,
    m.is_agent_created,
    m.first_response_at,
    m.first_reply_at,
    m.first_reply_agent_id,
    m.first_reply_s - m.created_s as first_reply_time_s,
    m.first_response_s - m.created_s as first_response_time_s,
    case when m.first_reply_s is not null then b.first_reply_b - b.created_b end as first_reply_time_business_s,
    m.first_solved_at,
    m.last_solved_at,
    d.last_solved_date,
    m.first_solved_s - m.created_s as first_resolution_time_s,
    case when m.is_solved then m.last_solved_s - m.created_s end as full_resolution_time_s,
    cast(m.reopen_count as bigint) as reopen_count,
    cast(m.agent_reply_count as bigint) as agent_reply_count,
    cast(m.customer_message_count as bigint) as customer_message_count,
    cast(m.requester_wait_time_s as double) as requester_wait_time_s,
    cast(m.agent_work_time_s as double) as agent_work_time_s,
    cast(m.on_hold_time_s as double) as on_hold_time_s,
    cast(m.pending_time_s as double) as pending_time_s,
    cast(m.reply_wait_count as bigint) as reply_wait_count,
    cast(m.total_reply_wait_s as double) as total_reply_wait_s,
    cast(coalesce(m.group_transfer_count, 0) as bigint) as group_transfer_count,
    cast(coalesce(m.assignee_change_count, 0) as bigint) as assignee_change_count,
    coalesce(m.is_escalated, false) as is_escalated,
    m.escalated_at,
    m.escalated_by_id,
    coalesce(m.max_tier, coalesce(m.group_tier, 'L1')) as max_tier,
    to_unixtime(m.escalated_at) - m.created_s as escalation_time_s,
    m.is_bot_handled,
    m.is_bot_handled and m.is_solved and m.agent_reply_count = 0 as is_bot_contained,
    m.is_solved and m.agent_reply_count = 1 and m.reopen_count = 0 as is_one_touch,
    coalesce(rp.is_repeat_contact_24h, false) as is_repeat_contact_24h,
    coalesce(rp.is_repeat_contact_7d, false) as is_repeat_contact_7d,
    m.is_solved and m.agent_reply_count = 1 and m.reopen_count = 0
      and not coalesce(rp.has_contact_after_solve, false) as is_first_contact_resolution,
    p.policy_name as sla_policy,
    p.first_reply_target_s as sla_first_reply_target_s,
    p.resolution_target_s as sla_resolution_target_s,
    -- First reply: measured at the first public agent reply; a ticket solved without one is
    -- measured at its first solve; otherwise pending until the target has passed.
    case
      when p.first_reply_target_s is null then null
      when m.first_reply_s is not null then
        case when b.first_reply_b - b.created_b <= p.first_reply_target_s then 'met' else 'breached' end
      when m.is_solved and m.first_solved_s is not null then
        case when b.first_solved_b - b.created_b <= p.first_reply_target_s then 'met' else 'breached' end
      when b.now_b - b.created_b > p.first_reply_target_s then 'breached'
      else 'pending'
    end as sla_first_reply_status,
    case
      when p.resolution_target_s is null then null
      when m.is_solved and m.last_solved_s is not null then
        case when b.last_solved_b - b.created_b <= p.resolution_target_s then 'met' else 'breached' end
      when b.now_b - b.created_b > p.resolution_target_s then 'breached'
      else 'pending'
    end as sla_resolution_status,
    m.csat_score,
    coalesce(m.is_csat_offered, false) as is_csat_offered,
    m.sentiment_score,
    case
      when m.sentiment_score is null then null
      when m.sentiment_score <= -0.25 then 'negative'
      when m.sentiment_score >= 0.25 then 'positive'
      else 'neutral'
    end as sentiment_label,
    m.sentiment_shift,
    m.is_deleted,
    m.deleted_at,
    m.created_group_tier,
    r.kpi_version
  from measured as m
  cross join run as r
  inner join reporting as d on d.ticket_id = m.ticket_id
  left join repeats as rp on rp.ticket_id = m.ticket_id
  left join sla_policy as p on p.ticket_id = m.ticket_id
  left join business_clock as b on b.ticket_id = m.ticket_id
)

select * from final

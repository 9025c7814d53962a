-- materialized: view
-- description: Per affected ticket: first reply / response, reply counts, customer messages and reply waits, from its public comments
with comments as (
  select
    c.ticket_id,
    c.comment_id,
    c.author_id,
    c.created_at,
    to_unixtime(c.created_at) as created_s,
    c.is_public,
    coalesce(k.user_kind, 'end_user') as author_kind,
    row_number() over (partition by c.ticket_id order by c.created_at, c.comment_id) as seq
  from int_comments as c
  inner join chg_affected_tickets as a on a.ticket_id = c.ticket_id
  left join int_user_kinds as k on k.user_id = c.author_id
  where c.event_month in (select event_month from chg_affected_event_months)
),

-- The opening comment of a ticket an agent (or bot) created is the request, not a reply to it:
-- first_reply_at is then the second public agent comment, as the spec says.
classified as (
  select
    ticket_id,
    comment_id,
    author_id,
    created_at,
    created_s,
    case
      when not is_public then 'private'
      when author_kind = 'end_user' then 'customer_message'
      when seq = 1 then 'agent_opening'
      when author_kind = 'agent' then 'agent_reply'
      else 'bot_reply'
    end as kind
  from comments
),

conversation as (
  select
    ticket_id,
    created_s,
    kind,
    sum(case when kind = 'agent_reply' then 1 else 0 end) over (
      partition by ticket_id order by created_at, comment_id rows between unbounded preceding and current row
    ) as agent_replies_so_far
  from classified
  where kind in ('customer_message', 'agent_reply')
),

-- A wait starts at the first customer message after an agent reply (or the start) and ends at the
-- next public agent reply; customer messages are numbered by the agent replies before them.
wait_starts as (
  select ticket_id, agent_replies_so_far as wait_number, min(created_s) as wait_start_s
  from conversation
  where kind = 'customer_message'
  group by ticket_id, agent_replies_so_far
),

wait_ends as (
  select ticket_id, agent_replies_so_far - 1 as wait_number, created_s as wait_end_s
  from conversation
  where kind = 'agent_reply'
),

waits as (
  select
    s.ticket_id,
    count(*) as reply_wait_count,
    sum(e.wait_end_s - s.wait_start_s) as total_reply_wait_s
  from wait_starts as s
  inner join wait_ends as e on e.ticket_id = s.ticket_id and e.wait_number = s.wait_number
  group by s.ticket_id
),

per_ticket as (
  select
    ticket_id,
    min(case when kind = 'agent_reply' then created_at end) as first_reply_at,
    min(case when kind in ('agent_reply', 'bot_reply') then created_at end) as first_response_at,
    min_by(case when kind = 'agent_reply' then author_id end, case when kind = 'agent_reply' then created_s end)
      as first_reply_agent_id,
    sum(case when kind = 'agent_reply' then 1 else 0 end) as agent_reply_count,
    sum(case when kind = 'customer_message' then 1 else 0 end) as customer_message_count,
    max(case when kind = 'bot_reply' then 1 else 0 end) = 1 as is_bot_handled,
    max(case when kind = 'agent_opening' then 1 else 0 end) = 1 as is_agent_created
  from classified
  group by ticket_id
)

select
  p.ticket_id,
  p.first_reply_at,
  p.first_response_at,
  p.first_reply_agent_id,
  p.agent_reply_count,
  p.customer_message_count,
  p.is_bot_handled,
  p.is_agent_created,
  coalesce(w.reply_wait_count, 0) as reply_wait_count,
  coalesce(w.total_reply_wait_s, 0) as total_reply_wait_s
from per_ticket as p
left join waits as w on w.ticket_id = p.ticket_id

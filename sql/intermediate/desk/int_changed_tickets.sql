-- materialized: view
-- description: Tickets touched by the rows that arrived in this run (ticket, event, comment, rating, sentiment), or whose VIP tier at creation or post-contact retention a new CRM version of their customer can change
with changed as (
  select ticket_id from stg_zendesk__tickets
  union
  select ticket_id from stg_zendesk__ticket_events
  union
  select ticket_id from stg_zendesk__comments
  union
  select ticket_id from stg_zendesk__satisfaction_ratings
  union
  select ticket_id from stg_nlp__comment_sentiment
),

-- A new CRM version changes the VIP tier of tickets created from its valid_from on, and the
-- retention of tickets solved in the 30 days before its last trade (a day of margin).
crm_changed as (
  select t.ticket_id
  from stg_hubspot__contact_snapshots as s
  inner join int_user_kinds as u on u.customer_key = s.customer_key
  inner join int_tickets as t on t.requester_id = u.user_id
  where t.created_at >= s.valid_from
  union
  select t.ticket_id
  from stg_hubspot__contact_snapshots as s
  inner join int_user_kinds as u on u.customer_key = s.customer_key
  inner join int_tickets as t on t.requester_id = u.user_id
  inner join int_ticket_events as e on e.ticket_id = t.ticket_id
  where e.field_name = 'status'
    and to_unixtime(e.created_at) between to_unixtime(s.last_trade_at) - 31 * 86400 and to_unixtime(s.last_trade_at)
)

select ticket_id from changed
union
select ticket_id from crm_changed

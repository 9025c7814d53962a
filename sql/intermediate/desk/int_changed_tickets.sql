-- materialized: view
-- description: Tickets touched by the rows that arrived in this run (ticket, event, comment, rating, sentiment, or the customer's CRM record)
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

crm_changed as (
  select t.ticket_id
  from stg_hubspot__contact_snapshots as s
  inner join int_user_kinds as u on u.customer_key = s.customer_key
  inner join int_tickets as t on t.requester_id = u.user_id
)

select ticket_id from changed
union
select ticket_id from crm_changed

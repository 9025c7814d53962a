-- materialized: table
-- description: Tickets touched by the rows that arrived in this run (ticket, event, comment, rating, sentiment), or whose VIP tier at creation a new CRM version of their customer can change (built each run from the new staging rows; a new trade changes no ticket row, only the retention of the months it looks back on: see int_affected_months)
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

-- A new CRM version changes the VIP tier at creation of its customer's tickets created from its
-- valid_from on (a second of margin).
new_versions as (
  select customer_key, min(to_unixtime(valid_from)) as from_s
  from stg_hubspot__contact_snapshots
  where customer_key is not null
  group by customer_key
),

crm_changed as (
  select i.ticket_id
  from new_versions as v
  inner join int_user_kinds as u on u.customer_key = v.customer_key
  inner join int_ticket_index as i on i.requester_id = u.user_id
  where i.created_s >= v.from_s - 1
)

select ticket_id from changed
union
select ticket_id from crm_changed

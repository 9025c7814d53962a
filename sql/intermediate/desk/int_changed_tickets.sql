-- materialized: table
-- description: Tickets touched by the rows that arrived in this run (ticket, event, comment, rating, sentiment), or whose VIP tier at creation a new CRM version of their customer can change (built each run from the new staging rows; a new trade changes no ticket row, only the retention of the months it looks back on: see int_affected_months), and whether the change can move a KPI (moves_kpis false for a ticket whose only news is solved → closed)
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
),

-- Solved → closed alters only the ticket's status column: solved means solved or closed, the solve
-- and every duration stay, and creation, requester and deletion (what other tickets' windows read)
-- do not move. Such a ticket's row is recomputed, but it marks no month and no neighbour. Zendesk
-- audits every field change, so a row that changed anything else arrives with that event.
status_closes as (
  select ticket_id
  from stg_zendesk__ticket_events
  group by ticket_id
  having count_if(
    event_type = 'Change' and field_name = 'status' and value = 'closed' and previous_value = 'solved'
  ) = count(*)
),

close_only as (
  select c.ticket_id
  from status_closes as c
  where c.ticket_id not in (select ticket_id from stg_zendesk__tickets where status <> 'closed' or is_deleted)
    and c.ticket_id not in (select ticket_id from stg_zendesk__comments)
    and c.ticket_id not in (select ticket_id from stg_zendesk__satisfaction_ratings)
    and c.ticket_id not in (select ticket_id from stg_nlp__comment_sentiment)
    and c.ticket_id not in (select ticket_id from crm_changed)
),

all_changed as (
  select ticket_id from changed
  union
  select ticket_id from crm_changed
)

select a.ticket_id, o.ticket_id is null as moves_kpis
from all_changed as a
left join close_only as o on o.ticket_id = a.ticket_id

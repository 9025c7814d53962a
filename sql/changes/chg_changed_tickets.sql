-- materialized: table
-- description: Tickets touched by the rows that arrived in this run (ticket, event, comment, rating, sentiment), or whose VIP tier at creation a new CRM version of their customer can change (built each run from the new staging rows; a new trade changes no ticket row, only the retention of the months it looks back on: see chg_affected_months), whether the change can move a KPI (moves_kpis false for a ticket whose only news is solved → closed), and whether it can move other tickets' rows (moves_neighbours: only a new, deleted or restored ticket, or one handed to another requester)
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
    and i.created_month_utc >= (select substr(cast(from_unixtime(min(from_s) - 1) as varchar), 1, 7) from new_versions)
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
),

-- Other tickets read of a ticket only its creation, requester and deletion (repeat contacts and FCR
-- look for the same customer's tickets created around them). A status, reply, rating or VIP tier
-- moves none of these, so only a ticket that is new, deleted, restored or handed to another
-- requester marks neighbours (chg_affected_tickets). New means its Create event arrived, or its row
-- did with a creation after the previous full run's now less a day (an export may deliver a
-- ticket's row and its Create event in different runs); on a full refresh or with no previous run,
-- every row is new.
previous_run as (
  select previous_run_s as from_s from cfg_refresh
),

identity_changed as (
  select ticket_id
  from stg_zendesk__ticket_events
  where event_type = 'Create'
    or field_name = 'requester_id'
    or (field_name = 'status' and (value = 'deleted' or previous_value = 'deleted'))
  union
  select t.ticket_id
  from stg_zendesk__tickets as t
  cross join previous_run as p
  cross join cfg_refresh as r
  where t.is_deleted or r.full_refresh or p.from_s is null or to_unixtime(t.created_at) > p.from_s - 86400
)

select
  a.ticket_id,
  o.ticket_id is null as moves_kpis,
  o.ticket_id is null and n.ticket_id is not null as moves_neighbours
from all_changed as a
left join close_only as o on o.ticket_id = a.ticket_id
left join identity_changed as n on n.ticket_id = a.ticket_id

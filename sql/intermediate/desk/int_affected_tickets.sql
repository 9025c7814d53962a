-- materialized: table
-- description: Tickets whose fct_tickets row must be recomputed this run, with their creation and created months (so per-run readers need not read the ticket index): changed ones, the same customer's tickets within the 7-day windows around the new, deleted or re-assigned ones (repeat contacts look 7 days back from creation, FCR 7 days past the last solve), and every unsolved ticket (durations and SLA statuses run against now); moves_kpis is false for a ticket only recomputed for a change that moves no KPI (solved → closed), moves_created false for one whose only possible change is its FCR (a KPI of its solve date, not of its creation)
with changed as (
  select ticket_id, moves_kpis, moves_neighbours from int_changed_tickets
),

customer_tickets as (
  select i.ticket_id, u.customer_key, i.created_s
  from int_ticket_index as i
  inner join int_user_kinds as u on u.user_id = i.requester_id
  where u.customer_key is not null
),

changed_contacts as (
  select distinct t.customer_key, t.created_s
  from changed as c
  inner join customer_tickets as t on t.ticket_id = c.ticket_id
  where c.moves_neighbours
),

-- A changed ticket created at c is a repeat contact for tickets created in (c, c + 7 d] and breaks
-- the FCR of tickets last solved in [c - 7 d, c): a day of margin on each side.
same_customer as (
  select o.ticket_id, true as moves_created
  from customer_tickets as o
  inner join changed_contacts as c on c.customer_key = o.customer_key
  where o.created_s between c.created_s - 8 * 86400 and c.created_s + 8 * 86400
  union
  -- Only the FCR of these moves (it counts on the solve date), not what counts on their creation.
  select o.ticket_id, false as moves_created
  from customer_tickets as o
  inner join changed_contacts as c on c.customer_key = o.customer_key
  inner join int_status_changes as s on s.ticket_id = o.ticket_id
  where s.changed_s between c.created_s - 8 * 86400 and c.created_s + 86400
    and s.event_month in (
      select event_month from int_event_months
      where event_month >= (
        select substr(cast(from_unixtime(min(created_s) - 8 * 86400) as varchar), 1, 7) from changed_contacts
      )
    )
),

unsolved as (
  select ticket_id from int_ticket_index where is_open
),

affected as (
  select ticket_id, moves_kpis, moves_kpis as moves_created from changed
  union all
  select ticket_id, true, moves_created from same_customer
  union all
  select ticket_id, true, true from unsolved
),

merged as (
  select ticket_id, bool_or(moves_kpis) as moves_kpis, bool_or(moves_created) as moves_created
  from affected
  group by ticket_id
)

select a.ticket_id, i.created_month, i.created_month_utc, i.created_s, a.moves_kpis, a.moves_created
from merged as a
inner join int_ticket_index as i on i.ticket_id = a.ticket_id

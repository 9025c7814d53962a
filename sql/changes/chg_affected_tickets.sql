-- materialized: table
-- description: Tickets whose fct_tickets row must be recomputed this run, with their creation and created months (so per-run readers need not read the ticket index): changed ones, the same customer's tickets within the 7-day windows around the new, deleted or re-assigned ones (repeat contacts look 7 days back from creation, FCR 7 days past the last solve), and every unsolved ticket (durations and SLA statuses run against now); moves_kpis is false for a ticket only recomputed for a change that moves no KPI (solved → closed), moves_created false for one whose only possible change is its FCR (a KPI of its solve date, not of its creation)
with changed as (
  select ticket_id, moves_kpis, moves_neighbours from chg_changed_tickets
),

-- The index months (UTC creation) whose id range holds a ticket of a set: the index is read by
-- those partitions, never whole.
changed_months as (
  select distinct m.created_month_utc
  from chg_ticket_months as m
  inner join changed as c on c.ticket_id between m.min_ticket_id and m.max_ticket_id
  where c.moves_neighbours
),

-- Tickets of known customers; each use reads only the index months it needs.
customer_tickets as (
  select i.ticket_id, u.customer_key, i.created_s, i.created_month_utc
  from int_ticket_index as i
  inner join int_user_kinds as u on u.user_id = i.requester_id
  where u.customer_key is not null
),

changed_contacts as (
  select distinct t.customer_key, t.created_s
  from changed as c
  inner join customer_tickets as t on t.ticket_id = c.ticket_id
  where c.moves_neighbours and t.created_month_utc in (select created_month_utc from changed_months)
),

window_bounds as (
  select min(created_s) - 8 * 86400 as from_s, max(created_s) + 8 * 86400 as to_s from changed_contacts
),

-- A changed ticket created at c is a repeat contact for tickets created in (c, c + 7 d] and breaks
-- the FCR of tickets last solved in [c - 7 d, c): a day of margin on each side.
created_nearby as (
  select o.ticket_id, true as moves_created
  from customer_tickets as o
  inner join changed_contacts as c on c.customer_key = o.customer_key
  where o.created_s between c.created_s - 8 * 86400 and c.created_s + 8 * 86400
    and o.created_month_utc between
      (select substr(cast(from_unixtime(from_s) as varchar), 1, 7) from window_bounds)
      and (select substr(cast(from_unixtime(to_s) as varchar), 1, 7) from window_bounds)
),

-- Status changes of any ticket in the FCR windows (the changes, not the tickets, are in event months).
changed_nearby as (
  select s.ticket_id, s.changed_s
  from int_status_changes as s
  cross join window_bounds as b
  where s.changed_s between b.from_s and b.to_s - 7 * 86400
    and s.event_month in (
      select event_month from chg_event_months
      where event_month >= (select substr(cast(from_unixtime(from_s) as varchar), 1, 7) from window_bounds)
    )
),

changed_nearby_months as (
  select distinct m.created_month_utc
  from chg_ticket_months as m
  inner join changed_nearby as s on s.ticket_id between m.min_ticket_id and m.max_ticket_id
),

-- Only the FCR of these moves (it counts on the solve date), not what counts on their creation.
fcr_nearby as (
  select o.ticket_id, false as moves_created
  from customer_tickets as o
  inner join changed_contacts as c on c.customer_key = o.customer_key
  inner join changed_nearby as s on s.ticket_id = o.ticket_id
  where s.changed_s between c.created_s - 8 * 86400 and c.created_s + 86400
    and o.created_month_utc in (select created_month_utc from changed_nearby_months)
),

unsolved as (
  select ticket_id
  from int_ticket_index
  where is_open and created_month_utc in (select created_month_utc from chg_ticket_months where open_tickets > 0)
),

affected as (
  select ticket_id, moves_kpis, moves_kpis as moves_created from changed
  union all
  select ticket_id, true, moves_created from created_nearby
  union all
  select ticket_id, true, moves_created from fcr_nearby
  union all
  select ticket_id, true, true from unsolved
),

merged as (
  select ticket_id, bool_or(moves_kpis) as moves_kpis, bool_or(moves_created) as moves_created
  from affected
  group by ticket_id
),

merged_months as (
  select distinct m.created_month_utc
  from chg_ticket_months as m
  inner join merged as a on a.ticket_id between m.min_ticket_id and m.max_ticket_id
)

select a.ticket_id, i.created_month, i.created_month_utc, i.created_s, a.moves_kpis, a.moves_created
from merged as a
inner join int_ticket_index as i on i.ticket_id = a.ticket_id
where i.created_month_utc in (select created_month_utc from merged_months)

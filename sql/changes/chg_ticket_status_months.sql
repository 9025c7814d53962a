-- materialized: incremental
-- unique_key: created_month, status_month
-- description: Each reporting month a ticket was solved in (entered solved or closed from another status: what the solved-in-period KPIs count on), with the ticket's created month, to find the fact partitions a recomputed month must read; a few hundred pairs that only grow, so a run adds the pairs of its affected tickets' solves instead of readers deriving them from every status change
with changes as (
  select
    s.ticket_id,
    s.changed_s,
    s.status,
    lag(s.status) over (partition by s.ticket_id order by s.changed_s, s.event_order, s.event_id) as previous_status
  from int_status_changes as s
  inner join chg_affected_tickets as a on a.ticket_id = s.ticket_id
  where s.event_month in (select event_month from chg_affected_event_months)
)

select distinct
  a.created_month,
  substr(cast(cast(from_unixtime(c.changed_s + o.offset_s) as date) as varchar), 1, 7) as status_month
from changes as c
inner join chg_affected_tickets as a on a.ticket_id = c.ticket_id
inner join cfg_reporting_offsets as o on c.changed_s >= o.valid_from_s and c.changed_s < o.valid_to_s
where c.status in ('solved', 'closed') and coalesce(c.previous_status, 'none') not in ('solved', 'closed')

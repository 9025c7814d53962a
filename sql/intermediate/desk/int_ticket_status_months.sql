-- materialized: incremental
-- unique_key: created_month, status_month
-- description: Each reporting month a ticket changed status in (a solve counts on its date), with the ticket's created month, to find the fact partitions a recomputed month must read; a few hundred pairs that only grow, so a run adds the pairs of its affected tickets' status changes instead of readers deriving them from every status change
select distinct
  a.created_month,
  substr(cast(cast(from_unixtime(s.changed_s + o.offset_s) as date) as varchar), 1, 7) as status_month
from int_status_changes as s
inner join int_affected_tickets as a on a.ticket_id = s.ticket_id
inner join cfg_reporting_offsets as o on s.changed_s >= o.valid_from_s and s.changed_s < o.valid_to_s
where s.event_month in (select event_month from int_affected_event_months)

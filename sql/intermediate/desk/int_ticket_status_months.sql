-- materialized: view
-- description: Each reporting month a ticket changed status in (a solve counts on its date), with the ticket's created month, to find the fact partitions a recomputed month must read
select distinct
  i.created_month,
  substr(cast(cast(from_unixtime(s.changed_s + o.offset_s) as date) as varchar), 1, 7) as status_month
from int_status_changes as s
inner join int_ticket_index as i on i.ticket_id = s.ticket_id
inner join cfg_reporting_offsets as o on s.changed_s >= o.valid_from_s and s.changed_s < o.valid_to_s

-- materialized: incremental
-- unique_key: created_month_utc
-- description: One row per UTC creation month of the ticket index: the lowest and highest ticket id in it, the first creation of a ticket not deleted, and how many tickets are open; recomputed for the months this run's tickets were created in, so readers find the index partitions holding a set of ids, the open tickets or the first ticket without reading the index (ids grow with creation at the desk; imported tickets only widen a month's range)
select
  created_month_utc,
  min(ticket_id) as min_ticket_id,
  max(ticket_id) as max_ticket_id,
  min(case when not is_deleted then created_s end) as first_created_s,
  count_if(is_open) as open_tickets
from int_ticket_index
where created_month_utc in (select substr(cast(created_at as varchar), 1, 7) from stg_zendesk__tickets)
group by created_month_utc

-- materialized: view
-- description: The reporting dates each ticket counts on (creation and every status change: a solve counts on its date), with the ticket's created month, to find what a recomputed month must read
with offsets as (
  select valid_from_s, valid_to_s, offset_s from cfg_reporting_offsets
),

instants as (
  select ticket_id, to_unixtime(created_at) as created_s, to_unixtime(created_at) as at_s
  from int_tickets
  union all
  select e.ticket_id, to_unixtime(t.created_at) as created_s, to_unixtime(e.created_at) as at_s
  from int_ticket_events as e
  inner join int_tickets as t on t.ticket_id = e.ticket_id
  where e.field_name = 'status'
)

select distinct
  i.ticket_id,
  substr(cast(cast(from_unixtime(i.created_s + oc.offset_s) as date) as varchar), 1, 7) as created_month,
  cast(from_unixtime(i.at_s + oa.offset_s) as date) as event_date
from instants as i
inner join offsets as oc on i.created_s >= oc.valid_from_s and i.created_s < oc.valid_to_s
inner join offsets as oa on i.at_s >= oa.valid_from_s and i.at_s < oa.valid_to_s

-- materialized: incremental
-- unique_key: ticket_id
-- version_column: generated_timestamp
-- description: A narrow line per ticket (requester, creation, created months, open or not), read whole where a run must find tickets by id or by customer without reading the month-partitioned ticket state
select
  t.ticket_id,
  t.requester_id,
  to_unixtime(t.created_at) as created_s,
  substr(cast(cast(from_unixtime(to_unixtime(t.created_at) + o.offset_s) as date) as varchar), 1, 7) as created_month,
  substr(cast(t.created_at as varchar), 1, 7) as created_month_utc,
  t.status not in ('solved', 'closed') and not t.is_deleted as is_open,
  t.is_deleted,
  t.generated_timestamp
from stg_zendesk__tickets as t
inner join cfg_reporting_offsets as o
  on to_unixtime(t.created_at) >= o.valid_from_s and to_unixtime(t.created_at) < o.valid_to_s

-- materialized: incremental
-- unique_key: ticket_id
-- version_column: generated_timestamp
-- partition_by: created_month_utc
-- description: A narrow line per ticket (requester, creation, created months, open or not), by the UTC month it was created in; readers find the months holding the tickets they look for in chg_ticket_months
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

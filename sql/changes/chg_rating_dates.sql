-- materialized: incremental
-- unique_key: rating_id, rating_date
-- partition_by: created_month
-- description: Every reporting date any version of a satisfaction rating was offered or rated on, accumulated (a rating re-rated in another month must recompute the old month too), by its ticket's created month ('0000-00' while the ticket is not known: readers also read that partition)
with ratings as (
  select rating_id, ticket_id, to_unixtime(created_at) as at_s from stg_zendesk__satisfaction_ratings
  union
  select rating_id, ticket_id, to_unixtime(updated_at) as at_s from stg_zendesk__satisfaction_ratings
)

select distinct
  r.rating_id,
  r.ticket_id,
  cast(from_unixtime(r.at_s + o.offset_s) as date) as rating_date,
  coalesce(a.created_month, '0000-00') as created_month
from ratings as r
inner join cfg_reporting_offsets as o on r.at_s >= o.valid_from_s and r.at_s < o.valid_to_s
left join chg_affected_tickets as a on a.ticket_id = r.ticket_id

-- materialized: incremental
-- unique_key: rating_id, rating_date
-- description: Every reporting date any version of a satisfaction rating was offered or rated on, accumulated (a rating re-rated in another month must recompute the old month too)
with ratings as (
  select rating_id, ticket_id, to_unixtime(created_at) as at_s from stg_zendesk__satisfaction_ratings
  union
  select rating_id, ticket_id, to_unixtime(updated_at) as at_s from stg_zendesk__satisfaction_ratings
)

select distinct
  r.rating_id,
  r.ticket_id,
  cast(from_unixtime(r.at_s + o.offset_s) as date) as rating_date
from ratings as r
inner join cfg_reporting_offsets as o on r.at_s >= o.valid_from_s and r.at_s < o.valid_to_s

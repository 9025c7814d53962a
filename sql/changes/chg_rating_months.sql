-- materialized: incremental
-- unique_key: created_month, rating_month
-- description: Each reporting month a satisfaction rating was offered or rated in, with its ticket's created month, to find the rating partitions a recomputed month must read; pairs only grow (a re-rated rating keeps its old month's pair, which only widens the read), added for the ratings of this run's affected tickets with the dates fct_satisfaction_ratings gives them (the latest copy of each rating, offered always, rated when scored)
with ratings as (
  select
    r.score,
    to_unixtime(r.created_at) as offered_s,
    to_unixtime(r.updated_at) as rated_s,
    a.created_month,
    row_number() over (
      partition by r.rating_id order by r.updated_at desc, r.created_month desc
    ) as recency
  from int_satisfaction_ratings as r
  inner join chg_affected_tickets as a on a.ticket_id = r.ticket_id
  where r.created_month in (select created_month from chg_affected_tickets union select '0000-00')
),

dated as (
  select
    r.created_month,
    cast(from_unixtime(r.offered_s + oo.offset_s) as date) as offered_date,
    case
      when r.score in ('good', 'bad', '1', '2', '3', '4', '5')
        then cast(from_unixtime(r.rated_s + orr.offset_s) as date)
    end as rated_date
  from ratings as r
  inner join cfg_reporting_offsets as oo on r.offered_s >= oo.valid_from_s and r.offered_s < oo.valid_to_s
  inner join cfg_reporting_offsets as orr on r.rated_s >= orr.valid_from_s and r.rated_s < orr.valid_to_s
  where r.recency = 1
)

select distinct created_month, substr(cast(offered_date as varchar), 1, 7) as rating_month
from dated
union
select distinct created_month, substr(cast(rated_date as varchar), 1, 7) as rating_month
from dated
where rated_date is not null

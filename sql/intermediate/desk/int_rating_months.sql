-- materialized: incremental
-- unique_key: created_month, rating_month
-- description: Each reporting month a satisfaction rating was offered or rated in, with its ticket's created month, to find the rating partitions a recomputed month must read; pairs only grow (a re-rated rating keeps its old month's pair, which only widens the read), added from the partitions of fct_satisfaction_ratings this run wrote
with ratings as (
  select created_month, offered_date, rated_date
  from fct_satisfaction_ratings
  where created_month in (select created_month from int_affected_tickets)
)

select distinct created_month, substr(cast(offered_date as varchar), 1, 7) as rating_month
from ratings
union
select distinct created_month, substr(cast(rated_date as varchar), 1, 7) as rating_month
from ratings
where rated_date is not null

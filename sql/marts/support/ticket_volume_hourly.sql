-- materialized: incremental
-- unique_key: created_date, created_hour, channel
-- partition_by: created_month
-- incremental_strategy: replace_partitions
-- description: Tickets created per reporting day and hour of day (reporting zone), overall and by channel; the months this run touched are recomputed whole
-- test: unique(created_date, created_hour, channel)
with tickets as (
  select created_date, created_hour, channel, created_month
  from fct_tickets
  where not is_deleted and created_month in (select period_month from int_affected_months)
)

select created_date, created_hour, 'all' as channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version,
  created_month
from tickets cross join cfg_run as r
group by created_date, created_hour, created_month
union all
select created_date, created_hour, channel, count(*) as ticket_count, max(r.kpi_version) as kpi_version, created_month
from tickets cross join cfg_run as r
group by created_date, created_hour, channel, created_month
